// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read commands: Read Data, Read Key and Data, Read Count, Read Count Key and
 * Data (each also multitrack, bit 0x80), Read Record Zero, Read Home
 * Address, Read Track and Read IPL.  Each transfers one field set of the
 * record the device is oriented to (or of the next one) and reports its
 * natural length; the channel turns a shorter CCW count into residual count
 * or incorrect length.  A record with data length 0 ends with unit
 * exception (end of file).
 */
#include <string.h>
#include "dev/eckd_priv.h"

static bool lr_op_is(const struct eckd *e, uint8_t op) { return (e->p.loper & LR_OP) == op; }

/* Inside a Locate Record domain only read operations may read. */
static int read_domain_ok(struct eckd *e, struct ccw_result *r, bool count_only)
{
    if (e->p.lcount == 0)
        return 0;
    if (lr_op_is(e, LR_OP_READ) || lr_op_is(e, LR_OP_READ16))
        return 0;
    if (count_only && lr_op_is(e, LR_OP_WRITE) && (e->p.laux & LR_AUX_RDCNT) && e->p.lcount == 1)
        return 0;
    return eckd_reject(e, r, MSG_INVALID_SEQ);
}

static void end_of_file(const struct ckd_rec *rec, struct ccw_result *r)
{
    if (rec->dl == 0)
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
}

static int orient_to_count(struct eckd *e, uint8_t code, struct ccw_result *r, bool key_ok)
{
    if (e->orient == OR_COUNT || (key_ok && e->orient == OR_KEY))
        return 0;
    return eckd_read_count(e, code, r) < 0 ? -1 : 0;
}

void eckd_cmd_read_data(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (read_domain_ok(e, r, false) < 0 || orient_to_count(e, c->code, r, true) < 0)
        return;
    const struct ckd_rec *rec = eckd_cur(e);
    memcpy(c->buf, eckd_rec_data(e, rec), rec->dl);
    r->len = rec->dl;
    e->orient = OR_DATA;
    end_of_file(rec, r);
}

void eckd_cmd_read_kd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->p.lcount && !lr_op_is(e, LR_OP_READ) && !lr_op_is(e, LR_OP_READ16)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (orient_to_count(e, c->code, r, false) < 0)
        return;
    const struct ckd_rec *rec = eckd_cur(e);
    memcpy(c->buf, eckd_rec_key(e, rec), rec->kl + rec->dl);
    r->len = rec->kl + rec->dl;
    e->orient = OR_DATA;
    end_of_file(rec, r);
}

void eckd_cmd_read_count(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (read_domain_ok(e, r, true) < 0 || eckd_read_count(e, c->code, r) < 0)
        return;
    memcpy(c->buf, e->trk.img + eckd_cur(e)->off, CKD_COUNT_SIZE);
    r->len = CKD_COUNT_SIZE;
}

static void copy_ckd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const struct ckd_rec *rec = eckd_cur(e);
    uint32_t n = CKD_COUNT_SIZE + rec->kl + rec->dl;

    memcpy(c->buf, e->trk.img + rec->off, n);
    r->len = n;
    e->orient = OR_DATA;
    end_of_file(rec, r);
}

void eckd_cmd_read_ckd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (read_domain_ok(e, r, false) < 0 || eckd_read_count(e, c->code, r) < 0)
        return;
    copy_ckd(e, c, r);
}

/* Read R0 / Read HA restart at the index point; the multitrack form first
 * moves to the next track when outside a Locate Record domain. */
static int to_index(struct eckd *e, uint8_t code, struct ccw_result *r)
{
    if (e->p.lcount && !lr_op_is(e, LR_OP_READ) && !lr_op_is(e, LR_OP_READ16))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (eckd_is_mt(code) && e->p.lcount == 0 && eckd_mt_advance(e, code, r) < 0)
        return -1;
    e->orient = OR_INDEX;
    e->cur = 0;
    return 0;
}

void eckd_cmd_read_r0(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (to_index(e, c->code, r) < 0 || eckd_read_count(e, c->code, r) < 0)
        return;
    copy_ckd(e, c, r);
}

void eckd_cmd_read_ha(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (to_index(e, c->code, r) < 0)
        return;
    memcpy(c->buf, e->trk.img, CKD_HA_SIZE);
    r->len = CKD_HA_SIZE;
}

/* Read Track: every record of the track from R0, with the end-of-track
 * marker, in the domain of a Locate Record "read tracks"; each further Read
 * Track chained to it moves on to the next track. */
void eckd_cmd_read_track(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (!lr_op_is(e, LR_OP_READ_TRKS) && !lr_op_is(e, LR_OP_READ_TSET)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (!c->chained || (c->prev_code != 0x47 && c->prev_code != 0x4B && c->prev_code != 0xE7 &&
                        c->prev_code != 0xDE)) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    if (c->prev_code == 0xDE && eckd_mt_advance(e, c->code, r) < 0)
        return;
    uint32_t n = (uint32_t)e->trk.len - CKD_HA_SIZE;
    memcpy(c->buf, e->trk.img + CKD_HA_SIZE, n);
    r->len = n;
    e->orient = OR_EOT;
    e->cur = e->trk.t.nrecs - 1;
}

/* Read IPL: cylinder 0 head 0, data of the first record after R0; it opens
 * a two-command domain so that the Read of record 2 (zipl stage 0) follows. */
void eckd_cmd_read_ipl(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    e->p.xtdef = false;
    e->p.loper = LR_ORIENT_DATA | LR_OP_READ;
    e->p.laux = 0;
    e->p.lcount = 2;
    e->p.tlf = 0;
    if (eckd_seek(e, 0, 0, r) < 0 || eckd_read_count(e, c->code, r) < 0)
        return;
    e->p.rdipl = true;
    const struct ckd_rec *rec = eckd_cur(e);
    memcpy(c->buf, eckd_rec_data(e, rec), rec->dl);
    r->len = rec->dl;
    e->orient = OR_DATA;
    end_of_file(rec, r);
}
