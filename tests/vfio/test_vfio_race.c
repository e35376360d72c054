// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The completion path under a VMM that races halt and clear against
 * completions and new start requests (issue 7, item 1).
 *
 * What broke: an HSCH that meets an idle subchannel produces a second
 * interrupt.  If its status was taken (TSCH) before the FSM looked at it and
 * a new SSCH was accepted in between, the FSM took the halt's IRB as the end
 * of the new program: it freed the translated program while the worker still
 * ran it (heap-use-after-free in the ASan build; in the normal build the guest
 * saw program checks and a host-internal CPA in its SCSW).
 *
 * Each round starts a valid three-CCW program and, by a fixed pseudo-random
 * schedule, halts or clears it while it runs, right after it ended (the
 * subchannel idle: a stale interrupt follows) or not at all, and retries the
 * next start as QEMU does.  Every IRB the VMM reads must be one the guest's
 * program can produce: a CPA inside the guest's program (or 0), no program,
 * protection, chaining or channel-control check, no unit check.
 *
 * Rounds: RACE_ROUNDS (default 10000) per mdev; the soak runs two mdevs at
 * once, each with its own VMM thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define PROG_ADDR   0x100u
#define PROG_CCWS   3u
#define PROG_END    (PROG_ADDR + PROG_CCWS * 8u)   /* one past the last CCW, after normal end */
#define READ_BUF    0x1000u
#define WRITE_BUF   0x2000u
#define REC_LEN     64u

#define BAD_CSTAT (SCHN_STAT_PROG_CHECK | SCHN_STAT_PROT_CHECK | SCHN_STAT_CHN_CTRL_CHK | \
                   SCHN_STAT_INTF_CTRL_CHK | SCHN_STAT_CHAIN_CHECK)

enum race_action { ACT_NONE, ACT_HALT_RUNNING, ACT_CLEAR_RUNNING, ACT_HALT_IDLE, ACT_CLEAR_IDLE };

struct race_stats {
    unsigned rounds, irbs, starts_busy, halts, clears, stale;
    char failure[160];   /* first invariant broken, empty if none */
};

struct race_arg {
    struct vt *t;
    unsigned i;
    unsigned rounds;
    uint32_t seed;
    struct race_stats st;
};

