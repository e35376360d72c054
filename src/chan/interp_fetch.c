// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CCW fetch and validation for the channel-program interpreter (PoP ch. 15,
 * "Channel-command word", "Transfer in channel", and ch. 16 "Program check"):
 * CCW-address alignment, TIC handling (TIC to TIC, format-1 TIC code bits),
 * reserved flags, invalid count, invalid command code, and the bound on the
 * number of CCWs one program may fetch.
 */
#include "chan/interp_priv.h"

uint8_t interp_mem_cstat(int rc)
{
    switch (rc) {
    case CHAN_MEM_PROTECTION:
        return SCHN_STAT_PROT_CHECK;
    case CHAN_MEM_DATA_CHECK:
        return SCHN_STAT_CHN_DATA_CHK;
    default:
        return SCHN_STAT_PROG_CHECK;
    }
}

void interp_fail(struct chan_prog *p, uint64_t ccw_addr, uint8_t cstat, uint16_t count)
{
    p->status.cpa = (uint32_t)(ccw_addr + 8);
    p->status.dstat = 0;
    p->status.cstat = cstat;
    p->status.count = count;
}

/* Reads and decodes the CCW at `addr`.  Returns 0 or the channel status. */
static uint8_t read_ccw(struct chan_prog *p, uint64_t addr, struct ccw1 *c)
{
    uint8_t raw[CCW_SIZE];
    int rc;

    if (addr & 7)
        return SCHN_STAT_PROG_CHECK;
    rc = p->mem->read(p->mem->opaque, addr, raw, CCW_SIZE, p->orb.key);
    if (rc != CHAN_MEM_OK)
        return interp_mem_cstat(rc);
    if (p->orb.fmt)
        ccw1_decode(raw, c);
    else
        ccw0_decode(raw, c);
    return 0;
}

/* A format-1 TIC must have zeros in bits 0-3 of its command code; bit 32
 * (the top of the 32-bit address) must be zero in every format-1 CCW. */
static bool tic_valid(const struct chan_prog *p, const struct ccw1 *c)
{
    if (!p->orb.fmt)
        return true;
    return c->cmd == CCW_CMD_TIC && !(c->cda & 0x80000000u);
}

/*
 * Fetch CCWs from p->priv->next until one that is not a TIC.  An invalid
 * CCW address reached through a TIC is reported at the TIC (CPA = TIC + 8),
 * one reached sequentially at the invalid address itself (+ 8).  A TIC may
 * neither be the first CCW of the program (the one the ORB designates; this
 * is why Linux's DASD error recovery starts its programs with NOP, TIC) nor
 * be fetched by another TIC.  The CCW refetched on resume may be a TIC: a
 * program may turn its suspended CCW into a branch to CCWs it added.
 */
bool interp_fetch_ccw(struct chan_prog *p, struct dc_ccw *out)
{
    struct chan_prog_priv *pv = p->priv;
    bool after_tic = false, first;
    uint64_t tic_addr = 0;

    for (;;) {
        uint64_t addr = pv->next;
        uint64_t blame = after_tic ? tic_addr : addr;
        uint8_t cs;

        if (++pv->fetched > CHAN_MAX_CCWS) {
            interp_fail(p, addr, SCHN_STAT_PROG_CHECK, 0);
            return false;
        }
        cs = read_ccw(p, addr, &out->ccw);
        if (cs) {
            interp_fail(p, blame, cs, 0);
            return false;
        }
        out->addr = addr;
        out->done = 0;
        first = pv->at_start;
        pv->at_start = false;
        if (ccw_cmd_dir(out->ccw.cmd) != CCW_DIR_TIC)
            return true;
        if (after_tic || first || !tic_valid(p, &out->ccw)) {
            interp_fail(p, addr, SCHN_STAT_PROG_CHECK, out->ccw.count);
            return false;
        }
        after_tic = true;
        tic_addr = addr;
        pv->next = out->ccw.cda;
    }
}

/*
 * Checks of a non-TIC CCW (suspend is handled by the caller):
 *  - flag bit 7 (MIDA in format 1, must-be-zero in format 0): not supported;
 *  - format-1 data address bit 0 must be zero;
 *  - count 0 is invalid in a format-0 CCW, and in a format-1 CCW that
 *    specifies or continues data chaining; elsewhere it is a valid
 *    zero-length transfer;
 *  - command code xxxx0000 is invalid (ignored for data-chained CCWs, whose
 *    command code is not used).
 */
bool interp_check_ccw(struct chan_prog *p, const struct dc_ccw *c, bool in_dc)
{
    const struct ccw1 *w = &c->ccw;
    bool bad = false;

    if (w->flags & CCW_FLAG_MIDA)
        bad = true;
    if (p->orb.fmt && (w->cda & 0x80000000u))
        bad = true;
    if (w->count == 0 && (!p->orb.fmt || in_dc || (w->flags & CCW_FLAG_CD)))
        bad = true;
    if (!in_dc && ccw_cmd_dir(w->cmd) == CCW_DIR_INVALID)
        bad = true;
    if (bad)
        interp_fail(p, c->addr, SCHN_STAT_PROG_CHECK, w->count);
    return !bad;
}
