/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw host driver, in userspace (Linux drivers/s390/cio/vfio_ccw_*):
 * binding of I/O subchannels, the vfio_ccw-io mdev type and its lifecycle,
 * the device's regions and IRQs, the FSM, the guest-memory (DMA) map and the
 * channel-program translation that is the system's security boundary.
 * Files: drv.c (binding, mdev lifecycle), ops.c (regions, IRQs, ioctls),
 * fsm.c (the [state][event] table), cp.c (translation), dma.c (the DMA map).
 */
#ifndef CCWPASS_VFIO_VFIO_CCW_H
#define CCWPASS_VFIO_VFIO_CCW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "chan/css.h"

/* UAPI constants (include/uapi/linux/vfio.h, vfio_ccw.h) */
#define VFIO_DEVICE_FLAGS_RESET      (1u << 0)
#define VFIO_DEVICE_FLAGS_CCW        (1u << 4)
#define VFIO_CCW_CONFIG_REGION_INDEX 0
#define VFIO_REGION_TYPE_CCW         2
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD 1
#define VFIO_REGION_SUBTYPE_CCW_SCHIB 2
#define VFIO_REGION_SUBTYPE_CCW_CRW   3
#define VFIO_CCW_IO_IRQ_INDEX  0
#define VFIO_CCW_CRW_IRQ_INDEX 1
#define VFIO_CCW_REQ_IRQ_INDEX 2
#define VFIO_CCW_NUM_IRQS      3
#define VFIO_CCW_OFFSET_SHIFT  10
#define VFIO_CCW_ASYNC_CMD_HSCH (1u << 0)
#define VFIO_CCW_ASYNC_CMD_CSCH (1u << 1)
#define VFIO_REGION_INFO_FLAG_READ  (1u << 0)
#define VFIO_REGION_INFO_FLAG_WRITE (1u << 1)
#define VFIO_REGION_INFO_FLAG_CAPS  (1u << 3)
#define VFIO_REGION_INFO_CAP_TYPE   2   /* 1 is VFIO_REGION_INFO_CAP_SPARSE_MMAP */
#define VFIO_IRQ_INFO_EVENTFD       (1u << 0)

/* Region sizes (packed structs of vfio_ccw.h) */
#define CCW_IO_REGION_SIZE    124  /* orb[12] scsw[12] irb[96] ret_code u32 */
#define CCW_CMD_REGION_SIZE   8    /* command u32, ret_code u32 */
#define CCW_SCHIB_REGION_SIZE 52
#define CCW_CRW_REGION_SIZE   8    /* crw u32, pad u32 */

/* ---- the guest-memory map (what VFIO_IOMMU_MAP_DMA established) ---------- */
struct vfio_dma;
/* Maps one DMA map may hold (one per VMM connection).  QEMU maps a handful
 * (one per RAM section); the kernel's type1 default is 65535, but each map
 * here is an mmap in the daemon, and the daemon's mappings are bounded by
 * vm.max_map_count (65530 by default) for all clients together. */
#define VFIO_DMA_MAX_MAPS 256
/* Called when the map lets go of host memory it was given by vfio_dma_map
 * (after a successful unmap, at vfio_dma_free, or at the last unpin of a
 * mapping kept for its pins): the owner of the memory may munmap it now. */
typedef void (*vfio_dma_release_fn)(void *host, uint64_t size);

/* A new, empty map.  Also installs the process-wide SIGBUS guard (see
 * vfio_dma_faults in dma.h) if it is not in place. */
struct vfio_dma *vfio_dma_new(void);
/* The owner lets go: unpinned mappings are released at once; a mapping still
 * pinned by a channel program (a device that could not be quiesced) is kept,
 * with the object, until its last vfio_dma_unpin.  Returns how many mappings
 * were kept.  The owner must not use dma afterwards. */
