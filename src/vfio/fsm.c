// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio_ccw finite state machine (Linux vfio_ccw_fsm.c): the
 * [state][event] jump table, the handlers that issue the subchannel
 * instructions (SSCH for an I/O request, HSCH/CSCH for the async region,
 * MSCH to enable/disable on open/close), and the completion path.
 *
 * The rules of the completion path:
 *  - The interrupt handler takes io_mutex BEFORE it takes the status (TSCH),
 *    and every SSCH/HSCH/CSCH is issued under io_mutex.  So the IRB an event
 *    handler sees and the FSM state belong to the same moment: no start can
 *    be accepted between a TSCH and the FSM's look at its IRB (the kernel
 *    gets the same from the subchannel lock around TSCH and SSCH).
 *  - The current program ends only on solicited status that ends its start
 *    function: final (no subchannel or device activity, not suspended, not
 *    intermediate status alone) with the start or clear function indicated
 *    in the IRB.  Status of a halt that met an idle subchannel (halt
 *    function alone) ends nothing.  The state becomes IDLE only then, never
 *    on a PCI or unsolicited interrupt (the 2018/2021 fixes).
 *  - The program's memory is owned by reference (cp.h): the FSM drops its
 *    reference when the program ends or the mdev is reset; the subchannel
 *    drops its own when the channel subsystem is done with it.  So no path
 *    here frees memory a worker may still reach, whatever the timing.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "vfio/private.h"

#define IO_ORB   0
#define IO_SCSW  12
#define IO_IRB   24
#define IO_RET   120


/* The current program is no longer the FSM's (it may live on in the
 * subchannel until the channel subsystem releases it). */
static void put_cp(struct vfio_ccw_mdev *m)
{
    cp_put(m->cp);
    m->cp = NULL;
}

static void set_io_ret(struct vfio_ccw_mdev *m, int ret)
{
    be32_put(m->io_region + IO_RET, (uint32_t)ret);
}

static void set_cmd_ret(struct vfio_ccw_mdev *m, int ret)
{
    be32_put(m->cmd_region + 4, (uint32_t)ret);
}

static uint32_t sch_intparm(const struct vfio_ccw_mdev *m)
{
    struct schid id = sch_id(m->sch);
    return (uint32_t)id.cssid << 24 | (uint32_t)id.ssid << 16 | id.schno;
}

/* ---- enable / disable (cio_enable_subchannel, cio_disable_subchannel) --- */

static int sch_enable(struct subchannel *sch, bool ena)
{
    struct schib schib;

    if (sch_stsch(sch, &schib))
        return -ENODEV;
    schib.pmcw.ena = ena;
    if (ena) {
        /* No concurrent sense: like the kernel's vfio_ccw (only io_subchannel
         * sets it), the guest fetches sense with its own Basic Sense, which
         * works whether or not the guest enabled concurrent sense itself. */
        schib.pmcw.isc = VFIO_CCW_ISC;
        schib.pmcw.intparm = 0;
        schib.pmcw.csense = false;
    }
    switch (sch_msch(sch, &schib)) {
    case 0:
        return 0;
    case 3:
        return -ENODEV;
    default:
        return -EBUSY;
    }
}

static void refresh_lpm(struct vfio_ccw_mdev *m)
{
    struct schib schib;

    if (!sch_stsch(m->sch, &schib))
        m->lpm = schib.pmcw.pim & schib.pmcw.pam & schib.pmcw.pom;
}

/* Wait for the next interrupt, at most 3 s (a guard, not a clock). */
static void wait_irq(struct vfio_ccw_mdev *m, uint64_t seen)
{
    struct timespec until;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 3;
    while (m->irq_seq == seen)
        if (pthread_cond_timedwait(&m->irq_cond, &m->io_mutex, &until))
            break;
}

/* vfio_ccw_sch_quiesce: end whatever runs (clear) and disable. */
static int quiesce(struct vfio_ccw_mdev *m)
{
    int ret = -EBUSY;

    m->quiescing = true;
    for (unsigned retry = 0; retry < 255 && ret == -EBUSY; retry++) {
        uint64_t seen = m->irq_seq;
        struct irb irb;
        if (sch_csch(m->sch) == 3) {
            ret = -ENODEV;
            break;
        }
        wait_irq(m, seen);
        sch_tsch(m->sch, &irb);   /* whatever is still pending is dropped */
        ret = sch_enable(m->sch, false);
    }
    m->quiescing = false;
    return ret;
}

/* ---- the handlers ---------------------------------------------------------- */

static void fsm_nop(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
}

static void fsm_notoper(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    m->state = VFIO_CCW_STATE_NOT_OPER;
    /* The program may still be running on the subchannel: stop it.  Its
     * memory stays until the channel subsystem releases it (CVE-2026-80549:
     * ownership makes this safe whatever the clear's outcome). */
    if (m->cp) {
        sch_csch(m->sch);
        put_cp(m);
    }
}

static void fsm_io_error(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    set_io_ret(m, -EIO);
}

