// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Subchannels of the host channel subsystem and the I/O instructions that
 * address them (PoP chapter 14: START, RESUME, HALT, CLEAR, CANCEL, TEST,
 * STORE and MODIFY SUBCHANNEL) with the status they leave behind (PoP
 * chapter 16: SCSW function/activity/status control, IRB, ESW format 0,
 * concurrent sense).
 *
 * An instruction only makes a function pending, as on the real machine; a
 * worker thread per subchannel then performs it (runs the channel program
 * through chan_run), makes status pending and calls the subchannel's
 * interrupt handler.  So a slow device never stalls another subchannel, and
 * HSCH/CSCH can stop a program that is in progress.
 *
 * The device is reached through a proxy ops table so that injected faults
 * (equipment checks, a slow device) look to the channel exactly like the
 * device's own behaviour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "chan/css_priv.h"

struct sch_devproxy {
    struct ccw_dev base;
    struct subchannel *sch;
};

struct subchannel {
    struct css *css;
    struct schid id;
    struct ccw_dev *dev;
    struct sch_devproxy proxy;
    pthread_mutex_t lock;
    pthread_cond_t cond;       /* work for the worker; halt/clear for a delay */
    pthread_cond_t cb_cond;    /* a handler call returned */
    unsigned in_cb;            /* handler calls in progress */
    pthread_t thread;
    bool quit;
    bool running;              /* the worker is inside chan_run/chan_resume */
    bool worker_busy;          /* the worker is inside do_work */
    bool start_here;           /* sch_ssch_here left the start to its caller */
    bool here_busy;            /* sch_run_here is inside do_work, on here_thread */
    pthread_t here_thread;
    bool prog_live;            /* prog is initialised (running or suspended) */
    bool first_cmd;            /* the started program has not reached its first command */
    /* mem: the address space of the start function in progress, from the
     * SSCH that accepted it until drop_prog hands it back (chan_mem.release) */
    bool path_lost;            /* the path in use went away */
    struct pmcw pmcw;
    struct scsw scsw;
    struct esw0 esw;
    uint8_t ecw[ECW_SIZE];
    struct orb orb;
    const struct chan_mem *mem;
    struct chan_prog prog;
    struct sch_fault fault;
    unsigned fault_gen;        /* bumped by sch_set_fault: ends a delay in progress */
    uint8_t fsense[32];        /* sense of an injected equipment check */
    bool fsense_pending;
    uint8_t unsol_dstat;       /* unsolicited device status waiting to be presented */
    sch_irq_fn irq_fn;
    void *irq_opaque;
    sch_chp_fn chp_fn;
    void *chp_opaque;
};

#define ACTL_ACTIVE (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT)

/* ---- small predicates --------------------------------------------------- */

static bool sch_oper(const struct subchannel *sch)
{
    return sch->pmcw.dnv && sch->pmcw.ena;
}

static bool status_pending(const struct subchannel *sch)
{
    return sch->scsw.stctl & SCSW_STCTL_PEND;
}

/* Status pending with anything but intermediate status alone. */
static bool status_pending_final(const struct subchannel *sch)
{
    return status_pending(sch) && sch->scsw.stctl != (SCSW_STCTL_INTER | SCSW_STCTL_PEND);
}

static uint8_t usable_paths(const struct subchannel *sch)
{
    return sch->pmcw.lpm & sch->pmcw.pam & sch->pmcw.pom;
}

static uint8_t first_path(uint8_t mask)
{
    for (uint8_t bit = 0x80; bit; bit >>= 1)
        if (mask & bit)
            return bit;
    return 0;
}

static bool stop_requested(const struct subchannel *sch)
{
    return (sch->scsw.actl & (SCSW_ACTL_HALT_PEND | SCSW_ACTL_CLEAR_PEND)) || sch->path_lost ||
           sch->quit;
}

static bool is_alert(uint8_t dstat, uint8_t cstat)
{
    return (cstat & ~SCHN_STAT_PCI) ||
           (dstat & (DEV_STAT_UNIT_CHECK | DEV_STAT_UNIT_EXCEP | DEV_STAT_ATTENTION | DEV_STAT_BUSY));
}

/* ---- presenting status --------------------------------------------------- */

/* Status is pending: tell the owner (lock dropped around the call). */
static void present(struct subchannel *sch)
{
    sch_irq_fn fn = sch->irq_fn;
    void *opaque = sch->irq_opaque;

    if (!fn)
        return;
    sch->in_cb++;
    pthread_mutex_unlock(&sch->lock);
    fn(opaque, sch);
    pthread_mutex_lock(&sch->lock);
    sch->in_cb--;
    pthread_cond_broadcast(&sch->cb_cond);
}

/* After a handler is replaced no call of the old one is still running
 * (unless the caller is that call itself, on the worker thread). */
static void wait_callbacks(struct subchannel *sch)
{
    if (pthread_equal(pthread_self(), sch->thread))
        return;
    if (sch->here_busy && pthread_equal(pthread_self(), sch->here_thread))
        return;
    while (sch->in_cb)
        pthread_cond_wait(&sch->cb_cond, &sch->lock);
}

/* The start function is over (ended, cancelled, cleared, or never began):
 * nothing reaches its address space any more, so it goes back to its owner. */
