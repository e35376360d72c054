/*
 * Opening and locking the files of a volume.  Open file description (OFD)
 * locks belong to the open file, not the process, so two opens in one
 * process (daemon plus a CLI check in a test) exclude each other as two
 * processes would; the lock drops with the last close of the descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

int img_open_file(const char *path, bool ro, char *err, size_t errlen)
{
    int fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (!ro && (e == EACCES || e == EROFS))
            return img_fail(err, errlen, e, "image %s: cannot open read-write: %s (open it read-only)",
                            path, strerror(e));
        return img_fail(err, errlen, e, "image %s: cannot open: %s", path, strerror(e));
    }
    int rc = img_lock_file(fd, path, !ro, err, errlen);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}