static void fsm_io_busy(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    set_io_ret(m, -EBUSY);
}

static void fsm_io_retry(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    set_io_ret(m, -EAGAIN);
}

static void fsm_async_error(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    set_cmd_ret(m, -EIO);
}

static void fsm_async_retry(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    set_cmd_ret(m, -EAGAIN);
}

static bool irb_is_final(const struct irb *irb)
{
    return !(irb->scsw.actl & (SCSW_ACTL_DEVACT | SCSW_ACTL_SCHACT));
}

/* Status that ends the start function of the program in progress: final,
 * not a suspension nor intermediate status alone, and for the start (ended
 * normally or by halt) or clear function.  A halt that met an idle
 * subchannel reports the halt function alone: it ends no program. */
static bool irb_ends_start(const struct irb *irb)
{
    const struct scsw *s = &irb->scsw;

    if (!irb_is_final(irb) || (s->actl & SCSW_ACTL_SUSPENDED))
        return false;
    if (s->stctl == (SCSW_STCTL_INTER | SCSW_STCTL_PEND))
        return false;
    return s->fctl & (SCSW_FCTL_START | SCSW_FCTL_CLEAR);
}

/* An interrupt while disabled: disable again. */
static void fsm_disabled_irq(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    put_cp(m);
    sch_enable(m->sch, false);
}

/* SSCH with the translated program; the cc becomes the errno (fsm_io_helper).
 * On cc 0 the subchannel holds a reference of its own, and the caller's
 * reference becomes the FSM's: cp is the current program. */
static int io_helper(struct vfio_ccw_mdev *m, struct channel_program *cp)
{
    struct orb orb;
    int cc;

    cp_get_orb(cp, sch_intparm(m), m->lpm, &orb);
    cp_get(cp);   /* the subchannel's, given back by chan_mem.release */
    /* the css decides whether the writer may run it (ccw_dev_ops.short_programs) */
    if (m->want_here)
        cc = sch_ssch_here(m->sch, &orb, cp_mem(cp), &m->run_here);
    else
        cc = sch_ssch(m->sch, &orb, cp_mem(cp));
    if (cc)
        cp_put(cp);
    switch (cc) {
    case 0:
        m->cp = cp;
        m->state = VFIO_CCW_STATE_CP_PENDING;
        return 0;
    case 1:
    case 2:
        return -EBUSY;
    default: {
        struct schib schib;
        m->lpm = orb.lpm ? (uint8_t)(m->lpm & ~orb.lpm) : 0;
        if (sch_stsch(m->sch, &schib))
            return -ENODEV;
        m->lpm &= schib.pmcw.pam;
        return m->lpm ? -EACCES : -ENODEV;
    }
    }
}

/* Translate and start a new program.  It is this request's own object: a
 * failure frees only it, never the program the subchannel may be running. */
static int start_request(struct vfio_ccw_mdev *m, const struct orb *orb)
{
    struct channel_program *cp;
    int ret;

    if (orb->tm)
        return -EOPNOTSUPP;   /* transport mode is fenced off */
    if (m->cp)
        return -EBUSY;        /* cannot happen in IDLE; never replace a live program */
    cp = cp_alloc();
    if (!cp)
        return -ENOMEM;
    ret = cp_init(cp, orb, m->dma, &m->dirty);
    if (!ret)
        ret = cp_prefetch(cp);
    if (!ret)
        ret = io_helper(m, cp);
    if (ret)
        cp_put(cp);   /* never started: the request's reference was the only one */
    return ret;
}

static void fsm_io_request(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    struct orb orb;
    struct scsw scsw;
    int ret;

    m->state = VFIO_CCW_STATE_CP_PROCESSING;
    orb_decode(m->io_region + IO_ORB, &orb);
    scsw_decode(m->io_region + IO_SCSW, &scsw);
    if (scsw.fctl & SCSW_FCTL_START)
        ret = start_request(m, &orb);
    else
        ret = -EOPNOTSUPP;   /* halt/clear belong in the async region */
    if (ret)
        m->state = VFIO_CCW_STATE_IDLE;
    set_io_ret(m, ret);
}

static int do_halt(struct vfio_ccw_mdev *m)
{
    switch (sch_hsch(m->sch)) {
    case 0:
        return 0;
    case 1:
    case 2:
        return -EBUSY;
    default:
        return -ENODEV;
    }
}

static int do_clear(struct vfio_ccw_mdev *m)
{
    return sch_csch(m->sch) ? -ENODEV : 0;
}

static void fsm_async_request(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    uint32_t cmd = be32_get(m->cmd_region);
    int ret;

    if (cmd == VFIO_CCW_ASYNC_CMD_HSCH)
        ret = do_halt(m);
    else if (cmd == VFIO_CCW_ASYNC_CMD_CSCH)
        ret = do_clear(m);
    else
        ret = -EINVAL;
    set_cmd_ret(m, ret);
}

