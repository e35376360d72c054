// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program interpreter: indirect data addressing in all three IDAW
 * formats, read backward (direct and with IDA), and skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

enum idaw_fmt { FMT1_2K, FMT2_2K, FMT2_4K };

static void set_fmt(struct fx *f, enum idaw_fmt m)
{
    f->orb.c64 = m != FMT1_2K;
    f->orb.i2k = m == FMT2_2K;
}

static void put_idaw(struct fx *f, enum idaw_fmt m, uint64_t idal, unsigned i, uint64_t addr)
{
    if (m == FMT1_2K)
        fx_idaw1(f, idal + 4 * i, (uint32_t)addr);
    else
        fx_idaw2(f, idal + 8 * i, addr);
}

/* Read 3000 bytes through 3 IDAWs with 2 KiB blocks: the first designates
 * the last 256 bytes of a block, the next ones whole blocks. */
static void check_read_2k(enum idaw_fmt m)
{
    struct fx *f = fx_new(true);
    set_fmt(f, m);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 3000, 0x5000);
    put_idaw(f, m, 0x5000, 0, 0x20700);
    put_idaw(f, m, 0x5000, 1, 0x30000);
    put_idaw(f, m, 0x5000, 2, 0x40800);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 0);
    assert_int_equal(f->p.status.cpa, 0x1008);
    assert_int_equal(f->mem[0x20700], fx_pattern(0));
    assert_int_equal(f->mem[0x207FF], fx_pattern(255));
    assert_int_equal(f->mem[0x20800], 0);
    assert_int_equal(f->mem[0x30000], fx_pattern(256));
    assert_int_equal(f->mem[0x307FF], fx_pattern(2303));
    assert_int_equal(f->mem[0x30800], 0);
    assert_int_equal(f->mem[0x40800], fx_pattern(2304));
    assert_int_equal(f->mem[0x40800 + 695], fx_pattern(2999));
    assert_int_equal(f->mem[0x40800 + 696], 0);
    fx_free(f);
}

static void test_ida_fmt1_2k(void **state) { check_read_2k(FMT1_2K); }
static void test_ida_fmt2_2k(void **state) { check_read_2k(FMT2_2K); }

/* Format-2 IDAWs with 4 KiB blocks: 5000 bytes over 3 IDAWs. */
static void test_ida_fmt2_4k(void **state)
{
    struct fx *f = fx_new(true);
    set_fmt(f, FMT2_4K);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 5000, 0x5000);
    fx_idaw2(f, 0x5000, 0x20F00);
    fx_idaw2(f, 0x5008, 0x30000);
    fx_idaw2(f, 0x5010, 0x50000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->mem[0x20FFF], fx_pattern(255));
    assert_int_equal(f->mem[0x21000], 0);
    assert_int_equal(f->mem[0x30000], fx_pattern(256));
    assert_int_equal(f->mem[0x30FFF], fx_pattern(4351));
    assert_int_equal(f->mem[0x50000], fx_pattern(4352));
    assert_int_equal(f->mem[0x50000 + 647], fx_pattern(4999));
    assert_int_equal(f->mem[0x50000 + 648], 0);
    fx_free(f);
}

/* Output through IDA: the device sees the blocks concatenated. */
static void test_ida_write_gather(void **state)
{
    struct fx *f = fx_new(true);
    set_fmt(f, FMT2_4K);
    memcpy(f->mem + 0x21FFE, "ab", 2);
    memcpy(f->mem + 0x33000, "cdef", 4);
    fx_ccw1(f, 0x1000, 0x05, CCW_FLAG_IDA, 6, 0x5000);
    fx_idaw2(f, 0x5000, 0x21FFE);
    fx_idaw2(f, 0x5008, 0x33000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->dev.calls[0].count, 6);
    assert_memory_equal(f->dev.calls[0].data, "abcdef", 6);
    assert_int_equal(f->p.status.cstat, 0);
    fx_free(f);
}

/* A later IDAW not designating the start of a block: program check at the
 * CCW.  4K format: 2K alignment is not enough. */
