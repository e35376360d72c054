/*
 * The guest-memory map of one VMM (what VFIO_IOMMU_MAP_DMA established on the
 * kernel's type1 IOMMU): guest IOVA ranges → host memory that the daemon
 * mmapped from the VMM's memory fd.  Reads for the translator (the kernel's
 * vfio_dma_rw) and pins of data areas (vfio_pin_pages) go through here and
 * nowhere else.  An unmap first lets every registered device drop pins in the
 * range (the kernel's dma_unmap callback resets such a device) and refuses to
 * remove a mapping that is still pinned, so the daemon can munmap safely.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vfio/private.h"

struct dma_map {
    uint64_t iova, size;
    uint8_t *host;
    bool writable;
    unsigned pins;
};

struct dma_user {
    vfio_dma_unmap_fn fn;
    void *opaque;
};

struct vfio_dma {
    pthread_mutex_t lock;          /* the maps and their pin counts */
    struct dma_map *map;
    unsigned n, cap;
    pthread_mutex_t users_lock;    /* held across unmap callbacks */
    struct dma_user *user;
    unsigned nuser, ucap;
    vfio_dma_read_hook hook;
    void *hook_opaque;
};

struct vfio_dma *vfio_dma_new(void)
{
    struct vfio_dma *dma = calloc(1, sizeof(*dma));

    if (!dma)
        return NULL;
    pthread_mutex_init(&dma->lock, NULL);
    pthread_mutex_init(&dma->users_lock, NULL);
    return dma;
}

void vfio_dma_free(struct vfio_dma *dma)
{
    if (!dma)
        return;
    pthread_mutex_destroy(&dma->lock);
    pthread_mutex_destroy(&dma->users_lock);
    free(dma->map);
    free(dma->user);
    free(dma);
}

static struct dma_map *find_locked(struct vfio_dma *dma, uint64_t iova)
{
    for (unsigned i = 0; i < dma->n; i++)
        if (iova >= dma->map[i].iova && iova - dma->map[i].iova < dma->map[i].size)
            return &dma->map[i];
    return NULL;
}

static bool overlaps_locked(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    for (unsigned i = 0; i < dma->n; i++)
        if (iova < dma->map[i].iova + dma->map[i].size && dma->map[i].iova < iova + size)
            return true;
    return false;
}

int vfio_dma_map(struct vfio_dma *dma, uint64_t iova, uint64_t size, void *host, bool writable)
{
    int rc = 0;

    if (!dma || !host || !size || (iova | size) % VFIO_DMA_PAGE || iova + size < iova)
        return -EINVAL;
    pthread_mutex_lock(&dma->lock);
    if (overlaps_locked(dma, iova, size)) {
        rc = -EEXIST;
    } else if (dma->n == dma->cap) {
        unsigned cap = dma->cap ? dma->cap * 2 : 8;
        struct dma_map *m = realloc(dma->map, cap * sizeof(*m));
        if (!m)
            rc = -ENOMEM;
        else {
            dma->map = m;
            dma->cap = cap;
        }
    }
    if (!rc)
        dma->map[dma->n++] = (struct dma_map){ iova, size, host, writable, 0 };
    pthread_mutex_unlock(&dma->lock);
    return rc;
}

static int exact_index_locked(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    for (unsigned i = 0; i < dma->n; i++)
        if (dma->map[i].iova == iova && dma->map[i].size == size)
            return (int)i;
    return -1;
}

static void notify_users(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    pthread_mutex_lock(&dma->users_lock);
    for (unsigned i = 0; i < dma->nuser; i++)
        dma->user[i].fn(dma->user[i].opaque, iova, size);
    pthread_mutex_unlock(&dma->users_lock);
}

int vfio_dma_unmap(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    int idx, rc = 0;

    if (!dma)
        return -EINVAL;
    pthread_mutex_lock(&dma->lock);
    idx = exact_index_locked(dma, iova, size);
    pthread_mutex_unlock(&dma->lock);
    if (idx < 0)
        return -EINVAL;
    notify_users(dma, iova, size);
    pthread_mutex_lock(&dma->lock);
    idx = exact_index_locked(dma, iova, size);
    if (idx < 0)
        rc = -EINVAL;
    else if (dma->map[idx].pins)
        rc = -EBUSY;
    else
        dma->map[idx] = dma->map[--dma->n];
    pthread_mutex_unlock(&dma->lock);
    return rc;
}

uint64_t vfio_dma_read_prefix(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len)
{
    uint64_t done = 0;

    pthread_mutex_lock(&dma->lock);
    while (done < len) {
        struct dma_map *m = find_locked(dma, iova + done);
        uint64_t off, n;
        if (!m || iova + done < iova)
            break;
        off = iova + done - m->iova;
        n = m->size - off;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)buf + done, m->host + off, n);
        done += n;
    }
    pthread_mutex_unlock(&dma->lock);
    if (dma->hook && done)
        dma->hook(dma->hook_opaque, iova, done);
    return done;
}

int vfio_dma_read(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len)
{
    return vfio_dma_read_prefix(dma, iova, buf, len) == len ? 0 : -EINVAL;
}

int vfio_dma_pin(struct vfio_dma *dma, uint64_t iova, uint64_t len, uint8_t **host, bool *writable)
{
    struct dma_map *m;
    int rc = -EINVAL;

    pthread_mutex_lock(&dma->lock);
    m = find_locked(dma, iova);
    if (m && len <= m->size - (iova - m->iova)) {
        m->pins++;
        *host = m->host + (iova - m->iova);
        *writable = m->writable;
        rc = 0;
    }
    pthread_mutex_unlock(&dma->lock);
    return rc;
}

void vfio_dma_unpin(struct vfio_dma *dma, uint64_t iova)
{
    struct dma_map *m;

    pthread_mutex_lock(&dma->lock);
    m = find_locked(dma, iova);
    if (m && m->pins)
        m->pins--;
    pthread_mutex_unlock(&dma->lock);
}

void vfio_dma_set_read_hook(struct vfio_dma *dma, vfio_dma_read_hook fn, void *opaque)
{
    pthread_mutex_lock(&dma->lock);
    dma->hook = fn;
    dma->hook_opaque = opaque;
    pthread_mutex_unlock(&dma->lock);
}

int vfio_dma_register_user(struct vfio_dma *dma, vfio_dma_unmap_fn fn, void *opaque)
{
    int rc = 0;

    pthread_mutex_lock(&dma->users_lock);
    if (dma->nuser == dma->ucap) {
        unsigned cap = dma->ucap ? dma->ucap * 2 : 4;
        struct dma_user *u = realloc(dma->user, cap * sizeof(*u));
        if (!u)
            rc = -ENOMEM;
        else {
            dma->user = u;
            dma->ucap = cap;
        }
    }
    if (!rc)
        dma->user[dma->nuser++] = (struct dma_user){ fn, opaque };
    pthread_mutex_unlock(&dma->users_lock);
    return rc;
}

void vfio_dma_unregister_user(struct vfio_dma *dma, void *opaque)
{
    pthread_mutex_lock(&dma->users_lock);
    for (unsigned i = 0; i < dma->nuser; i++)
        if (dma->user[i].opaque == opaque) {
            dma->user[i] = dma->user[--dma->nuser];
            break;
        }
    pthread_mutex_unlock(&dma->users_lock);
}
