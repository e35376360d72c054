// SPDX-License-Identifier: GPL-2.0-or-later
/* The epoll event loop and the listening AF_UNIX socket. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/offload.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "daemon/fsutil.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

int server_watch(struct server *s, struct server_watch *w)
{
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = w };
    return epoll_ctl(s->epfd, EPOLL_CTL_ADD, w->fd, &e);
}

void server_unwatch(struct server *s, struct server_watch *w)
{
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

/* Log the 1st, 2nd, 4th, 8th ... occurrence: a flood cannot flood the log. */
static bool worth_logging(unsigned long n)
{
    return (n & (n - 1)) == 0;
}

/* Close the oldest idle client to make room; false if every client is busy. */
static bool evict_idle(struct server *s)
{
    struct conn *oldest = NULL;
    for (struct conn *c = s->conns; c; c = c->next)
        if (conn_is_idle(c))
            oldest = c;
    if (!oldest)
        return false;
    if (worth_logging(++s->evicted))
        log_warn("closing idle client %u (pid %d) to make room: %u clients (limit %u); %lu closed so far",
                 oldest->id, oldest->pid, s->nconns, SERVER_MAX_CLIENTS, s->evicted);
    conn_close(oldest);
    return true;
}

static int accept_one(struct server *s)
{
    return accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static void on_accept(void *opaque, unsigned events)
{
    struct server *s = opaque;
    (void)events;
    bool full = s->nconns >= SERVER_MAX_CLIENTS && !evict_idle(s);
    int fd = accept_one(s);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE) && evict_idle(s))
        fd = accept_one(s);
    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) {
            /* level-triggered: the pending connection would wake us forever */
            log_warn("accept: %s; not accepting until a client disconnects", strerror(errno));
            server_unwatch(s, &s->lw);
            s->accept_paused = true;
        } else if (errno != EAGAIN && errno != EINTR) {
            log_warn("accept: %s", strerror(errno));
        }
        return;
    }
    if (full) {
        if (worth_logging(++s->refused))
            log_warn("refusing a client: %u busy clients, the limit; %lu refused so far", s->nconns, s->refused);
        close(fd);
        return;
    }
    if (!conn_new(s, fd)) {
        log_warn("out of memory for a new client");
        close(fd);
    }
}

void server_client_gone(struct server *s)
{
    if (s->accept_paused && server_watch(s, &s->lw) == 0)
        s->accept_paused = false;
}

static void on_signal(void *opaque, unsigned events)
{
    struct server *s = opaque;
    struct signalfd_siginfo si;
    (void)events;
    if (read(s->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
        log_info("signal %u: shutting down", si.ssi_signo);
        s->stop = true;
    }
}

/* A socket file left by a dead daemon is replaced; a live daemon is not. */
static int claim_path(const struct sockaddr_un *a, char *err, size_t errlen)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int live = connect(fd, (const struct sockaddr *)a, sizeof *a) == 0;
    close(fd);
    if (live) {
        ERR("%s: another ccwpassd is listening there", a->sun_path);
        return -1;
    }
    unlink(a->sun_path);
    return 0;
}

static int listen_on(struct server *s, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path) {
        ERR("socket path too long: %s", path);
        return -1;
    }
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    snprintf(s->path, sizeof s->path, "%s", path);
    if (mkdir_parent(path) || claim_path(&a, err, errlen))
        return err[0] ? -1 : (ERR("%s: %s", path, strerror(errno)), -1);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a)
        || listen(s->listen_fd, 16)) {
        ERR("%s: %s", path, strerror(errno));
        return -1;
    }
    chmod(path, 0660);
    return 0;
}

int server_init(struct server *s, struct host *h, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->host = h;
    s->listen_fd = s->sig_fd = -1;
    err[0] = 0;
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) {
        ERR("epoll: %s", strerror(errno));
        return -1;
    }
    if (listen_on(s, path, err, errlen))
        return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    s->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    s->lw = (struct server_watch){ s->listen_fd, on_accept, s };
    s->sw = (struct server_watch){ s->sig_fd, on_signal, s };
    if (s->sig_fd < 0 || server_watch(s, &s->lw) || server_watch(s, &s->sw) || offload_init(s)) {
        ERR("event loop: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void server_run(struct server *s)
{
    struct epoll_event ev[32];
    while (!s->stop) {
        int n = epoll_wait(s->epfd, ev, 32, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            log_warn("epoll_wait: %s", strerror(errno));
            break;
        }
        /* a handler frees at most its own connection, whose fd appears
         * once per batch; a client closed on behalf of another (to make
         * room) stays allocated, ignoring its events, until the batch ends */
        for (int i = 0; i < n && !s->stop; i++) {
            struct server_watch *w = ev[i].data.ptr;
            if (w)
                w->fn(w->opaque, ev[i].events);
        }
        conn_reap(s);
    }
}

void server_fini(struct server *s)
{
    offload_drain(s);          /* commands in flight end first */
    while (s->conns)
        conn_free(s->conns);
    offload_fini(s);           /* and so do the releases just started */
    conn_reap(s);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        unlink(s->path);
    }
    if (s->sig_fd >= 0)
        close(s->sig_fd);
    if (s->epfd >= 0)
        close(s->epfd);
}
