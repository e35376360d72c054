// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VMM commands of src/daemon/proto.h: what QEMU's hw/vfio/ccw.c does
 * through the Linux VFIO UAPI (container MAP_DMA, device GET_INFO,
 * GET_REGION_INFO with its capability chain, GET_IRQ_INFO, SET_IRQS,
 * pread/pwrite of regions, RESET), carried over the socket and applied to
 * the vfio_ccw mdev the connection has attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/control.h"
#include "daemon/vmm_shm.h"

#define VERSION_JSON "{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576,\"shm_io\":1}}"

static int cmd_version(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_version v;
    if (conn_get_req(&v, sizeof v, p, len))
        return -EINVAL;
    if (v.major != CCWP_PROTO_MAJOR) {
        log_warn("client %u: protocol %u.%u, daemon speaks %u.%u", c->id, v.major, v.minor,
                 CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR);
        return -ENOTSUP;
    }
    struct ccwp_version me = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    if (reply_put(r, &me, sizeof me) || reply_put(r, VERSION_JSON, sizeof VERSION_JSON))
        return -ENOMEM;
    return 0;
}

/* ---- attach and device info --------------------------------------------------------- */

static int cmd_attach(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    char uuid[sizeof(((struct ccwp_attach *)0)->uuid)];
    struct vfio_ccw_mdev *m;
    (void)r;
    if (c->mdev)
        return -EBUSY;
    size_t n = len < sizeof uuid ? len : sizeof uuid;
    memcpy(uuid, p, n);
    if (!memchr(uuid, 0, n))
        return -ENOENT;   /* not a NUL-terminated UUID: no such mdev */
    if (!host_find_mdev(c->srv->host, uuid, &m)) {
        log_warn("client %u: ATTACH %s: no such mdev", c->id, uuid);
        return -ENOENT;
    }
    int rc = vfio_ccw_open(m, c->dma);
    if (rc) {
        log_warn("client %u: ATTACH %s: %s", c->id, uuid, strerror(-rc));
        return rc;
    }
    c->mdev = m;
    host_find_mdev(c->srv->host, uuid, NULL)->vmm_pid = c->pid ? c->pid : -1;
    log_info("client %u (pid %d) opened mdev %s", c->id, c->pid, vfio_ccw_mdev_uuid(m));
    return 0;
}

static int cmd_device_info(struct conn *c, struct conn_reply *r)
{
    struct ccwp_device_info i = { .argsz = sizeof i, .flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET,
                                  .num_regions = vfio_ccw_num_regions(c->mdev), .num_irqs = VFIO_CCW_NUM_IRQS };
    return reply_put(r, &i, sizeof i);
}

static int cmd_region_info(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_region_info in, out;
    struct vfio_ccw_region_info ri;
    if (conn_get_req(&in, sizeof in, p, len) || in.argsz < sizeof in)
        return -EINVAL;
    int rc = vfio_ccw_region_info(c->mdev, in.index, &ri);
    if (rc)
        return rc;
    out = (struct ccwp_region_info){ .argsz = sizeof out, .flags = ri.flags, .index = ri.index,
                                     .size = ri.size, .offset = ri.offset };
    struct ccwp_region_info_cap_type cap = { .header = { VFIO_REGION_INFO_CAP_TYPE, 1, 0 },
                                             .type = ri.type, .subtype = ri.subtype };
    bool fits = in.argsz >= sizeof out + sizeof cap;
    if (ri.has_type) {
        /* as vfio_ccw_mdev_get_region_info: report the size needed when argsz is short */
        out.flags |= VFIO_REGION_INFO_FLAG_CAPS;
        out.argsz = sizeof out + sizeof cap;
        out.cap_offset = fits ? sizeof out : 0;
    }
    if (reply_put(r, &out, sizeof out))
        return -ENOMEM;
    return ri.has_type && fits ? reply_put(r, &cap, sizeof cap) : 0;
}

