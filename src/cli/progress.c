// SPDX-License-Identifier: GPL-2.0-or-later
/* The progress bar shared by the ccwpass verbs (see progress.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/progress.h"

#define BAR_WIDTH 40
#define PCT_FULL  100

bool cli_progress_wanted(void)
{
    return isatty(STDERR_FILENO);
}

void cli_progress_show(void *opaque, uint64_t done, uint64_t total)
{
    struct cli_progress *p = opaque;
    unsigned fill = total ? (unsigned)(done * BAR_WIDTH / total) : BAR_WIDTH;
    unsigned pct = total ? (unsigned)(done * PCT_FULL / total) : PCT_FULL;
    if (p->drawn && pct == p->last_pct && done != total)
        return;                 /* redraw only when the percentage moves */
    p->drawn = done != total;   /* after the last line, a new bar starts afresh */
    p->last_pct = pct;
    char bar[BAR_WIDTH + 1];
    memset(bar, '#', fill);
    memset(bar + fill, '.', BAR_WIDTH - fill);
    bar[BAR_WIDTH] = 0;
    if (p->scale == 1.0)
        fprintf(stderr, "\r%s [%s] %3u%% %llu/%llu %s", p->what, bar, pct, (unsigned long long)done,
                (unsigned long long)total, p->unit);
    else
        fprintf(stderr, "\r%s [%s] %3u%% %.1f/%.1f %s", p->what, bar, pct, (double)done * p->scale,
                (double)total * p->scale, p->unit);
    if (done == total)
        fputc('\n', stderr);
}
