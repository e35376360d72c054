// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adapter's region byte order against two independent sources: QEMU's
 * host-order structs (include/hw/s390x/ioinst.h masks, written out by hand
 * here) and the architecture encoders of src/arch.  If these agree, an ORB
 * QEMU builds reaches the daemon as the architecture says, and the SCHIB,
 * CRW and IRB the daemon produces reach QEMU the way hw/vfio/ccw.c reads them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "arch/cio.h"
#include "qemu/byteorder.h"

/* Little-endian host-order stores, as QEMU on x86 lays out its packed structs. */
static void h16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void h32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint16_t g16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t g32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t g64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* QEMU's ORB: format-1, prefetch, 64-bit IDAWs, key 3, LPM 0x80, ILS. */
static void qemu_orb(uint8_t *p)
{
    h32(p, 0x11223344);
    h16(p + 4, 0x3000 | 0x0080 | 0x0040 | 0x0002);  /* KEY | FMT | PFCH | C64 */
    p[6] = 0x80;                                    /* lpm */
    p[7] = 0x80;                                    /* ctrl1: ILS */
    h32(p + 8, 0x00012340);
}

static void arch_orb(uint8_t *p)
{
    struct orb o = { .intparm = 0x11223344, .key = 3, .fmt = true, .pfch = true, .c64 = true,
                     .lpm = 0x80, .ils = true, .cpa = 0x00012340 };
    orb_encode(&o, p);
}

static void test_io_write_orb_scsw_to_arch(void **state)
{
    uint8_t q[124] = { 0 }, want[ORB_SIZE + SCSW_SIZE];
    struct scsw s = { .key = 3, .fmt = true, .pfch = true, .fctl = SCSW_FCTL_START,
                      .actl = SCSW_ACTL_START_PEND, .cpa = 0x12348, .dstat = 0x0c, .count = 0x0102 };
    qemu_orb(q);
    h16(q + 12, 0x3000 | 0x0080 | 0x0040);          /* SCSW flags: KEY | FMT | PFCH */
    h16(q + 14, 0x4000 | 0x0400);                   /* ctrl: START_FUNC | START_PEND */
    h32(q + 16, 0x12348);
    q[20] = 0x0c;
    h16(q + 22, 0x0102);
    arch_orb(want);
    scsw_encode(&s, want + ORB_SIZE);
    ccwq_region_to_arch(CCWQ_REGION_IO, q, 0, sizeof q);
    assert_memory_equal(q, want, sizeof want);
}

static void test_io_read_leaves_irb_in_arch_order(void **state)
{
    uint8_t r[124], irbb[IRB_SIZE];
    struct irb irb = { .scsw = { .fctl = SCSW_FCTL_START, .stctl = SCSW_STCTL_PRIM | SCSW_STCTL_SEC |
                                 SCSW_STCTL_PEND, .cpa = 0x1010, .dstat = 0x0c, .count = 7 },
                       .esw = { .lpum = 0x80, .scnt = 24 } };
    irb.ecw[0] = 0x10;
    irb_encode(&irb, irbb);
    memset(r, 0, sizeof r);
    arch_orb(r);
    memcpy(r + 24, irbb, sizeof irbb);
    be32_put(r + 120, (uint32_t)-16);               /* ret_code -EBUSY */
    ccwq_region_to_host(CCWQ_REGION_IO, r, 0, sizeof r);
    assert_memory_equal(r + 24, irbb, sizeof irbb); /* QEMU converts the IRB itself */
    assert_int_equal(g32(r), 0x11223344);
    assert_int_equal(g16(r + 4), 0x30c2);
    assert_int_equal(g32(r + 8), 0x00012340);
    assert_int_equal((int32_t)g32(r + 120), -16);
}

