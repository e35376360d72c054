/*
 * The libc entry points qemu-system-s390x uses on the VFIO paths (Debian's
 * binary imports fopen64, open64, __open64_2, openat64, readlink, ioctl,
 * pread64, __pread64_chk, pwrite64 and close; the other spellings are covered
 * for other builds).  Inside QEMU they redirect the css/mdev sysfs paths into
 * ccwpassd's view and route the emulated VFIO fds to the adapter; every other
 * call goes straight to the next definition (libc) via dlsym(RTLD_NEXT).
 *
 * The adapter is active only in qemu-system-s390x (or when
 * CCWPASS_ADAPTER_FORCE=1), so a wrapper such as timeout(1) that inherits
 * LD_PRELOAD is not affected; once active it removes itself from LD_PRELOAD
 * so QEMU's children run clean.
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
#include "daemon/proto.h"
#include "qemu/adapter.h"
#include "qemu/pathmap.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc declares these only under _FORTIFY_SOURCE. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __pread_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t count, off_t pos, size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);

static bool active;

#define NEXT(name, type) \
    static type next_##name; \
    if (!next_##name) next_##name = (type)dlsym(RTLD_NEXT, #name)

const char *ccwq_socket_path(void)
{
    const char *s = getenv("CCWPASS_SOCKET");
    return s && *s ? s : CCWP_DEFAULT_SOCKET;
}

/* Removes every LD_PRELOAD entry that names this library. */
static void drop_self_from_preload(void)
{
    Dl_info self;
    const char *pre = getenv("LD_PRELOAD");
    if (!pre || !dladdr((void *)drop_self_from_preload, &self) || !self.dli_fname)
        return;
    const char *base = strrchr(self.dli_fname, '/');
    base = base ? base + 1 : self.dli_fname;
    char *copy = strdup(pre), *out = calloc(1, strlen(pre) + 1), *save = NULL;
    if (!copy || !out)
        goto done;
    for (char *tok = strtok_r(copy, ": ", &save); tok; tok = strtok_r(NULL, ": ", &save)) {
        const char *tb = strrchr(tok, '/');
        if (!strcmp(tb ? tb + 1 : tok, base))
            continue;
        if (*out)
            strcat(out, ":");
        strcat(out, tok);
    }
    if (*out)
        setenv("LD_PRELOAD", out, 1);
    else
        unsetenv("LD_PRELOAD");
done:
    free(copy);
    free(out);
}

static bool is_qemu_s390x(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    const char *base = strrchr(exe, '/');
    return !strncmp(base ? base + 1 : exe, "qemu-system-s390x", strlen("qemu-system-s390x"));
}

__attribute__((constructor)) static void adapter_init(void)
{
    const char *force = getenv("CCWPASS_ADAPTER_FORCE");
    active = (force && !strcmp(force, "1")) || is_qemu_s390x();
    if (!active)
        return;
    drop_self_from_preload();
    unsetenv("CCWPASS_ADAPTER_FORCE");
    ccwq_debug("active; view %s, socket %s", getenv("CCWPASS_VIEW") ? getenv("CCWPASS_VIEW") : "(none)",
               ccwq_socket_path());
}

/* ---- paths ------------------------------------------------------------------ */

/* Returns the path to use: the view's copy, or the original. */
static const char *map_path(const char *path, char *buf, size_t bufsz)
{
    if (!active)
        return path;
    int r = ccwq_path_map(getenv("CCWPASS_VIEW"), path, buf, bufsz);
    return r == 1 ? buf : path;
}

static int set_errno(long rc)
{
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return (int)rc;
}

/* /dev/vfio/vfio or /dev/vfio/<n>: an emulated fd; -2 means "not ours". */
static int open_vfio(const char *path)
{
    int group;
    if (!active)
        return -2;
    switch (ccwq_vfio_node(path, &group)) {
    case CCWQ_NODE_CONTAINER: return set_errno(ccwq_container_open());
    case CCWQ_NODE_GROUP:     return set_errno(ccwq_group_open(group));
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
    if (!r || !active || !view || !*view)
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
        return set_errno(emulated_ioctl(fd, req, arg));
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
