// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program interpreter: program-controlled interruption, suspend and
 * resume, and halt from another thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "fixture.h"

/* PCI on the 2nd CCW: one intermediate status with PCI and that CCW + 8;
 * the final status does not repeat it (it was presented). */
static void test_pci_intermediate(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CC | CCW_FLAG_PCI, 8, 0x2000);
    fx_ccw1(f, 0x1010, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->npci, 1);
    assert_int_equal(f->pci[0].cpa, 0x1010);
    assert_int_equal(f->pci[0].cstat, SCHN_STAT_PCI);
    assert_int_equal(f->pci[0].dstat, 0);
    assert_int_equal(f->dev.ncalls, 3);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.cpa, 0x1018);
    fx_free(f);
}

/* No one to present the intermediate interruption to: PCI stays pending
 * and shows up in the final status. */
static void test_pci_in_final_status(void **state)
{
    struct fx *f = fx_new(true);
    f->hooks.pci = NULL;
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CC | CCW_FLAG_PCI, 8, 0x2000);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PCI);
    assert_int_equal(f->p.status.dstat, CE_DE);
    assert_int_equal(f->p.status.cpa, 0x1010);
    fx_free(f);
}

/* PCI on a data-chained CCW is signalled with that CCW's address when the
 * transfer reaches it, and not at all when the record ends before it. */
static void test_pci_in_data_chain(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_PCI, 4, 0x3000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->npci, 1);
    assert_int_equal(f->pci[0].cpa, 0x1010);
    assert_int_equal(f->mem[0x3003], fx_pattern(7));
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD | CCW_FLAG_SLI, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CD | CCW_FLAG_SLI, 4, 0x3000);
    fx_ccw1(f, 0x1010, 0x02, CCW_FLAG_PCI | CCW_FLAG_SLI, 4, 0x4000);
    fx_respond(f, 0, 6, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->npci, 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.count, 2);
    fx_free(f);
}

/* Suspend at the 2nd CCW; resume with the flag still set suspends again;
 * after the program clears it, resume runs the CCW as a new first command. */
static void test_suspend_resume(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.spnd = true;
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CC | CCW_FLAG_SUSPEND, 8, 0x2000);
    fx_ccw1(f, 0x1010, 0x03, CCW_FLAG_SLI, 0, 0);

    assert_int_equal(fx_run(f), CHAN_SUSPENDED);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->dev.ends, 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.count, 8);
    assert_int_equal(f->p.status.dstat, 0);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->mem[0x2000], 0);

    assert_int_equal(chan_resume(&f->p), CHAN_SUSPENDED);
    assert_int_equal(f->dev.ncalls, 1);

    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CC, 8, 0x2000);
    assert_int_equal(chan_resume(&f->p), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 3);
    assert_int_equal(f->dev.starts, 1);
    assert_int_equal(f->dev.ends, 1);
    assert_false(f->dev.calls[1].chained);
    assert_int_equal(f->dev.calls[1].seq, 0);
    assert_true(f->dev.calls[2].chained);
    assert_int_equal(f->mem[0x2007], fx_pattern(7));
    assert_int_equal(f->p.status.cpa, 0x1018);
    assert_int_equal(f->p.status.dstat, CE_DE);
    fx_free(f);
}

/* Suspend flag on the very first CCW: nothing runs until resumed. */
static void test_suspend_first_ccw(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.spnd = true;
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, 0, 0);
    assert_int_equal(fx_run(f), CHAN_SUSPENDED);
    assert_int_equal(f->dev.ncalls, 0);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(chan_resume(&f->p), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    fx_free(f);
}

/* S flag without ORB suspend control, or in a data-chained CCW. */
static void test_suspend_invalid(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, 0, 0);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_free(f);

    f = fx_new(true);
    f->orb.spnd = true;
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CD, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_SUSPEND, 4, 0x3000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->dev.ncalls, 0);
    fx_free(f);
}

/* A suspended CCW's PCI is signalled when it is resumed and executed, not
 * when the channel stops in front of it. */
