// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Message framing for one VMM connection (vfio-user style: 16-byte header,
 * host byte order, fds as SCM_RIGHTS).  A peer that breaks the framing is
 * disconnected; anything else wrong with a message gets an error reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/offload.h"

#define HDR_SIZE sizeof(struct ccwp_hdr)

static void conn_event(void *opaque, unsigned events);
static bool flush_out(struct conn *c);

int reply_put(struct conn_reply *r, const void *p, size_t n)
{
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + n)
            cap *= 2;
        uint8_t *d = realloc(r->data, cap);
        if (!d)
            return -ENOMEM;
        r->data = d;
        r->cap = cap;
    }
    memcpy(r->data + r->len, p, n);
    r->len += n;
    return 0;
}

void reply_put_fd(struct conn_reply *r, int fd)
{
    r->has_fd = true;
    r->fd = fd;
}

struct conn *conn_new(struct server *s, int fd)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->srv = s;
    c->id = ++s->next_id;
    c->dma = vfio_dma_new();
    if (c->dma)
        vfio_dma_set_release(c->dma, vmm_release_host);
    for (unsigned i = 0; i < VFIO_CCW_NUM_IRQS; i++)
        c->irqfd[i] = -1;
    c->out_fd = -1;
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0)
        c->pid = cred.pid;
    c->w = (struct server_watch){ .fd = fd, .fn = conn_event, .opaque = c };
    if (!c->dma || server_watch(s, &c->w) < 0) {
        if (c->dma)
            vfio_dma_free(c->dma);
        free(c);
        return NULL;
    }
    c->next = s->conns;
    s->conns = c;
    s->nconns++;
    log_debug("client %u (pid %d) connected", c->id, c->pid);
    return c;
}

int conn_take_fd(struct conn *c, unsigned i)
{
    if (i >= c->nfds)
        return -1;
    int fd = c->fds[i];
    c->fds[i] = -1;
    return fd;
}

/* ---- work that waits on a device: off the event loop (offload.h) ------------- */

struct conn_job {
    struct offload_job base;
    struct conn *c;
    struct host_sch *hs;          /* its jobs count keeps the mdev from removal */
    struct ccwp_hdr hdr;          /* the command (unused by a release) */
    uint8_t *body;
    size_t len;
    int rc;
    struct conn_reply r;
};

/* A job on the queue of `key`; `mdev` (NULL for a control request's
 * drive) is the mdev it waits on. */
static struct conn_job *job_new(struct conn *c, const void *key, const void *mdev,
                                void (*run)(struct offload_job *), void (*done)(struct offload_job *))
{
    struct conn_job *j = calloc(1, sizeof *j);

    if (!j)
        return NULL;
    j->base = (struct offload_job){ .key = key, .run = run, .done = done };
    j->c = c;
    j->hs = mdev ? host_find_mdev(c->srv->host, vfio_ccw_mdev_uuid(mdev), NULL) : NULL;
    if (j->hs)
        j->hs->jobs++;
    return j;
}

static void job_free(struct conn_job *j)
{
    if (j->hs)
        j->hs->jobs--;
    free(j->body);
    free(j->r.data);
    free(j);
}

/* ---- holding a connection off the loop while its jobs run ------------------------- */

/* A job of this connection runs off the loop: it is not read meanwhile. */
static void hold(struct conn *c)
{
    if (c->busy == 0)
        server_unwatch(c->srv, &c->w);
    c->busy++;
}

/* A job that held the connection is done (ok: its reply, if any, was
 * queued); after the last one the connection is read and written again,
 * or freed if something could not be queued. */
static void let_go(struct conn *c, bool ok)
{
    if (!ok)
        c->failed = true;
    c->busy--;
    if (c->busy)
        return;
    c->polling_out = false;
    ok = !c->failed && server_watch(c->srv, &c->w) >= 0 && flush_out(c);
    if (!ok)
        conn_free(c);
}

/* ---- closing the fds a message brought -------------------------------------------- */

/*
 * close() of a file calls its file system's flush, and on FUSE that waits
 * for the server's answer to FLUSH, uninterruptibly -- a server the VMM may
 * run itself.  An eventfd and a shared-memory file (shmem, hugetlbfs: the
 * files whose seals can be queried) have no flush; neither check touches a
 * file system.  What a VMM passes that is neither is closed off the loop,
 * on one queue for all (an honest VMM never passes such a file), while its
 * connection is held, so a VMM can keep at most one message's fds waiting.
 */
