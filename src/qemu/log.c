// SPDX-License-Identifier: GPL-2.0-or-later
/* Adapter messages.  CCWPASS_DEBUG=1 adds a trace of every emulated call. */
#include <stdio.h>
#include <stdlib.h>
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
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("CCWPASS_DEBUG");
        on = e && *e && *e != '0';
    }
    if (!on)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}
