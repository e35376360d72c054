// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reserve arbiter's entry points (reserve.h): each call goes to the
 * backend's ops; the host identity of a daemon instance.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "img/reserve.h"

#define HOSTNAME_MAX 64

void reserve_host_id(char out[RESERVE_ID_MAX])
{
    char host[HOSTNAME_MAX] = "";
    uint32_t rnd = 0;

    if (gethostname(host, sizeof host - 1) < 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    /* not a secret: only distinct per instance */
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (uint32_t)getpid() * 2654435761u;
    snprintf(out, RESERVE_ID_MAX, "%s:%d:%08x", host, (int)getpid(), rnd);
}

int reserve_fail(struct reserve *r, int e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -e;
}

void reserve_init(struct reserve *r, const struct reserve_ops *ops, const char *id)
{
    r->ops = ops;
    pthread_mutex_init(&r->lock, NULL);
    snprintf(r->id, sizeof r->id, "%s", id);
}

static int acquire(struct reserve *r, bool steal)
{
    pthread_mutex_lock(&r->lock);
    int rc = r->ops->acquire(r, steal);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int reserve_acquire(struct reserve *r)
{
    return acquire(r, false);
}

int reserve_steal(struct reserve *r)
{
    return acquire(r, true);
}

int reserve_release(struct reserve *r)
{
    pthread_mutex_lock(&r->lock);
    int rc = r->ops->release(r);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int reserve_query(struct reserve *r, enum reserve_state *st, char *holder, size_t cap)
{
    if (holder && cap)
        holder[0] = 0;
    pthread_mutex_lock(&r->lock);
    r->queries++;
    int rc = r->ops->query(r, st, holder, cap);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

unsigned long reserve_queries(struct reserve *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned long n = r->queries;
    pthread_mutex_unlock(&r->lock);
    return n;
}

bool reserve_held(struct reserve *r)
{
    enum reserve_state st = RESERVE_NONE;

    return reserve_query(r, &st, NULL, 0) == 0 && st == RESERVE_SELF;
}

void reserve_set_pgid(struct reserve *r, const uint8_t pgid[RESERVE_PGID_LEN])
{
    pthread_mutex_lock(&r->lock);
    memcpy(r->pgid, pgid, RESERVE_PGID_LEN);
    pthread_mutex_unlock(&r->lock);
}

const char *reserve_state_name(enum reserve_state st)
{
    switch (st) {
    case RESERVE_SELF:  return "self";
    case RESERVE_OTHER: return "other";
    default:            return "none";
    }
}

void reserve_close(struct reserve *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    r->ops->close(r);
}
