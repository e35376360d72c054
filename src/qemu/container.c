// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VFIO container (/dev/vfio/vfio) and group (/dev/vfio/<n>) emulation: the
 * type1 IOMMU as the kernel presents it for an emulated-IOMMU (mdev) device,
 * whose DMA map table becomes ccwpassd's view of guest memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "qemu/adapter.h"
#include "qemu/ramfd.h"

#define PAGE_MASK_4K 0xfffULL

int ccwq_container_open(void)
{
    struct ccwq_container *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->refs = 1;
    int fd = ccwq_fd_new(CCWQ_OBJ_CONTAINER, c);
    if (fd < 0)
        free(c);
    return fd;
}

int ccwq_group_open(int number)
{
    struct ccwq_group *g = calloc(1, sizeof *g);
    if (!g)
        return -ENOMEM;
    g->number = number;
    int fd = ccwq_fd_new(CCWQ_OBJ_GROUP, g);
    if (fd < 0)
        free(g);
    return fd;
}

static void dma_drop_all(struct ccwq_container *c)
{
    for (int i = 0; i < c->ndma; i++)
        close(c->dma[i].fd);
    c->ndma = 0;
}

void ccwq_container_put(struct ccwq_container *c)
{
    if (--c->refs > 0)
        return;
    dma_drop_all(c);
    free(c);
}

/* ---- type1 IOMMU ioctls -------------------------------------------------- */

static long check_extension(unsigned long ext)
{
    return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU;
}

static long set_iommu(struct ccwq_container *c, unsigned long type)
{
    if (!c->ngroups)
        return -EINVAL;     /* the kernel needs a group to pick the driver */
    if (!check_extension(type))
        return -ENODEV;
    if (c->iommu_type)
        return -EBUSY;
    c->iommu_type = (int)type;
    return 0;
}

static long iommu_get_info(struct vfio_iommu_type1_info *info)
{
    if (info->argsz < offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + sizeof info->iova_pgsizes)
        return -EINVAL;
    /* An emulated-IOMMU container maps at page granularity: PAGE_MASK. */
    info->flags = VFIO_IOMMU_INFO_PGSIZES;
    info->iova_pgsizes = ~PAGE_MASK_4K;
    return 0;
}

static bool dma_overlaps(const struct ccwq_container *c, uint64_t iova, uint64_t size)
{
    for (int i = 0; i < c->ndma; i++)
        if (iova < c->dma[i].iova + c->dma[i].size && c->dma[i].iova < iova + size)
            return true;
    return false;
}

static long forward_map(struct ccwq_container *c, const struct ccwq_dma *m)
{
    for (struct ccwq_device *d = c->devices; d; d = d->next) {
        int rc = ccwq_device_dma_map(d, m);
        if (rc)
            return rc;
    }
    return 0;
}

static long map_dma(struct ccwq_container *c, const struct vfio_iommu_type1_dma_map *map)
{
    const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    char why[512];

    if (map->argsz < sizeof *map || (map->flags & ~rw) || !(map->flags & rw) || !map->size ||
        ((map->size | map->iova | map->vaddr) & PAGE_MASK_4K) || map->iova + map->size < map->iova)
        return -EINVAL;
    if (dma_overlaps(c, map->iova, map->size))
        return -EEXIST;
    if (c->ndma == CCWQ_MAX_DMA)
        return -ENOSPC;
    struct ccwq_dma m = { .iova = map->iova, .size = map->size, .vaddr = map->vaddr, .flags = map->flags };
    int rc = ccwq_ram_fd(map->vaddr, map->size, &m.fd, &m.offset, why, sizeof why);
    if (rc) {
        ccwq_log("cannot map guest memory for DMA: %s", why);
        return rc;
    }
    if ((rc = (int)forward_map(c, &m))) {
        close(m.fd);
        return rc;
    }
    ccwq_debug("MAP_DMA iova 0x%" PRIx64 " size 0x%" PRIx64 " -> fd %d offset 0x%" PRIx64,
               m.iova, m.size, m.fd, m.offset);
    c->dma[c->ndma++] = m;
    return 0;
}

