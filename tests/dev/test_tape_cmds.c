// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 3490 drive command by command (docs/tape.md "## The 3490 device"):
 * status, sense bytes, residual count and what lands in the AWSTAPE file,
 * each program run through the real channel interpreter.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tfx.h"

#define CE_DE_UX (CE_DE | DEV_STAT_UNIT_EXCEP)
#define CC CCW_FLAG_CC

static struct tfx *mk(void)
{
    struct tfx_opts o = { 0 };
    return tfx_new(&o);
}

static void expect_sense(const struct tfx *f, uint8_t s0, uint8_t s1, uint8_t era)
{
    assert_int_equal(f->x.nsense, 32);
    assert_int_equal(f->x.sense[0], s0);
    assert_int_equal(f->x.sense[1], s1);
    assert_int_equal(f->x.sense[3], era);
}

/* One Write of `n` pattern bytes; asserts normal ending. */
static void put_block(struct tfx *f, uint32_t n, unsigned seed)
{
    static uint8_t buf[65535];

    tfx_pattern(buf, n, seed);
    tfx_single(f, 0x01, 0, (uint16_t)n, buf);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
}

static void put_tm(struct tfx *f)
{
    dfx_begin(&f->x);
    tfx_zero(f, 0x1F, 0);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE);
}

static void zero_cmd(struct tfx *f, uint8_t cmd)
{
    dfx_begin(&f->x);
    tfx_zero(f, cmd, 0);
    dfx_run(&f->x);
}

static uint32_t blockid(struct tfx *f)
{
    unsigned i = tfx_single(f, 0x22, 0, 8, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    return be32_get(dfx_data(&f->x, i)) & 0x3FFFFF;
}

/* blocks 100, 200 | TM | 300 | TM, rewound (an empty drive stays empty) */
static struct tfx *mk_two_files_opts(const struct tfx_opts *o)
{
    struct tfx *f = tfx_new(&(struct tfx_opts){ 0 });
    put_block(f, 100, 1);
    put_block(f, 200, 2);
    put_tm(f);
    put_block(f, 300, 3);
    put_tm(f);
    zero_cmd(f, 0x07);
    assert_int_equal(f->x.st.dstat, CE_DE);
    if (o->empty) {
        char err[256];
        assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), 0);
    }
    return f;
}

static struct tfx *mk_two_files(void)
{
    return mk_two_files_opts(&(struct tfx_opts){ 0 });
}

static void test_sense_id(void **state)
{
    struct tfx *f = mk();
    static const uint8_t want[7] = { 0xFF, 0x34, 0x90, 0x50, 0x34, 0x90, 0x50 };

    unsigned i = tfx_single(f, 0xE4, CCW_FLAG_SLI, 40, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 33);
    assert_memory_equal(dfx_data(&f->x, i), want, 7);
    assert_true(tape3490_is(f->x.dev));
    tfx_free(f);
}

