// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Deterministic fuzz smoke test of the interpreter: thousands of random but
 * well-shaped channel programs (fixed seed), each run through the fuzzer
 * body.  Every program must end (done, or suspended when it keeps
 * suspending), hand the device at most a channel buffer, and end either
 * with device status or with a channel-detected check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fuzz_interp.h"

#define PROGRAMS 5000

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t rnd_below(uint32_t n) { return rnd() % n; }

static const uint8_t cmds[] = {
    0x01, 0x02, 0x03, 0x04, 0x06, 0x08, 0x0C, 0x00, 0x31, 0x63, 0x47, 0x86, 0xE4,
    0xE6, 0xD6, 0x45, 0x4C, 0x18, 0x85,
};

/* Random IDAWs in 0x4000-0x4FFF, mostly at 2 KiB / 4 KiB block starts. */
static void fill_idaws(uint8_t *img)
{
    for (uint32_t a = 0x4000; a < 0x5000; a += 4) {
        uint32_t v = rnd_below(4) ? (rnd_below(32) * 2048) : rnd_below(0x10000);
        if (rnd_below(2) == 0 && a + 8 <= 0x5000) {
            be32_put(img + a, 0);
            be32_put(img + a + 4, v);
            a += 4;
        } else {
            be32_put(img + a, v);
        }
    }
}

static void gen_ccw(uint8_t *img, uint32_t at, unsigned i, unsigned n, bool fmt1)
{
    struct ccw1 c;

    c.cmd = rnd_below(8) ? cmds[rnd_below(sizeof(cmds))] : (uint8_t)rnd();
    c.flags = (uint8_t)rnd() & (rnd_below(10) ? 0xFC : 0xFF); /* S, MIDA rarely */
    c.count = rnd_below(10) ? (uint16_t)rnd_below(300) : (uint16_t)rnd();
    if (c.flags & CCW_FLAG_IDA)
        c.cda = 0x4000 + 4 * rnd_below(0x3FE);
    else if (rnd_below(8))
        c.cda = 0x100 + rnd_below(0xFE00);
    else
        c.cda = rnd();
    if ((c.cmd & 0x0F) == 0x08) /* TIC: mostly forward, rarely backward */
        c.cda = 8 + 8 * (rnd_below(200) ? i + 1 + rnd_below(n - i) : rnd_below(i + 1));
    if (fmt1)
        ccw1_encode(&c, img + at);
    else
        ccw0_encode(&c, img + at);
}

static void test_random_programs(void **state)
{
    static uint8_t img[0x5000];
    unsigned done = 0, checks = 0, suspended = 0;

    for (unsigned k = 0; k < PROGRAMS; k++) {
        unsigned n = 1 + rnd_below(12);
        struct fuzz_outcome out;

        memset(img, 0, sizeof(img));
        img[0] = (uint8_t)rnd();
        img[1] = (uint8_t)rnd();
        img[2] = (uint8_t)rnd();
        fill_idaws(img);
        for (unsigned i = 0; i < n; i++)
            gen_ccw(img, 8 + 8 * i, i, n, !(img[0] & 1));

        assert_int_equal(fuzz_interp_run(img, sizeof(img), &out), 0);
        assert_true(out.state == CHAN_DONE || (out.state == CHAN_SUSPENDED && out.resumes == 4));
        assert_true(out.max_count <= CHAN_IOBUF_SIZE);
        if (out.state == CHAN_DONE && !(out.status.cstat & (SCHN_STAT_PROG_CHECK | SCHN_STAT_PROT_CHECK)))
            assert_true(out.status.dstat & DEV_STAT_CHN_END);
        done += out.state == CHAN_DONE;
        suspended += out.state == CHAN_SUSPENDED;
        checks += (out.status.cstat & (SCHN_STAT_PROG_CHECK | SCHN_STAT_PROT_CHECK)) != 0;
    }
    /* the generator must reach both clean ends and checks to be useful */
    assert_true(checks > PROGRAMS / 20);
    assert_true(done - checks > PROGRAMS / 20);
    print_message("# %u programs: %u done (%u with program/protection check), %u left suspended\n",
                  PROGRAMS, done, checks, suspended);
}

/* Raw garbage (not shaped as CCWs) must not crash either. */
static void test_random_bytes(void **state)
{
    static uint8_t img[4096];
    for (unsigned k = 0; k < 2000; k++) {
        struct fuzz_outcome out;
        size_t len = rnd_below(sizeof(img));
        for (size_t i = 0; i < len; i++)
            img[i] = (uint8_t)rnd();
        assert_int_equal(fuzz_interp_run(img, len, &out), 0);
        assert_true(out.state == CHAN_DONE || out.state == CHAN_SUSPENDED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
