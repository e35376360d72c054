// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-key job queues off the event loop (see offload.h).  A queue's thread
 * exists while the queue has work; finished jobs go onto the done list and
 * the completion eventfd wakes the loop, which calls their `done`.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "daemon/offload.h"
#include "daemon/server.h"
#include "daemon/log.h"

struct offload_queue {
    struct offload_queue *next;
    const void *key;
    struct offload_job *head, *tail;
    struct offload *off;
};

struct offload {
    struct server_watch w;       /* the completion eventfd */
    pthread_mutex_t lock;
    pthread_cond_t idle;         /* a job finished, or inflight dropped */
    struct offload_queue *queues;
    struct offload_job *done_head, *done_tail;
    unsigned inflight;           /* submitted, done not yet called */
};

static void append(struct offload_job **head, struct offload_job **tail, struct offload_job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

/* A job finished (o->lock held): wake the loop, and a drain waiting. */
static void wake_loop(struct offload *o)
{
    uint64_t one = 1;

    pthread_cond_broadcast(&o->idle);

    if (write(o->w.fd, &one, sizeof one) != sizeof one)
        log_warn("offload: cannot wake the event loop: %s", strerror(errno));
}

static void *queue_thread(void *arg)
{
    struct offload_queue *q = arg;
    struct offload *o = q->off;

    pthread_mutex_lock(&o->lock);
    for (;;) {
        struct offload_job *j = q->head;
        if (!j)
            break;
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        pthread_mutex_unlock(&o->lock);
        j->run(j);
        pthread_mutex_lock(&o->lock);
        append(&o->done_head, &o->done_tail, j);
        wake_loop(o);
    }
    for (struct offload_queue **pp = &o->queues; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    pthread_mutex_unlock(&o->lock);
    free(q);
    return NULL;
}

/* Call `done` of every finished job (on the loop; lock not held). */
static void run_done(struct offload *o)
{
    struct offload_job *j;

    pthread_mutex_lock(&o->lock);
    j = o->done_head;
    o->done_head = o->done_tail = NULL;
    pthread_mutex_unlock(&o->lock);
    while (j) {
        struct offload_job *next = j->next;
        j->done(j);
        pthread_mutex_lock(&o->lock);
        o->inflight--;
        pthread_cond_broadcast(&o->idle);
        pthread_mutex_unlock(&o->lock);
        j = next;
    }
}

static void on_done(void *opaque, unsigned events)
{
    struct offload *o = opaque;
    uint64_t v;

    if (read(o->w.fd, &v, sizeof v) < 0 && errno != EAGAIN)
        log_warn("offload: %s", strerror(errno));
    run_done(o);
}

int offload_init(struct server *s)
{
    struct offload *o = calloc(1, sizeof *o);

    if (!o)
        return -1;
    o->w = (struct server_watch){ .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), .fn = on_done, .opaque = o };
    if (o->w.fd < 0 || server_watch(s, &o->w) < 0) {
        int e = errno;
        if (o->w.fd >= 0)
            close(o->w.fd);
        free(o);
        errno = e;
        return -1;
    }
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->idle, NULL);
    s->off = o;
    return 0;
}

void offload_submit(struct server *s, struct offload_job *j)
{
    struct offload *o = s->off;
    struct offload_queue *q;
    pthread_attr_t a;
    pthread_t t;
    bool started;

    if (!o) {   /* no completion channel (offload_init not called): inline */
        j->run(j);
        j->done(j);
        return;
    }
    pthread_mutex_lock(&o->lock);
    o->inflight++;
    for (q = o->queues; q && q->key != j->key; q = q->next)
        ;
    if (q) {   /* its thread is running and will take this job too */
        append(&q->head, &q->tail, j);
        pthread_mutex_unlock(&o->lock);
        return;
    }
    q = calloc(1, sizeof *q);
    started = false;
    if (q) {
        q->key = j->key;
        q->off = o;
        append(&q->head, &q->tail, j);
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&t, &a, queue_thread, q) == 0;
        pthread_attr_destroy(&a);
        if (started) {
            q->next = o->queues;
            o->queues = q;
        } else {
            free(q);
        }
    }
    pthread_mutex_unlock(&o->lock);
    if (started)
        return;
    log_warn("offload: no thread for a device job; running it on the event loop");
    j->run(j);
    pthread_mutex_lock(&o->lock);
    append(&o->done_head, &o->done_tail, j);
    wake_loop(o);
    pthread_mutex_unlock(&o->lock);
}

void offload_drain(struct server *s)
{
    struct offload *o = s->off;

    if (!o)
        return;
    for (;;) {
        run_done(o);
        pthread_mutex_lock(&o->lock);
        if (!o->inflight) {
            pthread_mutex_unlock(&o->lock);
            return;
        }
        if (!o->done_head)
            pthread_cond_wait(&o->idle, &o->lock);
        pthread_mutex_unlock(&o->lock);
    }
}

void offload_fini(struct server *s)
{
    struct offload *o = s->off;

    if (!o)
        return;
    offload_drain(s);
    server_unwatch(s, &o->w);
    close(o->w.fd);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->idle);
    free(o);
    s->off = NULL;
}
