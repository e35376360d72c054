// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd protocol transport: vfio-user style framing (16-byte header, host
 * byte order) over an AF_UNIX stream socket, fds as SCM_RIGHTS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon/proto.h"
#include "qemu/client.h"

static int send_all(int sock, struct iovec *iov, int iovcnt, const int *fds, int nfds)
{
    union { char buf[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)]; struct cmsghdr align; } u;
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };

    if (nfds > 0) {
        memset(&u, 0, sizeof u);
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
    }
    while (mh.msg_iovlen > 0) {
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        mh.msg_control = NULL;          /* fds go with the first byte only */
        mh.msg_controllen = 0;
        while (mh.msg_iovlen > 0 && (size_t)n >= mh.msg_iov->iov_len) {
            n -= (ssize_t)mh.msg_iov->iov_len;
            mh.msg_iov++;
            mh.msg_iovlen--;
        }
        if (mh.msg_iovlen > 0) {
            mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
            mh.msg_iov->iov_len -= (size_t)n;
        }
    }
    return 0;
}

static int recv_all(int sock, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = recv(sock, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EPIPE;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The header of a reply, keeping the first fd it carries in *rfd (others,
 * or all when rfd is NULL, are closed). */
static int recv_hdr(int sock, struct ccwp_hdr *h, int *rfd)
{
    union { char buf[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)]; struct cmsghdr align; } u;
    size_t got = 0;

    while (got < sizeof *h) {
        struct iovec iov = { (char *)h + got, sizeof *h - got };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
        ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EPIPE;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                continue;
            size_t nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < nfd; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
                if (rfd && *rfd < 0)
                    *rfd = fd;
                else
                    close(fd);
            }
        }
        got += (size_t)n;
    }
    return 0;
}

/* Reads and drops `len` bytes of a reply larger than the caller's buffer. */
static int discard(int sock, size_t len)
{
    char sink[256];
    while (len > 0) {
        size_t n = len < sizeof sink ? len : sizeof sink;
        int rc = recv_all(sock, sink, n);
        if (rc)
            return rc;
        len -= n;
    }
    return 0;
}

static int recv_reply(struct ccwq_conn *c, uint16_t id, void *reply, size_t cap, size_t *replylen,
                      bool *replied, int *rfd)
{
    struct ccwp_hdr h;
    int rc = recv_hdr(c->sock, &h, rfd);
    if (rc)
        return rc;
    if (h.msg_id != id || (h.flags & CCWP_F_TYPE_MASK) != CCWP_F_REPLY ||
        h.size < sizeof h || h.size > CCWP_MAX_MSG)
        return -EPROTO;
    size_t len = h.size - sizeof h, take = len < cap ? len : cap;
    if (take && (rc = recv_all(c->sock, reply, take)))
        return rc;
    if ((rc = discard(c->sock, len - take)))
        return rc;
    if (replylen)
        *replylen = len;
    *replied = true;
    if (h.flags & CCWP_F_ERROR)
        return h.error ? -(int)h.error : -EIO;
    return 0;
}

