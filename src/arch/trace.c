// SPDX-License-Identifier: GPL-2.0-or-later
/* The one tracing facility (trace.h): areas chosen by CCWPASS_TRACE or --trace. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arch/trace.h"

#define TRACE_LINE_MAX 512

static const char *const area_names[TRACE_NAREAS] = {
    [TRACE_CHAN] = "chan",
    [TRACE_ECKD] = "eckd",
    [TRACE_TAPE] = "tape",
    [TRACE_ADAPTER] = "adapter",
};

static unsigned trace_mask;
static pthread_once_t trace_once = PTHREAD_ONCE_INIT;

/* The mask of a list, or -1 naming the first unknown word in err. */
static long parse_list(const char *list, char *err, size_t cap)
{
    unsigned long mask = 0;
    const char *p = list;

    while (*p) {
        size_t n = strcspn(p, ",");
        bool known = false;
        if (n == 3 && !strncmp(p, "all", 3)) {
            mask = (1u << TRACE_NAREAS) - 1;
            known = true;
        }
        for (unsigned a = 0; a < TRACE_NAREAS && !known; a++) {
            if (strlen(area_names[a]) == n && !strncmp(p, area_names[a], n)) {
                mask |= 1u << a;
                known = true;
            }
        }
        if (!known && n) {
            snprintf(err, cap, "unknown trace area '%.*s' (known: chan, eckd, tape, adapter, all)", (int)n, p);
            return -1;
        }
        p += n + (p[n] == ',');
    }
    return (long)mask;
}

static void trace_init_env(void)
{
    char err[128];
    const char *env = getenv(TRACE_ENV);
    long mask = env ? parse_list(env, err, sizeof err) : 0;

    if (mask < 0) {
        fprintf(stderr, "%s: %s; ignored\n", TRACE_ENV, err);
        mask = 0;
    }
    trace_mask = (unsigned)mask;
}

static void trace_init_none(void)
{
}

int trace_configure(const char *list, char *err, size_t cap)
{
    long mask = parse_list(list, err, cap);

    if (mask < 0)
        return -1;
    pthread_once(&trace_once, trace_init_none);   /* the environment no longer counts */
    trace_mask = (unsigned)mask;
    return 0;
}

bool trace_on(enum trace_area area)
{
    pthread_once(&trace_once, trace_init_env);
    return area < TRACE_NAREAS && (trace_mask & (1u << area));
}

void trace_line(enum trace_area area, const char *fmt, ...)
{
    char line[TRACE_LINE_MAX];
    va_list ap;
    int n;

    if (!trace_on(area))
        return;
    n = snprintf(line, sizeof line, "trace %s: ", area_names[area]);
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return;   /* nowhere to report a lost trace line */
}
