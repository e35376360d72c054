// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECKD device: identity and control commands through the interpreter --
 * Sense ID with CIWs, RDC per 3390 model, RCD (NED/SNEQ/GNEQ, distinct UIDs),
 * path group state (SNID/SPID), PSF/RSSD, Sense, Reserve/Release, NOP,
 * Diagnostic Control, unknown command codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dfx.h"
#include "dev/eckd_priv.h"

static struct dfx *mk(uint32_t cyls, uint8_t ua, uint16_t devno)
{
    struct dfx_opts o = { .cyls = cyls, .unit_addr = ua, .devno = devno };
    return dfx_new(&o);
}

/* A one-command program; returns the CCW index. */
static unsigned one(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data)
{
    dfx_begin(f);
    unsigned i = dfx_ccw(f, cmd, flags, count, data);
    dfx_run(f);
    return i;
}

static void test_sense_id(void **state)
{
    struct dfx *f = mk(10, 0, 0);
    unsigned i = one(f, 0xE4, CCW_FLAG_SLI, 40, NULL);
    const uint8_t *d = dfx_data(f, i);
    static const uint8_t expect[] = { 0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C, 0x00,
                                      0x40, 0xFA, 0x01, 0x00, 0x41, 0x27, 0x00, 0x04,
                                      0x42, 0x3E, 0x00, 0x60 };

    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 40 - sizeof(expect));   /* residual */
    assert_memory_equal(d, expect, sizeof(expect));
    dfx_free(f);
}

static void check_rdc(uint32_t cyls, uint8_t model, uint8_t unit_type, uint16_t no_cyl)
{
    struct dfx_opts o = { .cyls = cyls, .cckd = true };   /* compressed: cheap at any size */
    struct dfx *f = dfx_new(&o);
    unsigned i = one(f, 0x64, 0, 64, NULL);
    const uint8_t *d = dfx_data(f, i);

    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);               /* exactly 64 bytes, no SLI */
    assert_int_equal(be16_get(d), 0x3990);
    assert_int_equal(be16_get(d + 3), 0x3390);
    assert_int_equal(d[5], model);
    assert_int_equal(d[11], unit_type);
    assert_int_equal(be16_get(d + 12), no_cyl);
    assert_int_equal(be16_get(d + 14), 15);
    assert_int_equal(d[16], 224);
    assert_int_equal(be16_get(d + 44), 57326);
    assert_int_equal(be32_get(d + 60), cyls);
    dfx_free(f);
}

static void test_rdc_models(void **state)
{
    check_rdc(1113, 0x02, 0x26, 1113);   /* 3390-1 */
    check_rdc(2226, 0x06, 0x27, 2226);   /* 3390-2 */
    check_rdc(3339, 0x0A, 0x24, 3339);   /* 3390-3 */
    check_rdc(10017, 0x0C, 0x32, 10017); /* 3390-9 */
    check_rdc(32760, 0x0C, 0x32, 32760); /* 3390-27 */
    check_rdc(65520, 0x0C, 0x32, 65520); /* 3390-54 */
    check_rdc(10, 0x0C, 0x32, 10);       /* custom size */
    assert_int_equal(eckd_model_for_cyls(3339), 3);
    assert_int_equal(eckd_model_for_cyls(10017), 9);
    assert_int_equal(eckd_model_for_cyls(32760), 27);
    assert_int_equal(eckd_model_for_cyls(65520), 54);
    assert_int_equal(eckd_cyls_for_model(54), 65520);
    assert_int_equal(eckd_model_for_cyls(12), 0);
}

/* More than 65,520 cylinders: RDC says 0xFFFE and the real count is in the
 * long cylinder field; the last track is addressable through DE/LR. */
static void test_eav_rdc(void **state)
{
    struct dfx_opts o = { .cyls = 65536, .cckd = true, .linux_null = true };
    struct dfx *f = dfx_new(&o);
    unsigned i = one(f, 0x64, 0, 64, NULL);
    const uint8_t *d = dfx_data(f, i);
    uint8_t de[16] = { 0x40, 0xCC }, lr[16] = { 0x06, 0x80, 0, 1 };

    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(be16_get(d + 12), 0xFFFE);
    assert_int_equal(be32_get(d + 60), 65536);
    assert_int_equal(d[5], 0x0C);
    be16_put(de + 8, 65535); be16_put(de + 10, 14);
    be16_put(de + 12, 65535); be16_put(de + 14, 14);
    be16_put(lr + 4, 65535); be16_put(lr + 6, 14);
    be16_put(lr + 8, 65535); be16_put(lr + 10, 14);
    lr[12] = 12;
    lr[13] = 0xFF;
    be16_put(lr + 14, 4096);
    dfx_begin(f);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    i = dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    /* one cylinder beyond the volume: invalid parameter */
    be16_put(de + 12, 0); be16_put(de + 14, 0x0010);     /* EAV-encoded cylinder 65536 */
    dfx_begin(f);
    dfx_ccw(f, 0x63, 0, 16, de);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x04);
    dfx_free(f);
}

