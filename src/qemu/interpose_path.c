// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The path-taking libc entry points QEMU's vfio-ccw code uses: the css/mdev
 * sysfs files go to ccwpassd's view, /dev/vfio/vfio and /dev/vfio/<n> become emulated fds, every
 * other path goes straight to libc.
 */
/* Define the libc symbols under their own names, not as LFS asm aliases. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"
#include "qemu/interpose.h"
#include "qemu/pathmap.h"

/* glibc declares these only under _FORTIFY_SOURCE. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);

/* ---- paths ------------------------------------------------------------------ */

/* Returns the path to use: the view's copy, or the original. */
static const char *map_path(const char *path, char *buf, size_t bufsz)
{
    if (!ccwq_active())
        return path;
    int r = ccwq_path_map(getenv("CCWPASS_VIEW"), path, buf, bufsz);
    return r == 1 ? buf : path;
}

/* /dev/vfio/vfio or /dev/vfio/<n>: an emulated fd; -2 means "not ours". */
static int open_vfio(const char *path)
{
    int group;
    if (!ccwq_active())
        return -2;
    switch (ccwq_vfio_node(path, &group)) {
    case CCWQ_NODE_CONTAINER: return (int)ccwq_set_errno(ccwq_container_open());
    case CCWQ_NODE_GROUP:     return (int)ccwq_set_errno(ccwq_group_open(group));
    default:                  return -2;
    }
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode)
{
    typedef int (*openat_fn)(int, const char *, int, ...);
    NEXT(openat, openat_fn);
    char buf[PATH_MAX];
    int fd = open_vfio(path);
    if (fd != -2)
        return fd;
    return next_openat(dirfd, map_path(path, buf, sizeof buf), flags, mode);
}

static mode_t va_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    return do_open(AT_FDCWD, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    return do_open(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    return do_open(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    return do_open(dirfd, path, flags | O_LARGEFILE, mode);
}

/* _FORTIFY_SOURCE variants for calls without a mode argument. */
EXPORT int __open_2(const char *path, int flags)   { return do_open(AT_FDCWD, path, flags, 0); }
EXPORT int __open64_2(const char *path, int flags) { return do_open(AT_FDCWD, path, flags | O_LARGEFILE, 0); }
EXPORT int __openat_2(int dirfd, const char *path, int flags)   { return do_open(dirfd, path, flags, 0); }
EXPORT int __openat64_2(int dirfd, const char *path, int flags) { return do_open(dirfd, path, flags | O_LARGEFILE, 0); }

EXPORT FILE *fopen(const char *path, const char *mode)
{
    typedef FILE *(*fopen_fn)(const char *, const char *);
    NEXT(fopen, fopen_fn);
    char buf[PATH_MAX];
    return next_fopen(map_path(path, buf, sizeof buf), mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
    typedef FILE *(*fopen_fn)(const char *, const char *);
    NEXT(fopen64, fopen_fn);
    char buf[PATH_MAX];
    return next_fopen64(map_path(path, buf, sizeof buf), mode);
}

/*
 * hw/s390x/s390-ccw.c resolves sysfsdev with realpath() and reads the mdev
 * UUID and the host subchannel from the result.  glibc resolves internally
 * with raw system calls, so the path is mapped here, at the entry point, and
 * the view's prefix is taken off the answer: QEMU sees the host's /sys.
 */
static char *view_realpath(const char *path, char *resolved)
{
    typedef char *(*realpath_fn)(const char *, char *);
    NEXT(realpath, realpath_fn);
    char buf[PATH_MAX];
    const char *view = getenv("CCWPASS_VIEW");
    char *r = next_realpath(map_path(path, buf, sizeof buf), resolved);
    if (!r || !ccwq_active() || !view || !*view)
        return r;
    size_t vl = strlen(view);
    while (vl > 1 && view[vl - 1] == '/')
        vl--;
    if (!strncmp(r, view, vl) && !strncmp(r + vl, "/sys/", 5))
        memmove(r, r + vl, strlen(r + vl) + 1);
    return r;
}

EXPORT char *realpath(const char *path, char *resolved)
{
    return view_realpath(path, resolved);
}

EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
    if (resolvedlen < PATH_MAX) {
        fprintf(stderr, "*** buffer overflow detected ***: realpath\n");
        abort();
    }
    return view_realpath(path, resolved);
}

EXPORT ssize_t readlink(const char *path, char *out, size_t size)
{
    typedef ssize_t (*readlink_fn)(const char *, char *, size_t);
    NEXT(readlink, readlink_fn);
    char buf[PATH_MAX];
    return next_readlink(map_path(path, buf, sizeof buf), out, size);
}

