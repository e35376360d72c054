// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECKD device: the track-level command-mode programs of Linux 6.1's
 * dasd_eckd_build_cp_cmd_track (Prefix format 1 + Read Track Data 0xA6 /
 * Write Track Data 0xA5, one per track), built by lxcp.c the way Linux
 * builds them, on a CDL-shaped volume (12 x 4 KiB records on tracks >= 2):
 * the bytes on the image, what is read back, residual counts, store once
 * per track, and the errors (extent, domain count, no record found, record
 * length, read-only) with their sense bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dfx.h"
#include "lxcp.h"
#include "img/ckdtrack.h"

#define BLK 4096u
#define RPT 12u                 /* 4 KiB records per 3390 track */
#define FIRST_DATA_BLOCK (2 * RPT)

static struct dfx *mk(bool readonly)
{
    struct dfx_opts o = { .cyls = 3, .linux_null = true, .readonly = readonly, .unit_addr = 0x05 };
    return dfx_new(&o);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed + i / 4096);
}

/* Data of user record `rec` (1-based) of track `trk` on the image. */
static const uint8_t *image_block(struct dfx *f, uint64_t block)
{
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    uint32_t trk = (uint32_t)(block / RPT);
    unsigned rec = (unsigned)(block % RPT) + 1;
    size_t len = dfx_track(f, trk / LX_HEADS, trk % LX_HEADS, buf);

    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    assert_true(rec < t.nrecs);
    assert_int_equal(t.rec[rec].rec, rec);
    assert_int_equal(t.rec[rec].dl, BLK);
    return buf + t.rec[rec].off + CKD_COUNT_SIZE + t.rec[rec].kl;
}

/* Write n blocks with Write Track Data, check the image, read them back
 * with Read Track Data and with the single-record path. */
static void roundtrip(uint64_t first, unsigned n)
{
    struct dfx *f = mk(false);
    size_t size = (size_t)n * BLK;
    uint8_t *w = malloc(size), *r = malloc(size), *r2 = malloc(size);

    fill(w, size, (unsigned)first);
    assert_int_equal(lx_track(f, true, first, n, BLK, w), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 0);
    for (unsigned i = 0; i < n; i++)
        assert_memory_equal(image_block(f, first + i), w + (size_t)i * BLK, BLK);
    /* the neighbours are untouched (dasdinit -linux: zero records) */
    static const uint8_t zero[BLK];
    if (first > FIRST_DATA_BLOCK)
        assert_memory_equal(image_block(f, first - 1), zero, BLK);
    assert_memory_equal(image_block(f, first + n), zero, BLK);

    memset(r, 0xAA, size);
    assert_int_equal(lx_track(f, false, first, n, BLK, r), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 0);
    assert_memory_equal(r, w, size);
    assert_int_equal(lx_blocks(f, false, first, n, BLK, false, r2), CHAN_DONE);
    assert_memory_equal(r2, w, size);
    free(w);
    free(r);
    free(r2);
    dfx_free(f);
}

static void test_track_one_block(void **state) { (void)state; roundtrip(FIRST_DATA_BLOCK + 5, 1); }
static void test_track_first_block(void **state) { (void)state; roundtrip(FIRST_DATA_BLOCK, 1); }
static void test_track_within_track(void **state) { (void)state; roundtrip(FIRST_DATA_BLOCK + 3, 7); }
static void test_track_whole_track(void **state) { (void)state; roundtrip(3 * RPT, RPT); }
/* 2 blocks at the end of track 2, all of 3..5, 3 blocks of track 6 */
static void test_track_across_tracks(void **state) { (void)state; roundtrip(2 * RPT + 10, 2 + 3 * RPT + 3); }
/* across a cylinder boundary (track 14 -> 15) */
static void test_track_across_cylinder(void **state) { (void)state; roundtrip(14 * RPT + 6, 12); }

