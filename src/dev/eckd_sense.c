// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sense data of the 3990: 32 bytes in the 24-byte compatible format (byte 27
 * bit 0x80), which makes Linux's 3990 ERP decide on bytes 0-2 and byte 7
 * (dasd_3990_erp_inspect_24).  The sense is pending from the unit check
 * until it is fetched: as concurrent sense through ops->sense, or by a Sense
 * (0x04) command; either way it is then gone.
 */
#include <string.h>
#include "dev/eckd_priv.h"

void eckd_sense_build(struct eckd *e, uint8_t s0, uint8_t s1, uint8_t s2, uint8_t s7)
{
    uint8_t *s = e->sense;
    uint32_t cyl = e->trk.valid ? e->trk.cyl : 0;
    uint32_t head = e->trk.valid ? e->trk.head : 0;

    memset(s, 0, ECKD_SENSE_SIZE);
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    if (s1 & SNS1_IMPRECISE)
        s[3] = (uint8_t)e->p.lcount;   /* residual Locate Record count */
    s[4] = e->cfg.unit_addr;
    if (e->cyls > 4095) {
        s[5] = 0xFF;
        s[6] = 0xFF;
    } else {
        s[5] = (uint8_t)cyl;
        s[6] = (uint8_t)(((cyl >> 8) << 4) | (head & 0x0F));
    }
    s[7] = s7;
    if ((s7 >> 4) == 4 || (s7 >> 4) == 5) {   /* data check formats: CCHHR */
        be16_put(s + 8, ckd_cc(cyl));
        be16_put(s + 10, ckd_hh(cyl, head));
        s[12] = e->trk.valid && e->trk.t.nrecs ? e->trk.t.rec[e->cur].rec : 0;
    }
    s[27] = 0x80;                      /* 24-byte compatible sense */
    be16_put(s + 29, (uint16_t)cyl);
    s[31] = (uint8_t)head;
    e->sense_pending = true;
}

int eckd_fail(struct eckd *e, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t s7)
{
    eckd_sense_build(e, s0, s1, 0, s7);
    r->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
    return -1;
}

int eckd_reject(struct eckd *e, struct ccw_result *r, uint8_t msg)
{
    return eckd_fail(e, r, SNS0_CMD_REJECT, 0, SNS7_F0(msg));
}

/* Pending sense, or the "no error" sense when nothing is pending. */
unsigned eckd_sense_fetch(struct eckd *e, uint8_t out[ECKD_SENSE_SIZE])
{
    if (!e->sense_pending)
        eckd_sense_build(e, 0, 0, 0, 0);
    memcpy(out, e->sense, ECKD_SENSE_SIZE);
    memset(e->sense, 0, ECKD_SENSE_SIZE);
    e->sense_pending = false;
    return ECKD_SENSE_SIZE;
}

/* Sense 0x04: the pending sense (or a clean one), then it is cleared. */
void eckd_cmd_sense(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = eckd_sense_fetch(e, c->buf);
}
