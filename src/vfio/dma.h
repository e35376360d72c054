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
/* Copy exactly `len` bytes: 0, or -EINVAL if any byte is not mapped. */
int  vfio_dma_read(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len);
/* Pin [iova, iova+len), which must lie inside one mapping (len may be 0 only
 * for a mapped iova): returns the host address and whether it is writable.
 * -EINVAL if not mapped.  Each pin must be dropped with vfio_dma_unpin. */
int  vfio_dma_pin(struct vfio_dma *dma, uint64_t iova, uint64_t len, uint8_t **host, bool *writable);
void vfio_dma_unpin(struct vfio_dma *dma, uint64_t iova);
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