static void test_schib_read_as_qemu_sees_it(void **state)
{
    struct schib s = { .pmcw = { .intparm = 0xcafe0001, .isc = 3, .ena = true, .dnv = true, .dev = 0x1234,
                                 .lpm = 0x80, .pnom = 0x40, .lpum = 0x80, .pim = 0x80, .mbi = 0x0203,
                                 .pom = 0xff, .pam = 0x80, .chpid = { 0x50 }, .csense = true },
                       .scsw = { .pno = true, .cc = 1, .cpa = 0x4000, .count = 9 }, .mba = 0x1122334455667788ull };
    uint8_t b[SCHIB_SIZE];
    schib_encode(&s, b);
    ccwq_region_to_host(CCWQ_REGION_SCHIB, b, 0, sizeof b);
    assert_int_equal(g32(b), 0xcafe0001);
    assert_int_equal(g16(b + 4), 0x1800 | 0x0080 | 0x0001);     /* ISC 3 | ENA | DNV */
    assert_int_equal(g16(b + 6), 0x1234);
    assert_int_equal(b[9], 0x40);                               /* pnom, lpum, pam, pom: bytes */
    assert_int_equal(b[10], 0x80);
    assert_int_equal(b[14], 0xff);
    assert_int_equal(b[15], 0x80);
    assert_int_equal(g16(b + 12), 0x0203);
    assert_int_equal(b[16], 0x50);
    assert_int_equal(g32(b + 24) & 0x00000001, 1);              /* PMCW_CHARS_MASK_CSENSE */
    assert_int_equal(g16(b + 28) & 0x0001, 1);                  /* SCSW_FLAGS_MASK_PNO */
    assert_int_equal(g16(b + 28) & 0x0300, 0x0100);             /* cc 1 */
    assert_int_equal(g32(b + 32), 0x4000);
    assert_int_equal(g16(b + 38), 9);
    assert_true(g64(b + 40) == 0x1122334455667788ull);
}

static void test_crw_is_two_halfwords(void **state)
{
    struct crw c = { .rsc = CRW_RSC_CPATH, .erc = CRW_ERC_INIT, .rsid = 0x0050 };
    uint8_t b[8] = { 0 };
    be32_put(b, crw_encode(&c));
    ccwq_region_to_host(CCWQ_REGION_CRW, b, 0, sizeof b);
    assert_int_equal(g16(b), 0x0402);               /* QEMU CRW.flags: RSC << 8 | ERC */
    assert_int_equal(g16(b + 2), 0x0050);           /* QEMU CRW.rsid */
}

static void test_async_command_word(void **state)
{
    uint8_t b[8];
    h32(b, 1);                                      /* VFIO_CCW_ASYNC_CMD_HSCH */
    h32(b + 4, 0);
    ccwq_region_to_arch(CCWQ_REGION_ASYNC, b, 0, sizeof b);
    assert_int_equal(be32_get(b), 1);
    be32_put(b + 4, (uint32_t)-19);
    ccwq_region_to_host(CCWQ_REGION_ASYNC, b, 0, sizeof b);
    assert_int_equal((int32_t)g32(b + 4), -19);
}

static void test_partial_window_swaps_whole_fields_only(void **state)
{
    uint8_t scsw[12], want[12], half[2] = { 0x12, 0x34 };
    struct scsw s = { .fctl = SCSW_FCTL_START, .cpa = 0xabcdef, .count = 0x0405 };
    scsw_encode(&s, want);
    h16(scsw, 0);
    h16(scsw + 2, 0x4000);
    h32(scsw + 4, 0xabcdef);
    scsw[8] = scsw[9] = 0;
    h16(scsw + 10, 0x0405);
    ccwq_region_to_arch(CCWQ_REGION_IO, scsw, 12, sizeof scsw);    /* just the scsw_area */
    assert_memory_equal(scsw, want, sizeof want);
    ccwq_region_to_arch(CCWQ_REGION_IO, half, 3, sizeof half);     /* splits intparm and ctrl0 */
    assert_int_equal(half[0], 0x12);
    assert_int_equal(half[1], 0x34);
}

static void test_other_regions_untouched(void **state)
{
    uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, c[8];
    memcpy(c, b, sizeof b);
    ccwq_region_to_host(CCWQ_REGION_OTHER, b, 0, sizeof b);
    assert_memory_equal(b, c, sizeof b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_io_write_orb_scsw_to_arch),
        cmocka_unit_test(test_io_read_leaves_irb_in_arch_order),
        cmocka_unit_test(test_schib_read_as_qemu_sees_it),
        cmocka_unit_test(test_crw_is_two_halfwords),
        cmocka_unit_test(test_async_command_word),
        cmocka_unit_test(test_partial_window_swaps_whole_fields_only),
        cmocka_unit_test(test_other_regions_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
