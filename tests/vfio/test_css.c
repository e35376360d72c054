// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host channel subsystem: condition codes of the I/O instructions, the
 * status they leave, concurrent sense, fault injection, halt/clear of a
 * running program, PCI and suspend, path events with CRWs, concurrency.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "harness.h"

#define MEMSZ 65536

struct css_env {
    struct vt t;
    struct irq_sem irq;
    uint8_t *buf;
    struct chan_flatmem fm;
    struct chan_mem mem;
    /* a handler that stores every IRB itself, like the vfio driver */
    struct irb irbs[8];
    unsigned nirb;
    sem_t delay;
};

static struct css_env *env_new(unsigned nsch)
{
    struct css_env *e = calloc(1, sizeof(*e));

    vt_css(&e->t, nsch);
    sem_init(&e->irq.sem, 0, 0);
    sem_init(&e->delay, 0, 0);
    e->buf = calloc(1, MEMSZ);
    chan_mem_flat_init(&e->mem, &e->fm, e->buf, MEMSZ);
    for (unsigned i = 0; i < nsch; i++)
        sch_set_irq_handler(e->t.sch[i], irq_sem_handler, &e->irq);
    return e;
}

static void env_free(struct css_env *e)
{
    css_free(e->t.css);
    sem_destroy(&e->irq.sem);
    sem_destroy(&e->delay);
    free(e->buf);
    free(e);
}

static void enable(struct subchannel *sch, bool csense)
{
    struct schib s;

    assert_int_equal(sch_stsch(sch, &s), 0);
    s.pmcw.ena = true;
    s.pmcw.isc = 3;
    s.pmcw.csense = csense;
    assert_int_equal(sch_msch(sch, &s), 0);
}

static void ccw(struct css_env *e, uint32_t a, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw1_encode(&c, e->buf + a);
}

static void delay_entered(void *opaque)
{
    sem_post(opaque);
}

static void wait_delay(struct css_env *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 30;
    assert_int_equal(sem_timedwait(&e->delay, &ts), 0);
}

static void slow(struct css_env *e, unsigned i)
{
    struct sch_fault f = { .delay_ms = 600000, .delay_entered = delay_entered, .opaque = &e->delay };
    sch_set_fault(e->t.sch[i], &f);
}

/* ---- condition codes ------------------------------------------------------ */

static void test_ssch_condition_codes(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 3);        /* not enabled */
    enable(sch, false);
    o.lpm = 0x20;                                            /* no such path */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 3);
    o.lpm = 0x80;
    assert_int_equal(sch_tsch(sch, &irb), 1);               /* nothing pending */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 1);        /* status pending */
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.cpa, 0x108);
    assert_int_equal(irb.esw.lpum, 0x80);
    assert_int_equal(sch_tsch(sch, &irb), 1);               /* cleared by TSCH */

    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 2);        /* busy */
    assert_int_equal(sch_msch(sch, &(struct schib){ 0 }), 2);
    assert_int_equal(sch_hsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_hsch(sch), 1);                     /* halt status pending */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 1);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    env_free(e);
}

static void test_program_status_and_data(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, false);
    memset(e->buf + 0x1000, 0xAB, 16);
    ccw(e, 0x100, TD_WRITE, CCW_FLAG_CC, 16, 0x1000);
    ccw(e, 0x108, TD_READ, 0, 100, 0x2000);                 /* record is 16: incorrect length */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_INCORR_LEN);
    assert_true(irb.scsw.stctl & SCSW_STCTL_ALERT);
    assert_int_equal(irb.scsw.count, 84);
    assert_int_equal(irb.scsw.cpa, 0x110);
    assert_memory_equal(e->buf + 0x2000, e->buf + 0x1000, 16);
    assert_int_equal(e->t.td[0]->starts, 1);
    assert_int_equal(e->t.td[0]->ends, 1);
    env_free(e);
}

/* ---- unit check, concurrent sense and the equipment-check fault ------------- */

