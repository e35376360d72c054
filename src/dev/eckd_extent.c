// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Define Extent (0x63), Locate Record (0x47), Locate Record Extended (0x4B)
 * and Prefix (0xE7): the parameter blocks of docs/eckd.md "Parameter blocks", checked the
 * way a 3990 checks them (command reject format 0 message 3 for a short
 * count, message 4 for an invalid parameter, message 2 for a bad sequence;
 * file protected for a seek outside the extent), then the Locate Record
 * search that orients the device for the commands of its domain.
 */
#include <string.h>
#include "dev/eckd_priv.h"

static void decode_cchh(const uint8_t *p, uint32_t *cyl, uint32_t *head)
{
    uint16_t cc = be16_get(p), hh = be16_get(p + 2);
    *cyl = ckd_cyl(cc, hh);
    *head = ckd_head(hh);
}

static bool cchh_valid(const struct eckd *e, const uint8_t *p)
{
    uint32_t cyl, head;
    decode_cchh(p, &cyl, &head);
    /* the head nibble must be below the heads; no bits outside EAV encoding */
    return cyl < e->cyls && head < e->heads && (e->cyls > 65535 || (be16_get(p + 2) >> 4) == 0);
}

static int de_check_mode(struct eckd *e, const uint8_t *p, uint32_t blksz, struct ccw_result *r)
{
    if (e->p.xtdef && (e->p.fmask != p[0] || e->p.gattr != p[1] || e->p.blksz != blksz))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((p[0] & DE_MASK_RESV) || (p[1] & DE_GATTR_ARCH) != DE_GATTR_ECKD)
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if (blksz > eckd_r0_max(e->devtype) + 8 || p[4] || p[5] || p[6])
        return eckd_reject(e, r, MSG_INVALID_PARM);
    return 0;
}

int eckd_parse_de(struct eckd *e, const uint8_t *p, uint32_t count, uint32_t *used, struct ccw_result *r)
{
    uint32_t bcyl, bhead, ecyl, ehead;

    *used = count < 16 ? count : 16;
    if (count < 16)
        return eckd_reject(e, r, MSG_COUNT_SHORT);
    if (e->p.rdipl || e->p.setfm)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    uint32_t blksz = be16_get(p + 2) ? be16_get(p + 2) : eckd_r0_max(e->devtype) + 8;
    if (de_check_mode(e, p, blksz, r) < 0)
        return -1;
    if (!cchh_valid(e, p + 8) || !cchh_valid(e, p + 12))
        return eckd_reject(e, r, MSG_INVALID_PARM);
    decode_cchh(p + 8, &bcyl, &bhead);
    decode_cchh(p + 12, &ecyl, &ehead);
    uint32_t beg = eckd_trkno(e, bcyl, bhead), end = eckd_trkno(e, ecyl, ehead);
    if (beg > end)
        return eckd_reject(e, r, MSG_INVALID_PARM);
    /* bytes 16-31: time stamp and extended parameters when flagged */
    if ((p[7] & DE_GEXT_EXTPARM) && count >= 32)
        *used = 32;
    e->p.fmask = p[0];
    e->p.gattr = p[1];
    e->p.gext = p[7];
    e->p.blksz = blksz;
    e->p.xbeg = beg;
    e->p.xend = end;
    e->p.xtdef = true;
    return 0;
}

void eckd_cmd_define_extent(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    eckd_parse_de(e, c->buf, c->count, &r->len, r);
}

