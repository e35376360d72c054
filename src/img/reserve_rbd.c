// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reserve arbiter of a shared RBD volume (reserve_rbd.h): the reserve
 * is RBD's exclusive advisory lock on the image (the "rbd_lock" lock of its
 * header object, which `rbd lock ls` and rbd_list_lockers show), the
 * lock cookie is the holder's host identity, so every client of the
 * cluster sees the same holder (rbd_list_lockers).  Release unlocks our
 * cookie; a steal breaks every other locker and locks.
 * Advisory locks are records in the image header, not sessions: the lock
 * of a daemon that died stays until a steal breaks it, as a dead system's
 * reserve does.  A former holder learns of a steal when it next asks (the
 * device asks at every program start; a bounded poll, no watch).  The
 * holder is read from the OSD (rados_list_lockers on the image's header
 * object), never from librbd's cached copy of the header: that copy is
 * brought up to date only by the header-update notifications of other
 * clients, and a former holder that missed the notification of a steal
 * saw the volume free and went on writing.  Lock, unlock and break are
 * rados calls on the header object too: librbd's versions also notify
 * every watcher of the image, and a notification to a client that died
 * with the image open waits until the OSD drops its watch (~30 s), far
 * longer than the 2 s Linux gives a reserve to complete.  A rados break
 * never blocklists the former holder's client.
 * Advisory locks and the exclusive-lock feature must not meet: with the
 * feature, another writer waits for ever for the lock the advisory lock
 * seems to hold, so shared images are made without it and the open
 * refuses one that has it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rados/librados.h>
#include <rbd/librbd.h>
#include "img/rbd.h"
#include "img/reserve_rbd.h"

#define LOCKERS_BUF     4096        /* lockers of one image: NUL-separated names */
#define LOCK_TRIES      3
#define WAIT_BOUND_S    "15"        /* every wait of the arbiter's own client */
#define HEADER_PREFIX   "rbd_header."   /* librbd's header object: prefix + image id */
#define LOCK_NAME       "rbd_lock"      /* librbd's name of an image's advisory lock */
#define IMAGE_ID_MAX    64

struct reserve_rbd {
    struct reserve r;
    rbd_image_t img;
    rados_ioctx_t hio;                  /* the image's pool, for its header object */
    char header[sizeof HEADER_PREFIX + IMAGE_ID_MAX];
    char name[256];
    /* reserve_open_rbd_name: the arbiter's own client */
    rados_t cluster;
    rados_ioctx_t io;
    bool own_client;
};

static struct reserve_rbd *to_rr(struct reserve *r)
{
    return (struct reserve_rbd *)r;
}

struct lockers {
    ssize_t n;
    char clients[LOCKERS_BUF], cookies[LOCKERS_BUF];
};

/* The image's lockers as the OSD has them now: n, and clients/cookies as
 * NUL-separated lists. */