static int cmd_irq_info(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_irq_info i;
    (void)c;
    if (conn_get_req(&i, sizeof i, p, len) || i.argsz < sizeof i || i.index >= VFIO_CCW_NUM_IRQS)
        return -EINVAL;
    i = (struct ccwp_irq_info){ .argsz = sizeof i, .flags = VFIO_IRQ_INFO_EVENTFD, .index = i.index, .count = 1 };
    return reply_put(r, &i, sizeof i);
}

/* ---- regions ---------------------------------------------------------------------------- */

#define MAX_DATA (CCWP_MAX_MSG - sizeof(struct ccwp_hdr) - sizeof(struct ccwp_region_access))

static int cmd_region_read(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_region_access a;
    if (conn_get_req(&a, sizeof a, p, len) || a.count > MAX_DATA)
        return -EINVAL;
    uint8_t *buf = malloc(a.count ? a.count : 1);
    if (!buf)
        return -ENOMEM;
    ssize_t n = vfio_ccw_region_read(c->mdev, a.region, a.offset, buf, a.count);
    int rc = n < 0 ? (int)n : 0;
    if (n >= 0) {
        a.count = (uint32_t)n;
        rc = reply_put(r, &a, sizeof a) ? -ENOMEM : reply_put(r, buf, (size_t)n) ? -ENOMEM : 0;
    }
    free(buf);
    return rc;
}

static int cmd_region_write(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_region_access a;
    if (conn_get_req(&a, sizeof a, p, len) || len - sizeof a != a.count)
        return -EINVAL;
    ssize_t n = vfio_ccw_region_write(c->mdev, a.region, a.offset, p + sizeof a, a.count);
    if (n < 0)
        return (int)n;
    a.count = (uint32_t)n;
    return reply_put(r, &a, sizeof a);
}

_Static_assert(sizeof(struct vfio_ccw_range) == sizeof(struct ccwp_range), "range layouts differ");

static int cmd_dirty(struct conn *c, struct conn_reply *r)
{
    struct ccwp_range rr[CCWP_DIRTY_MAX];
    bool overflow = false;
    unsigned n = vfio_ccw_dirty_take(c->mdev, (struct vfio_ccw_range *)rr, CCWP_DIRTY_MAX, &overflow);
    struct ccwp_dirty d = { .count = overflow ? 0 : n, .flags = overflow ? CCWP_DIRTY_OVERFLOW : 0 };
    if (reply_put(r, &d, sizeof d))
        return -ENOMEM;
    return reply_put(r, rr, d.count * sizeof rr[0]);
}

static int cmd_control(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    int err = 0;
    char *rep = control_handle(c->srv->host, (const char *)p, len, &err);
    if (!rep)
        return -ENOMEM;
    int rc = reply_put(r, rep, strlen(rep) + 1);
    free(rep);
    return rc ? rc : -err;
}

/* ---- dispatch and teardown ----------------------------------------------------------------- */

static int device_cmd(struct conn *c, const struct ccwp_hdr *h, const uint8_t *p, size_t len,
                      struct conn_reply *r)
{
    if (!c->mdev)
        return -ENODEV;   /* out of order: no ATTACH yet */
    switch (h->command) {
    case CCWP_CMD_DEVICE_GET_INFO: return cmd_device_info(c, r);
    case CCWP_CMD_GET_REGION_INFO: return cmd_region_info(c, p, len, r);
    case CCWP_CMD_GET_IRQ_INFO:    return cmd_irq_info(c, p, len, r);
    case CCWP_CMD_SET_IRQS:        return vmm_set_irqs(c, p, len, r);
    case CCWP_CMD_REGION_READ:     return cmd_region_read(c, p, len, r);
    case CCWP_CMD_REGION_WRITE:    return cmd_region_write(c, p, len, r);
    case CCWP_CMD_DEVICE_RESET:    return vfio_ccw_reset(c->mdev);
    case CCWP_CMD_DIRTY:           return cmd_dirty(c, r);
    case CCWP_CMD_SHM_IO:          return vmm_shm_cmd(c, r);
    default:                       return -EOPNOTSUPP;
    }
}