static void test_path_group(void **state)
{
    struct tfx *f = mk();
    uint8_t spid[12] = { 0x80, 0x00, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x01, 0x02, 0x03, 0x04, 0x05 };

    unsigned i = tfx_single(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(dfx_data(&f->x, i)[0], 0x00);          /* reset */
    tfx_single(f, 0xAF, CCW_FLAG_SLI, 12, spid);
    assert_int_equal(f->x.st.dstat, CE_DE);
    i = tfx_single(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(dfx_data(&f->x, i)[0], 0xC8);          /* grouped, multipath */
    assert_memory_equal(dfx_data(&f->x, i) + 1, spid + 1, 11);
    /* Assign with the group's PGID is accepted like all zeros */
    tfx_single(f, 0xB7, 0, 11, spid + 1);
    assert_int_equal(f->x.st.dstat, CE_DE);
    /* SNID must be alone in its program */
    dfx_begin(&f->x);
    dfx_ccw(&f->x, 0x34, CC | CCW_FLAG_SLI, 12, NULL);
    dfx_ccw_at(&f->x, 0x03, 0, 0, 0);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    expect_sense(f, 0x80, 0x48, 0x27);
    tfx_free(f);
}

static void test_medium_sense(void **state)
{
    struct tfx *f = mk();

    unsigned i = tfx_single(f, 0x04, 0, 32, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    assert_int_equal(f->x.st.cstat, 0);
    assert_int_equal(dfx_data(&f->x, i)[0], 0x00);        /* loaded */
    assert_int_equal(dfx_data(&f->x, i)[1], 0x48);        /* online, at load point */
    put_block(f, 10, 0);
    i = tfx_single(f, 0x04, 0, 32, NULL);
    assert_int_equal(dfx_data(&f->x, i)[1], 0x40);
    assert_int_equal(dfx_data(&f->x, i)[6], 1);           /* block ID 1 */
    tfx_free(f);

    struct tfx_opts ro = { .readonly = true };
    f = tfx_new(&ro);
    i = tfx_single(f, 0x04, 0, 32, NULL);
    assert_int_equal(dfx_data(&f->x, i)[0], 0x00);
    assert_int_equal(dfx_data(&f->x, i)[1], 0x4A);        /* + write protected */
    tfx_free(f);

    struct tfx_opts empty = { .empty = true };
    f = tfx_new(&empty);
    i = tfx_single(f, 0x04, 0, 32, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(dfx_data(&f->x, i)[0], 0x40);        /* intervention required: unloaded */
    assert_int_equal(dfx_data(&f->x, i)[1], 0x40);
    tfx_free(f);
}

static void test_assign_mode_set_display(void **state)
{
    struct tfx *f = mk();
    static const uint8_t zero[11];
    uint8_t junk[11] = { 1, 2, 3 };
    uint8_t msg[17] = { 0x00, 0xC8, 0xC5, 0xD3, 0xD3, 0xD6 };

    tfx_single(f, 0xB7, 0, 11, zero);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    tfx_single(f, 0xC7, 0, 11, zero);
    assert_int_equal(f->x.st.dstat, CE_DE);
    tfx_single(f, 0xB7, 0, 11, junk);                      /* not ours: function incompatible */
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    expect_sense(f, 0x80, 0x48, 0x29);
    for (unsigned m = 0; m < 2; m++) {
        uint8_t mode = m ? 0x08 : 0x00;
        tfx_single(f, 0xDB, 0, 1, &mode);
        assert_int_equal(f->x.st.dstat, CE_DE);
        assert_int_equal(f->x.st.count, 0);
    }
    uint8_t bad = 0x01;
    tfx_single(f, 0xDB, 0, 1, &bad);
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    expect_sense(f, 0x80, 0x48, 0x29);
    tfx_single(f, 0x9F, 0, 17, msg);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    tfx_single(f, 0x12, 0, 16, NULL);                      /* not a 3490 command Linux sends */
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    expect_sense(f, 0x80, 0x48, 0x27);
    tfx_free(f);
}

static void test_write_lands_in_file(void **state)
{
    struct tfx *f = mk();
    struct tfx_elem e[8];
    uint8_t want[300], got[300];

    put_block(f, 100, 1);
    put_block(f, 300, 2);
    put_tm(f);
    assert_int_equal(blockid(f), 3);
    assert_int_equal(tfx_aws(f, e, 8), 3);
    assert_false(e[0].tapemark);
    assert_int_equal(e[0].len, 100);
    assert_int_equal(e[1].len, 300);
    assert_true(e[2].tapemark);
    tfx_pattern(want, 300, 2);
    assert_int_equal(tfx_aws_block(f, 1, got, sizeof(got)), 300);
    assert_memory_equal(got, want, 300);
    /* writing after a rewind replaces everything */
    zero_cmd(f, 0x07);
    assert_int_equal(blockid(f), 0);
    put_block(f, 50, 3);
    assert_int_equal(tfx_aws(f, e, 8), 1);
    assert_int_equal(e[0].len, 50);
    /* a block larger than 65535 (data-chained, as newer kernels send):
     * "maximum block size exceeded", nothing written */
    static uint8_t big[70000];
    dfx_begin(&f->x);
    dfx_ccw(&f->x, 0x01, CCW_FLAG_CD, 35000, big);
    dfx_ccw(&f->x, 0x01, 0, 35000, big);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x80, 0x40, 0x4E);
    assert_int_equal(tfx_aws(f, e, 8), 1);
    /* the largest block */
    put_block(f, 65535, 4);
    assert_int_equal(tfx_aws(f, e, 8), 2);
    assert_int_equal(e[1].len, 65535);
    tfx_free(f);
}

static void test_read_residuals(void **state)
{
    struct tfx *f = mk_two_files();
    uint8_t want[300];

    /* a short block: residual = count - block length */
    unsigned i = tfx_single(f, 0x02, 0, 1000, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 900);
    tfx_pattern(want, 100, 1);
    assert_memory_equal(dfx_data(&f->x, i), want, 100);
    /* a longer block: count bytes, residual 0 */
    i = tfx_single(f, 0x02, 0, 64, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    tfx_pattern(want, 200, 2);
    assert_memory_equal(dfx_data(&f->x, i), want, 64);
    /* the tapemark: unit exception, nothing transferred */
    tfx_single(f, 0x02, 0, 4096, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    assert_int_equal(f->x.st.count, 4096);
    assert_int_equal(f->x.nsense, 0);
    i = tfx_single(f, 0x02, 0, 4096, NULL);                /* the next file */
    assert_int_equal(f->x.st.count, 4096 - 300);
    tfx_single(f, 0x02, 0, 4096, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    /* end of data: 0x08 / exactly 0x40 / ERA 0x31, residual = count */
    tfx_single(f, 0x02, 0, 4096, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 4096);
    expect_sense(f, 0x08, 0x40, 0x31);
    assert_int_equal(blockid(f), 5);                      /* nothing moved */
    tfx_free(f);
}

static void test_read_eod_at_load_point(void **state)
{
    struct tfx *f = mk();

    tfx_single(f, 0x02, 0, 512, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 512);
    expect_sense(f, 0x08, 0x40, 0x31);                    /* no load-point bit: Linux's EOF rule */
    tfx_free(f);
}

static void test_read_backward(void **state)
{
    struct tfx *f = mk_two_files();
    uint8_t want[100];

    zero_cmd(f, 0x37);                                    /* after block 0 */
    dfx_begin(&f->x);
    dfx_ccw_at(&f->x, 0x0C, 0, 100, DFX_DATA_AT + 99);    /* data address = last byte */
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    tfx_pattern(want, 100, 1);
    assert_memory_equal(f->x.mem + DFX_DATA_AT, want, 100);
    assert_int_equal(blockid(f), 0);
    dfx_begin(&f->x);
    dfx_ccw_at(&f->x, 0x0C, 0, 100, DFX_DATA_AT + 99);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x00, 0x48, 0x39);
    tfx_free(f);
}

static void test_space_block(void **state)
{
    struct tfx *f = mk_two_files();

    zero_cmd(f, 0x37);
    assert_int_equal(f->x.st.dstat, CE_DE);
    zero_cmd(f, 0x37);
    assert_int_equal(f->x.st.dstat, CE_DE);
    zero_cmd(f, 0x37);                                    /* over the tapemark */
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    assert_int_equal(blockid(f), 3);
    zero_cmd(f, 0x27);                                    /* back over it */
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    assert_int_equal(blockid(f), 2);
    zero_cmd(f, 0x37);
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    /* a repeated chain (mt bsr 3) stops at the tapemark */
    dfx_begin(&f->x);
    for (unsigned k = 0; k < 3; k++)
        tfx_zero(f, 0x27, CC);
    dfx_ccw_at(&f->x, 0x03, 0, 0, 0);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    assert_int_equal(dfx_last_ccw(&f->x), 0);
    assert_int_equal(blockid(f), 2);
    zero_cmd(f, 0x27);
    zero_cmd(f, 0x27);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(blockid(f), 0);
    zero_cmd(f, 0x27);                                    /* at load point */
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x00, 0x48, 0x39);
    /* forward to end of data */
    zero_cmd(f, 0x3F);
    zero_cmd(f, 0x3F);
    zero_cmd(f, 0x37);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x08, 0x40, 0x31);
    tfx_free(f);
}

static void test_space_file(void **state)
{
    struct tfx *f = mk_two_files();

    zero_cmd(f, 0x3F);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(blockid(f), 3);                      /* after the first tapemark */
    zero_cmd(f, 0x3F);
    assert_int_equal(blockid(f), 5);
    zero_cmd(f, 0x3F);                                    /* end of data */
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 0);
    expect_sense(f, 0x08, 0x40, 0x31);
    zero_cmd(f, 0x2F);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(blockid(f), 4);                      /* before (BOT side of) the last tapemark */
    zero_cmd(f, 0x2F);
    assert_int_equal(blockid(f), 2);
    zero_cmd(f, 0x2F);                                    /* no tapemark before: load point */
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x00, 0x48, 0x39);
    assert_int_equal(blockid(f), 0);
    tfx_free(f);
}

static void test_block_id_and_locate(void **state)
{
    struct tfx *f = mk_two_files();
    uint8_t bid[4] = { 0x01, 0x00, 0x00, 0x03 };
    static const uint8_t want[8] = { 0x01, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03 };

    tfx_single(f, 0x4F, 0, 4, bid);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 0);
    unsigned i = tfx_single(f, 0x22, 0, 8, NULL);
    assert_int_equal(f->x.st.count, 0);
    assert_memory_equal(dfx_data(&f->x, i), want, 8);
    tfx_single(f, 0x02, 0, 1000, NULL);                   /* block 3 is the 300-byte one */
    assert_int_equal(f->x.st.count, 700);
    /* format 2 (IDRC) is accepted, block 1 */
    uint8_t bid1[4] = { 0x01, 0x80, 0x00, 0x01 };
    tfx_single(f, 0x4F, 0, 4, bid1);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(blockid(f), 1);
    /* beyond the data: 0x10 / 0x40 / ERA 0x44, position unchanged */
    uint8_t far[4] = { 0x01, 0x00, 0x00, 0x09 };
    tfx_single(f, 0x4F, 0, 4, far);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x10, 0x40, 0x44);
    assert_int_equal(blockid(f), 1);
    /* format 3 is invalid */
    uint8_t fmt3[4] = { 0x01, 0xC0, 0x00, 0x01 };
    tfx_single(f, 0x4F, 0, 4, fmt3);
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    expect_sense(f, 0x80, 0x40, 0x29);
    tfx_free(f);
}

