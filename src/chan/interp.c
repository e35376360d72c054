// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The channel-program interpreter (PoP ch. 15 "Basic I/O functions" and
 * ch. 16 "I/O interruptions"): command chaining, data chaining resolved
 * around a single device call, SLI / incorrect length, skip, read backward,
 * PCI, suspend and resume, status modifier, and the residual count and CCW
 * address of the status the subchannel presents.
 *
 * One "command" is a data chain: the CCW that carries the command code and
 * every CCW data-chained to it.  The channel fetches and checks the whole
 * chain, gathers output data, calls the device once, scatters input data,
 * and then decides from the device status whether to chain the next command.
 * So a program check in a later CCW of a data chain is reported before any
 * of the chain's data moves, where a real channel might already have
 * transferred the earlier areas; status, CPA and count are the same.
 *
 * ORB fields used here: key (passed to every storage access), F (CCW
 * format), H/T (IDAW format and block size), S (suspend control), L
 * (incorrect-length suppression) and the CPA.  P (prefetch) is not needed:
 * the next command's CCW is fetched only after the previous one ended, so
 * programs that build their own next CCWs (IPL, dynamic programs) work.
 * The rest (I, U, Y, M, C, A, LPM, X) is subchannel-level or not modelled.
 */
#include "chan/interp_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Data-chain slots allocated up front; most programs never chain data. */
#define DC_INITIAL 16u

enum step { STEP_CHAIN, STEP_END, STEP_SUSPEND, STEP_HALT };

int chan_prog_init(struct chan_prog *p, const struct orb *orb, const struct chan_mem *mem,
                   struct ccw_dev *dev, const struct chan_hooks *hooks)
{
    struct chan_prog_priv *pv = calloc(1, sizeof(*pv));

    memset(p, 0, sizeof(*p));
    if (!pv)
        return -ENOMEM;
    pv->buf = malloc(CHAN_IOBUF_SIZE);
    pv->dc_cap = DC_INITIAL;
    pv->dc = malloc(pv->dc_cap * sizeof(*pv->dc));
    if (!pv->buf || !pv->dc) {
        free(pv->buf);
        free(pv->dc);
        free(pv);
        return -ENOMEM;
    }
    atomic_init(&pv->halt, false);
    p->orb = *orb;
    p->mem = mem;
    p->dev = dev;
    if (hooks)
        p->hooks = *hooks;
    p->state = CHAN_RUNNING;
    p->status.cpa = orb->cpa;
    p->priv = pv;
    pv->next = orb->cpa;
    pv->at_start = true;
    return 0;
}

void chan_prog_free(struct chan_prog *p)
{
    if (!p->priv)
        return;
    free(p->priv->buf);
    free(p->priv->dc);
    free(p->priv);
    p->priv = NULL;
}

/* Both tolerate a program that was never set up or already freed. */
void chan_prog_halt(struct chan_prog *p)
{
    if (p->priv)
        atomic_store(&p->priv->halt, true);
}

bool chan_prog_halt_requested(const struct chan_prog *p)
{
    return p->priv && atomic_load(&p->priv->halt);
}

/* ---- PCI ------------------------------------------------------------------ */

/* A CCW with the PCI flag became current: intermediate status with PCI and
 * the CCW address + 8.  Without a hook the condition stays pending and is
 * merged into the final status, as when the program has not cleared it. */
static void pci_signal(struct chan_prog *p, const struct dc_ccw *c)
{
    struct chan_status st = { .cpa = (uint32_t)(c->addr + 8), .cstat = SCHN_STAT_PCI };

    if (p->hooks.pci)
        p->hooks.pci(p->hooks.opaque, &st);
    else
        p->priv->pci_unpresented = true;
}

/* ---- building the data chain -------------------------------------------------- */

/* Suspend flag on the first CCW of a command: stop before executing it when
 * the ORB allows suspension (the SCSW shows the CCW address + 8 and its
 * count); without ORB S, or on a data-chained CCW, it is a program check. */
