// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mdev as a VFIO device (Linux vfio_ccw_ops.c): open/close, region info
 * with the capability chain for the device-specific regions, region read and
 * write (the I/O region here; async, SCHIB and CRW dispatched), SET_IRQS with
 * eventfds, RESET, the DMA-unmap callback, and the dirty log.
 *
 * Regions: 0 I/O (124 bytes, RW), and while open 1 async command (8, RW),
 * 2 SCHIB (52, RO), 3 CRW (8, RO), each at index << 10.  Every access must
 * satisfy pos + count <= size of an existing region, else -EINVAL.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "vfio/private.h"

struct region_desc {
    uint64_t size;
    uint32_t flags;
    uint32_t subtype;   /* 0: no type capability */
};

static const struct region_desc regions[] = {
    { CCW_IO_REGION_SIZE, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, 0 },
    { CCW_CMD_REGION_SIZE, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
      VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD },
    { CCW_SCHIB_REGION_SIZE, VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_SUBTYPE_CCW_SCHIB },
    { CCW_CRW_REGION_SIZE, VFIO_REGION_INFO_FLAG_READ, VFIO_REGION_SUBTYPE_CCW_CRW },
};

/* ---- open / close ------------------------------------------------------------ */

int vfio_ccw_open(struct vfio_ccw_mdev *m, struct vfio_dma *dma)
{
    int ret = 0;

    if (!m || !dma)
        return -EINVAL;
    pthread_mutex_lock(&m->open_lock);
    if (m->open || m->removed) {
        pthread_mutex_unlock(&m->open_lock);
        return m->open ? -EBUSY : -ENODEV;
    }
    pthread_mutex_lock(&m->io_mutex);
    if (m->state == VFIO_CCW_STATE_NOT_OPER)
        ret = -EINVAL;
    else {
        /* Nothing of a previous VMM's I/O is visible to the next one. */
        memset(m->io_region, 0, sizeof(m->io_region));
        memset(m->cmd_region, 0, sizeof(m->cmd_region));
        vfio_ccw_dirty_clear(&m->dirty);
        m->dma = dma;
        vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_OPEN);
        if (m->state == VFIO_CCW_STATE_NOT_OPER)
            ret = -EINVAL;
    }
    pthread_mutex_unlock(&m->io_mutex);
    if (!ret && (ret = vfio_dma_register_user(dma, vfio_ccw_dma_unmap_cb, m))) {
        pthread_mutex_lock(&m->io_mutex);
        vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_CLOSE);
        m->dma = NULL;
        pthread_mutex_unlock(&m->io_mutex);
    }
    if (!ret)
        __atomic_store_n(&m->open, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&m->open_lock);
    return ret;
}

void vfio_ccw_close(struct vfio_ccw_mdev *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->open_lock);
    if (!m->open) {
        pthread_mutex_unlock(&m->open_lock);
        return;
    }
    vfio_dma_unregister_user(m->dma, m);
    pthread_mutex_lock(&m->io_mutex);
    vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_CLOSE);
    m->dma = NULL;
    m->io_observer = NULL;
    m->io_observer_opaque = NULL;
    pthread_mutex_unlock(&m->io_mutex);
    vfio_ccw_crw_flush(m);
    vfio_ccw_notifier_release(&m->notifier);
    __atomic_store_n(&m->open, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&m->open_lock);
}

bool vfio_ccw_io_in_flight(struct vfio_ccw_mdev *m)
{
    bool busy;

    pthread_mutex_lock(&m->io_mutex);
    busy = m->cp != NULL;
    pthread_mutex_unlock(&m->io_mutex);
    return busy;
}

/* CLOSE then OPEN, with io_mutex held. */
static int reset_locked(struct vfio_ccw_mdev *m)
{
    vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_CLOSE);
    vfio_ccw_fsm_event(m, VFIO_CCW_EVENT_OPEN);
    vfio_ccw_io_changed(m);
    return m->state == VFIO_CCW_STATE_NOT_OPER ? -EINVAL : 0;
}

