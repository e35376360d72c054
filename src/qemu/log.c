// SPDX-License-Identifier: GPL-2.0-or-later
/* Adapter messages; the trace area "adapter" (arch/trace.h) adds a line per emulated call. */
#include <stdio.h>
#include <stdlib.h>
#include "arch/trace.h"
#include "qemu/adapter.h"

__attribute__((format(printf, 1, 0))) static void vlog(const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "ccwpass-qemu: %s\n", line);
}

void ccwq_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void ccwq_debug(const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (!trace_on(TRACE_ADAPTER))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    trace_line(TRACE_ADAPTER, "%s", line);
}