/* Unsolicited: alert status alone with cc 0 (the kernel's scsw_is_solicited). */
static bool irb_is_solicited(const struct irb *irb)
{
    return irb->scsw.cc || irb->scsw.stctl != (SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
}

/* fsm_irq + vfio_ccw_sch_io_todo: the completion, under io_mutex. */
static void fsm_irq(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    struct irb irb = m->irb;
    bool finished = false;

    if (irb_is_solicited(&irb)) {
        if (m->cp)
            cp_update_scsw(m->cp, &irb.scsw);
        if (irb_ends_start(&irb) && m->state == VFIO_CCW_STATE_CP_PENDING) {
            put_cp(m);
            finished = true;
        }
    }
    irb_encode(&irb, m->io_region + IO_IRB);
    if (finished)
        m->state = VFIO_CCW_STATE_IDLE;
    vfio_ccw_io_changed(m);   /* the shared I/O area has the IRB before the eventfd fires */
    /* Signalled under io_mutex (the kernel signals just after): when the VMM
     * sees the eventfd, the IRB and the state are already final; its next
     * write may meet -EAGAIN for a moment, which QEMU retries. */
    vfio_ccw_signal(m, VFIO_CCW_IO_IRQ_INDEX);
}

static void fsm_open(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    if (sch_enable(m->sch, true)) {
        m->state = VFIO_CCW_STATE_NOT_OPER;
        return;
    }
    refresh_lpm(m);
    m->state = VFIO_CCW_STATE_IDLE;
}

static void fsm_close(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    int ret = sch_enable(m->sch, false);

    if (ret == -EBUSY)
        ret = quiesce(m);
    if (ret) {
        vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_NOT_OPER);
        return;
    }
    m->state = VFIO_CCW_STATE_STANDBY;
    put_cp(m);
}

/* ---- the table, as in the kernel --------------------------------------------- */

const fsm_func_t vfio_ccw_jumptable[NR_VFIO_CCW_STATES][NR_VFIO_CCW_EVENTS] = {
    [VFIO_CCW_STATE_NOT_OPER] = {
        [VFIO_CCW_EVENT_NOT_OPER]  = fsm_nop,
        [VFIO_CCW_EVENT_IO_REQ]    = fsm_io_error,
        [VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_error,
        [VFIO_CCW_EVENT_INTERRUPT] = fsm_disabled_irq,
        [VFIO_CCW_EVENT_OPEN]      = fsm_nop,
        [VFIO_CCW_EVENT_CLOSE]     = fsm_nop,
    },
    [VFIO_CCW_STATE_STANDBY] = {
        [VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
        [VFIO_CCW_EVENT_IO_REQ]    = fsm_io_error,
        [VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_error,
        [VFIO_CCW_EVENT_INTERRUPT] = fsm_disabled_irq,
        [VFIO_CCW_EVENT_OPEN]      = fsm_open,
        [VFIO_CCW_EVENT_CLOSE]     = fsm_notoper,
    },
    [VFIO_CCW_STATE_IDLE] = {
        [VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
        [VFIO_CCW_EVENT_IO_REQ]    = fsm_io_request,
        [VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_request,
        [VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
        [VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
        [VFIO_CCW_EVENT_CLOSE]     = fsm_close,
    },
    [VFIO_CCW_STATE_CP_PROCESSING] = {
        [VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
        [VFIO_CCW_EVENT_IO_REQ]    = fsm_io_retry,
        [VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_retry,
        [VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
        [VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
        [VFIO_CCW_EVENT_CLOSE]     = fsm_close,
    },
    [VFIO_CCW_STATE_CP_PENDING] = {
        [VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
        [VFIO_CCW_EVENT_IO_REQ]    = fsm_io_busy,
        [VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_request,
        [VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
        [VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
        [VFIO_CCW_EVENT_CLOSE]     = fsm_close,
    },
};

void vfio_ccw_fsm_event(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev)
{
    if ((unsigned)m->state >= NR_VFIO_CCW_STATES || (unsigned)ev >= NR_VFIO_CCW_EVENTS)
        return;
    vfio_ccw_jumptable[m->state][ev](m, ev);
}

const char *vfio_ccw_state_name(enum vfio_ccw_state s)
{
    static const char *const names[] = { "NOT_OPER", "STANDBY", "IDLE", "CP_PROCESSING", "CP_PENDING" };
    return (unsigned)s < NR_VFIO_CCW_STATES ? names[s] : "?";
}

/* The subchannel's interrupt handler: io_mutex first, then TSCH for the
 * IRB (as the kernel's interrupt handler receives it), then the INTERRUPT
 * event, all in one critical section (see the rules at the top). */
void vfio_ccw_sch_irq(void *opaque, struct subchannel *sch)
{
    struct vfio_ccw_mdev *m = opaque;
    struct irb irb;

    pthread_mutex_lock(&m->io_mutex);
    if (sch_tsch(sch, &irb) == 0) {
        m->irb = irb;
        vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_INTERRUPT);
        m->irq_seq++;
        pthread_cond_broadcast(&m->irq_cond);
    }
    pthread_mutex_unlock(&m->io_mutex);
}