static void test_concurrent_sense(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, true);
    ccw(e, 0x100, TD_REJECT, 0, 0, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
    assert_true(irb.scsw.stctl & SCSW_STCTL_ALERT);
    assert_true(irb.esw.cons);
    assert_int_equal(irb.esw.scnt, 32);
    assert_int_equal(irb.ecw[0], 0x80);

    enable(sch, false);                                      /* no concurrent sense */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_false(irb.esw.cons);
    assert_int_equal(irb.ecw[0], 0);
    env_free(e);
}

static void test_equipment_check_fault(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct sch_fault f = { .eqc_count = 1 };
    struct irb irb;

    enable(sch, false);
    sch_set_fault(sch, &f);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK);
    /* basic sense fetches the equipment-check sense (docs/eckd.md "Sense choices") */
    ccw(e, 0x200, TD_SENSE, 0, 32, 0x3000);
    o.cpa = 0x200;
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.count, 0);
    assert_int_equal(e->buf[0x3000], 0x10);
    assert_int_equal(e->buf[0x3007], 0x10);
    assert_int_equal(e->buf[0x3000 + 27], 0x80);
    assert_int_equal(e->t.td[0]->execs, 0);                  /* the device never saw either */
    /* the fault is used up: the next NOP reaches the device */
    o.cpa = 0x100;
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(e->t.td[0]->execs, 1);
    env_free(e);
}

static void test_not_oper_fault(void **state)
{
    struct css_env *e = env_new(1);
    struct sch_fault f = { .not_oper = true };
    struct orb o = orb_fmt1(0x100);

    struct schib s;

    enable(e->t.sch[0], false);
    sch_set_fault(e->t.sch[0], &f);
    o.lpm = 0xC0;
    assert_int_equal(sch_ssch(e->t.sch[0], &o, &e->mem), 3);
    assert_int_equal(sch_stsch(e->t.sch[0], &s), 0);
    assert_int_equal(s.pmcw.pnom, 0xC0);             /* both paths tried, neither answered */
    assert_int_equal(sch_hsch(e->t.sch[0]), 3);
    sch_set_fault(e->t.sch[0], &(struct sch_fault){ 0 });
    assert_int_equal(sch_ssch(e->t.sch[0], &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_stsch(e->t.sch[0], &s), 0);
    assert_int_equal(s.pmcw.pnom, 0);
    env_free(e);
}

/* ---- halt and clear of a running program --------------------------------- */

static void test_halt_running(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    struct schib s;

    enable(sch, false);
    ccw(e, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    ccw(e, 0x108, TD_NOP, 0, 0, 0);
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_int_equal(s.scsw.actl, SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT);
    assert_int_equal(sch_hsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START | SCSW_FCTL_HALT);
    assert_int_equal(irb.scsw.actl, 0);
    assert_true(irb.scsw.stctl & SCSW_STCTL_PEND);
    assert_int_equal(e->t.td[0]->execs, 0);                  /* stopped before the command */
    assert_int_equal(e->t.td[0]->ends, 1);
    env_free(e);
}

static void test_clear_running(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, false);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_csch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_CLEAR);
    assert_int_equal(irb.scsw.actl, 0);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_PEND);
    assert_int_equal(irb.scsw.dstat, 0);
    assert_int_equal(e->t.td[0]->resets, 1);
    assert_int_equal(e->t.td[0]->execs, 0);
    /* clear on an idle subchannel gives clear status too */
    assert_int_equal(sch_csch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_CLEAR);
    env_free(e);
}

/* A device busy for new programs (a DASD reserved to another system): the
 * start stays pending, the device is asked again, and the program runs once
 * it is free; HSCH and CSCH end a start that waits. */
static void test_busy_device_holds_start(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct testdev *td = e->t.td[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, false);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    td->busy_asked = &e->delay;
    __atomic_store_n(&td->busy, true, __ATOMIC_RELEASE);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);                                   /* asked once ... */
    wait_delay(e);                                   /* ... and again: still waiting */
    assert_int_equal(td->execs, 0);
    assert_int_equal(__atomic_load_n(&e->irq.count, __ATOMIC_ACQUIRE), 0);
    __atomic_store_n(&td->busy, false, __ATOMIC_RELEASE);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(td->execs, 1);
    /* halt of a waiting start: ended, the command never ran */
    __atomic_store_n(&td->busy, true, __ATOMIC_RELEASE);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_hsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START | SCSW_FCTL_HALT);
    assert_int_equal(td->execs, 1);
    /* clear of a waiting start */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_csch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_CLEAR);
    assert_int_equal(td->execs, 1);
    assert_int_equal(td->resets, 1);
    td->busy_asked = NULL;
    env_free(e);
}

