/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One VMM connection: framing of struct ccwp_hdr messages with SCM_RIGHTS
 * fds on a non-blocking AF_UNIX stream socket, the reply queue, and the
 * per-connection device state (DMA map, attached mdev, eventfds) that the
 * commands in vmm.c operate on.
 */
#ifndef CCWPASS_DAEMON_CONN_H
#define CCWPASS_DAEMON_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "daemon/proto.h"
#include "daemon/server.h"
#include "vfio/vfio_ccw.h"

struct conn {
    struct conn *next;
    struct server *srv;
    bool closed;                  /* conn_close'd: waiting for conn_reap */
    struct server_watch w;
    unsigned id;
    int pid;                      /* the peer's pid (SO_PEERCRED), 0 if unknown */
    /* input framing */
    struct ccwp_hdr hdr;
    uint8_t *body;
    size_t have;                  /* bytes of the current message received */
    int fds[CCWP_MAX_FDS];
    unsigned nfds;
    bool fds_lost;                /* more fds than CCWP_MAX_FDS, or truncated */
    /* output */
    uint8_t *out;
    size_t outlen, outoff;
    bool polling_out;             /* EPOLLOUT armed (reading paused) */
    /* device state */
    struct vfio_dma *dma;         /* guest memory; owns the client's mmaps */
    struct vfio_ccw_mdev *mdev;
    int irqfd[VFIO_CCW_NUM_IRQS];
    struct vmm_shm *shm;          /* the shared I/O area (vmm_shm.h), or NULL */
    int out_fd;                   /* an fd to send with the queued reply, or -1 */
    size_t out_fd_off;            /* where in out[] that reply starts */
    unsigned busy;                /* jobs of ours off the loop (a command, closing passed
                                   * fds): not watched while nonzero */
    bool failed;                  /* a reply could not be queued: free when let go */
};

/* A reply under construction (header filled by the framing code). */
struct conn_reply {
    uint8_t *data;
    size_t len, cap;
    bool has_fd;                  /* fd goes with the reply (SCM_RIGHTS) */
    int fd;
};
int  reply_put(struct conn_reply *r, const void *p, size_t n);
/* Send fd with the reply (which takes it over; closed if the command fails). */
void reply_put_fd(struct conn_reply *r, int fd);

/* Copy a fixed-size request (argsz style: the payload may be longer) out of
 * a payload; -EINVAL if it is shorter. */
static inline int conn_get_req(void *dst, size_t size, const uint8_t *p, size_t len)
{
    if (len < size)
        return -EINVAL;
    memcpy(dst, p, size);
    return 0;
}

struct conn *conn_new(struct server *s, int fd);
/* Tear down: close the mdev, release eventfds, unmap memory, close the socket. */
void conn_free(struct conn *c);
/* Tear down like conn_free, but keep the memory (ignoring events) until
 * conn_reap: for closing a client from another client's event handler. */
void conn_close(struct conn *c);
/* Free what conn_close kept (after an event batch). */
void conn_reap(struct server *s);
/* Holds nothing: no mdev attached, no guest memory mapped, no reply queued. */
bool conn_is_idle(const struct conn *c);
/* Take the i-th fd of the current message (the framing code closes the rest). */
int  conn_take_fd(struct conn *c, unsigned i);

/* vmm.c: handle one complete command; 0 or negative errno. */
int  vmm_dispatch(struct conn *c, const struct ccwp_hdr *h, const uint8_t *p, size_t len,
                  struct conn_reply *r);
/* vmm_mem.c: DMA_MAP / DMA_UNMAP, and the release callback the connection's
 * vfio_dma hands mapped guest memory back through (munmap). */
void vmm_release_host(void *host, uint64_t size);
int  vmm_dma_map(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r);
int  vmm_dma_unmap(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r);
/* vmm_irq.c: SET_IRQS. */
int  vmm_set_irqs(struct conn *c, const uint8_t *p, size_t len, struct conn_reply *r);
/* vmm.c: release the connection's device state (may wait on the device:
 * runs off the event loop, touching nothing but the connection's own). */
void vmm_release(struct conn *c);
/* vmm.c: the mdev a command may wait on (quiesce) -- for a CONTROL
 * tape_load the drive's struct host_sch (control_wait_key) -- or NULL if it
 * never waits; such a command runs off the event loop on that key's queue. */
const void *vmm_wait_key(struct conn *c, const struct ccwp_hdr *h, const uint8_t *p, size_t len);

#endif
