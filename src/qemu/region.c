// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pread/pwrite on the vfio-ccw device fd: region `index` lives at file offset
 * index << VFIO_CCW_OFFSET_SHIFT (drivers/s390/cio/vfio_ccw_private.h).  Each
 * access becomes one REGION_READ/REGION_WRITE, except a read of the I/O
 * region while the shared I/O area (shm.c) mirrors it; the daemon's answer (bytes, or
 * the errno the kernel driver would return: EAGAIN, EBUSY, ENODEV, EACCES,
 * EINVAL, EOPNOTSUPP, EIO) passes through unchanged, because QEMU derives the
 * condition code from it.  Contents are converted between architecture and
 * QEMU's host order here (byteorder.h).
 */
#include <errno.h>
#include <string.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"

#define WINDOW (1u << CCWQ_REGION_SHIFT)

static int locate(const struct ccwq_device *d, size_t count, uint64_t pos, uint32_t *index, uint64_t *off)
{
    *index = (uint32_t)(pos >> CCWQ_REGION_SHIFT);
    *off = pos & (WINDOW - 1);
    if (d->gone)
        return -ENODEV;
    if ((pos >> CCWQ_REGION_SHIFT) >= d->num_regions || count > WINDOW)
        return -EINVAL;
    return 0;
}

ssize_t ccwq_region_read(struct ccwq_device *d, void *buf, size_t count, uint64_t pos)
{
    struct { struct ccwp_region_access a; uint8_t data[WINDOW]; } rep;
    struct ccwp_region_access req;
    uint32_t index;
    uint64_t off;
    size_t len = 0;
    int rc = locate(d, count, pos, &index, &off);

    if (rc)
        return rc;
    if (d->kind[index] == CCWQ_REGION_IO && ccwq_shm_read_io(d, buf, off, count)) {
        ccwq_tcg_sync(d);       /* the IRB and its dirty ranges, from the shared area */
        ccwq_region_to_host(d->kind[index], buf, off, count);
        return (ssize_t)count;
    }
    req = (struct ccwp_region_access){ .offset = off, .region = index, .count = (uint32_t)count };
    rc = ccwq_call(&d->conn, CCWP_CMD_REGION_READ, &req, sizeof req, NULL, 0, &rep, sizeof rep, &len);
    if (d->kind[index] == CCWQ_REGION_IO)
        ccwq_tcg_sync(d);       /* before QEMU looks at the IRB and wakes the guest */
    if (rc)
        return ccwq_device_fail(d, rc);
    if (len < sizeof rep.a)
        return -EIO;
    len -= sizeof rep.a;
    if (len > count)
        len = count;
    memcpy(buf, rep.data, len);
    ccwq_region_to_host(d->kind[index], buf, off, len);
    return (ssize_t)len;
}

ssize_t ccwq_region_write(struct ccwq_device *d, const void *buf, size_t count, uint64_t pos)
{
    struct ccwp_region_access req, rep;
    uint8_t data[WINDOW];
    uint32_t index;
    uint64_t off;
    size_t len = 0;
    int rc = locate(d, count, pos, &index, &off);

    if (rc)
        return rc;
    memcpy(data, buf, count);
    ccwq_region_to_arch(d->kind[index], data, off, count);
    ssize_t done;
    if (d->kind[index] == CCWQ_REGION_IO && ccwq_shm_write_io(d, data, off, count, &done))
        return done;            /* the SSCH through the shared area's doorbell */
    req = (struct ccwp_region_access){ .offset = off, .region = index, .count = (uint32_t)count };
    rc = ccwq_call2(&d->conn, CCWP_CMD_REGION_WRITE, &req, sizeof req, data, count, NULL, 0,
                    &rep, sizeof rep, &len);
    if (rc)
        return ccwq_device_fail(d, rc);
    /* A reply without a body means "all of it". */
    return len >= sizeof rep && rep.count <= count ? (ssize_t)rep.count : (ssize_t)count;
}
