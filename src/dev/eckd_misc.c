// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The older 3990 commands that Linux does not use but other operating
 * systems and stand-alone utilities do: Set File Mask (0x1F), Read / Set
 * Sector (0x22 / 0x23), Search Key Equal / High / Equal-or-High (0x29 /
 * 0x49 / 0x69, multitrack 0xA9 / 0xC9 / 0xE9), Search Home Address Equal
 * (0x39 / 0xB9), Read Multiple Count Key and Data (0x5E), Reset Allegiance
 * (0x44), Suspend Multipath Reconnection (0x5B) and Read and Reset Buffered
 * Log (0xA4).  Positioning is instantaneous, so the sector is always 0.
 */
#include <string.h>
#include "dev/eckd_priv.h"

void eckd_cmd_set_file_mask(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = c->count ? 1 : 0;
    if (c->count < 1) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    if (c->buf[0] & DE_MASK_RESV) {
        eckd_reject(e, r, MSG_INVALID_PARM);
        return;
    }
    e->p.fmask = c->buf[0];
    e->p.setfm = true;
}

void eckd_cmd_read_sector(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    c->buf[0] = 0;
    r->len = 1;
}

void eckd_cmd_set_sector(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = c->count ? 1 : 0;
    if (c->count < 1)
        eckd_reject(e, r, MSG_COUNT_SHORT);
}

/* Search Key: compares the key of the next record (status modifier on a
 * match); a record without key compares as nothing. */
void eckd_cmd_search_key(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->orient != OR_COUNT && eckd_read_count(e, c->code, r) < 0)
        return;
    const struct ckd_rec *rec = eckd_cur(e);
    uint32_t n = c->count < rec->kl ? c->count : rec->kl;
    r->len = rec->kl;
    e->orient = OR_KEY;
    if (rec->kl == 0)
        return;
    int cmp = memcmp(eckd_rec_key(e, rec), c->buf, n);
    if (((c->code & 0x20) && cmp == 0) || ((c->code & 0x40) && cmp > 0))
        r->unitstat |= DEV_STAT_STAT_MOD;
    e->p.kyeq = cmp == 0 && n == rec->kl && (c->code & 0x7F) == 0x29;
}

void eckd_cmd_search_ha(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t n = c->count < 4 ? c->count : 4;

    if (eckd_is_mt(c->code) && eckd_mt_advance(e, c->code, r) < 0)
        return;
    e->orient = OR_INDEX;
    e->cur = 0;
    r->len = 4;
    if (memcmp(e->trk.img + 1, c->buf, n) == 0)
        r->unitstat |= DEV_STAT_STAT_MOD;
}

/* Read Multiple CKD: every record from the current position to the end of
 * the track (R0 excluded), one after the other. */
void eckd_cmd_read_multiple_ckd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t len = 0;

    for (unsigned i = e->orient == OR_INDEX ? 1 : e->cur + 1; i < e->trk.t.nrecs; i++) {
        const struct ckd_rec *rec = &e->trk.t.rec[i];
        uint32_t n = CKD_COUNT_SIZE + rec->kl + rec->dl;
        memcpy(c->buf + len, e->trk.img + rec->off, n);
        len += n;
    }
    r->len = len;
    e->orient = OR_EOT;
    e->cur = e->trk.t.nrecs - 1;
}

/* Reset Allegiance: 32 bytes, byte 0 0x90 when reserved to this path group
 * (else 0x80), the PGID at bytes 5-15. */
void eckd_cmd_reset_allegiance(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    memset(c->buf, 0, 32);
    c->buf[0] = e->reserved ? 0x90 : 0x80;
    c->buf[1] = 0x20;
    memcpy(c->buf + 5, e->pg.pgid, PATHGROUP_ID_LEN);
    r->len = 32;
}

void eckd_cmd_read_buffered_log(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    memset(c->buf, 0, 32);
    r->len = 32;
}
