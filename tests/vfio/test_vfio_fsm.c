// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every cell of the vfio_ccw FSM jump table (docs/vfio.md "FSM"), fired
 * directly on an opened mdev whose state is set beforehand, with the effect
 * a user sees: the ret_code in the I/O or async region, the resulting state,
 * whether the subchannel is enabled, the IRB and the IO eventfd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "vfio/private.h"

static struct vt *env(enum vfio_ccw_state s)
{
    struct vt *t = calloc(1, sizeof(*t));

    vt_setup(t, 1);
    put_ccw1(t, 0x100, TD_NOP, 0, 0, 0);
    t->m[0]->state = s;
    return t;
}

static void done(struct vt *t)
{
    vt_teardown(t);
    free(t);
}

static void fire(struct vt *t, enum vfio_ccw_event ev)
{
    pthread_mutex_lock(&t->m[0]->io_mutex);
    vfio_ccw_fsm_event(t->m[0], ev);
    pthread_mutex_unlock(&t->m[0]->io_mutex);
}

static void prep_io(struct vt *t, uint8_t fctl)
{
    struct orb o = orb_fmt1(0x100);
    struct scsw s = { .fctl = fctl };

    orb_encode(&o, t->m[0]->io_region);
    scsw_encode(&s, t->m[0]->io_region + ORB_SIZE);
    be32_put(t->m[0]->io_region + 120, 0);
}

static void prep_async(struct vt *t, uint32_t cmd)
{
    be32_put(t->m[0]->cmd_region, cmd);
    be32_put(t->m[0]->cmd_region + 4, 0);
}

static int32_t io_ret(struct vt *t)
{
    return (int32_t)be32_get(t->m[0]->io_region + 120);
}

static int32_t cmd_ret(struct vt *t)
{
    return (int32_t)be32_get(t->m[0]->cmd_region + 4);
}

static bool enabled(struct vt *t)
{
    struct schib s;
    assert_int_equal(sch_stsch(t->sch[0], &s), 0);
    return s.pmcw.ena;
}

static enum vfio_ccw_state state(struct vt *t)
{
    enum vfio_ccw_state s;
    pthread_mutex_lock(&t->m[0]->io_mutex);
    s = t->m[0]->state;
    pthread_mutex_unlock(&t->m[0]->io_mutex);
    return s;
}

/* A final IRB of a start function, CPA one past the first CCW of the program. */
static void final_irb(struct vt *t, bool final)
{
    struct irb *i = &t->m[0]->irb;

    memset(i, 0, sizeof(*i));
    i->scsw.fctl = SCSW_FCTL_START;
    i->scsw.stctl = final ? SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND : SCSW_STCTL_INTER | SCSW_STCTL_PEND;
    i->scsw.actl = final ? 0 : SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
    i->scsw.cstat = final ? 0 : SCHN_STAT_PCI;
    i->scsw.dstat = final ? DEV_STAT_CHN_END | DEV_STAT_DEV_END : 0;
    i->scsw.cpa = CP_CHAIN_BASE + 8;
}

/* A translated (pinned) program, as if SSCH had been issued. */
static void give_cp(struct vt *t)
{
    struct orb o = orb_fmt1(0x100);
    put_ccw1(t, 0x100, TD_READ, 0, 16, 0x2000);
    assert_null(t->m[0]->cp);
    t->m[0]->cp = cp_alloc();
    assert_non_null(t->m[0]->cp);
    assert_int_equal(cp_init(t->m[0]->cp, &o, t->dma, &t->m[0]->dirty), 0);
    assert_int_equal(cp_prefetch(t->m[0]->cp), 0);
}

/* ---- NOT_OPER row ---------------------------------------------------------- */

