// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write Full Track (0x95, raw-track access): the CCW data is the track's
 * records from R0 on, as Read Track returns them (count, key, data, ...),
 * ended by the end-of-track marker, by an all-zero count (the padding of
 * Linux's fixed-size raw-track buffer) or by the end of the data.  It
 * replaces the whole track in the domain of a Locate Record Extended "write
 * full track"; a further Write Full Track chained to it writes the next
 * track.
 */
#include <string.h>
#include "dev/eckd_priv.h"

static const uint8_t eot_marker[CKD_EOT_SIZE] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
static const uint8_t zero_count[CKD_COUNT_SIZE];

struct wft_scan {
    uint32_t body;      /* bytes of the records */
    uint32_t used;      /* bytes of the CCW data the device takes */
    unsigned cells;     /* capacity the records R1..Rn need */
    unsigned nrecs;
};

/* Walk the record list; -1 if a record is cut off by the end of the data. */
static int scan_records(const struct eckd *e, const uint8_t *buf, uint32_t count, struct wft_scan *s)
{
    uint32_t off = 0;

    memset(s, 0, sizeof(*s));
    while (off + CKD_COUNT_SIZE <= count) {
        const uint8_t *p = buf + off;
        if (memcmp(p, eot_marker, CKD_EOT_SIZE) == 0) {
            s->body = off;
            s->used = off + CKD_EOT_SIZE;
            return 0;
        }
        if (s->nrecs && memcmp(p, zero_count, CKD_COUNT_SIZE) == 0)
            break;
        uint32_t size = CKD_COUNT_SIZE + p[5] + be16_get(p + 6);
        if (off + size > count)
            return -1;
        if (s->nrecs)
            s->cells += eckd_rec_cells(e->devtype, p[5], be16_get(p + 6));
        s->nrecs++;
        off += size;
    }
    s->body = off;
    s->used = count;
    return 0;
}

static bool scan_valid(const struct eckd *e, const uint8_t *r0, const struct wft_scan *s)
{
    return s->nrecs > 0 && s->nrecs <= CKD_MAX_RECS && r0[4] == 0 && r0[5] == 0 &&
           be16_get(r0 + 6) == 8 && s->cells <= eckd_track_cells(e->devtype) &&
           CKD_HA_SIZE + s->body + CKD_EOT_SIZE <= e->trksize;
}

void eckd_cmd_write_full_track(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    struct wft_scan s;

    if ((e->p.loper & LR_OP) != LR_OP_EXTENDED || e->p.extop != LRE_EXT_WFT) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (c->chained && c->prev_code == 0x95 && eckd_mt_advance(e, c->code, r) < 0)
        return;
    if (scan_records(e, c->buf, c->count, &s) < 0 || !scan_valid(e, c->buf, &s)) {
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    memcpy(e->trk.img + CKD_HA_SIZE, c->buf, s.body);
    memcpy(e->trk.img + CKD_HA_SIZE + s.body, eot_marker, CKD_EOT_SIZE);
    e->trk.len = CKD_HA_SIZE + s.body + CKD_EOT_SIZE;
    r->len = s.used;
    if (ckd_track_parse(e->trk.img, e->trk.len, &e->trk.t, NULL) < 0) {
        eckd_trk_invalidate(e);
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    e->orient = OR_EOT;
    e->cur = e->trk.t.nrecs - 1;
    eckd_trk_mark_dirty(e);
}
