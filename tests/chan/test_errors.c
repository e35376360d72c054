// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program interpreter: program check and protection check for
 * invalid CCWs and for addresses the storage refuses, at every kind of
 * fetch (CCW, IDAW, data), with the CCW address and count the PoP defines;
 * TIC rules and the bound on runaway programs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void assert_check(struct fx *f, uint8_t cstat, uint32_t cpa)
{
    assert_int_equal(f->p.state, CHAN_DONE);
    assert_int_equal(f->p.status.cstat, cstat);
    assert_int_equal(f->p.status.cpa, cpa);
    assert_int_equal(f->dev.ends, 1);
}

/* The ORB's channel-program address is outside storage / not aligned. */
static void test_orb_cpa_invalid(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.cpa = FX_MEM_SIZE + 0x100;
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, FX_MEM_SIZE + 0x108);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    f = fx_new(true);
    f->orb.cpa = 0x1004;
    fx_ccw1(f, 0x1000, 0x03, 0, 1, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x100C);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);
}

/* Command chaining runs off the end of storage: the status names the
 * invalid CCW address + 8. */
static void test_sequential_ccw_fetch_invalid(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.cpa = FX_MEM_SIZE - 8;
    fx_ccw1(f, FX_MEM_SIZE - 8, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, FX_MEM_SIZE + 8);
    assert_int_equal(f->dev.ncalls, 1);
    fx_free(f);
}

/* An invalid or unaligned TIC target is reported at the TIC. */
static void test_tic_target_invalid(void **state)
{
    static const uint32_t target[] = { FX_MEM_SIZE, 0x2004 };
    for (int k = 0; k < 2; k++) {
        struct fx *f = fx_new(true);
        fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
        fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, target[k]);
        fx_run(f);
        assert_check(f, SCHN_STAT_PROG_CHECK, 0x1010);
        assert_int_equal(f->dev.ncalls, 1);
        fx_free(f);
    }
}

/* TIC to TIC: program check at the second TIC. */
static void test_tic_to_tic(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x2000);
    fx_ccw1(f, 0x2000, CCW_CMD_TIC, 0, 0, 0x3000);
    fx_ccw1(f, 0x3000, 0x03, 0, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x2008);
    assert_int_equal(f->dev.ncalls, 1);
    fx_free(f);
}

/* The CCW the ORB designates may not be a TIC (Linux's DASD recovery puts a
 * NOP in front for this reason). */
static void test_tic_first(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, CCW_CMD_TIC, 0, 0, 0x2000);
    fx_ccw1(f, 0x2000, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC, 0, 0);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x2000);
    fx_ccw1(f, 0x2000, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, 0, 0x2008);
    assert_int_equal(f->dev.ncalls, 2);
    fx_free(f);
}

/* A TIC inside a data chain continues the chain at its target. */
static void test_tic_in_data_chain(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x4000, "12", 2);
    memcpy(f->mem + 0x5000, "34", 2);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC, 0, 0);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x2000);
    fx_ccw1(f, 0x2000, 0x01, CCW_FLAG_CD, 2, 0x4000);
    fx_ccw1(f, 0x2008, CCW_CMD_TIC, 0, 0, 0x3000);
    fx_ccw1(f, 0x3000, 0x01, 0, 2, 0x5000);
    fx_run(f);
    assert_check(f, 0, 0x3008);
    assert_int_equal(f->dev.ncalls, 2);
    assert_memory_equal(f->dev.calls[1].data, "1234", 4);
    fx_free(f);
}

/* Format 1: xxxx1000 with nonzero high bits is not a TIC but a program
 * check; format 0 ignores those bits (0x18 is a TIC). */
static void test_tic_code_bits(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, 0x18, 0, 0, 0x2000);
    fx_ccw1(f, 0x2000, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1010);
    assert_int_equal(f->dev.ncalls, 1);
    fx_free(f);

    f = fx_new(false);
    fx_ccw0(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
    fx_ccw0(f, 0x1008, 0x18, 0, 0, 0x2000);
    fx_ccw0(f, 0x2000, 0x03, CCW_FLAG_SLI, 1, 0);
    fx_run(f);
    assert_check(f, 0, 0x2008);
    assert_int_equal(f->dev.ncalls, 2);
    fx_free(f);
}

/* "NOP; TIC *-8" loops forever on real hardware until halted; here it ends
 * with program check after CHAN_MAX_CCWS fetches. */
static void test_tic_loop_bound(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, CHAN_MAX_CCWS / 2);
    fx_free(f);
}