static void test_not_oper_row(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_NOT_OPER);

    fire(t, VFIO_CCW_EVENT_NOT_OPER);                 /* nop */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    prep_io(t, SCSW_FCTL_START);
    fire(t, VFIO_CCW_EVENT_IO_REQ);                   /* io_error */
    assert_int_equal(io_ret(t), -EIO);
    assert_int_equal(t->td[0]->execs, 0);
    prep_async(t, VFIO_CCW_ASYNC_CMD_HSCH);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* async_error */
    assert_int_equal(cmd_ret(t), -EIO);
    assert_true(enabled(t));
    final_irb(t, true);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* disabled_irq: disable again */
    assert_false(enabled(t));
    assert_false(vt_irq_pending(t, 0, 0));
    fire(t, VFIO_CCW_EVENT_OPEN);                     /* nop */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    fire(t, VFIO_CCW_EVENT_CLOSE);                    /* nop */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    /* reset of a not-operational device fails with -EINVAL */
    assert_int_equal(vfio_ccw_reset(t->m[0]), -EINVAL);
    done(t);
}

/* ---- STANDBY row ------------------------------------------------------------- */

static void test_standby_row(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_STANDBY);

    prep_io(t, SCSW_FCTL_START);
    fire(t, VFIO_CCW_EVENT_IO_REQ);                   /* io_error */
    assert_int_equal(io_ret(t), -EIO);
    assert_int_equal(state(t), VFIO_CCW_STATE_STANDBY);
    prep_async(t, VFIO_CCW_ASYNC_CMD_CSCH);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* async_error */
    assert_int_equal(cmd_ret(t), -EIO);
    final_irb(t, true);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* disabled_irq */
    assert_false(enabled(t));
    assert_int_equal(state(t), VFIO_CCW_STATE_STANDBY);
    fire(t, VFIO_CCW_EVENT_OPEN);                     /* open: enable, ISC 3, IDLE */
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    assert_true(enabled(t));
    {
        struct schib s;
        sch_stsch(t->sch[0], &s);
        assert_int_equal(s.pmcw.isc, VFIO_CCW_ISC);
    }
    t->m[0]->state = VFIO_CCW_STATE_STANDBY;
    fire(t, VFIO_CCW_EVENT_CLOSE);                    /* notoper */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    t->m[0]->state = VFIO_CCW_STATE_STANDBY;
    fire(t, VFIO_CCW_EVENT_NOT_OPER);                 /* notoper */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    done(t);
}

/* ---- IDLE row ---------------------------------------------------------------- */

static void test_idle_io_request(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_IDLE);
    struct irb irb;

    prep_io(t, SCSW_FCTL_START);
    fire(t, VFIO_CCW_EVENT_IO_REQ);                   /* io_request → CP_PENDING */
    assert_int_equal(io_ret(t), 0);
    vt_wait_io(t, 0);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);  /* the final interrupt finished it */
    vt_irb(t, 0, &irb);
    assert_int_equal(irb.scsw.cpa, 0x108);            /* guest address, one past the CCW */
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_null(t->m[0]->cp);
    /* halt/clear function in the I/O region and no function at all: -EOPNOTSUPP */
    prep_io(t, SCSW_FCTL_HALT);
    fire(t, VFIO_CCW_EVENT_IO_REQ);
    assert_int_equal(io_ret(t), -EOPNOTSUPP);
    prep_io(t, SCSW_FCTL_CLEAR);
    fire(t, VFIO_CCW_EVENT_IO_REQ);
    assert_int_equal(io_ret(t), -EOPNOTSUPP);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    done(t);
}

static void test_idle_other_events(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_IDLE);
    struct irb irb;

    prep_async(t, VFIO_CCW_ASYNC_CMD_HSCH);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* async_request: HSCH cc 0 */
    assert_int_equal(cmd_ret(t), 0);
    vt_wait_io(t, 0);                                 /* the halt's interrupt */
    vt_irb(t, 0, &irb);
    assert_true(irb.scsw.fctl & SCSW_FCTL_HALT);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    prep_async(t, 0x4);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* unknown command */
    assert_int_equal(cmd_ret(t), -EINVAL);
    final_irb(t, true);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* irq: IRB to the region, signal */
    assert_true(vt_irq_pending(t, 0, 0));
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    fire(t, VFIO_CCW_EVENT_CLOSE);                    /* close: disable, STANDBY */
    assert_int_equal(state(t), VFIO_CCW_STATE_STANDBY);
    assert_false(enabled(t));
    t->m[0]->state = VFIO_CCW_STATE_IDLE;
    fire(t, VFIO_CCW_EVENT_OPEN);                     /* notoper */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    t->m[0]->state = VFIO_CCW_STATE_IDLE;
    fire(t, VFIO_CCW_EVENT_NOT_OPER);
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    done(t);
}

