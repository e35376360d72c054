// SPDX-License-Identifier: GPL-2.0-or-later
/* The fake ccwpassd: one thread, one connection at a time (the adapter opens
 * one per device).  Region contents are kept in architecture order, as the
 * real daemon keeps them. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "fake_ccwpassd.h"

static pthread_t thread;

struct msg {
    struct ccwp_hdr h;
    uint8_t p[4096];
    size_t len;
    int fds[CCWP_MAX_FDS];
    int nfds;
};

static int recv_msg(int s, struct msg *m)
{
    union { char b[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)]; struct cmsghdr a; } u;
    struct iovec iov = { &m->h, sizeof m->h };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
    m->nfds = 0;
    if (recvmsg(s, &mh, MSG_WAITALL) != sizeof m->h)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_type == SCM_RIGHTS) {
            m->nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(m->fds, CMSG_DATA(c), (size_t)m->nfds * sizeof(int));
        }
    m->len = m->h.size - sizeof m->h;
    if (m->len > sizeof m->p)
        return -1;
    return m->len && recv(s, m->p, m->len, MSG_WAITALL) != (ssize_t)m->len ? -1 : 0;
}

static void reply(int s, const struct msg *m, int err, const void *p, size_t len)
{
    struct ccwp_hdr h = { .msg_id = m->h.msg_id, .command = m->h.command,
                          .flags = CCWP_F_REPLY | (err ? CCWP_F_ERROR : 0), .error = (uint32_t)err };
    if (err)
        len = 0;
    h.size = (uint32_t)(sizeof h + len);
    send(s, &h, sizeof h, MSG_NOSIGNAL | (len ? MSG_MORE : 0));
    if (len)
        send(s, p, len, MSG_NOSIGNAL);
}

static void region_info(struct fake_daemon *f, int s, const struct msg *m)
{
    static const uint64_t sizes[4] = { 124, 8, 52, 8 };
    struct { struct vfio_region_info i; struct vfio_region_info_cap_type c; } r;
    memcpy(&r.i, m->p, sizeof r.i);
    uint32_t index = r.i.index, need = sizeof r;
    if (index > 3) {
        reply(s, m, EINVAL, NULL, 0);
        return;
    }
    r.i.flags = VFIO_REGION_INFO_FLAG_READ | (index == 0 || index == 1 ? VFIO_REGION_INFO_FLAG_WRITE : 0);
    r.i.size = sizes[index];
    r.i.offset = (uint64_t)index << 10;
    r.i.cap_offset = 0;
    if (index == 0) {
        reply(s, m, 0, &r.i, sizeof r.i);
        return;
    }
    r.i.flags |= VFIO_REGION_INFO_FLAG_CAPS;
    if (r.i.argsz < need) {
        r.i.argsz = need;
        reply(s, m, 0, &r.i, sizeof r.i);
        return;
    }
    r.i.cap_offset = sizeof r.i;
    /* the type capability's id on the wire is 1 (src/daemon/proto.h), unless told otherwise */
    r.c = (struct vfio_region_info_cap_type){ { f->cap_id ? f->cap_id : VFIO_REGION_INFO_CAP_TYPE, 1, 0 }, VFIO_REGION_TYPE_CCW, index };
    reply(s, m, 0, &r, sizeof r);
}

static uint8_t *region_mem(struct fake_daemon *f, uint32_t region, size_t *size)
{
    switch (region) {
    case 0: *size = sizeof f->io_region; return f->io_region;
    case 1: *size = sizeof f->async_written; return f->async_written;
    case 2: *size = sizeof f->schib; return f->schib;
    case 3: *size = sizeof f->crw; return f->crw;
    default: return NULL;
    }
}

static void region_read(struct fake_daemon *f, int s, const struct msg *m)
{
    struct { struct ccwp_region_access a; uint8_t d[1024]; } r;
    size_t size;
    memcpy(&r.a, m->p, sizeof r.a);
    uint8_t *mem = region_mem(f, r.a.region, &size);
    if (!mem || r.a.offset + r.a.count > size) {
        reply(s, m, EINVAL, NULL, 0);
        return;
    }
    f->io_reads += r.a.region == 0;
    if (r.a.region == 0 && f->io_read_errno) {
        reply(s, m, f->io_read_errno, NULL, 0);
        return;
    }
    memcpy(r.d, mem + r.a.offset, r.a.count);
    reply(s, m, 0, &r, sizeof r.a + r.a.count);
}

/* Returns false to drop the connection. */
static bool region_write(struct fake_daemon *f, int s, const struct msg *m)
{
    struct ccwp_region_access a;
    memcpy(&a, m->p, sizeof a);
    if (f->hangup_on_write)
        return false;
    if (a.region == 0) {
        memcpy(f->io_written, m->p + sizeof a, a.count < 124 ? a.count : 124);
        f->io_writes++;
        if (f->io_write_errno) {
            int e = f->io_write_errno;
            f->io_write_errno = 0;
            reply(s, m, e, NULL, 0);
            return true;
        }
    } else if (a.region == 1) {
        memcpy(f->async_written, m->p + sizeof a, 8);
    } else {
        reply(s, m, EINVAL, NULL, 0);
        return true;
    }
    reply(s, m, 0, &a, sizeof a);
    return true;
}

