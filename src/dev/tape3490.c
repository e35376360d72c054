// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 3490 drive object: creation (empty), cartridge load and unload from
 * the host, the unsolicited "cartridge mounted" status, and the struct
 * ccw_dev_ops the channel calls.  Every image call happens under the drive's
 * lock; the attention callback is called after it is dropped.  The host's
 * status reads a copy of the state instead (snap_lock), and a host unload
 * of a drive whose lock a command holds is refused at once: neither waits
 * for a command's image I/O (slow storage would hold the daemon's loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev/tape3490_priv.h"

/* Attention + device end + unit exception: what tape_34xx reads as "a
 * cartridge was inserted" (it then issues a medium sense). */
#define T3490_LOADED_STATUS (DEV_STAT_ATTENTION | DEV_STAT_DEV_END | DEV_STAT_UNIT_EXCEP)

static const struct ccw_dev_ops t3490_ops;

static void t3490_start(struct ccw_dev *d, const struct orb *orb)
{
    struct t3490 *t = to_t3490(d);

    pthread_mutex_lock(&t->lock);
    t->running = true;
    pthread_mutex_unlock(&t->lock);
}

/* Nothing to flush: each block reached the file before its status. */
static void t3490_end(struct ccw_dev *d)
{
    struct t3490 *t = to_t3490(d);

    pthread_mutex_lock(&t->lock);
    t->running = false;
    pthread_mutex_unlock(&t->lock);
}

static unsigned t3490_sense_op(struct ccw_dev *d, uint8_t sense[32])
{
    struct t3490 *t = to_t3490(d);
    unsigned n = 0;

    pthread_mutex_lock(&t->lock);
    if (t->sense_pending)
        n = t3490_sense_fetch(t, sense);
    pthread_mutex_unlock(&t->lock);
    return n;
}

static void t3490_reset(struct ccw_dev *d)
{
    struct t3490 *t = to_t3490(d);

    pthread_mutex_lock(&t->lock);
    t->sense_pending = false;
    memset(t->sense, 0, sizeof(t->sense));
    t->running = false;
    pthread_mutex_unlock(&t->lock);
}

int t3490_unload_locked(struct t3490 *t)
{
    char err[512];
    int rc;

    if (!t->tape)
        return -ENOMEDIUM;
    rc = tape_close(t->tape, err, sizeof(err));
    t->tape = NULL;
    if (rc < 0)
        fprintf(stderr, "tape3490 %04x: unload: %s\n", t->cfg.devno, err);
    return rc;
}

static void t3490_destroy(struct ccw_dev *d)
{
    struct t3490 *t = to_t3490(d);

    if (!t)
        return;
    t3490_unload_locked(t);
    pthread_mutex_destroy(&t->lock);
    pthread_mutex_destroy(&t->snap_lock);
    free(t);
}

static const struct ccw_dev_ops t3490_ops = {
    .name = "3490",
    .start = t3490_start,
    .exec = t3490_exec,
    .end = t3490_end,
    .sense = t3490_sense_op,
    .reset = t3490_reset,
    .destroy = t3490_destroy,
};

struct ccw_dev *tape3490_new(const struct tape3490_config *cfg, char *err, size_t errlen)
{
    struct t3490 *t = calloc(1, sizeof(*t));

    if (!t || !cfg) {
        snprintf(err, errlen, "tape3490: %s", !t ? "out of memory" : "no configuration");
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_mutex_init(&t->snap_lock, NULL);
    t->cfg = *cfg;
    t->dev.ops = &t3490_ops;
    t->dev.cu_type = T3490_TYPE;
    t->dev.cu_model = T3490_MODEL;
    t->dev.dev_type = T3490_TYPE;
    t->dev.dev_model = T3490_MODEL;
    return &t->dev;
}

bool tape3490_is(const struct ccw_dev *d)
{
    return d && d->ops == &t3490_ops;
}

void tape3490_set_attention(struct ccw_dev *d, tape3490_attn_fn fn, void *opaque)
{
    struct t3490 *t = to_t3490(d);

    pthread_mutex_lock(&t->lock);
    t->attn = fn;
    t->attn_opaque = opaque;
    pthread_mutex_unlock(&t->lock);
}

int tape3490_load(struct ccw_dev *d, struct tape *tp)
{
    struct t3490 *t = to_t3490(d);
    tape3490_attn_fn fn;
    void *opaque;

    pthread_mutex_lock(&t->lock);
    if (t->tape) {
        pthread_mutex_unlock(&t->lock);
        return -EBUSY;
    }
    t->tape = tp;
    t3490_snap(t);
    fn = t->attn;
    opaque = t->attn_opaque;
    pthread_mutex_unlock(&t->lock);
    if (fn)
        fn(opaque, T3490_LOADED_STATUS);
    return 0;
}

int tape3490_unload(struct ccw_dev *d, char *err, size_t errlen)
{
    struct t3490 *t = to_t3490(d);
    char cerr[512];
    int rc = 0;

    if (pthread_mutex_trylock(&t->lock)) {
        /* a command holds the drive (maybe for a slow image write) */
        snprintf(err, errlen, "tape %04x: a channel program is running; try again", t->cfg.devno);
        return -EBUSY;
    }
    if (!t->tape) {
        snprintf(err, errlen, "tape %04x: no cartridge in the drive", t->cfg.devno);
        rc = -ENOMEDIUM;
    } else if (t->running) {
        snprintf(err, errlen, "tape %04x: a channel program is running; try again", t->cfg.devno);
        rc = -EBUSY;
    } else {
        rc = tape_close(t->tape, cerr, sizeof(cerr));
        t->tape = NULL;
        t3490_snap(t);
        if (rc < 0)
            snprintf(err, errlen, "tape %04x: %s", t->cfg.devno, cerr);
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void t3490_snap(struct t3490 *t)
{
    pthread_mutex_lock(&t->snap_lock);
    t->snap.loaded = t->tape != NULL;
    if (t->tape) {
        snprintf(t->snap.path, sizeof(t->snap.path), "%s", tape_path(t->tape));
        t->snap.readonly = tape_readonly(t->tape);
        t->snap.blockid = tape_blockid(t->tape);
        t->snap.format = tape_format(t->tape);
    }
    pthread_mutex_unlock(&t->snap_lock);
}

void tape3490_status(struct ccw_dev *d, struct tape3490_status *st)
{
    struct t3490 *t = to_t3490(d);

    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&t->snap_lock);
    if (t->snap.loaded)
        *st = t->snap;
    pthread_mutex_unlock(&t->snap_lock);
}