static enum step check_suspend(struct chan_prog *p, const struct dc_ccw *c, bool in_dc)
{
    if (!(c->ccw.flags & CCW_FLAG_SUSPEND))
        return STEP_CHAIN;
    if (!p->orb.spnd || in_dc) {
        interp_fail(p, c->addr, SCHN_STAT_PROG_CHECK, c->ccw.count);
        return STEP_END;
    }
    p->status.cpa = (uint32_t)(c->addr + 8);
    p->status.dstat = 0;
    p->status.cstat = 0;
    p->status.count = c->ccw.count;
    p->priv->next = c->addr;
    return STEP_SUSPEND;
}

/* Room for one more CCW in the data chain (up to CHAN_MAX_DC_CCWS). */
static bool dc_reserve(struct chan_prog_priv *pv)
{
    struct dc_ccw *n;
    unsigned cap;

    if (pv->ndc < pv->dc_cap)
        return true;
    cap = pv->dc_cap * 2 > CHAN_MAX_DC_CCWS ? CHAN_MAX_DC_CCWS : pv->dc_cap * 2;
    if (cap <= pv->dc_cap)
        return false;
    n = realloc(pv->dc, cap * sizeof(*n));
    if (!n)
        return false;
    pv->dc = n;
    pv->dc_cap = cap;
    return true;
}

/* Fetches and checks one CCW of the chain into priv->dc[ndc]. */
static enum step fetch_chain_ccw(struct chan_prog *p, bool in_dc)
{
    struct chan_prog_priv *pv = p->priv;
    struct dc_ccw *c;
    enum step s;

    if (!dc_reserve(pv)) {
        /* host out of memory: a channel malfunction, not a program error */
        interp_fail(p, pv->next, SCHN_STAT_CHN_CTRL_CHK, 0);
        return STEP_END;
    }
    c = &pv->dc[pv->ndc];
    if (!interp_fetch_ccw(p, c))
        return STEP_END;
    s = check_suspend(p, c, in_dc);
    if (s != STEP_CHAIN)
        return s;
    if (!interp_check_ccw(p, c, in_dc))
        return STEP_END;
    if (!in_dc && (c->ccw.flags & CCW_FLAG_PCI))
        pci_signal(p, c);   /* a data-chained CCW's PCI waits until it is reached */
    return STEP_CHAIN;
}

/* Fetches the command's CCW and every CCW data-chained to it into priv->dc;
 * the chain must fit the implementation limits (CHAN_MAX_DC_CCWS CCWs,
 * CHAN_IOBUF_SIZE bytes). */
static enum step build_chain(struct chan_prog *p, uint32_t *total)
{
    struct chan_prog_priv *pv = p->priv;
    bool more = true;

    pv->ndc = 0;
    *total = 0;
    while (more) {
        enum step s = fetch_chain_ccw(p, pv->ndc > 0);
        const struct dc_ccw *c = &pv->dc[pv->ndc];

        if (s != STEP_CHAIN)
            return s;
        more = (c->ccw.flags & CCW_FLAG_CD) != 0;
        *total += c->ccw.count;
        pv->ndc++;
        pv->next = c->addr + 8;
        if (*total > CHAN_IOBUF_SIZE || (more && pv->ndc == CHAN_MAX_DC_CCWS)) {
            interp_fail(p, c->addr, SCHN_STAT_PROG_CHECK, c->ccw.count);
            return STEP_END;
        }
    }
    return STEP_CHAIN;
}

/* ---- moving the data ------------------------------------------------------------ */

static bool is_input(enum ccw_dir d)
{
    return d == CCW_DIR_READ || d == CCW_DIR_READ_BACKWARD || d == CCW_DIR_SENSE;
}

/* Output: gather the areas of the data chain into the buffer.  NOP (0x03)
 * transfers no data, so its data address is never used. */
static bool gather(struct chan_prog *p, uint8_t code)
{
    struct chan_prog_priv *pv = p->priv;
    uint32_t off = 0;

    if (code == CCW_CMD_NOOP)
        return true;
    for (unsigned i = 0; i < pv->ndc; i++) {
        const struct dc_ccw *c = &pv->dc[i];
        uint32_t moved;
        uint8_t cs = interp_xfer(p, &c->ccw, pv->buf + off, c->ccw.count, false, false, &moved);
        if (cs) {
            interp_fail(p, c->addr, cs, (uint16_t)(c->ccw.count - moved));
            return false;
        }
        off += c->ccw.count;
    }
    return true;
}

