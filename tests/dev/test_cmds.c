// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECKD device: data commands through the interpreter on a CDL-shaped volume
 * (dasdinit -linux: 12 x 4 KiB records on tracks >= 2) -- status, sense bytes,
 * residual counts, and the bytes that land on the image.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dfx.h"
#include "lxcp.h"
#include "dev/eckd_priv.h"
#include "img/ckdtrack.h"

static struct dfx *mk_linux(bool readonly)
{
    struct dfx_opts o = { .cyls = 3, .linux_null = true, .readonly = readonly };
    return dfx_new(&o);
}

/* Data of record `rec` (1-based index into the parsed track) on the image. */
static const uint8_t *image_record(struct dfx *f, uint32_t trk, unsigned idx, struct ckd_rec *out,
                                   uint8_t *buf)
{
    static struct ckd_track t;
    size_t len = dfx_track(f, trk / 15, trk % 15, buf);
    assert_true(len > 0);
    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    if (idx >= t.nrecs)
        return NULL;
    *out = t.rec[idx];
    return buf + t.rec[idx].off + 8 + t.rec[idx].kl;
}

static unsigned image_nrecs(struct dfx *f, uint32_t trk)
{
    static struct ckd_track t;
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    size_t len = dfx_track(f, trk / 15, trk % 15, buf);
    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    return t.nrecs;
}

/* DE + LR prefix of a program (Linux parameter blocks). */
static void de_lr(struct dfx *f, uint8_t cmd, uint32_t beg, uint32_t end, uint32_t trk,
                  unsigned rec, unsigned n, unsigned tlf)
{
    uint8_t de[16], lr[16];
    dfx_begin(f);
    lx_define_extent(de, beg, end, cmd, false);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, trk, rec, n, cmd, tlf, 4096);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 13 + seed);
}

static void test_write_then_read_block(void **state)
{
    struct dfx *f = mk_linux(false);
    static uint8_t blk[4096], img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;

    fill(blk, sizeof(blk), 5);
    de_lr(f, LX_CMD_WRITE_MT, 2, 2, 2, 4, 1, 4096);
    dfx_ccw(f, 0x85, 0, 4096, blk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 0);
    const uint8_t *d = image_record(f, 2, 4, &rec, img);
    assert_int_equal(rec.rec, 4);
    assert_memory_equal(d, blk, 4096);

    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 4, 1, 4096);
    unsigned i = dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_memory_equal(dfx_data(f, i), blk, 4096);
    /* a short read count: residual 0, incorrect length unless SLI */
    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 4, 1, 4096);
    dfx_ccw(f, 0x86, 0, 100, NULL);
    dfx_run(f);
    assert_int_equal(f->st.cstat, SCHN_STAT_INCORR_LEN);
    dfx_free(f);
}

static void test_multitrack_and_extent(void **state)
{
    struct dfx *f = mk_linux(false);

    /* R12 of track 2, then R1 of track 3 within the extent */
    de_lr(f, LX_CMD_READ_MT, 2, 3, 2, 12, 2, 4096);
    dfx_ccw(f, 0x86, CCW_FLAG_CC, 4096, NULL);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    /* the same with the extent ending at track 2: file protected */
    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 12, 2, 4096);
    dfx_ccw(f, 0x86, CCW_FLAG_CC, 4096, NULL);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 3);
    assert_int_equal(f->sense[0], 0x00);
    assert_int_equal(f->sense[1], 0x04);
    assert_int_equal(f->sense[27], 0x80);
    /* Locate Record outside the extent */
    de_lr(f, LX_CMD_READ_MT, 2, 3, 5, 1, 1, 4096);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 1);
    assert_int_equal(f->sense[1], 0x04);
    dfx_free(f);
}

static void expect_reject(struct dfx *f, unsigned ccw, uint8_t msg)
{
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), ccw);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], msg);
}

