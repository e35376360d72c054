// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reserve arbiter's entry points (reserve.h): each call goes to the
 * backend's ops; the host identity of a daemon instance.
 */
#include <errno.h>
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

int reserve_acquire(struct reserve *r)
{
    return r->ops->acquire(r, false);
}

int reserve_steal(struct reserve *r)
{
    return r->ops->acquire(r, true);
}

int reserve_release(struct reserve *r)
{
    return r->ops->release(r);
}

int reserve_query(struct reserve *r, enum reserve_state *st, char *holder, size_t cap)
{
    if (holder && cap)
        holder[0] = 0;
    return r->ops->query(r, st, holder, cap);
}

bool reserve_held(struct reserve *r)
{
    enum reserve_state st = RESERVE_NONE;

    return reserve_query(r, &st, NULL, 0) == 0 && st == RESERVE_SELF;
}

void reserve_set_pgid(struct reserve *r, const uint8_t pgid[RESERVE_PGID_LEN])
{
    memcpy(r->pgid, pgid, RESERVE_PGID_LEN);
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
    if (r)
        r->ops->close(r);
}
