// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECKD device robustness: thousands of pseudo-random channel programs (fixed
 * seed, so every run is the same) mixing plausible and garbage Define
 * Extent / Locate Record blocks, data commands and unknown codes.  Every
 * program must end with architected status (channel end + device end, and
 * 32 bytes of 24-byte-compatible sense after a unit check), and afterwards
 * every track on the image must still be a valid CKD track image.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dfx.h"
#include "lxcp.h"
#include "img/ckdtrack.h"
#include "dev/eckd_priv.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static uint8_t pick(const uint8_t *set, unsigned n) { return set[rnd(n)]; }

static void gen_de(uint8_t *p)
{
    static const uint8_t masks[] = { 0x00, 0x40, 0x80, 0xC0, 0xC2, 0x18, 0x20 };
    uint32_t beg = rnd(50), end = beg + rnd(10);
    memset(p, 0, 32);
    p[0] = pick(masks, sizeof(masks));
    p[1] = rnd(8) ? 0xCC : (uint8_t)rnd(256);
    if (!rnd(8))
        be16_put(p + 2, (uint16_t)rnd(65536));
    be16_put(p + 8, (uint16_t)(beg / 15));
    be16_put(p + 10, (uint16_t)(beg % 15));
    be16_put(p + 12, (uint16_t)(end / 15));
    be16_put(p + 14, (uint16_t)(end % 15));
    if (!rnd(16))
        p[rnd(16)] = (uint8_t)rnd(256);
}

static void gen_lr(uint8_t *p)
{
    static const uint8_t ops[] = { 0x06, 0x01, 0x03, 0x43, 0x16, 0xD6, 0x0B, 0x0C, 0x4C, 0x86, 0x00, 0x3F };
    uint32_t trk = rnd(50);
    memset(p, 0, 32);
    p[0] = pick(ops, sizeof(ops));
    p[1] = rnd(4) ? 0x80 : (uint8_t)rnd(256);
    p[3] = (uint8_t)(1 + rnd(15));
    be16_put(p + 4, (uint16_t)(trk / 15));
    be16_put(p + 6, (uint16_t)(trk % 15));
    be16_put(p + 8, (uint16_t)(trk / 15));
    be16_put(p + 10, (uint16_t)(trk % 15));
    p[12] = (uint8_t)rnd(14);
    p[13] = rnd(2) ? 0xFF : (uint8_t)rnd(230);
    be16_put(p + 14, rnd(4) ? 4096 : (uint16_t)rnd(5000));
    p[17] = rnd(2) ? (rnd(2) ? 0x11 : 0x23) : 0;
    be16_put(p + 18, (uint16_t)rnd(3));
    if (!rnd(16))
        p[rnd(20)] = (uint8_t)rnd(256);
}

static const uint8_t data_cmds[] = {
    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0D, 0x0E, 0x11, 0x12, 0x15, 0x16, 0x1A, 0x1B, 0x1D, 0x1E,
    0x27, 0x31, 0x3E, 0x64, 0x85, 0x86, 0x8D, 0x8E, 0x92, 0x95, 0x96, 0x9A, 0x9D, 0x9E, 0xB1, 0xDE,
    0xE4, 0xF3, 0xFA, 0x34, 0xAF, 0xB4, 0x94, 0x14, 0x51, 0x71, 0xA7, 0x00, 0xFF, 0x0B,
    0x1F, 0x22, 0x23, 0x29, 0x39, 0x44, 0x5B, 0x5E, 0xA4, 0xA9, 0xB9, 0xC9, 0xE9,
    0xA5, 0xA6,
};

/* A program shaped like Linux's: DE and LR agreeing on the operation, then
 * data commands of that operation with plausible or odd counts and count
 * fields -- this reaches the write paths that garbage programs do not. */
static void gen_coherent(struct dfx *f)
{
    static const uint8_t cmds[] = { LX_CMD_READ_MT, LX_CMD_WRITE_MT, LX_CMD_READ_KD_MT, LX_CMD_WRITE_KD_MT,
                                    LX_CMD_READ_COUNT, LX_CMD_WRITE_CKD, LX_CMD_WRITE_R0 };
    static uint8_t buf[8192];
    uint8_t de[16], lr[16], cmd = pick(cmds, sizeof(cmds));
    uint32_t beg = 2 + rnd(40), end = beg + rnd(4), trk = beg + rnd(end - beg + 1);
    unsigned n = 1 + rnd(30), blk = rnd(4) ? 4096 : 512u << rnd(3);

    dfx_begin(f);
    lx_define_extent(de, beg, end, cmd, false);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, trk, rnd(14), n, cmd, blk, blk);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    for (unsigned i = 0; i < n + rnd(2); i++) {
        uint8_t code = cmd == LX_CMD_WRITE_R0 ? (i == 0 ? 0x15 : rnd(8) ? 0x1D : 0x9D)
                     : cmd == LX_CMD_WRITE_CKD ? (rnd(8) ? 0x1D : 0x9D) : cmd;
        memset(buf, 0, 16);
        be16_put(buf, (uint16_t)(trk / 15));
        be16_put(buf + 2, (uint16_t)(trk % 15));
        buf[4] = (uint8_t)(i + 1);
        buf[5] = rnd(6) ? 0 : (uint8_t)rnd(60);
        be16_put(buf + 6, rnd(4) ? (uint16_t)blk : (uint16_t)rnd(9000));
        if (code == 0x15)
            memset(buf + 4, 0, 3), buf[7] = 8;
        uint16_t count = (code == 0x1D || code == 0x9D || code == 0x15) ? 8 : (uint16_t)(rnd(4) ? blk : rnd(8192));
        dfx_ccw(f, code, (i + 1 < n ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI, count, buf);
    }
}

