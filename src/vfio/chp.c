// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SCHIB and CRW regions and channel-path events (Linux vfio_ccw_chp.c and
 * vfio_ccw_chp_event): a SCHIB region read is a live STORE SUBCHANNEL; the
 * CRW region hands out one queued channel report word per read (zeros when
 * none is queued) and signals the CRW eventfd again while more remain, so the
 * VMM reads until it sees zero.  A path going away or coming back queues a
 * CRW (source channel path; PERRN / INIT) for the VMM.
 */
#include <errno.h>
#include <string.h>
#include "vfio/private.h"

ssize_t vfio_ccw_schib_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len)
{
    uint8_t area[CCW_SCHIB_REGION_SIZE];
    struct schib schib;

    pthread_mutex_lock(&m->io_mutex);
    if (sch_stsch(m->sch, &schib)) {
        pthread_mutex_unlock(&m->io_mutex);
        return -ENODEV;
    }
    pthread_mutex_unlock(&m->io_mutex);
    schib_encode(&schib, area);
    memcpy(buf, area + off, len);
    return (ssize_t)len;
}

ssize_t vfio_ccw_crw_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len)
{
    bool more;

    pthread_mutex_lock(&m->crw_lock);
    memset(m->crw_region, 0, sizeof(m->crw_region));
    if (m->crw_n) {
        be32_put(m->crw_region, m->crw[m->crw_head]);
        m->crw_head = (m->crw_head + 1) % VFIO_CCW_CRW_MAX;
        m->crw_n--;
    }
    memcpy(buf, m->crw_region + off, len);
    more = m->crw_n > 0;
    pthread_mutex_unlock(&m->crw_lock);
    if (more)
        vfio_ccw_signal(m, VFIO_CCW_CRW_IRQ_INDEX);
    return (ssize_t)len;
}

void vfio_ccw_queue_crw(struct vfio_ccw_mdev *m, uint8_t rsc, uint8_t erc, uint16_t rsid)
{
    struct crw crw = { .rsc = rsc, .erc = erc, .rsid = rsid };
    bool queued = false;

    pthread_mutex_lock(&m->crw_lock);
    /* A full list drops the report: the guest learns from its next STSCH. */
    if (m->crw_n < VFIO_CCW_CRW_MAX) {
        m->crw[(m->crw_head + m->crw_n) % VFIO_CCW_CRW_MAX] = crw_encode(&crw);
        m->crw_n++;
        queued = true;
    }
    pthread_mutex_unlock(&m->crw_lock);
    if (queued)
        vfio_ccw_signal(m, VFIO_CCW_CRW_IRQ_INDEX);
}

void vfio_ccw_crw_flush(struct vfio_ccw_mdev *m)
{
    pthread_mutex_lock(&m->crw_lock);
    m->crw_head = m->crw_n = 0;
    pthread_mutex_unlock(&m->crw_lock);
}

static uint8_t chpid_mask(struct subchannel *sch, uint8_t chpid)
{
    struct schib schib;
    uint8_t mask = 0;

    if (sch_stsch(sch, &schib))
        return 0;
    for (unsigned i = 0; i < 8; i++)
        if ((schib.pmcw.pim & (0x80u >> i)) && schib.pmcw.chpid[i] == chpid)
            mask |= (uint8_t)(0x80u >> i);
    return mask;
}

void vfio_ccw_chp_event(void *opaque, struct subchannel *sch, uint8_t chpid, bool online)
{
    struct vfio_ccw_mdev *m = opaque;
    uint8_t mask = chpid_mask(sch, chpid);
    bool open;

    if (!mask)
        return;
    pthread_mutex_lock(&m->io_mutex);
    if (online)
        m->lpm |= mask;
    else
        m->lpm &= (uint8_t)~mask;
    pthread_mutex_unlock(&m->io_mutex);
    /* not under open_lock: a close may hold it while it quiesces (seconds
     * on a slow device), and path events come from the daemon's event loop;
     * a CRW queued while the mdev closes is flushed by the close */
    open = vfio_ccw_mdev_is_open(m);
    if (open)
        vfio_ccw_queue_crw(m, CRW_RSC_CPATH, online ? CRW_ERC_INIT : CRW_ERC_PERRN, chpid);
}
