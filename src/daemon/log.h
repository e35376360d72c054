/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd's log: one line per event.  Where lines go (log_init()):
 * - in the foreground, without systemd: stderr, prefixed "ccwpassd: ";
 * - under systemd (JOURNAL_STREAM or NOTIFY_SOCKET set): stderr with an
 *   sd-daemon priority prefix ("<6>", "<4>", "<3>", "<7>") for the journal;
 * - detached, without systemd: --log-file FILE if given, else syslog; the
 *   caller's stderr gets a copy only until the daemon serves
 *   (log_drop_stderr()), so it never holds the caller's pipe.
 * --log-file is written in the foreground too.
 */
#ifndef CCWPASS_DAEMON_LOG_H
#define CCWPASS_DAEMON_LOG_H

#include <stdbool.h>
#include <stddef.h>

extern bool log_verbose;

/**
 * log_init() - choose where log lines go; call once, before the first line
 * @file:     --log-file path (appended to, created 0640), or NULL
 * @detached: the daemon will detach and let go of the caller's stderr
 * @err:      message on failure
 * @cap:      size of @err
 *
 * Return: 0, or -errno when @file cannot be opened.
 */
int log_init(const char *file, bool detached, char *err, size_t cap);

/**
 * log_drop_stderr() - let go of the caller's stderr (a detached daemon, once
 * serving): fd 2 becomes /dev/null and lines go to the log file or syslog
 * only.  Does nothing under systemd, whose stderr is the journal.
 */
void log_drop_stderr(void);

__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);

#endif