/* The program Linux builds, CCW by CCW, for 2 + 12 + 3 blocks. */
static void test_track_program_shape(void **state)
{
    (void)state;
    static struct lx_track_prog p;

    lx_track_build(&p, false, 2 * RPT + 10, 17, BLK, 0x05);
    assert_int_equal(p.ntrk, 3);
    assert_int_equal(p.count[0], 2 * BLK);
    assert_int_equal(p.count[1], 12 * BLK);
    assert_int_equal(p.count[2], 3 * BLK);
    assert_int_equal(p.pfx[44], 0x0C);
    assert_int_equal(p.pfx[44 + 3], 3);                     /* tracks */
    assert_int_equal(p.pfx[44 + 12], 11);                   /* search record */
    assert_int_equal(be16_get(p.pfx + 44 + 14), 3 * BLK);   /* last track's bytes */
    lx_track_build(&p, true, 2 * RPT + 10, 17, BLK, 0x05);
    assert_int_equal(p.pfx[44], 0x3F);
    assert_int_equal(p.pfx[44 + 17], 0x23);
    assert_int_equal(be16_get(p.pfx + 44 + 14), BLK);
    assert_int_equal(be16_get(p.pfx + 12 + 2), BLK);        /* DE block size */
}

/* A track written by Write Track Data goes to the image once. */
static void test_track_store_once(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    size_t size = 3 * RPT * BLK;
    uint8_t *w = malloc(size);

    fill(w, size, 9);
    uint64_t before = img_track_writes(f->im);
    assert_int_equal(lx_track(f, true, 4 * RPT, 3 * RPT, BLK, w), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(img_track_writes(f->im) - before, 3);
    free(w);
    dfx_free(f);
}

/* CCW count longer than the records left on the track: the device stops at
 * the end of the track; with SLI the residual count says how much. */
static void test_track_residual_count(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;
    static uint8_t buf[16 * BLK];

    lx_track_build(&p, false, 3 * RPT + 8, 4, BLK, 0x05);
    dfx_begin(f);
    dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, p.pfx);
    unsigned i = dfx_ccw(f, LX_CMD_READ_TRK_DATA, CCW_FLAG_SLI, 6 * BLK, NULL);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(f->st.count, 2 * BLK);
    (void)i;
    /* without SLI: incorrect length */
    dfx_begin(f);
    dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, p.pfx);
    dfx_ccw(f, LX_CMD_READ_TRK_DATA, 0, 6 * BLK, NULL);
    dfx_run(f);
    assert_int_equal(f->st.cstat & SCHN_STAT_INCORR_LEN, SCHN_STAT_INCORR_LEN);
    /* write: 4 blocks offered, 3 records to the end of the track */
    fill(buf, 4 * BLK, 3);
    lx_track_build(&p, true, 3 * RPT + 9, 3, BLK, 0x05);
    dfx_begin(f);
    dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, p.pfx);
    dfx_ccw(f, LX_CMD_WRITE_TRK_DATA, CCW_FLAG_SLI, 4 * BLK, buf);
    dfx_run(f);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, BLK);
    assert_memory_equal(image_block(f, 3 * RPT + 11), buf + 2 * BLK, BLK);
    dfx_free(f);
}

/* The Define Extent of the Prefix covers one track, the LRE asks for two:
 * the second Read Track Data leaves the extent -> file protected. */
static void test_track_extent_violation(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;

    lx_track_build(&p, false, 3 * RPT + 10, 4, BLK, 0x05);
    be16_put(p.pfx + 12 + 14, 3);           /* DE end = track 3 */
    assert_int_equal(lx_track_run(f, &p, false, (uint8_t[4 * BLK]){ 0 }), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 2);
    assert_int_equal(f->sense[0], 0x00);
    assert_int_equal(f->sense[1], 0x04);
    /* a write outside the extent from the start: the Prefix itself */
    lx_track_build(&p, true, 3 * RPT + 10, 1, BLK, 0x05);
    be16_put(p.pfx + 12 + 10, 4);           /* DE begin = track 4 */
    be16_put(p.pfx + 12 + 14, 4);
    lx_track_run(f, &p, true, (uint8_t[BLK]){ 0 });
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 0);
    assert_int_equal(f->sense[1], 0x04);
    dfx_free(f);
}

/* LRE count 2, one Read Track Data without chaining: incomplete domain;
 * LRE count 1, two Read Track Data: the second is outside the domain. */
