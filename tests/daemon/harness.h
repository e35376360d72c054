/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a real ccwpassd for the tests: a private temp directory (socket,
 * state dir, images, log, view mount), fork/exec of the built binary
 * ($CCWPASSD) with --foreground --ready-fd, mdevs made through CONTROL, test
 * VMMs attached to them, and a stop that never hangs and always reaps.
 *
 * Every wait is bounded: the readiness wait and the interrupt waits by
 * VMM_TIMEOUT_MS, the replies on the connections the harness makes by the
 * guard of struct dproc (guard_s, if set), the exit by DP_STOP_GUARD_S.
 */
#ifndef CCWPASS_TESTS_DAEMON_HARNESS_H
#define CCWPASS_TESTS_DAEMON_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vmm;

#define TEST_UUID1 "8b3a1bde-7c1d-4f5e-9a0b-1c2d3e4f5a61"
#define TEST_UUID2 "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"

/* The subchannels of dp_start_two()'s devices 0.0.7e52 and 0.0.7e53. */
#define DP_SCH_A "0.0.16ca"
#define DP_SCH_B "0.0.16cb"

/* How long dp_stop() waits for the exit after SIGTERM before SIGKILL. */
#define DP_STOP_GUARD_S 20

struct dproc {
    pid_t pid;
    char dir[128];
    char sock[192], state[192], log[192], view[192];
    char mdevctl[192];    /* its --mdevctl-dir (not created), never /etc/mdevctl.d */
    unsigned nofile;      /* if set: RLIMIT_NOFILE of the daemon */
    unsigned guard_s;     /* if set: a reply on a connection the harness makes
                           * that does not come within it fails, not hangs */
};

/**
 * dp_init() - a private temp dir for one daemon, and its paths
 * @d: the daemon, cleared here
 *
 * Return: 0, or -1 if the directory cannot be made.
 */
int  dp_init(struct dproc *d);

/**
 * dp_make_image() - a 3390 CKD image with Linux-shaped null tracks
 * @d:    the daemon whose temp dir holds it
 * @name: file name in the temp dir
 * @cyls: cylinders
 * @path: its path, out
 * @cap:  size of @path
 *
 * Track 0 holds IPL1, IPL2 and VOL1; tracks >= 2 12 records of 4096 bytes.
 *
 * Return: 0, or -1 after printing img_create()'s message.
 */
int  dp_make_image(struct dproc *d, const char *name, uint32_t cyls, char *path, size_t cap);

/**
 * dp_write_conf() - a config file in the temp dir
 * @d:    the daemon
 * @name: file name in the temp dir
 * @path: its path, out
 * @cap:  size of @path
 * @fmt:  printf format of its text
 *
 * Return: 0, or -1 if it cannot be written.
 */