/* ---- CP_PROCESSING row --------------------------------------------------------- */

static void test_cp_processing_row(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_CP_PROCESSING);

    prep_io(t, SCSW_FCTL_START);
    fire(t, VFIO_CCW_EVENT_IO_REQ);                   /* retry */
    assert_int_equal(io_ret(t), -EAGAIN);
    prep_async(t, VFIO_CCW_ASYNC_CMD_HSCH);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* retry */
    assert_int_equal(cmd_ret(t), -EAGAIN);
    final_irb(t, true);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* irq, but not finished: stays */
    assert_true(vt_irq_pending(t, 0, 0));
    assert_int_equal(state(t), VFIO_CCW_STATE_CP_PROCESSING);
    fire(t, VFIO_CCW_EVENT_OPEN);                     /* notoper */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    t->m[0]->state = VFIO_CCW_STATE_CP_PROCESSING;
    fire(t, VFIO_CCW_EVENT_CLOSE);                    /* close */
    assert_int_equal(state(t), VFIO_CCW_STATE_STANDBY);
    t->m[0]->state = VFIO_CCW_STATE_CP_PROCESSING;
    fire(t, VFIO_CCW_EVENT_NOT_OPER);
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    done(t);
}

/* ---- CP_PENDING row ------------------------------------------------------------- */

static void test_cp_pending_row(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_CP_PENDING);
    uint8_t r[CCW_IO_REGION_SIZE];
    struct irb irb;

    prep_io(t, SCSW_FCTL_START);
    fire(t, VFIO_CCW_EVENT_IO_REQ);                   /* busy */
    assert_int_equal(io_ret(t), -EBUSY);
    assert_int_equal(state(t), VFIO_CCW_STATE_CP_PENDING);
    give_cp(t);
    final_irb(t, false);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* PCI: intermediate, cp stays */
    assert_non_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_CP_PENDING);
    assert_true(vt_irq_pending(t, 0, 0));
    final_irb(t, true);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                /* final: cp freed, IDLE */
    assert_true(vt_irq_pending(t, 0, 0));
    assert_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    vfio_ccw_region_read(t->m[0], 0, 0, r, sizeof(r));
    irb_decode(r + 24, &irb);
    assert_int_equal(irb.scsw.cpa, 0x108);            /* back-translated */

    t->m[0]->state = VFIO_CCW_STATE_CP_PENDING;
    prep_async(t, VFIO_CCW_ASYNC_CMD_CSCH);
    fire(t, VFIO_CCW_EVENT_ASYNC_REQ);                /* async_request accepted */
    assert_int_equal(cmd_ret(t), 0);
    vt_wait_io(t, 0);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    assert_int_equal(t->td[0]->resets, 1);

    t->m[0]->state = VFIO_CCW_STATE_CP_PENDING;
    fire(t, VFIO_CCW_EVENT_OPEN);                     /* notoper */
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    t->m[0]->state = VFIO_CCW_STATE_CP_PENDING;
    give_cp(t);
    fire(t, VFIO_CCW_EVENT_CLOSE);                    /* close frees the cp */
    assert_int_equal(state(t), VFIO_CCW_STATE_STANDBY);
    assert_null(t->m[0]->cp);
    t->m[0]->state = VFIO_CCW_STATE_CP_PENDING;
    fire(t, VFIO_CCW_EVENT_NOT_OPER);
    assert_int_equal(state(t), VFIO_CCW_STATE_NOT_OPER);
    done(t);
}

/* notoper with a program that is still running: the FSM lets go of the cp at
 * once, but the cp survives while the subchannel holds it, until the clear
 * ended the start function (CVE-2026-80549); nothing touches freed memory. */
static void post(void *sem)
{
    sem_post(sem);
}