static void test_bad_parameter_blocks(void **state)
{
    struct dfx *f = mk_linux(false);
    uint8_t de[16], lr[16];

    /* LR without DE */
    dfx_begin(f);
    lx_locate_record(lr, 2, 1, 1, LX_CMD_READ_MT, 4096, 4096);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    expect_reject(f, 0, 0x02);
    /* short DE and short LR counts */
    dfx_begin(f);
    lx_define_extent(de, 2, 2, LX_CMD_READ_MT, false);
    dfx_ccw(f, 0x63, CCW_FLAG_CC | CCW_FLAG_SLI, 8, de);
    expect_reject(f, 0, 0x03);
    dfx_begin(f);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    dfx_ccw(f, 0x47, CCW_FLAG_CC | CCW_FLAG_SLI, 12, lr);
    expect_reject(f, 1, 0x03);
    /* invalid LR operation code, invalid orientation/op combination */
    dfx_begin(f);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lr[0] = 0x3E;
    dfx_ccw(f, 0x47, 0, 16, lr);
    expect_reject(f, 1, 0x04);
    dfx_begin(f);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lr[0] = 0xC1;               /* index orientation + write data */
    dfx_ccw(f, 0x47, 0, 16, lr);
    expect_reject(f, 1, 0x04);
    /* DE: not ECKD mode; extent end before begin; beyond the volume */
    uint8_t bad[16];
    memcpy(bad, de, 16);
    bad[1] = 0x00;
    dfx_begin(f);
    dfx_ccw(f, 0x63, 0, 16, bad);
    expect_reject(f, 0, 0x04);
    lx_define_extent(bad, 5, 2, LX_CMD_READ_MT, false);
    dfx_begin(f);
    dfx_ccw(f, 0x63, 0, 16, bad);
    expect_reject(f, 0, 0x04);
    lx_define_extent(bad, 2, 3 * 15, LX_CMD_READ_MT, false);
    dfx_begin(f);
    dfx_ccw(f, 0x63, 0, 16, bad);
    expect_reject(f, 0, 0x04);
    /* TLF larger than the DE block size */
    lx_define_extent(de, 2, 2, LX_CMD_READ_MT, false);
    be16_put(de + 2, 512);
    dfx_begin(f);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, 2, 1, 1, LX_CMD_READ_MT, 4096, 4096);
    dfx_ccw(f, 0x47, 0, 16, lr);
    expect_reject(f, 1, 0x04);
    /* a domain command outside any domain */
    dfx_begin(f);
    dfx_ccw(f, 0x85, 0, 4096, NULL);
    expect_reject(f, 0, 0x02);
    /* a read before any seek or locate */
    dfx_begin(f);
    dfx_ccw(f, 0x06, 0, 4096, NULL);
    expect_reject(f, 0, 0x02);
    dfx_free(f);
}

static void test_record_not_found_and_domain(void **state)
{
    struct dfx *f = mk_linux(false);

    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 13, 1, 4096);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 1);
    assert_int_equal(f->sense[1], 0x08);
    /* a domain of 2 left without command chaining: incomplete domain */
    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 1, 2, 4096);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[0], 0x81);
    dfx_free(f);
}

static void test_invalid_track_format(void **state)
{
    struct dfx *f = mk_linux(false);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    uint8_t before[4096];
    struct ckd_rec rec;

    memcpy(before, image_record(f, 2, 1, &rec, img), 4096);
    /* Write Update Data with a TLF that is not the record's length */
    uint8_t de[16], lr[16];
    dfx_begin(f);
    lx_define_extent(de, 2, 2, LX_CMD_WRITE_MT, false);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, 2, 1, 1, LX_CMD_WRITE_MT, 2048, 2048);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    dfx_ccw(f, 0x85, 0, 2048, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[1], 0x40);
    assert_memory_equal(image_record(f, 2, 1, &rec, img), before, 4096);
    /* 13 x 4 KiB do not fit a 3390 track: the 13th Write CKD fails */
    assert_int_equal(lx_format(f, 4, 4, 4096, 0), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(image_nrecs(f, 4), 13);              /* R0 + 12 */
    dfx_begin(f);
    lx_define_extent(de, 4, 4, LX_CMD_WRITE_CKD, true);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, 4, 0, 13, LX_CMD_WRITE_CKD, 4096, 4096);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    for (unsigned i = 0; i < 13; i++) {
        uint8_t c[8] = { 0, 0, 0, 4, (uint8_t)(i + 1), 0, 0x10, 0x00 };
        dfx_ccw(f, 0x1D, (i == 12 ? 0 : CCW_FLAG_CC) | CCW_FLAG_SLI, 8, c);
    }
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 14);
    assert_int_equal(f->sense[1], 0x40);
    assert_int_equal(image_nrecs(f, 4), 13);
    /* the capacity formula Linux uses */
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 4096), 12);
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 512), 49);
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 1024), 33);
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 2048), 21);
    assert_int_equal(eckd_recs_per_track(0x3390, 44, 96), 50);
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 56664), 1);
    assert_int_equal(eckd_recs_per_track(0x3390, 0, 56665), 0);
    dfx_free(f);
}