int  dp_write_conf(struct dproc *d, const char *name, char *path, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/**
 * dp_start() - start the daemon and wait until it is ready
 * @d:         the daemon, after dp_init()
 * @args:      more arguments, NULL-terminated (or NULL)
 * @with_view: serve the FUSE view at d->view, else --no-fuse
 *
 * --foreground, --socket, --state-dir, --mdevctl-dir and --ready-fd are
 * added.  The wait for READY is bounded by VMM_TIMEOUT_MS.
 *
 * Return: 0 when ready, or -1 after printing the daemon's log (it is
 * stopped then).
 */
int  dp_start(struct dproc *d, const char *const *args, bool with_view);

/**
 * dp_start_image() - start the daemon on a new 3390 image
 * @d:     the daemon, after dp_init()
 * @name:  the image's file name in the temp dir
 * @cyls:  its cylinders
 * @image: its path, out
 * @cap:   size of @image
 * @extra: arguments after "--image PATH", NULL-terminated (or NULL)
 *
 * Return: 0 when ready, or -1 (said why).
 */
int  dp_start_image(struct dproc *d, const char *name, uint32_t cyls, char *image, size_t cap,
                    const char *const *extra);

/**
 * dp_start_conf() - start the daemon with --config on a new config file
 * @d:         the daemon, after dp_init()
 * @name:      the config's file name in the temp dir
 * @with_view: serve the FUSE view (see dp_start())
 * @fmt:       printf format of the config text
 *
 * Return: 0 when ready, or -1 (said why).
 */
int  dp_start_conf(struct dproc *d, const char *name, bool with_view, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/**
 * dp_start_two() - two 3390s on their own subchannels, each with an mdev
 * @d:        the daemon, after dp_init() (and its guard set, if any)
 * @chpids_a: channel paths of 0.0.7e52 (subchannel DP_SCH_A, mdev TEST_UUID1)
 * @chpids_b: channel paths of 0.0.7e53 (subchannel DP_SCH_B, mdev TEST_UUID2)
 *
 * New one-cylinder images a.3390 and b.3390, a config two.conf.
 *
 * Return: 0 when ready with both mdevs, or -1 (said why).
 */
int  dp_start_two(struct dproc *d, const char *chpids_a, const char *chpids_b);

/**
 * dp_stop() - SIGTERM, and reap the daemon
 * @d: the daemon
 *
 * Waits at most DP_STOP_GUARD_S for the exit, then says so and SIGKILLs.
 * Always reaps; d->pid is 0 afterwards.
 *
 * Return: the exit status, or -1 (killed, hung, or not running).
 */
int  dp_stop(struct dproc *d);

/**
 * dp_log_count() - lines of the daemon's log that contain a string
 * @d:      the daemon
 * @needle: the string
 *
 * Return: the number of such lines.
 */
unsigned dp_log_count(const struct dproc *d, const char *needle);

/**
 * dp_log_contains() - whether the daemon's log contains a string
 * @d:      the daemon
 * @needle: the string
 *
 * Return: true if a line has it.
 */
bool dp_log_contains(const struct dproc *d, const char *needle);

/**
 * dp_cleanup() - stop the daemon if it runs, remove the temp dir
 * @d: the daemon
 *
 * Return: 0, or -1 (after printing the log as TAP diagnostics) if ASan or
 * UBSan reported anything in it.
 */
int  dp_cleanup(struct dproc *d);

/**
 * dp_teardown() - a cmocka teardown for a fixture that begins with its daemon
 * @state: the fixture, malloc'ed, whose first member is its struct dproc
 *
 * dp_cleanup(), then free().
 *
 * Return: dp_cleanup()'s.
 */
int  dp_teardown(void **state);

/**
 * dp_make_mdev() - the seed's steps through CONTROL
 * @d:    the daemon
 * @sch:  the subchannel, unbound from io_subchannel and bound to vfio_ccw
 * @uuid: the mdev created on it
 *
 * Return: 0, the errno of the first refused step, or -1 (no answer).
 */
int  dp_make_mdev(struct dproc *d, const char *sch, const char *uuid);

/**
 * dp_make_mdevs() - dp_make_mdev() for several subchannels
 * @d:   the daemon
 * @...: pairs of (subchannel, uuid) strings, then NULL
 *
 * Return: 0, or the first failure of dp_make_mdev().
 */
int  dp_make_mdevs(struct dproc *d, ...) __attribute__((sentinel));

/**
 * dp_open_vmm() - a test VMM attached to an mdev, ready for I/O
 * @d:    the daemon
 * @v:    the VMM, out
 * @uuid: the mdev
 * @ram:  bytes of guest RAM mapped at iova 0
 *
 * Connects (with the guard), maps the RAM, attaches, sets the eventfds.
 *
 * Return: 0, or -1 after saying which step failed (the connection is
 * closed then).
 */
int  dp_open_vmm(struct dproc *d, struct vmm *v, const char *uuid, uint64_t ram);

/**
 * dp_control() - one CONTROL request on a fresh connection (with the guard)
 * @d:     the daemon
 * @json:  the request
 * @reply: the JSON reply, malloc'ed, out; may be NULL
 *
 * Return: the reply's errno (0 = ok), or -1 if the daemon could not be
 * reached or did not answer.
 */
int  dp_control(struct dproc *d, const char *json, char **reply);

/**
 * dp_reply_has() - a CONTROL request succeeds with a string in its reply
 * @d:      the daemon
 * @json:   the request
 * @needle: the string
 *
 * Return: true if it does.
 */
bool dp_reply_has(struct dproc *d, const char *json, const char *needle);

/**
 * dp_await_reply() - repeat a CONTROL request until its reply has a string
 * @d:      the daemon
 * @json:   the request
 * @needle: the string
 *
 * An event the daemon reports in a reply, awaited without sleeping; bounded
 * by the guard (VMM_TIMEOUT_MS without one).
 *
 * Return: 0, or ETIMEDOUT after saying what it waited for.
 */
int  dp_await_reply(struct dproc *d, const char *json, const char *needle);

#endif
