// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Trace area "chan" (arch/trace.h): the channel's view of a program, for
 * debugging guest I/O — every command sent to the device and the status
 * the program ends with (including program and protection checks, which
 * never reach the device).
 */
#include "chan/interp_priv.h"
#include "arch/trace.h"

bool interp_trace_enabled(void)
{
    return trace_on(TRACE_CHAN);
}

void interp_trace_cmd(const struct chan_prog *p, const struct ccw_cmd *cmd,
                      const struct ccw_result *res)
{
    const struct dc_ccw *c = &p->priv->dc[0];

    trace_line(TRACE_CHAN, "ccw %08x cmd %02x flags %02x count %u%s -> len %u unitstat %02x",
               (uint32_t)c->addr, cmd->code, cmd->flags, cmd->count,
               p->priv->ndc > 1 ? " (data chain)" : "", res->len, res->unitstat);
}

void interp_trace_end(const struct chan_prog *p)
{
    static const char *const names[] = { "running", "done", "suspended", "halted" };
    const struct chan_status *s = &p->status;

    trace_line(TRACE_CHAN, "%s cpa %08x dstat %02x cstat %02x count %u",
               names[p->state & 3], s->cpa, s->dstat, s->cstat, s->count);
}