static void test_ida_unaligned_later_idaw(void **state)
{
    static const uint64_t bad[] = { 0x30010, 0x30010, 0x30800 };
    for (int m = FMT1_2K; m <= FMT2_4K; m++) {
        struct fx *f = fx_new(true);
        set_fmt(f, (enum idaw_fmt)m);
        fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
        fx_ccw1(f, 0x1008, 0x06, CCW_FLAG_IDA, 3000, 0x5000);
        put_idaw(f, (enum idaw_fmt)m, 0x5000, 0, 0x20700);
        put_idaw(f, (enum idaw_fmt)m, 0x5000, 1, bad[m]);
        assert_int_equal(fx_run(f), CHAN_DONE);
        assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
        assert_int_equal(f->p.status.cpa, 0x1010);
        assert_int_equal(f->mem[bad[m]], 0);
        fx_free(f);
    }
}

/* The IDAL must be word aligned (format 1) / doubleword aligned (format 2). */
static void test_ida_list_alignment(void **state)
{
    struct fx *f = fx_new(true);
    set_fmt(f, FMT1_2K);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 16, 0x5004); /* word aligned: fine */
    fx_idaw1(f, 0x5004, 0x20000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->mem[0x20000], fx_pattern(0));
    fx_free(f);

    f = fx_new(true);
    set_fmt(f, FMT1_2K);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 16, 0x5002);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_free(f);

    f = fx_new(true);
    set_fmt(f, FMT2_4K);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 16, 0x5004);
    fx_idaw2(f, 0x5004, 0x20000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->mem[0x20000], 0);
    fx_free(f);
}

/* A format-1 IDAW is a 31-bit address: bit 0 set is a program check. */
static void test_ida_fmt1_bit0(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA, 16, 0x5000);
    fx_idaw1(f, 0x5000, 0x80020000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_free(f);
}

/* Read backward, direct: the address designates the last byte, the first
 * byte received goes there and the rest in descending order. */
static void test_read_backward_direct(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x0C, 0, 8, 0x2007);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.calls[0].code, 0x0C);
    for (int i = 0; i < 8; i++)
        assert_int_equal(f->mem[0x2007 - i], fx_pattern(i));
    assert_int_equal(f->mem[0x2008], 0);
    assert_int_equal(f->mem[0x1FFF], 0);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);
}

/* Read backward with format-1 IDAWs: later IDAWs designate the last byte of
 * a block; the first covers from its byte down to the start of its block. */
static void test_read_backward_ida(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x0C, CCW_FLAG_IDA, 3000, 0x5000);
    fx_idaw1(f, 0x5000, 0x20100);
    fx_idaw1(f, 0x5004, 0x307FF);
    fx_idaw1(f, 0x5008, 0x40FFF);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->mem[0x20100], fx_pattern(0));
    assert_int_equal(f->mem[0x20000], fx_pattern(256));
    assert_int_equal(f->mem[0x20101], 0);
    assert_int_equal(f->mem[0x307FF], fx_pattern(257));
    assert_int_equal(f->mem[0x30000], fx_pattern(2304));
    assert_int_equal(f->mem[0x40FFF], fx_pattern(2305));
    assert_int_equal(f->mem[0x40D49], fx_pattern(2999));
    assert_int_equal(f->mem[0x40D48], 0);
    fx_free(f);

    /* a later IDAW designating the first byte of a block is invalid here */
    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x0C, CCW_FLAG_IDA, 3000, 0x5000);
    fx_idaw1(f, 0x5000, 0x20100);
    fx_idaw1(f, 0x5004, 0x30000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    fx_free(f);
}

/* Skip: the device runs, nothing is stored, the count is used up; the data
 * address is not used at all (here it is outside storage). */
static void test_skip(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_SKIP | CCW_FLAG_CC, 16, 0x2000);
    fx_ccw1(f, 0x1008, 0x04, CCW_FLAG_SKIP | CCW_FLAG_CC, 32, 0x7FFFFF00);
    fx_ccw1(f, 0x1010, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 3);
    assert_int_equal(f->dev.calls[0].count, 16);
    assert_int_equal(f->dev.calls[1].count, 32);
    for (int i = 0; i < 16; i++)
        assert_int_equal(f->mem[0x2000 + i], 0);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.cpa, 0x1018);
    fx_free(f);
}

