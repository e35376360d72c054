// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Perform Subsystem Function (0x27) and Read Subsystem Data (0x3E), plus the
 * small control commands NOP (0x03) and Diagnostic Control (0xF3).
 * PSF order 0x18 (Prepare for Read Subsystem Data) prepares a reply that the
 * next RSSD transfers: suborder 0x41 feature codes (Prefix, Read Track Data
 * and Write Track Data in command mode; no zHPF: docs/eckd.md "Subsystem
 * data") and 0x0E
 * unit address configuration (this device is a base device, base UA 0).  Other
 * suborders are rejected with format 0 message 4, which Linux reads as "not
 * supported".  Order 0x1D (Set Subsystem Characteristics) is accepted.
 */
#include <string.h>
#include "dev/eckd_priv.h"

#define PSF_PRSSD 0x18
#define PSF_SSC   0x1D
#define PRSSD_RUAC     0x0E
#define PRSSD_FEATURES 0x41
#define FEATURES_LEN   256
/* Feature-code bits Linux 6.1's dasd_eckd tests (dasd_eckd_build_cp and
 * friends); everything else, zHPF (byte 40) included, stays zero. */
#define FEAT_PREFIX_BYTE 8
#define FEAT_PREFIX      0x01  /* Prefix 0xE7 */
#define FEAT_CMD_RTD_BYTE 9
#define FEAT_CMD_RTD     0x20  /* Read Track Data 0xA6 in command mode */
#define FEAT_CMD_WTD_BYTE 12
#define FEAT_CMD_WTD     0x40  /* Write Track Data 0xA5 in command mode */
#define RUAC_LEN       512   /* 256 unit addresses x 2 bytes */
#define RUAC_ENTRY     2
#define UA_BASE_DEVICE 0x01  /* 0 not configured, 2 PAV alias, 3 HyperPAV alias */
#define RUAC_NO_BASE   0x00

static uint32_t psf_min_count(uint8_t order)
{
    switch (order) {
    case PSF_PRSSD: return 12;
    case PSF_SSC:   return 66;
    default:        return 2;
    }
}

static int prssd(struct eckd *e, const uint8_t *p, struct ccw_result *r)
{
    if (p[1] != 0)
        return eckd_reject(e, r, MSG_INVALID_PARM);
    switch (p[6]) {
    case PRSSD_FEATURES:
        memset(e->ssd, 0, FEATURES_LEN);
        e->ssd[FEAT_PREFIX_BYTE] |= FEAT_PREFIX;
        e->ssd[FEAT_CMD_RTD_BYTE] |= FEAT_CMD_RTD;
        e->ssd[FEAT_CMD_WTD_BYTE] |= FEAT_CMD_WTD;
        e->p.ssd_len = FEATURES_LEN;
        return 0;
    case PRSSD_RUAC:
        /* One 2-byte entry (type, base UA) per unit address.  The base UA
         * names the base of a PAV alias; a base device reports 0, which is
         * what Linux derives for it from RCD (docs/eckd.md, "Unit address
         * configuration"), so its UID does not change on reload. */
        memset(e->ssd, 0, RUAC_LEN);
        e->ssd[RUAC_ENTRY * e->cfg.unit_addr] = UA_BASE_DEVICE;
        e->ssd[RUAC_ENTRY * e->cfg.unit_addr + 1] = RUAC_NO_BASE;
        e->p.ssd_len = RUAC_LEN;
        return 0;
    default:
        return eckd_reject(e, r, MSG_INVALID_PARM);
    }
}

void eckd_cmd_psf(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const uint8_t *p = c->buf;
    uint32_t need = psf_min_count(c->count ? p[0] : 0);

    if (c->count < need) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    r->len = need;
    switch (p[0]) {
    case PSF_PRSSD:
        prssd(e, p, r);
        break;
    case PSF_SSC:
        if (p[1] != 0)
            eckd_reject(e, r, MSG_INVALID_PARM);
        break;
    default:
        eckd_reject(e, r, MSG_INVALID_PARM);
        break;
    }
}

void eckd_cmd_rssd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->p.ssd_len == 0) {
        eckd_reject(e, r, MSG_INVALID_SEQ);
        return;
    }
    memcpy(c->buf, e->ssd, e->p.ssd_len);
    r->len = e->p.ssd_len;
    e->p.ssd_len = 0;
}

void eckd_cmd_nop(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = 0;
}

/* Diagnostic Control: Linux's 3990 ERP sends subcommand 0x02 (inhibit write
 * on this path); with a single path there is nothing to inhibit.  0x12 is the
 * media maintenance query.  Everything else is an invalid parameter. */
void eckd_cmd_diag_ctl(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const uint8_t *p = c->buf;

    if (c->count < 4) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    r->len = 4;
    if ((p[0] != 0x02 && p[0] != 0x12) || p[2] != 0 || p[3] != 0)
        eckd_reject(e, r, MSG_INVALID_PARM);
}
