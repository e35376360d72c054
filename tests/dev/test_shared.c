// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ECKD device on a shared volume (docs/shared-dasd.md): two devices,
 * "hosts" A and B, on one CKD image opened shared, each with its own reserve
 * arbiter.  Programs run through the interpreter directly (no subchannel, so
 * nothing holds a start: a device busy for another host's reserve answers
 * busy status to the first command).  What each host sees: SNID's reserve
 * bits, a steal reported once to the former holder — at its next program,
 * or as the sense of the unsolicited unit check when the watcher saw it
 * first — and no track kept across programs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dfx.h"
#include "img/reserve.h"

#define ID_A "hosta:1:0000000a"
#define ID_B "hostb:2:0000000b"
#define SNID 0x34
#define RESERVE 0xB4
#define RELEASE 0x94
#define SLCK 0x14
#define SENSE 0x04
#define DE 0x63
#define LR 0x47
#define RD 0x86
#define WD 0x85
#define LR_READ 0x06
#define LR_WRITE 0x01
#define REC 4096
#define HEAD 2
#define RSV_MASK 0x30

struct host {
    struct dfx *f;
    struct reserve *rsv;
};

/* Host h's device on the image at path, opened shared, with its arbiter. */
static void attach(struct host *h, const char *path, const char *id)
{
    const struct dfx_opts o = { .cyls = 1, .linux_null = true };
    char err[256];

    h->f = dfx_new(&o);
    h->f->dev->ops->destroy(h->f->dev);
    img_close(h->f->im);
    h->f->im = img_open_shared(path, false, err, sizeof err);
    if (!h->f->im)
        fail_msg("%s", err);
    h->rsv = reserve_open_file(path, id, err, sizeof err);
    if (!h->rsv)
        fail_msg("%s", err);
    h->f->cfg.reserve = h->rsv;
    h->f->dev = eckd_new(h->f->im, &h->f->cfg, err, sizeof err);
    if (!h->f->dev)
        fail_msg("%s", err);
}

static void detach(struct host *h)
{
    dfx_free(h->f);
    reserve_close(h->rsv);
}

struct two {
    struct host a, b;
    char voldir[64];        /* the shared volume's directory */
};

static int setup(void **state)
{
    struct two *t = calloc(1, sizeof *t);
    const struct dfx_opts o = { .cyls = 1, .linux_null = true };
    struct dfx *vol = dfx_new(&o);      /* makes the volume, then lets go of it */
    char path[160];

    snprintf(path, sizeof path, "%s", vol->path);
    snprintf(t->voldir, sizeof t->voldir, "%s", vol->dir);
    vol->dev->ops->destroy(vol->dev);
    img_close(vol->im);
    free(vol->mem);
    free(vol);
    attach(&t->a, path, ID_A);
    attach(&t->b, path, ID_B);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct two *t = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf %s", t->voldir);
    detach(&t->a);
    detach(&t->b);
    free(t);
    return system(cmd) == 0 ? 0 : -1;
}

/* One command, its status. */
static uint8_t one(struct host *h, uint8_t cmd, uint16_t count)
{
    dfx_begin(h->f);
    dfx_ccw(h->f, cmd, CCW_FLAG_SLI, count, NULL);
    dfx_run(h->f);
    return h->f->st.dstat;
}

static uint8_t snid(struct host *h)
{
    assert_int_equal(one(h, SNID, 12), CE_DE);
    return dfx_data(h->f, 0)[0] & RSV_MASK;
}