/* Skip on the first CCW of a data chain only: its share is discarded, the
 * rest of the record lands in the second area. */
static void test_skip_in_data_chain(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_SKIP | CCW_FLAG_CD, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, 0, 4, 0x3000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.calls[0].count, 8);
    assert_int_equal(f->mem[0x2000], 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(f->mem[0x3000 + i], fx_pattern(4 + i));
    assert_int_equal(f->p.status.count, 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    fx_free(f);
}

/* Skip has no meaning for output: a write still sends its data. */
static void test_skip_ignored_on_write(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x2000, "xyz", 3);
    fx_ccw1(f, 0x1000, 0x01, CCW_FLAG_SKIP, 3, 0x2000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_memory_equal(f->dev.calls[0].data, "xyz", 3);
    fx_free(f);
}

/* Format-0 CCWs with IDA (24-bit IDAL address, format-1 IDAWs), and IDA
 * on every CCW of a data chain, each with its own IDAL. */
static void test_ida_fmt0_data_chain(void **state)
{
    struct fx *f = fx_new(false);
    fx_ccw0(f, 0x1000, 0x02, CCW_FLAG_IDA | CCW_FLAG_CD, 2100, 0x5000);
    fx_ccw0(f, 0x1008, 0x02, CCW_FLAG_IDA, 100, 0x5100);
    fx_idaw1(f, 0x5000, 0x207F0);  /* 16 bytes here, then a whole block */
    fx_idaw1(f, 0x5004, 0x30000);
    fx_idaw1(f, 0x5008, 0x40000);  /* 36 bytes */
    fx_idaw1(f, 0x5100, 0x60010);  /* the 2nd CCW: 100 bytes */
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.calls[0].count, 2200);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->mem[0x207FF], fx_pattern(15));
    assert_int_equal(f->mem[0x30000], fx_pattern(16));
    assert_int_equal(f->mem[0x307FF], fx_pattern(2063));
    assert_int_equal(f->mem[0x40000], fx_pattern(2064));
    assert_int_equal(f->mem[0x40023], fx_pattern(2099));
    assert_int_equal(f->mem[0x40024], 0);
    assert_int_equal(f->mem[0x60010], fx_pattern(2100));
    assert_int_equal(f->mem[0x60010 + 99], fx_pattern(2199));
    assert_int_equal(f->mem[0x60010 + 100], 0);
    fx_free(f);
}

/* IDAWs are fetched only for the blocks the transfer reaches: a short
 * record never touches the (invalid) third IDAW. */
static void test_ida_fetch_only_needed(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_IDA | CCW_FLAG_SLI, 6000, 0x5000);
    fx_idaw1(f, 0x5000, 0x20000);
    fx_idaw1(f, 0x5004, 0x20800);
    fx_idaw1(f, 0x5008, 0x12345);   /* would be a program check */
    fx_respond(f, 0, 4000, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 2000);
    assert_int_equal(f->mem[0x20000 + 3999], fx_pattern(3999));
    assert_int_equal(f->mem[0x20000 + 4000], 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ida_fmt1_2k),
        cmocka_unit_test(test_ida_fmt2_2k),
        cmocka_unit_test(test_ida_fmt2_4k),
        cmocka_unit_test(test_ida_write_gather),
        cmocka_unit_test(test_ida_unaligned_later_idaw),
        cmocka_unit_test(test_ida_list_alignment),
        cmocka_unit_test(test_ida_fmt1_bit0),
        cmocka_unit_test(test_read_backward_direct),
        cmocka_unit_test(test_read_backward_ida),
        cmocka_unit_test(test_skip),
        cmocka_unit_test(test_skip_in_data_chain),
        cmocka_unit_test(test_skip_ignored_on_write),
        cmocka_unit_test(test_ida_fmt0_data_chain),
        cmocka_unit_test(test_ida_fetch_only_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
