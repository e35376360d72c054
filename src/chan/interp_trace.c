// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Optional trace of the channel's view of a program, for debugging guest
 * I/O: every command sent to the device and the status the program ends
 * with (including program and protection checks, which never reach the
 * device).  Enabled by the environment variable CCWPASS_CHAN_TRACE; one line
 * per event on stderr, in the style of CCWPASS_ECKD_TRACE.
 */
#include "chan/interp_priv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static bool trace_on;
static pthread_once_t trace_once = PTHREAD_ONCE_INIT;

static void trace_init(void)
{
    trace_on = getenv("CCWPASS_CHAN_TRACE") != NULL;
}

bool interp_trace_enabled(void)
{
    pthread_once(&trace_once, trace_init);
    return trace_on;
}

void interp_trace_cmd(const struct chan_prog *p, const struct ccw_cmd *cmd,
                      const struct ccw_result *res)
{
    const struct dc_ccw *c = &p->priv->dc[0];

    fprintf(stderr, "chan: ccw %08x cmd %02x flags %02x count %u%s -> len %u unitstat %02x\n",
            (uint32_t)c->addr, cmd->code, cmd->flags, cmd->count,
            p->priv->ndc > 1 ? " (data chain)" : "", res->len, res->unitstat);
}

void interp_trace_end(const struct chan_prog *p)
{
    static const char *const names[] = { "running", "done", "suspended", "halted" };
    const struct chan_status *s = &p->status;

    fprintf(stderr, "chan: %s cpa %08x dstat %02x cstat %02x count %u\n",
            names[p->state & 3], s->cpa, s->dstat, s->cstat, s->count);
}