void vfio_ccw_io_changed(struct vfio_ccw_mdev *m)
{
    if (m->io_observer)
        m->io_observer(m->io_observer_opaque, m->io_region);
}

void vfio_ccw_set_io_observer(struct vfio_ccw_mdev *m, vfio_ccw_io_observer_fn fn, void *opaque)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->io_mutex);
    m->io_observer = fn;
    m->io_observer_opaque = opaque;
    vfio_ccw_io_changed(m);
    pthread_mutex_unlock(&m->io_mutex);
}

int vfio_ccw_reset(struct vfio_ccw_mdev *m)
{
    int ret;

    if (!m)
        return -EINVAL;
    pthread_mutex_lock(&m->open_lock);
    if (!m->open) {
        pthread_mutex_unlock(&m->open_lock);
        return -EINVAL;
    }
    pthread_mutex_lock(&m->io_mutex);
    ret = reset_locked(m);
    pthread_mutex_unlock(&m->io_mutex);
    pthread_mutex_unlock(&m->open_lock);
    return ret;
}

/* The kernel's dma_unmap callback: a device with pages pinned in the range
 * is reset, which ends its program and drops the pins. */
int vfio_ccw_dma_unmap_cb(void *opaque, uint64_t iova, uint64_t size)
{
    struct vfio_ccw_mdev *m = opaque;

    pthread_mutex_lock(&m->io_mutex);
    if (m->cp && cp_iova_pinned(m->cp, iova, size))
        reset_locked(m);
    pthread_mutex_unlock(&m->io_mutex);
    return 0;
}

/* ---- regions ------------------------------------------------------------------- */

uint32_t vfio_ccw_num_regions(const struct vfio_ccw_mdev *m)
{
    return m && m->open ? 4 : 1;
}

int vfio_ccw_region_info(const struct vfio_ccw_mdev *m, uint32_t index, struct vfio_ccw_region_info *ri)
{
    if (!m || !ri || index >= vfio_ccw_num_regions(m))
        return -EINVAL;
    memset(ri, 0, sizeof(*ri));
    ri->index = index;
    ri->flags = regions[index].flags;
    ri->size = regions[index].size;
    ri->offset = (uint64_t)index << VFIO_CCW_OFFSET_SHIFT;
    if (regions[index].subtype) {
        ri->flags |= VFIO_REGION_INFO_FLAG_CAPS;
        ri->has_type = true;
        ri->type = VFIO_REGION_TYPE_CCW;
        ri->subtype = regions[index].subtype;
    }
    return 0;
}

/* The index is checked before it selects anything (CVE-2026-80552), then
 * pos + count <= size. */
static int check_access(const struct vfio_ccw_mdev *m, uint32_t index, uint64_t off, size_t len)
{
    if (!m || index >= vfio_ccw_num_regions(m))
        return -EINVAL;
    if (off > regions[index].size || len > regions[index].size - off)
        return -EINVAL;
    return 0;
}

static ssize_t io_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len)
{
    pthread_mutex_lock(&m->io_mutex);
    memcpy(buf, m->io_region + off, len);
    pthread_mutex_unlock(&m->io_mutex);
    return (ssize_t)len;
}

/* A write into a request region (I/O or async): under io_mutex, taken with
 * trylock so a contended write fails with -EAGAIN as the kernel's does; the
 * FSM event leaves its ret_code at region + ret_off. */
static ssize_t request_write(struct vfio_ccw_mdev *m, uint8_t *region, size_t ret_off, uint64_t off,
                             const void *buf, size_t len, enum vfio_ccw_event ev, bool *here)
{
    int32_t ret;

    if (pthread_mutex_trylock(&m->io_mutex))
        return -EAGAIN;
    if (m->quiescing) {
        pthread_mutex_unlock(&m->io_mutex);
        return -EAGAIN;
    }
    memcpy(region + off, buf, len);
    m->want_here = here != NULL;
    m->run_here = false;
    vfio_ccw_fsm_event(m, ev);
    if (here)
        *here = m->run_here;
    m->want_here = false;
    if (region == m->io_region)
        vfio_ccw_io_changed(m);
    ret = (int32_t)be32_get(region + ret_off);
    pthread_mutex_unlock(&m->io_mutex);
    return ret ? ret : (ssize_t)len;
}