static const char closer_key;

struct close_job {
    struct offload_job base;
    struct conn *c;               /* held until done; NULL: the connection is ending */
    unsigned n;
    int fds[CCWP_MAX_FDS];
};

static bool closes_at_once(int fd)
{
    char path[64], target[64];
    ssize_t n;

    if (fcntl(fd, F_GET_SEALS) >= 0)
        return true;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return false;
    target[n] = 0;
    return !strcmp(target, "anon_inode:[eventfd]");
}

static void close_run(struct offload_job *oj)
{
    struct close_job *j = (struct close_job *)oj;

    for (unsigned i = 0; i < j->n; i++)
        close(j->fds[i]);
}

static void close_done(struct offload_job *oj)
{
    struct close_job *j = (struct close_job *)oj;
    struct conn *c = j->c;

    free(j);
    if (c)
        let_go(c, true);
}

/* Close the fds of the current message; `holder` (c, or NULL when the
 * connection ends) is held while some of them close off the loop. */
static void close_msg_fds(struct conn *c, struct conn *holder)
{
    struct close_job *j = NULL;

    for (unsigned i = 0; i < c->nfds; i++) {
        int fd = c->fds[i];
        if (fd < 0)
            continue;
        if (closes_at_once(fd)) {
            close(fd);
            continue;
        }
        if (!j)
            j = calloc(1, sizeof *j);
        if (j)
            j->fds[j->n++] = fd;
        else
            close(fd);   /* no memory for a job: on the loop, as before */
    }
    c->nfds = 0;
    c->fds_lost = false;
    if (!j)
        return;
    log_debug("client %u: closing %u passed file(s) off the loop", c->id, j->n);
    j->base = (struct offload_job){ .key = &closer_key, .run = close_run, .done = close_done };
    j->c = holder;
    if (holder)
        hold(holder);
    offload_submit(c->srv, &j->base);
}

/* Out of the server's list and its epoll. */
static void conn_unlink(struct conn *c)
{
    struct server *s = c->srv;
    for (struct conn **pp = &s->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    s->nconns--;
    server_unwatch(s, &c->w);
}

/* The mdev is no longer this VMM's (on the loop). */
static void forget_vmm(struct conn *c)
{
    struct host_sch *hs;

    if (!c->mdev)
        return;
    hs = host_find_mdev(c->srv->host, vfio_ccw_mdev_uuid(c->mdev), NULL);
    if (hs)
        hs->vmm_pid = 0;
}

/* Socket and fds closed, once the device state is released. */
static void conn_close_fds(struct conn *c)
{
    close(c->w.fd);
    c->w.fd = -1;
    close_msg_fds(c, NULL);
    log_debug("client %u disconnected", c->id);
}

/* Everything but the memory: out of the list, device state released, socket closed. */
static void conn_shutdown(struct conn *c)
{
    conn_unlink(c);
    forget_vmm(c);
    vmm_release(c);
    conn_close_fds(c);
}

static void conn_destroy(struct conn *c)
{
    if (c->out_fd >= 0)
        close(c->out_fd);
    free(c->body);
    free(c->out);
    free(c);
}

static void release_run(struct offload_job *oj)
{
    vmm_release(((struct conn_job *)oj)->c);
}

static void release_done(struct offload_job *oj)
{
    struct conn_job *j = (struct conn_job *)oj;
    struct server *s = j->c->srv;

    conn_close_fds(j->c);
    conn_destroy(j->c);
    job_free(j);
    server_client_gone(s);
}

void conn_free(struct conn *c)
{
    struct server *s = c->srv;

    if (c->mdev && vfio_ccw_io_in_flight(c->mdev)) {
        /* closing the mdev quiesces its subchannel: not on the event loop.
         * (An idle one closes at once, so a remove right after works.) */
        struct conn_job *j = job_new(c, c->mdev, c->mdev, release_run, release_done);
        if (j) {
            conn_unlink(c);
            forget_vmm(c);
            offload_submit(s, &j->base);
            return;
        }
    }
    conn_shutdown(c);
    conn_destroy(c);
    server_client_gone(s);
}

void conn_close(struct conn *c)
{
    conn_shutdown(c);
    c->closed = true;
    c->next = c->srv->closed;
    c->srv->closed = c;
}

void conn_reap(struct server *s)
{
    while (s->closed) {
        struct conn *c = s->closed;
        s->closed = c->next;
        conn_destroy(c);
    }
}

bool conn_is_idle(const struct conn *c)
{
    return !c->busy && !c->mdev && (!c->dma || vfio_dma_count(c->dma) == 0) && c->outlen == 0;
}

/* ---- output ------------------------------------------------------------------ */

/* Switch between reading and waiting to write; only on a change, so the
 * common case (the reply goes out at once) costs no epoll_ctl. */
static void poll_out(struct conn *c, bool out)
{
    if (c->polling_out == out)
        return;
    struct epoll_event e = { .events = out ? EPOLLOUT : EPOLLIN, .data.ptr = &c->w };
    epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->w.fd, &e);
    c->polling_out = out;
}

