/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#define CCWP_MAX_DMA_MAPS 256        /* DMA maps per connection; one more gets ENOSPC */

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
    CCWP_CMD_SHM_IO          = 0x102, /* empty request; reply struct ccwp_shm_info + 1 fd: the
                                        shared I/O area (struct ccwp_shm), see below */
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

/*
 * ---- Additions (ccwpassd 1.0 semantics, settled by the daemon) ----------------
 *
 * Framing.  Every message starts with struct ccwp_hdr; `size` counts the
 * header.  A size below 16 or above CCWP_MAX_MSG cannot be resynchronised:
 * the daemon logs it and closes the connection.  Any other malformed message
 * (short payload, unknown command, reply-type flags) gets an error reply.
 * File descriptors travel as SCM_RIGHTS on the first byte of the message
 * they belong to (send header and payload with one sendmsg).  At most
 * CCWP_MAX_FDS per message; fds a command does not use are closed.
 * Replies: flags CCWP_F_REPLY, same msg_id and command; on failure also
 * CCWP_F_ERROR with `error` = positive errno and no payload (CONTROL keeps
 * its JSON payload on failure).  A command with CCWP_F_NO_REPLY is answered
 * only if it fails.
 *
 * Order.  VERSION is optional.  DMA_MAP/DMA_UNMAP and CONTROL work at any
 * time; the device commands (DEVICE_GET_INFO ... DEVICE_RESET, DIRTY) need a
 * successful ATTACH first, else ENODEV.  One ATTACH per connection: a second
 * one gets EBUSY, as does an mdev that another connection has open; an
 * unknown or malformed UUID gets ENOENT.  ATTACH replies with a header only.
 * When the connection closes (or the client dies mid-I/O) the daemon closes
 * the mdev (quiescing its I/O), de-assigns and closes its eventfds and
 * unmaps its memory.
 *
 * VERSION payload: struct ccwp_version + optional JSON text.  The daemon
 * answers with its own version and
 * {"capabilities":{"max_msg_fds":8,"max_data_xfer_size":1048576,"shm_io":1}}; a
 * different major version gets ENOTSUP.
 *
 * DMA_MAP: exactly one fd, which the daemon mmaps MAP_SHARED at
 * [offset, offset+size) — zero copy; it keeps the mapping, not the fd.
 * No fd: EINVAL.  flags must include CCWP_DMA_READ; size > 0, offset and
 * size multiples of 4096; the fd must be a regular file (EINVAL) sealed
 * against shrinking — F_SEAL_SHRINK in F_GET_SEALS; the daemon adds it when
 * the file still allows sealing, else EPERM (a memfd created without
 * MFD_ALLOW_SEALING) — and at least offset+size long (EINVAL).  QEMU's
 * memory-backend-memfd is sealed so by default.  Overlap with an existing
 * map: EEXIST.  More than CCWP_MAX_DMA_MAPS maps on one connection: ENOSPC.
 * DMA_UNMAP must match a map exactly (EINVAL otherwise); EBUSY if a device
 * still pins it after being reset.
 *
 * GET_REGION_INFO: request struct ccwp_region_info with argsz and index;
 * reply the same struct, followed by the capability chain when the
 * region has one and argsz leaves room for it (cap_offset = 32, one
 * struct ccwp_region_info_cap_type with id 2 = VFIO_REGION_INFO_CAP_TYPE, version 1, next 0).  When argsz
 * is too small the reply has VFIO_REGION_INFO_FLAG_CAPS set, argsz = the
 * size needed and cap_offset 0, like the kernel.
 * GET_IRQ_INFO: struct ccwp_irq_info in and out (count 1, flags EVENTFD).
 * SET_IRQS: struct ccwp_irq_set; only ACTION_TRIGGER.  DATA_EVENTFD with
 * start 0 and count 1: the passed fd (which must be an eventfd) is
 * assigned; no fd (or an int32 -1 in data) de-assigns; count 0 de-assigns
 * too.  DATA_NONE / DATA_BOOL (data
 * byte 1) with count 1 trigger the interrupt once.
 * REGION_READ: struct ccwp_region_access (count <= CCWP_MAX_MSG - 32); the
 * reply carries the struct with count = bytes read, then the data.
 * REGION_WRITE: the struct then exactly `count` bytes; reply struct with
 * count = bytes written.  Region errors are the kernel's (EINVAL, EAGAIN,
 * EBUSY, ENODEV, EACCES, EOPNOTSUPP, EIO) in `error`.
 * DIRTY: empty request; reply struct ccwp_dirty + `count` ranges taken from
 * the vfio layer's log of device stores into guest memory;
 * CCWP_DIRTY_OVERFLOW (count 0) when the log overflowed.
 * CONTROL: JSON text in, JSON text out (see src/daemon/control.h, docs/daemon.md).
 */