static void test_track_lre_count_mismatch(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;

    lx_track_build(&p, false, 3 * RPT + 10, 4, BLK, 0x05);
    p.ntrk = 1;
    lx_track_run(f, &p, false, (uint8_t[4 * BLK]){ 0 });
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(f->sense[0], 0x81);
    lx_track_build(&p, false, 3 * RPT + 10, 4, BLK, 0x05);
    p.pfx[44 + 3] = 1;
    lx_track_run(f, &p, false, (uint8_t[4 * BLK]){ 0 });
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 2);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], 0x02);
    dfx_free(f);
}

/* Search argument R13 on a track of 12 records: no record found. */
static void test_track_no_record_found(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;

    lx_track_build(&p, true, 3 * RPT + 10, 1, BLK, 0x05);
    p.pfx[44 + 12] = 13;
    lx_track_run(f, &p, true, (uint8_t[BLK]){ 0 });
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 0);
    assert_int_equal(f->sense[1], 0x08);
    dfx_free(f);
}

/* Write Track Data with a length (2 KiB) that is not the records' (4 KiB):
 * invalid track format, and nothing of the track changes. */
static void test_track_write_wrong_length(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;
    static uint8_t buf[BLK];
    static const uint8_t zero[BLK];

    fill(buf, sizeof(buf), 1);
    lx_track_build(&p, true, 3 * RPT + 4, 1, BLK, 0x05);
    be16_put(p.pfx + 44 + 14, BLK / 2);
    lx_track_run(f, &p, true, buf);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 1);
    assert_int_equal(f->sense[1], 0x40);
    assert_memory_equal(image_block(f, 3 * RPT + 4), zero, BLK);
    dfx_free(f);
}

/* Read-only volume: the write Prefix is rejected (write inhibited); reads work. */
static void test_track_readonly(void **state)
{
    (void)state;
    struct dfx *f = mk(true);
    static uint8_t buf[2 * BLK];

    lx_track(f, true, 3 * RPT, 2, BLK, buf);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 0);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[1], 0x02);
    assert_int_equal(lx_track(f, false, 3 * RPT, 2, BLK, buf), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    dfx_free(f);
}

/* Read/Write Track Data outside a matching LRE domain: invalid sequence. */
static void test_track_wrong_domain(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;

    lx_track_build(&p, false, 3 * RPT, 1, BLK, 0x05);
    lx_track_run(f, &p, true, (uint8_t[BLK]){ 0 });   /* 0xA5 in a read domain */
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), 1);
    assert_int_equal(f->sense[0], 0x80);
    assert_int_equal(f->sense[7], 0x02);
    dfx_free(f);
}

/* An LRE whose search argument is R0: the track commands start at R1. */
static void test_track_search_r0(void **state)
{
    (void)state;
    struct dfx *f = mk(false);
    static struct lx_track_prog p;
    static uint8_t w[2 * BLK], r[2 * BLK];

    fill(w, sizeof(w), 4);
    assert_int_equal(lx_track(f, true, 3 * RPT, 2, BLK, w), CHAN_DONE);
    lx_track_build(&p, false, 3 * RPT, 2, BLK, 0x05);
    p.pfx[44 + 12] = 0;
    assert_int_equal(lx_track_run(f, &p, false, r), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.count, 0);
    assert_memory_equal(r, w, sizeof(w));
    dfx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_track_program_shape),
        cmocka_unit_test(test_track_one_block),
        cmocka_unit_test(test_track_first_block),
        cmocka_unit_test(test_track_within_track),
        cmocka_unit_test(test_track_whole_track),
        cmocka_unit_test(test_track_across_tracks),
        cmocka_unit_test(test_track_across_cylinder),
        cmocka_unit_test(test_track_store_once),
        cmocka_unit_test(test_track_residual_count),
        cmocka_unit_test(test_track_extent_violation),
        cmocka_unit_test(test_track_lre_count_mismatch),
        cmocka_unit_test(test_track_no_record_found),
        cmocka_unit_test(test_track_write_wrong_length),
        cmocka_unit_test(test_track_readonly),
        cmocka_unit_test(test_track_wrong_domain),
        cmocka_unit_test(test_track_search_r0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
