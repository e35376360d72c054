// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write commands: Write Data / Key and Data (after a Search ID Equal or in a
 * single-record Write Locate Record domain), Write Update Data / Key and
 * Data (multitrack, in a Write domain: Linux's block writes), Write CKD,
 * Write CKD Next Track, Write R0 (formatting), Erase, Write Full Track.
 * Updates keep the record's length: the Locate Record transfer length factor
 * must equal it, else invalid track format.  Format writes replace the rest
 * of the track and must fit the 3390 track capacity, else invalid track
 * format.  Writes change the current track and mark it dirty; eckd_track.c
 * stores it before any status that ends the chain.
 */
#include <string.h>
#include "dev/eckd_priv.h"

static bool lr_op_is(const struct eckd *e, uint8_t op) { return (e->p.loper & LR_OP) == op; }
static bool ckd_conversion(const struct eckd *e) { return (e->p.gattr & DE_GATTR_CKDCONV) != 0; }

/* Rewrite key and/or data of the current record in place (zero-padded). */
static void update_fields(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r, bool key)
{
    const struct ckd_rec *rec = eckd_cur(e);
    uint32_t size = (key ? rec->kl : 0) + rec->dl;
    uint8_t *dst = key ? eckd_rec_key(e, rec) : eckd_rec_data(e, rec);
    uint32_t n = c->count < size ? c->count : size;

    memcpy(dst, c->buf, n);
    memset(dst + n, 0, size - n);
    r->len = size;
    e->orient = OR_DATA;
    eckd_trk_mark_dirty(e);
}

/* Write Data / Write Key and Data (0x05 / 0x0D). */
static int write_in_place_ok(struct eckd *e, bool key, struct ccw_result *r)
{
    if (e->p.lcount == 0 && !e->p.ideq && !(e->p.kyeq && !key))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (e->p.lcount && !lr_op_is(e, LR_OP_WRITE_TRK) &&
        !(lr_op_is(e, LR_OP_WRITE) && e->p.lcount == ((e->p.laux & LR_AUX_RDCNT) ? 2u : 1u)))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (e->orient != OR_COUNT && (key || e->orient != OR_KEY))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    const struct ckd_rec *rec = eckd_cur(e);
    if (e->p.lcount && !ckd_conversion(e) && (key ? rec->kl : 0u) + rec->dl != e->p.tlf)
        return eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
    return 0;
}

static void write_in_place(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r, bool key)
{
    if (write_in_place_ok(e, key, r) < 0)
        return;
    if (eckd_cur(e)->dl == 0) {
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        return;
    }
    update_fields(e, c, r, key);
}

void eckd_cmd_write_data(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    write_in_place(e, c, r, false);
}

void eckd_cmd_write_kd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    write_in_place(e, c, r, true);
}

/* Write Update Data / Key and Data (0x85 / 0x8D): the next user record of
 * the domain, moving on to the next track at the end of one. */
static void write_update(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r, bool key)
{
    if (!lr_op_is(e, LR_OP_WRITE)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if ((e->orient != OR_COUNT || e->trk.t.rec[e->cur].rec == 0) && eckd_read_count(e, c->code, r) < 0)
        return;
    const struct ckd_rec *rec = eckd_cur(e);
    if (!ckd_conversion(e) && (key ? rec->kl : 0u) + rec->dl != e->p.tlf) {
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    if (rec->dl == 0) {
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        return;
    }
    update_fields(e, c, r, key);
}

void eckd_cmd_write_upd_data(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    write_update(e, c, r, false);
}

void eckd_cmd_write_upd_kd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    write_update(e, c, r, true);
}

static int format_allowed(struct eckd *e, struct ccw_result *r)
{
    uint8_t wr = e->p.fmask & DE_WRCTL;

    if (e->p.lcount == 0 && !e->p.ideq && !e->p.kyeq && !e->p.wckd)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (wr != DE_WRCTL_ALL && wr != DE_WRCTL_INH_R0)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    return 0;
}

static uint32_t ckd_length(const uint8_t *buf, uint32_t count)
{
    uint8_t cnt[CKD_COUNT_SIZE] = { 0 };
    memcpy(cnt, buf, count < CKD_COUNT_SIZE ? count : CKD_COUNT_SIZE);
    return CKD_COUNT_SIZE + cnt[5] + be16_get(cnt + 6);
}

/* Write Count, Key and Data: a new record after the current one; the rest of
 * the track is erased.  A CCW count shorter than the record (Linux formats
 * with count 8) gets key and data zero-filled. */
void eckd_cmd_write_ckd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    unsigned keep;

    if (format_allowed(e, r) < 0)
        return;
    if (e->p.lcount && !lr_op_is(e, LR_OP_FORMAT) && !lr_op_is(e, LR_OP_WRITE_TRK)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    eckd_write_offset(e, &keep);
    if (keep == 0)
        keep = 1;       /* never in front of R0 */
    r->len = ckd_length(c->buf, c->count);
    if (eckd_trk_put_record(e, keep, c->buf, c->count, r) == 0)
        e->p.wckd = e->p.lcount == 0;
}

/* Write CKD Next Track: R1 of the next track of a format domain.  Chained to
 * a Write R0 (Linux formats "R0 + records" track by track that way) the
 * Write R0 already moved to the new track, so R1 goes right after it. */
void eckd_cmd_write_ckd_next(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint8_t prev = c->prev_code;

    if (!lr_op_is(e, LR_OP_FORMAT) || !c->chained || (prev != 0x1D && prev != 0x9D && prev != 0x15)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (prev != 0x15 && eckd_mt_advance(e, c->code, r) < 0)
        return;
    e->orient = OR_INDEX;
    if (eckd_read_count(e, c->code, r) < 0)
        return;
    r->len = ckd_length(c->buf, c->count);
    eckd_trk_put_record(e, e->cur + 1, c->buf, c->count, r);
}

/* Write R0: formats the track from the home address on; R0 keeps the shape
 * the image format requires (key length 0, data length 8).  A Write R0 that
 * follows records written on this track starts the next track of the domain;
 * Linux counts only the first R0 in the Locate Record count, so the later
 * ones do not use up the domain. */
void eckd_cmd_write_r0(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint8_t orient = e->p.loper & LR_ORIENT;
    uint8_t rec[CKD_COUNT_SIZE + 8] = { 0 };

    if (e->p.lcount == 0 || !lr_op_is(e, LR_OP_FORMAT) ||
        (orient != LR_ORIENT_HOME && orient != LR_ORIENT_INDEX) ||
        (e->p.fmask & DE_WRCTL) != DE_WRCTL_ALL) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (e->orient != OR_INDEX) {
        if (eckd_mt_advance(e, c->code, r) < 0)
            return;
        e->p.nocount = true;
    }
    memcpy(rec, c->buf, c->count < sizeof(rec) ? c->count : sizeof(rec));
    r->len = ckd_length(c->buf, c->count);
    if (rec[4] != 0 || rec[5] != 0 || be16_get(rec + 6) != 8) {
        eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
        return;
    }
    eckd_trk_put_record(e, 0, rec, c->count < sizeof(rec) ? c->count : sizeof(rec), r);
}

void eckd_cmd_erase(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    unsigned keep;

    if (format_allowed(e, r) < 0)
        return;
    if (e->p.lcount && !lr_op_is(e, LR_OP_WRITE_TRK)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    eckd_write_offset(e, &keep);
    r->len = ckd_length(c->buf, c->count);
    eckd_trk_erase_after(e, keep ? keep : 1, r);
}
