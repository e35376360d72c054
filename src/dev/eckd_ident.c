// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Identity of the device: Sense ID with CIWs (cio device_id.c), Read Device
 * Characteristics (64 bytes, struct dasd_eckd_characteristics) and Read
 * Configuration Data (256 bytes: device NED, CU NED, token NED, SNEQ, GNEQ;
 * dasd_eckd_identify_conf_parts).  Built once per device.
 */
#include <stdio.h>
#include <string.h>
#include "dev/eckd_priv.h"
#include "img/vtoc.h"   /* ebcdic_put */

static void build_senseid(struct eckd *e)
{
    struct senseid s = {
        .cu_type = e->cfg.cu_type, .cu_model = e->cfg.cu_model,
        .dev_type = e->devtype, .dev_model = e->rdc[5], .nciw = 3,
        .ciw = {
            { .et = 1, .ct = CIW_TYPE_RCD, .cmd = 0xFA, .count = 256 },
            { .et = 1, .ct = CIW_TYPE_SII, .cmd = 0x27, .count = 4 },
            { .et = 1, .ct = CIW_TYPE_RNI, .cmd = 0x3E, .count = 0x60 },
        },
    };
    e->senseid_len = (unsigned)senseid_encode(&s, e->senseid);
}

static void build_rdc(struct eckd *e)
{
    static const uint8_t factors[5] = { 0x22, 0x13, 0x09, 0x06, 0x74 };
    uint8_t *d = e->rdc;

    memset(d, 0, sizeof(e->rdc));
    be16_put(d + 0, e->cfg.cu_type);
    d[2] = e->cfg.cu_model;
    be16_put(d + 3, e->devtype);
    d[5] = eckd_model_code(e->model);
    d[6] = 0x50;        /* read track / read data in LR (3990-6) */
    d[8] = 0x10;
    d[9] = 0x10;        /* cache; no XRC/PPRC, no fast write */
    d[10] = 0x20;       /* device class DASD */
    d[11] = eckd_unit_type(e->model);
    be16_put(d + 12, e->cyls > 65520 ? 0xFFFE : (uint16_t)e->cyls);
    be16_put(d + 14, (uint16_t)e->heads);
    d[16] = 224;        /* sectors */
    d[17] = 0x00; d[18] = 0xE5; d[19] = 0xA2;   /* track length 58786 */
    be16_put(d + 20, 0x0594);                     /* HA + R0 */
    d[22] = 0x02;       /* formula */
    memcpy(d + 23, factors, sizeof(factors));
    d[40] = 0x24; d[41] = 0x24;
    d[42] = 0x1F; d[43] = 0x02;
    be16_put(d + 44, (uint16_t)eckd_r0_max(e->devtype));
    d[47] = 0x01; d[48] = 0x06;
    be16_put(d + 49, 0x7708);
    d[51] = 0x0F; d[53] = 0x7F;                   /* 3990-6 buffer limits */
    be32_put(d + 60, e->cyls);                    /* long cylinder count */
}

static void build_ned(struct eckd *e, uint8_t *n, uint8_t desc, const char *type, const char *model)
{
    n[0] = 0xD0;        /* NED, serial number valid */
    n[1] = desc;        /* 1 device, 2 control unit */
    n[2] = desc == 1 ? 0x01 : 0x00;
    ebcdic_put(n + 4, type, 6);
    ebcdic_put(n + 10, model, 3);
    ebcdic_put(n + 13, "IBM", 3);
    ebcdic_put(n + 16, "13", 2);
    ebcdic_put(n + 18, e->cfg.serial, 12);
    n[30] = (uint8_t)e->cfg.ssid;   /* LSS */
    n[31] = e->cfg.unit_addr;
}

static void build_rcd(struct eckd *e)
{
    uint8_t *c = e->rcd;
    char type[8], model[4];

    memset(c, 0, sizeof(e->rcd));
    snprintf(type, sizeof(type), "00%04X", e->devtype);
    snprintf(model, sizeof(model), "%03X", e->rdc[5]);
    build_ned(e, c, 0x01, type, model);
    snprintf(type, sizeof(type), "00%04X", e->cfg.cu_type);
    snprintf(model, sizeof(model), "%03X", e->cfg.cu_model & 0xFFF);
    build_ned(e, c + 32, 0x02, type, model);
    /* token NED */
    build_ned(e, c + 64, 0x00, type, model);
    c[64] = 0xF0;
    c[67] = 0x01;
    /* SNEQ format 1: a base device, its own base unit address */
    c[192] = 0x40;
    be16_put(c + 194, 0x0001);
    c[200] = 0x01;
    c[201] = e->cfg.unit_addr;
    /* GNEQ: timeout 30 * 10^1 s (Linux's own default is 300 s), SSID */
    c[224] = 0x80;
    c[225] = 0x01;
    c[230] = (uint8_t)(1 << 6 | 30);
    be16_put(c + 232, e->cfg.ssid);
}

void eckd_ident_build(struct eckd *e)
{
    build_rdc(e);
    build_senseid(e);
    build_rcd(e);
}

void eckd_cmd_sense_id(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    memcpy(c->buf, e->senseid, e->senseid_len);
    r->len = e->senseid_len;
}

void eckd_cmd_rdc(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    memcpy(c->buf, e->rdc, sizeof(e->rdc));
    r->len = sizeof(e->rdc);
}

void eckd_cmd_rcd(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    memcpy(c->buf, e->rcd, sizeof(e->rcd));
    r->len = sizeof(e->rcd);
}