static void test_pci_on_suspended_ccw(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.spnd = true;
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_SUSPEND | CCW_FLAG_PCI, 8, 0x2000);
    assert_int_equal(fx_run(f), CHAN_SUSPENDED);
    assert_int_equal(f->npci, 0);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_PCI, 8, 0x2000);
    assert_int_equal(chan_resume(&f->p), CHAN_DONE);
    assert_int_equal(f->npci, 1);
    assert_int_equal(f->pci[0].cpa, 0x1008);
    assert_int_equal(f->mem[0x2007], fx_pattern(7));
    fx_free(f);
}

/* The program turns its suspended CCW into a TIC to CCWs it appended:
 * resume follows the TIC (the first-CCW rule applies only to the start). */
static void test_resume_at_tic(void **state)
{
    struct fx *f = fx_new(true);
    f->orb.spnd = true;
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI | CCW_FLAG_SUSPEND, 0, 0);
    assert_int_equal(fx_run(f), CHAN_SUSPENDED);
    fx_ccw1(f, 0x3000, 0x02, 0, 4, 0x2000);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x3000);
    assert_int_equal(chan_resume(&f->p), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.cpa, 0x3008);
    assert_int_equal(f->dev.ncalls, 2);
    assert_int_equal(f->mem[0x2003], fx_pattern(3));
    fx_free(f);
}

/* ---- halt from another thread --------------------------------------------- */

struct halt_sync {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool reached, halted;
    unsigned at_cmd, seen;
    bool abort_cmd; /* before_cmd returns true once halted */
    struct fx *f;
};

/* Runs in the interpreter thread before each command: at command `at_cmd`
 * it tells the test thread and waits until the halt has been requested. */
static bool halt_before_cmd(void *opaque, const struct ccw1 *ccw)
{
    struct halt_sync *h = opaque;
    bool stop = false;

    pthread_mutex_lock(&h->lock);
    if (h->seen++ == h->at_cmd) {
        h->reached = true;
        pthread_cond_broadcast(&h->cond);
        while (!h->halted)
            pthread_cond_wait(&h->cond, &h->lock);
        stop = h->abort_cmd && chan_prog_halt_requested(&h->f->p);
    }
    pthread_mutex_unlock(&h->lock);
    return stop;
}

static void *runner(void *arg)
{
    struct halt_sync *h = arg;
    fx_run(h->f);
    return NULL;
}

static void run_halt(bool abort_cmd, unsigned *ncalls, struct chan_prog *out)
{
    struct fx *f = fx_new(true);
    struct halt_sync h = { .at_cmd = 2, .abort_cmd = abort_cmd, .f = f };
    pthread_t t;

    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    for (unsigned i = 0; i < 8; i++)
        fx_ccw1(f, 0x1000 + 8 * i, 0x03, CCW_FLAG_SLI | (i < 7 ? CCW_FLAG_CC : 0), 0, 0);
    f->hooks.opaque = &h;
    f->hooks.before_cmd = halt_before_cmd;

    pthread_create(&t, NULL, runner, &h);
    pthread_mutex_lock(&h.lock);
    while (!h.reached)
        pthread_cond_wait(&h.cond, &h.lock);
    chan_prog_halt(&f->p);
    h.halted = true;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    pthread_join(t, NULL);

    *ncalls = f->dev.ncalls;
    assert_int_equal(f->dev.ends, 1);
    out->state = f->p.state;
    out->status = f->p.status;
    pthread_cond_destroy(&h.cond);
    pthread_mutex_destroy(&h.lock);
    fx_free(f);
}

/* The delay hook aborts the 3rd command: halted with the status of the 2nd. */
static void test_halt_aborts_command(void **state)
{
    unsigned n;
    struct chan_prog p;
    run_halt(true, &n, &p);
    assert_int_equal(p.state, CHAN_HALTED);
    assert_int_equal(n, 2);
    assert_int_equal(p.status.cpa, 0x1010);
    assert_int_equal(p.status.dstat, CE_DE);
}

/* The 3rd command completes, the program stops at the next CCW boundary. */
static void test_halt_at_ccw_boundary(void **state)
{
    unsigned n;
    struct chan_prog p;
    run_halt(false, &n, &p);
    assert_int_equal(p.state, CHAN_HALTED);
    assert_int_equal(n, 3);
    assert_int_equal(p.status.cpa, 0x1018);
}