/* ---- PCI and suspend ----------------------------------------------------------- */

static void tsch_handler(void *opaque, struct subchannel *sch)
{
    struct css_env *e = opaque;

    if (e->nirb < 8 && sch_tsch(sch, &e->irbs[e->nirb]) == 0)
        e->nirb++;
    sem_post(&e->irq.sem);
}

static void test_pci_intermediate(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);

    enable(sch, false);
    sch_set_irq_handler(sch, tsch_handler, e);
    ccw(e, 0x100, TD_NOP, CCW_FLAG_CC | CCW_FLAG_PCI, 0, 0);
    ccw(e, 0x108, TD_NOP, 0, 0, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    irq_sem_wait(&e->irq);
    assert_int_equal(e->nirb, 2);
    assert_int_equal(e->irbs[0].scsw.stctl, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
    assert_true(e->irbs[0].scsw.cstat & SCHN_STAT_PCI);
    assert_true(e->irbs[0].scsw.actl & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT));
    assert_true(e->irbs[1].scsw.stctl & SCSW_STCTL_PRIM);
    assert_int_equal(e->irbs[1].scsw.actl, 0);
    assert_int_equal(e->irbs[1].scsw.cpa, 0x110);
    env_free(e);
}

static void test_suspend_resume_cancel(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct schib s;

    enable(sch, false);
    sch_set_irq_handler(sch, tsch_handler, e);
    ccw(e, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    ccw(e, 0x108, TD_NOP, CCW_FLAG_SUSPEND, 0, 0);
    assert_int_equal(sch_rsch(sch), 2);                      /* nothing to resume */
    o.spnd = true;
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(e->irbs[0].scsw.actl, SCSW_ACTL_SUSPENDED);
    assert_int_equal(e->irbs[0].scsw.stctl, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
    assert_int_equal(e->irbs[0].scsw.cpa, 0x110);          /* the suspended CCW + 8 */
    /* the guest clears the suspend flag and resumes */
    ccw(e, 0x108, TD_NOP, 0, 0, 0);
    assert_int_equal(sch_rsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(e->irbs[1].scsw.stctl, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
    assert_int_equal(e->irbs[1].scsw.cpa, 0x110);
    assert_int_equal(e->t.td[0]->execs, 2);
    /* suspended again, this time cancelled: no status, function ends */
    ccw(e, 0x108, TD_NOP, CCW_FLAG_SUSPEND, 0, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_xsch(sch), 0);
    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_int_equal(s.scsw.fctl, 0);
    assert_int_equal(s.scsw.actl, 0);
    assert_int_equal(sch_xsch(sch), 2);
    env_free(e);
}

static void test_halt_suspended_and_idle(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, false);
    sch_set_irq_handler(sch, tsch_handler, e);
    ccw(e, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    ccw(e, 0x108, TD_NOP, CCW_FLAG_SUSPEND, 0, 0);
    o.spnd = true;
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);                               /* suspended */
    assert_int_equal(sch_hsch(sch), 0);                  /* halt of the suspended program */
    irq_sem_wait(&e->irq);
    assert_int_equal(e->nirb, 2);
    assert_int_equal(e->irbs[1].scsw.fctl, SCSW_FCTL_START | SCSW_FCTL_HALT);
    assert_int_equal(e->irbs[1].scsw.actl, 0);
    assert_true(e->irbs[1].scsw.stctl & SCSW_STCTL_PEND);
    assert_int_equal(e->t.td[0]->execs, 1);
    /* halt of an idle subchannel: halt status, status pending alone */
    assert_int_equal(sch_hsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(e->irbs[2].scsw.fctl, SCSW_FCTL_HALT);
    assert_int_equal(e->irbs[2].scsw.stctl, SCSW_STCTL_PEND);
    assert_int_equal(sch_tsch(sch, &irb), 1);
    assert_int_equal(sch_stsch(NULL, &(struct schib){ 0 }), 3);
    env_free(e);
}

static void test_resume_before_suspend(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);

    enable(sch, false);
    sch_set_irq_handler(sch, tsch_handler, e);
    ccw(e, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    ccw(e, 0x108, TD_NOP, CCW_FLAG_SUSPEND, 0, 0);
    o.spnd = true;
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);                                       /* still before the first NOP */
    assert_int_equal(sch_rsch(sch), 0);                  /* resume pending ... */
    assert_int_equal(sch_rsch(sch), 2);                  /* ... only once */
    sch_set_fault(sch, &(struct sch_fault){ 0 });
    irq_sem_wait(&e->irq);
    /* met with resume pending, the suspended CCW is refetched at once; its
     * S flag is still one, so the program suspends (intermediate status) */
    assert_int_equal(e->nirb, 1);
    assert_int_equal(e->irbs[0].scsw.stctl, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
    assert_int_equal(e->irbs[0].scsw.actl, SCSW_ACTL_SUSPENDED);
    assert_int_equal(e->t.td[0]->execs, 1);
    ccw(e, 0x108, TD_NOP, 0, 0, 0);                      /* the program drops the S flag */
    assert_int_equal(sch_rsch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(e->irbs[1].scsw.stctl, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
    assert_int_equal(e->t.td[0]->execs, 2);
    env_free(e);
}

/* ---- MSCH / STSCH ------------------------------------------------------------------ */

static void test_msch_stsch(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct schib s;

    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_true(s.pmcw.dnv);
    assert_int_equal(s.pmcw.dev, 0x1234);
    assert_int_equal(s.pmcw.pim, 0xC0);
    assert_int_equal(s.pmcw.pam, 0xC0);
    assert_int_equal(s.pmcw.pom, 0xFF);
    assert_int_equal(s.pmcw.chpid[0], 0x40);
    assert_int_equal(s.pmcw.chpid[1], 0x41);
    assert_false(s.pmcw.ena);
    s.pmcw.ena = true;
    s.pmcw.isc = 5;
    s.pmcw.intparm = 0xdeadbeef;
    s.pmcw.lpm = 0x40;
    s.pmcw.csense = true;
    s.pmcw.dev = 0x9999;   /* not modifiable */
    s.pmcw.pim = 0xFF;     /* not modifiable */
    assert_int_equal(sch_msch(sch, &s), 0);
    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_true(s.pmcw.ena);
    assert_int_equal(s.pmcw.isc, 5);
    assert_int_equal(s.pmcw.intparm, 0xdeadbeef);
    assert_int_equal(s.pmcw.lpm, 0x40);
    assert_true(s.pmcw.csense);
    assert_int_equal(s.pmcw.dev, 0x1234);
    assert_int_equal(s.pmcw.pim, 0xC0);
    env_free(e);
}

/* ---- channel paths and CRWs ------------------------------------------------------------ */

struct chp_rec {
    unsigned calls;
    uint8_t chpid;
    bool online;
};

static void chp_handler(void *opaque, struct subchannel *sch, uint8_t chpid, bool online)
{
    struct chp_rec *r = opaque;
    r->calls++;
    r->chpid = chpid;
    r->online = online;
}

static void test_chp_vary_crw(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct chp_rec rec = { 0 };
    struct schib s;
    struct crw crw;

    sch_set_chp_handler(sch, chp_handler, &rec);
    assert_false(css_crw_pop(e->t.css, &crw));
    assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x41, false), 0);
    assert_false(css_chpid_online(e->t.css, 0, 0x41));
    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_int_equal(s.pmcw.pam, 0x80);
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.chpid, 0x41);
    assert_false(rec.online);
    assert_true(css_crw_pop(e->t.css, &crw));
    assert_int_equal(crw.rsc, CRW_RSC_CPATH);
    assert_int_equal(crw.erc, CRW_ERC_PERRN);
    assert_int_equal(crw.rsid, 0x41);
    assert_false(css_crw_pop(e->t.css, &crw));
    assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x41, true), 0);
    assert_int_equal(sch_stsch(sch, &s), 0);
    assert_int_equal(s.pmcw.pam, 0xC0);
    assert_true(rec.online);
    assert_true(css_crw_pop(e->t.css, &crw));
    assert_int_equal(crw.erc, CRW_ERC_INIT);
    assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x77, false), -ENOENT);
    assert_int_equal(css_chpid_set_online(e->t.css, 4, 0x41, false), -EINVAL);
    env_free(e);
}