static void test_notoper_defers_cp_free(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_IDLE);
    sem_t delay;
    struct sch_fault f = { .delay_ms = 600000, .delay_entered = post, .opaque = &delay };
    struct orb o = orb_fmt1(0x100);
    struct timespec ts;

    sem_init(&delay, 0, 0);
    put_ccw1(t, 0x100, TD_READ, 0, 16, 0x2000);
    sch_set_fault(t->sch[0], &f);
    assert_int_equal(vt_start(t, 0, &o), CCW_IO_REGION_SIZE);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 30;
    assert_int_equal(sem_timedwait(&delay, &ts), 0);
    pthread_mutex_lock(&t->m[0]->io_mutex);
    uint64_t seen = t->m[0]->irq_seq;
    struct channel_program *cp = t->m[0]->cp;
    assert_non_null(cp);
    cp_get(cp);                                       /* the test's own look at it */
    assert_int_equal(__atomic_load_n(&cp->refs, __ATOMIC_SEQ_CST), 3);  /* FSM, subchannel, test */
    vfio_ccw_fsm_event(t->m[0], VFIO_CCW_EVENT_NOT_OPER);
    assert_int_equal(t->m[0]->state, VFIO_CCW_STATE_NOT_OPER);
    assert_null(t->m[0]->cp);                         /* the FSM let go ... */
    while (t->m[0]->irq_seq == seen)                  /* the clear's interrupt */
        pthread_cond_wait(&t->m[0]->irq_cond, &t->m[0]->io_mutex);
    /* ... the subchannel let go when the clear ended the start function */
    assert_int_equal(__atomic_load_n(&cp->refs, __ATOMIC_SEQ_CST), 1);
    assert_true(cp->initialized);
    cp_put(cp);
    pthread_mutex_unlock(&t->m[0]->io_mutex);
    assert_false(vt_irq_pending(t, 0, 0));
    assert_false(enabled(t));
    assert_int_equal(t->td[0]->execs, 0);
    sem_destroy(&delay);
    done(t);
}

/* Which status ends the program in progress (issue 7, item 1): the stale
 * status of a halt that met an idle subchannel (halt function alone), a
 * suspension and intermediate status leave it in place; clear status and
 * the final status of the start function end it. */
static void irb_of(struct vt *t, uint8_t fctl, uint8_t actl, uint8_t stctl)
{
    struct irb *i = &t->m[0]->irb;

    memset(i, 0, sizeof(*i));
    i->scsw.fctl = fctl;
    i->scsw.actl = actl;
    i->scsw.stctl = stctl;
}

static void test_which_status_ends_the_program(void **st)
{
    struct vt *t = env(VFIO_CCW_STATE_CP_PENDING);

    give_cp(t);
    irb_of(t, SCSW_FCTL_HALT, 0, SCSW_STCTL_PEND);       /* halt on an idle subchannel */
    fire(t, VFIO_CCW_EVENT_INTERRUPT);
    assert_non_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_CP_PENDING);
    assert_true(vt_irq_pending(t, 0, 0));              /* still the guest's interrupt */
    irb_of(t, SCSW_FCTL_START, SCSW_ACTL_SUSPENDED, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);                   /* suspended: goes on after RSCH */
    assert_non_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_CP_PENDING);
    irb_of(t, SCSW_FCTL_CLEAR, 0, SCSW_STCTL_PEND);      /* clear ends it */
    fire(t, VFIO_CCW_EVENT_INTERRUPT);
    assert_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);

    t->m[0]->state = VFIO_CCW_STATE_CP_PENDING;
    give_cp(t);                                          /* halted in flight: start|halt */
    irb_of(t, SCSW_FCTL_START | SCSW_FCTL_HALT, 0, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
    fire(t, VFIO_CCW_EVENT_INTERRUPT);
    assert_null(t->m[0]->cp);
    assert_int_equal(state(t), VFIO_CCW_STATE_IDLE);
    done(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_oper_row),
        cmocka_unit_test(test_standby_row),
        cmocka_unit_test(test_idle_io_request),
        cmocka_unit_test(test_idle_other_events),
        cmocka_unit_test(test_cp_processing_row),
        cmocka_unit_test(test_cp_pending_row),
        cmocka_unit_test(test_notoper_defers_cp_free),
        cmocka_unit_test(test_which_status_ends_the_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