int vmm_dispatch(struct conn *c, const struct ccwp_hdr *h, const uint8_t *p, size_t len, struct conn_reply *r)
{
    switch (h->command) {
    case CCWP_CMD_VERSION:   return cmd_version(c, p, len, r);
    case CCWP_CMD_DMA_MAP:   return vmm_dma_map(c, p, len, r);
    case CCWP_CMD_DMA_UNMAP: return vmm_dma_unmap(c, p, len, r);
    case CCWP_CMD_ATTACH:    return cmd_attach(c, p, len, r);
    case CCWP_CMD_CONTROL:   return cmd_control(c, p, len, r);
    case CCWP_CMD_DEVICE_GET_INFO: case CCWP_CMD_GET_REGION_INFO: case CCWP_CMD_GET_IRQ_INFO:
    case CCWP_CMD_SET_IRQS: case CCWP_CMD_REGION_READ: case CCWP_CMD_REGION_WRITE:
    case CCWP_CMD_DEVICE_RESET: case CCWP_CMD_DIRTY: case CCWP_CMD_SHM_IO:
        return device_cmd(c, h, p, len, r);
    default:
        log_warn("client %u: unknown command %u", c->id, h->command);
        return -EOPNOTSUPP;
    }
}

const void *vmm_wait_key(struct conn *c, const struct ccwp_hdr *h, const uint8_t *p, size_t len)
{
    char uuid[sizeof(((struct ccwp_attach *)0)->uuid)];
    struct vfio_ccw_mdev *m;
    struct host_sch *hs;
    size_t n;

    switch (h->command) {
    case CCWP_CMD_ATTACH:
        /* the mdev's previous VMM may still be closing it: open after that */
        n = len < sizeof uuid ? len : sizeof uuid;
        memcpy(uuid, p, n);
        if (c->mdev || !memchr(uuid, 0, n))
            return NULL;
        hs = host_find_mdev(c->srv->host, uuid, &m);
        return hs && hs->jobs ? m : NULL;
    case CCWP_CMD_DEVICE_RESET:
    case CCWP_CMD_DMA_UNMAP:   /* resets a device with pages pinned in the range */
        return c->mdev;
    case CCWP_CMD_CONTROL:     /* a tape_load reads the cartridge file */
        return control_wait_key(c->srv->host, (const char *)p, len);
    default:
        return NULL;
    }
}

void vmm_release(struct conn *c)
{
    vmm_shm_stop(c->shm);   /* no doorbell write may race the close */
    if (c->mdev) {
        for (uint32_t i = 0; i < VFIO_CCW_NUM_IRQS; i++)
            if (c->irqfd[i] >= 0)
                vfio_ccw_set_irq(c->mdev, i, -1);
        vfio_ccw_close(c->mdev);   /* quiesces I/O still running for this client */
        log_info("client %u closed mdev %s", c->id, vfio_ccw_mdev_uuid(c->mdev));
        c->mdev = NULL;
    }
    vmm_shm_free(c->shm);   /* the closed mdev no longer calls its observer */
    c->shm = NULL;
    for (uint32_t i = 0; i < VFIO_CCW_NUM_IRQS; i++)
        if (c->irqfd[i] >= 0) {
            close(c->irqfd[i]);
            c->irqfd[i] = -1;
        }
    /* the DMA layer releases (munmaps) every mapping nothing pins; one that a
     * device still pins is kept, with the map, until its last unpin */
    unsigned kept = c->dma ? vfio_dma_free(c->dma) : 0;
    if (kept)
        log_warn("client %u: %u guest mapping(s) still pinned by a device; kept until it lets go", c->id, kept);
    c->dma = NULL;
}
