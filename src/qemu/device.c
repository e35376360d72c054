// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio-ccw device fd (what VFIO_GROUP_GET_DEVICE_FD returns for an mdev):
 * a connection to ccwpassd attached to the mdev by UUID, answering the device
 * ioctls of include/uapi/linux/vfio.h as drivers/s390/cio/vfio_ccw_ops.c does.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"

#define INFO_MINSZ     offsetofend(struct vfio_region_info, offset)
#define CAPBUF         512
#ifndef offsetofend
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#endif

int ccwq_device_fail(struct ccwq_device *d, int rc)
{
    if (!d->conn.broken)
        return rc;
    if (!d->gone)
        ccwq_log("lost the connection to ccwpassd (%s) for mdev %s: the device is now "
                 "not operational", strerror(-rc), d->uuid);
    d->gone = true;
    return -ENODEV;
}

/* Finds the VFIO_REGION_INFO_CAP_TYPE capability in a region-info reply. */
static enum ccwq_region_kind kind_from_caps(const uint8_t *buf, size_t len, uint32_t first)
{
    uint32_t off = first;
    for (int hops = 0; off && off + sizeof(struct vfio_info_cap_header) <= len && hops < 16; hops++) {
        struct vfio_info_cap_header h;
        memcpy(&h, buf + off, sizeof h);
        if (h.id == VFIO_REGION_INFO_CAP_TYPE && off + sizeof(struct vfio_region_info_cap_type) <= len) {
            struct vfio_region_info_cap_type t;
            memcpy(&t, buf + off, sizeof t);
            if (t.type != VFIO_REGION_TYPE_CCW)
                return CCWQ_REGION_OTHER;
            switch (t.subtype) {
            case VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD: return CCWQ_REGION_ASYNC;
            case VFIO_REGION_SUBTYPE_CCW_SCHIB:     return CCWQ_REGION_SCHIB;
            case VFIO_REGION_SUBTYPE_CCW_CRW:       return CCWQ_REGION_CRW;
            default:                                return CCWQ_REGION_OTHER;
            }
        }
        off = h.next;
    }
    return CCWQ_REGION_OTHER;
}

/* Asks the daemon for a region's info with room for its whole cap chain. */
static int fetch_region_info(struct ccwq_device *d, uint32_t index, uint8_t rep[CAPBUF], size_t *len)
{
    struct vfio_region_info req = { .argsz = CAPBUF, .index = index };
    int rc = ccwq_call(&d->conn, CCWP_CMD_GET_REGION_INFO, &req, sizeof req, NULL, 0, rep, CAPBUF, len);
    if (rc)
        return ccwq_device_fail(d, rc);
    if (*len > CAPBUF)
        *len = CAPBUF;
    if (*len < INFO_MINSZ)
        return -EPROTO;
    return 0;
}

static int learn_regions(struct ccwq_device *d)
{
    struct ccwp_device_info info = { .argsz = sizeof info };
    size_t len = 0;
    int rc = ccwq_call(&d->conn, CCWP_CMD_DEVICE_GET_INFO, &info, sizeof info, NULL, 0,
                       &info, sizeof info, &len);
    if (rc)
        return rc;
    if (len < sizeof info || !(info.flags & VFIO_DEVICE_FLAGS_CCW))
        return -EPROTO;
    d->num_regions = info.num_regions < CCWQ_MAX_REGIONS ? info.num_regions : CCWQ_MAX_REGIONS;
    d->kind[0] = CCWQ_REGION_IO;
    for (uint32_t i = 1; i < d->num_regions; i++) {
        uint8_t rep[CAPBUF];
        struct vfio_region_info ri;
        if ((rc = fetch_region_info(d, i, rep, &len)))
            return rc;
        memcpy(&ri, rep, sizeof ri);
        d->kind[i] = (ri.flags & VFIO_REGION_INFO_FLAG_CAPS) ? kind_from_caps(rep, len, ri.cap_offset)
                                                              : CCWQ_REGION_OTHER;
    }
    return 0;
}

int ccwq_device_dma_map(struct ccwq_device *d, const struct ccwq_dma *m)
{
    struct ccwp_dma_map req = {
        .argsz = sizeof req, .flags = m->flags, .offset = m->offset, .iova = m->iova, .size = m->size,
    };
    int rc = ccwq_call(&d->conn, CCWP_CMD_DMA_MAP, &req, sizeof req, &m->fd, 1, NULL, 0, NULL);
    if (rc)
        ccwq_log("ccwpassd refused the guest-memory map for mdev %s: %s", d->uuid, strerror(-rc));
    return rc ? ccwq_device_fail(d, rc) : 0;
}

