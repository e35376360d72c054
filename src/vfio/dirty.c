// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log of guest memory written by device input, per mdev.  QEMU's TCG
 * notices guest stores that modify translated code, but not stores made by
 * another process through the shared memory mapping; the adapter asks for
 * this log (CCWP_CMD_DIRTY) and invalidates translations for these ranges.
 */
#include <string.h>
#include "vfio/private.h"

void vfio_ccw_dirty_init(struct vfio_ccw_dirty *d)
{
    memset(d, 0, sizeof(*d));
    pthread_mutex_init(&d->lock, NULL);
}

void vfio_ccw_dirty_destroy(struct vfio_ccw_dirty *d)
{
    pthread_mutex_destroy(&d->lock);
}

void vfio_ccw_dirty_clear(struct vfio_ccw_dirty *d)
{
    pthread_mutex_lock(&d->lock);
    d->n = 0;
    d->overflow = false;
    pthread_mutex_unlock(&d->lock);
}

/* Merge with an existing range that touches [iova, iova+len). */
static bool merge_locked(struct vfio_ccw_dirty *d, uint64_t iova, uint64_t len)
{
    for (unsigned i = d->n; i-- > 0;) {
        struct vfio_ccw_range *r = &d->r[i];
        if (iova <= r->iova + r->len && r->iova <= iova + len) {
            uint64_t lo = iova < r->iova ? iova : r->iova;
            uint64_t hi = iova + len > r->iova + r->len ? iova + len : r->iova + r->len;
            r->iova = lo;
            r->len = hi - lo;
            return true;
        }
    }
    return false;
}

void vfio_ccw_dirty_add(struct vfio_ccw_dirty *d, uint64_t iova, uint64_t len)
{
    if (!len)
        return;
    pthread_mutex_lock(&d->lock);
    if (!d->overflow && !merge_locked(d, iova, len)) {
        if (d->n == VFIO_CCW_DIRTY_MAX)
            d->overflow = true;
        else
            d->r[d->n++] = (struct vfio_ccw_range){ iova, len };
    }
    pthread_mutex_unlock(&d->lock);
}

unsigned vfio_ccw_dirty_take_from(struct vfio_ccw_dirty *d, struct vfio_ccw_range *out, unsigned max,
                                  bool *overflow)
{
    unsigned n;

    pthread_mutex_lock(&d->lock);
    *overflow = d->overflow;
    if (d->overflow) {
        d->overflow = false;
        d->n = 0;
        pthread_mutex_unlock(&d->lock);
        return 0;
    }
    n = d->n < max ? d->n : max;
    memcpy(out, d->r, n * sizeof(*out));
    memmove(d->r, d->r + n, (d->n - n) * sizeof(*d->r));
    d->n -= n;
    pthread_mutex_unlock(&d->lock);
    return n;
}
