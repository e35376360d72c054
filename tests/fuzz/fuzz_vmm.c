// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the VMM protocol of ccwpassd (src/daemon/conn.c framing,
 * vmm*.c commands, down to the vfio_ccw driver and the 3390 behind it).  The
 * daemon's real connection code runs on one end of a socketpair, in this
 * process, against a host with one DASD on a one-cylinder image whose
 * subchannel is bound to vfio_ccw with mdev FUZZ_UUID; the input is the byte
 * stream a client sends on the other end.
 *
 * The stream is cut into messages by their headers' size fields, each sent
 * with one sendmsg; a message whose header's (otherwise unused) `error`
 * field has bit 0 set carries a 1 MiB sealed memfd (for DMA_MAP) holding
 * that message's own bytes from offset 0 (so an input can put channel
 * programs into guest memory), bit 1 an eventfd (for SET_IRQS).  After the last byte the client shuts down its
 * side; the connection must then close.
 * Invariants: no crash, leak or hang; the connection ends once the client
 * has gone; no file descriptor stays open afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fuzz_util.h"
#include "daemon/config.h"
#include "daemon/conn.h"
#include "daemon/host.h"
#include "daemon/proto.h"
#include "daemon/offload.h"
#include "daemon/server.h"

#define FUZZ_UUID   "0f0f0f0f-0000-4000-8000-00000000f022"
#define RAM_SIZE    (1u << 20)
#define FD_MEMFD    0x1
#define FD_EVENTFD  0x2
#define MAX_ROUNDS  100000

static struct daemon_config cfg;
static struct host host;
static struct server srv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512], uuid[37];
    struct host_sch *hs;

    cfg_init(&cfg);
    snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s", fuzz_scratch_dir());
    cfg.mdevctl_dir[0] = 0;     /* no mdevctl definitions: not the machine's */
    cfg.no_fuse = true;
    if (cfg_finish(&cfg, err, sizeof(err)))
        fuzz_fail("config: %s", err);
    cfg.dev[0].cyls = 1;
    if (host_init(&host, &cfg, err, sizeof(err)))
        fuzz_fail("host: %s", err);
    hs = &host.sch[0];
    if (host_sch_unbind(&host, hs, err, sizeof(err)) || host_sch_bind(&host, hs, HOST_DRV_VFIO_NAME, err, sizeof(err)) ||
        host_mdev_create(&host, hs, FUZZ_UUID, uuid, err, sizeof(err)))
        fuzz_fail("mdev: %s", err);
    srv.host = &host;
    srv.epfd = epoll_create1(EPOLL_CLOEXEC);
    srv.listen_fd = srv.sig_fd = -1;
    if (srv.epfd < 0 || offload_init(&srv))
        fuzz_fail("epoll_create1 / offload_init");
    return 0;
}

/* Guest RAM: the bytes of the message that carries it, from offset 0, so
 * an input can place channel programs and their data in guest memory. */
static int make_memfd(const uint8_t *p, size_t len)
{
    int fd = memfd_create("fuzz-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0)
        return -1;
    if (ftruncate(fd, RAM_SIZE) != 0 || pwrite(fd, p, len < RAM_SIZE ? len : RAM_SIZE, 0) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send one message (or what is left of it) with its fds: sendmsg's result. */
static ssize_t send_chunk(int sock, const uint8_t *p, size_t len, uint32_t fdbits)
{
    int fds[2], nfds = 0;
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(fds))];
    } u;
    struct iovec iov = { (void *)p, len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if ((fdbits & FD_MEMFD) && (fds[nfds] = make_memfd(p, len)) >= 0)
        nfds++;
    if ((fdbits & FD_EVENTFD) && (fds[nfds] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) >= 0)
        nfds++;
    if (nfds) {
        memset(&u, 0, sizeof(u));
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
    }
    n = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    return n;
}

static void drain(int sock)
{
    static uint8_t sink[65536];

    while (recv(sock, sink, sizeof(sink), MSG_DONTWAIT) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd_base = fuzz_lowest_free_fd();
    int sv[2];
    struct conn *c;
    size_t off = 0, msg_end = 0;
    uint32_t fdbits = 0;
    bool shut = false, gone = false;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
        return 0;
    c = conn_new(&srv, sv[0]);
    if (!c)
        fuzz_fail("conn_new");
    for (unsigned round = 0; srv.conns; round++) {
        if (round == MAX_ROUNDS)
            fuzz_fail("connection neither progressed nor closed after the client left");
        if (!gone && off < size) {
            if (off == msg_end) {                     /* a new message starts here */
                struct ccwp_hdr h = { 0 };
                memcpy(&h, data + off, size - off < sizeof(h) ? size - off : sizeof(h));
                msg_end = off + (h.size >= sizeof(h) && h.size <= size - off ? h.size : size - off);
                fdbits = h.error;
            }
            ssize_t n = send_chunk(sv[1], data + off, msg_end - off, fdbits);
            if (n > 0) {
                off += (size_t)n;
                fdbits = 0;                           /* fds go with the first byte only */
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                gone = true;                          /* the daemon hung up */
            }
        } else if (!shut) {
            shutdown(sv[1], SHUT_WR);
            shut = true;
        }
        c->w.fn(c->w.opaque, EPOLLIN | (c->outlen ? EPOLLOUT : 0));
        offload_drain(&srv);   /* commands that wait on the device end (offload.h) */
        drain(sv[1]);
    }
    offload_drain(&srv);       /* and so does the release of a device that was busy */
    close(sv[1]);
    if (fuzz_lowest_free_fd() != fd_base)
        fuzz_fail("a file descriptor leaked (lowest free %d, was %d)", fuzz_lowest_free_fd(), fd_base);
    return 0;
}
