/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sequential read-ahead of track slots of an RBD image (rbd_ahead.c,
 * docs/images.md "Volumes on Ceph RBD"): when a read follows the previous
 * one slot by slot, the next RBD_AHEAD_TRACKS slots are read with
 * rbd_aio_read into buffers the read-ahead owns, and a later read of one of
 * them takes its copy.  Only for a volume this client alone writes (an
 * unshared one opened read-write): the owner forgets a slot before writing
 * it, and drops everything at the end of each channel program, so nothing
 * read ahead outlives the program.  Starting reads never waits; a slot
 * dropped while its read is in flight is reused once that read ends.  One
 * thread uses it at a time.
 */
#ifndef CCWPASS_IMG_RBD_AHEAD_H
#define CCWPASS_IMG_RBD_AHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rbd/librbd.h>

#define RBD_AHEAD_TRACKS 8      /* slots read ahead of a sequential reader (8 x 56 KiB) */

struct rbd_ahead;

/* Read-ahead of slots of slot_len bytes of image, none at or past end
 * (bytes); NULL when out of memory. */
struct rbd_ahead *rbd_ahead_new(rbd_image_t image, size_t slot_len, uint64_t end);
/* Wait for reads in flight, then free (NULL is fine). */
void rbd_ahead_free(struct rbd_ahead *a);
/* The slot at off if it was read ahead: waits for its read, copies it to
 * dst (slot_len bytes) and returns true; false when it was not read ahead
 * or its read failed (the caller reads it itself). */
bool rbd_ahead_take(struct rbd_ahead *a, uint64_t off, uint8_t *dst);
/* A read of the slot at off happened: if it follows the previous read,
 * start reads of the slots after it, except those skip(opaque, slot
 * offset) refuses (a write in flight). */
void rbd_ahead_note(struct rbd_ahead *a, uint64_t off, bool (*skip)(void *opaque, uint64_t off), void *opaque);
/* The slot at off is about to be written: what was read ahead is stale. */
void rbd_ahead_forget(struct rbd_ahead *a, uint64_t off);
/* Forget everything read ahead (end of a channel program). */
void rbd_ahead_drop(struct rbd_ahead *a);
/* Slots taken from the read-ahead since it was made (for tests). */
uint64_t rbd_ahead_hits(const struct rbd_ahead *a);

#endif