/* Linux's track-level program (Prefix + Read/Write Track Data) for a random
 * request, sometimes with one parameter byte or one CCW count changed. */
static void gen_track(struct dfx *f)
{
    static struct lx_track_prog p;
    static uint8_t buf[40 * 4096];
    bool write = rnd(2);
    unsigned blk = rnd(4) ? 4096 : 512u << rnd(3);
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blk);

    lx_track_build(&p, write, 2 * rpt + rnd(40 * rpt), 1 + rnd(40 * 4096 / blk), blk, 0);
    if (!rnd(4))
        p.pfx[12 + rnd(52)] = (uint8_t)rnd(256);
    if (!rnd(4))
        p.count[rnd(p.ntrk)] = 1 + rnd(4 * 4096);
    if (!rnd(8) && p.ntrk > 1)
        p.ntrk--;
    uint64_t total = 0;
    for (unsigned t = 0; t < p.ntrk; t++)
        total += p.count[t];
    if (total > sizeof(buf))
        return;
    for (unsigned b = 0; b < 64; b++)
        buf[b] = (uint8_t)rnd(256);
    dfx_begin(f);
    dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, p.pfx);
    for (unsigned t = 0; t < p.ntrk; t++)
        dfx_ccw(f, write ? LX_CMD_WRITE_TRK_DATA : LX_CMD_READ_TRK_DATA,
                t + 1 < p.ntrk ? CCW_FLAG_CC : 0, (uint16_t)p.count[t], write ? buf : NULL);
}

static void gen_program(struct dfx *f)
{
    if (!rnd(4)) {
        gen_track(f);
        return;
    }
    if (rnd(2)) {
        gen_coherent(f);
        return;
    }
    {
    static uint8_t buf[8192];
    unsigned n = 1 + rnd(12);

    dfx_begin(f);
    for (unsigned i = 0; i < n; i++) {
        uint8_t flags = (i + 1 < n ? CCW_FLAG_CC : 0) | (rnd(2) ? CCW_FLAG_SLI : 0);
        unsigned kind = rnd(10);
        if (kind < 2) {
            gen_de(buf);
            dfx_ccw(f, 0x63, flags, (uint16_t)(rnd(6) ? 16 : rnd(40)), buf);
        } else if (kind < 4) {
            gen_lr(buf);
            uint8_t code = rnd(4) ? 0x47 : 0x4B;
            dfx_ccw(f, code, flags, (uint16_t)(rnd(6) ? (code == 0x47 ? 16 : 22) : rnd(40)), buf);
        } else if (kind < 5) {
            memset(buf, 0, 80);
            buf[0] = rnd(2);
            buf[1] = 0x80;
            gen_de(buf + 12);
            gen_lr(buf + 44);
            dfx_ccw(f, 0xE7, flags, (uint16_t)(rnd(6) ? 66 : rnd(80)), buf);
        } else {
            for (unsigned b = 0; b < 64; b++)
                buf[b] = (uint8_t)rnd(256);
            if (rnd(2)) {                   /* a plausible count field */
                memset(buf, 0, 4);
                buf[4] = (uint8_t)rnd(14);
                buf[5] = rnd(3) ? 0 : (uint8_t)rnd(64);
                be16_put(buf + 6, rnd(2) ? 4096 : (uint16_t)rnd(9000));
            }
            static const uint16_t counts[] = { 0, 5, 8, 12, 16, 32, 256, 4096, 8192 };
            dfx_ccw(f, pick(data_cmds, sizeof(data_cmds)), flags, counts[rnd(9)], buf);
        }
    }
    }
}

static void test_random_programs(void **state)
{
    struct dfx_opts o = { .cyls = 4, .linux_null = true };
    struct dfx *f = dfx_new(&o);
    static uint8_t img[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    unsigned uc = 0, ok = 0;

    for (unsigned i = 0; i < 20000; i++) {
        gen_program(f);
        assert_int_equal(dfx_run(f), CHAN_DONE);
        if (!(f->st.cstat & (SCHN_STAT_PROG_CHECK | SCHN_STAT_PROT_CHECK)))
            assert_int_equal(f->st.dstat & CE_DE, CE_DE);
        if (f->st.dstat & DEV_STAT_UNIT_CHECK) {
            assert_int_equal(f->nsense, 32);
            assert_int_equal(f->sense[27], 0x80);
            uc++;
        } else {
            ok++;
        }
    }
    print_message("# %u programs ended in unit check, %u normally\n", uc, ok);
    assert_true(uc > 0 && ok > 0);
    dfx_reopen(f, true);
    for (uint32_t trk = 0; trk < 4 * 15; trk++) {
        size_t len = dfx_track(f, trk / 15, trk % 15, img);
        assert_int_equal(ckd_track_parse(img, len, &t, NULL), 0);
        unsigned cells = 0;                 /* never beyond a real 3390 track */
        for (unsigned r = 1; r < t.nrecs; r++)
            cells += eckd_rec_cells(0x3390, t.rec[r].kl, t.rec[r].dl);
        assert_true(cells <= 1729);
    }
    dfx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