/* send(), or at the start of a reply that carries an fd, sendmsg with it. */
static ssize_t send_out(struct conn *c)
{
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cbuf;
    struct iovec iov = { .iov_base = c->out + c->outoff, .iov_len = c->outlen - c->outoff };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if (c->out_fd < 0 || c->outoff != c->out_fd_off)
        return send(c->w.fd, iov.iov_base, iov.iov_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    memset(&cbuf, 0, sizeof cbuf);
    mh.msg_control = cbuf.b;
    mh.msg_controllen = sizeof cbuf.b;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &c->out_fd, sizeof(int));
    n = sendmsg(c->w.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
        close(c->out_fd);   /* the peer has its copy */
        c->out_fd = -1;
    }
    return n;
}

/* Send queued output; false if the peer is gone. */
static bool flush_out(struct conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t n = send_out(c);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            poll_out(c, true);   /* stop reading until the peer drains */
            return true;
        }
        if (n <= 0)
            return false;
        c->outoff += (size_t)n;
    }
    c->outlen = c->outoff = 0;
    poll_out(c, false);
    return true;
}

static int queue_out(struct conn *c, const void *p, size_t n)
{
    uint8_t *o = realloc(c->out, c->outlen + n);
    if (!o)
        return -ENOMEM;
    memcpy(o + c->outlen, p, n);
    c->out = o;
    c->outlen += n;
    return 0;
}

static int send_reply(struct conn *c, const struct ccwp_hdr *req, int rc, const struct conn_reply *r)
{
    bool keep_payload = req->command == CCWP_CMD_CONTROL;
    size_t plen = (rc == 0 || keep_payload) ? r->len : 0;
    bool silent = rc == 0 && (req->flags & CCWP_F_NO_REPLY);
    if (r->has_fd && (rc || silent || c->out_fd >= 0)) {
        close(r->fd);   /* no reply carries it; one reply with an fd queued at a time */
    } else if (r->has_fd) {
        c->out_fd = r->fd;
        c->out_fd_off = c->outlen;
    }
    if (silent)
        return 0;
    struct ccwp_hdr h = { .msg_id = req->msg_id, .command = req->command, .size = (uint32_t)(HDR_SIZE + plen),
                          .flags = CCWP_F_REPLY | (rc ? CCWP_F_ERROR : 0), .error = (uint32_t)-rc };
    if (queue_out(c, &h, sizeof h) || (plen && queue_out(c, r->data, plen)))
        return -ENOMEM;
    return 0;
}

/* ---- input --------------------------------------------------------------------- */

static void take_cmsg_fds(struct conn *c, struct msghdr *mh)
{
    if (mh->msg_flags & MSG_CTRUNC)
        c->fds_lost = true;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *fds = (int *)CMSG_DATA(cm);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, &fds[i], sizeof fd);
            if (c->nfds < CCWP_MAX_FDS) {
                c->fds[c->nfds++] = fd;
            } else {
                close(fd);
                c->fds_lost = true;
            }
        }
    }
}

/* recvmsg into buf; >0 bytes, 0 on EOF, -EAGAIN, or another negative errno. */
static ssize_t recv_some(struct conn *c, void *buf, size_t len)
{
    union {
        char b[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)];
        struct cmsghdr align;
    } cbuf;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof cbuf.b };
    ssize_t n;
    do
        n = recvmsg(c->w.fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    take_cmsg_fds(c, &mh);
    return n;
}

