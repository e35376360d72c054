// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Service-manager notifications through libsystemd's sd_notify(3): the
 * daemon's side of a Type=notify unit.  sd_notify() returns 0 and sends
 * nothing when NOTIFY_SOCKET is unset, so this is safe without systemd.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include "daemon/log.h"
#include "daemon/notify.h"

enum { NOTIFY_STATUS_MAX = 512 };   /* one STATUS= line; systemd shows it whole */

static void send_state(const char *state)
{
    int rc = sd_notify(0, state);
    if (rc < 0)
        log_warn("cannot notify the service manager (NOTIFY_SOCKET): %s", strerror(-rc));
}

void notify_service_ready(const char *fmt, ...)
{
    char status[NOTIFY_STATUS_MAX];
    char msg[NOTIFY_STATUS_MAX + 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(status, sizeof status, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", status);
    send_state(msg);
}

void notify_service_stopping(void)
{
    send_state("STOPPING=1\nSTATUS=stopping: closing clients, unmounting the view");
}

void notify_service_failed(const char *why)
{
    char msg[NOTIFY_STATUS_MAX + 32];
    snprintf(msg, sizeof msg, "STATUS=failed: %s", why);
    send_state(msg);
}