static void test_erase(void **state)
{
    struct tfx *f = mk_two_files();
    struct tfx_elem e[8];

    zero_cmd(f, 0x3F);                                    /* after the first file */
    dfx_begin(&f->x);
    tfx_zero(f, 0x17, CC);
    tfx_zero(f, 0x97, 0);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(tfx_aws(f, e, 8), 3);                /* 100, 200, TM */
    zero_cmd(f, 0x97);                                    /* DSE not after Erase Gap */
    assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
    assert_int_equal(f->x.sense[0], 0x80);
    tfx_free(f);
}

static void test_write_protected(void **state)
{
    struct tfx *f = mk_two_files();
    struct tfx_opts ro = { .readonly = true };
    char err[256];
    uint8_t blk[16] = { 0 };

    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), 0);
    assert_int_equal(tfx_load(f, &ro), 0);
    tfx_single(f, 0x01, 0, 16, blk);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 16);
    expect_sense(f, 0x80, 0x4A, 0x30);                    /* + load point */
    tfx_free(f);
}

static void test_write_protected_refuses(void **state)
{
    struct tfx *f = mk_two_files();
    struct tfx_opts ro = { .readonly = true };
    struct tfx_elem e[8];
    char err[256];
    uint8_t blk[16] = { 0 };

    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), 0);
    assert_int_equal(tfx_load(f, &ro), 0);
    zero_cmd(f, 0x37);
    tfx_single(f, 0x01, 0, 16, blk);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    expect_sense(f, 0x80, 0x42, 0x30);
    zero_cmd(f, 0x1F);
    expect_sense(f, 0x80, 0x42, 0x30);
    dfx_begin(&f->x);
    tfx_zero(f, 0x17, CC);
    tfx_zero(f, 0x97, 0);
    dfx_run(&f->x);
    expect_sense(f, 0x80, 0x42, 0x30);
    assert_int_equal(tfx_aws(f, e, 8), 5);                /* untouched */
    /* reading works */
    tfx_single(f, 0x02, 0, 400, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(f->x.st.count, 200);
    tfx_free(f);
}