static void dma_map(struct fake_daemon *f, int s, const struct msg *m)
{
    struct ccwp_dma_map d;
    memcpy(&d, m->p, sizeof d);
    if (m->nfds != 1) {
        reply(s, m, EINVAL, NULL, 0);
        return;
    }
    f->ram = mmap(NULL, d.size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fds[0], (off_t)d.offset);
    close(m->fds[0]);
    f->ram_iova = d.iova;
    f->ram_size = d.size;
    f->dma_maps++;
    reply(s, m, f->ram == MAP_FAILED ? errno : 0, NULL, 0);
}

static void dirty(struct fake_daemon *f, int s, const struct msg *m)
{
    struct { struct ccwp_dirty h; struct ccwp_range r[4]; } d = { { f->ndirty, f->dirty_flags }, { { 0, 0 } } };
    memcpy(d.r, f->dirty, sizeof d.r);
    f->dirty_queries++;
    if (f->dirty_errno) {
        reply(s, m, f->dirty_errno, NULL, 0);
        return;
    }
    f->ndirty = 0;
    f->dirty_flags = 0;
    reply(s, m, 0, &d, sizeof d.h + d.h.count * sizeof d.r[0]);
}

#define SHM_SIZE 8192

static pthread_t doorbell_thread;
static bool doorbell_running;
static int doorbell_stop;

/* The daemon's doorbell thread, reduced: answer each new req_seq like a
 * region write (the errno the test set, or all bytes), or hang up. */
static void *doorbell(void *arg)
{
    struct fake_daemon *f = arg;
    const struct timespec check = { 0, 10000000L };
    uint32_t last = 0;
    while (!__atomic_load_n(&doorbell_stop, __ATOMIC_ACQUIRE)) {
        uint32_t seq = __atomic_load_n(&f->shm->req_seq, __ATOMIC_ACQUIRE);
        if (seq == last) {
            syscall(SYS_futex, &f->shm->req_seq, FUTEX_WAIT, seq, &check, NULL, 0);
            continue;
        }
        last = seq;
        if (f->doorbell_hangup) {
            int c = __atomic_load_n(&f->conn_fd, __ATOMIC_SEQ_CST);
            if (c >= 0)
                shutdown(c, SHUT_RDWR);
            continue;
        }
        uint32_t len = f->shm->req_len;
        memcpy(f->io_written + f->shm->req_off, f->shm->req, len);
        f->io_writes++;
        f->doorbell_writes++;
        f->shm->done_ret = f->io_write_errno ? -f->io_write_errno : (int32_t)len;
        f->io_write_errno = 0;
        __atomic_store_n(&f->shm->done_seq, seq, __ATOMIC_RELEASE);
        syscall(SYS_futex, &f->shm->done_seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    }
    return NULL;
}

static void doorbell_end(void)
{
    if (!doorbell_running)
        return;
    __atomic_store_n(&doorbell_stop, 1, __ATOMIC_RELEASE);
    pthread_join(doorbell_thread, NULL);
    doorbell_running = false;
    doorbell_stop = 0;
}

/* The reply with the area's memfd as SCM_RIGHTS, as ccwpassd sends it. */
static void shm_io(struct fake_daemon *f, int s, const struct msg *m)
{
    struct ccwp_shm_info info = { .size = SHM_SIZE, .flags = f->offer_doorbell ? CCWP_SHM_DOORBELL : 0 };
    struct ccwp_hdr h = { .msg_id = m->h.msg_id, .command = m->h.command, .flags = CCWP_F_REPLY,
                          .size = sizeof h + sizeof info };
    union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
    struct iovec iov[2] = { { &h, sizeof h }, { &info, sizeof info } };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.b, .msg_controllen = sizeof u.b };
    int fd = memfd_create("fake-shm-io", MFD_CLOEXEC);
    f->shm_requests++;
    if (!f->offer_shm || fd < 0 || ftruncate(fd, SHM_SIZE)) {
        if (fd >= 0)
            close(fd);
        reply(s, m, f->offer_shm ? ENOMEM : ENOSYS, NULL, 0);
        return;
    }
    doorbell_end();
    if (f->shm)
        munmap(f->shm, SHM_SIZE);
    f->shm = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    f->shm->magic = CCWP_SHM_MAGIC;
    if (f->offer_doorbell)
        doorbell_running = pthread_create(&doorbell_thread, NULL, doorbell, f) == 0;
    memset(u.b, 0, sizeof u.b);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    sendmsg(s, &mh, MSG_NOSIGNAL);
    close(fd);
}

static void irq_info(int s, const struct msg *m)
{
    struct vfio_irq_info i;
    memcpy(&i, m->p, sizeof i);
    if (i.index > 2) {
        reply(s, m, EINVAL, NULL, 0);
        return;
    }
    i.flags = VFIO_IRQ_INFO_EVENTFD;
    i.count = 1;
    reply(s, m, 0, &i, sizeof i);
}

