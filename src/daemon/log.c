// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd's log: one line per event, to stderr, the journal's stderr
 * stream (with sd-daemon priority prefixes, see sd-daemon(3)), syslog or a
 * log file.  Each line is formatted once and written with one call, so
 * lines from the css worker threads do not interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "daemon/log.h"

bool log_verbose;

enum {
    LOG_LINE_MAX = 1024,
    LOG_STAMP_MAX = 64,         /* "2026-12-03T17:53:23Z ccwpassd[PID]: " */
    LOG_FILE_MODE = 0640,
};

static bool to_stderr = true;   /* the caller's stderr, or the journal's stream */
static bool journal;            /* stderr lines carry "<N>" priority prefixes */
static bool to_syslog;
static int file_fd = -1;

struct level {
    const char *text;           /* in the line: "warning: " */
    int priority;               /* syslog(3) priority, also the "<N>" prefix */
};
static const struct level L_INFO = { "", LOG_INFO };
static const struct level L_WARN = { "warning: ", LOG_WARNING };
static const struct level L_ERR = { "error: ", LOG_ERR };
static const struct level L_DEBUG = { "debug: ", LOG_DEBUG };

static bool under_systemd(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    const char *ns = getenv("NOTIFY_SOCKET");
    return (js && *js) || (ns && *ns);
}

int log_init(const char *file, bool detached, char *err, size_t cap)
{
    journal = under_systemd();
    if (file) {
        file_fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, LOG_FILE_MODE);
        if (file_fd < 0) {
            int e = errno;
            snprintf(err, cap, "--log-file %s: %s", file, strerror(e));
            return -e;
        }
    } else if (detached && !journal) {
        openlog("ccwpassd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        to_syslog = true;
    }
    return 0;
}

void log_drop_stderr(void)
{
    if (journal)
        return;
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0)
        return;
    fflush(stderr);
    dup2(null, STDERR_FILENO);
    close(null);
    to_stderr = false;
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;     /* a log that cannot be written is not a reason to stop */
        buf += n;
        len -= (size_t)n;
    }
}

static void file_line(const struct level *lv, const char *msg)
{
    char stamp[LOG_STAMP_MAX], when[sizeof "YYYY-MM-DDTHH:MM:SSZ"];
    char line[LOG_STAMP_MAX + LOG_LINE_MAX];
    struct tm tm;
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(stamp, sizeof stamp, "%s ccwpassd[%ld]: ", when, (long)getpid());
    int n = snprintf(line, sizeof line, "%s%s%s\n", stamp, lv->text, msg);
    if (n > 0)
        write_all(file_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

__attribute__((format(printf, 2, 0))) static void log_line(const struct level *lv, const char *fmt, va_list ap)
{
    char msg[LOG_LINE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (to_stderr) {
        if (journal)
            fprintf(stderr, "<%d>%s%s\n", lv->priority, lv->text, msg);
        else
            fprintf(stderr, "ccwpassd: %s%s\n", lv->text, msg);
    }
    if (file_fd >= 0)
        file_line(lv, msg);
    if (to_syslog)
        syslog(lv->priority, "%s%s", lv->text, msg);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(&L_INFO, fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(&L_WARN, fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(&L_ERR, fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!log_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_line(&L_DEBUG, fmt, ap);
    va_end(ap);
}