static unsigned race_rounds(void)
{
    const char *s = getenv("RACE_ROUNDS");
    long n = s ? strtol(s, NULL, 10) : 0;

    return n > 0 ? (unsigned)n : 10000u;
}

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void put_prog(struct vt *t, uint32_t base)
{
    put_ccw1(t, base + PROG_ADDR, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(t, base + PROG_ADDR + 8, TD_WRITE, CCW_FLAG_CC, REC_LEN, base + WRITE_BUF);
    put_ccw1(t, base + PROG_ADDR + 16, TD_READ, 0, REC_LEN, base + READ_BUF);
}

/* An IRB the guest's program can produce; otherwise note the first breach. */
static bool irb_plausible(struct race_arg *a, uint32_t base, const struct irb *irb)
{
    const struct scsw *s = &irb->scsw;
    bool cpa_ok = s->cpa == 0 || (s->cpa >= base + PROG_ADDR && s->cpa <= base + PROG_END);

    if (cpa_ok && !(s->cstat & BAD_CSTAT) && !(s->dstat & DEV_STAT_UNIT_CHECK))
        return true;
    if (!a->st.failure[0])
        snprintf(a->st.failure, sizeof(a->st.failure),
                 "mdev %u round %u: cpa 0x%x fctl %x actl %x stctl %x dstat %02x cstat %02x",
                 a->i, a->st.rounds, s->cpa, s->fctl, s->actl, s->stctl, s->dstat, s->cstat);
    return false;
}

/* Start, retrying -EAGAIN and -EBUSY (status of an earlier halt or clear is
 * still on its way) as a VMM does. */
static bool start_retry(struct race_arg *a, const struct orb *o)
{
    for (;;) {
        ssize_t rc = vt_start_once(a->t, a->i, o);
        if (rc == CCW_IO_REGION_SIZE)
            return true;
        if (rc != -EAGAIN && rc != -EBUSY) {
            snprintf(a->st.failure, sizeof(a->st.failure), "mdev %u round %u: start returned %zd",
                     a->i, a->st.rounds, rc);
            return false;
        }
        a->st.starts_busy++;
    }
}

/* Issue HSCH or CSCH; -EBUSY (status already pending) is a legal answer. */
static void async_cmd(struct race_arg *a, uint32_t cmd)
{
    ssize_t rc = vt_async(a->t, a->i, cmd);

    if (rc == CCW_CMD_REGION_SIZE) {
        if (cmd == VFIO_CCW_ASYNC_CMD_HSCH)
            a->st.halts++;
        else
            a->st.clears++;
    }
}

/* Wait for the next interrupt and check the IRB the region holds then.
 * Interrupts may coalesce (one eventfd read for two), as they may for QEMU,
 * and an IRB may be a stale halt's: the next start simply meets -EBUSY until
 * the program has ended.  Each accepted start makes at least one interrupt
 * after the previous wait, so this never waits for an interrupt that cannot
 * come. */
static bool await_irq(struct race_arg *a, uint32_t base)
{
    struct irb irb;

    if (!efd_wait(a->t->efd[a->i][VFIO_CCW_IO_IRQ_INDEX], 30000)) {
        snprintf(a->st.failure, sizeof(a->st.failure), "mdev %u round %u: no interrupt in 30 s",
                 a->i, a->st.rounds);
        return false;
    }
    vt_irb(a->t, a->i, &irb);
    a->st.irbs++;
    if (!(irb.scsw.fctl & (SCSW_FCTL_START | SCSW_FCTL_CLEAR)))
        a->st.stale++;
    return irb_plausible(a, base, &irb);
}

static void *race_vmm(void *arg)
{
    struct race_arg *a = arg;
    uint32_t base = a->i * 0x10000u;
    struct orb o = orb_fmt1(base + PROG_ADDR);
    uint32_t seed = a->seed;

    put_prog(a->t, base);
    for (a->st.rounds = 0; a->st.rounds < a->rounds; a->st.rounds++) {
        enum race_action act = (enum race_action)(xorshift(&seed) % 5);
        if (!start_retry(a, &o))
            break;
        if (act == ACT_HALT_RUNNING)
            async_cmd(a, VFIO_CCW_ASYNC_CMD_HSCH);
        else if (act == ACT_CLEAR_RUNNING)
            async_cmd(a, VFIO_CCW_ASYNC_CMD_CSCH);
        if (!await_irq(a, base))
            break;
        /* the subchannel is idle now: the next start races this one's status */
        if (act == ACT_HALT_IDLE)
            async_cmd(a, VFIO_CCW_ASYNC_CMD_HSCH);
        else if (act == ACT_CLEAR_IDLE)
            async_cmd(a, VFIO_CCW_ASYNC_CMD_CSCH);
    }
    return NULL;
}

/* After the storm the mdev still works: a plain run ends normally and the
 * data the device sends lands in guest memory. */
static void check_usable(struct vt *t, unsigned i)
{
    uint32_t base = i * 0x10000u;
    struct orb o = orb_fmt1(base + PROG_ADDR);
    struct irb irb;

    /* drain whatever the last round left (its end, a stale halt/clear) */
    assert_int_equal(vt_async(t, i, VFIO_CCW_ASYNC_CMD_CSCH), CCW_CMD_REGION_SIZE);
    do {
        vt_wait_io(t, i);
        vt_irb(t, i, &irb);
    } while (!(irb.scsw.fctl & SCSW_FCTL_CLEAR));
    vt_settle(t, i);
    while (efd_pending(t->efd[i][VFIO_CCW_IO_IRQ_INDEX]))
        ;
    memset(t->mem + base + WRITE_BUF, 0xA0 + (int)i, REC_LEN);
    memset(t->mem + base + READ_BUF, 0, REC_LEN);
    for (;;) {
        ssize_t rc = vt_start(t, i, &o);
        if (rc == CCW_IO_REGION_SIZE)
            break;
        assert_int_equal(rc, -EBUSY);
        vt_wait_io(t, i);   /* a late interrupt of the drain */
    }
    do {
        vt_wait_io(t, i);
        vt_irb(t, i, &irb);
    } while (!(irb.scsw.fctl & SCSW_FCTL_START));
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.cstat, 0);
    assert_int_equal(irb.scsw.cpa, base + PROG_END);
    for (unsigned k = 0; k < REC_LEN; k++)
        assert_int_equal(t->mem[base + READ_BUF + k], 0xA0 + i);
}

static void report(const struct race_arg *a)
{
    printf("# mdev %u: %u rounds, %u IRBs (%u stale halt), %u halts, %u clears, %u busy starts retried\n",
           a->i, a->st.rounds, a->st.irbs, a->st.stale, a->st.halts, a->st.clears, a->st.starts_busy);
    if (a->st.failure[0])
        printf("# FAILED: %s\n", a->st.failure);
}

/* One VMM, HSCH/CSCH racing completions and the next SSCH. */
static void test_race_one_mdev(void **st)
{
    struct vt t;
    struct race_arg a = { .t = &t, .i = 0, .rounds = race_rounds(), .seed = 0x9e3779b9u };

    vt_setup(&t, 1);
    race_vmm(&a);
    report(&a);
    assert_string_equal(a.st.failure, "");
    assert_int_equal(a.st.rounds, a.rounds);
    check_usable(&t, 0);
    vt_teardown(&t);
}

/* The soak: two mdevs, two VMM threads, both racing at once. */
static void test_race_two_mdevs(void **st)
{
    struct vt t;
    struct race_arg a[2];
    pthread_t th[2];

    vt_setup(&t, 2);
    for (unsigned i = 0; i < 2; i++) {
        a[i] = (struct race_arg){ .t = &t, .i = i, .rounds = race_rounds() / 2, .seed = 0x2545f491u + i };
        assert_int_equal(pthread_create(&th[i], NULL, race_vmm, &a[i]), 0);
    }
    for (unsigned i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (unsigned i = 0; i < 2; i++) {
        report(&a[i]);
        assert_string_equal(a[i].st.failure, "");
        assert_int_equal(a[i].st.rounds, a[i].rounds);
        check_usable(&t, i);
    }
    vt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_race_one_mdev),
        cmocka_unit_test(test_race_two_mdevs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