int ccwq_device_dma_unmap(struct ccwq_device *d, uint64_t iova, uint64_t size)
{
    struct ccwp_dma_unmap req = { .argsz = sizeof req, .iova = iova, .size = size };
    int rc = ccwq_call(&d->conn, CCWP_CMD_DMA_UNMAP, &req, sizeof req, NULL, 0, NULL, 0, NULL);
    return rc ? ccwq_device_fail(d, rc) : 0;
}

static int attach(struct ccwq_device *d, const char *uuid)
{
    const char *sock = ccwq_socket_path();
    struct ccwp_attach a = { { 0 } };
    char err[512];
    int rc = ccwq_conn_open(&d->conn, sock, err, sizeof err);

    if (rc) {
        ccwq_log("vfio-ccw device %s: %s", uuid, err);
        return rc;
    }
    snprintf(a.uuid, sizeof a.uuid, "%s", uuid);
    rc = ccwq_call(&d->conn, CCWP_CMD_ATTACH, &a, sizeof a, NULL, 0, NULL, 0, NULL);
    if (rc) {
        ccwq_log("ccwpassd at %s cannot attach mdev %s: %s%s", sock, uuid, strerror(-rc),
                 rc == -ENOENT ? " (no such mediated device; create it with 'ccwpass mdev create')" :
                 rc == -EBUSY ? " (another VMM has it open; 'ccwpass mdev list' shows which)" : "");
        return rc;
    }
    if ((rc = learn_regions(d)))
        ccwq_log("ccwpassd at %s: cannot read the regions of mdev %s: %s", sock, uuid, strerror(-rc));
    else if ((rc = ccwq_shm_setup(d)))
        ccwq_log("ccwpassd at %s: lost mdev %s setting up the shared I/O area: %s", sock, uuid, strerror(-rc));
    return rc;
}

static int replay_dma(struct ccwq_device *d, const struct ccwq_container *c)
{
    for (int i = 0; i < c->ndma; i++) {
        int rc = ccwq_device_dma_map(d, &c->dma[i]);
        if (rc)
            return rc;
    }
    return 0;
}

int ccwq_device_open(struct ccwq_group *g, const char *uuid)
{
    struct ccwq_container *c = g->container;
    struct ccwq_device *d = calloc(1, sizeof *d);
    int rc;

    if (!d)
        return -ENOMEM;
    d->conn.sock = -1;
    if (strlen(uuid) >= sizeof d->uuid) {
        free(d);
        return -EINVAL;
    }
    strcpy(d->uuid, uuid);
    if ((rc = attach(d, uuid)) || (rc = replay_dma(d, c)) || (rc = ccwq_fd_new(CCWQ_OBJ_DEVICE, d)) < 0) {
        ccwq_shm_release(d);
        if (d->conn.sock >= 0)
            ccwq_conn_close(&d->conn);
        free(d);
        return rc;
    }
    d->container = c;
    c->refs++;
    d->next = c->devices;
    c->devices = d;
    ccwq_debug("mdev %s attached (group %d, %u regions) as fd %d", uuid, g->number, d->num_regions, rc);
    return rc;
}

void ccwq_device_release(struct ccwq_device *d)
{
    struct ccwq_container *c = d->container;
    for (struct ccwq_device **p = &c->devices; *p; p = &(*p)->next)
        if (*p == d) {
            *p = d->next;
            break;
        }
    ccwq_conn_close(&d->conn);
    ccwq_shm_release(d);
    ccwq_container_put(c);
    free(d);
}

/* ---- device ioctls --------------------------------------------------------- */

static long get_info(struct ccwq_device *d, struct vfio_device_info *ui)
{
    struct ccwp_device_info info = { .argsz = sizeof info };
    if (ui->argsz < offsetofend(struct vfio_device_info, num_irqs))
        return -EINVAL;
    int rc = ccwq_call(&d->conn, CCWP_CMD_DEVICE_GET_INFO, &info, sizeof info, NULL, 0, &info, sizeof info, NULL);
    if (rc)
        return ccwq_device_fail(d, rc);
    ui->flags = info.flags;
    ui->num_regions = info.num_regions;
    ui->num_irqs = info.num_irqs;
    return 0;
}