static void set_irqs(struct fake_daemon *f, int s, const struct msg *m)
{
    struct vfio_irq_set is;
    memcpy(&is, m->p, sizeof is);
    if (is.index > 2) {
        reply(s, m, EINVAL, NULL, 0);
        return;
    }
    if (f->irq_fd[is.index] >= 0)
        close(f->irq_fd[is.index]);
    f->irq_fd[is.index] = m->nfds ? m->fds[0] : -1;
    reply(s, m, 0, NULL, 0);
}

static bool handle(struct fake_daemon *f, int s, struct msg *m, bool *attached)
{
    struct ccwp_device_info di = { sizeof di, VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET, 4, 3 };
    struct ccwp_version v = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    struct ccwp_attach a;

    if (m->h.command != CCWP_CMD_VERSION && m->h.command != CCWP_CMD_ATTACH &&
        m->h.command != CCWP_CMD_DMA_MAP && m->h.command != CCWP_CMD_DMA_UNMAP && !*attached) {
        reply(s, m, ENODEV, NULL, 0);
        return true;
    }
    switch (m->h.command) {
    case CCWP_CMD_VERSION:
        f->versions++;
        if (f->offer_shm) {
            static const char json[] = "{\"capabilities\":{\"max_msg_fds\":8,\"shm_io\":1}}";
            uint8_t r[sizeof v + sizeof json];
            memcpy(r, &v, sizeof v);
            memcpy(r + sizeof v, json, sizeof json);
            reply(s, m, 0, r, sizeof r);
        } else {
            reply(s, m, 0, &v, sizeof v);
        }
        break;
    case CCWP_CMD_ATTACH:
        memcpy(&a, m->p, sizeof a);
        *attached = !strcmp(a.uuid, FAKE_UUID);
        f->attaches += *attached;
        reply(s, m, *attached ? 0 : ENOENT, NULL, 0);
        break;
    case CCWP_CMD_DEVICE_GET_INFO: reply(s, m, 0, &di, sizeof di); break;
    case CCWP_CMD_GET_REGION_INFO: region_info(f, s, m); break;
    case CCWP_CMD_GET_IRQ_INFO:    irq_info(s, m); break;
    case CCWP_CMD_SET_IRQS:        set_irqs(f, s, m); break;
    case CCWP_CMD_REGION_READ:     region_read(f, s, m); break;
    case CCWP_CMD_REGION_WRITE:    return region_write(f, s, m);
    case CCWP_CMD_DMA_MAP:         dma_map(f, s, m); break;
    case CCWP_CMD_DMA_UNMAP:       f->dma_unmaps++; reply(s, m, 0, NULL, 0); break;
    case CCWP_CMD_DEVICE_RESET:    f->resets++; reply(s, m, 0, NULL, 0); break;
    case CCWP_CMD_DIRTY:           dirty(f, s, m); break;
    case CCWP_CMD_SHM_IO:          shm_io(f, s, m); break;
    default:                       reply(s, m, ENOSYS, NULL, 0); break;
    }
    return true;
}

static void *serve(void *arg)
{
    struct fake_daemon *f = arg;
    static struct msg m;
    int s;
    while ((s = accept(f->listen_fd, NULL, NULL)) >= 0) {
        bool attached = false;
        __atomic_store_n(&f->conn_fd, s, __ATOMIC_SEQ_CST);
        while (!recv_msg(s, &m) && handle(f, s, &m, &attached))
            ;
        __atomic_store_n(&f->conn_fd, -1, __ATOMIC_SEQ_CST);
        close(s);
    }
    return NULL;
}

int fake_daemon_start(struct fake_daemon *f, const char *dir)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    memset(f, 0, sizeof *f);
    f->conn_fd = -1;
    for (int i = 0; i < 3; i++)
        f->irq_fd[i] = -1;
    snprintf(f->path, sizeof f->path, "%s/ccwpassd.sock", dir);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&sa, sizeof sa) || listen(f->listen_fd, 4))
        return -1;
    return pthread_create(&thread, NULL, serve, f) ? -1 : 0;
}

void fake_daemon_stop(struct fake_daemon *f)
{
    int c = __atomic_load_n(&f->conn_fd, __ATOMIC_SEQ_CST);
    if (c >= 0)
        shutdown(c, SHUT_RDWR);     /* a client the test left connected */
    shutdown(f->listen_fd, SHUT_RDWR);
    close(f->listen_fd);
    pthread_join(thread, NULL);
    unlink(f->path);
    for (int i = 0; i < 3; i++)
        if (f->irq_fd[i] >= 0)
            close(f->irq_fd[i]);
    if (f->ram && f->ram != MAP_FAILED)
        munmap(f->ram, f->ram_size);
    doorbell_end();
    if (f->shm && f->shm != MAP_FAILED)
        munmap(f->shm, SHM_SIZE);
}
