/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Track writes to an RBD image in flight (rbd_aio.c, docs/images.md
 * "Volumes on Ceph RBD"): each write is an rbd_aio_write (or, for a slot
 * that goes back to unwritten, rbd_aio_write_zeroes) of a copy the queue
 * owns, at most RBD_AIO_DEPTH at a time; a write beyond that waits for the
 * oldest.  The first write that fails is kept (track and librbd's result)
 * until the owner takes it with rbd_aio_take_error().  Only librbd's own
 * waits are used, so every wait ends within the client's bounded
 * timeouts (rados_osd_op_timeout).  One thread uses a queue at a time.
 */
#ifndef CCWPASS_IMG_RBD_AIO_H
#define CCWPASS_IMG_RBD_AIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <rbd/librbd.h>

#define RBD_AIO_DEPTH 16        /* track writes in flight per image (16 x 56 KiB of copies) */

struct rbd_aio;

/* A queue for writes of slot_len bytes to image; NULL when out of memory. */
struct rbd_aio *rbd_aio_new(rbd_image_t image, size_t slot_len);
/* Wait for every write, then free the queue (NULL is fine). */
void rbd_aio_free(struct rbd_aio *q);

/* The buffer the next rbd_aio_submit() writes (slot_len bytes), after
 * waiting for the oldest write if RBD_AIO_DEPTH are in flight. */
uint8_t *rbd_aio_buf(struct rbd_aio *q);
/* Start writing the buffer of rbd_aio_buf() (zero: write zeroes instead)
 * to the slot of track (cyl, head) at off.  0, or the negative errno
 * librbd gave when it refused to start it (nothing is then in flight). */
int rbd_aio_submit(struct rbd_aio *q, uint32_t cyl, uint32_t head, uint64_t off, bool zero);
/* Wait for the writes to the slot at off that are in flight. */
void rbd_aio_wait_slot(struct rbd_aio *q, uint64_t off);
/* True when a write to the slot at off is in flight. */
bool rbd_aio_has_slot(const struct rbd_aio *q, uint64_t off);
/* Wait for every write in flight. */
void rbd_aio_drain(struct rbd_aio *q);
/* True (once) when a finished write failed: its track and librbd's
 * result (a negative errno, or a short byte count). */
bool rbd_aio_take_error(struct rbd_aio *q, uint32_t *cyl, uint32_t *head, ssize_t *result);

#endif