/*
 * The kernel's answer shape: the capability chain is copied only when the
 * caller's argsz has room for it; otherwise argsz says how much is needed and
 * cap_offset is 0 (QEMU then asks again with the larger argsz).
 */
static long get_region_info(struct ccwq_device *d, struct vfio_region_info *ui)
{
    uint8_t rep[CAPBUF];
    struct vfio_region_info ri;
    size_t len;

    if (ui->argsz < INFO_MINSZ)
        return -EINVAL;
    int rc = fetch_region_info(d, ui->index, rep, &len);
    if (rc)
        return rc;
    memcpy(&ri, rep, sizeof ri);
    size_t caps = (ri.flags & VFIO_REGION_INFO_FLAG_CAPS) && ri.cap_offset >= INFO_MINSZ ? len - INFO_MINSZ : 0;
    ui->flags = ri.flags;
    ui->size = ri.size;
    ui->offset = ri.offset;
    ui->cap_offset = 0;
    if (!caps)
        return 0;
    if (ui->argsz < INFO_MINSZ + caps) {
        ui->argsz = (uint32_t)(INFO_MINSZ + caps);
        return 0;
    }
    memcpy((uint8_t *)ui + INFO_MINSZ, rep + INFO_MINSZ, caps);
    ui->cap_offset = ri.cap_offset;
    ccwq_debug("region %u: size %llu offset 0x%llx flags 0x%x, %zu bytes of capabilities", ui->index,
               (unsigned long long)ui->size, (unsigned long long)ui->offset, ui->flags, caps);
    return 0;
}

static long get_irq_info(struct ccwq_device *d, struct vfio_irq_info *ui)
{
    struct vfio_irq_info req = { .argsz = sizeof req, .index = ui->index }, rep;
    if (ui->argsz < sizeof req)
        return -EINVAL;
    int rc = ccwq_call(&d->conn, CCWP_CMD_GET_IRQ_INFO, &req, sizeof req, NULL, 0, &rep, sizeof rep, NULL);
    if (rc)
        return ccwq_device_fail(d, rc);
    ui->flags = rep.flags;
    ui->count = rep.count;
    return 0;
}

/* Eventfds travel as SCM_RIGHTS, in data[] order; -1 (de-assign) sends none. */
static long set_irqs(struct ccwq_device *d, struct vfio_irq_set *s)
{
    size_t minsz = offsetofend(struct vfio_irq_set, count), esz = 0;
    int fds[CCWP_MAX_FDS], nfds = 0;

    if (s->argsz < minsz)
        return -EINVAL;
    if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
        esz = sizeof(int32_t);
    else if (s->flags & VFIO_IRQ_SET_DATA_BOOL)
        esz = sizeof(uint8_t);
    if (s->count > CCWP_MAX_FDS || s->argsz < minsz + esz * s->count)
        return -EINVAL;
    for (uint32_t i = 0; esz == sizeof(int32_t) && i < s->count; i++) {
        int32_t fd;
        memcpy(&fd, s->data + i * esz, sizeof fd);
        if (fd >= 0)
            fds[nfds++] = fd;
    }
    int rc = ccwq_call(&d->conn, CCWP_CMD_SET_IRQS, s, minsz + esz * s->count, fds, nfds, NULL, 0, NULL);
    ccwq_debug("SET_IRQS index %u flags 0x%x count %u (%d fd): %d", s->index, s->flags, s->count, nfds, rc);
    return rc ? ccwq_device_fail(d, rc) : 0;
}

long ccwq_device_ioctl(struct ccwq_device *d, unsigned long req, void *arg)
{
    int rc;
    if (d->gone)
        return -ENODEV;
    switch (req) {
    case VFIO_DEVICE_GET_INFO:        return get_info(d, arg);
    case VFIO_DEVICE_GET_REGION_INFO: return get_region_info(d, arg);
    case VFIO_DEVICE_GET_IRQ_INFO:    return get_irq_info(d, arg);
    case VFIO_DEVICE_SET_IRQS:        return set_irqs(d, arg);
    case VFIO_DEVICE_RESET:
        rc = ccwq_call(&d->conn, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL);
        return rc ? ccwq_device_fail(d, rc) : 0;
    default:
        return -ENOTTY;
    }
}
