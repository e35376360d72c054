// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the channel-I/O formats (src/arch/cio.c) against byte images
 * assembled by hand from the PoP field layouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/cio.h"

/* key 0, F, P, H, LPM 0x80, CPA 0x1000 */
static const uint8_t orb_fmt1_c64[ORB_SIZE] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0xC2, 0x80, 0x00, 0x00, 0x00, 0x10, 0x00,
};

static void test_orb_decode_vector(void **state)
{
    struct orb o;
    orb_decode(orb_fmt1_c64, &o);
    assert_int_equal(o.key, 0);
    assert_true(o.fmt);
    assert_true(o.pfch);
    assert_true(o.c64);
    assert_false(o.i2k);
    assert_false(o.spnd);
    assert_false(o.tm);
    assert_int_equal(o.lpm, 0x80);
    assert_int_equal(o.cpa, 0x1000);
    assert_int_equal(orb_check(orb_fmt1_c64), 0);
}

static void test_orb_encode_vector(void **state)
{
    struct orb o = { .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = 0x1000 };
    uint8_t p[ORB_SIZE];
    orb_encode(&o, p);
    assert_memory_equal(p, orb_fmt1_c64, ORB_SIZE);
}

/* Every flag in its own bit: intparm 0x12345678, key 9, S C M Y F P I A U B H T,
 * LPM 0xF0, L, D, X, CPA 0x7FFFFFF8. */
static void test_orb_all_bits(void **state)
{
    static const uint8_t want[ORB_SIZE] = {
        0x12, 0x34, 0x56, 0x78, 0x9F, 0xFF, 0xF0, 0xC1, 0x7F, 0xFF, 0xFF, 0xF8,
    };
    struct orb o;
    uint8_t p[ORB_SIZE];
    orb_decode(want, &o);
    assert_int_equal(o.intparm, 0x12345678);
    assert_int_equal(o.key, 9);
    assert_true(o.spnd && o.str && o.mod && o.sync && o.fmt && o.pfch && o.isic);
    assert_true(o.alcc && o.ssic && o.tm && o.c64 && o.i2k && o.ils && o.midaw && o.orbx);
    assert_int_equal(o.lpm, 0xF0);
    orb_encode(&o, p);
    assert_memory_equal(p, want, ORB_SIZE);
    assert_int_equal(orb_check(want), 0);
}

static void test_orb_reserved_bits(void **state)
{
    for (int bit = 26; bit <= 30; bit++) {
        uint8_t p[ORB_SIZE];
        memcpy(p, orb_fmt1_c64, ORB_SIZE);
        be32_put(p + 4, be32_get(p + 4) | (UINT32_C(1) << (31 - bit)));
        assert_int_equal(orb_check(p), -1);
    }
    uint8_t p[ORB_SIZE];
    memcpy(p, orb_fmt1_c64, ORB_SIZE);
    p[8] |= 0x80; /* CPA bit 0 */
    assert_int_equal(orb_check(p), -1);
}

static void test_ccw_formats(void **state)
{
    static const uint8_t c1[CCW_SIZE] = { 0x02, 0x60, 0x00, 0x18, 0x00, 0x00, 0x20, 0x00 };
    static const uint8_t c0[CCW_SIZE] = { 0x02, 0x00, 0x20, 0x00, 0x60, 0x00, 0x00, 0x18 };
    struct ccw1 a, b;
    uint8_t p[CCW_SIZE];

    ccw1_decode(c1, &a);
    assert_int_equal(a.cmd, 0x02);
    assert_int_equal(a.flags, CCW_FLAG_CC | CCW_FLAG_SLI);
    assert_int_equal(a.count, 24);
    assert_int_equal(a.cda, 0x2000);
    ccw0_decode(c0, &b);
    assert_memory_equal(&a, &b, sizeof(a));
    ccw0_encode(&a, p);
    assert_memory_equal(p, c0, CCW_SIZE);
    ccw1_encode(&b, p);
    assert_memory_equal(p, c1, CCW_SIZE);
}

static void test_ccw0_24bit(void **state)
{
    struct ccw1 c = { .cmd = 0x01, .flags = 0, .count = 1, .cda = 0x7F123456 };
    uint8_t p[CCW_SIZE];
    ccw0_encode(&c, p);
    assert_int_equal(p[0], 0x01);
    assert_int_equal(p[1], 0x12);
    assert_int_equal(p[5], 0x00);
    ccw0_decode(p, &c);
    assert_int_equal(c.cda, 0x123456);
}