/*
 * Shared I/O area ("shm_io", negotiated: the adapter puts "shm_io":1 in its
 * VERSION JSON, the daemon answers "shm_io":1 when it has it).  After ATTACH,
 * CCWP_CMD_SHM_IO makes the daemon create a memfd of ccwp_shm_info.size bytes,
 * sealed against shrink, grow and further sealing, mapped by both sides
 * MAP_SHARED; it arrives as the reply's SCM_RIGHTS fd.  A second request, or
 * one before ATTACH, gets EBUSY / ENODEV.  While it exists:
 *  - io[] mirrors the I/O region (orb, scsw, irb, ret_code; architecture byte
 *    order) after every change, under a sequence lock: io_seq is odd while the
 *    daemon writes, and changes with every update.  A reader copies io[] and
 *    accepts the copy only if io_seq was even and unchanged around it.  So
 *    after the IO eventfd fired, the IRB is read from memory, no REGION_READ.
 *  - the dirty ring replaces CCWP_CMD_DIRTY: the daemon appends the guest
 *    ranges a program stored into to ring[head % CCWP_SHM_RING] before it
 *    publishes the IRB, then advances dirty_head; the adapter consumes up to
 *    dirty_head and stores dirty_tail.  When the ranges do not fit (the ring
 *    is full, dirty_tail is nonsense, or the vfio log overflowed) the daemon
 *    increments dirty_lost instead: the adapter must then treat all guest
 *    memory as written and skip to dirty_head.
 *  - the doorbell (the reply has CCWP_SHM_DOORBELL): a write of the I/O
 *    region (SSCH) without the socket.  The adapter puts the bytes in req[]
 *    (from req[0]), req_off/req_len, then bumps req_seq and wakes a futex
 *    waiter on req_seq (FUTEX_WAKE, not private: the memfd is shared); a
 *    daemon thread copies the request out, handles it exactly as
 *    REGION_WRITE, stores done_ret, then done_seq = that req_seq, and wakes
 *    futex waiters on done_seq.  A req_seq equal to the last one handled is
 *    stale and ignored.  Futexes, not eventfds: a client can block a write
 *    to an eventfd it shares (clear O_NONBLOCK, fill the counter), never a
 *    FUTEX_WAKE, so the daemon's thread cannot be stalled by its client.
 * The daemon writes io_seq, io[], ring[], dirty_head, dirty_lost, done_seq
 * and done_ret and never reads them; it reads dirty_tail once per update
 * into a local it bounds-checks, and a request once per doorbell into locals
 * it validates like a REGION_WRITE.  A client scribbling the area can
 * therefore only confuse itself.  The async region, SCHIB, CRW and
 * everything else stay on the socket.
 */
#define CCWP_SHM_MAGIC   0x63637731u   /* "ccw1" */
#define CCWP_SHM_RING    256
#define CCWP_SHM_IO_SIZE 128           /* the 124-byte I/O region, padded */
#define CCWP_SHM_DOORBELL 0x1    /* ccwp_shm_info.flags: I/O region writes by doorbell */
enum ccwp_stamp {
    CCWP_STAMP_WAKE,        /* the daemon's thread took the request */
    CCWP_STAMP_STARTED,     /* translated and started (SSCH cc 0), or refused */
    CCWP_STAMP_ANSWERED,    /* done_seq stored, the client woken */
    CCWP_STAMP_IRQ,         /* the interrupt's IRB published (the eventfd follows) */
    CCWP_STAMPS
};
struct ccwp_shm_info {
    uint32_t size;          /* bytes to map */
    uint32_t flags;         /* CCWP_SHM_* */
};
struct ccwp_shm {
    uint32_t magic;                    /* CCWP_SHM_MAGIC */
    uint32_t io_seq;                   /* sequence lock of io[] */
    uint8_t  io[CCWP_SHM_IO_SIZE];
    uint64_t dirty_head;               /* ranges published (daemon) */
    uint64_t dirty_tail;               /* ranges consumed (adapter) */
    uint64_t dirty_lost;               /* bumped when ranges were lost */
    struct ccwp_range ring[CCWP_SHM_RING];
    /* the doorbell request: a write of the I/O region (adapter) ... */
    uint32_t req_seq;                  /* bumped for each new request */
    uint32_t req_off, req_len;         /* where in the region, how many bytes */
    uint8_t  req[CCWP_SHM_IO_SIZE];    /* the bytes (architecture order) */
    /* ... and its answer (daemon) */
    uint32_t done_seq;                 /* req_seq of the last request handled */
    int32_t  done_ret;                 /* its result: bytes written or -errno */
    /* when the daemon reached each stage of the last doorbell request and
     * its interrupt (CLOCK_MONOTONIC ns; daemon, for bench_daemon) */
    uint64_t stamp[CCWP_STAMPS];
};

struct ccwp_version {
    uint16_t major;
    uint16_t minor;
    /* char json[] follows */
};

#define CCWP_DMA_READ  0x1
#define CCWP_DMA_WRITE 0x2

/* linux/vfio.h layouts, redeclared so no kernel header is needed. */
struct ccwp_region_info {
    uint32_t argsz;
    uint32_t flags;
    uint32_t index;
    uint32_t cap_offset;
    uint64_t size;
    uint64_t offset;
};
struct ccwp_info_cap_header {
    uint16_t id;
    uint16_t version;
    uint32_t next;
};
struct ccwp_region_info_cap_type {
    struct ccwp_info_cap_header header;
    uint32_t type;
    uint32_t subtype;
};
struct ccwp_irq_info {
    uint32_t argsz;
    uint32_t flags;
    uint32_t index;
    uint32_t count;
};
struct ccwp_irq_set {
    uint32_t argsz;
    uint32_t flags;
    uint32_t index;
    uint32_t start;
    uint32_t count;
    /* uint8_t data[] follows */
};
#define CCWP_IRQ_SET_DATA_NONE      (1u << 0)
#define CCWP_IRQ_SET_DATA_BOOL      (1u << 1)
#define CCWP_IRQ_SET_DATA_EVENTFD   (1u << 2)
#define CCWP_IRQ_SET_ACTION_MASK    (1u << 3)
#define CCWP_IRQ_SET_ACTION_UNMASK  (1u << 4)
#define CCWP_IRQ_SET_ACTION_TRIGGER (1u << 5)

#endif