static void test_path_lost_ends_io(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    enable(sch, false);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x40, false), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_INTF_CTRL_CHK);
    assert_true(irb.scsw.stctl & SCSW_STCTL_ALERT);
    /* the only path in the LPM is gone now: no path, cc 3 */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 3);
    o.lpm = 0xC0;   /* the other path still works */
    sch_set_fault(sch, &(struct sch_fault){ 0 });
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.esw.lpum, 0x40);
    env_free(e);
}

static void test_crw_overflow(void **state)
{
    struct css_env *e = env_new(1);
    struct crw crw;
    unsigned n = 0;

    for (unsigned i = 0; i < 20; i++) {
        assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x40, false), 0);
        assert_int_equal(css_chpid_set_online(e->t.css, 0, 0x40, true), 0);
    }
    while (css_crw_pop(e->t.css, &crw) && !crw.oflw) {
        assert_int_equal(crw.rsc, CRW_RSC_CPATH);
        n++;
    }
    assert_int_equal(n, 32);          /* the queue held 32 */
    assert_true(crw.oflw);            /* and then reports that some were lost */
    assert_false(css_crw_pop(e->t.css, &crw));
    env_free(e);
}

/* ---- concurrency ---------------------------------------------------------------------- */

static void test_slow_sch_does_not_stall_other(void **state)
{
    struct css_env *e = env_new(2);
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    struct schib s;

    enable(e->t.sch[0], false);
    enable(e->t.sch[1], false);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    slow(e, 0);
    assert_int_equal(sch_ssch(e->t.sch[0], &o, &e->mem), 0);
    wait_delay(e);
    assert_int_equal(sch_ssch(e->t.sch[1], &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(e->t.sch[1], &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(sch_stsch(e->t.sch[0], &s), 0);
    assert_int_equal(s.scsw.actl, SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT);   /* still running */
    assert_int_equal(sch_hsch(e->t.sch[0]), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(e->t.sch[0], &irb), 0);
    assert_true(irb.scsw.fctl & SCSW_FCTL_HALT);
    env_free(e);
}

/* ---- unsolicited device status ---------------------------------------------- */

/* A device's own status (a 3490 after a cartridge was loaded: attention,
 * device end, unit exception) waits while the subchannel is disabled or busy
 * and comes as alert status alone, no function, once it is idle. */
static void test_unsolicited_status(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    const uint8_t ready = DEV_STAT_ATTENTION | DEV_STAT_DEV_END | DEV_STAT_UNIT_EXCEP;

    sch_unsolicited(sch, ready);                             /* disabled: it waits */
    assert_int_equal(sch_tsch(sch, &irb), 1);
    enable(sch, false);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, ready);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
    assert_int_equal(irb.scsw.fctl, 0);
    assert_int_equal(irb.scsw.cc, 0);

    /* during a program it waits for the program's status to be taken */
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    sch_unsolicited(sch, ready);
    sch_set_fault(sch, &(struct sch_fault){ 0 });          /* the program goes on */
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START);      /* first the program's end */
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, ready);               /* then the device's own */
    assert_int_equal(irb.scsw.fctl, 0);

    /* a clear (selective reset) discards it: made to wait behind a running
     * program, it is gone with the clear, so the next start finds no status
     * pending (cc 0) and its end is the next interrupt */
    slow(e, 0);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    wait_delay(e);
    sch_unsolicited(sch, ready);
    assert_int_equal(sch_csch(sch), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_CLEAR);
    sch_set_fault(sch, &(struct sch_fault){ 0 });
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    env_free(e);
}