/* Halt before the program starts: nothing runs. */
static void test_halt_before_start(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(chan_prog_init(&f->p, &f->orb, &f->cm, &f->dev.dev, &f->hooks), 0);
    chan_prog_halt(&f->p);
    assert_true(chan_prog_halt_requested(&f->p));
    assert_int_equal(chan_run(&f->p), CHAN_HALTED);
    assert_int_equal(f->dev.ncalls, 0);
    assert_int_equal(f->p.status.cpa, 0x1000);
    /* a halted program stays halted */
    assert_int_equal(chan_run(&f->p), CHAN_HALTED);
    assert_int_equal(chan_resume(&f->p), CHAN_HALTED);
    fx_free(f);
}

/* A program that was never set up, or was freed, is refused cleanly:
 * halting it is a no-op and running it ends in channel-control check. */
static void test_unprepared_program(void **state)
{
    struct chan_prog p;
    memset(&p, 0, sizeof(p));
    chan_prog_halt(&p);
    assert_false(chan_prog_halt_requested(&p));
    assert_int_equal(chan_run(&p), CHAN_DONE);
    assert_int_equal(p.status.cstat, SCHN_STAT_CHN_CTRL_CHK);
    chan_prog_free(&p);

    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(fx_run(f), CHAN_DONE);
    chan_prog_free(&f->p);
    chan_prog_halt(&f->p);
    assert_int_equal(chan_run(&f->p), CHAN_DONE);
    assert_int_equal(chan_resume(&f->p), CHAN_DONE);
    fx_free(f);

    /* a device without an exec operation cannot be driven */
    static const struct ccw_dev_ops no_exec = { .name = "none" };
    struct ccw_dev dev = { .ops = &no_exec };
    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI, 0, 0);
    assert_int_equal(chan_prog_init(&f->p, &f->orb, &f->cm, &dev, NULL), 0);
    assert_int_equal(chan_run(&f->p), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_CHN_CTRL_CHK);
    fx_free(f);
}

static void *run_only(void *arg)
{
    chan_run(arg);
    return NULL;
}

/* Halt racing a running program at an arbitrary moment: whatever the
 * interleaving, the program stops at a CCW boundary (or completes), and a
 * halted program's status names the last CCW it executed. */
static void test_halt_race(void **state)
{
    for (int iter = 0; iter < 200; iter++) {
        struct fx *f = fx_new(true);
        pthread_t t;

        for (unsigned i = 0; i < 64; i++)
            fx_ccw1(f, 0x1000 + 8 * i, 0x03, CCW_FLAG_SLI | (i < 63 ? CCW_FLAG_CC : 0), 0, 0);
        assert_int_equal(chan_prog_init(&f->p, &f->orb, &f->cm, &f->dev.dev, &f->hooks), 0);
        pthread_create(&t, NULL, run_only, &f->p);
        chan_prog_halt(&f->p);
        pthread_join(t, NULL);

        assert_true(f->p.state == CHAN_HALTED || f->p.state == CHAN_DONE);
        assert_int_equal(f->dev.ends, 1);
        if (f->p.state == CHAN_DONE)
            assert_int_equal(f->dev.ncalls, 64);
        else if (f->dev.ncalls == 0)
            assert_int_equal(f->p.status.cpa, 0x1000);
        else
            assert_int_equal(f->p.status.cpa, 0x1000 + 8 * f->dev.ncalls);
        fx_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pci_intermediate),
        cmocka_unit_test(test_pci_in_final_status),
        cmocka_unit_test(test_pci_in_data_chain),
        cmocka_unit_test(test_suspend_resume),
        cmocka_unit_test(test_suspend_first_ccw),
        cmocka_unit_test(test_suspend_invalid),
        cmocka_unit_test(test_pci_on_suspended_ccw),
        cmocka_unit_test(test_resume_at_tic),
        cmocka_unit_test(test_halt_aborts_command),
        cmocka_unit_test(test_halt_at_ccw_boundary),
        cmocka_unit_test(test_halt_before_start),
        cmocka_unit_test(test_halt_race),
        cmocka_unit_test(test_unprepared_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
