/*
 * Write Full Track (0x95, raw-track access): the CCW data is the track's
 * records from R0 on, as Read Track returns them (count, key, data, ...,
 * optionally ended by the end-of-track marker).  It replaces the whole track
 * in the domain of a Locate Record Extended "write full track"; a further
 * Write Full Track chained to it writes the next track.
 */
#include <string.h>
#include "dev/eckd_priv.h"

static const uint8_t eot_marker[CKD_EOT_SIZE] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

/* Length of the record list in buf (EOT included if present), -1 if a record
 * is cut off.  *cells gets the capacity the records R1..Rn need. */
static int64_t records_length(const struct eckd *e, const uint8_t *buf, uint32_t count,
                              unsigned *cells, unsigned *nrecs)
{
    uint32_t off = 0;

    *cells = 0;
    *nrecs = 0;
    while (off + CKD_COUNT_SIZE <= count) {
        const uint8_t *p = buf + off;
        if (memcmp(p, eot_marker, CKD_EOT_SIZE) == 0)
            return off + CKD_EOT_SIZE;
        uint32_t size = CKD_COUNT_SIZE + p[5] + be16_get(p + 6);
        if (off + size > count)
            return -1;
        if (*nrecs)
            *cells += eckd_rec_cells(e->devtype, p[5], be16_get(p + 6));
        (*nrecs)++;
        off += size;
    }
    return off == count ? (int64_t)off : -1;
}

void eckd_cmd_write_full_track(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    unsigned cells, nrecs;

    if ((e->p.loper & LR_OP) != LR_OP_EXTENDED || e->p.extop != LRE_EXT_WFT) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (c->chained && c->prev_code == 0x95 && eckd_mt_advance(e, c->code, r) < 0)
        return;
    int64_t len = records_length(e, c->buf, c->count, &cells, &nrecs);
    const uint8_t *r0 = c->buf;
    if (len < 0 || nrecs == 0 || r0[4] != 0 || r0[5] != 0 || be16_get(r0 + 6) != 8 ||
        cells > eckd_track_cells(e->devtype) || nrecs > CKD_MAX_RECS) {
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    bool has_eot = len >= CKD_EOT_SIZE && memcmp(c->buf + len - CKD_EOT_SIZE, eot_marker, CKD_EOT_SIZE) == 0;
    uint32_t body = (uint32_t)len - (has_eot ? CKD_EOT_SIZE : 0);
    if (CKD_HA_SIZE + body + CKD_EOT_SIZE > e->trksize) {
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    memcpy(e->trk.img + CKD_HA_SIZE, c->buf, body);
    memcpy(e->trk.img + CKD_HA_SIZE + body, eot_marker, CKD_EOT_SIZE);
    e->trk.len = CKD_HA_SIZE + body + CKD_EOT_SIZE;
    r->len = (uint32_t)len;
    if (ckd_track_parse(e->trk.img, e->trk.len, &e->trk.t, NULL) < 0) {
        eckd_trk_invalidate(e);
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    e->orient = OR_EOT;
    e->cur = e->trk.t.nrecs - 1;
    eckd_trk_store(e, r);
}