/* Valid combinations of orientation and operation (3990 / Hercules). */
static bool lr_op_valid(uint8_t oper)
{
    uint8_t op = oper & LR_OP, orient = oper & LR_ORIENT;

    switch (op) {
    case LR_OP_ORIENT: case LR_OP_WRITE: case LR_OP_FORMAT: case LR_OP_READ:
    case LR_OP_WRITE_TRK: case LR_OP_READ_TRKS: case LR_OP_READ16: case LR_OP_READ_TSET:
    case LR_OP_EXTENDED:
        break;
    default:
        return false;
    }
    if (orient == LR_ORIENT_HOME)
        return op == LR_OP_ORIENT || op == LR_OP_FORMAT || op == LR_OP_READ ||
               op == LR_OP_READ_TRKS || op == LR_OP_READ16 || op == LR_OP_READ_TSET ||
               op == LR_OP_EXTENDED;
    if (orient == LR_ORIENT_DATA)
        return op == LR_OP_ORIENT || op == LR_OP_WRITE || op == LR_OP_READ || op == LR_OP_READ16;
    if (orient == LR_ORIENT_INDEX)
        return op == LR_OP_FORMAT || op == LR_OP_READ16 || op == LR_OP_EXTENDED;
    return true;
}

static bool lr_op_writes(uint8_t oper, uint8_t extop)
{
    uint8_t op = oper & LR_OP;
    return op == LR_OP_WRITE || op == LR_OP_FORMAT || op == LR_OP_WRITE_TRK ||
           (op == LR_OP_EXTENDED && (extop == LRE_EXT_WFT || extop == LRE_EXT_WTD));
}

/* The extended operations this control unit implements. */
static bool lre_extop_valid(uint8_t extop)
{
    return extop == LRE_EXT_WFT || extop == LRE_EXT_WTD;
}

static int lr_check_params(struct eckd *e, const uint8_t *p, bool extended, struct ccw_result *r)
{
    uint8_t op = p[0] & LR_OP, aux = p[1];
    uint16_t tlf = be16_get(p + 14);

    if (!lr_op_valid(p[0]) || (op == LR_OP_EXTENDED && (!extended || !lre_extop_valid(p[17]))))
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if ((!extended && (aux & LR_AUX_RESV)) || (!extended && p[2] != 0))
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if ((aux & LR_AUX_RDCNT) && op != LR_OP_WRITE && op != LR_OP_READ16)
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if ((op == LR_OP_ORIENT) != (p[3] == 0) || ((aux & LR_AUX_RDCNT) && p[3] < 2))
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if (!cchh_valid(e, p + 4) || (p[13] != 0xFF && p[13] >= 224))
        return eckd_reject(e, r, MSG_INVALID_PARM);
    if (((aux & LR_AUX_TLF) != 0) != (tlf != 0) || tlf > e->p.blksz)
        return eckd_reject(e, r, MSG_INVALID_PARM);
    return 0;
}

/* Search the track for the count field whose CCHHR equals arg. */
static int lr_search(struct eckd *e, uint8_t code, const uint8_t *arg, struct ccw_result *r)
{
    uint8_t orient = e->p.loper & LR_ORIENT;

    if (orient == LR_ORIENT_HOME) {
        if (memcmp(e->trk.img + 1, arg, 4) != 0)
            return eckd_fail(e, r, 0, SNS1_NO_REC_FOUND, 0);
        return 0;
    }
    /* Write Track Data searches its first record like a count-oriented
     * operation; the other extended operation (write full track) starts at
     * the index point. */
    if (orient == LR_ORIENT_INDEX || ((e->p.loper & LR_OP) == LR_OP_EXTENDED && e->p.extop != LRE_EXT_WTD))
        return 0;
    for (;;) {
        if (eckd_read_count(e, code, r) < 0)
            return -1;
        if (memcmp(e->trk.img + eckd_cur(e)->off, arg, 5) == 0)
            break;
    }
    if (orient == LR_ORIENT_DATA)
        e->orient = OR_DATA;
    return 0;
}

int eckd_parse_lr(struct eckd *e, uint8_t code, const uint8_t *p, uint32_t count, uint32_t *used,
                  struct ccw_result *r)
{
    bool extended = code != 0x47;
    uint32_t need = extended ? 20 : 16, cyl, head;