/* An unsolicited unit check carries the device's sense in its ECW (model-
 * dependent information: ERW cons stays 0, concurrent sense is off), and
 * the basic Sense that follows still returns the same bytes: Linux copies
 * the IRB over its sense buffer after starting that Sense (docs/chan.md). */
static void test_unsolicited_unit_check_ecw(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct testdev *td = e->t.td[0];
    struct orb o = orb_fmt1(0x200);
    struct irb irb;

    for (unsigned i = 0; i < sizeof td->sense; i++)
        td->sense[i] = (uint8_t)(0xA0 + i);
    td->sense_pending = true;
    enable(sch, false);
    sch_unsolicited(sch, DEV_STAT_UNIT_CHECK);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_UNIT_CHECK);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
    assert_false(irb.esw.cons);
    assert_memory_equal(irb.ecw, td->sense, sizeof td->sense);
    ccw(e, 0x200, TD_SENSE, 0, 32, 0x3000);
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 0);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_memory_equal(e->buf + 0x3000, td->sense, sizeof td->sense);
    assert_false(td->sense_pending);

    /* other unsolicited status, or no sense held: the ECW stays clear */
    sch_unsolicited(sch, DEV_STAT_UNIT_CHECK);
    irq_sem_wait(&e->irq);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    for (unsigned i = 0; i < sizeof irb.ecw; i++)
        assert_int_equal(irb.ecw[i], 0);
    env_free(e);
}