static void dma_remove(struct ccwq_container *c, int i)
{
    for (struct ccwq_device *d = c->devices; d; d = d->next)
        ccwq_device_dma_unmap(d, c->dma[i].iova, c->dma[i].size);
    close(c->dma[i].fd);
    c->dma[i] = c->dma[--c->ndma];
}

static long unmap_dma(struct ccwq_container *c, struct vfio_iommu_type1_dma_unmap *u)
{
    bool all = u->flags & VFIO_DMA_UNMAP_FLAG_ALL;
    uint64_t end = all ? UINT64_MAX : u->iova + u->size, done = 0;

    if (u->argsz < offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof u->size ||
        (u->flags & ~(uint32_t)VFIO_DMA_UNMAP_FLAG_ALL) || (all && (u->iova || u->size)) ||
        (!all && (!u->size || ((u->iova | u->size) & PAGE_MASK_4K))))
        return -EINVAL;
    for (int i = 0; i < c->ndma; i++) {     /* v2: no mapping may straddle the range */
        const struct ccwq_dma *m = &c->dma[i];
        bool inside = m->iova >= u->iova && m->iova + m->size <= end;
        if (!inside && m->iova < end && u->iova < m->iova + m->size)
            return -EINVAL;
    }
    for (int i = c->ndma - 1; i >= 0; i--)
        if (c->dma[i].iova >= u->iova && c->dma[i].iova + c->dma[i].size <= end) {
            done += c->dma[i].size;
            dma_remove(c, i);
        }
    u->size = done;
    return 0;
}

long ccwq_container_ioctl(struct ccwq_container *c, unsigned long req, void *arg)
{
    switch (req) {
    case VFIO_GET_API_VERSION:  return VFIO_API_VERSION;
    case VFIO_CHECK_EXTENSION:  return check_extension((unsigned long)arg);
    case VFIO_SET_IOMMU:        return set_iommu(c, (unsigned long)arg);
    }
    if (!c->iommu_type)
        return -ENOTTY;         /* no IOMMU driver behind the container yet */
    switch (req) {
    case VFIO_IOMMU_GET_INFO:   return iommu_get_info(arg);
    case VFIO_IOMMU_MAP_DMA:    return map_dma(c, arg);
    case VFIO_IOMMU_UNMAP_DMA:  return unmap_dma(c, arg);
    default:                    return -ENOTTY;
    }
}

/* ---- group ioctls ---------------------------------------------------------- */

static long group_status(struct ccwq_group *g, struct vfio_group_status *st)
{
    if (st->argsz < sizeof *st)
        return -EINVAL;
    st->flags = VFIO_GROUP_FLAGS_VIABLE | (g->container ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
    return 0;
}

static long set_container(struct ccwq_group *g, const int *fdp)
{
    struct ccwq_container *c = ccwq_fd_get(*fdp, CCWQ_OBJ_CONTAINER);
    if (!c)
        return ccwq_fd_is_emulated(*fdp) || fcntl(*fdp, F_GETFD) >= 0 ? -EINVAL : -EBADF;
    if (g->container)
        return -EINVAL;
    g->container = c;
    c->refs++;
    c->ngroups++;
    return 0;
}

static long unset_container(struct ccwq_group *g)
{
    struct ccwq_container *c = g->container;
    if (!c)
        return -EINVAL;
    g->container = NULL;
    if (--c->ngroups == 0) {    /* the last group takes the IOMMU driver with it */
        c->iommu_type = 0;
        while (c->ndma)
            dma_remove(c, c->ndma - 1);
    }
    ccwq_container_put(c);
    return 0;
}

long ccwq_group_ioctl(struct ccwq_group *g, unsigned long req, void *arg)
{
    switch (req) {
    case VFIO_GROUP_GET_STATUS:      return group_status(g, arg);
    case VFIO_GROUP_SET_CONTAINER:   return set_container(g, arg);
    case VFIO_GROUP_UNSET_CONTAINER: return unset_container(g);
    case VFIO_GROUP_GET_DEVICE_FD:
        if (!g->container || !g->container->iommu_type)
            return -EINVAL;
        return ccwq_device_open(g, arg);
    default:
        return -ENOTTY;
    }
}

void ccwq_group_release(struct ccwq_group *g)
{
    if (g->container)
        unset_container(g);
    free(g);
}