static void drop_prog(struct subchannel *sch)
{
    const struct chan_mem *mem = sch->mem;

    if (sch->prog_live) {
        chan_prog_free(&sch->prog);
        sch->prog_live = false;
    }
    sch->path_lost = false;
    sch->mem = NULL;
    if (mem && mem->release)
        mem->release(mem->opaque);
}

/* Concurrent sense (PMCW bit C): the sense bytes travel in the IRB's ECW. */
static void fetch_concurrent_sense(struct subchannel *sch)
{
    uint8_t sense[32];
    unsigned n;

    if (!(sch->scsw.dstat & DEV_STAT_UNIT_CHECK) || !sch->pmcw.csense)
        return;
    pthread_mutex_unlock(&sch->lock);
    n = sch->proxy.base.ops->sense(&sch->proxy.base, sense);
    pthread_mutex_lock(&sch->lock);
    if (n > ECW_SIZE)
        n = ECW_SIZE;
    memcpy(sch->ecw, sense, n);
    sch->esw.cons = n > 0;
    sch->esw.scnt = (uint8_t)n;
}

static void do_clear(struct subchannel *sch);

/* The start function ends (normally, by halt or by a lost path) with `cs`.
 * The sense is fetched before the status becomes pending, so a TSCH never
 * sees a unit check without its concurrent sense. */
static void end_start_function(struct subchannel *sch, const struct chan_status *cs, uint8_t extra_cstat)
{
    uint8_t stctl = SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND;

    sch->scsw.cpa = cs->cpa;
    sch->scsw.dstat = cs->dstat;
    sch->scsw.cstat = (uint8_t)((sch->scsw.cstat & SCHN_STAT_PCI) | cs->cstat | extra_cstat);
    sch->scsw.count = cs->count;
    drop_prog(sch);
    fetch_concurrent_sense(sch);
    if (sch->scsw.actl & SCSW_ACTL_CLEAR_PEND) {
        do_clear(sch);   /* CSCH arrived while the sense was fetched */
        return;
    }
    sch->scsw.actl = 0;
    if (is_alert(sch->scsw.dstat, sch->scsw.cstat)) {
        stctl |= SCSW_STCTL_ALERT;
        sch->scsw.eswf = true;
    }
    sch->scsw.stctl = (uint8_t)((sch->scsw.stctl & SCSW_STCTL_INTER) | stctl);
    sch->esw.lpum = sch->pmcw.lpum;
    present(sch);
}

/* Halt function on a subchannel with no program in progress. */
static void end_halt_idle(struct subchannel *sch)
{
    if (sch->scsw.actl & SCSW_ACTL_START_PEND) {
        sch->scsw.cpa = sch->orb.cpa;   /* the start function never began */
        drop_prog(sch);
    }
    sch->scsw.actl = 0;
    sch->scsw.stctl = SCSW_STCTL_PEND;
    present(sch);
}

/* Clear function: the device is reset and the subchannel left with clear
 * status (function control clear, status pending, nothing else). */
static void do_clear(struct subchannel *sch)
{
    drop_prog(sch);
    sch->fsense_pending = false;
    sch->unsol_dstat = 0;
    pthread_mutex_unlock(&sch->lock);
    if (sch->dev->ops->reset)
        sch->dev->ops->reset(sch->dev);
    pthread_mutex_lock(&sch->lock);
    sch->pmcw.pom = 0xff;
    sch->pmcw.pnom = 0;
    sch->pmcw.lpum = 0;
    memset(&sch->scsw, 0, sizeof(sch->scsw));
    memset(&sch->esw, 0, sizeof(sch->esw));
    memset(sch->ecw, 0, sizeof(sch->ecw));
    sch->scsw.fctl = SCSW_FCTL_CLEAR;
    sch->scsw.stctl = SCSW_STCTL_PEND;
    present(sch);
}

/* ---- the channel's hooks, called by the interpreter ---------------------- */

static void sch_pci(void *opaque, const struct chan_status *st)
{
    struct subchannel *sch = opaque;
    bool was_pending;

    pthread_mutex_lock(&sch->lock);
    was_pending = status_pending(sch);
    sch->scsw.cpa = st->cpa;
    sch->scsw.dstat = st->dstat;
    sch->scsw.cstat = (uint8_t)(st->cstat | SCHN_STAT_PCI);
    sch->scsw.count = st->count;
    sch->scsw.stctl |= SCSW_STCTL_INTER | SCSW_STCTL_PEND;
    if (!was_pending)
        present(sch);
    pthread_mutex_unlock(&sch->lock);
}

