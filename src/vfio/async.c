// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The async command region (Linux vfio_ccw_async.c): HALT and CLEAR
 * SUBCHANNEL requested by the VMM, with a ret_code like the I/O region's.
 * Accepted in IDLE and CP_PENDING; -EAGAIN while a start is being processed.
 */
#include <errno.h>
#include <string.h>
#include "vfio/private.h"

ssize_t vfio_ccw_async_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len)
{
    pthread_mutex_lock(&m->io_mutex);
    memcpy(buf, m->cmd_region + off, len);
    pthread_mutex_unlock(&m->io_mutex);
    return (ssize_t)len;
}

ssize_t vfio_ccw_async_write(struct vfio_ccw_mdev *m, uint64_t off, const void *buf, size_t len)
{
    return vfio_ccw_request_write(m, m->cmd_region, 4, off, buf, len, VFIO_CCW_EVENT_ASYNC_REQ);
}