static void test_empty_drive(void **state)
{
    struct tfx_opts o = { .empty = true };
    struct tfx *f = tfx_new(&o);
    static const uint8_t zero[11];
    static const uint8_t need[] = { 0x01, 0x02, 0x03, 0x07, 0x0C, 0x0F, 0x17, 0x1F, 0x22, 0x27,
                                    0x2F, 0x37, 0x3F, 0x43, 0x4F };

    for (size_t k = 0; k < sizeof(need); k++) {
        tfx_single(f, need[k], 0, 8, zero);
        assert_int_equal(f->x.st.dstat, DEV_STAT_UNIT_CHECK);
        expect_sense(f, 0x40, 0x40, 0x43);
    }
    tfx_single(f, 0xB7, 0, 11, zero);
    assert_int_equal(f->x.st.dstat, CE_DE);
    tfx_single(f, 0xE4, CCW_FLAG_SLI, 40, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    uint8_t mode = 0;
    tfx_single(f, 0xDB, 0, 1, &mode);
    assert_int_equal(f->x.st.dstat, CE_DE);
    struct tape3490_status st;
    tape3490_status(f->x.dev, &st);
    assert_false(st.loaded);
    tfx_free(f);
}

static void test_load_unload(void **state)
{
    struct tfx_opts o = { .empty = true };
    struct tfx *f = tfx_new(&o);
    struct tape3490_status st;
    char err[256];

    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), -ENOMEDIUM);
    assert_non_null(strstr(err, "no cartridge"));
    assert_int_equal(tfx_load(f, &o), 0);
    assert_int_equal(f->nattn, 1);
    assert_int_equal(f->attn[0], 0x85);                   /* attention + DE + UX */
    assert_true(f->attn_loaded);
    char other[160];
    snprintf(other, sizeof(other), "%s/other.aws", f->dir);
    assert_int_equal(tape_create(other, &(struct tape_create_opts){ .format = TAPE_AWS }, err,
                                 sizeof(err)), 0);
    struct tape *t2 = tape_open(other, &(struct tape_open_opts){ 0 }, err, sizeof(err));
    assert_non_null(t2);
    assert_int_equal(tape3490_load(f->x.dev, t2), -EBUSY);   /* a cartridge is in */
    assert_int_equal(tape_close(t2, err, sizeof(err)), 0);
    assert_int_equal(f->nattn, 1);
    tape3490_status(f->x.dev, &st);
    assert_true(st.loaded);
    assert_false(st.readonly);
    assert_string_equal(st.path, f->path);
    assert_int_equal(st.blockid, 0);
    assert_int_equal(st.format, TAPE_AWS);
    put_block(f, 10, 0);
    tape3490_status(f->x.dev, &st);
    assert_int_equal(st.blockid, 1);
    /* Synchronize: the blocks are on the file */
    zero_cmd(f, 0x43);
    assert_int_equal(f->x.st.dstat, CE_DE);
    /* not while a channel program runs on the drive */
    struct orb orb = { 0 };
    f->x.dev->ops->start(f->x.dev, &orb);
    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), -EBUSY);
    assert_non_null(strstr(err, "try again"));
    f->x.dev->ops->end(f->x.dev);
    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), 0);
    tape3490_status(f->x.dev, &st);
    assert_false(st.loaded);
    tfx_free(f);
}