unsigned vfio_dma_free(struct vfio_dma *dma);
/* How many mappings the owner has (pinned ones kept after free not counted). */
unsigned vfio_dma_count(struct vfio_dma *dma);
/* Who gets host memory back (NULL: nobody, the caller manages it itself). */
void vfio_dma_set_release(struct vfio_dma *dma, vfio_dma_release_fn fn);
/* Map [iova, iova+size) to host memory `host`.  -EEXIST on overlap, -EINVAL
 * unless iova and size are multiples of 4 KiB (the IOMMU page) and size > 0,
 * -ENOSPC if VFIO_DMA_MAX_MAPS maps exist.  On success the map owns `host`
 * until it releases it (vfio_dma_release_fn); on failure the caller does. */
int  vfio_dma_map(struct vfio_dma *dma, uint64_t iova, uint64_t size, void *host, bool writable);
/* Remove a mapping (must match a map exactly, else -EINVAL).  Devices with
 * pages pinned in the range are reset first, as the kernel's dma_unmap does;
 * on return nothing refers to the host memory any more and it has been
 * released (-EBUSY if a pin could not be dropped, and the mapping stays). */
int  vfio_dma_unmap(struct vfio_dma *dma, uint64_t iova, uint64_t size);

/* ---- driver binding and the mdev type ------------------------------------ */
struct vfio_ccw_parent;   /* a subchannel bound to vfio_ccw */
struct vfio_ccw_mdev;     /* a vfio_ccw-io mediated device */

/* Bind: -ENODEV for a non-I/O or QDIO subchannel. */
int  vfio_ccw_probe(struct subchannel *sch, struct vfio_ccw_parent **out);
/* Unbind: removes the mdev.  If the mdev is open, signals the REQ eventfd and
 * returns -EBUSY; the caller retries after the VMM has released it. */
int  vfio_ccw_remove(struct vfio_ccw_parent *p);
struct subchannel *vfio_ccw_parent_sch(const struct vfio_ccw_parent *p);
unsigned vfio_ccw_available_instances(const struct vfio_ccw_parent *p);

/* -EEXIST if the uuid exists, -ENOSPC if no instance is available,
 * -EINVAL for a malformed uuid. */
int  vfio_ccw_mdev_create(struct vfio_ccw_parent *p, const char *uuid, struct vfio_ccw_mdev **out);
/* -EBUSY while open (and the REQ eventfd is signalled, asking the VMM to let
 * go).  Callers serialise remove with open/close of the same mdev. */
int  vfio_ccw_mdev_remove(struct vfio_ccw_mdev *m);
struct vfio_ccw_mdev *vfio_ccw_parent_mdev(const struct vfio_ccw_parent *p);
const char *vfio_ccw_mdev_uuid(const struct vfio_ccw_mdev *m);
bool vfio_ccw_mdev_is_open(const struct vfio_ccw_mdev *m);

/* ---- the device (vfio_device_ops) ---------------------------------------- */
struct vfio_ccw_region_info {
    uint32_t index;
    uint32_t flags;       /* VFIO_REGION_INFO_FLAG_* */
    uint64_t size;
    uint64_t offset;      /* index << VFIO_CCW_OFFSET_SHIFT */
    bool     has_type;    /* capability VFIO_REGION_INFO_CAP_TYPE present */
    uint32_t type, subtype;
};

/* Open with the VMM's DMA map (kept by reference until close): -EBUSY if open,
 * -EINVAL if the subchannel is not operational, -ENODEV while being removed.
 * Enables the subchannel; the regions and the dirty log start empty, so a VMM
 * never sees anything of the previous one's I/O.  Close quiesces I/O still
 * running (clear), disables the subchannel and releases the eventfds. */
int  vfio_ccw_open(struct vfio_ccw_mdev *m, struct vfio_dma *dma);
void vfio_ccw_close(struct vfio_ccw_mdev *m);
/* A channel program of this mdev is in flight: closing or resetting it now
 * means waiting for the subchannel to be cleared. */
bool vfio_ccw_io_in_flight(struct vfio_ccw_mdev *m);
uint32_t vfio_ccw_num_regions(const struct vfio_ccw_mdev *m);   /* 1 + 3 while open */
int  vfio_ccw_region_info(const struct vfio_ccw_mdev *m, uint32_t index, struct vfio_ccw_region_info *ri);
/* Region access by region index and offset inside the region.  Return bytes
 * transferred or a negative errno exactly as the kernel's read/write would
 * (-EINVAL out of bounds, -EAGAIN when busy, the I/O region's ret_code ...). */
