/*
 * The ccwpassd VMM protocol: an AF_UNIX stream socket, messages framed like
 * vfio-user (QEMU docs/interop/vfio-user.rst) — a 16-byte header, host byte
 * order, file descriptors as SCM_RIGHTS.  One connection = one VMM's view of
 * one vfio group/container/device.  Shared by the daemon (server), the QEMU
 * adapter and the test client.
 *
 * Region contents are exactly what the vfio_ccw kernel driver exposes on an
 * s390 host: architecture (big-endian) formats throughout — ORB, SCSW, IRB,
 * ret_code, the async command word, the SCHIB and the CRW.  A VMM that keeps
 * those structures in little-endian host order (QEMU on x86) is converted by
 * its adapter, never by the daemon.
 */
#ifndef CCWPASS_DAEMON_PROTO_H
#define CCWPASS_DAEMON_PROTO_H

#include <stdint.h>

#define CCWP_PROTO_MAJOR 1
#define CCWP_PROTO_MINOR 0
#define CCWP_DEFAULT_SOCKET "/run/ccwpass/ccwpassd.sock"
#define CCWP_MAX_MSG   (1u << 20)   /* largest message, header included */
#define CCWP_MAX_FDS   8

struct ccwp_hdr {
    uint16_t msg_id;    /* echoed in the reply */
    uint16_t command;   /* CCWP_CMD_* */
    uint32_t size;      /* whole message, header included */
    uint32_t flags;     /* CCWP_F_* */
    uint32_t error;     /* positive errno in an error reply */
};

#define CCWP_F_TYPE_MASK 0xF
#define CCWP_F_COMMAND   0x0
#define CCWP_F_REPLY     0x1
#define CCWP_F_NO_REPLY  0x10
#define CCWP_F_ERROR     0x20

enum ccwp_cmd {
    CCWP_CMD_VERSION         = 1,   /* {u16 major, u16 minor, char json[]} both ways */
    CCWP_CMD_DMA_MAP         = 2,   /* struct ccwp_dma_map + 1 fd (memory to mmap) */
    CCWP_CMD_DMA_UNMAP       = 3,   /* struct ccwp_dma_unmap */
    CCWP_CMD_DEVICE_GET_INFO = 4,   /* reply struct ccwp_device_info */
    CCWP_CMD_GET_REGION_INFO = 5,   /* struct vfio_region_info layout; reply + cap chain */
    CCWP_CMD_GET_IRQ_INFO    = 7,   /* struct vfio_irq_info layout */
    CCWP_CMD_SET_IRQS        = 8,   /* struct vfio_irq_set layout (+ eventfds as fds) */
    CCWP_CMD_REGION_READ     = 9,   /* struct ccwp_region_access; reply + data */
    CCWP_CMD_REGION_WRITE    = 10,  /* struct ccwp_region_access + data; reply header */
    CCWP_CMD_DEVICE_RESET    = 13,
    CCWP_CMD_ATTACH          = 0x100, /* struct ccwp_attach: open the mdev by UUID */
    CCWP_CMD_DIRTY           = 0x101, /* reply struct ccwp_dirty + ranges: guest memory the
                                        device wrote since the last DIRTY (for TCG invalidation) */
    CCWP_CMD_CONTROL         = 0x200, /* admin: JSON request text, JSON reply text */
};

struct ccwp_dma_map {
    uint32_t argsz;
    uint32_t flags;     /* bit 0 readable, bit 1 writeable */
    uint64_t offset;    /* offset into the passed fd */
    uint64_t iova;      /* guest address */
    uint64_t size;
};

struct ccwp_dma_unmap {
    uint32_t argsz;
    uint32_t flags;
    uint64_t iova;
    uint64_t size;
};

struct ccwp_device_info {
    uint32_t argsz;
    uint32_t flags;         /* VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET */
    uint32_t num_regions;
    uint32_t num_irqs;
};

struct ccwp_region_access {
    uint64_t offset;        /* offset inside the region */
    uint32_t region;        /* region index */
    uint32_t count;         /* bytes; in a write reply: bytes written */
};

struct ccwp_attach {
    char uuid[40];          /* NUL-terminated mdev UUID */
};

/*
 * Guest memory written by channel programs since the last CCWP_CMD_DIRTY.  The
 * adapter invalidates translated code for these ranges inside QEMU (writes
 * through the shared mapping bypass TCG's self-modifying-code detection).
 */
#define CCWP_DIRTY_OVERFLOW 0x1      /* too many ranges: treat all guest memory as written */
#define CCWP_DIRTY_MAX      256
struct ccwp_dirty {
    uint32_t count;         /* number of struct ccwp_range that follow */
    uint32_t flags;         /* CCWP_DIRTY_* */
};
struct ccwp_range {
    uint64_t iova;
    uint64_t len;
};

#endif