static int check_hdr(struct conn *c)
{
    if (c->hdr.size < HDR_SIZE || c->hdr.size > CCWP_MAX_MSG) {
        log_warn("client %u: message size %u out of range, disconnecting", c->id, c->hdr.size);
        return -1;
    }
    c->body = malloc(c->hdr.size - HDR_SIZE + 1);
    return c->body ? 0 : -1;
}

static void command_run(struct offload_job *oj)
{
    struct conn_job *j = (struct conn_job *)oj;

    j->rc = vmm_dispatch(j->c, &j->hdr, j->body, j->len, &j->r);
}

/* Back on the loop: the reply goes out and the connection is read again. */
static void command_done(struct offload_job *oj)
{
    struct conn_job *j = (struct conn_job *)oj;
    struct conn *c = j->c;
    bool ok = send_reply(c, &j->hdr, j->rc, &j->r) == 0;

    job_free(j);
    let_go(c, ok);
}

/* A command that may wait on a device: hand it to the device's queue and
 * read nothing more from this connection until it is answered. */
static bool offload_msg(struct conn *c, const void *key)
{
    const void *mdev = c->hdr.command == CCWP_CMD_CONTROL ? NULL : key;
    struct conn_job *j = job_new(c, key, mdev, command_run, command_done);

    if (!j)
        return false;
    j->hdr = c->hdr;
    j->body = c->body;
    j->len = c->hdr.size - HDR_SIZE;
    c->body = NULL;
    c->have = 0;
    hold(c);
    close_msg_fds(c, c);   /* no waiting command takes fds */
    offload_submit(c->srv, &j->base);
    return true;
}

static int handle_msg(struct conn *c)
{
    struct conn_reply r = { 0 };
    const struct ccwp_hdr *h = &c->hdr;
    size_t len = h->size - HDR_SIZE;
    int rc;
    if ((h->flags & CCWP_F_TYPE_MASK) != CCWP_F_COMMAND) {
        log_warn("client %u: message %u is not a command (flags %#x)", c->id, h->msg_id, h->flags);
        rc = -EINVAL;
    } else if (c->fds_lost) {
        log_warn("client %u: message %u: too many file descriptors", c->id, h->msg_id);
        rc = -EINVAL;
    } else {
        const void *key = vmm_wait_key(c, h, c->body, len);
        if (key && offload_msg(c, key))
            return 0;
        rc = vmm_dispatch(c, h, c->body, len, &r);
    }
    close_msg_fds(c, c);   /* what a command did not take; the reply waits if some close off the loop */
    rc = send_reply(c, h, rc, &r) ? -ENOMEM : 0;
    free(r.data);
    free(c->body);
    c->body = NULL;
    c->have = 0;
    return rc;
}

/* Read what is available; returns false if the connection must close. */
static bool read_input(struct conn *c)
{
    for (int budget = 64; budget-- && c->outlen == 0 && !c->busy;) {
        bool in_hdr = c->have < HDR_SIZE;
        uint8_t *dst = in_hdr ? (uint8_t *)&c->hdr + c->have : c->body + (c->have - HDR_SIZE);
        size_t want = in_hdr ? HDR_SIZE - c->have : c->hdr.size - c->have;
        ssize_t n = want ? recv_some(c, dst, want) : 0;
        if (n == -EAGAIN || n == -EWOULDBLOCK)
            return true;
        if (want && n <= 0) {
            if (c->have)
                log_warn("client %u: connection closed inside a message (%zu bytes received)", c->id, c->have);
            return false;
        }
        c->have += (size_t)n;
        if (in_hdr && c->have == HDR_SIZE && check_hdr(c))
            return false;
        if (c->have >= HDR_SIZE && c->have == c->hdr.size && handle_msg(c))
            return false;
    }
    return true;
}

static void conn_event(void *opaque, unsigned events)
{
    struct conn *c = opaque;
    bool ok = true;
    if (c->closed)
        return;   /* closed to make room earlier in this event batch */
    if (events & EPOLLOUT)
        ok = flush_out(c);
    if (ok && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c->outlen == 0)
        ok = read_input(c);
    if (c->busy)
        return;   /* a command of ours runs off the loop; command_done resumes */
    if (ok && c->outlen)
        ok = flush_out(c);
    if (!ok)
        conn_free(c);
}
