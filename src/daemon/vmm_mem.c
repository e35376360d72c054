// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest memory for one VMM connection: DMA_MAP / DMA_UNMAP, the counterpart
 * of VFIO_IOMMU_MAP_DMA on a type1 container.  The VMM passes the fd of its
 * RAM; the daemon maps it MAP_SHARED (zero copy) and registers it with the
 * vfio layer's DMA map, the only place guest addresses are resolved.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/log.h"

#define PAGE 4096u

_Static_assert(CCWP_MAX_DMA_MAPS == VFIO_DMA_MAX_MAPS, "the protocol documents the vfio layer's limit");

void vmm_release_host(void *host, uint64_t size)
{
    munmap(host, size);
}

/*
 * The memory must stay behind the mapping: a file shorter than the map, or
 * one the client can shrink later, would turn a device access into SIGBUS in
 * the daemon.  Only a memory file sealed against shrinking is taken (QEMU's
 * memory-backend-memfd seals F_SEAL_GROW|F_SEAL_SHRINK|F_SEAL_SEAL unless
 * seal=off); the daemon adds the shrink seal itself when the file still
 * allows sealing.  Seals cannot be removed, so the size checked afterwards
 * stays.  The seals are looked at first: that touches no file system, while
 * fstat of a file elsewhere (FUSE) would wait for its server, which the VMM
 * may run.  Returns 0 or the errno for the reply.
 */
static int check_memfd(struct conn *c, int fd, const struct ccwp_dma_map *m)
{
    struct stat st;
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) && errno != EPERM && errno != EINVAL)
        log_debug("client %u: cannot seal the memory file: %s", c->id, strerror(errno));
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
        log_warn("client %u: DMA_MAP refused: %s "
                 "(create it with MFD_ALLOW_SEALING and add F_SEAL_SHRINK; QEMU: memory-backend-memfd, seal=on)",
                 c->id, seals < 0 ? "the fd is not a memory file (memfd or shared-memory file), so it cannot be "
                                    "sealed against shrinking"
                                  : "the memory file is not sealed against shrinking");
        return -EPERM;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        log_warn("client %u: DMA_MAP fd is not a memory file (memfd or shared-memory file)", c->id);
        return -EINVAL;
    }
    if (m->offset + m->size < m->offset || (uint64_t)st.st_size < m->offset + m->size) {
        log_warn("client %u: DMA_MAP [%#llx, +%#llx) runs past the end of its %lld-byte memory file", c->id,
                 (unsigned long long)m->offset, (unsigned long long)m->size, (long long)st.st_size);
        return -EINVAL;
    }
    return 0;
}

int vmm_dma_map(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_dma_map m;
    (void)r;
    if (conn_get_req(&m, sizeof m, p, len))
        return -EINVAL;
    if (c->nfds == 0) {
        log_warn("client %u: DMA_MAP without a file descriptor: client must pass a memory fd", c->id);
        return -EINVAL;
    }
    if (c->nfds > 1 || !(m.flags & CCWP_DMA_READ) || !m.size || m.size % PAGE || m.offset % PAGE
        || m.iova + m.size < m.iova) {
        log_warn("client %u: DMA_MAP iova %#llx size %#llx flags %#x rejected", c->id,
                 (unsigned long long)m.iova, (unsigned long long)m.size, m.flags);
        return -EINVAL;
    }
    bool wr = m.flags & CCWP_DMA_WRITE;
    int rc = check_memfd(c, c->fds[0], &m);
    if (rc)
        return rc;   /* the fd stays with the message: conn.c closes it, off the loop if it must */
    int fd = conn_take_fd(c, 0);
    void *host = mmap(NULL, m.size, PROT_READ | (wr ? PROT_WRITE : 0), MAP_SHARED, fd, (off_t)m.offset);
    int err = errno;
    close(fd);   /* the mapping keeps the memory */
    if (host == MAP_FAILED) {
        log_warn("client %u: cannot map the memory fd: %s", c->id, strerror(err));
        return -err;
    }
    rc = vfio_dma_map(c->dma, m.iova, m.size, host, wr);
    if (rc) {
        munmap(host, m.size);
        if (rc == -ENOSPC)
            log_warn("client %u: DMA_MAP refused: %u DMA maps, the limit per client", c->id, CCWP_MAX_DMA_MAPS);
        return rc;
    }
    log_debug("client %u: mapped iova %#llx size %#llx", c->id, (unsigned long long)m.iova,
              (unsigned long long)m.size);
    return 0;
}

int vmm_dma_unmap(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r)
{
    struct ccwp_dma_unmap u;
    (void)r;
    if (conn_get_req(&u, sizeof u, p, len))
        return -EINVAL;
    return vfio_dma_unmap(c->dma, u.iova, u.size);   /* releases (munmaps) on success */
}