static void test_readonly(void **state)
{
    struct dfx *f = mk_linux(true);
    static uint8_t blk[4096];

    de_lr(f, LX_CMD_WRITE_MT, 2, 2, 2, 1, 1, 4096);
    dfx_ccw(f, 0x85, 0, 4096, blk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 1);           /* at Locate Record */
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[1], 0x02);            /* write inhibited */
    /* formatting too */
    assert_int_equal(lx_format(f, 2, 2, 4096, 0), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[1], 0x02);
    /* reads work */
    de_lr(f, LX_CMD_READ_MT, 2, 2, 2, 1, 1, 4096);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    dfx_free(f);
}

static void test_equipment_check(void **state)
{
    struct dfx *f = mk_linux(true);
    static uint8_t blk[4096];

    /* the device believes it may write; the image (opened read-only) refuses */
    to_eckd(f->dev)->cfg.readonly = false;
    de_lr(f, LX_CMD_WRITE_MT, 2, 2, 2, 1, 1, 4096);
    dfx_ccw(f, 0x85, 0, 4096, blk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[0], 0x10);
    assert_int_equal(f->sense[7], 0x10);
    dfx_free(f);
}

static void test_read_count_wrap(void **state)
{
    struct dfx *f = mk_linux(false);
    uint8_t seek[6] = { 0, 0, 0, 0, 0, 2 };
    unsigned idx[25];

    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek);
    for (unsigned i = 0; i < 25; i++)
        idx[i] = dfx_ccw(f, 0x12, (i == 24 ? 0 : CCW_FLAG_CC), 8, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 25);           /* the 25th Read Count */
    assert_int_equal(f->sense[1], 0x08);
    assert_int_equal(dfx_data(f, idx[0])[4], 1);
    assert_int_equal(dfx_data(f, idx[11])[4], 12);
    assert_int_equal(dfx_data(f, idx[12])[4], 1);     /* wrapped past the index once */
    assert_int_equal(be16_get(dfx_data(f, idx[0]) + 6), 4096);
    dfx_free(f);
}

static void test_search_id_status_modifier(void **state)
{
    struct dfx *f = mk_linux(false);
    static uint8_t blk[4096];
    uint8_t seek[6] = { 0, 0, 0, 0, 0, 2 }, id[5] = { 0, 0, 0, 2, 3 };

    fill(blk, sizeof(blk), 9);
    assert_int_equal(lx_blocks(f, true, 2 * 12 + 2, 1, 4096, false, blk), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek);
    unsigned s = dfx_ccw(f, 0x31, CCW_FLAG_CC, 5, id);
    dfx_ccw_at(f, 0x08, 0, 0, dfx_ccw_addr(f, s));       /* TIC back to the search */
    unsigned r = dfx_ccw(f, 0x06, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(dfx_last_ccw(f), r);
    assert_memory_equal(dfx_data(f, r), blk, 4096);
    dfx_free(f);
}

static void test_read_ipl_r0_ha_ckd(void **state)
{
    struct dfx_opts o = { .cyls = 2 };
    struct dfx *f = dfx_new(&o);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;

    const uint8_t *ipl1 = image_record(f, 0, 1, &rec, img);
    dfx_begin(f);
    unsigned i = dfx_ccw(f, 0x02, 0, 24, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_int_equal(rec.dl, 24);
    assert_memory_equal(dfx_data(f, i), ipl1, 24);
    /* Seek, Read HA, Read R0, Read CKD (R1 with key IPL1) */
    uint8_t seek[6] = { 0 };
    static const uint8_t ha[5] = { 0, 0, 0, 0, 0 }, key[4] = { 0xC9, 0xD7, 0xD3, 0xF1 };
    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek);
    unsigned h = dfx_ccw(f, 0x1A, CCW_FLAG_CC, 5, NULL);
    unsigned r0 = dfx_ccw(f, 0x16, CCW_FLAG_CC, 16, NULL);
    unsigned c = dfx_ccw(f, 0x1E, CCW_FLAG_SLI, 200, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 200 - (8 + 4 + 24));
    assert_memory_equal(dfx_data(f, h), ha, 5);
    assert_int_equal(dfx_data(f, r0)[4], 0);
    assert_int_equal(dfx_data(f, r0)[7], 8);
    assert_int_equal(dfx_data(f, c)[4], 1);
    assert_memory_equal(dfx_data(f, c) + 8, key, 4);
    dfx_free(f);
}

/* IPL as the machine does it with format-0 CCWs: Read IPL (24 bytes of
 * IPL1 to 0), then zipl stage 0's Read of record 2 (IPL2) with SLI. */
static void test_ipl_format0(void **state)
{
    struct dfx_opts o = { .cyls = 2 };
    struct dfx *f = dfx_new(&o);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;
    struct ccw1 rd_ipl = { 0x02, CCW_FLAG_CC | CCW_FLAG_SLI, 24, 0x2000 };
    struct ccw1 rd_r2 = { 0x06, CCW_FLAG_SLI, 0x200, 0x3000 };

    const uint8_t *ipl2 = image_record(f, 0, 2, &rec, img);
    ccw0_encode(&rd_ipl, f->mem + DFX_CCW_AT);
    ccw0_encode(&rd_r2, f->mem + DFX_CCW_AT + 8);
    f->orb.fmt = false;
    f->orb.pfch = false;
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 0x200 - rec.dl);
    assert_memory_equal(f->mem + 0x3000, ipl2, rec.dl);
    dfx_free(f);
}

