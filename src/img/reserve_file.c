// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reserve arbiter of a file volume (reserve.h): a record file beside the
 * image, IMAGE.reserve, holding "holder ID" and "pgid HEX" lines, or nothing
 * when the volume is free.  Every call reads and, if it changes the holder,
 * rewrites the record while it holds an exclusive OFD lock on the record
 * file, so ccwpassd processes on one machine agree on one holder.  The lock
 * is taken without blocking and retried a bounded number of times: a peer
 * stopped inside its (microseconds long) critical section makes the call
 * fail, it never hangs the caller.  The record outlives its writer: the
 * reserve of a daemon that died stays until a steal overwrites it.  A
 * record that cannot be parsed counts as held by another host, so a fence
 * is never dropped silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "img/reserve.h"

#define RECORD_MAX      512
#define LOCK_TRIES      500             /* ... of LOCK_RETRY_NS each: 0.5 s */
#define LOCK_RETRY_NS   1000000L
#define FILE_MODE       0644
#define KEY_HOLDER      "holder "
#define KEY_PGID        "pgid "
#define UNREADABLE      "(unreadable record)"

struct reserve_file {
    struct reserve r;
    int fd;
    char path[4096];
};

static struct reserve_file *to_rf(struct reserve *r)
{
    return (struct reserve_file *)r;
}

static int lock_record(struct reserve_file *f, short type)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET };
    const struct timespec pause = { 0, LOCK_RETRY_NS };

    for (unsigned i = 0; i < LOCK_TRIES; i++) {
        if (fcntl(f->fd, F_OFD_SETLK, &fl) == 0)
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            return reserve_fail(&f->r, errno, "reserve record %s: cannot lock: %s", f->path, strerror(errno));
        nanosleep(&pause, NULL);
    }
    return reserve_fail(&f->r, EAGAIN, "reserve record %s: locked by another process for too long", f->path);
}

static void unlock_record(struct reserve_file *f)
{
    struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

    fcntl(f->fd, F_OFD_SETLK, &fl);
}

/* The holder named by the record into holder ("" = free). */
static int read_holder(struct reserve_file *f, char holder[RESERVE_ID_MAX])
{
    char buf[RECORD_MAX + 1];
    ssize_t n = pread(f->fd, buf, RECORD_MAX, 0);
    size_t klen = strlen(KEY_HOLDER);
    char *eol;

    if (n < 0)
        return reserve_fail(&f->r, errno, "reserve record %s: cannot read: %s", f->path, strerror(errno));
    buf[n] = 0;
    holder[0] = 0;
    if (n == 0)
        return 0;
    eol = strchr(buf, '\n');
    if (strncmp(buf, KEY_HOLDER, klen) || !eol || eol == buf + klen ||
        (size_t)(eol - buf) - klen >= RESERVE_ID_MAX) {
        snprintf(holder, RESERVE_ID_MAX, "%s", UNREADABLE);
        return 0;
    }
    memcpy(holder, buf + klen, (size_t)(eol - buf) - klen);
    holder[eol - buf - (ptrdiff_t)klen] = 0;
    return 0;
}

static int write_record(struct reserve_file *f, bool held)
{
    char buf[RECORD_MAX];
    int len = 0;

    if (held) {
        len = snprintf(buf, sizeof buf, KEY_HOLDER "%s\n" KEY_PGID, f->r.id);
        for (unsigned i = 0; i < RESERVE_PGID_LEN; i++)
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%02x", f->r.pgid[i]);
        len += snprintf(buf + len, sizeof buf - (size_t)len, "\n");
    }
    if ((len && pwrite(f->fd, buf, (size_t)len, 0) != len) || ftruncate(f->fd, len) < 0)
        return reserve_fail(&f->r, errno ? errno : EIO, "reserve record %s: cannot write: %s", f->path,
                    strerror(errno ? errno : EIO));
    return 0;
}

static enum reserve_state state_of(const struct reserve *r, const char *holder)
{
    if (!holder[0])
        return RESERVE_NONE;
    return strcmp(holder, r->id) ? RESERVE_OTHER : RESERVE_SELF;
}

static int file_acquire(struct reserve *r, bool steal)
{
    struct reserve_file *f = to_rf(r);
    char holder[RESERVE_ID_MAX];
    int rc = lock_record(f, F_WRLCK);

    if (rc < 0)
        return rc;
    rc = read_holder(f, holder);
    if (rc == 0 && !steal && state_of(r, holder) == RESERVE_OTHER)
        rc = reserve_fail(r, EBUSY, "reserved by %s", holder);
    else if (rc == 0)
        rc = write_record(f, true);
    unlock_record(f);
    return rc;
}

static int file_release(struct reserve *r)
{
    struct reserve_file *f = to_rf(r);
    char holder[RESERVE_ID_MAX];
    int rc = lock_record(f, F_WRLCK);

    if (rc < 0)
        return rc;
    rc = read_holder(f, holder);
    if (rc == 0 && state_of(r, holder) == RESERVE_SELF)
        rc = write_record(f, false);
    unlock_record(f);
    return rc;
}

static int file_query(struct reserve *r, enum reserve_state *st, char *holder, size_t cap)
{
    struct reserve_file *f = to_rf(r);
    char h[RESERVE_ID_MAX];
    int rc = lock_record(f, F_RDLCK);

    if (rc < 0)
        return rc;
    rc = read_holder(f, h);
    unlock_record(f);
    if (rc < 0)
        return rc;
    *st = state_of(r, h);
    if (holder && cap)
        snprintf(holder, cap, "%s", h);
    return 0;
}

static void file_close(struct reserve *r)
{
    struct reserve_file *f = to_rf(r);

    close(f->fd);
    free(f);
}

static const struct reserve_ops file_ops = {
    .acquire = file_acquire,
    .release = file_release,
    .query = file_query,
    .close = file_close,
};

struct reserve *reserve_open_file(const char *image, const char *id, char *err, size_t errlen)
{
    struct reserve_file *f = calloc(1, sizeof *f);

    if (!f) {
        snprintf(err, errlen, "reserve record for %s: out of memory", image);
        return NULL;
    }
    if (snprintf(f->path, sizeof f->path, "%s%s", image, RESERVE_SUFFIX) >= (int)sizeof f->path) {
        snprintf(err, errlen, "reserve record for %s: path too long", image);
        free(f);
        return NULL;
    }
    /* O_NONBLOCK: a FIFO planted there must not block the open */
    f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, FILE_MODE);
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "reserve record %s: %s", f->path,
                 f->fd < 0 ? strerror(errno) : "not a regular file");
        if (f->fd >= 0)
            close(f->fd);
        free(f);
        return NULL;
    }
    reserve_init(&f->r, &file_ops, id);
    return &f->r;
}