static void test_ccw_dir(void **state)
{
    assert_int_equal(ccw_cmd_dir(0x00), CCW_DIR_INVALID);
    assert_int_equal(ccw_cmd_dir(0xF0), CCW_DIR_INVALID);
    assert_int_equal(ccw_cmd_dir(0x05), CCW_DIR_WRITE);
    assert_int_equal(ccw_cmd_dir(0x06), CCW_DIR_READ);
    assert_int_equal(ccw_cmd_dir(0x03), CCW_DIR_CONTROL);
    assert_int_equal(ccw_cmd_dir(0x63), CCW_DIR_CONTROL);
    assert_int_equal(ccw_cmd_dir(0x04), CCW_DIR_SENSE);
    assert_int_equal(ccw_cmd_dir(0xE4), CCW_DIR_SENSE);
    assert_int_equal(ccw_cmd_dir(0x08), CCW_DIR_TIC);
    assert_int_equal(ccw_cmd_dir(0x0C), CCW_DIR_READ_BACKWARD);
    assert_true(ccw_is_tic(0x08, true));
    assert_false(ccw_is_tic(0x18, true));
    assert_true(ccw_is_tic(0x18, false));
    assert_false(ccw_is_tic(0x0C, false));
}

static void test_idaw(void **state)
{
    uint8_t p4[IDAW1_SIZE], p8[IDAW2_SIZE];
    static const uint8_t w4[] = { 0x00, 0x01, 0x08, 0x00 };
    static const uint8_t w8[] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00 };
    idaw1_encode(0x10800, p4);
    assert_memory_equal(p4, w4, 4);
    assert_int_equal(idaw1_decode(w4), 0x10800);
    idaw2_encode(0x100001000ULL, p8);
    assert_memory_equal(p8, w8, 8);
    assert_true(idaw2_decode(w8) == 0x100001000ULL);
    assert_int_equal(idaw_count(0x1000, 0, IDAW_BLK_2K), 1);
    assert_int_equal(idaw_count(0x1000, 2048, IDAW_BLK_2K), 1);
    assert_int_equal(idaw_count(0x1001, 2048, IDAW_BLK_2K), 2);
    assert_int_equal(idaw_count(0x17FF, 2, IDAW_BLK_2K), 2);
    assert_int_equal(idaw_count(0x1000, 4096, IDAW_BLK_4K), 1);
    assert_int_equal(idaw_count(0x1800, 4096, IDAW_BLK_4K), 2);
    assert_int_equal(idaw_count(0x1800, 4096, IDAW_BLK_2K), 2);
    assert_int_equal(idaw_count(0x1801, 4096, IDAW_BLK_2K), 3);
}

/* Normal end as QEMU expects it: start function, primary + secondary +
 * status pending (control halfword 0x4007), CE+DE, CPA past the last CCW. */
static void test_scsw_normal_end(void **state)
{
    static const uint8_t want[SCSW_SIZE] = {
        0x00, 0xC0, 0x40, 0x07, 0x00, 0x00, 0x10, 0x18, 0x0C, 0x00, 0x00, 0x00,
    };
    struct scsw s = { .fmt = true, .pfch = true, .fctl = SCSW_FCTL_START,
                      .stctl = SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND,
                      .cpa = 0x1018, .dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END };
    uint8_t p[SCSW_SIZE];
    struct scsw d;
    scsw_encode(&s, p);
    assert_memory_equal(p, want, SCSW_SIZE);
    scsw_decode(want, &d);
    assert_memory_equal(&d, &s, sizeof(s));
}

