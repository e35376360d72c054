/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd's event loop: one epoll over the listening VMM socket, each
 * client connection, the FUSE view's channel and a signalfd for
 * SIGINT/SIGTERM.  Everything the daemon does happens on this thread except
 * work that waits on a device (offload.h); the channel subsystem's worker
 * threads signal completions straight to the VMM's eventfds.
 */
#ifndef CCWPASS_DAEMON_SERVER_H
#define CCWPASS_DAEMON_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct host;
struct conn;

typedef void (*server_fd_fn)(void *opaque, unsigned events);

struct server_watch {
    int fd;
    server_fd_fn fn;
    void *opaque;
};

/*
 * Clients at once (VMM and CLI connections).  A VMM holds one per mdev; the
 * bound keeps the daemon's fds and guest mappings (CCWP_MAX_DMA_MAPS each)
 * finite.  At the bound, or when accept runs out of fds, the oldest idle
 * client (no mdev attached, no guest memory mapped, no reply pending) is
 * closed to make room, so a flood of idle connections never locks out the
 * administrator's CLI; if none is idle the new connection is refused.
 */
#define SERVER_MAX_CLIENTS 64

struct server {
    struct host *host;
    int epfd, listen_fd, sig_fd;
    char path[108];
    struct server_watch lw, sw;   /* listening socket, signals */
    struct conn *conns;           /* linked list of clients, newest first */
    struct conn *closed;          /* closed this event batch; freed after it */
    unsigned nconns;
    unsigned next_id;
    unsigned long evicted, refused;   /* for rate-limited log lines */
    bool accept_paused;           /* out of fds: resume when a client leaves */
    struct offload *off;          /* device jobs off the loop (offload.h) */
    bool stop;
};

/* Listen on `path` (parent directory created; a stale socket replaced, a
 * live one refused).  0 or -1 with a message. */
int  server_init(struct server *s, struct host *h, const char *path, char *err, size_t errlen);
/* Watch another fd (level-triggered EPOLLIN); w must stay valid. */
int  server_watch(struct server *s, struct server_watch *w);
void server_unwatch(struct server *s, struct server_watch *w);
/* A client left: accept again if running out of fds had paused it. */
void server_client_gone(struct server *s);
/* Serve until SIGINT/SIGTERM. */
void server_run(struct server *s);
/* Close every client (their mdevs, maps, eventfds) and the socket. */
void server_fini(struct server *s);

#endif