static int call(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
                const void *data, size_t datalen, const int *fds, int nfds,
                void *reply, size_t replycap, size_t *replylen, int *rfd)
{
    if (c->sock < 0 || c->broken)
        return -ENOTCONN;
    if (sizeof(struct ccwp_hdr) + reqlen + datalen > CCWP_MAX_MSG || nfds > CCWP_MAX_FDS)
        return -E2BIG;
    pthread_mutex_lock(&c->lock);
    struct ccwp_hdr h = {
        .msg_id = c->next_id++, .command = cmd, .flags = CCWP_F_COMMAND,
        .size = (uint32_t)(sizeof h + reqlen + datalen),
    };
    struct iovec iov[3] = {
        { &h, sizeof h }, { (void *)req, reqlen }, { (void *)data, datalen },
    };
    int rc = send_all(c->sock, iov, 3, fds, nfds);
    bool replied = false;
    if (!rc)
        rc = recv_reply(c, h.msg_id, reply, replycap, replylen, &replied, rfd);
    if (rc && !replied)
        c->broken = true;       /* the stream is out of step or closed */
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int ccwq_call2(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
               const void *data, size_t datalen, const int *fds, int nfds,
               void *reply, size_t replycap, size_t *replylen)
{
    return call(c, cmd, req, reqlen, data, datalen, fds, nfds, reply, replycap, replylen, NULL);
}

int ccwq_call_fd(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
                 void *reply, size_t replycap, size_t *replylen, int *rfd)
{
    int rc;

    *rfd = -1;
    rc = call(c, cmd, req, reqlen, NULL, 0, NULL, 0, reply, replycap, replylen, rfd);
    if (rc && *rfd >= 0) {
        close(*rfd);
        *rfd = -1;
    }
    return rc;
}

int ccwq_call(struct ccwq_conn *c, uint16_t cmd, const void *req, size_t reqlen,
              const int *fds, int nfds, void *reply, size_t replycap, size_t *replylen)
{
    return ccwq_call2(c, cmd, req, reqlen, NULL, 0, fds, nfds, reply, replycap, replylen);
}

/* "shm_io":1 in the client's VERSION JSON unless CCWPASS_NO_SHM_IO is set
 * (the old all-socket path, for comparison and tests). */
static int handshake(struct ccwq_conn *c, const char *path, char *err, size_t errsz)
{
    static const char caps_shm[] = "{\"client\":\"ccwpass-qemu\",\"max_msg_fds\":8,\"shm_io\":1}";
    static const char caps_plain[] = "{\"client\":\"ccwpass-qemu\",\"max_msg_fds\":8}";
    bool want_shm = !getenv("CCWPASS_NO_SHM_IO");
    const char *caps = want_shm ? caps_shm : caps_plain;
    size_t capslen = strlen(caps) + 1;
    uint8_t req[4 + sizeof caps_shm], rep[256];
    uint16_t v[2] = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    size_t replen = 0;

    memcpy(req, v, 4);
    memcpy(req + 4, caps, capslen);
    int rc = ccwq_call(c, CCWP_CMD_VERSION, req, 4 + capslen, NULL, 0, rep, sizeof rep - 1, &replen);
    if (rc) {
        snprintf(err, errsz, "ccwpassd at %s refused the protocol handshake: %s", path, strerror(-rc));
        return rc;
    }
    memcpy(v, rep, 4);
    if (replen < 4 || v[0] != CCWP_PROTO_MAJOR) {
        snprintf(err, errsz, "ccwpassd at %s speaks protocol %u, the adapter %u",
                 path, replen < 4 ? 0u : v[0], CCWP_PROTO_MAJOR);
        return -EPROTONOSUPPORT;
    }
    if (replen > sizeof rep - 1)
        replen = sizeof rep - 1;
    rep[replen] = 0;
    c->shm_io = want_shm && replen > 4 && strstr((const char *)rep + 4, "\"shm_io\":1");
    return 0;
}

int ccwq_conn_open(struct ccwq_conn *c, const char *path, char *err, size_t errsz)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    c->sock = -1;
    c->next_id = 1;
    c->broken = false;
    c->shm_io = false;
    pthread_mutex_init(&c->lock, NULL);
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errsz, "ccwpassd socket path too long: %s", path);
        return -ENAMETOOLONG;
    }
    strcpy(sa.sun_path, path);
    c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->sock < 0 || connect(c->sock, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        snprintf(err, errsz, "cannot connect to ccwpassd at %s: %s (is ccwpassd running? "
                 "set --socket or CCWPASS_SOCKET)", path, strerror(e));
        ccwq_conn_close(c);
        return -e;
    }
    int rc = handshake(c, path, err, errsz);
    if (rc)
        ccwq_conn_close(c);
    return rc;
}

void ccwq_conn_close(struct ccwq_conn *c)
{
    if (c->sock >= 0)
        close(c->sock);
    c->sock = -1;
    pthread_mutex_destroy(&c->lock);
}
