/*
 * Small helpers of the image layer: error messages and whole-buffer I/O.
 */
#include <errno.h>
#include <stdio.h>
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
