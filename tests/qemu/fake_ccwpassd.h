/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scripted stand-in for ccwpassd's VMM socket (src/daemon/proto.h), run as
 * a thread inside a test: it answers the adapter like the daemon does and
 * records what arrived, so tests can check the adapter's side of the wire
 * (byte order, fds, cap chains, errno passing) without the real device stack.
 */
#ifndef CCWPASS_TESTS_QEMU_FAKE_CCWPASSD_H
#define CCWPASS_TESTS_QEMU_FAKE_CCWPASSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "daemon/proto.h"

#define FAKE_UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

struct fake_daemon {
    char path[108];
    int listen_fd;
    int conn_fd;                    /* the connection being served, -1 if none */
    /* what the adapter sent */
    uint8_t io_written[124];        /* last I/O region write, as received (architecture order) */
    uint8_t async_written[8];
    int io_writes, resets, attaches, versions;
    int irq_fd[3];                  /* eventfds received by SET_IRQS, -1 if none */
    uint8_t *ram;                   /* the DMA-mapped guest memory */
    uint64_t ram_iova, ram_size;
    int dma_maps, dma_unmaps;
    /* what it answers */
    uint8_t io_region[124];         /* read back by REGION_READ of region 0 */
    uint8_t schib[52];
    uint8_t crw[8];
    int io_write_errno;             /* nonzero: the next I/O region write fails with it */
    int io_read_errno;
    struct ccwp_range dirty[4];
    uint32_t ndirty, dirty_flags;
    int dirty_queries;
    bool hangup_on_write;           /* close the connection instead of answering */
    int dirty_errno;                /* nonzero: DIRTY fails with it */
    uint16_t cap_id;                /* id of the region-type capability sent; 0: proto.h's 1 */
    /* the shared I/O area (CCWP_CMD_SHM_IO) */
    bool offer_shm;                 /* VERSION offers "shm_io":1 and SHM_IO answers */
    struct ccwp_shm *shm;           /* the area it sent last, mapped here */
    int shm_requests, io_reads;     /* SHM_IO requests; REGION_READs of the I/O region */
    bool offer_doorbell;            /* answer I/O region writes posted in the area */
    int doorbell_writes;            /* requests answered there */
    bool doorbell_hangup;           /* close the connection instead of answering one */
};

/* Starts the server thread on a fresh socket under dir. */
int  fake_daemon_start(struct fake_daemon *f, const char *dir);
void fake_daemon_stop(struct fake_daemon *f);

#endif