static void test_rewind_unload(void **state)
{
    struct tfx *f = mk_two_files();
    struct tape3490_status st;

    zero_cmd(f, 0x3F);
    dfx_begin(&f->x);
    uint8_t mode = 0;
    dfx_ccw(&f->x, 0xDB, CC, 1, &mode);
    tfx_zero(f, 0x0F, CC);
    dfx_ccw_at(&f->x, 0x03, 0, 0, 0);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(&f->x), 1);
    expect_sense(f, 0x40, 0x42, 0x2B);
    assert_int_equal(f->x.sense[7], 0x22);
    tape3490_status(f->x.dev, &st);
    assert_false(st.loaded);
    zero_cmd(f, 0x03);                                    /* drive empty now */
    expect_sense(f, 0x40, 0x40, 0x43);
    tfx_free(f);
}

static void test_capacity(void **state)
{
    /* 6-byte headers: 4 x (6 + 1000) = 4024 bytes; warning within 1500 of 5000 */
    struct tfx_opts o = { .capacity = 5000, .eot_margin = 1500 };
    struct tfx *f = tfx_new(&o);
    struct tfx_elem e[16];
    uint8_t blk[1000];

    memset(blk, 0x5A, sizeof(blk));
    for (unsigned k = 0; k < 3; k++)
        put_block(f, 1000, k);
    tfx_single(f, 0x01, 0, 1000, blk);                    /* ends at 4024: early warning */
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    assert_int_equal(f->x.st.count, 0);
    assert_int_equal(tfx_aws(f, e, 16), 4);               /* it IS written */
    tfx_single(f, 0x01, 0, 1000, blk);                    /* would end at 5030: physical end */
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 1000);
    expect_sense(f, 0x10, 0x40, 0x38);
    assert_int_equal(tfx_aws(f, e, 16), 4);               /* not written */
    zero_cmd(f, 0x1F);                                    /* 4030: still fits, in warning */
    assert_int_equal(f->x.st.dstat, CE_DE_UX);
    tfx_single(f, 0x01, 0, 1000, blk);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    for (unsigned k = 0; k < 200; k++) {                  /* fill to the brim with tapemarks */
        zero_cmd(f, 0x1F);
        if (f->x.st.dstat & DEV_STAT_UNIT_CHECK)
            break;
        assert_int_equal(f->x.st.dstat, CE_DE_UX);
    }
    assert_int_equal(f->x.st.dstat, CE_DE_UC);            /* a tapemark that does not fit */
    expect_sense(f, 0x10, 0x44, 0x38);                    /* not Linux's "success" pair */
    tfx_free(f);
}