static void test_rcd_and_uid(void **state)
{
    struct dfx *a = mk(10, 0x05, 0x1234), *b = mk(10, 0x06, 0x1235);
    unsigned ia = one(a, 0xFA, 0, 256, NULL), ib = one(b, 0xFA, 0, 256, NULL);
    const uint8_t *da = dfx_data(a, ia), *db = dfx_data(b, ib);
    static const uint8_t ibm[3] = { 0xC9, 0xC2, 0xD4 };

    assert_int_equal(a->st.dstat, CE_DE);
    assert_int_equal(a->st.cstat, 0);
    assert_int_equal(da[0] & 0xC0, 0xC0);            /* NED */
    assert_int_equal(da[1], 0x01);                   /* device NED */
    assert_memory_equal(da + 13, ibm, 3);
    assert_int_equal(da[31], 0x05);                  /* unit address */
    assert_int_equal(da[224] & 0xC0, 0x80);          /* GNEQ */
    assert_int_equal(be16_get(da + 232), 0x0100);    /* SSID */
    assert_int_not_equal(da[230], 0);                /* timeout */
    assert_int_equal(da[192] & 0xC0, 0x40);          /* SNEQ format 1, base */
    assert_int_equal(da[200], 0x01);
    assert_int_equal(da[201], 0x05);
    /* UID = vendor.serial.ssid.ua differs between the devices */
    assert_memory_not_equal(da + 16, db + 16, 14);
    assert_int_not_equal(da[31], db[31]);
    dfx_free(a);
    dfx_free(b);
}

static void test_path_group(void **state)
{
    struct dfx *f = mk(10, 0, 0);
    uint8_t spid[12] = { 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    unsigned i = one(f, 0x34, CCW_FLAG_SLI, 12, NULL);

    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(dfx_data(f, i)[0], 0x00);       /* reset, no PGID */
    one(f, 0xAF, CCW_FLAG_SLI, 12, spid);
    assert_int_equal(f->st.dstat, CE_DE);
    i = one(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(f, i)[0], 0xC8);       /* grouped, multipath */
    assert_memory_equal(dfx_data(f, i) + 1, spid + 1, 11);
    /* another PGID while grouped: invalid parameter */
    uint8_t other[12] = { 0x80, 9 };
    one(f, 0xAF, CCW_FLAG_SLI, 12, other);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], 0x04);
    /* SNID not first in chain: invalid sequence */
    dfx_begin(f);
    dfx_ccw(f, 0x03, CCW_FLAG_CC, 0, NULL);
    dfx_ccw(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x02);
    /* disband: back to reset */
    uint8_t disband[12] = { 0x20 };
    one(f, 0xAF, CCW_FLAG_SLI, 12, disband);
    assert_int_equal(f->st.dstat, CE_DE);
    i = one(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(f, i)[0], 0x00);
    dfx_free(f);
}

/* PSF (CC) -> RSSD, as Linux reads feature codes and the UA configuration. */
static unsigned psf_rssd(struct dfx *f, uint8_t suborder, uint16_t count)
{
    uint8_t prssd[12] = { 0x18 };
    prssd[6] = suborder;
    dfx_begin(f);
    dfx_ccw(f, 0x27, CCW_FLAG_CC, 12, prssd);
    unsigned i = dfx_ccw(f, 0x3E, 0, count, NULL);
    dfx_run(f);
    return i;
}

static void test_psf(void **state)
{
    struct dfx *f = mk(10, 0x07, 0);
    uint8_t feat[256] = { 0 };
    unsigned i = psf_rssd(f, 0x41, 256);

    feat[8] = 0x01;         /* Prefix */
    feat[9] = 0x20;         /* Read Track Data in command mode */
    feat[12] = 0x40;        /* Write Track Data in command mode */
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_memory_equal(dfx_data(f, i), feat, 256);
    i = psf_rssd(f, 0x0E, 512);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(dfx_data(f, i)[2 * 7], 0x01);
    assert_int_equal(dfx_data(f, i)[2 * 7 + 1], 0x00);   /* a base device has base UA 0 */
    /* unsupported suborder: command reject, format 0 message 4 */
    psf_rssd(f, 0x52, 64);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], 0x04);
    assert_int_equal(f->sense[27], 0x80);
    /* Set Subsystem Characteristics (count 66) accepted */
    uint8_t ssc[66] = { 0x1D };
    ssc[6] = 0xC0;
    one(f, 0x27, 0, 66, ssc);
    assert_int_equal(f->st.dstat, CE_DE);
    /* RSSD without PSF */
    one(f, 0x3E, CCW_FLAG_SLI, 256, NULL);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x02);
    /* PSF count too short */
    one(f, 0x27, 0, 4, ssc);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x03);
    dfx_free(f);
}