/* Invalid command codes xxxx0000. */
static void test_invalid_command_code(void **state)
{
    static const uint8_t codes[] = { 0x00, 0x10, 0xF0 };
    for (unsigned k = 0; k < sizeof(codes); k++) {
        struct fx *f = fx_new(true);
        fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
        fx_ccw1(f, 0x1008, codes[k], 0, 4, 0x2000);
        fx_run(f);
        assert_check(f, SCHN_STAT_PROG_CHECK, 0x1010);
        assert_int_equal(f->p.status.count, 4);
        assert_int_equal(f->dev.ncalls, 1);
        fx_free(f);
    }
}

/* Count 0 is invalid with data chaining (specifying or continuing it) and
 * in any format-0 CCW. */
static void test_count_zero_invalid(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 0, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, 0, 4, 0x3000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, 0, 0, 0x3000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1010);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    f = fx_new(false);
    fx_ccw0(f, 0x1000, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    fx_free(f);
}

/* MIDA flag (not supported) and format-1 data address bit 0. */
static void test_invalid_ccw_format(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_MIDA, 4, 0x2000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, 0, 4, 0x80002000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);
}

/* Data addresses outside storage: output is checked before the device
 * runs; input fails when the channel stores the data. */
static void test_data_addressing(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x01, 0, 16, FX_MEM_SIZE - 8);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CC, 16, FX_MEM_SIZE - 8);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->mem[FX_MEM_SIZE - 8], 0);
    fx_free(f);
}

/* IDAW fetch outside storage, and data through a valid IDAW outside it. */
static void test_idaw_addressing(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_IDA, 16, FX_MEM_SIZE);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_IDA, 3000, FX_MEM_SIZE - 4);
    fx_idaw1(f, FX_MEM_SIZE - 4, 0x20000); /* the 2nd IDAW is beyond the end */
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->mem[0x20000], fx_pattern(0));
    assert_int_equal(f->p.status.count, 3000 - 2048);
    fx_free(f);

    f = fx_new(true);
    f->orb.c64 = true;
    fx_ccw1(f, 0x1000, 0x01, CCW_FLAG_IDA, 16, 0x5000);
    fx_idaw2(f, 0x5000, 0x100000000ULL);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);
}

/* Protection: the storage refuses the CCW, the IDAW, or the data area. */
static void test_protection_everywhere(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI | CCW_FLAG_CC, 0, 0);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    f->fm.prot_lo = 0x1008;
    f->fm.prot_hi = 0x1010;
    fx_run(f);
    assert_check(f, SCHN_STAT_PROT_CHECK, 0x1010);
    assert_int_equal(f->dev.ncalls, 1);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_IDA, 16, 0x5000);
    fx_idaw1(f, 0x5000, 0x20000);
    f->fm.prot_lo = 0x5000;
    f->fm.prot_hi = 0x5004;
    fx_run(f);
    assert_check(f, SCHN_STAT_PROT_CHECK, 0x1008);
    assert_int_equal(f->mem[0x20000], 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, 0, 16, 0x2000);
    f->fm.prot_lo = 0x2008;
    f->fm.prot_hi = 0x2009;
    fx_run(f);
    assert_check(f, SCHN_STAT_PROT_CHECK, 0x1008);
    assert_int_equal(f->mem[0x2000], 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x01, 0, 16, 0x2000);
    f->fm.prot_lo = 0x2000;
    f->fm.prot_hi = 0x3000;
    fx_run(f);
    assert_check(f, SCHN_STAT_PROT_CHECK, 0x1008);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);
}

/* A data chain larger than the channel buffer is refused (implementation
 * limit, reported as program check at the CCW that overflows it). */
static void test_data_chain_too_long(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x01, CCW_FLAG_CD, 0xFFFF, 0x20000);
    fx_ccw1(f, 0x1008, 0x01, CCW_FLAG_CD, 0xFFFF, 0x20000);
    fx_ccw1(f, 0x1010, 0x01, CCW_FLAG_CD, 0xFFFF, 0x20000);
    fx_ccw1(f, 0x1018, 0x01, 0, 0xFFFF, 0x20000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1018);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    /* the CCW that overflows it is the last of the chain (no CD) */
    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 0xFFFF, 0x20000);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CD, 0xFFFF, 0x40000);
    fx_ccw1(f, 0x1010, 0x02, 0, 3, 0x60000);
    fx_run(f);
    assert_check(f, SCHN_STAT_PROG_CHECK, 0x1018);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);

    /* exactly the buffer size is fine */
    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 0xFFFF, 0x20000);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CD, 0xFFFF, 0x40000);
    fx_ccw1(f, 0x1010, 0x02, 0, 2, 0x60000);
    fx_run(f);
    assert_check(f, 0, 0x1018);
    assert_int_equal(f->dev.calls[0].count, CHAN_IOBUF_SIZE);
    assert_int_equal(f->mem[0x60001], fx_pattern(CHAN_IOBUF_SIZE - 1));
    fx_free(f);
}

