/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the host channel subsystem (css.c: subchannels and the I/O
 * instructions; chp.c: channel paths and the CRW queue).
 *
 * Locking: css->lock guards the chpid table, the subchannel list and the CRW
 * queue; sch->lock guards one subchannel.  Order: css->lock before sch->lock.
 * Callbacks (interrupt and CRW handlers) are called with no lock held.
 */
#ifndef CCWPASS_CHAN_CSS_PRIV_H
#define CCWPASS_CHAN_CSS_PRIV_H

#include <pthread.h>
#include "chan/css.h"

#define CSS_NR_CSS     (CSS_MAX_CSSID + 1)
#define CSS_CRW_QUEUE  32

struct chp {
    bool    defined;
    bool    online;
    uint8_t type;
};

struct css {
    pthread_mutex_t lock;
    struct chp chp[CSS_NR_CSS][256];
    struct subchannel **sch;
    unsigned nsch, cap;
    /* CRW ring */
    struct crw crwq[CSS_CRW_QUEUE];
    unsigned crw_head, crw_n;
    bool crw_lost;
    css_crw_fn crw_fn;
    void *crw_opaque;
};

/* chp.c */
void css_crw_queue(struct css *css, const struct crw *crw);

/* css.c: call fn for every subchannel (css->lock held by the caller). */
void css_for_each_sch_locked(struct css *css, void (*fn)(struct subchannel *, void *), void *opaque);
/* css.c: a channel path became (un)available; updates the subchannel's masks
 * and returns whether the subchannel uses the path. */
bool sch_path_event(struct subchannel *sch, uint8_t cssid, uint8_t chpid, bool online);

/* css.c: call the subchannel's chp handler (no lock held by the caller). */
void sch_chp_notify(struct subchannel *sch, uint8_t chpid, bool online);

#endif