/* Spread `len` transferred bytes over the CCWs of the chain (done counts). */
static void distribute(struct chan_prog_priv *pv, uint32_t len)
{
    for (unsigned i = 0; i < pv->ndc; i++) {
        uint32_t n = pv->dc[i].ccw.count < len ? pv->dc[i].ccw.count : len;
        pv->dc[i].done = n;
        len -= n;
    }
}

/* Input: store the received bytes CCW by CCW; a CCW with SKIP consumes its
 * share of the data without storing it. */
static bool scatter(struct chan_prog *p, bool backward)
{
    struct chan_prog_priv *pv = p->priv;
    uint32_t off = 0;

    for (unsigned i = 0; i < pv->ndc; i++) {
        struct dc_ccw *c = &pv->dc[i];
        uint32_t moved;
        uint8_t cs = 0;

        if (!(c->ccw.flags & CCW_FLAG_SKIP))
            cs = interp_xfer(p, &c->ccw, pv->buf + off, c->done, true, backward, &moved);
        if (cs) {
            interp_fail(p, c->addr, cs, (uint16_t)(c->ccw.count - moved));
            return false;
        }
        off += c->done;
    }
    return true;
}

/* ---- ending a command -------------------------------------------------------------- */

/* The CCW that ends the transfer: the first whose area was not used up (the
 * channel has already fetched it when the previous one was exhausted), else
 * the last of the chain. */
static unsigned ending_ccw(const struct chan_prog_priv *pv)
{
    for (unsigned i = 0; i < pv->ndc; i++)
        if (pv->dc[i].done < pv->dc[i].ccw.count)
            return i;
    return pv->ndc - 1;
}

/*
 * Incorrect length: the device's length differs from the chain's count.
 * SLI suppresses it only on a CCW without CD (a transfer ending early inside
 * a data chain is always reported).  Never reported for a command the device
 * rejected during initiation (unit check or busy before any data), nor for
 * an immediate operation (a control command that transferred nothing) with
 * format-0 CCWs or, for format-1 CCWs, in incorrect-length-suppression mode
 * (ORB L).
 */
static bool incorrect_length(const struct chan_prog *p, enum ccw_dir dir, uint32_t len,
                             uint32_t total, const struct ccw1 *end, uint8_t unitstat)
{
    if (len == total)
        return false;
    if (len == 0 && (unitstat & (DEV_STAT_UNIT_CHECK | DEV_STAT_BUSY)))
        return false;
    if (dir == CCW_DIR_CONTROL && len == 0 && (!p->orb.fmt || p->orb.ils))
        return false;
    if (end->flags & CCW_FLAG_CD)
        return true;
    return !(end->flags & CCW_FLAG_SLI);
}

/* Command chaining continues only on exactly channel end + device end
 * (status modifier allowed) without any channel status other than PCI. */
static bool may_chain(const struct chan_prog *p, const struct ccw1 *last)
{
    uint8_t ds = p->status.dstat & (uint8_t)~DEV_STAT_STAT_MOD;

    return (last->flags & CCW_FLAG_CC) && ds == (DEV_STAT_CHN_END | DEV_STAT_DEV_END) &&
           !(p->status.cstat & (uint8_t)~SCHN_STAT_PCI);
}

/* A data-chained CCW becomes current only when the transfer reaches it;
 * its PCI is signalled then (never, if the device ended before it). */
static void pci_data_chained(struct chan_prog *p, unsigned end)
{
    for (unsigned i = 1; i <= end; i++)
        if (p->priv->dc[i].ccw.flags & CCW_FLAG_PCI)
            pci_signal(p, &p->priv->dc[i]);
}

static enum step finish_command(struct chan_prog *p, uint8_t code, uint32_t len,
                                uint32_t total, uint8_t unitstat)
{
    struct chan_prog_priv *pv = p->priv;
    const struct dc_ccw *last = &pv->dc[pv->ndc - 1];
    const struct dc_ccw *end = &pv->dc[ending_ccw(pv)];

    pci_data_chained(p, (unsigned)(end - pv->dc));

    p->status.cpa = (uint32_t)(end->addr + 8);
    p->status.dstat = unitstat;
    p->status.count = (uint16_t)(end->ccw.count - end->done);
    p->status.cstat = incorrect_length(p, ccw_cmd_dir(code), len, total, &end->ccw, unitstat)
                          ? SCHN_STAT_INCORR_LEN : 0;
    if (!may_chain(p, &last->ccw))
        return STEP_END;
    /* status modifier: the next CCW is skipped */
    pv->next = last->addr + ((unitstat & DEV_STAT_STAT_MOD) ? 16 : 8);
    pv->chained = true;
    pv->prev_code = code;
    pv->seq++;
    return STEP_CHAIN;
}

