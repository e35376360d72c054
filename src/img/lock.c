// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening and locking the files of a volume.  Only regular files are
 * opened: a FIFO would block the open or the first read for ever, and a
 * device has no size to check an image against.  Open file description (OFD)
 * locks belong to the open file, not the process, so two opens in one
 * process (daemon plus a CLI check in a test) exclude each other as two
 * processes would; the lock drops with the last close of the descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/img_internal.h"

int img_lock_file(int fd, const char *path, bool rw, char *err, size_t errlen)
{
    struct flock fl = { .l_type = rw ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return 0;
    int e = errno;
    if (e == EAGAIN || e == EACCES)
        return img_fail(err, errlen, EBUSY, "image %s is in use by another process", path);
    return img_fail(err, errlen, e, "image %s: cannot lock: %s", path, strerror(e));
}

static const char *file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFDIR: return "a directory";
    case S_IFSOCK: return "a socket";
    default:       return "not a file";
    }
}

int img_require_regular(int fd, const char *path, char *err, size_t errlen)
{
    struct stat st;
    int rc = fd < 0 ? stat(path, &st) : fstat(fd, &st);
    if (rc < 0 && fd < 0 && errno == ENOENT)
        return 0;               /* nothing there yet: the open says more */
    if (rc < 0)
        return img_fail(err, errlen, errno, "image %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return img_fail(err, errlen, EINVAL, "image %s: not a regular file (%s)", path, file_kind(st.st_mode));
    return 0;
}

int img_open_nonblock(const char *path, int flags, const char *verb, char *err, size_t errlen)
{
    int rc = img_require_regular(-1, path, err, errlen);
    if (rc < 0)
        return rc;
    /* O_NONBLOCK: should the path have become a FIFO since, the open must
     * not wait for the other end */
    int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK, IMG_FILE_MODE);
    if (fd < 0)
        return img_fail(err, errlen, errno, "image %s: cannot %s: %s", path, verb, strerror(errno));
    rc = img_require_regular(fd, path, err, errlen);
    int fl = rc == 0 ? fcntl(fd, F_GETFL) : 0;
    if (rc == 0 && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0))
        rc = img_fail(err, errlen, errno, "image %s: %s", path, strerror(errno));
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

int img_open_file(const char *path, bool ro, bool shared, char *err, size_t errlen)
{
    int fd = img_open_nonblock(path, ro ? O_RDONLY : O_RDWR, "open", err, errlen);
    if (fd < 0 && !ro && (fd == -EACCES || fd == -EROFS))
        return img_fail(err, errlen, -fd, "image %s: cannot open read-write: %s (open it read-only)", path,
                        strerror(-fd));
    if (fd < 0)
        return fd;
    int rc = img_lock_file(fd, path, !ro && !shared, err, errlen);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}