static struct timespec deadline_after(uint32_t ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/*
 * A device busy for a new program (ccw_dev_ops.busy, a DASD reserved to
 * another system): the start stays pending, asked again every
 * CHAN_BUSY_RETRY_MS, until the device takes it or HSCH/CSCH (or the end of
 * the subchannel) stops it.  Called and returns with the lock held; true
 * when the program is to stop.
 */
static bool wait_device_free(struct subchannel *sch, uint8_t code)
{
    struct ccw_dev *dev = sch->dev;

    while (!stop_requested(sch)) {
        bool busy;
        struct timespec until;

        pthread_mutex_unlock(&sch->lock);
        busy = dev->ops->busy(dev, code);
        pthread_mutex_lock(&sch->lock);
        if (!busy)
            break;
        until = deadline_after(CHAN_BUSY_RETRY_MS);
        while (!stop_requested(sch) && pthread_cond_timedwait(&sch->cond, &sch->lock, &until) != ETIMEDOUT)
            ;
    }
    return stop_requested(sch);
}

/* Before each command: a busy device holds the first one; the slow-device
 * fault waits before each, ended early by HSCH/CSCH. */
static bool sch_before_cmd(void *opaque, const struct ccw1 *ccw)
{
    struct subchannel *sch = opaque;
    bool stop;

    pthread_mutex_lock(&sch->lock);
    if (sch->first_cmd) {
        sch->first_cmd = false;
        if (sch->dev->ops->busy && wait_device_free(sch, ccw->cmd)) {
            pthread_mutex_unlock(&sch->lock);
            return true;
        }
    }
    stop = stop_requested(sch);
    if (!stop && sch->fault.delay_ms) {
        bool stuck = sch->fault.stuck;
        struct timespec until = deadline_after(sch->fault.delay_ms);
        void (*hook)(void *) = sch->fault.delay_entered;
        void *hook_opaque = sch->fault.opaque;
        unsigned gen = sch->fault_gen;

        if (hook) {
            pthread_mutex_unlock(&sch->lock);
            hook(hook_opaque);
            pthread_mutex_lock(&sch->lock);
        }
        while (gen == sch->fault_gen && !sch->quit) {
            stop = stop_requested(sch);
            if (stop && !stuck)
                break;
            if (pthread_cond_timedwait(&sch->cond, &sch->lock, &until) == ETIMEDOUT)
                break;
        }
        stop = stop_requested(sch);
    }
    pthread_mutex_unlock(&sch->lock);
    return stop;
}

/* ---- the device proxy: injected equipment checks ------------------------- */

static struct subchannel *proxy_sch(struct ccw_dev *d)
{
    return ((struct sch_devproxy *)d)->sch;
}

/* Sense of an equipment check in 24-byte compatible format (docs/eckd.md):
 * byte 0 equipment check, byte 7 format 1 message 0, byte 27 0x80. */
static void build_eqc_sense(struct subchannel *sch)
{
    memset(sch->fsense, 0, sizeof(sch->fsense));
    sch->fsense[0] = 0x10;
    sch->fsense[4] = (uint8_t)sch->pmcw.dev;
    sch->fsense[7] = 0x10;
    sch->fsense[27] = 0x80;
    sch->fsense_pending = true;
}

static bool take_eqc(struct subchannel *sch)
{
    bool inject = false;

    pthread_mutex_lock(&sch->lock);
    if (sch->fault.eqc_count) {
        sch->fault.eqc_count--;
        build_eqc_sense(sch);
        inject = true;
    }
    pthread_mutex_unlock(&sch->lock);
    return inject;
}

/* Basic sense after an injected unit check returns the injected sense. */
static bool sense_injected(struct subchannel *sch, uint8_t *buf, uint32_t *len)
{
    bool have;

    pthread_mutex_lock(&sch->lock);
    have = sch->fsense_pending;
    if (have) {
        memcpy(buf, sch->fsense, sizeof(sch->fsense));
        *len = sizeof(sch->fsense);
        sch->fsense_pending = false;
    }
    pthread_mutex_unlock(&sch->lock);
    return have;
}

static void proxy_start(struct ccw_dev *d, const struct orb *orb)
{
    struct ccw_dev *real = proxy_sch(d)->dev;

    if (real->ops->start)
        real->ops->start(real, orb);
}

static void proxy_exec(struct ccw_dev *d, const struct ccw_cmd *cmd, struct ccw_result *res)
{
    struct subchannel *sch = proxy_sch(d);

    if (cmd->code == CCW_CMD_BASIC_SENSE && sense_injected(sch, cmd->buf, &res->len)) {
        res->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
        return;
    }
    if (take_eqc(sch)) {
        res->len = 0;
        res->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
        return;
    }
    sch->dev->ops->exec(sch->dev, cmd, res);
}

static void proxy_end(struct ccw_dev *d)
{
    struct ccw_dev *real = proxy_sch(d)->dev;

    if (real->ops->end)
        real->ops->end(real);
}

static void proxy_suspend(struct ccw_dev *d)
{
    struct ccw_dev *real = proxy_sch(d)->dev;

    if (real->ops->suspend)
        real->ops->suspend(real);
}

static unsigned proxy_sense(struct ccw_dev *d, uint8_t sense[32])
{
    struct subchannel *sch = proxy_sch(d);
    uint32_t len = 0;

    if (sense_injected(sch, sense, &len))
        return len;
    return sch->dev->ops->sense ? sch->dev->ops->sense(sch->dev, sense) : 0;
}

static void proxy_reset(struct ccw_dev *d)
{
    struct ccw_dev *real = proxy_sch(d)->dev;

    if (real->ops->reset)
        real->ops->reset(real);
}

static const struct ccw_dev_ops proxy_ops = {
    .name = "css-proxy",
    .start = proxy_start,
    .exec = proxy_exec,
    .end = proxy_end,
    .suspend = proxy_suspend,
    .sense = proxy_sense,
    .reset = proxy_reset,
};

/* ---- the worker: performs the pending functions -------------------------- */

static void run_prog(struct subchannel *sch, bool resume)
{
    enum chan_state st;

    for (;;) {
        sch->running = true;
        pthread_mutex_unlock(&sch->lock);
        st = resume ? chan_resume(&sch->prog) : chan_run(&sch->prog);
        pthread_mutex_lock(&sch->lock);
        sch->running = false;
        if (sch->quit) {
            drop_prog(sch);
            return;
        }
        if (sch->scsw.actl & SCSW_ACTL_CLEAR_PEND) {
            do_clear(sch);
            return;
        }
        if (sch->path_lost) {
            end_start_function(sch, &sch->prog.status, SCHN_STAT_INTF_CTRL_CHK);
            return;
        }
        if (st != CHAN_SUSPENDED || (sch->scsw.actl & SCSW_ACTL_HALT_PEND)) {
            end_start_function(sch, &sch->prog.status, 0);
            return;
        }
        if (!(sch->scsw.actl & SCSW_ACTL_RESUME_PEND))
            break;
        sch->scsw.actl &= (uint8_t)~SCSW_ACTL_RESUME_PEND;   /* resumed before it suspended */
        resume = true;
    }
    /* Suspended: the subchannel stays start-function-active but idle. */
    sch->scsw.actl = (uint8_t)((sch->scsw.actl & ~ACTL_ACTIVE) | SCSW_ACTL_SUSPENDED);
    sch->scsw.cpa = sch->prog.status.cpa;
    sch->scsw.count = sch->prog.status.count;
    if (!sch->orb.ssic) {
        sch->scsw.stctl |= SCSW_STCTL_INTER | SCSW_STCTL_PEND;
        present(sch);
    }
}

static void do_start(struct subchannel *sch)
{
    struct chan_hooks hooks = { .opaque = sch, .pci = sch_pci, .before_cmd = sch_before_cmd };
    uint8_t path = first_path(usable_paths(sch));
    struct orb orb = sch->orb;
    int rc;

    sch->scsw.actl = (uint8_t)((sch->scsw.actl & ~SCSW_ACTL_START_PEND) | ACTL_ACTIVE);
    if (!path) {
        /* The path went away between SSCH and the start: deferred cc 3. */
        drop_prog(sch);
        sch->scsw.actl = 0;
        sch->scsw.cc = 3;
        sch->scsw.stctl = SCSW_STCTL_ALERT | SCSW_STCTL_PEND;
        present(sch);
        return;
    }
    sch->pmcw.lpum = path;
    sch->esw.lpum = path;
    pthread_mutex_unlock(&sch->lock);
    rc = chan_prog_init(&sch->prog, &orb, sch->mem, &sch->proxy.base, &hooks);
    pthread_mutex_lock(&sch->lock);
    if (rc) {
        struct chan_status cs = { .cpa = orb.cpa };
        end_start_function(sch, &cs, SCHN_STAT_CHN_CTRL_CHK);
        return;
    }
    sch->prog_live = true;
    sch->first_cmd = true;
    run_prog(sch, false);
}

static void do_halt_idle(struct subchannel *sch)
{
    if (sch->prog_live) {   /* suspended program */
        end_start_function(sch, &sch->prog.status, 0);
        return;
    }
    end_halt_idle(sch);
}

/* Unsolicited device status, once the subchannel can take it. */
static bool unsolicited_ready(const struct subchannel *sch)
{
    return sch->unsol_dstat && sch->pmcw.ena && !sch->scsw.fctl && !status_pending(sch);
}

/* The ECW of an unsolicited unit check: the sense the device holds for it,
 * as model-dependent information.  A guest senses with a basic Sense all
 * the same; Linux's cio starts that Sense and only then copies this IRB
 * over the buffer the Sense writes its bytes into (device_fsm.c,
 * ccw_device_irq).  A real channel is slower than that copy; a program
 * run at once on the doorbell thread is not, and the copy then wiped the
 * sense ("reservation lost" never reached the guest).  With the same bytes
 * in the ECW either order leaves them. */
static void unsolicited_ecw(struct subchannel *sch)
{
    struct ccw_dev *d = sch->dev;
    uint8_t sense[32];
    unsigned n;

    if (!(sch->scsw.dstat & DEV_STAT_UNIT_CHECK) || !d->ops->peek_sense)
        return;
    pthread_mutex_unlock(&sch->lock);
    n = d->ops->peek_sense(d, sense);
    pthread_mutex_lock(&sch->lock);
    if (n > ECW_SIZE)
        n = ECW_SIZE;
    memcpy(sch->ecw, sense, n);
}

static void present_unsolicited(struct subchannel *sch)
{
    memset(&sch->scsw, 0, sizeof(sch->scsw));
    memset(&sch->esw, 0, sizeof(sch->esw));
    memset(sch->ecw, 0, sizeof(sch->ecw));
    sch->scsw.dstat = sch->unsol_dstat;
    sch->scsw.stctl = SCSW_STCTL_ALERT | SCSW_STCTL_PEND;   /* SSCH gets cc 1 from here */
    sch->unsol_dstat = 0;
    unsolicited_ecw(sch);
    /* a CSCH while the device was asked withdrew the status */
    if (sch->scsw.stctl != (SCSW_STCTL_ALERT | SCSW_STCTL_PEND) || sch->scsw.fctl)
        return;
    present(sch);
}

/* do_work would find something to do. */
static bool has_work(const struct subchannel *sch)
{
    uint8_t a = sch->scsw.actl;

    return (a & (SCSW_ACTL_CLEAR_PEND | SCSW_ACTL_HALT_PEND | SCSW_ACTL_START_PEND)) ||
           (sch->path_lost && sch->prog_live) ||
           ((a & SCSW_ACTL_RESUME_PEND) && (a & SCSW_ACTL_SUSPENDED)) || unsolicited_ready(sch);
}

static bool do_work(struct subchannel *sch)
{
    uint8_t a = sch->scsw.actl;

    if (a & SCSW_ACTL_CLEAR_PEND)
        do_clear(sch);
    else if (a & SCSW_ACTL_HALT_PEND)
        do_halt_idle(sch);
    else if (sch->path_lost && sch->prog_live)
        end_start_function(sch, &sch->prog.status, SCHN_STAT_INTF_CTRL_CHK);
    else if (a & SCSW_ACTL_START_PEND)
        do_start(sch);
    else if ((a & SCSW_ACTL_RESUME_PEND) && (a & SCSW_ACTL_SUSPENDED)) {
        sch->scsw.actl = (uint8_t)((a & ~(SCSW_ACTL_RESUME_PEND | SCSW_ACTL_SUSPENDED)) | ACTL_ACTIVE);
        run_prog(sch, true);
    } else if (unsolicited_ready(sch))
        present_unsolicited(sch);
    else
        return false;
    return true;
}

static void *sch_worker(void *arg)
{
    struct subchannel *sch = arg;

    pthread_mutex_lock(&sch->lock);
    while (!sch->quit) {
        bool worked = false;
        if (!sch->here_busy) {
            sch->start_here = false;   /* whatever is pending is the worker's now */
            sch->worker_busy = true;
            worked = do_work(sch);
            sch->worker_busy = false;
        }
        if (!worked)
            pthread_cond_wait(&sch->cond, &sch->lock);
    }
    pthread_mutex_unlock(&sch->lock);
    return NULL;
}

void sch_run_here(struct subchannel *sch)
{
    pthread_mutex_lock(&sch->lock);
    if (sch->start_here && !sch->worker_busy && !sch->here_busy && !sch->quit) {
        sch->start_here = false;
        sch->here_busy = true;
        sch->here_thread = pthread_self();
        do_work(sch);
        sch->here_busy = false;
    }
    /* what came meanwhile (a halt of a suspended program, unsolicited
     * status, a start the worker must take after all) is the worker's */
    if (has_work(sch))
        pthread_cond_broadcast(&sch->cond);
    pthread_mutex_unlock(&sch->lock);
}

/* ---- the instructions ------------------------------------------------------ */

/* The start function may run on the thread that issued it: only for a
 * device of short programs with no injected delay (a slow device stays on
 * its worker). */
static bool may_run_here(const struct subchannel *sch)
{
    return sch->dev->ops->short_programs && !sch->fault.delay_ms && !sch->fault.stuck;
}

static int ssch(struct subchannel *sch, const struct orb *orb, const struct chan_mem *mem, bool *here)
{
    int cc = 0;

    pthread_mutex_lock(&sch->lock);
    if (!sch_oper(sch))
        cc = 3;
    else if (status_pending(sch))
        cc = 1;
    else if (sch->scsw.fctl)
        cc = 2;
    else if (!(orb->lpm & sch->pmcw.pam & sch->pmcw.pom))
        cc = 3;   /* no path available */
    else if (sch->fault.not_oper) {
        /* The device answers on none of the paths tried: they are noted in
         * the path-not-operational mask. */
        sch->pmcw.pnom = orb->lpm & sch->pmcw.pam & sch->pmcw.pom;
        cc = 3;
    }
    if (cc) {
        pthread_mutex_unlock(&sch->lock);
        return cc;
    }
    drop_prog(sch);   /* nothing is left of an earlier start; keeps the rule exact */
    sch->orb = *orb;
    sch->mem = mem;
    sch->pmcw.lpm = orb->lpm;
    sch->pmcw.pnom = 0;
    sch->pmcw.intparm = orb->intparm;
    memset(&sch->scsw, 0, sizeof(sch->scsw));
    memset(&sch->esw, 0, sizeof(sch->esw));
    memset(sch->ecw, 0, sizeof(sch->ecw));
    sch->scsw.key = orb->key;
    sch->scsw.sctl = orb->spnd;
    sch->scsw.fmt = orb->fmt;
    sch->scsw.pfch = orb->pfch;
    sch->scsw.isic = orb->isic;
    sch->scsw.alcc = orb->alcc;
    sch->scsw.fctl = SCSW_FCTL_START;
    sch->scsw.actl = SCSW_ACTL_START_PEND;
    if (here && may_run_here(sch)) {
        sch->start_here = true;   /* the caller's sch_run_here performs it */
        *here = true;
    } else {
        pthread_cond_broadcast(&sch->cond);
    }
    pthread_mutex_unlock(&sch->lock);
    return 0;
}

int sch_ssch(struct subchannel *sch, const struct orb *orb, const struct chan_mem *mem)
{
    return ssch(sch, orb, mem, NULL);
}

int sch_ssch_here(struct subchannel *sch, const struct orb *orb, const struct chan_mem *mem, bool *here)
{
    *here = false;
    return ssch(sch, orb, mem, here);
}

int sch_rsch(struct subchannel *sch)
{
    int cc = 0;

    pthread_mutex_lock(&sch->lock);
    if (!sch_oper(sch) || sch->fault.not_oper)
        cc = 3;
    else if (status_pending(sch))
        cc = 1;
    else if (sch->scsw.fctl != SCSW_FCTL_START || (sch->scsw.actl & SCSW_ACTL_RESUME_PEND) ||
             !sch->orb.spnd)
        cc = 2;
    else {
        sch->scsw.actl |= SCSW_ACTL_RESUME_PEND;
        pthread_cond_broadcast(&sch->cond);
    }
    pthread_mutex_unlock(&sch->lock);
    return cc;
}

int sch_hsch(struct subchannel *sch)
{
    int cc = 0;

    pthread_mutex_lock(&sch->lock);
    if (!sch_oper(sch) || sch->fault.not_oper)
        cc = 3;
    else if (status_pending_final(sch))
        cc = 1;
    else if (sch->scsw.fctl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
        cc = 2;
    else {
        sch->scsw.fctl |= SCSW_FCTL_HALT;
        sch->scsw.actl |= SCSW_ACTL_HALT_PEND;
        sch->scsw.stctl = 0;   /* intermediate status alone is withdrawn */
        if (sch->running)
            chan_prog_halt(&sch->prog);
        pthread_cond_broadcast(&sch->cond);
    }
    pthread_mutex_unlock(&sch->lock);
    return cc;
}

int sch_csch(struct subchannel *sch)
{
    pthread_mutex_lock(&sch->lock);
    if (!sch_oper(sch)) {
        pthread_mutex_unlock(&sch->lock);
        return 3;
    }
    sch->scsw.fctl = SCSW_FCTL_CLEAR;
    sch->scsw.actl = SCSW_ACTL_CLEAR_PEND;
    sch->scsw.stctl = 0;
    if (sch->running)
        chan_prog_halt(&sch->prog);
    pthread_cond_broadcast(&sch->cond);
    pthread_mutex_unlock(&sch->lock);
    return 0;
}

int sch_xsch(struct subchannel *sch)
{
    int cc = 0;

    pthread_mutex_lock(&sch->lock);
    if (!sch_oper(sch))
        cc = 3;
    else if (status_pending(sch))
        cc = 1;
    else if (sch->scsw.fctl != SCSW_FCTL_START ||
             !(sch->scsw.actl & (SCSW_ACTL_START_PEND | SCSW_ACTL_SUSPENDED)) || sch->running)
        cc = 2;
    else {
        /* Cancel: the start function is withdrawn without status. */
        drop_prog(sch);
        memset(&sch->scsw, 0, sizeof(sch->scsw));
    }
    pthread_mutex_unlock(&sch->lock);
    return cc;
}

int sch_tsch(struct subchannel *sch, struct irb *irb)
{
    int cc;

    pthread_mutex_lock(&sch->lock);
    memset(irb, 0, sizeof(*irb));
    irb->scsw = sch->scsw;
    if (!status_pending(sch)) {
        pthread_mutex_unlock(&sch->lock);
        return 1;
    }
    irb->esw = sch->esw;
    memcpy(irb->ecw, sch->ecw, sizeof(irb->ecw));
    cc = 0;
    if (!status_pending_final(sch)) {
        /* Intermediate status alone: the function goes on. */
        sch->scsw.stctl = 0;
        sch->scsw.cstat = 0;
        sch->scsw.dstat = 0;
    } else {
        memset(&sch->scsw, 0, sizeof(sch->scsw));
        memset(&sch->esw, 0, sizeof(sch->esw));
        memset(sch->ecw, 0, sizeof(sch->ecw));
        if (sch->unsol_dstat)
            pthread_cond_broadcast(&sch->cond);   /* the device's own status may come now */
    }
    pthread_mutex_unlock(&sch->lock);
    return cc;
}

int sch_stsch(struct subchannel *sch, struct schib *schib)
{
    if (!sch)
        return 3;
    pthread_mutex_lock(&sch->lock);
    memset(schib, 0, sizeof(*schib));
    schib->pmcw = sch->pmcw;
    schib->scsw = sch->scsw;
    pthread_mutex_unlock(&sch->lock);
    return 0;
}

int sch_msch(struct subchannel *sch, const struct schib *schib)
{
    const struct pmcw *p = &schib->pmcw;
    int cc = 0;

    pthread_mutex_lock(&sch->lock);
    if (!sch->pmcw.dnv)
        cc = 3;
    else if (status_pending(sch))
        cc = 1;
    else if (sch->scsw.fctl)
        cc = 2;
    else {
        /* Only the program-modifiable fields of the PMCW change. */
        sch->pmcw.intparm = p->intparm;
        sch->pmcw.isc = p->isc & 7;
        sch->pmcw.ena = p->ena;
        sch->pmcw.lm = p->lm & 3;
        sch->pmcw.mme = p->mme & 3;
        sch->pmcw.mp = p->mp;
        sch->pmcw.lpm = p->lpm;
        sch->pmcw.mbi = p->mbi;
        sch->pmcw.csense = p->csense;
        if (sch->unsol_dstat)
            pthread_cond_broadcast(&sch->cond);   /* enabled: waiting device status may come */
    }
    pthread_mutex_unlock(&sch->lock);
    return cc;
}

void sch_unsolicited(struct subchannel *sch, uint8_t dstat)
{
    pthread_mutex_lock(&sch->lock);
    sch->unsol_dstat |= dstat;
    pthread_cond_broadcast(&sch->cond);
    pthread_mutex_unlock(&sch->lock);
}

/* ---- configuration --------------------------------------------------------- */

void sch_set_irq_handler(struct subchannel *sch, sch_irq_fn fn, void *opaque)
{
    pthread_mutex_lock(&sch->lock);
    sch->irq_fn = fn;
    sch->irq_opaque = opaque;
    wait_callbacks(sch);
    pthread_mutex_unlock(&sch->lock);
}

void sch_set_chp_handler(struct subchannel *sch, sch_chp_fn fn, void *opaque)
{
    pthread_mutex_lock(&sch->lock);
    sch->chp_fn = fn;
    sch->chp_opaque = opaque;
    wait_callbacks(sch);
    pthread_mutex_unlock(&sch->lock);
}

void sch_chp_notify(struct subchannel *sch, uint8_t chpid, bool online)
{
    sch_chp_fn fn;
    void *opaque;

    pthread_mutex_lock(&sch->lock);
    fn = sch->chp_fn;
    opaque = sch->chp_opaque;
    if (fn)
        sch->in_cb++;
    pthread_mutex_unlock(&sch->lock);
    if (!fn)
        return;
    fn(opaque, sch, chpid, online);
    pthread_mutex_lock(&sch->lock);
    sch->in_cb--;
    pthread_cond_broadcast(&sch->cb_cond);
    pthread_mutex_unlock(&sch->lock);
}

void sch_set_fault(struct subchannel *sch, const struct sch_fault *f)
{
    pthread_mutex_lock(&sch->lock);
    sch->fault = *f;
    sch->fault_gen++;
    pthread_cond_broadcast(&sch->cond);   /* a delay in progress ends now */
    pthread_mutex_unlock(&sch->lock);
}

void sch_set_type(struct subchannel *sch, uint8_t st, bool qdio)
{
    pthread_mutex_lock(&sch->lock);
    sch->pmcw.st = st & 7;
    sch->pmcw.qf = qdio;
    pthread_mutex_unlock(&sch->lock);
}

struct schid sch_id(const struct subchannel *sch)
{
    return sch->id;
}

struct ccw_dev *sch_device(const struct subchannel *sch)
{
    return sch->dev;
}

bool sch_path_event(struct subchannel *sch, uint8_t cssid, uint8_t chpid, bool online)
{
    bool uses = false;

    pthread_mutex_lock(&sch->lock);
    if (sch->id.cssid != cssid) {
        pthread_mutex_unlock(&sch->lock);
        return false;
    }
    for (unsigned i = 0; i < 8; i++) {
        uint8_t bit = (uint8_t)(0x80u >> i);
        if (!(sch->pmcw.pim & bit) || sch->pmcw.chpid[i] != chpid)
            continue;
        uses = true;
        if (online) {
            sch->pmcw.pam |= bit;
            continue;
        }
        sch->pmcw.pam &= (uint8_t)~bit;
        if (sch->prog_live && sch->pmcw.lpum == bit) {
            /* I/O on the path that went away ends with interface-control check. */
            sch->path_lost = true;
            if (sch->running)
                chan_prog_halt(&sch->prog);
            pthread_cond_broadcast(&sch->cond);
        }
    }
    pthread_mutex_unlock(&sch->lock);
    return uses;
}

/* ---- the css object ---------------------------------------------------------- */

static int schid_cmp(struct schid a, struct schid b)
{
    uint32_t ka = (uint32_t)a.cssid << 24 | (uint32_t)a.ssid << 16 | a.schno;
    uint32_t kb = (uint32_t)b.cssid << 24 | (uint32_t)b.ssid << 16 | b.schno;
    return ka < kb ? -1 : ka > kb;
}

static struct subchannel *find_locked(struct css *css, struct schid id)
{
    for (unsigned i = 0; i < css->nsch; i++)
        if (!schid_cmp(css->sch[i]->id, id))
            return css->sch[i];
    return NULL;
}

static int insert_locked(struct css *css, struct subchannel *sch)
{
    unsigned pos = 0;

    if (css->nsch == css->cap) {
        unsigned cap = css->cap ? css->cap * 2 : 16;
        struct subchannel **n = realloc(css->sch, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        css->sch = n;
        css->cap = cap;
    }
    while (pos < css->nsch && schid_cmp(css->sch[pos]->id, sch->id) < 0)
        pos++;
    memmove(&css->sch[pos + 1], &css->sch[pos], (css->nsch - pos) * sizeof(*css->sch));
    css->sch[pos] = sch;
    css->nsch++;
    return 0;
}

static void init_pmcw(struct css *css, struct subchannel *sch, uint16_t devno, const uint8_t chpids[8],
                      uint8_t pim)
{
    struct pmcw *p = &sch->pmcw;

    p->dnv = true;
    p->dev = devno;
    p->st = SCH_TYPE_IO;
    p->pim = pim;
    p->pom = 0xff;
    p->lpm = pim;
    for (unsigned i = 0; i < 8; i++) {
        uint8_t bit = (uint8_t)(0x80u >> i);
        if (!(pim & bit))
            continue;
        p->chpid[i] = chpids[i];
        if (css->chp[sch->id.cssid][chpids[i]].online)
            p->pam |= bit;
    }
}

static bool chpids_defined(struct css *css, uint8_t cssid, const uint8_t chpids[8], uint8_t pim)
{
    for (unsigned i = 0; i < 8; i++)
        if ((pim & (0x80u >> i)) && !css->chp[cssid][chpids[i]].defined)
            return false;
    return true;
}

static struct subchannel *sch_alloc(struct css *css, struct schid id, struct ccw_dev *dev)
{
    struct subchannel *sch = calloc(1, sizeof(*sch));
    pthread_condattr_t ca;

    if (!sch)
        return NULL;
    sch->css = css;
    sch->id = id;
    sch->dev = dev;
    sch->proxy.base = *dev;
    sch->proxy.base.ops = &proxy_ops;
    sch->proxy.sch = sch;
    pthread_mutex_init(&sch->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sch->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&sch->cb_cond, NULL);
    return sch;
}

static void sch_destroy(struct subchannel *sch)
{
    pthread_mutex_destroy(&sch->lock);
    pthread_cond_destroy(&sch->cond);
    pthread_cond_destroy(&sch->cb_cond);
    free(sch);
}

struct subchannel *css_add_io_subchannel(struct css *css, struct schid id, uint16_t devno,
                                         struct ccw_dev *dev, const uint8_t chpids[8], uint8_t pim)
{
    struct subchannel *sch = NULL;

    if (!css || !dev || !dev->ops || !dev->ops->exec || id.cssid > CSS_MAX_CSSID || id.ssid > CSS_MAX_SSID)
        return NULL;
    pthread_mutex_lock(&css->lock);
    if (find_locked(css, id) || !chpids_defined(css, id.cssid, chpids, pim))
        goto out;
    sch = sch_alloc(css, id, dev);
    if (!sch)
        goto out;
    init_pmcw(css, sch, devno, chpids, pim);
    if (pthread_create(&sch->thread, NULL, sch_worker, sch)) {
        sch_destroy(sch);
        sch = NULL;
        goto out;
    }
    if (insert_locked(css, sch)) {
        pthread_mutex_lock(&sch->lock);
        sch->quit = true;
        pthread_cond_broadcast(&sch->cond);
        pthread_mutex_unlock(&sch->lock);
        pthread_join(sch->thread, NULL);
        sch_destroy(sch);
        sch = NULL;
    }
out:
    pthread_mutex_unlock(&css->lock);
    return sch;
}

struct subchannel *css_find_subchannel(struct css *css, struct schid id)
{
    struct subchannel *sch;

    pthread_mutex_lock(&css->lock);
    sch = find_locked(css, id);
    pthread_mutex_unlock(&css->lock);
    return sch;
}

struct subchannel *css_find_devno(struct css *css, uint8_t cssid, uint8_t ssid, uint16_t devno)
{
    struct subchannel *found = NULL;

    pthread_mutex_lock(&css->lock);
    for (unsigned i = 0; i < css->nsch && !found; i++) {
        struct subchannel *sch = css->sch[i];
        if (sch->id.cssid == cssid && sch->id.ssid == ssid && sch->pmcw.dnv && sch->pmcw.dev == devno)
            found = sch;
    }
    pthread_mutex_unlock(&css->lock);
    return found;
}

struct subchannel *css_subchannel_at(struct css *css, unsigned n)
{
    struct subchannel *sch;

    pthread_mutex_lock(&css->lock);
    sch = n < css->nsch ? css->sch[n] : NULL;
    pthread_mutex_unlock(&css->lock);
    return sch;
}

void css_for_each_sch_locked(struct css *css, void (*fn)(struct subchannel *, void *), void *opaque)
{
    for (unsigned i = 0; i < css->nsch; i++)
        fn(css->sch[i], opaque);
}

struct css *css_new(void)
{
    struct css *css = calloc(1, sizeof(*css));

    if (css)
        pthread_mutex_init(&css->lock, NULL);
    return css;
}

static void sch_shutdown(struct subchannel *sch)
{
    pthread_mutex_lock(&sch->lock);
    sch->quit = true;
    if (sch->running)
        chan_prog_halt(&sch->prog);
    pthread_cond_broadcast(&sch->cond);
    pthread_mutex_unlock(&sch->lock);
    pthread_join(sch->thread, NULL);
    drop_prog(sch);
    if (sch->dev->ops->destroy)
        sch->dev->ops->destroy(sch->dev);
    sch_destroy(sch);
}

void css_free(struct css *css)
{
    if (!css)
        return;
    for (unsigned i = 0; i < css->nsch; i++)
        sch_shutdown(css->sch[i]);
    free(css->sch);
    pthread_mutex_destroy(&css->lock);
    free(css);
}