static void test_host_io_error(void **state)
{
    struct tfx *f = mk_two_files();

    /* the image shrinks behind the drive's back, inside the second block */
    assert_int_equal(truncate(f->path, 6 + 100 + 6 + 50), 0);
    tfx_single(f, 0x02, 0, 1000, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    tfx_single(f, 0x02, 0, 1000, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.st.count, 1000);
    expect_sense(f, 0x18, 0x40, 0x23);                    /* never a silent end of data */
    tfx_free(f);
}

static void test_retension_program(void **state)
{
    struct tfx *f = mk();
    enum chan_state s;

    for (unsigned k = 0; k < 40; k++) {                   /* 40 files */
        put_block(f, 80, k);
        put_tm(f);
    }
    zero_cmd(f, 0x07);
    uint8_t mode = 0;
    dfx_begin(&f->x);
    dfx_ccw(&f->x, 0xDB, CC, 1, &mode);
    tfx_zero(f, 0x3F, CC);
    dfx_ccw_at(&f->x, 0x03, CC, 0, 0);
    dfx_ccw_at(&f->x, 0x08, 0, 0, DFX_CCW_AT);
    s = dfx_run(&f->x);
    assert_int_equal(s, CHAN_DONE);
    assert_int_equal(f->x.st.cstat, 0);                   /* no program check */
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(&f->x), 1);             /* the FSF at end of data */
    expect_sense(f, 0x08, 0x40, 0x31);
    assert_int_equal(blockid(f), 80);
    /* a loop that never ends is still cut by the channel's CCW bound */
    dfx_begin(&f->x);
    dfx_ccw_at(&f->x, 0x03, CC, 0, 0);
    dfx_ccw_at(&f->x, 0x08, 0, 0, DFX_CCW_AT);
    s = dfx_run(&f->x);
    assert_int_equal(s, CHAN_DONE);
    assert_int_equal(f->x.st.cstat, SCHN_STAT_PROG_CHECK);
    tfx_free(f);
}