/* The pre-ECKD way other systems update a VTOC record: Seek, Search Key
 * Equal + TIC loop, Write Data; Set File Mask; Read Multiple CKD. */
static void test_classic_commands(void **state)
{
    struct dfx *f = mk_linux(false);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;
    uint8_t seek1[6] = { 0, 0, 0, 0, 0, 1 }, key[44], data[96];

    memcpy(key, image_record(f, 1, 2, &rec, img) - 44, 44);
    assert_int_equal(rec.kl, 44);
    memset(data, 0x5A, sizeof(data));
    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek1);
    unsigned s = dfx_ccw(f, 0x29, CCW_FLAG_CC, 44, key);
    dfx_ccw_at(f, 0x08, 0, 0, dfx_ccw_addr(f, s));
    unsigned w = dfx_ccw(f, 0x05, 0, 96, data);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(dfx_last_ccw(f), w);
    assert_memory_equal(image_record(f, 1, 2, &rec, img), data, 96);
    /* Write Data without a preceding search: invalid sequence */
    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek1);
    dfx_ccw(f, 0x05, 0, 96, data);
    expect_reject(f, 1, 0x02);
    /* Set File Mask "inhibit seek and multitrack": Seek is file protected */
    uint8_t sfm = 0x18;
    dfx_begin(f);
    dfx_ccw(f, 0x1F, CCW_FLAG_CC, 1, &sfm);
    dfx_ccw(f, 0x07, 0, 6, seek1);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[1], 0x04);
    /* Define Extent after Set File Mask: invalid sequence */
    uint8_t de[16];
    lx_define_extent(de, 2, 2, LX_CMD_READ_MT, false);
    dfx_begin(f);
    dfx_ccw(f, 0x1F, CCW_FLAG_CC, 1, &sfm);
    dfx_ccw(f, 0x63, 0, 16, de);
    expect_reject(f, 1, 0x02);
    /* Read Multiple CKD: all 12 records of track 2 */
    uint8_t seek2[6] = { 0, 0, 0, 0, 0, 2 };
    dfx_begin(f);
    dfx_ccw(f, 0x07, CCW_FLAG_CC, 6, seek2);
    unsigned m = dfx_ccw(f, 0x5E, CCW_FLAG_SLI, 60000, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 60000 - 12 * (8 + 4096));
    assert_int_equal(dfx_data(f, m)[4], 1);
    assert_int_equal(dfx_data(f, m)[11 * 4104 + 4], 12);
    dfx_free(f);
}

