// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Track writes to an RBD image in flight: a ring of RBD_AIO_DEPTH copies,
 * oldest first (img/rbd_aio.h).  Finished writes are reaped in order; the
 * first failure is kept until rbd_aio_take_error().
 */
#include <stdlib.h>
#include "img/rbd_aio.h"

struct rbd_aio_write {
    rbd_completion_t c;         /* in flight when not NULL */
    uint64_t off;
    uint32_t cyl, head;
    uint8_t *buf;
};

struct rbd_aio {
    rbd_image_t image;
    size_t slot_len;
    struct rbd_aio_write w[RBD_AIO_DEPTH];
    unsigned first, n;          /* oldest in flight, number in flight */
    bool failed;
    uint32_t fail_cyl, fail_head;
    ssize_t fail_result;
};

struct rbd_aio *rbd_aio_new(rbd_image_t image, size_t slot_len)
{
    struct rbd_aio *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->image = image;
    q->slot_len = slot_len;
    for (unsigned i = 0; i < RBD_AIO_DEPTH; i++) {
        q->w[i].buf = malloc(slot_len);
        if (!q->w[i].buf) {
            rbd_aio_free(q);
            return NULL;
        }
    }
    return q;
}

/* Wait for the oldest write, note a failure, free its entry. */
static void reap_oldest(struct rbd_aio *q)
{
    struct rbd_aio_write *w = &q->w[q->first];
    rbd_aio_wait_for_complete(w->c);
    ssize_t res = rbd_aio_get_return_value(w->c);
    rbd_aio_release(w->c);
    w->c = NULL;
    bool ok = res == 0 || res == (ssize_t)q->slot_len;   /* librbd gives 0 or the length for a write */
    if (!ok && !q->failed) {
        q->failed = true;
        q->fail_cyl = w->cyl;
        q->fail_head = w->head;
        q->fail_result = res;
    }
    q->first = (q->first + 1) % RBD_AIO_DEPTH;
    q->n--;
}

/* Reap the writes at the front that have finished, without waiting. */
static void reap_finished(struct rbd_aio *q)
{
    while (q->n > 0 && rbd_aio_is_complete(q->w[q->first].c))
        reap_oldest(q);
}

void rbd_aio_free(struct rbd_aio *q)
{
    if (!q)
        return;
    rbd_aio_drain(q);
    for (unsigned i = 0; i < RBD_AIO_DEPTH; i++)
        free(q->w[i].buf);
    free(q);
}

uint8_t *rbd_aio_buf(struct rbd_aio *q)
{
    reap_finished(q);
    if (q->n == RBD_AIO_DEPTH)
        reap_oldest(q);
    return q->w[(q->first + q->n) % RBD_AIO_DEPTH].buf;
}

int rbd_aio_submit(struct rbd_aio *q, uint32_t cyl, uint32_t head, uint64_t off, bool zero)
{
    if (q->n == RBD_AIO_DEPTH)  /* rbd_aio_buf() was not called first */
        reap_oldest(q);
    struct rbd_aio_write *w = &q->w[(q->first + q->n) % RBD_AIO_DEPTH];
    int rc = rbd_aio_create_completion(NULL, NULL, &w->c);
    if (rc < 0) {
        w->c = NULL;
        return rc;
    }
    rc = zero ? rbd_aio_write_zeroes(q->image, off, q->slot_len, w->c, 0, 0)
              : rbd_aio_write(q->image, off, q->slot_len, (const char *)w->buf, w->c);
    if (rc < 0) {
        rbd_aio_release(w->c);
        w->c = NULL;
        return rc;
    }
    w->off = off;
    w->cyl = cyl;
    w->head = head;
    q->n++;
    return 0;
}

/* How many writes, from the oldest, must finish before none to the slot
 * at off is in flight (0: none is). */
static unsigned depth_of_slot(const struct rbd_aio *q, uint64_t off)
{
    unsigned last = 0;
    for (unsigned i = 0; i < q->n; i++)
        if (q->w[(q->first + i) % RBD_AIO_DEPTH].off == off)
            last = i + 1;
    return last;
}

void rbd_aio_wait_slot(struct rbd_aio *q, uint64_t off)
{
    for (unsigned last = depth_of_slot(q, off); last > 0; last--)
        reap_oldest(q);
}

bool rbd_aio_has_slot(const struct rbd_aio *q, uint64_t off)
{
    return depth_of_slot(q, off) > 0;
}

void rbd_aio_drain(struct rbd_aio *q)
{
    while (q->n > 0)
        reap_oldest(q);
}

bool rbd_aio_take_error(struct rbd_aio *q, uint32_t *cyl, uint32_t *head, ssize_t *result)
{
    if (!q->failed)
        return false;
    q->failed = false;
    *cyl = q->fail_cyl;
    *head = q->fail_head;
    *result = q->fail_result;
    return true;
}