static void test_add_subchannel_checks(void **state)
{
    struct css_env *e = env_new(1);
    uint8_t chp[8] = { 0x40 };
    struct testdev *td = testdev_new();

    assert_null(css_add_io_subchannel(e->t.css, (struct schid){ 0, 0, 0 }, 1, &td->base, chp, 0x80));
    assert_null(css_add_io_subchannel(e->t.css, (struct schid){ 4, 0, 5 }, 1, &td->base, chp, 0x80));
    chp[0] = 0x99;   /* undefined chpid */
    assert_null(css_add_io_subchannel(e->t.css, (struct schid){ 0, 0, 5 }, 1, &td->base, chp, 0x80));
    assert_ptr_equal(css_find_devno(e->t.css, 0, 0, 0x1234), e->t.sch[0]);
    assert_ptr_equal(css_find_subchannel(e->t.css, (struct schid){ 0, 0, 0 }), e->t.sch[0]);
    assert_ptr_equal(css_subchannel_at(e->t.css, 0), e->t.sch[0]);
    assert_null(css_subchannel_at(e->t.css, 1));
    assert_int_equal(css_add_chpid(e->t.css, 0, 0x40, CHP_TYPE_FC), -EEXIST);
    free(td);
    env_free(e);
}

/* ---- the start performed by the caller (sch_ssch_here) ------------------- */

struct here_irq {
    sem_t sem;
    pthread_t thread;   /* where the handler ran */
    unsigned count;
};

static void here_handler(void *opaque, struct subchannel *sch)
{
    struct here_irq *h = opaque;

    h->thread = pthread_self();
    h->count++;
    sem_post(&h->sem);
}

/* The doorbell's thread runs a short program itself: the interrupt comes on
 * that thread, with the status sch_ssch would have given, and nothing runs
 * before sch_run_here is called (no worker handoff). */
static void test_ssch_here_runs_on_caller(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct here_irq h = { .count = 0 };
    struct irb irb;
    bool here = false;

    sem_init(&h.sem, 0, 0);
    sch_set_irq_handler(sch, here_handler, &h);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    assert_int_equal(sch_ssch_here(sch, &o, &e->mem, &here), 3);   /* not enabled: no start */
    assert_false(here);
    enable(sch, false);
    assert_int_equal(sch_ssch_here(sch, &o, &e->mem, &here), 0);
    assert_true(here);
    assert_int_equal(h.count, 0);                                    /* left to the caller */
    assert_int_equal(sch_ssch(sch, &o, &e->mem), 2);                 /* the start is pending */
    sch_run_here(sch);
    assert_int_equal(h.count, 1);
    assert_true(pthread_equal(h.thread, pthread_self()));
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.cpa, 0x108);
    sch_run_here(sch);                                               /* nothing left: no-op */
    assert_int_equal(h.count, 1);
    sch_set_irq_handler(sch, NULL, NULL);
    sem_destroy(&h.sem);
    env_free(e);
}

