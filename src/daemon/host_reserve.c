// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The watcher of a shared volume's reserve (docs/shared-dasd.md): one
 * thread per shared 3390 asks the device every HOST_RSV_WATCH_MS whether
 * this host lost the reserve it held (eckd_reserve_watch: the arbiter names
 * another holder), and then presents the unsolicited unit check a 3990
 * presents for it, so the guest hears of a steal at once, not only at its
 * next I/O.  A bounded poll of the arbiter, off the event loop (an RBD
 * arbiter's question is a round trip to the cluster).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "dev/eckd.h"

#define HOST_RSV_WATCH_MS 100
#define NS_PER_MS 1000000L
#define NS_PER_S  1000000000L

struct host_rsv_watch {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    struct host_sch *hs;
};

static struct timespec after_ms(long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += ms * NS_PER_MS;
    ts.tv_sec += ts.tv_nsec / NS_PER_S;
    ts.tv_nsec %= NS_PER_S;
    return ts;
}

static void *watch(void *arg)
{
    struct host_rsv_watch *w = arg;

    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        struct timespec until = after_ms(HOST_RSV_WATCH_MS);

        while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
            ;
        if (w->stop)
            break;
        pthread_mutex_unlock(&w->lock);
        if (eckd_reserve_watch(w->hs->dev)) {
            log_info("device %x.%x.%04x: this host lost the reserve of its shared volume",
                     w->hs->cfg.cssid, w->hs->cfg.ssid, w->hs->cfg.devno);
            sch_unsolicited(w->hs->sch, DEV_STAT_UNIT_CHECK);
        }
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int host_reserve_watch_start(struct host_sch *hs, char *err, size_t errlen)
{
    struct host_rsv_watch *w = calloc(1, sizeof *w);
    pthread_condattr_t ca;
    int rc;

    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->hs = hs;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    rc = pthread_create(&w->thread, NULL, watch, w);
    if (rc) {
        snprintf(err, errlen, "device %x.%x.%04x: cannot start the reserve watcher: %s", hs->cfg.cssid,
                 hs->cfg.ssid, hs->cfg.devno, strerror(rc));
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return -1;
    }
    hs->rsv_watch = w;
    return 0;
}

void host_reserve_watch_stop(struct host_sch *hs)
{
    struct host_rsv_watch *w = hs->rsv_watch;

    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
    hs->rsv_watch = NULL;
}
