/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a real ccwpassd for the tests: a private temp directory (socket,
 * state dir, images, log, view mount), fork/exec of the built binary
 * ($CCWPASSD) with --foreground --ready-fd, and a clean stop.
 */
#ifndef CCWPASS_TESTS_DAEMON_HARNESS_H
#define CCWPASS_TESTS_DAEMON_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TEST_UUID1 "8b3a1bde-7c1d-4f5e-9a0b-1c2d3e4f5a61"
#define TEST_UUID2 "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"

struct dproc {
    pid_t pid;
    char dir[128];
    char sock[192], state[192], log[192], view[192];
    char mdevctl[192];    /* its --mdevctl-dir (not created), never /etc/mdevctl.d */
    unsigned nofile;      /* if set: RLIMIT_NOFILE of the daemon */
};

/* A temp dir for one daemon. */
int  dp_init(struct dproc *d);
/* A 3390 CKD image of `cyls` cylinders with Linux-shaped null tracks
 * (track 0: IPL1, IPL2, VOL1; tracks >= 2: 12 x 4096-byte records). */
int  dp_make_image(struct dproc *d, const char *name, uint32_t cyls, char *path, size_t cap);
/* A config file `name` in the temp dir holding the printf-formatted text;
 * its path in `path`.  0, or -1 if it cannot be written. */
int  dp_write_conf(struct dproc *d, const char *name, char *path, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Start with extra arguments (NULL-terminated); --socket/--state-dir/
 * --mdevctl-dir/--foreground/--ready-fd are added, and --no-fuse unless
 * with_view. */
int  dp_start(struct dproc *d, const char *const *args, bool with_view);
/* SIGTERM and wait; returns the exit status (or -1). */
int  dp_stop(struct dproc *d);
bool dp_log_contains(const struct dproc *d, const char *needle);
unsigned dp_log_count(const struct dproc *d, const char *needle);   /* lines containing it */
/* Stop if running, remove the temp dir.  Returns -1 (after printing the
 * daemon's log as TAP diagnostics) if ASan/UBSan reported anything. */
int  dp_cleanup(struct dproc *d);

/* The seed's steps through CONTROL: io_subchannel -> vfio_ccw, then an mdev. */
int  dp_make_mdev(struct dproc *d, const char *sch, const char *uuid);
/* One CONTROL request on a fresh connection; returns the reply's errno
 * (0 = ok), -1 if the daemon could not be reached; *reply optional. */
int  dp_control(struct dproc *d, const char *json, char **reply);

#endif
