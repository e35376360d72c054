// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel paths (chpids) of the host channel subsystem and the channel-report
 * -word queue (PoP chapter 17, "I/O support functions": channel reports; the
 * Linux css bus's chp_event).  Varying a path off or on updates the path-
 * available masks of the subchannels that use it, ends I/O on a path that went
 * away, tells each subchannel's driver, and reports the event with a CRW
 * (source channel path; PERRN when it goes, INIT when it comes back).
 */
#include <errno.h>
#include <stdlib.h>
#include "chan/css_priv.h"

int css_add_chpid(struct css *css, uint8_t cssid, uint8_t chpid, uint8_t type)
{
    struct chp *c;

    if (!css || cssid > CSS_MAX_CSSID)
        return -EINVAL;
    pthread_mutex_lock(&css->lock);
    c = &css->chp[cssid][chpid];
    if (c->defined) {
        pthread_mutex_unlock(&css->lock);
        return -EEXIST;
    }
    c->defined = true;
    c->online = true;
    c->type = type;
    pthread_mutex_unlock(&css->lock);
    return 0;
}

bool css_chpid_online(const struct css *css, uint8_t cssid, uint8_t chpid)
{
    struct css *w = (struct css *)css;   /* the lock is not part of the value */
    bool on;

    if (!css || cssid > CSS_MAX_CSSID)
        return false;
    pthread_mutex_lock(&w->lock);
    on = css->chp[cssid][chpid].defined && css->chp[cssid][chpid].online;
    pthread_mutex_unlock(&w->lock);
    return on;
}

/* ---- the CRW queue ---------------------------------------------------------- */

static void notify_crw(struct css *css)
{
    css_crw_fn fn;
    void *opaque;

    pthread_mutex_lock(&css->lock);
    fn = css->crw_fn;
    opaque = css->crw_opaque;
    pthread_mutex_unlock(&css->lock);
    if (fn)
        fn(opaque);
}

/* Queue with css->lock held. */
static void crw_queue_locked(struct css *css, const struct crw *crw)
{
    struct crw *slot;

    if (css->crw_n == CSS_CRW_QUEUE) {
        css->crw_lost = true;
        return;
    }
    slot = &css->crwq[(css->crw_head + css->crw_n) % CSS_CRW_QUEUE];
    *slot = *crw;
    if (css->crw_lost) {
        slot->oflw = true;
        css->crw_lost = false;
    }
    css->crw_n++;
}

void css_crw_queue(struct css *css, const struct crw *crw)
{
    pthread_mutex_lock(&css->lock);
    crw_queue_locked(css, crw);
    pthread_mutex_unlock(&css->lock);
    notify_crw(css);
}

bool css_crw_pop(struct css *css, struct crw *crw)
{
    bool got = true;

    pthread_mutex_lock(&css->lock);
    if (css->crw_n) {
        *crw = css->crwq[css->crw_head];
        css->crw_head = (css->crw_head + 1) % CSS_CRW_QUEUE;
        css->crw_n--;
    } else if (css->crw_lost) {
        /* Only the loss itself is left to report. */
        *crw = (struct crw){ .oflw = true };
        css->crw_lost = false;
    } else
        got = false;
    pthread_mutex_unlock(&css->lock);
    return got;
}

void css_set_crw_handler(struct css *css, css_crw_fn fn, void *opaque)
{
    pthread_mutex_lock(&css->lock);
    css->crw_fn = fn;
    css->crw_opaque = opaque;
    pthread_mutex_unlock(&css->lock);
}

/* ---- varying a path --------------------------------------------------------- */

struct path_walk {
    uint8_t cssid, chpid;
    bool online;
    struct subchannel **hit;
    unsigned nhit;
};

static void path_walk_one(struct subchannel *sch, void *opaque)
{
    struct path_walk *w = opaque;

    if (sch_path_event(sch, w->cssid, w->chpid, w->online) && w->hit)
        w->hit[w->nhit++] = sch;
}

int css_chpid_set_online(struct css *css, uint8_t cssid, uint8_t chpid, bool online)
{
    struct path_walk w = { .cssid = cssid, .chpid = chpid, .online = online };
    struct crw crw = { .rsc = CRW_RSC_CPATH, .rsid = chpid };
    struct chp *c;

    if (!css || cssid > CSS_MAX_CSSID)
        return -EINVAL;
    pthread_mutex_lock(&css->lock);
    c = &css->chp[cssid][chpid];
    if (!c->defined) {
        pthread_mutex_unlock(&css->lock);
        return -ENOENT;
    }
    if (c->online == online) {
        pthread_mutex_unlock(&css->lock);
        return 0;
    }
    c->online = online;
    w.hit = css->nsch ? calloc(css->nsch, sizeof(*w.hit)) : NULL;
    css_for_each_sch_locked(css, path_walk_one, &w);
    crw.erc = online ? CRW_ERC_INIT : CRW_ERC_PERRN;
    crw_queue_locked(css, &crw);
    pthread_mutex_unlock(&css->lock);
    /* Subchannels are never removed, so the pointers stay valid unlocked. */
    for (unsigned i = 0; i < w.nhit; i++)
        sch_chp_notify(w.hit[i], chpid, online);
    free(w.hit);
    notify_crw(css);
    return 0;
}
