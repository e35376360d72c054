/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client side of the ccwpassd VMM protocol (src/daemon/proto.h): one
 * connection per vfio-ccw device the VMM opens.  Calls are synchronous
 * request/reply and serialised per connection.
 */
#ifndef CCWPASS_QEMU_CLIENT_H
#define CCWPASS_QEMU_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ccwq_conn {
    int sock;
    uint16_t next_id;
    bool broken;                /* transport failed: the daemon is gone */
    bool shm_io;                /* both sides offered the shared I/O area (VERSION) */
    pthread_mutex_t lock;
};

/*
 * Connects to `path` and does the VERSION handshake.  Returns 0 or a negative
 * errno, with a sentence naming the socket in err.
 */
int ccwq_conn_open(struct ccwq_conn *c, const char *path, char *err, size_t errsz);
void ccwq_conn_close(struct ccwq_conn *c);

/*
 * Sends command `cmd` with payload req[reqlen] and nfds file descriptors and
 * waits for the reply, whose payload (up to replycap bytes) lands in reply and
 * whose full payload length in *replylen.  Returns 0, the negated errno of an
 * error reply, or a negative errno of the transport (-EPIPE when the daemon
 * went away, -EPROTO for a malformed reply); a transport error also sets
 * c->broken, after which every call fails with -ENOTCONN.
 */
int ccwq_call(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
              const int *fds, int nfds, void *reply, size_t replycap, size_t *replylen);

/* Like ccwq_call, and the fd the reply carries (SCM_RIGHTS) in *rfd, or -1. */
int ccwq_call_fd(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
                 void *reply, size_t replycap, size_t *replylen, int *rfd);

/* Two-part request: a fixed struct followed by a data buffer (REGION_WRITE). */
int ccwq_call2(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
               const void *data, size_t datalen, const int *fds, int nfds,
               void *reply, size_t replycap, size_t *replylen);

#endif
