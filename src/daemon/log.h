/* ccwpassd's log: one line per event on stderr, prefixed "ccwpassd: ". */
#ifndef CCWPASS_DAEMON_LOG_H
#define CCWPASS_DAEMON_LOG_H

#include <stdbool.h>

extern bool log_verbose;

__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);

#endif