/* A start left to the caller is never lost: the next instruction (here a
 * HSCH) wakes the worker, which performs it; a late sch_run_here does
 * nothing.  With a slow device the worker takes the start at once. */
static void test_ssch_here_falls_back_to_worker(void **state)
{
    struct css_env *e = env_new(1);
    struct subchannel *sch = e->t.sch[0];
    struct orb o = orb_fmt1(0x100);
    struct here_irq h = { .count = 0 };
    struct irb irb;
    bool here = false;

    sem_init(&h.sem, 0, 0);
    sch_set_irq_handler(sch, here_handler, &h);
    ccw(e, 0x100, TD_NOP, 0, 0, 0);
    enable(sch, false);
    assert_int_equal(sch_ssch_here(sch, &o, &e->mem, &here), 0);
    assert_true(here);
    assert_int_equal(sch_hsch(sch), 0);
    assert_int_equal(sem_wait(&h.sem), 0);
    assert_false(pthread_equal(h.thread, pthread_self()));
    sch_run_here(sch);
    assert_int_equal(h.count, 1);
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_true(irb.scsw.fctl & SCSW_FCTL_START);
    assert_false(irb.scsw.actl & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT));

    slow(e, 0);
    assert_int_equal(sch_ssch_here(sch, &o, &e->mem, &here), 0);
    assert_false(here);                                              /* the worker has it */
    wait_delay(e);
    assert_false(pthread_equal(h.thread, pthread_self()));
    assert_int_equal(sch_csch(sch), 0);
    assert_int_equal(sem_wait(&h.sem), 0);
    assert_int_equal(h.count, 2);
    assert_int_equal(sch_tsch(sch, &irb), 0);

    /* a device whose programs may wait on a medium (a tape) never runs one
     * on the caller, delay or not */
    sch_set_fault(sch, &(struct sch_fault){ 0 });
    e->t.td[0]->ops.short_programs = false;
    assert_int_equal(sch_ssch_here(sch, &o, &e->mem, &here), 0);
    assert_false(here);
    assert_int_equal(sem_wait(&h.sem), 0);
    assert_int_equal(h.count, 3);
    assert_false(pthread_equal(h.thread, pthread_self()));
    assert_int_equal(sch_tsch(sch, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    sch_set_irq_handler(sch, NULL, NULL);
    sem_destroy(&h.sem);
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssch_condition_codes),
        cmocka_unit_test(test_program_status_and_data),
        cmocka_unit_test(test_concurrent_sense),
        cmocka_unit_test(test_equipment_check_fault),
        cmocka_unit_test(test_not_oper_fault),
        cmocka_unit_test(test_halt_running),
        cmocka_unit_test(test_clear_running),
        cmocka_unit_test(test_busy_device_holds_start),
        cmocka_unit_test(test_pci_intermediate),
        cmocka_unit_test(test_suspend_resume_cancel),
        cmocka_unit_test(test_halt_suspended_and_idle),
        cmocka_unit_test(test_resume_before_suspend),
        cmocka_unit_test(test_msch_stsch),
        cmocka_unit_test(test_chp_vary_crw),
        cmocka_unit_test(test_path_lost_ends_io),
        cmocka_unit_test(test_crw_overflow),
        cmocka_unit_test(test_slow_sch_does_not_stall_other),
        cmocka_unit_test(test_add_subchannel_checks),
        cmocka_unit_test(test_unsolicited_status),
        cmocka_unit_test(test_unsolicited_unit_check_ecw),
        cmocka_unit_test(test_ssch_here_runs_on_caller),
        cmocka_unit_test(test_ssch_here_falls_back_to_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