/* DE + LR + Read/Write Data of record 1 on cylinder 0, HEAD. */
static uint8_t rw(struct host *h, bool write, uint8_t seed)
{
    uint8_t de[16] = { write ? 0x80 : 0x40, 0xC0 }, lr[16] = { write ? LR_WRITE : LR_READ, 0x80, 0, 1 };
    uint8_t buf[REC];

    de[15] = HEAD;                  /* begin and end CCHH: cylinder 0, HEAD */
    de[11] = HEAD;
    lr[7] = HEAD;                   /* seek CCHH */
    lr[11] = HEAD;                  /* search CCHH + R */
    lr[12] = 1;
    lr[14] = REC >> 8;
    lr[15] = REC & 0xFF;
    for (unsigned i = 0; i < REC; i++)
        buf[i] = (uint8_t)(i * 3 + seed);
    dfx_begin(h->f);
    dfx_ccw(h->f, DE, CCW_FLAG_CC, 16, de);
    dfx_ccw(h->f, LR, CCW_FLAG_CC, 16, lr);
    dfx_ccw(h->f, write ? WD : RD, 0, REC, write ? buf : NULL);
    dfx_run(h->f);
    if (!write && h->f->st.dstat == CE_DE)
        assert_memory_equal(dfx_data(h->f, 2), buf, REC);
    return h->f->st.dstat;
}

static void assert_lost_sense(const uint8_t *s)
{
    assert_int_equal(s[0], 0);
    assert_int_equal(s[7], 0x3F);
    assert_int_equal(s[27], 0x80);
}

static void test_snid_and_busy(void **state)
{
    struct two *t = *state;

    assert_int_equal(snid(&t->a), 0);
    assert_int_equal(one(&t->a, RESERVE, 32), CE_DE);
    assert_int_equal(snid(&t->a), 0x30);
    assert_int_equal(snid(&t->b), 0x20);
    assert_int_equal(one(&t->b, RESERVE, 32), DEV_STAT_BUSY);     /* no subchannel to hold it */
    assert_int_equal(rw(&t->b, false, 0), DEV_STAT_BUSY);
    assert_int_equal(rw(&t->a, true, 7), CE_DE);
    assert_int_equal(one(&t->b, RELEASE, 32), DEV_STAT_BUSY);     /* not B's to release */
    assert_int_equal(one(&t->a, RELEASE, 32), CE_DE);
    assert_int_equal(rw(&t->b, false, 7), CE_DE);
    assert_int_equal(snid(&t->b), 0);
}

/* No track outlives a program: B sees A's write though it read the track before. */
static void test_no_cache_across_programs(void **state)
{
    struct two *t = *state;

    assert_int_equal(rw(&t->a, true, 1), CE_DE);
    assert_int_equal(rw(&t->b, false, 1), CE_DE);
    assert_int_equal(rw(&t->a, true, 2), CE_DE);
    assert_int_equal(rw(&t->b, false, 2), CE_DE);
}

/* The former holder's next program: unit check, "reservation lost", once. */
static void test_steal_reported_at_next_program(void **state)
{
    struct two *t = *state;

    assert_int_equal(one(&t->a, RESERVE, 32), CE_DE);
    assert_int_equal(one(&t->b, SLCK, 32), CE_DE);
    assert_int_equal(rw(&t->a, false, 0), CE_DE_UC);
    assert_int_equal(t->a.f->nsense, 32);
    assert_lost_sense(t->a.f->sense);
    assert_int_equal(rw(&t->a, false, 0), DEV_STAT_BUSY);   /* B's now; no second report */
    assert_int_equal(one(&t->b, RELEASE, 32), CE_DE);
    assert_int_equal(rw(&t->a, true, 9), CE_DE);
}

/* The watcher saw it first: the Sense for the unsolicited unit check
 * fetches the loss; nothing more is reported. */
static void test_steal_seen_by_watcher(void **state)
{
    struct two *t = *state;
    struct eckd_reserve_status st;

    assert_false(eckd_reserve_watch(t->a.f->dev));           /* nothing held */
    assert_int_equal(one(&t->a, RESERVE, 32), CE_DE);
    assert_false(eckd_reserve_watch(t->a.f->dev));           /* held, still ours */
    assert_int_equal(one(&t->b, SLCK, 32), CE_DE);
    assert_true(eckd_reserve_watch(t->a.f->dev));
    assert_false(eckd_reserve_watch(t->a.f->dev));           /* once */
    assert_int_equal(one(&t->a, SENSE, 32), CE_DE);
    assert_lost_sense(dfx_data(t->a.f, 0));
    assert_int_equal(snid(&t->a), 0x20);
    assert_int_equal(one(&t->b, RELEASE, 32), CE_DE);
    assert_int_equal(rw(&t->a, true, 4), CE_DE);            /* no second report */
    assert_int_equal(rw(&t->a, false, 4), CE_DE);
    eckd_reserve_status(t->a.f->dev, &st);
    assert_true(st.shared);
    assert_int_equal(st.lost, 1);
}

