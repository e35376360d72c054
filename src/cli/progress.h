/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress bar of long ccwpass verbs (dasd create/copy/check/export, tape
 * check/copy), drawn on stderr only when stderr is a terminal. */
#ifndef CCWPASS_CLI_PROGRESS_H
#define CCWPASS_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_MIB (1024.0 * 1024.0)

/* What a bar shows: "what [####....] pct% done/total unit". */
struct cli_progress {
    const char *what;       /* "checking" */
    const char *unit;       /* "cyl", "MiB" */
    double scale;           /* units per count: 1 prints whole numbers */
    unsigned last_pct;      /* 0 before the first draw (set by the helper) */
    bool drawn;
};

/**
 * cli_progress_wanted() - should long work draw a progress bar?
 *
 * Return: true when stderr is a terminal.
 */
bool cli_progress_wanted(void);

/**
 * cli_progress_show() - draw or update a progress bar
 * @opaque: the struct cli_progress of this bar
 * @done: counts done so far
 * @total: counts in all
 *
 * Redraws only when the percentage moves; done == total ends the line.
 * Has the signature of the img and tape progress callbacks.
 */
void cli_progress_show(void *opaque, uint64_t done, uint64_t total);

#endif