    *used = count < need ? count : need;
    if (count < need)
        return eckd_reject(e, r, MSG_COUNT_SHORT);
    if (!e->p.xtdef && !e->p.rdipl)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if (extended) {
        uint32_t ext = be16_get(p + 18);
        if (count < need + ext)
            return eckd_reject(e, r, MSG_COUNT_SHORT);
        *used = need + ext;
    }
    if (lr_check_params(e, p, extended, r) < 0)
        return -1;
    uint8_t extop = extended ? p[17] : 0;
    if (e->cfg.readonly && lr_op_writes(p[0], extop))
        return eckd_fail(e, r, SNS0_CMD_REJECT, SNS1_WRITE_INHIB, 0);
    decode_cchh(p + 4, &cyl, &head);
    if (!eckd_in_extent(e, cyl, head))
        return eckd_fail(e, r, 0, SNS1_FILE_PROT, 0);
    e->p.loper = p[0];
    e->p.laux = p[1];
    e->p.extop = extop;
    e->p.lcount = p[3];
    e->p.tlf = (p[1] & LR_AUX_TLF) ? be16_get(p + 14) : e->p.blksz;
    if (eckd_seek(e, cyl, head, r) < 0 || lr_search(e, code, p + 8, r) < 0) {
        e->p.lcount = 0;
        return -1;
    }
    e->p.locat = true;
    return 0;
}

void eckd_cmd_locate(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    eckd_parse_lr(e, c->code, c->buf, c->count, &r->len, r);
}

void eckd_cmd_locate_ext(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    eckd_parse_lr(e, c->code, c->buf, c->count, &r->len, r);
}

/* Prefix: format 0 carries a Define Extent, format 1 Define Extent + LRE. */
#define PFX_DE_OFF  12
#define PFX_LRE_OFF 44
void eckd_cmd_prefix(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const uint8_t *p = c->buf;
    uint32_t used;

    r->len = c->count < 64 ? c->count : 64;
    if (c->count < 64) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    if (p[0] > 1) {
        eckd_reject(e, r, MSG_INVALID_PARM);
        return;
    }
    if ((p[1] & 0x80) && eckd_parse_de(e, p + PFX_DE_OFF, 32, &used, r) < 0)
        return;
    if (p[0] == 1 && eckd_parse_lr(e, c->code, p + PFX_LRE_OFF, c->count - PFX_LRE_OFF, &used, r) == 0)
        r->len = PFX_LRE_OFF + used;
}

/* Seek (0x07), Seek Cylinder (0x0B), Seek Head (0x1B): BBCCHH. */
void eckd_cmd_seek(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const uint8_t *p = c->buf;
    uint32_t cyl, head;
    uint8_t sk = e->p.fmask & DE_SKCTL;

    r->len = c->count < 6 ? c->count : 6;
    if ((c->code != 0x1B && sk != 0 && !(c->code == 0x0B && sk == 0x08)) ||
        (c->code == 0x1B && sk == DE_SKCTL_INH_MT)) {
        eckd_fail(e, r, 0, SNS1_FILE_PROT, 0);
        return;
    }
    if (c->count < 6) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    if (be16_get(p) != 0 || !cchh_valid(e, p + 2)) {
        eckd_reject(e, r, MSG_INVALID_PARM);
        return;
    }
    decode_cchh(p + 2, &cyl, &head);
    if (c->code == 0x1B)
        cyl = e->trk.valid ? e->trk.cyl : 0;
    if (!eckd_in_extent(e, cyl, head)) {
        eckd_fail(e, r, 0, SNS1_FILE_PROT, 0);
        return;
    }
    if (eckd_seek(e, cyl, head, r) == 0)
        e->p.seek = true;
}

/* Search ID Equal / High / Equal or High: compares CCHHR of the next count
 * and presents status modifier on a match, so the channel skips the next
 * CCW (usually the TIC back to the search). */
void eckd_cmd_search_id(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t n = c->count < 5 ? c->count : 5;

    if (eckd_read_count(e, c->code, r) < 0)
        return;
    r->len = n;
    int cmp = memcmp(e->trk.img + eckd_cur(e)->off, c->buf, n);
    bool eq = (c->code & 0x20) && cmp == 0, hi = (c->code & 0x40) && cmp > 0;
    if (eq || hi)
        r->unitstat |= DEV_STAT_STAT_MOD;
    e->p.ideq = cmp == 0 && n == 5 && (c->code & 0x7F) == 0x31;
}
