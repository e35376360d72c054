/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports to a service manager over its notification socket (sd_notify(3)):
 * readiness, status and shutdown.  Without NOTIFY_SOCKET in the
 * environment (no systemd, or a unit that is not Type=notify) every call
 * does nothing.
 */
#ifndef CCWPASS_DAEMON_NOTIFY_H
#define CCWPASS_DAEMON_NOTIFY_H

/**
 * notify_service_ready() - tell the service manager the daemon serves
 * @fmt: printf format of the STATUS= text shown by `systemctl status`
 *
 * Sends READY=1 and STATUS=<text>.  Call once, after the socket listens
 * and the view is mounted.  A failure to send is logged as a warning.
 */
__attribute__((format(printf, 1, 2))) void notify_service_ready(const char *fmt, ...);

/**
 * notify_service_stopping() - tell the service manager the daemon stops
 *
 * Sends STOPPING=1 and a STATUS= line; call when the event loop returns.
 */
void notify_service_stopping(void);

/**
 * notify_service_failed() - report why startup failed
 * @why: the error, as logged
 *
 * Sends STATUS=failed: <why>, so `systemctl status` shows the reason.
 */
void notify_service_failed(const char *why);

#endif
