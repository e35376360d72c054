// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay of what Linux 6.1 (cio + dasd_eckd + dasdfmt/fdasd) does with a
 * 3390 on an unformatted volume (docs/eckd.md "What Linux 6.1 sends"): bring-online
 * sequence, analysis ("not formatted"), a full CDL dasdfmt at 4 KiB, label
 * writes, analysis again, block I/O across tracks, the ERP retry program,
 * the format check -- then the image layout checked with the image layer.
 * Also LDL formats with 512/1024/2048-byte blocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dfx.h"
#include "lxcp.h"
#include "img/ckdtrack.h"

#define CYLS 5
#define NTRK (CYLS * 15)

static struct dfx *mk_raw_fmt(uint32_t cyls, bool cckd)
{
    struct dfx_opts o = { .cyls = cyls, .raw = true, .unit_addr = 0x02, .devno = 0x0200, .cckd = cckd };
    return dfx_new(&o);
}

static struct dfx *mk_raw(uint32_t cyls) { return mk_raw_fmt(cyls, false); }

static unsigned single(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data)
{
    dfx_begin(f);
    unsigned i = dfx_ccw(f, cmd, flags, count, data);
    dfx_run(f);
    return i;
}

static unsigned psf_rssd(struct dfx *f, uint8_t suborder, uint16_t count, uint8_t rssd_flags)
{
    uint8_t prssd[12] = { 0x18 };
    prssd[6] = suborder;
    dfx_begin(f);
    dfx_ccw(f, 0x27, CCW_FLAG_CC, 12, prssd);
    unsigned i = dfx_ccw(f, 0x3E, rssd_flags, count, NULL);
    dfx_run(f);
    return i;
}

