// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small helpers of the image layer: error messages and whole-buffer I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "img/img_internal.h"

int img_fail(char *err, size_t errlen, int errno_val, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -errno_val;
}

int img_set_error(struct img *im, int errno_val, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(im->err, sizeof im->err, fmt, ap);
    va_end(ap);
    return -errno_val;
}

int img_pread_full(int fd, void *buf, size_t len, off_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            errno = 0;
            return -EIO;
        }
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

int img_pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

int img_read_header(int fd, void *buf, size_t len, off_t off, const char *path, const char *what,
                    char *err, size_t errlen)
{
    int rc = img_pread_full(fd, buf, len, off);
    if (rc == -EIO && errno == 0)
        return img_fail(err, errlen, EINVAL, "image %s: truncated header (%s)", path, what);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot read the header: %s", path, strerror(-rc));
    return 0;
}
