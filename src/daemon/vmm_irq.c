// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interrupts of the attached mdev: VFIO_DEVICE_SET_IRQS for the IO, CRW and
 * REQ indexes (eventfds passed by SCM_RIGHTS; ACTION_TRIGGER only, as
 * vfio_ccw_mdev_set_irqs accepts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/log.h"

static int set_eventfd(struct conn *c, uint32_t index, int fd)
{
    int rc = vfio_ccw_set_irq(c->mdev, index, fd);
    if (rc) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    /* the driver signals the new fd from now on; the old one is ours to close */
    if (c->irqfd[index] >= 0)
        close(c->irqfd[index]);
    c->irqfd[index] = fd;
    return 0;
}

/* Only an eventfd: anything else (a pipe that fills up, a socket) could
 * block the channel subsystem's thread that signals it. */
static bool is_eventfd(int fd)
{
    char path[64], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return false;
    target[n] = 0;
    return !strcmp(target, "anon_inode:[eventfd]");
}

static int irq_eventfd(struct conn *c, const struct ccwp_irq_set *s, const uint8_t *data, size_t dlen)
{
    if (s->count == 0)
        return set_eventfd(c, s->index, -1);
    if (s->count != 1 || s->start != 0)
        return -EINVAL;
    int32_t want = 0;
    if (dlen >= sizeof want)
        memcpy(&want, data, sizeof want);
    if (c->nfds == 0 || want == -1)
        return set_eventfd(c, s->index, -1);
    if (!is_eventfd(c->fds[0])) {
        log_warn("client %u: SET_IRQS index %u: the fd passed is not an eventfd", c->id, s->index);
        return -EINVAL;
    }
    return set_eventfd(c, s->index, conn_take_fd(c, 0));
}

int vmm_set_irqs(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_irq_set s;
    (void)r;
    if (conn_get_req(&s, sizeof s, p, len) || s.argsz < sizeof s || s.index >= VFIO_CCW_NUM_IRQS
        || (s.flags & ~(CCWP_IRQ_SET_DATA_NONE | CCWP_IRQ_SET_DATA_BOOL | CCWP_IRQ_SET_DATA_EVENTFD
                        | CCWP_IRQ_SET_ACTION_TRIGGER))
        || !(s.flags & CCWP_IRQ_SET_ACTION_TRIGGER))
        return -EINVAL;
    const uint8_t *data = p + sizeof s;
    size_t dlen = len - sizeof s;
    switch (s.flags & 7) {
    case CCWP_IRQ_SET_DATA_EVENTFD:
        return irq_eventfd(c, &s, data, dlen);
    case CCWP_IRQ_SET_DATA_NONE:
        return s.count == 1 ? vfio_ccw_trigger_irq(c->mdev, s.index) : s.count ? -EINVAL : 0;
    case CCWP_IRQ_SET_DATA_BOOL:
        if (s.count != 1 || dlen < 1)
            return -EINVAL;
        return data[0] ? vfio_ccw_trigger_irq(c->mdev, s.index) : 0;
    default:
        return -EINVAL;
    }
}