static void test_write_r0_and_erase(void **state)
{
    struct dfx *f = mk_linux(false);
    uint8_t de[16], lr[16];
    uint8_t r0[8] = { 0, 0, 0, 6, 0, 0, 0, 8 }, r1[8 + 100] = { 0, 0, 0, 6, 1, 0, 0, 100 };

    memset(r1 + 8, 0xAB, 100);
    dfx_begin(f);
    lx_define_extent(de, 6, 6, LX_CMD_WRITE_R0, true);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, 6, 0, 1, LX_CMD_WRITE_R0, 8, 4096);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    dfx_ccw(f, 0x15, CCW_FLAG_CC | CCW_FLAG_SLI, 8, r0);
    dfx_ccw(f, 0x1D, 0, sizeof(r1), r1);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_int_equal(image_nrecs(f, 6), 2);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;
    const uint8_t *d = image_record(f, 6, 1, &rec, img);
    assert_int_equal(rec.dl, 100);
    assert_memory_equal(d, r1 + 8, 100);
    /* Erase after R0 under a write-track Locate Record */
    dfx_begin(f);
    de[0] = 0xC0;
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    memset(lr, 0, 16);
    lr[0] = 0x0B;
    lr[3] = 1;
    be16_put(lr + 6, 6);
    be16_put(lr + 10, 6);
    lr[13] = 0xFF;
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    dfx_ccw(f, 0x11, CCW_FLAG_SLI, 8, r1);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(image_nrecs(f, 6), 1);
    dfx_free(f);
}

/* Linux's "write record zero" format (intensity 0x01) over several tracks:
 * DE mask 0xC2, LR 0x43 with count rpt * n + 1, per track Write R0 then
 * Write CKD (0x9D for R1 of the later tracks). */
