// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio_ccw subchannel driver (Linux vfio_ccw_drv.c) and the mdev type
 * vfio_ccw-io: probe binds I/O subchannels only and refuses QDIO; the parent
 * offers one instance (available_instances 1 → 0); removing an mdev or
 * unbinding the parent while a VMM has it open signals the device-request
 * (REQ) eventfd and fails with -EBUSY until the VMM lets go.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "vfio/private.h"

int vfio_ccw_probe(struct subchannel *sch, struct vfio_ccw_parent **out)
{
    struct vfio_ccw_parent *p;
    struct schib schib;

    if (!sch || !out)
        return -EINVAL;
    if (sch_stsch(sch, &schib) || schib.pmcw.st != SCH_TYPE_IO)
        return -ENODEV;
    if (schib.pmcw.qf) {
        struct schid id = sch_id(sch);
        fprintf(stderr, "vfio_ccw: %x.%x.%04x does not support QDIO\n", id.cssid, id.ssid, id.schno);
        return -ENODEV;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->sch = sch;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return 0;
}

struct subchannel *vfio_ccw_parent_sch(const struct vfio_ccw_parent *p)
{
    return p->sch;
}

struct vfio_ccw_mdev *vfio_ccw_parent_mdev(const struct vfio_ccw_parent *p)
{
    struct vfio_ccw_parent *w = (struct vfio_ccw_parent *)p;
    struct vfio_ccw_mdev *m;

    pthread_mutex_lock(&w->lock);
    m = p->mdev;
    pthread_mutex_unlock(&w->lock);
    return m;
}

unsigned vfio_ccw_available_instances(const struct vfio_ccw_parent *p)
{
    return vfio_ccw_parent_mdev(p) ? 0 : 1;
}

const char *vfio_ccw_mdev_uuid(const struct vfio_ccw_mdev *m)
{
    return m->uuid;
}

/* Without open_lock: a close may hold it for as long as a quiesce waits. */
bool vfio_ccw_mdev_is_open(const struct vfio_ccw_mdev *m)
{
    return __atomic_load_n(&m->open, __ATOMIC_ACQUIRE);
}

/* 8-4-4-4-12 hex digits. */
static bool uuid_valid(const char *u)
{
    if (!u || strlen(u) != 36)
        return false;
    for (unsigned i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
            return false;
    }
    return true;
}

static struct vfio_ccw_mdev *mdev_alloc(struct vfio_ccw_parent *p, const char *uuid)
{
    struct vfio_ccw_mdev *m = calloc(1, sizeof(*m));
    pthread_condattr_t ca;

    if (!m)
        return NULL;
    m->parent = p;
    m->sch = p->sch;
    for (unsigned i = 0; i < 36; i++)
        m->uuid[i] = (char)tolower((unsigned char)uuid[i]);
    m->state = VFIO_CCW_STATE_STANDBY;
    pthread_mutex_init(&m->open_lock, NULL);
    pthread_mutex_init(&m->io_mutex, NULL);
    pthread_mutex_init(&m->crw_lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->irq_cond, &ca);
    pthread_condattr_destroy(&ca);
    vfio_ccw_notifier_init(&m->notifier);
    vfio_ccw_dirty_init(&m->dirty);
    return m;
}

static void mdev_free(struct vfio_ccw_mdev *m)
{
    cp_put(m->cp);
    vfio_ccw_dirty_destroy(&m->dirty);
    pthread_mutex_destroy(&m->open_lock);
    pthread_mutex_destroy(&m->io_mutex);
    pthread_mutex_destroy(&m->crw_lock);
    vfio_ccw_notifier_destroy(&m->notifier);
    pthread_cond_destroy(&m->irq_cond);
    free(m);
}

int vfio_ccw_mdev_create(struct vfio_ccw_parent *p, const char *uuid, struct vfio_ccw_mdev **out)
{
    struct vfio_ccw_mdev *m;

    if (!p || !uuid_valid(uuid))
        return -EINVAL;
    pthread_mutex_lock(&p->lock);
    if (p->mdev) {
        int ret = strcasecmp(p->mdev->uuid, uuid) ? -ENOSPC : -EEXIST;
        pthread_mutex_unlock(&p->lock);
        return ret;
    }
    m = mdev_alloc(p, uuid);
    if (!m) {
        pthread_mutex_unlock(&p->lock);
        return -ENOMEM;
    }
    p->mdev = m;
    pthread_mutex_unlock(&p->lock);
    sch_set_irq_handler(p->sch, vfio_ccw_sch_irq, m);
    sch_set_chp_handler(p->sch, vfio_ccw_chp_event, m);
    if (out)
        *out = m;
    return 0;
}

int vfio_ccw_mdev_remove(struct vfio_ccw_mdev *m)
{
    struct vfio_ccw_parent *p;

    if (!m)
        return -EINVAL;
    pthread_mutex_lock(&m->open_lock);
    if (m->open) {
        pthread_mutex_unlock(&m->open_lock);
        /* vfio_unregister_group_dev would wait: ask the VMM to let go. */
        vfio_ccw_signal(m, VFIO_CCW_REQ_IRQ_INDEX);
        return -EBUSY;
    }
    m->removed = true;
    pthread_mutex_unlock(&m->open_lock);
    p = m->parent;
    /* Both wait for a handler call in progress to return. */
    sch_set_irq_handler(p->sch, NULL, NULL);
    sch_set_chp_handler(p->sch, NULL, NULL);
    pthread_mutex_lock(&p->lock);
    p->mdev = NULL;
    pthread_mutex_unlock(&p->lock);
    mdev_free(m);
    return 0;
}

int vfio_ccw_remove(struct vfio_ccw_parent *p)
{
    struct vfio_ccw_mdev *m;

    if (!p)
        return -EINVAL;
    m = vfio_ccw_parent_mdev(p);
    if (m) {
        int ret = vfio_ccw_mdev_remove(m);
        if (ret)
            return ret;
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
    return 0;
}