/* cio device recognition + path grouping, then dasd_eckd_check_characteristics. */
static void bring_online(struct dfx *f)
{
    unsigned i = single(f, 0xE4, CCW_FLAG_SLI, 40, NULL);
    const uint8_t *id = dfx_data(f, i);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(id[0], 0xFF);
    assert_int_equal(be16_get(id + 1), 0x3990);
    assert_int_equal(be16_get(id + 4), 0x3390);
    assert_int_equal(id[8], 0x40);                 /* CIW type 0 (RCD) ... */
    assert_int_equal(id[9], 0xFA);                 /* ... command 0xFA */

    uint8_t spid[12] = { 0x80, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x11, 0x22 };
    i = single(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(dfx_data(f, i)[0] & 0xC0, 0x00);
    single(f, 0xAF, CCW_FLAG_SLI, 12, spid);
    assert_int_equal(f->st.dstat, CE_DE);
    i = single(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(f, i)[0] & 0xC0, 0xC0);     /* grouped: pathgroup established */
    assert_memory_equal(dfx_data(f, i) + 1, spid + 1, 11);

    static const uint8_t v10[256] = { 0xE5, 0xF1, 0x4B, 0xF0 };
    dfx_begin(f);
    i = dfx_ccw(f, 0xFA, 0, 256, v10);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(dfx_data(f, i)[0] & 0xC0, 0xC0);
    assert_int_equal(dfx_data(f, i)[1], 0x01);
    assert_int_equal(dfx_data(f, i)[31], 0x02);

    i = single(f, 0x64, 0, 64, NULL);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(be16_get(dfx_data(f, i) + 12), CYLS);

    uint8_t ssc[66] = { 0x1D };
    ssc[6] = 0xC0;
    single(f, 0x27, 0, 66, ssc);
    assert_int_equal(f->st.dstat, CE_DE);

    i = psf_rssd(f, 0x41, 256, 0);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    /* Prefix, Read Track Data and Write Track Data in command mode: Linux
     * builds Prefix + one 0xA6/0xA5 per track (dasd_eckd_build_cp) */
    assert_int_equal(dfx_data(f, i)[8] & 0x01, 0x01);
    assert_int_equal(dfx_data(f, i)[9] & 0x20, 0x20);
    assert_int_equal(dfx_data(f, i)[12] & 0x40, 0x40);
    assert_int_equal(dfx_data(f, i)[40], 0);                /* no zHPF (transport mode) */
    memcpy(f->features, dfx_data(f, i), sizeof(f->features));
    for (uint8_t sub = 0x52; sub <= 0x53; sub++) {
        psf_rssd(f, sub, 64, CCW_FLAG_SLI);
        assert_int_equal(f->st.dstat, CE_DE_UC);            /* suppressed by Linux */
        assert_int_equal(f->sense[0], 0x80);
        assert_int_equal(f->sense[7], 0x04);
    }
}

static void ruac(struct dfx *f)
{
    unsigned i = psf_rssd(f, 0x0E, 512, 0);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(dfx_data(f, i)[4], 0x01);     /* UA 2: base device ... */
    assert_int_equal(dfx_data(f, i)[5], 0x00);     /* ... base UA 0, as its UID from RCD says */
}

/*
 * The part of Linux's dasd UID (struct dasd_uid) that alias management
 * compares: the unit-address type and the base unit address.  From the
 * configuration data, dasd_eckd.c create_uid() takes the type from the SNEQ
 * and the base only for a PAV alias (0 otherwise); dasd_alias.c
 * _add_device_to_lcu() then overwrites both with the RUAC entry of the
 * device's own unit address.
 */
#define LX_UA_BASE_DEVICE    0x01
#define LX_UA_BASE_PAV_ALIAS 0x02
#define LX_CONF_ELEMENT      32
#define LX_CONF_ELEMENTS     8

struct lx_uid {
    uint8_t type, base, real_ua;
};

static struct lx_uid uid_from_rcd(struct dfx *f)
{
    struct lx_uid u = { .type = LX_UA_BASE_DEVICE };
    unsigned i = single(f, 0xFA, 0, 256, NULL);
    const uint8_t *c = dfx_data(f, i);

    assert_int_equal(f->st.dstat, CE_DE);
    for (unsigned k = 0; k < LX_CONF_ELEMENTS; k++) {
        const uint8_t *el = c + k * LX_CONF_ELEMENT;
        if ((el[0] >> 6) == 3 && el[1] == 0x01)                 /* device NED */
            u.real_ua = el[31];
        if ((el[0] >> 6) == 1 && be16_get(el + 2) == 1) {      /* SNEQ format 1 */
            u.type = el[8];
            if (u.type == LX_UA_BASE_PAV_ALIAS)
                u.base = el[9];
        }
    }
    return u;
}

static struct lx_uid uid_after_ruac(struct dfx *f, struct lx_uid u)
{
    unsigned i = psf_rssd(f, 0x0E, 512, 0);
    const uint8_t *uac = dfx_data(f, i);

    assert_int_equal(f->st.dstat, CE_DE);
    u.type = uac[2 * u.real_ua];
    u.base = uac[2 * u.real_ua + 1];
    return u;
}

/* dasd_eckd_reload_device() (run by BIODASDENABLE at the end of dasdfmt)
 * remembers the base from the RUAC, rebuilds the UID from fresh
 * configuration data and logs "An Alias device was reassigned to a new base
 * device" when the bases differ.  A base device must give the same answer
 * both ways. */
static void test_linux_uid_stable_across_reload(void **state)
{
    struct dfx *f = mk_raw(CYLS);

    bring_online(f);
    struct lx_uid conf = uid_from_rcd(f);
    struct lx_uid lcu = uid_after_ruac(f, conf);
    assert_int_equal(conf.real_ua, 0x02);
    assert_int_equal(lcu.type, LX_UA_BASE_DEVICE);
    assert_int_equal(lx_dasdfmt(f, 4096, true), 0);
    struct lx_uid reloaded = uid_from_rcd(f);
    assert_int_equal(reloaded.type, lcu.type);
    assert_int_equal(reloaded.base, lcu.base);        /* old_base == new base: nothing logged */
    dfx_free(f);
}

static void analysis_unformatted(struct dfx *f)
{
    uint8_t counts[5][8];
    assert_int_equal(lx_analysis(f, counts), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[1] & 0x08, 0x08);    /* no record found: "not formatted" */
}

static void write_labels(struct dfx *f)
{
    static uint8_t blk[3 * 4096], vt[2 * 4096];
    static const uint8_t ipl1[24] = { 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0F,
                                      0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };
    static const uint8_t vol1[8] = { 0xE5, 0xD6, 0xD3, 0xF1, 0xE5, 0xD6, 0xD3, 0xF1 };

    memset(blk, 0, sizeof(blk));
    memcpy(blk, "\xC9\xD7\xD3\xF1", 4);            /* key IPL1 */
    memcpy(blk + 4, ipl1, sizeof(ipl1));
    memcpy(blk + 4096, "\xC9\xD7\xD3\xF2", 4);     /* key IPL2 */
    blk[4096 + 4] = 0x07;
    memset(blk + 8192, 0x40, 84);
    memcpy(blk + 8192, vol1, 8);
    memcpy(blk + 8192 + 8, "\xF0\xE7\xF0\xF2\xF0\xF0", 6);        /* 0X0200 */
    memcpy(blk + 8192 + 15, "\x00\x00\x00\x01\x01", 5);           /* VTOC at 0/1/1 */
    assert_int_equal(lx_blocks(f, true, 0, 3, 4096, true, blk), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    memset(vt, 0, sizeof(vt));
    memset(vt, 0x04, 44);
    vt[44] = 0xF4;
    memset(vt + 4096, 0x05, 4);
    vt[4096 + 44] = 0xF5;
    assert_int_equal(lx_blocks(f, true, 12, 2, 4096, true, vt), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
}

static void analysis_cdl(struct dfx *f)
{
    uint8_t counts[5][8];
    assert_int_equal(lx_analysis(f, counts), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    static const unsigned dl[3] = { 24, 144, 80 };
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(counts[i][4], i + 1);
        assert_int_equal(counts[i][5], 4);
        assert_int_equal(be16_get(counts[i] + 6), dl[i]);
        assert_int_equal(be16_get(counts[i] + 2), 0);
    }
    assert_int_equal(counts[3][5], 0);
    assert_int_equal(be16_get(counts[3] + 6), 4096);       /* the block size */
    assert_int_equal(counts[4][5], 44);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((i >> 3) * 31 + seed + i);
}

static void block_io(struct dfx *f)
{
    static uint8_t w[190 * 4096], r[190 * 4096];

    fill(w, 40 * 4096, 1);
    assert_int_equal(lx_blocks(f, true, 24, 40, 4096, true, w), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_int_equal(lx_blocks(f, false, 20, 50, 4096, true, r), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_memory_equal(r + 4 * 4096, w, 40 * 4096);
    for (unsigned b = 0; b < 4; b++)                       /* VTOC blocks: 140 bytes + 0xE5 */
        assert_int_equal(r[b * 4096 + 200], 0xE5);
    /* the largest request Linux builds: 190 blocks, 16 tracks */
    fill(w, sizeof(w), 2);
    assert_int_equal(lx_blocks(f, true, 100, 190, 4096, true, w), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    memset(r, 0, sizeof(r));
    assert_int_equal(lx_blocks(f, false, 100, 190, 4096, true, r), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_memory_equal(r, w, sizeof(w));
}

/* dasd_3990_erp_add_erp: NOP (CC) -> TIC -> the original program. */
static void erp_retry(struct dfx *f)
{
    static uint8_t r[2 * 4096];
    assert_int_equal(lx_blocks(f, false, 110, 2, 4096, true, r), CHAN_DONE);
    uint32_t erp = 0x80000;
    struct ccw1 nop = { 0x03, CCW_FLAG_CC, 0, 0 }, tic = { 0x08, 0, 0, DFX_CCW_AT };
    ccw1_encode(&nop, f->mem + erp);
    ccw1_encode(&tic, f->mem + erp + 8);
    /* the first block's data: CCW 2 after DE + LR, or CCW 1, the Read
     * Track Data of both blocks, after a Prefix */
    bool trk = (f->features[9] & 0x20) != 0;
    unsigned idx = trk ? 1 : 2, len = trk ? 2 * 4096 : 4096;
    if (trk)
        assert_int_equal(f->mem[dfx_ccw_addr(f, idx)], 0xA6);
    memset(dfx_data(f, idx), 0, len);
    f->orb.cpa = erp;
    dfx_run(f);
    f->orb.cpa = DFX_CCW_AT;
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_memory_equal(dfx_data(f, idx), r, len);
}

static void format_check(struct dfx *f)
{
    uint8_t counts[50][8];
    unsigned n = lx_check_format(f, 5, counts);

    assert_int_equal(f->sense[1] & 0x08, 0x08);    /* NRF at the second index: tolerated */
    assert_int_equal(n, 24);                       /* R1..R12, then again after the index */
    for (unsigned i = 0; i < 12; i++) {
        assert_int_equal(counts[i][4], i + 1);
        assert_int_equal(be16_get(counts[i] + 2), 5);
        assert_int_equal(be16_get(counts[i] + 6), 4096);
    }
    assert_int_equal(counts[12][4], 1);            /* data reoccurs: 12 records per track */
}

static void verify_cdl_image(struct dfx *f)
{
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    static const uint8_t vol1[4] = { 0xE5, 0xD6, 0xD3, 0xF1 };

    dfx_reopen(f, true);        /* what is on disk, not in the device */
    for (uint32_t trk = 0; trk < NTRK; trk++) {
        size_t len = dfx_track(f, trk / 15, trk % 15, buf);
        assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
        assert_int_equal(t.nrecs, 13);
        for (unsigned i = 1; i < 13; i++) {
            const struct ckd_rec *r = &t.rec[i];
            assert_int_equal(r->rec, i);
            assert_int_equal(r->cyl, trk / 15);
            assert_int_equal(r->head, trk % 15);
            if (trk == 1) {
                assert_int_equal(r->kl, 44);
                assert_int_equal(r->dl, 96);
            } else if (trk == 0 && i <= 3) {
                assert_int_equal(r->kl, 4);
            } else {
                assert_int_equal(r->kl, 0);
                assert_int_equal(r->dl, 4096);
            }
        }
        if (trk == 0) {
            assert_memory_equal(buf + t.rec[3].off + 8, vol1, 4);        /* key VOL1 */
            assert_memory_equal(buf + t.rec[3].off + 12, vol1, 4);       /* label VOL1 */
            assert_int_equal(t.rec[1].dl, 24);
            assert_int_equal(t.rec[2].dl, 144);
            assert_int_equal(t.rec[3].dl, 80);
        }
        if (trk == 1) {
            assert_int_equal(buf[t.rec[1].off + 8 + 44], 0xF4);
            assert_int_equal(buf[t.rec[2].off + 8 + 44], 0xF5);
        }
    }
}

static void cdl_lifecycle(bool cckd)
{
    struct dfx *f = mk_raw_fmt(CYLS, cckd);

    bring_online(f);
    analysis_unformatted(f);
    ruac(f);
    assert_int_equal(lx_dasdfmt(f, 4096, true), 0);
    write_labels(f);
    analysis_cdl(f);
    block_io(f);
    erp_retry(f);
    format_check(f);
    verify_cdl_image(f);
    dfx_free(f);
}

static void test_linux_cdl_lifecycle(void **state) { cdl_lifecycle(false); }
/* The same on a compressed (CCKD, zlib) volume: every track write recompresses. */
static void test_linux_cdl_lifecycle_cckd(void **state) { cdl_lifecycle(true); }

static void ldl(unsigned blksize)
{
    struct dfx *f = mk_raw(1);
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    uint8_t counts[5][8];

    assert_int_equal(lx_dasdfmt(f, blksize, false), 0);
    assert_int_equal(lx_analysis(f, counts), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    for (unsigned i = 0; i < 5; i++) {                  /* LDL: KL 0, equal DL */
        assert_int_equal(counts[i][5], 0);
        assert_int_equal(be16_get(counts[i] + 6), blksize);
    }
    static uint8_t w[65536], r[65536];
    fill(w, sizeof(w), 3);
    unsigned n = (unsigned)(sizeof(w) / blksize);
    assert_int_equal(lx_blocks(f, true, 3, n, blksize, false, w), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(lx_blocks(f, false, 3, n, blksize, false, r), CHAN_DONE);
    assert_memory_equal(r, w, sizeof(w));
    dfx_reopen(f, true);
    for (uint32_t trk = 0; trk < 15; trk++) {
        size_t len = dfx_track(f, 0, trk, buf);
        assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
        assert_int_equal(t.nrecs, rpt + 1);
        assert_int_equal(t.rec[rpt].dl, blksize);
    }
    dfx_free(f);
}

static void test_linux_ldl_512(void **state) { ldl(512); }
static void test_linux_ldl_1024(void **state) { ldl(1024); }
static void test_linux_ldl_2048(void **state) { ldl(2048); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linux_uid_stable_across_reload),
        cmocka_unit_test(test_linux_cdl_lifecycle),
        cmocka_unit_test(test_linux_cdl_lifecycle_cckd),
        cmocka_unit_test(test_linux_ldl_512),
        cmocka_unit_test(test_linux_ldl_1024),
        cmocka_unit_test(test_linux_ldl_2048),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