static void test_scsw_fields(void **state)
{
    /* key 3, S, L, cc 2, Z, E, N; FC halt; AC suspended|schact; SC alert|pend;
     * CPA; dstat UC; cstat PROG_CHECK; count 0x1234 */
    static const uint8_t want[SCSW_SIZE] = {
        0x3E, 0x07, 0x20, 0xB1, 0x00, 0x00, 0x20, 0x08, 0x02, 0x20, 0x12, 0x34,
    };
    struct scsw s;
    uint8_t p[SCSW_SIZE];
    scsw_decode(want, &s);
    assert_int_equal(s.key, 3);
    assert_true(s.sctl && s.eswf && s.zcc && s.ectl && s.pno);
    assert_int_equal(s.cc, 2);
    assert_int_equal(s.fctl, SCSW_FCTL_HALT);
    assert_int_equal(s.actl, SCSW_ACTL_SUSPENDED | SCSW_ACTL_SCHACT);
    assert_int_equal(s.stctl, SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
    assert_int_equal(s.cpa, 0x2008);
    assert_int_equal(s.dstat, DEV_STAT_UNIT_CHECK);
    assert_int_equal(s.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(s.count, 0x1234);
    scsw_encode(&s, p);
    assert_memory_equal(p, want, SCSW_SIZE);
}

static void test_irb_layout(void **state)
{
    struct irb i;
    uint8_t p[IRB_SIZE], q[IRB_SIZE];
    memset(&i, 0, sizeof(i));
    i.scsw.fctl = SCSW_FCTL_START;
    i.scsw.stctl = SCSW_STCTL_ALERT | SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND;
    i.scsw.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
    i.esw.lpum = 0x80;
    i.esw.cons = true;
    i.esw.scnt = 32;
    for (int k = 0; k < ECW_SIZE; k++)
        i.ecw[k] = (uint8_t)(0xA0 + k);
    irb_encode(&i, p);
    assert_int_equal(p[3], 0x17);
    assert_int_equal(p[8], 0x0E);
    /* ESW: sublog word then ERW with C (bit 7) and SCNT 32 in bits 10-15 */
    assert_int_equal(p[12], 0x00);
    assert_int_equal(p[13], 0x80);
    assert_int_equal(p[16], 0x01);
    assert_int_equal(p[17], 0x20);
    assert_int_equal(p[32], 0xA0);
    assert_int_equal(p[63], 0xA0 + 31);
    irb_decode(p, &i);
    irb_encode(&i, q);
    assert_memory_equal(p, q, IRB_SIZE);
    assert_int_equal(i.esw.scnt, 32);
}

static void test_esw_all_fields(void **state)
{
    static const uint8_t want[ESW_SIZE] = {
        0x7F, 0x40, 0xFF, 0xFF, 0x1F, 0xFF, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0x00, 0x00, 0x30, 0x08,
    };
    struct esw0 e;
    uint8_t p[ESW_SIZE];
    esw0_decode(want, &e);
    assert_int_equal(e.esf, 0x7F);
    assert_int_equal(e.lpum, 0x40);
    assert_true(e.arep);
    assert_int_equal(e.fvf, 0x1F);
    assert_int_equal(e.sacc, 3);
    assert_int_equal(e.termc, 3);
    assert_true(e.devsc && e.serr && e.ioerr);
    assert_int_equal(e.seqc, 7);
    assert_true(e.auth && e.pvrf && e.cpt && e.fsavf && e.cons && e.scavf && e.fsaf);
    assert_int_equal(e.scnt, 0x3F);
    assert_true(e.faddr == 0x123456789ULL);
    assert_int_equal(e.saddr, 0x3008);
    esw0_encode(&e, p);
    assert_memory_equal(p, want, ESW_SIZE);
}

static void test_schib(void **state)
{
    /* intparm, enabled, isc 3, D mp, V, devno 0x1234; lpm pnom lpum pim;
     * mbi; pom pam; chpids; ST io, csense; scsw zero; mba; mda */
    static const uint8_t want[SCHIB_SIZE] = {
        0xDE, 0xAD, 0xBE, 0xEF, 0x18, 0x85, 0x12, 0x34,
        0x80, 0x00, 0x80, 0x80, 0x00, 0x00, 0xFF, 0x80,
        0x42, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0xAA, 0xBB, 0xCC, 0xDD,
    };
    struct schib s;
    uint8_t p[SCHIB_SIZE];
    schib_decode(want, &s);
    assert_int_equal(s.pmcw.intparm, 0xDEADBEEF);
    assert_int_equal(s.pmcw.isc, 3);
    assert_true(s.pmcw.ena);
    assert_true(s.pmcw.mp);
    assert_true(s.pmcw.dnv);
    assert_false(s.pmcw.tf);
    assert_int_equal(s.pmcw.dev, 0x1234);
    assert_int_equal(s.pmcw.lpm, 0x80);
    assert_int_equal(s.pmcw.pim, 0x80);
    assert_int_equal(s.pmcw.pom, 0xFF);
    assert_int_equal(s.pmcw.pam, 0x80);
    assert_int_equal(s.pmcw.chpid[0], 0x42);
    assert_int_equal(s.pmcw.st, SCH_TYPE_IO);
    assert_true(s.pmcw.csense);
    assert_true(s.mba == 0x123400ULL);
    assert_int_equal(s.mda[3], 0xDD);
    schib_encode(&s, p);
    assert_memory_equal(p, want, SCHIB_SIZE);
}

static void test_pmcw_subchannel_type(void **state)
{
    struct pmcw m;
    uint8_t p[PMCW_SIZE];
    memset(&m, 0, sizeof(m));
    m.st = SCH_TYPE_MSG;
    m.mbfc = true;
    m.xmwme = true;
    pmcw_encode(&m, p);
    assert_int_equal(be32_get(p + 24), 0x00400006);
}

static void test_crw(void **state)
{
    /* channel-path CRW for chpid 0x42 going away: RSC 4, ERC 6 (PERRN) */
    struct crw c = { .rsc = CRW_RSC_CPATH, .erc = CRW_ERC_PERRN, .rsid = 0x42 };
    struct crw d;
    assert_int_equal(crw_encode(&c), 0x04060042);
    c = (struct crw){ .slct = true, .oflw = true, .chn = true, .anc = true,
                      .rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = 0xBEEF };
    assert_int_equal(crw_encode(&c), 0x7384BEEF);
    crw_decode(0x7384BEEF, &d);
    assert_memory_equal(&c, &d, sizeof(c));
}

static void test_senseid(void **state)
{
    /* 3990-E9 / 3390-0C with RCD CIW: 0x40 0xFA, count 64 */
    static const uint8_t want[] = {
        0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C, 0x00,
        0x40, 0xFA, 0x00, 0x40, 0x41, 0x5B, 0x00, 0x04,
    };
    struct senseid s = { .cu_type = 0x3990, .cu_model = 0xE9, .dev_type = 0x3390,
                         .dev_model = 0x0C, .nciw = 2,
                         .ciw = { { 1, CIW_TYPE_RCD, 0xFA, 64 }, { 1, CIW_TYPE_SII, 0x5B, 4 } } };
    uint8_t p[SENSEID_SIZE];
    struct senseid d;
    assert_int_equal(senseid_encode(&s, p), sizeof(want));
    assert_memory_equal(p, want, sizeof(want));
    assert_int_equal(senseid_decode(want, sizeof(want), &d), 0);
    assert_int_equal(d.cu_type, 0x3990);
    assert_int_equal(d.dev_type, 0x3390);
    assert_int_equal(d.dev_model, 0x0C);
    assert_int_equal(d.nciw, 2);
    assert_int_equal(d.ciw[1].ct, CIW_TYPE_SII);
    assert_int_equal(d.ciw[0].cmd, 0xFA);
    assert_int_equal(d.ciw[0].count, 64);
    /* truncated to 7 bytes: basic data only */
    assert_int_equal(senseid_decode(want, 7, &d), 0);
    assert_int_equal(d.nciw, 0);
    assert_int_equal(senseid_decode(want, 6, &d), -1);
    uint8_t bad[8] = { 0x00, 0x39, 0x90 };
    assert_int_equal(senseid_decode(bad, sizeof(bad), &d), -1);
}

/* ---- round trips over random images ------------------------------------- */

static uint32_t rng_state = 0x12345678;

static uint8_t rnd8(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (uint8_t)rng_state;
}

/* Random image with the reserved bits (mask) cleared must survive
 * decode+encode unchanged; with them set, encode must clear exactly them. */
#define ROUND_TRIP(T, SIZE, DEC, ENC, MASK)                                       \
    do {                                                                          \
        for (int iter = 0; iter < 2000; iter++) {                                 \
            uint8_t img[SIZE], out[SIZE];                                         \
            T v;                                                                  \
            for (size_t k = 0; k < SIZE; k++)                                     \
                img[k] = rnd8();                                                  \
            DEC(img, &v);                                                         \
            ENC(&v, out);                                                         \
            for (size_t k = 0; k < SIZE; k++)                                     \
                assert_int_equal(out[k], img[k] & (uint8_t)~(MASK)[k]);           \
        }                                                                         \
    } while (0)

static void test_round_trip_reserved_bits(void **state)
{
    static const uint8_t orb_res[ORB_SIZE] = { [7] = 0x3E };
    static const uint8_t scsw_res[SCSW_SIZE] = { [2] = 0x80 };
    static const uint8_t esw_res[ESW_SIZE] = { [0] = 0x80, [4] = 0xE0, [6] = 0xFF, [7] = 0xFF };
    static const uint8_t pmcw_res[PMCW_SIZE] = { [4] = 0x07, [24] = 0xFF, [25] = 0x1F,
                                                 [26] = 0xFF, [27] = 0xF8 };
    static const uint8_t ccw_res[CCW_SIZE] = { 0 };
    static const uint8_t ccw0_res[CCW_SIZE] = { [5] = 0xFF };
    uint8_t irb_res[IRB_SIZE] = { 0 };
    uint8_t schib_res[SCHIB_SIZE] = { 0 };

    memcpy(irb_res, scsw_res, SCSW_SIZE);
    memcpy(irb_res + SCSW_SIZE, esw_res, ESW_SIZE);
    memcpy(schib_res, pmcw_res, PMCW_SIZE);
    memcpy(schib_res + PMCW_SIZE, scsw_res, SCSW_SIZE);

    ROUND_TRIP(struct orb, ORB_SIZE, orb_decode, orb_encode, orb_res);
    ROUND_TRIP(struct scsw, SCSW_SIZE, scsw_decode, scsw_encode, scsw_res);
    ROUND_TRIP(struct esw0, ESW_SIZE, esw0_decode, esw0_encode, esw_res);
    ROUND_TRIP(struct irb, IRB_SIZE, irb_decode, irb_encode, irb_res);
    ROUND_TRIP(struct pmcw, PMCW_SIZE, pmcw_decode, pmcw_encode, pmcw_res);
    ROUND_TRIP(struct schib, SCHIB_SIZE, schib_decode, schib_encode, schib_res);
    ROUND_TRIP(struct ccw1, CCW_SIZE, ccw1_decode, ccw1_encode, ccw_res);
    ROUND_TRIP(struct ccw1, CCW_SIZE, ccw0_decode, ccw0_encode, ccw0_res);
}

static void test_crw_reserved_bits(void **state)
{
    for (int iter = 0; iter < 2000; iter++) {
        uint32_t w = (uint32_t)rnd8() << 24 | (uint32_t)rnd8() << 16 | (uint32_t)rnd8() << 8 | rnd8();
        struct crw c;
        crw_decode(w, &c);
        assert_int_equal(crw_encode(&c), w & ~UINT32_C(0x80400000));
    }
}

/* A CIW's reserved bits 2-3 are dropped; the entry type must say CIW (01). */
static void test_senseid_ciw_bits(void **state)
{
    uint8_t p[12] = { 0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C, 0x00, 0x73, 0xFA, 0x01, 0x00 };
    struct senseid s;
    uint8_t out[SENSEID_SIZE];
    assert_int_equal(senseid_decode(p, sizeof(p), &s), 0);
    assert_int_equal(s.nciw, 1);
    assert_int_equal(s.ciw[0].ct, 3);
    assert_int_equal(s.ciw[0].count, 256);
    assert_int_equal(senseid_encode(&s, out), 12);
    assert_int_equal(out[8], 0x43);
    p[8] = 0x83; /* entry type 10: not a CIW, the list ends */
    assert_int_equal(senseid_decode(p, sizeof(p), &s), 0);
    assert_int_equal(s.nciw, 0);
}

/* Random Sense ID data of every length: never more CIWs than fit, and only
 * an image starting with 0xFF of at least 7 bytes is accepted. */
static void test_senseid_random(void **state)
{
    for (int iter = 0; iter < 5000; iter++) {
        uint8_t p[SENSEID_SIZE + 8];
        size_t len = rnd8() % sizeof(p);
        struct senseid s;
        for (size_t k = 0; k < sizeof(p); k++)
            p[k] = rnd8();
        if (iter & 1)
            p[0] = 0xFF;
        int rc = senseid_decode(p, len, &s);
        assert_int_equal(rc, (len >= 7 && p[0] == 0xFF) ? 0 : -1);
        assert_true(s.nciw <= SENSEID_MAX_CIW);
        assert_true(len < 8 || s.nciw <= (len - 8) / 4);
        if (rc == 0)
            for (unsigned c = 0; c < s.nciw; c++)
                assert_int_equal(s.ciw[c].et, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orb_decode_vector),
        cmocka_unit_test(test_orb_encode_vector),
        cmocka_unit_test(test_orb_all_bits),
        cmocka_unit_test(test_orb_reserved_bits),
        cmocka_unit_test(test_ccw_formats),
        cmocka_unit_test(test_ccw0_24bit),
        cmocka_unit_test(test_ccw_dir),
        cmocka_unit_test(test_idaw),
        cmocka_unit_test(test_scsw_normal_end),
        cmocka_unit_test(test_scsw_fields),
        cmocka_unit_test(test_irb_layout),
        cmocka_unit_test(test_esw_all_fields),
        cmocka_unit_test(test_schib),
        cmocka_unit_test(test_pmcw_subchannel_type),
        cmocka_unit_test(test_crw),
        cmocka_unit_test(test_senseid),
        cmocka_unit_test(test_round_trip_reserved_bits),
        cmocka_unit_test(test_crw_reserved_bits),
        cmocka_unit_test(test_senseid_ciw_bits),
        cmocka_unit_test(test_senseid_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