ssize_t vfio_ccw_request_write(struct vfio_ccw_mdev *m, uint8_t *region, size_t ret_off, uint64_t off,
                               const void *buf, size_t len, enum vfio_ccw_event ev)
{
    return request_write(m, region, ret_off, off, buf, len, ev, NULL);
}

static ssize_t io_write(struct vfio_ccw_mdev *m, uint64_t off, const void *buf, size_t len)
{
    return vfio_ccw_request_write(m, m->io_region, CCW_IO_REGION_SIZE - 4, off, buf, len, VFIO_CCW_EVENT_IO_REQ);
}

ssize_t vfio_ccw_io_write_here(struct vfio_ccw_mdev *m, uint64_t off, const void *buf, size_t len, bool *here)
{
    int ret = check_access(m, VFIO_CCW_CONFIG_REGION_INDEX, off, len);

    *here = false;
    if (ret)
        return ret;
    return request_write(m, m->io_region, CCW_IO_REGION_SIZE - 4, off, buf, len, VFIO_CCW_EVENT_IO_REQ, here);
}

void vfio_ccw_run_here(struct vfio_ccw_mdev *m)
{
    sch_run_here(m->sch);
}

ssize_t vfio_ccw_region_read(struct vfio_ccw_mdev *m, uint32_t index, uint64_t off, void *buf, size_t len)
{
    int ret = check_access(m, index, off, len);

    if (ret)
        return ret;
    switch (index) {
    case 0:
        return io_read(m, off, buf, len);
    case 1:
        return vfio_ccw_async_read(m, off, buf, len);
    case 2:
        return vfio_ccw_schib_read(m, off, buf, len);
    default:
        return vfio_ccw_crw_read(m, off, buf, len);
    }
}

ssize_t vfio_ccw_region_write(struct vfio_ccw_mdev *m, uint32_t index, uint64_t off, const void *buf,
                              size_t len)
{
    int ret = check_access(m, index, off, len);

    if (ret)
        return ret;
    switch (index) {
    case 0:
        return io_write(m, off, buf, len);
    case 1:
        return vfio_ccw_async_write(m, off, buf, len);
    default:
        return -EINVAL;   /* SCHIB and CRW regions are read-only */
    }
}

/* ---- IRQs ------------------------------------------------------------------------ */

/* The eventfds are written by the mdev's notifier thread (notify.c), never
 * by the thread that raises the interrupt: a VMM can make a write to its
 * eventfd block, and the raisers are the event loop (CRW, REQ) and the
 * subchannel's worker under io_mutex (IO). */
int vfio_ccw_set_irq(struct vfio_ccw_mdev *m, uint32_t index, int fd)
{
    int mine = -1;

    if (!m || index >= VFIO_CCW_NUM_IRQS)
        return -EINVAL;
    if (fd >= 0) {
        mine = dup(fd);   /* the driver keeps its own reference */
        if (mine < 0)
            return -errno;
    }
    return vfio_ccw_notifier_set_fd(&m->notifier, index, mine);
}

void vfio_ccw_signal(struct vfio_ccw_mdev *m, uint32_t index)
{
    vfio_ccw_notifier_raise(&m->notifier, index);
}

int vfio_ccw_trigger_irq(struct vfio_ccw_mdev *m, uint32_t index)
{
    if (!m || index >= VFIO_CCW_NUM_IRQS)
        return -EINVAL;
    vfio_ccw_signal(m, index);
    return 0;
}

/* ---- dirty log ------------------------------------------------------------------- */

unsigned vfio_ccw_dirty_take(struct vfio_ccw_mdev *m, struct vfio_ccw_range *out, unsigned max,
                             bool *overflow)
{
    return vfio_ccw_dirty_take_from(&m->dirty, out, max, overflow);
}
