// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read Track Data (0xA6) and Write Track Data (0xA5) in command mode: the
 * track-level block I/O of Linux's dasd_eckd (docs/eckd.md "Track data").
 * A Prefix or Locate Record Extended opens a domain of `count` tracks --
 * operation 0x0C (read tracks) for reads, extended operation 0x23 (write
 * track data) for writes -- and locates the first record.  Each command of
 * the domain transfers the data fields (no count, no key) of consecutive
 * user records of one track: the first from the located record, each later
 * one from R1 of the next track (multitrack within the extent, else file
 * protected).  A read ends at the end of the track, on the domain's last
 * track after the transfer length factor (Linux: the bytes it wants from
 * that track).  A write ends at the end of the track or when the CCW's data
 * is used up; every record written must have the data length of the
 * transfer length factor (else invalid track format, and the track is left
 * unchanged).  The natural length is what the records hold; the channel
 * turns a different CCW count into residual count or incorrect length.
 * Writes change the track copy; eckd_track.c stores it once per track.
 */
#include <string.h>
#include "dev/eckd_priv.h"

static bool is_locate(uint8_t code)
{
    return code == 0x47 || code == 0x4B || code == 0xE7;
}

/* Index of the first record the command transfers, or -1 with unit check:
 * the located record for the first command of the domain, R1 of the next
 * track for the others; no user record there is "no record found". */
static int first_record(struct eckd *e, const struct ccw_cmd *c, uint8_t self, struct ccw_result *r)
{
    unsigned idx;

    if (!c->chained || (!is_locate(c->prev_code) && c->prev_code != self))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (c->prev_code == self) {
        if (eckd_mt_advance(e, c->code, r) < 0)
            return -1;
        idx = 1;
    } else if (e->orient == OR_COUNT && e->cur > 0) {
        idx = e->cur;
    } else {
        idx = 1;                            /* at the index (HA) or on R0: user data starts at R1 */
    }
    if (idx >= e->trk.t.nrecs)
        return eckd_fail(e, r, 0, SNS1_NO_REC_FOUND, 0);
    return (int)idx;
}

/**
 * eckd_cmd_read_track_data() - Read Track Data (0xA6), command table handler.
 * @e: the device
 * @c: the command; its buffer receives the data fields
 * @r: result: natural length, or unit check with the sense set
 */
void eckd_cmd_read_track_data(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if ((e->p.loper & LR_OP) != LR_OP_READ_TRKS) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    int first = first_record(e, c, c->code, r);
    if (first < 0)
        return;
    /* the last track of the domain transfers the transfer length factor */
    uint32_t limit = e->p.lcount == 1 ? e->p.tlf : UINT32_MAX, len = 0;
    unsigned i = (unsigned)first;
    for (; i < e->trk.t.nrecs && len < limit; i++) {
        const struct ckd_rec *rec = &e->trk.t.rec[i];
        uint32_t n = rec->dl < limit - len ? rec->dl : limit - len;
        memcpy(c->buf + len, eckd_rec_data(e, rec), n);
        len += n;
    }
    r->len = len;
    e->cur = i - 1;
    e->orient = OR_DATA;
}

/**
 * eckd_cmd_write_track_data() - Write Track Data (0xA5), command table handler.
 * @e: the device
 * @c: the command; its buffer holds the data fields to write
 * @r: result: natural length, or unit check with the sense set
 */
void eckd_cmd_write_track_data(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if ((e->p.loper & LR_OP) != LR_OP_EXTENDED || e->p.extop != LRE_EXT_WTD) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    int first = first_record(e, c, c->code, r);
    if (first < 0)
        return;
    /* which records the data covers; all must have the expected length */
    unsigned end = (unsigned)first;
    uint32_t covered = 0;
    while (end < e->trk.t.nrecs && covered < c->count) {
        if (e->trk.t.rec[end].dl != e->p.tlf) {
            eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
            return;
        }
        covered += e->trk.t.rec[end].dl;
        end++;
    }
    uint32_t used = 0;
    for (unsigned i = (unsigned)first; i < end; i++) {
        const struct ckd_rec *rec = &e->trk.t.rec[i];
        uint32_t n = c->count - used < rec->dl ? c->count - used : rec->dl;
        uint8_t *dst = eckd_rec_data(e, rec);
        memcpy(dst, c->buf + used, n);
        memset(dst + n, 0, rec->dl - n);    /* a short CCW zero-fills the record */
        used += n;
    }
    r->len = covered;
    e->cur = end > (unsigned)first ? end - 1 : (unsigned)first;
    e->orient = OR_DATA;
    if (end > (unsigned)first)
        eckd_trk_mark_dirty(e);
}