/* The unsolicited unit check's ECW holds the loss (peek_sense) and leaves
 * it pending: the guest's basic Sense returns the same bytes, however the
 * guest orders its copy of the IRB and that Sense's data. */
static void test_watcher_loss_in_unsolicited_ecw(void **state)
{
    struct two *t = *state;
    struct ccw_dev *a = t->a.f->dev;
    uint8_t ecw[32], again[32];

    assert_int_equal(a->ops->peek_sense(a, ecw), 0);           /* nothing held */
    assert_int_equal(one(&t->a, RESERVE, 32), CE_DE);
    assert_int_equal(one(&t->b, SLCK, 32), CE_DE);
    assert_true(eckd_reserve_watch(a));
    assert_int_equal(a->ops->peek_sense(a, ecw), 32);
    assert_lost_sense(ecw);
    assert_int_equal(a->ops->peek_sense(a, again), 32);
    assert_memory_equal(again, ecw, 32);
    assert_int_equal(one(&t->a, SENSE, 32), CE_DE);
    assert_memory_equal(dfx_data(t->a.f, 0), ecw, 32);
    assert_int_equal(rw(&t->a, false, 0), DEV_STAT_BUSY);   /* B's reserve; no second report */
}

/* A program the subchannel asked ops->busy about costs one question to the
 * arbiter, not two: its first command takes busy's answer (a round trip to
 * the cluster each on RBD). */
static void test_one_arbiter_query_per_program(void **state)
{
    struct two *t = *state;
    struct ccw_dev *a = t->a.f->dev;
    unsigned long before;

    before = reserve_queries(t->a.rsv);
    assert_false(a->ops->busy(a, DE));
    assert_int_equal(rw(&t->a, true, 5), CE_DE);
    assert_int_equal(reserve_queries(t->a.rsv) - before, 1);
    /* without busy before it (dev-level callers): the command asks itself */
    before = reserve_queries(t->a.rsv);
    assert_int_equal(rw(&t->a, false, 5), CE_DE);
    assert_int_equal(reserve_queries(t->a.rsv) - before, 1);
    /* busy's answer is for the program about to start only: B reserves
     * after it was given, a program without a new busy question sees that */
    assert_false(a->ops->busy(a, DE));
    assert_int_equal(rw(&t->a, false, 5), CE_DE);
    assert_int_equal(one(&t->b, RESERVE, 32), CE_DE);
    assert_int_equal(rw(&t->a, false, 5), DEV_STAT_BUSY);
}

/* The watcher saw the loss, but a program came first and got the unit
 * check; the unsolicited unit check is still presented afterwards: the
 * guest's Sense for it runs (it is not held for B's reserve) and says
 * "reservation lost" again (Linux reports only the first: its reserved
 * flag is gone by then). */
static void test_sense_after_both_reports(void **state)
{
    struct two *t = *state;

    assert_int_equal(one(&t->a, RESERVE, 32), CE_DE);
    assert_int_equal(one(&t->b, SLCK, 32), CE_DE);
    assert_true(eckd_reserve_watch(t->a.f->dev));
    assert_int_equal(rw(&t->a, false, 0), CE_DE_UC);
    assert_lost_sense(t->a.f->sense);
    assert_int_equal(one(&t->a, SENSE, 32), CE_DE);
    assert_lost_sense(dfx_data(t->a.f, 0));
    assert_int_equal(one(&t->a, SENSE, 32), CE_DE);          /* then nothing more */
    assert_int_equal(dfx_data(t->a.f, 0)[7], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snid_and_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_cache_across_programs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steal_reported_at_next_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steal_seen_by_watcher, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sense_after_both_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watcher_loss_in_unsolicited_ecw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_arbiter_query_per_program, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
