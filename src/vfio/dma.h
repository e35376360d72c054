/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interface of the guest-memory (DMA) map and of the per-mdev log of
 * guest memory written by devices.  The translator (cp.c) reaches guest memory
 * only through these calls: vfio_dma_read is the kernel's vfio_dma_rw for
 * CCWs and IDAWs, vfio_dma_pin/unpin its vfio_pin_pages for data areas.
 */
#ifndef CCWPASS_VFIO_DMA_H
#define CCWPASS_VFIO_DMA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "vfio/vfio_ccw.h"

#define VFIO_DMA_PAGE 4096u

/* Copy up to `len` bytes of guest memory at `iova` into buf; stops at the
 * first byte that is not mapped.  Returns the number of bytes copied (0 if
 * `iova` itself is unmapped). */
uint64_t vfio_dma_read_prefix(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len);
/* Copy exactly `len` bytes: 0, -EINVAL if any byte is not mapped, -EFAULT
 * if a mapping on the way is poisoned (a bus error, below). */
int  vfio_dma_read(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len);
/* Pin [iova, iova+len), which must lie inside one mapping (len may be 0 only
 * for a mapped iova): returns the host address and whether it is writable.
 * -EINVAL if not mapped.  Each pin must be dropped with vfio_dma_unpin; a pin
 * keeps its mapping and the map object alive (see vfio_dma_free). */
int  vfio_dma_pin(struct vfio_dma *dma, uint64_t iova, uint64_t len, uint8_t **host, bool *writable);
void vfio_dma_unpin(struct vfio_dma *dma, uint64_t iova);
/*
 * Bus errors on guest memory.  A SIGBUS while any thread touches the host
 * memory of a mapping (its file was truncated under the daemon, a hugetlbfs
 * page could not be allocated) replaces the whole mapping by anonymous zero
 * pages and poisons it: the faulting copy completes with zeros instead of
 * killing the daemon, and from then on reads stop before it and pins of it
 * fail (-EINVAL, as for unmapped memory), so later programs get architected
 * errors.  The request whose copy faulted is the caller's to fail:
 *   vfio_dma_faults    bus errors absorbed on this map so far; take it before
 *                      a request touches guest memory and compare after (e.g.
 *                      at cp_init and before the final status is presented);
 *                      any change means data of that request may be zeros
 *   vfio_dma_poisoned  whether any mapping overlapping [iova, iova+len) was
 *                      poisoned (e.g. for each pinned range of a program)
 * vfio_dma_read returns -EFAULT when it stopped at a poisoned mapping.
 */
unsigned vfio_dma_faults(struct vfio_dma *dma);
bool vfio_dma_poisoned(struct vfio_dma *dma, uint64_t iova, uint64_t len);
/* Tests: observe every guest read the translator makes. */
typedef void (*vfio_dma_read_hook)(void *opaque, uint64_t iova, uint64_t len);
void vfio_dma_set_read_hook(struct vfio_dma *dma, vfio_dma_read_hook fn, void *opaque);

/* ---- guest ranges written by device input (dirty.c) ---------------------- */
struct vfio_ccw_dirty {
    pthread_mutex_t lock;
    struct vfio_ccw_range r[VFIO_CCW_DIRTY_MAX];
    unsigned n;
    bool overflow;
};
void vfio_ccw_dirty_init(struct vfio_ccw_dirty *d);
void vfio_ccw_dirty_destroy(struct vfio_ccw_dirty *d);
void vfio_ccw_dirty_clear(struct vfio_ccw_dirty *d);
void vfio_ccw_dirty_add(struct vfio_ccw_dirty *d, uint64_t iova, uint64_t len);
unsigned vfio_ccw_dirty_take_from(struct vfio_ccw_dirty *d, struct vfio_ccw_range *out, unsigned max,
                                  bool *overflow);

#endif