static void test_sense_command(void **state)
{
    struct dfx *f = mk(10, 0, 0);

    /* unknown command: command reject, "invalid command" */
    one(f, 0x4C, 0, 8, NULL);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->nsense, 32);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], 0x01);
    /* the concurrent sense consumed it: a Sense command now sees no error */
    unsigned i = one(f, 0x04, CCW_FLAG_SLI, 32, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(dfx_data(f, i)[0], 0);
    assert_int_equal(dfx_data(f, i)[27], 0x80);
    /* basic sense: a unit check without concurrent fetch is returned by 0x04 once */
    dfx_begin(f);
    dfx_ccw(f, 0xA7, 0, 8, NULL);
    struct chan_prog p;
    struct chan_hooks hooks = { 0 };
    chan_prog_init(&p, &f->orb, &f->cm, f->dev, &hooks);
    chan_run(&p);
    assert_int_equal(p.status.dstat, CE_DE_UC);
    chan_prog_free(&p);
    i = one(f, 0x04, CCW_FLAG_SLI, 32, NULL);
    assert_int_equal(dfx_data(f, i)[0], 0x80);
    assert_int_equal(dfx_data(f, i)[7], 0x01);
    i = one(f, 0x04, CCW_FLAG_SLI, 32, NULL);
    assert_int_equal(dfx_data(f, i)[0], 0x00);
    assert_int_equal(f->dev->ops->sense(f->dev, f->sense), 0);
    /* a clear (ops->reset) drops a pending sense */
    dfx_begin(f);
    dfx_ccw(f, 0xA7, 0, 8, NULL);
    chan_prog_init(&p, &f->orb, &f->cm, f->dev, &hooks);
    chan_run(&p);
    chan_prog_free(&p);
    f->dev->ops->reset(f->dev);
    assert_int_equal(f->dev->ops->sense(f->dev, f->sense), 0);
    dfx_free(f);
}

static void test_reserve_nop_diag(void **state)
{
    struct dfx *f = mk(10, 0, 0);

    one(f, 0xB4, CCW_FLAG_SLI, 32, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    unsigned i = one(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(f, i)[0] & 0x30, 0x30);   /* reserved to us */
    one(f, 0x94, CCW_FLAG_SLI, 32, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    i = one(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(f, i)[0] & 0x30, 0x00);
    /* steal lock: Unconditional Reserve + Release chained (cio) */
    dfx_begin(f);
    dfx_ccw(f, 0x14, CCW_FLAG_CC | CCW_FLAG_SLI, 32, NULL);
    dfx_ccw(f, 0x94, CCW_FLAG_SLI, 32, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    /* Reserve not first: rejected */
    dfx_begin(f);
    dfx_ccw(f, 0x03, CCW_FLAG_CC, 0, NULL);
    dfx_ccw(f, 0xB4, CCW_FLAG_SLI, 32, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x02);
    /* NOP (sysfs ping) */
    one(f, 0x03, CCW_FLAG_SLI, 0, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    /* Diagnostic Control "inhibit write" as the 3990 ERP sends it */
    uint8_t dctl[4] = { 0x02, 0x00, 0, 0 };
    one(f, 0xF3, 0, 4, dctl);
    assert_int_equal(f->st.dstat, CE_DE);
    dctl[0] = 0x0B;
    one(f, 0xF3, 0, 4, dctl);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[7], 0x04);
    dfx_free(f);
}

/* The command table: sorted, unique codes, every row findable; codes not in
 * it are not found. */
static void test_command_table(void **state)
{
    unsigned n = 0;
    for (const struct eckd_cmd *c = eckd_cmd_table; c->name; c++, n++) {
        if (c != eckd_cmd_table)
            assert_true(c[-1].code < c->code);
        assert_ptr_equal(eckd_cmd_find(c->code), c);
        assert_non_null(c->fn);
    }
    assert_true(n >= 45);
    assert_null(eckd_cmd_find(0x00));
    assert_null(eckd_cmd_find(0x4C));
    assert_null(eckd_cmd_find(0xFF));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_table),
        cmocka_unit_test(test_sense_id),
        cmocka_unit_test(test_rdc_models),
        cmocka_unit_test(test_eav_rdc),
        cmocka_unit_test(test_rcd_and_uid),
        cmocka_unit_test(test_path_group),
        cmocka_unit_test(test_psf),
        cmocka_unit_test(test_sense_command),
        cmocka_unit_test(test_reserve_nop_diag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
