/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ccwpass QEMU adapter: a library preloaded into an unmodified
 * qemu-system-s390x that implements the Linux VFIO UAPI (container, group and
 * vfio-ccw device fds, as hw/vfio/common.c and hw/vfio/ccw.c use them) on top
 * of the ccwpassd socket protocol.  Internal interfaces between its files:
 *   activate.c   active only inside QEMU; LD_PRELOAD hygiene
 *   interpose_path.c, interpose_fd.c  the libc entry points
 *   fdtab.c      which fd is which emulated VFIO object
 *   container.c  /dev/vfio/vfio and /dev/vfio/<group> ioctls, the DMA map
 *   device.c     the device fd: attach to ccwpassd, device ioctls
 *   region.c     pread/pwrite of the device regions, byte order
 *   tcg.c        invalidating TCG translations of RAM the daemon wrote
 *   shm.c        the shared I/O area: the IRB and dirty ranges without a round trip
 */
#ifndef CCWPASS_QEMU_ADAPTER_H
#define CCWPASS_QEMU_ADAPTER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "qemu/byteorder.h"
#include "qemu/client.h"

#define CCWQ_MAX_DMA      64
#define CCWQ_MAX_REGIONS  8
#define CCWQ_REGION_SHIFT 10    /* VFIO_CCW_OFFSET_SHIFT: 1 KiB per region */

struct ccwq_dma {
    uint64_t iova, size, vaddr;
    uint32_t flags;             /* VFIO_DMA_MAP_FLAG_READ/WRITE */
    int fd;                     /* our dup of the fd backing the memory */
    uint64_t offset;            /* of iova within that fd */
};

struct ccwq_device;

struct ccwq_container {
    int refs;                   /* its fd + attached groups + open devices */
    int iommu_type;             /* 0 until VFIO_SET_IOMMU */
    int ngroups;
    struct ccwq_dma dma[CCWQ_MAX_DMA];
    int ndma;
    struct ccwq_device *devices;
};

struct ccwq_group {
    int number;
    struct ccwq_container *container;
};

struct ccwq_device {
    struct ccwq_conn conn;
    struct ccwq_container *container;
    struct ccwq_device *next;   /* in container->devices */
    char uuid[40];
    uint32_t num_regions;
    enum ccwq_region_kind kind[CCWQ_MAX_REGIONS];
    bool gone;                  /* the daemon went away: regions answer ENODEV */
    struct ccwq_shm *shm;       /* the shared I/O area (shm.c), or NULL */
};

enum ccwq_obj_type { CCWQ_OBJ_CONTAINER = 1, CCWQ_OBJ_GROUP, CCWQ_OBJ_DEVICE };

/* fdtab.c: lock-free lookup for the hot path, updates under ccwq_lock. */
void ccwq_lock(void);
void ccwq_unlock(void);
void *ccwq_fd_get(int fd, enum ccwq_obj_type type);
bool ccwq_fd_is_emulated(int fd);
bool ccwq_fd_inode_matches(int fd); /* the fd still refers to the file we made */
int  ccwq_fd_new(enum ccwq_obj_type type, void *obj); /* a real fd (memfd) or -errno */
enum ccwq_obj_type ccwq_fd_forget(int fd, void **obj); /* 0 if fd was not ours */

/* container.c */
int  ccwq_container_open(void);
int  ccwq_group_open(int number);
long ccwq_container_ioctl(struct ccwq_container *c, unsigned long req, void *arg);
long ccwq_group_ioctl(struct ccwq_group *g, unsigned long req, void *arg);
void ccwq_container_put(struct ccwq_container *c);
void ccwq_group_release(struct ccwq_group *g);

/* device.c */
int  ccwq_device_open(struct ccwq_group *g, const char *uuid);
long ccwq_device_ioctl(struct ccwq_device *d, unsigned long req, void *arg);
void ccwq_device_release(struct ccwq_device *d);
int  ccwq_device_dma_map(struct ccwq_device *d, const struct ccwq_dma *m);
int  ccwq_device_dma_unmap(struct ccwq_device *d, uint64_t iova, uint64_t size);
int  ccwq_device_fail(struct ccwq_device *d, int rc);   /* transport error -> errno */

/* region.c: returns bytes or -errno, like the kernel's read/write handlers */
ssize_t ccwq_region_read(struct ccwq_device *d, void *buf, size_t count, uint64_t pos);
ssize_t ccwq_region_write(struct ccwq_device *d, const void *buf, size_t count, uint64_t pos);

/* shm.c: the shared I/O area (CCWP_CMD_SHM_IO) when the daemon offers it */
struct ccwp_range;
int  ccwq_shm_setup(struct ccwq_device *d);      /* 0 also when not offered */
void ccwq_shm_release(struct ccwq_device *d);
/* Copy [off, off+len) of the I/O region from the area; false: ask the daemon. */
bool ccwq_shm_read_io(struct ccwq_device *d, void *buf, uint64_t off, size_t len);
/* Write [off, off+len) of the I/O region (architecture order) through the
 * doorbell; false: not possible here, use the socket.  *ret as the socket's. */
bool ccwq_shm_write_io(struct ccwq_device *d, const void *buf, uint64_t off, size_t len, ssize_t *ret);
/* Ranges the daemon published since the last call (at most max); *all set
 * when some were lost: treat all guest memory as written.  -1: no area. */
int  ccwq_shm_take_dirty(struct ccwq_device *d, struct ccwp_range *out, unsigned max, bool *all);

/* tcg.c */
void ccwq_tcg_sync(struct ccwq_device *d);

/* activate.c: environment as the launcher set it */
const char *ccwq_socket_path(void);

/* log.c: messages to QEMU's stderr, prefixed "ccwpass-qemu: " */
void ccwq_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ccwq_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
