// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sequential read-ahead of RBD track slots (img/rbd_ahead.h).  Each of
 * RBD_AHEAD_TRACKS entries is free, holds a read of one slot (in flight or
 * done), or is stale: its read may still be in flight, but its data is
 * never used; it becomes free once the read has ended.
 */
#include <stdlib.h>
#include <string.h>
#include "img/rbd_ahead.h"

struct rbd_ahead_entry {
    rbd_completion_t c;         /* NULL: free */
    uint64_t off;
    bool stale;
    uint8_t *buf;
};

struct rbd_ahead {
    rbd_image_t image;
    size_t slot_len;
    uint64_t end;
    struct rbd_ahead_entry e[RBD_AHEAD_TRACKS];
    bool have_last;
    uint64_t last_off;          /* slot of the previous read */
    uint64_t hits;
};

struct rbd_ahead *rbd_ahead_new(rbd_image_t image, size_t slot_len, uint64_t end)
{
    struct rbd_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->image = image;
    a->slot_len = slot_len;
    a->end = end;
    for (unsigned i = 0; i < RBD_AHEAD_TRACKS; i++) {
        a->e[i].buf = malloc(slot_len);
        if (!a->e[i].buf) {
            rbd_ahead_free(a);
            return NULL;
        }
    }
    return a;
}

/* Wait for the entry's read and make it free; librbd's result. */
static ssize_t finish(struct rbd_ahead_entry *e)
{
    rbd_aio_wait_for_complete(e->c);
    ssize_t res = rbd_aio_get_return_value(e->c);
    rbd_aio_release(e->c);
    e->c = NULL;
    e->stale = false;
    return res;
}

void rbd_ahead_free(struct rbd_ahead *a)
{
    if (!a)
        return;
    for (unsigned i = 0; i < RBD_AHEAD_TRACKS; i++) {
        if (a->e[i].c)
            finish(&a->e[i]);
        free(a->e[i].buf);
    }
    free(a);
}

static struct rbd_ahead_entry *find(struct rbd_ahead *a, uint64_t off)
{
    for (unsigned i = 0; i < RBD_AHEAD_TRACKS; i++)
        if (a->e[i].c && !a->e[i].stale && a->e[i].off == off)
            return &a->e[i];
    return NULL;
}

/* A free entry, after freeing stale ones whose read has ended; NULL when
 * every entry is busy (no waiting). */
static struct rbd_ahead_entry *free_entry(struct rbd_ahead *a)
{
    for (unsigned i = 0; i < RBD_AHEAD_TRACKS; i++) {
        struct rbd_ahead_entry *e = &a->e[i];
        if (e->c && e->stale && rbd_aio_is_complete(e->c))
            finish(e);
        if (!e->c)
            return e;
    }
    return NULL;
}

bool rbd_ahead_take(struct rbd_ahead *a, uint64_t off, uint8_t *dst)
{
    struct rbd_ahead_entry *e = find(a, off);
    if (!e)
        return false;
    if (finish(e) != (ssize_t)a->slot_len)
        return false;
    memcpy(dst, e->buf, a->slot_len);
    a->hits++;
    return true;
}

void rbd_ahead_note(struct rbd_ahead *a, uint64_t off, bool (*skip)(void *opaque, uint64_t off), void *opaque)
{
    bool sequential = a->have_last && off == a->last_off + a->slot_len;
    a->have_last = true;
    a->last_off = off;
    if (!sequential)
        return;
    for (unsigned k = 1; k <= RBD_AHEAD_TRACKS; k++) {
        uint64_t o = off + k * (uint64_t)a->slot_len;
        if (o + a->slot_len > a->end)
            break;
        if (find(a, o) || skip(opaque, o))
            continue;
        struct rbd_ahead_entry *e = free_entry(a);
        if (!e || rbd_aio_create_completion(NULL, NULL, &e->c) < 0)
            break;
        if (rbd_aio_read(a->image, o, a->slot_len, (char *)e->buf, e->c) < 0) {
            rbd_aio_release(e->c);
            e->c = NULL;
            break;
        }
        e->off = o;
        e->stale = false;
    }
}

void rbd_ahead_forget(struct rbd_ahead *a, uint64_t off)
{
    struct rbd_ahead_entry *e = find(a, off);
    if (e)
        e->stale = true;
}

void rbd_ahead_drop(struct rbd_ahead *a)
{
    for (unsigned i = 0; i < RBD_AHEAD_TRACKS; i++)
        if (a->e[i].c)
            a->e[i].stale = true;
    a->have_last = false;
}

uint64_t rbd_ahead_hits(const struct rbd_ahead *a)
{
    return a->hits;
}