/* Every command code with odd counts, on a loaded and an empty drive: an
 * architected ending each time, sense after every unit check, and the tape
 * still usable. */
static void test_every_code(void **state)
{
    for (unsigned empty = 0; empty < 2; empty++) {
        struct tfx_opts o = { .empty = empty != 0 };
        struct tfx *f = mk_two_files_opts(&o);
        uint8_t junk[64];

        for (unsigned code = 0; code < 256; code++) {
            enum ccw_dir d = ccw_cmd_dir((uint8_t)code);
            if (d == CCW_DIR_INVALID || d == CCW_DIR_TIC || code == 0x0F)
                continue;
            for (unsigned k = 0; k < sizeof(junk); k++)
                junk[k] = (uint8_t)(code * 13 + k);
            tfx_single(f, (uint8_t)code, CCW_FLAG_SLI, (uint16_t)(code % 3 == 0 ? 1 : 64), junk);
            assert_int_equal(f->x.st.cstat & ~SCHN_STAT_INCORR_LEN, 0);
            if (f->x.st.dstat & DEV_STAT_UNIT_CHECK)
                assert_int_equal(f->x.nsense, 32);
            else
                assert_int_equal(f->x.st.dstat & (DEV_STAT_CHN_END | DEV_STAT_DEV_END), CE_DE);
        }
        zero_cmd(f, 0x07);
        if (!empty) {
            assert_int_equal(f->x.st.dstat, CE_DE);
            assert_int_equal(blockid(f), 0);
            put_block(f, 500, 9);
            zero_cmd(f, 0x07);
            tfx_single(f, 0x02, 0, 1000, NULL);
            assert_int_equal(f->x.st.count, 500);
        }
        tfx_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sense_id),
        cmocka_unit_test(test_path_group),
        cmocka_unit_test(test_medium_sense),
        cmocka_unit_test(test_assign_mode_set_display),
        cmocka_unit_test(test_write_lands_in_file),
        cmocka_unit_test(test_read_residuals),
        cmocka_unit_test(test_read_eod_at_load_point),
        cmocka_unit_test(test_read_backward),
        cmocka_unit_test(test_space_block),
        cmocka_unit_test(test_space_file),
        cmocka_unit_test(test_block_id_and_locate),
        cmocka_unit_test(test_erase),
        cmocka_unit_test(test_write_protected),
        cmocka_unit_test(test_write_protected_refuses),
        cmocka_unit_test(test_empty_drive),
        cmocka_unit_test(test_load_unload),
        cmocka_unit_test(test_rewind_unload),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_host_io_error),
        cmocka_unit_test(test_retension_program),
        cmocka_unit_test(test_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