static void test_format_with_r0(void **state)
{
    struct dfx *f = mk_linux(false);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;

    assert_int_equal(lx_format(f, 20, 23, 4096, 0x01), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    for (uint32_t trk = 20; trk <= 23; trk++) {
        assert_int_equal(image_nrecs(f, trk), 13);
        image_record(f, trk, 12, &rec, img);
        assert_int_equal(rec.rec, 12);
        assert_int_equal(rec.head, trk % 15);
        assert_int_equal(rec.dl, 4096);
    }
    dfx_free(f);
}

static void lre(uint8_t *p, uint8_t op, uint8_t count, uint32_t trk, uint8_t extop, uint16_t extlen)
{
    memset(p, 0, 20);
    p[0] = op;
    p[3] = count;
    be16_put(p + 4, (uint16_t)(trk / 15));
    be16_put(p + 6, (uint16_t)(trk % 15));
    be16_put(p + 8, (uint16_t)(trk / 15));
    be16_put(p + 10, (uint16_t)(trk % 15));
    p[13] = 0xFF;
    p[17] = extop;
    be16_put(p + 18, extlen);
}

static void test_read_track_write_full_track(void **state)
{
    struct dfx *f = mk_linux(false);
    uint8_t pfx[66] = { 0x01, 0x80 }, de[16];
    static uint8_t blk[4096];

    fill(blk, sizeof(blk), 77);
    assert_int_equal(lx_blocks(f, true, 2 * 12 + 5, 1, 4096, false, blk), CHAN_DONE);
    /* Prefix format 1 (DE + LRE read tracks), 2 x Read Track */
    lx_define_extent(de, 2, 3, LX_CMD_READ_MT, false);
    memcpy(pfx + 12, de, 16);
    lre(pfx + 44, 0x4C, 2, 2, 0, 0);
    dfx_begin(f);
    dfx_ccw(f, 0xE7, CCW_FLAG_CC, 64, pfx);
    unsigned t2 = dfx_ccw(f, 0xDE, CCW_FLAG_CC | CCW_FLAG_SLI, 57326, NULL);
    unsigned t3 = dfx_ccw(f, 0xDE, CCW_FLAG_SLI, 57326, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    uint32_t tracklen = 16 + 12 * (8 + 4096) + 8;
    assert_int_equal(f->st.count, 57326 - tracklen);
    const uint8_t *d = dfx_data(f, t2);
    assert_int_equal(d[4], 0);                          /* R0 first */
    assert_memory_equal(d + 16 + 5 * 4104 + 8, blk, 4096);
    assert_int_equal(dfx_data(f, t3)[3], 3);            /* track 3's R0 */
    /* write track 2's image to track 7 with Write Full Track */
    static uint8_t trk[60000], trk2[60000];
    memcpy(trk2, d, tracklen);          /* d is reused by the next program */
    d = trk2;
    memcpy(trk, d, tracklen);
    for (unsigned r = 0; r < 13; r++)
        be16_put(trk + (r ? 16 + (r - 1) * 4104 : 0) + 2, 7);
    lx_define_extent(de, 7, 7, LX_CMD_WRITE_MT, false);
    de[0] = 0xC0;
    uint8_t pw[66] = { 0x01, 0x80 };
    memcpy(pw + 12, de, 16);
    lre(pw + 44, 0x3F, 1, 7, 0x11, 2);
    pw[64] = 0x80;
    dfx_begin(f);
    dfx_ccw(f, 0xE7, CCW_FLAG_CC, 66, pw);
    dfx_ccw(f, 0x95, 0, (uint16_t)tracklen, trk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    struct ckd_rec rec;
    assert_memory_equal(image_record(f, 7, 6, &rec, img), blk, 4096);
    assert_int_equal(rec.head, 7);
    /* Linux's raw buffer: R0 + one record, zero padding to 57326, no EOT */
    memset(trk, 0, sizeof(trk));
    memcpy(trk, d, 16 + 4104);
    be16_put(trk + 2, 8);
    be16_put(trk + 16 + 2, 8);
    lre(pw + 44, 0x3F, 1, 8, 0x11, 2);
    lx_define_extent(de, 8, 8, LX_CMD_WRITE_MT, false);
    de[0] = 0xC0;
    memcpy(pw + 12, de, 16);
    dfx_begin(f);
    dfx_ccw(f, 0xE7, CCW_FLAG_CC, 66, pw);
    dfx_ccw(f, 0x95, CCW_FLAG_SLI, 57326, trk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_int_equal(image_nrecs(f, 8), 2);
    /* a record that does not fit 3390 capacity is invalid track format */
    memset(trk, 0, sizeof(trk));
    memcpy(trk, d, 16);
    for (unsigned i = 0; i < 13; i++) {
        uint8_t *p = trk + 16 + i * 4104;
        be16_put(p + 2, 8);
        p[4] = (uint8_t)(i + 1);
        be16_put(p + 6, 4096);
    }
    dfx_begin(f);
    dfx_ccw(f, 0xE7, CCW_FLAG_CC, 66, pw);
    dfx_ccw(f, 0x95, CCW_FLAG_SLI, (uint16_t)(16 + 13 * 4104), trk);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[1], 0x40);
    assert_int_equal(image_nrecs(f, 8), 2);
    dfx_free(f);
}

static void test_prefix_format0(void **state)
{
    struct dfx *f = mk_linux(false);
    uint8_t pfx[64] = { 0x00, 0x80 }, de[16], lr[16];

    lx_define_extent(de, 2, 2, LX_CMD_READ_MT, false);
    memcpy(pfx + 12, de, 16);
    dfx_begin(f);
    dfx_ccw(f, 0xE7, CCW_FLAG_CC, 64, pfx);
    lx_locate_record(lr, 2, 3, 1, LX_CMD_READ_MT, 4096, 4096);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    dfx_ccw(f, 0x86, 0, 4096, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    pfx[0] = 7;
    dfx_begin(f);
    dfx_ccw(f, 0xE7, 0, 64, pfx);
    expect_reject(f, 0, 0x04);
    dfx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_then_read_block),
        cmocka_unit_test(test_multitrack_and_extent),
        cmocka_unit_test(test_bad_parameter_blocks),
        cmocka_unit_test(test_record_not_found_and_domain),
        cmocka_unit_test(test_invalid_track_format),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_equipment_check),
        cmocka_unit_test(test_read_count_wrap),
        cmocka_unit_test(test_search_id_status_modifier),
        cmocka_unit_test(test_read_ipl_r0_ha_ckd),
        cmocka_unit_test(test_ipl_format0),
        cmocka_unit_test(test_classic_commands),
        cmocka_unit_test(test_write_r0_and_erase),
        cmocka_unit_test(test_format_with_r0),
        cmocka_unit_test(test_read_track_write_full_track),
        cmocka_unit_test(test_prefix_format0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