/* The ORB's storage key reaches every storage access (CCW, IDAW, data), so
 * an accessor that checks keys can refuse a mismatch with protection check. */
struct keyed {
    struct chan_mem inner;
    uint8_t seen_min, seen_max;
    unsigned accesses;
};

static int keyed_read(void *opaque, uint64_t addr, void *buf, uint32_t len, uint8_t key)
{
    struct keyed *k = opaque;
    k->accesses++;
    if (key < k->seen_min) k->seen_min = key;
    if (key > k->seen_max) k->seen_max = key;
    return k->inner.read(k->inner.opaque, addr, buf, len, key);
}

static int keyed_write(void *opaque, uint64_t addr, const void *buf, uint32_t len, uint8_t key)
{
    struct keyed *k = opaque;
    k->accesses++;
    if (key < k->seen_min) k->seen_min = key;
    if (key > k->seen_max) k->seen_max = key;
    return k->inner.write(k->inner.opaque, addr, buf, len, key);
}

static void test_storage_key_passed(void **state)
{
    struct fx *f = fx_new(true);
    struct keyed k = { .inner = f->cm, .seen_min = 0xFF, .seen_max = 0 };
    f->cm = (struct chan_mem){ .opaque = &k, .read = keyed_read, .write = keyed_write };
    f->orb.key = 9;
    f->orb.c64 = true;
    memcpy(f->mem + 0x20000, "data", 4);
    fx_ccw1(f, 0x1000, 0x01, CCW_FLAG_CC | CCW_FLAG_IDA, 4, 0x5000);
    fx_idaw2(f, 0x5000, 0x20000);
    fx_ccw1(f, 0x1008, 0x02, 0, 4, 0x3000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_memory_equal(f->dev.calls[0].data, "data", 4);
    assert_int_equal(k.accesses, 5); /* 2 CCWs, 1 IDAW, 1 fetch, 1 store */
    assert_int_equal(k.seen_min, 9);
    assert_int_equal(k.seen_max, 9);
    fx_free(f);
}

/* The flat accessor itself: bounds without overflow, protected range. */
static void test_flat_accessor_bounds(void **state)
{
    uint8_t base[64] = { 0 }, buf[16];
    struct chan_flatmem fm;
    struct chan_mem m;

    chan_mem_flat_init(&m, &fm, base, sizeof(base));
    assert_int_equal(m.read(m.opaque, 48, buf, 16, 0), CHAN_MEM_OK);
    assert_int_equal(m.read(m.opaque, 49, buf, 16, 0), CHAN_MEM_ADDRESSING);
    assert_int_equal(m.read(m.opaque, UINT64_MAX - 4, buf, 16, 0), CHAN_MEM_ADDRESSING);
    assert_int_equal(m.write(m.opaque, 64, buf, 0, 0), CHAN_MEM_ADDRESSING);
    assert_int_equal(m.write(m.opaque, 63, "x", 1, 0), CHAN_MEM_OK);
    assert_int_equal(base[63], 'x');
    fm.prot_lo = 8;
    fm.prot_hi = 16;
    assert_int_equal(m.write(m.opaque, 0, buf, 8, 0), CHAN_MEM_OK);
    assert_int_equal(m.write(m.opaque, 4, buf, 5, 0), CHAN_MEM_PROTECTION);
    assert_int_equal(m.read(m.opaque, 15, buf, 1, 0), CHAN_MEM_PROTECTION);
    assert_int_equal(m.read(m.opaque, 16, buf, 1, 0), CHAN_MEM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orb_cpa_invalid),
        cmocka_unit_test(test_sequential_ccw_fetch_invalid),
        cmocka_unit_test(test_tic_target_invalid),
        cmocka_unit_test(test_tic_to_tic),
        cmocka_unit_test(test_tic_first),
        cmocka_unit_test(test_tic_in_data_chain),
        cmocka_unit_test(test_tic_code_bits),
        cmocka_unit_test(test_tic_loop_bound),
        cmocka_unit_test(test_invalid_command_code),
        cmocka_unit_test(test_count_zero_invalid),
        cmocka_unit_test(test_invalid_ccw_format),
        cmocka_unit_test(test_data_addressing),
        cmocka_unit_test(test_idaw_addressing),
        cmocka_unit_test(test_protection_everywhere),
        cmocka_unit_test(test_data_chain_too_long),
        cmocka_unit_test(test_storage_key_passed),
        cmocka_unit_test(test_flat_accessor_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