/* ---- one command ----------------------------------------------------------------- */

static enum step run_command(struct chan_prog *p)
{
    struct chan_prog_priv *pv = p->priv;
    struct ccw_result res = { 0, 0 };
    uint32_t total, len;
    enum step s = build_chain(p, &total);
    enum ccw_dir dir;
    uint8_t code;

    if (s != STEP_CHAIN)
        return s;
    code = pv->dc[0].ccw.cmd;
    dir = ccw_cmd_dir(code);
    if (!is_input(dir) && !gather(p, code))
        return STEP_END;
    if (p->hooks.before_cmd && p->hooks.before_cmd(p->hooks.opaque, &pv->dc[0].ccw))
        return STEP_HALT;

    struct ccw_cmd cmd = {
        .code = code, .flags = pv->dc[0].ccw.flags, .chained = pv->chained,
        .prev_code = pv->prev_code, .seq = pv->seq, .count = total, .buf = pv->buf,
    };
    p->dev->ops->exec(p->dev, &cmd, &res);
    if (interp_trace_enabled())
        interp_trace_cmd(p, &cmd, &res);

    len = res.len;
    distribute(pv, len < total ? len : total);
    if (is_input(dir) && !scatter(p, dir == CCW_DIR_READ_BACKWARD)) {
        p->status.dstat = res.unitstat;
        return STEP_END;
    }
    return finish_command(p, code, len, total, res.unitstat);
}

/* ---- the program ------------------------------------------------------------------- */

static void program_end(struct chan_prog *p, enum chan_state st)
{
    if (st == CHAN_DONE && p->priv->pci_unpresented)
        p->status.cstat |= SCHN_STAT_PCI;
    p->state = st;
    if (interp_trace_enabled())
        interp_trace_end(p);
    if (p->dev->ops->end)
        p->dev->ops->end(p->dev);
}

enum chan_state chan_run(struct chan_prog *p)
{
    struct chan_prog_priv *pv = p->priv;

    if (p->state != CHAN_RUNNING)
        return p->state;
    if (!pv || !p->dev || !p->dev->ops || !p->dev->ops->exec) {
        /* no interpreter state (init failed or program freed) or no device
         * model: the channel cannot run it, a channel-control check */
        p->state = CHAN_DONE;
        p->status.cstat = SCHN_STAT_CHN_CTRL_CHK;
        return p->state;
    }
    if (!pv->started) {
        pv->started = true;
        if (p->dev->ops->start)
            p->dev->ops->start(p->dev, &p->orb);
    }
    for (;;) {
        enum step s = chan_prog_halt_requested(p) ? STEP_HALT : run_command(p);

        switch (s) {
        case STEP_CHAIN:
            continue;
        case STEP_SUSPEND:
            p->state = CHAN_SUSPENDED;
            if (p->dev->ops->suspend)
                p->dev->ops->suspend(p->dev);
            if (interp_trace_enabled())
                interp_trace_end(p);
            return p->state;
        case STEP_HALT:
            program_end(p, CHAN_HALTED);
            return p->state;
        case STEP_END:
            program_end(p, CHAN_DONE);
            return p->state;
        }
    }
}

/* RSCH: the CCW at the suspend point is refetched and executed as the first
 * command of a new chain (if its S flag is still one it suspends again). */
enum chan_state chan_resume(struct chan_prog *p)
{
    struct chan_prog_priv *pv = p->priv;

    if (p->state != CHAN_SUSPENDED || !pv)
        return p->state;
    pv->chained = false;
    pv->prev_code = 0;
    pv->seq = 0;
    pv->fetched = 0;
    p->state = CHAN_RUNNING;
    return chan_run(p);
}
