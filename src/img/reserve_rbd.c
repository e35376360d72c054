// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reserve arbiter of a shared RBD volume (reserve_rbd.h): the reserve
 * is RBD's exclusive advisory lock on the image (rbd_lock_exclusive), the
 * lock cookie is the holder's host identity, so every client of the
 * cluster sees the same holder (rbd_list_lockers).  Release unlocks our
 * cookie; a steal breaks every other locker (rbd_break_lock) and locks.
 * Advisory locks are records in the image header, not sessions: the lock
 * of a daemon that died stays until a steal breaks it, as a dead system's
 * reserve does.  A former holder learns of a steal when it next asks (the
 * device asks at every program start; a bounded poll, no watch).
 * Advisory locks and the exclusive-lock feature must not meet: with the
 * feature, another writer waits for ever for the lock the advisory lock
 * seems to hold, so shared images are made without it and the open
 * refuses one that has it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rbd/librbd.h>
#include "img/reserve_rbd.h"

#define LOCKERS_BUF     4096        /* lockers of one image: NUL-separated names */
#define NO_BLOCKLIST    "rbd_blocklist_on_break_lock"
#define LOCK_TRIES      3

struct reserve_rbd {
    struct reserve r;
    rbd_image_t img;
    char name[256];
};

static struct reserve_rbd *to_rr(struct reserve *r)
{
    return (struct reserve_rbd *)r;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct reserve *r, int e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -e;
}

struct lockers {
    ssize_t n;
    char clients[LOCKERS_BUF], cookies[LOCKERS_BUF];
};

/* The image's lockers: n, and clients/cookies as NUL-separated lists. */
static int list_lockers(struct reserve_rbd *rr, struct lockers *l)
{
    char tag[256], addrs[LOCKERS_BUF];
    size_t tag_len = sizeof tag, cl_len = sizeof l->clients, ck_len = sizeof l->cookies, ad_len = sizeof addrs;
    int excl = 0;

    l->n = rbd_list_lockers(rr->img, &excl, tag, &tag_len, l->clients, &cl_len, l->cookies, &ck_len, addrs,
                            &ad_len);
    if (l->n < 0)
        return fail(&rr->r, (int)-l->n, "rbd image %s: cannot list its lockers: %s", rr->name,
                    strerror((int)-l->n));
    return 0;
}

/* The i-th string of a NUL-separated list. */
static const char *nth(const char *list, ssize_t i)
{
    while (i-- > 0)
        list += strlen(list) + 1;
    return list;
}

static int rbd_query(struct reserve *r, enum reserve_state *st, char *holder, size_t cap)
{
    struct reserve_rbd *rr = to_rr(r);
    struct lockers l;
    int rc = list_lockers(rr, &l);

    if (rc < 0)
        return rc;
    *st = RESERVE_NONE;
    for (ssize_t i = 0; i < l.n; i++) {
        const char *cookie = nth(l.cookies, i);
        *st = strcmp(cookie, r->id) ? RESERVE_OTHER : RESERVE_SELF;
        if (holder && cap)
            snprintf(holder, cap, "%s", cookie);
        if (*st == RESERVE_OTHER)
            break;
    }
    return 0;
}

/* Break every lock but ours. */
static int break_others(struct reserve_rbd *rr)
{
    struct lockers l;
    int rc = list_lockers(rr, &l);

    for (ssize_t i = 0; rc == 0 && i < l.n; i++) {
        const char *cookie = nth(l.cookies, i);
        if (!strcmp(cookie, rr->r.id))
            continue;
        rc = rbd_break_lock(rr->img, nth(l.clients, i), cookie);
        if (rc == -ENOENT)      /* gone meanwhile */
            rc = 0;
        if (rc < 0)
            rc = fail(&rr->r, -rc, "rbd image %s: cannot break the lock of %s: %s", rr->name, cookie,
                      strerror(-rc));
    }
    return rc;
}

/* One try: 0, -EBUSY (held by another, or taken between our break and
 * our lock), another -errno. */
static int lock_once(struct reserve_rbd *rr, bool steal)
{
    int rc = steal ? break_others(rr) : 0;

    if (rc < 0)
        return rc;
    rc = rbd_lock_exclusive(rr->img, rr->r.id);
    if (rc == -EEXIST)          /* ours already */
        return 0;
    if (rc < 0 && rc != -EBUSY)
        return fail(&rr->r, -rc, "rbd image %s: cannot lock: %s", rr->name, strerror(-rc));
    return rc;
}

static int rbd_acquire(struct reserve *r, bool steal)
{
    struct reserve_rbd *rr = to_rr(r);
    char holder[RESERVE_ID_MAX] = "";
    enum reserve_state st = RESERVE_OTHER;
    int rc = -EBUSY;

    /* a lock released (or broken) between two calls: a bounded retry */
    for (unsigned i = 0; i < LOCK_TRIES && rc == -EBUSY; i++) {
        rc = lock_once(rr, steal);
        if (rc == -EBUSY && !steal && (rbd_query(r, &st, holder, sizeof holder) < 0 || st != RESERVE_NONE))
            break;
    }
    if (rc == -EBUSY)
        return fail(r, EBUSY, "reserved by %s", holder[0] ? holder : "another host");
    return rc;
}

static int rbd_release(struct reserve *r)
{
    struct reserve_rbd *rr = to_rr(r);
    int rc = rbd_unlock(rr->img, r->id);

    if (rc == -ENOENT)          /* not ours (or nobody's): nothing changes */
        return 0;
    if (rc < 0)
        return fail(r, -rc, "rbd image %s: cannot unlock: %s", rr->name, strerror(-rc));
    return 0;
}

static void rbd_close_arbiter(struct reserve *r)
{
    struct reserve_rbd *rr = to_rr(r);

    rbd_close(rr->img);
    free(rr);
}

static const struct reserve_ops rbd_ops = {
    .acquire = rbd_acquire,
    .release = rbd_release,
    .query = rbd_query,
    .close = rbd_close_arbiter,
};

struct reserve *reserve_open_rbd(rados_ioctx_t io, const char *image, const char *id, char *err, size_t errlen)
{
    struct reserve_rbd *rr = calloc(1, sizeof *rr);
    uint64_t features = 0;
    int rc;

    if (!rr) {
        snprintf(err, errlen, "rbd image %s: out of memory", image);
        return NULL;
    }
    snprintf(rr->name, sizeof rr->name, "%s", image);
    /* a steal must not blocklist the former holder's whole client */
    rados_conf_set(rados_ioctx_get_cluster(io), NO_BLOCKLIST, "false");
    rc = rbd_open(io, image, &rr->img, NULL);
    if (rc < 0) {
        snprintf(err, errlen, "rbd image %s: cannot open: %s", image, strerror(-rc));
        free(rr);
        return NULL;
    }
    rc = rbd_get_features(rr->img, &features);
    if (rc < 0 || (features & RBD_FEATURE_EXCLUSIVE_LOCK)) {
        if (rc < 0)
            snprintf(err, errlen, "rbd image %s: cannot read its features: %s", image, strerror(-rc));
        else
            snprintf(err, errlen, "rbd image %s has the exclusive-lock feature: a shared volume is made without "
                     "it (rbd feature disable %s exclusive-lock, or ccwpass dasd create --shared)", image, image);
        rbd_close(rr->img);
        free(rr);
        return NULL;
    }
    rr->r.ops = &rbd_ops;
    snprintf(rr->r.id, sizeof rr->r.id, "%s", id);
    return &rr->r;
}