ssize_t vfio_ccw_region_read(struct vfio_ccw_mdev *m, uint32_t index, uint64_t off, void *buf, size_t len);
ssize_t vfio_ccw_region_write(struct vfio_ccw_mdev *m, uint32_t index, uint64_t off, const void *buf, size_t len);

/**
 * vfio_ccw_io_write_here() - write the I/O region; a start may run on this thread
 * @m: the mdev
 * @off: offset in the I/O region
 * @buf: the bytes
 * @len: how many
 * @here: set when the SSCH was accepted and its program left to the caller,
 *        who must then call vfio_ccw_run_here() (with no lock held)
 *
 * As vfio_ccw_region_write() of the I/O region, with the same answers.  The
 * program of a DASD (image I/O, a track at a time) is left to the caller,
 * which saves the handoff to the subchannel's worker; a tape, or a device
 * with an injected delay, keeps its worker.
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_ccw_io_write_here(struct vfio_ccw_mdev *m, uint64_t off, const void *buf, size_t len, bool *here);

/**
 * vfio_ccw_run_here() - run the start vfio_ccw_io_write_here() left to the caller
 * @m: the mdev
 *
 * Returns when the program ended or suspended and its interrupt was handled
 * (the IRB published, the IO eventfd written), or at once if the worker took
 * it meanwhile.  HSCH/CSCH from other threads stop it as usual.
 */
void vfio_ccw_run_here(struct vfio_ccw_mdev *m);
/* IRQs: index VFIO_CCW_*_IRQ_INDEX; fd = eventfd, or -1 to de-assign.  The
 * driver keeps its own dup of fd (the caller may close its copy) and adds one
 * per interrupt, on a thread of its own (a VMM can make the write block: it
 * then holds up only that eventfd; replacing the fd or closing the mdev gives
 * the write up).  The IO eventfd is written once the IRB is in the I/O
 * region. */
int  vfio_ccw_set_irq(struct vfio_ccw_mdev *m, uint32_t index, int fd);
int  vfio_ccw_trigger_irq(struct vfio_ccw_mdev *m, uint32_t index); /* DATA_NONE/BOOL */
int  vfio_ccw_reset(struct vfio_ccw_mdev *m);
/* The I/O region's observer (the daemon's shared I/O area): called with the
 * region's new contents (CCW_IO_REGION_SIZE bytes) whenever they change — a
 * write of the region, an interrupt (before the IO eventfd is signalled), a
 * reset — with the mdev's io_mutex held, on whichever thread changed it; it
 * must not call back into the mdev except vfio_ccw_dirty_take.  Setting one
 * calls it once at once; NULL removes it; close removes it too. */
typedef void (*vfio_ccw_io_observer_fn)(void *opaque, const uint8_t *io_region);
void vfio_ccw_set_io_observer(struct vfio_ccw_mdev *m, vfio_ccw_io_observer_fn fn, void *opaque);

/* ---- guest memory written by the device (for CCWP_CMD_DIRTY) ---------------
 * Every byte a channel program of this mdev stored into guest memory (device
 * input: read, read backward, sense) is logged as a guest range; adjacent
 * ranges are merged.  vfio_ccw_dirty_take moves up to `max` ranges into `out`
 * and returns how many; *overflow is set (and the log emptied) when more than
 * VFIO_CCW_DIRTY_MAX ranges accumulated since the last take: the caller must
 * then treat all guest memory as written.  Ranges not taken stay logged.
 * Layout of struct vfio_ccw_range equals struct ccwp_range of the protocol. */
#define VFIO_CCW_DIRTY_MAX 256
struct vfio_ccw_range {
    uint64_t iova;
    uint64_t len;
};
unsigned vfio_ccw_dirty_take(struct vfio_ccw_mdev *m, struct vfio_ccw_range *out, unsigned max,
                             bool *overflow);

#endif
