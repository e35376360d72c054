/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small test VMM for ccwpassd: speaks src/daemon/proto.h, maps a memfd as
 * guest RAM (DMA_MAP with the fd, zero copy), builds channel programs in it
 * with the src/arch encoders, starts I/O through the I/O region (ORB + SCSW
 * with the start function, big-endian, like the kernel's region), waits on
 * the IO eventfd and reads the IRB; HSCH/CSCH through the async region;
 * SCHIB and CRW reads.  Used by the daemon tests and benchmarks; the QEMU
 * adapter's tests may reuse it.
 *
 * Errors: calls return 0, a positive errno carried in an error reply, or
 * -1 when the connection itself failed.
 */
#ifndef CCWPASS_TESTS_VMMCLIENT_H
#define CCWPASS_TESTS_VMMCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/cio.h"
#include "daemon/proto.h"

#define VMM_TIMEOUT_MS 20000
#define CCW_IO_REGION_BYTES 124   /* the I/O region: orb, scsw, irb, ret_code */   /* generous wait for an interrupt */

struct vmm {
    int fd;
    uint16_t msg_id;
    int memfd;
    uint8_t *ram;
    uint64_t ram_size;
    int efd[3];               /* IO, CRW, REQ eventfds */
    struct ccwp_shm *shm;     /* the shared I/O area (vmm_shm_io), or NULL */
    size_t shm_size;
    int shm_fd;               /* its memfd, kept for inspection */
    uint32_t shm_flags;       /* CCWP_SHM_* of the reply */
};

int  vmm_connect(struct vmm *v, const char *socket_path);
void vmm_close(struct vmm *v);
/* A guard, not a timing: a reply (or a send) that does not come within
 * `seconds` fails the call instead of hanging the test.  0 or -1. */
int  vmm_set_guard(struct vmm *v, unsigned seconds);

/* One request/reply.  reply may be NULL; *rlen gets the reply payload length. */
int  vmm_call(struct vmm *v, uint16_t cmd, const void *req, size_t len, const int *fds, unsigned nfds,
              void *reply, size_t cap, size_t *rlen);
/* A request with fds whose reply is read later (vmm_recv_reply): its msg_id, or -1. */
int  vmm_send(struct vmm *v, uint16_t cmd, const void *req, size_t len, const int *fds, unsigned nfds);
/* Raw bytes (for malformed-message tests) and raw reply reading. */
int  vmm_send_raw(struct vmm *v, const void *buf, size_t len);
int  vmm_recv_reply(struct vmm *v, struct ccwp_hdr *h, void *buf, size_t cap, size_t *len);

int  vmm_version(struct vmm *v, uint16_t *major, uint16_t *minor);
int  vmm_attach(struct vmm *v, const char *uuid);
/* A memfd of `size` bytes sealed against shrinking and growing, as QEMU's
 * memory-backend-memfd makes guest RAM (the daemon refuses anything else). */
int  vmm_sealed_memfd(const char *name, uint64_t size);
/* A sealed memfd of `size` bytes mapped here and DMA_MAPped at iova 0, read-write. */
int  vmm_map_ram(struct vmm *v, uint64_t size);
/* eventfds for the IO, CRW and REQ interrupts (SET_IRQS DATA_EVENTFD). */
int  vmm_setup_irqs(struct vmm *v);

int  vmm_region_read(struct vmm *v, uint32_t region, uint64_t off, void *buf, uint32_t len, uint32_t *done);
int  vmm_region_write(struct vmm *v, uint32_t region, uint64_t off, const void *buf, uint32_t len, uint32_t *done);

/* SSCH: write the I/O region with the ORB and a SCSW whose fctl is start. */
int  vmm_ssch(struct vmm *v, const struct orb *orb);
/* Wait for the eventfd of irq `index` (poll with VMM_TIMEOUT_MS); 0 or ETIMEDOUT. */
int  vmm_wait_irq(struct vmm *v, unsigned index);
/* Read the I/O region: the IRB and the region's ret_code. */
int  vmm_read_irb(struct vmm *v, struct irb *irb, int32_t *ret_code);
/* HSCH / CSCH through the async region; *ret_code is the region's. */
int  vmm_async(struct vmm *v, uint32_t cmd, int32_t *ret_code);
int  vmm_stsch(struct vmm *v, struct schib *s);
int  vmm_read_crw(struct vmm *v, uint32_t *crw);
/* CONTROL: JSON in; *reply (malloc'ed) gets the JSON answer if non-NULL. */
int  vmm_control(struct vmm *v, const char *json, char **reply);

/* CCWP_CMD_SHM_IO: map the shared I/O area the daemon sends (v->shm).
 * 0, a positive errno, or -1 (transport, or no fd / no mapping). */
int  vmm_shm_io(struct vmm *v);
/* The I/O region from the shared area (sequence-locked copy); 0 or EAGAIN. */
int  vmm_shm_read_io(struct vmm *v, uint8_t io[CCW_IO_REGION_BYTES]);
/* vmm_run, with the IRB read from the shared area instead of the socket. */
int  vmm_run_shm(struct vmm *v, uint32_t cpa, struct irb *irb);

/* The doorbell (CCWP_SHM_DOORBELL): post a write of the I/O region into the
 * area (min(len, CCWP_SHM_IO_SIZE) bytes are copied from buf) and wake the
 * daemon (returns the request's sequence number); wait
 * for its answer (0 with *ret = bytes or -errno, or ETIMEDOUT). */
int  vmm_doorbell_post(struct vmm *v, uint32_t off, const void *buf, uint32_t len);
int  vmm_doorbell_wait(struct vmm *v, uint32_t seq, int32_t *ret);
/* SSCH through the doorbell; *ret as the region write's. */
int  vmm_ssch_doorbell(struct vmm *v, const struct orb *orb, int32_t *ret);

/* Guest-RAM helpers. */
void vmm_put_ccw(struct vmm *v, uint64_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
/* A format-1 ORB for a program at cpa (prefetch, lpm 0x80, key 0). */
void vmm_orb(struct orb *o, uint32_t cpa, uint32_t intparm);
/* Start the program at cpa, wait for the interrupt, read the IRB.  Returns
 * 0, the positive errno of a refused start, or ETIMEDOUT. */
int  vmm_run(struct vmm *v, uint32_t cpa, struct irb *irb);

/* ECKD argument builders (Define Extent / Locate Record, 16 bytes each). */
void vmm_define_extent(uint8_t de[16], uint8_t mask, uint32_t beg_cyl, uint32_t beg_head, uint32_t end_cyl,
                       uint32_t end_head);
void vmm_locate_record(uint8_t lr[16], uint8_t op, uint8_t count, uint32_t cyl, uint32_t head, uint8_t rec,
                       uint16_t tlf);

/* Where vmm_eckd_record() puts its program and data. */
#define VMM_ECKD_CPA     0x1000
#define VMM_ECKD_ARGS    0x3000    /* Define Extent; Locate Record 16 bytes on */
#define VMM_ECKD_OUT     0x10000   /* what a write writes */
#define VMM_ECKD_IN      0x20000   /* what a read reads into */
#define VMM_ECKD_REC_LEN 4096      /* a record of the harness's images */
/* Define Extent, Locate Record and Write Data (write) or Read Data of
 * record 1 on cylinder 0, `head`, VMM_ECKD_REC_LEN bytes, at VMM_ECKD_CPA. */
void vmm_eckd_record(struct vmm *v, bool write, uint32_t head);

#endif
