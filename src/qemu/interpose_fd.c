// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fd-taking libc entry points: ioctl, pread, pwrite and close on the
 * emulated container, group and device fds go to the adapter; on any other
 * fd they go straight to libc after one atomic table lookup.
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
#include <sys/ioctl.h>
#include <unistd.h>
#include "qemu/adapter.h"
#include "qemu/interpose.h"

/* glibc declares these only under _FORTIFY_SOURCE. */
ssize_t __pread_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen);

/* ---- the emulated fds ------------------------------------------------------ */

/* Drops the VFIO object behind fd (the fd itself is closed by the caller). */
static void release(int fd)
{
    void *obj = NULL;
    enum ccwq_obj_type t = ccwq_fd_forget(fd, &obj);
    ccwq_lock();
    switch (t) {
    case CCWQ_OBJ_CONTAINER: ccwq_container_put(obj); break;
    case CCWQ_OBJ_GROUP:     ccwq_group_release(obj); break;
    case CCWQ_OBJ_DEVICE:    ccwq_device_release(obj); break;
    default:                 break;
    }
    ccwq_unlock();
}

/*
 * Is fd one of ours?  The table is checked first (one atomic load for every
 * other fd); for a hit, the fd must still be the memfd we made: one closed
 * behind the adapter's back and reused for a real file is let go.
 */
static bool ours(int fd)
{
    if (!ccwq_fd_is_emulated(fd))
        return false;
    if (ccwq_fd_inode_matches(fd))
        return true;
    ccwq_log("fd %d was closed without close(): dropping its VFIO object", fd);
    release(fd);
    return false;
}

static long emulated_ioctl(int fd, unsigned long req, void *arg)
{
    void *obj;
    long rc = -EBADF;
    ccwq_lock();
    if ((obj = ccwq_fd_get(fd, CCWQ_OBJ_CONTAINER)))
        rc = ccwq_container_ioctl(obj, req, arg);
    else if ((obj = ccwq_fd_get(fd, CCWQ_OBJ_GROUP)))
        rc = ccwq_group_ioctl(obj, req, arg);
    else if ((obj = ccwq_fd_get(fd, CCWQ_OBJ_DEVICE)))
        rc = ccwq_device_ioctl(obj, req, arg);
    ccwq_unlock();
    ccwq_debug("ioctl(%d, 0x%lx) = %ld", fd, req, rc);
    return rc;
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
    typedef int (*ioctl_fn)(int, unsigned long, ...);
    NEXT(ioctl, ioctl_fn);
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (ours(fd))
        return (int)ccwq_set_errno(emulated_ioctl(fd, req, arg));
    return next_ioctl(fd, req, arg);
}

static ssize_t device_rw(int fd, void *buf, size_t count, off_t pos, bool write)
{
    struct ccwq_device *d;
    ssize_t rc = -EINVAL;       /* a container or group fd has no read/write */
    ccwq_lock();
    if ((d = ccwq_fd_get(fd, CCWQ_OBJ_DEVICE)))
        rc = write ? ccwq_region_write(d, buf, count, (uint64_t)pos) : ccwq_region_read(d, buf, count, (uint64_t)pos);
    ccwq_unlock();
    ccwq_debug("%s(%d, %zu, 0x%llx) = %zd", write ? "pwrite" : "pread", fd, count, (unsigned long long)pos, rc);
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

EXPORT ssize_t pread64(int fd, void *buf, size_t count, off_t pos)
{
    typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);
    NEXT(pread64, pread_fn);
    if (ours(fd))
        return device_rw(fd, buf, count, pos, false);
    return next_pread64(fd, buf, count, pos);
}

EXPORT ssize_t pread(int fd, void *buf, size_t count, off_t pos)
{
    return pread64(fd, buf, count, pos);
}

EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen)
{
    if (count > buflen) {
        fprintf(stderr, "*** buffer overflow detected ***: pread64\n");
        abort();
    }
    return pread64(fd, buf, count, pos);
}

EXPORT ssize_t __pread_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen)
{
    return __pread64_chk(fd, buf, count, pos, buflen);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off_t pos)
{
    typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
    NEXT(pwrite64, pwrite_fn);
    if (ours(fd))
        return device_rw(fd, (void *)buf, count, pos, true);
    return next_pwrite64(fd, buf, count, pos);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t pos)
{
    return pwrite64(fd, buf, count, pos);
}

EXPORT int close(int fd)
{
    typedef int (*close_fn)(int);
    NEXT(close, close_fn);
    if (ours(fd))
        release(fd);
    return next_close(fd);
}