static int list_lockers(struct reserve_rbd *rr, struct lockers *l)
{
    char tag[256], addrs[LOCKERS_BUF];
    size_t tag_len = sizeof tag, cl_len = sizeof l->clients, ck_len = sizeof l->cookies, ad_len = sizeof addrs;
    int excl = 0;

    l->n = rados_list_lockers(rr->hio, rr->header, LOCK_NAME, &excl, tag, &tag_len, l->clients, &cl_len,
                              l->cookies, &ck_len, addrs, &ad_len);
    if (l->n < 0)
        return reserve_fail(&rr->r, (int)-l->n, "rbd image %s: cannot list its lockers: %s", rr->name,
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
        rc = rados_break_lock(rr->hio, rr->header, LOCK_NAME, nth(l.clients, i), cookie);
        if (rc == -ENOENT)      /* gone meanwhile */
            rc = 0;
        if (rc < 0)
            rc = reserve_fail(&rr->r, -rc, "rbd image %s: cannot break the lock of %s: %s", rr->name, cookie,
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
    rc = rados_lock_exclusive(rr->hio, rr->header, LOCK_NAME, rr->r.id, "", NULL, 0);
    if (rc == -EEXIST)          /* ours already */
        return 0;
    if (rc < 0 && rc != -EBUSY)
        return reserve_fail(&rr->r, -rc, "rbd image %s: cannot lock: %s", rr->name, strerror(-rc));
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
        return reserve_fail(r, EBUSY, "reserved by %s", holder[0] ? holder : "another host");
    return rc;
}

static int rbd_release(struct reserve *r)
{
    struct reserve_rbd *rr = to_rr(r);
    int rc = rados_unlock(rr->hio, rr->header, LOCK_NAME, r->id);

    if (rc == -ENOENT)          /* not ours (or nobody's): nothing changes */
        return 0;
    if (rc < 0)
        return reserve_fail(r, -rc, "rbd image %s: cannot unlock: %s", rr->name, strerror(-rc));
    return 0;
}

static void rbd_close_arbiter(struct reserve *r)
{
    struct reserve_rbd *rr = to_rr(r);

    rbd_close(rr->img);
    if (rr->own_client) {
        rados_ioctx_destroy(rr->io);
        rados_shutdown(rr->cluster);
    }
    free(rr);
}

static const struct reserve_ops rbd_ops = {
    .acquire = rbd_acquire,
    .release = rbd_release,
    .query = rbd_query,
    .close = rbd_close_arbiter,
};

struct reserve *reserve_open_rbd(void *io, const char *image, const char *id, char *err, size_t errlen)
{
    struct reserve_rbd *rr = calloc(1, sizeof *rr);
    char image_id[IMAGE_ID_MAX] = "";
    uint64_t features = 0;
    int rc;

    if (!rr) {
        snprintf(err, errlen, "rbd image %s: out of memory", image);
        return NULL;
    }
    snprintf(rr->name, sizeof rr->name, "%s", image);
    rc = rbd_open(io, image, &rr->img, NULL);
    if (rc < 0) {
        snprintf(err, errlen, "rbd image %s: cannot open: %s", image, strerror(-rc));
        free(rr);
        return NULL;
    }
    rc = rbd_get_features(rr->img, &features);
    if (rc == 0)
        rc = rbd_get_id(rr->img, image_id, sizeof image_id);
    if (rc < 0 || (features & RBD_FEATURE_EXCLUSIVE_LOCK)) {
        if (rc < 0)
            snprintf(err, errlen, "rbd image %s: cannot read its features and id: %s", image, strerror(-rc));
        else
            snprintf(err, errlen, "rbd image %s has the exclusive-lock feature: a shared volume is made without "
                     "it (rbd feature disable %s exclusive-lock, or ccwpass dasd create --shared)", image, image);
        rbd_close(rr->img);
        free(rr);
        return NULL;
    }
    rr->hio = io;
    snprintf(rr->header, sizeof rr->header, "%s%s", HEADER_PREFIX, image_id);
    reserve_init(&rr->r, &rbd_ops, id);
    return &rr->r;
}

static const char *const bounded[] = { "client_mount_timeout", "rados_mon_op_timeout", "rados_osd_op_timeout" };

/* A client of the volume's cluster, configured as the name says; 0 or -1. */
static int connect_client(const struct img_rbd_name *n, const char *name, rados_t *cl, rados_ioctx_t *io,
                          char *err, size_t errlen)
{
    int rc = rados_create(cl, n->id[0] ? n->id : NULL);

    if (rc < 0) {
        snprintf(err, errlen, "reserve of %s: cannot make a Ceph client: %s", name, strerror(-rc));
        return -1;
    }
    rc = rados_conf_read_file(*cl, n->conf[0] ? n->conf : NULL);
    for (unsigned i = 0; rc == 0 && i < n->nopts; i++)
        rc = rados_conf_set(*cl, n->opt[i].key, n->opt[i].value);
    for (size_t i = 0; rc == 0 && i < sizeof bounded / sizeof bounded[0]; i++)
        rc = rados_conf_set(*cl, bounded[i], WAIT_BOUND_S);
    if (rc == 0)
        rc = rados_connect(*cl);
    if (rc == 0)
        rc = rados_ioctx_create(*cl, n->pool, io);
    if (rc < 0) {
        snprintf(err, errlen, "reserve of %s: cannot reach the cluster or pool %s: %s", name, n->pool,
                 strerror(-rc));
        rados_shutdown(*cl);
        return -1;
    }
    return 0;
}

struct reserve *reserve_open_rbd_name(const char *name, const char *id, char *err, size_t errlen)
{
    struct img_rbd_name *n = calloc(1, sizeof *n);
    struct reserve *r = NULL;
    rados_t cl;
    rados_ioctx_t io;

    if (!n) {
        snprintf(err, errlen, "reserve of %s: out of memory", name);
        return NULL;
    }
    if (img_rbd_parse(name, n, err, errlen) == 0 && connect_client(n, name, &cl, &io, err, errlen) == 0) {
        r = reserve_open_rbd(io, n->image, id, err, errlen);
        if (r) {
            to_rr(r)->cluster = cl;
            to_rr(r)->io = io;
            to_rr(r)->own_client = true;
        } else {
            rados_ioctx_destroy(io);
            rados_shutdown(cl);
        }
    }
    free(n);
    return r;
}
