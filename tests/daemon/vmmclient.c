// SPDX-License-Identifier: GPL-2.0-or-later
/* The test VMM client for ccwpassd's protocol (see vmmclient.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define DONE_SPIN_NS 50000L   /* as the adapter */

#define IO_ORB  0
#define IO_SCSW 12
#define IO_IRB  24
#define IO_RET  120
#define SSCH_RETRIES 1000000L   /* EAGAIN retries of a start, like QEMU's loop */

int vmm_connect(struct vmm *v, const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memset(v, 0, sizeof *v);
    v->memfd = v->shm_fd = -1;
    for (int i = 0; i < 3; i++)
        v->efd[i] = -1;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (v->fd < 0 || connect(v->fd, (struct sockaddr *)&a, sizeof a)) {
        if (v->fd >= 0)
            close(v->fd);
        v->fd = -1;
        return -1;
    }
    return 0;
}

int vmm_set_guard(struct vmm *v, unsigned seconds)
{
    struct timeval g = { .tv_sec = seconds };

    if (setsockopt(v->fd, SOL_SOCKET, SO_RCVTIMEO, &g, sizeof g) ||
        setsockopt(v->fd, SOL_SOCKET, SO_SNDTIMEO, &g, sizeof g))
        return -1;
    return 0;
}

void vmm_close(struct vmm *v)
{
    if (v->fd >= 0)
        close(v->fd);
    if (v->ram)
        munmap(v->ram, v->ram_size);
    if (v->memfd >= 0)
        close(v->memfd);
    for (int i = 0; i < 3; i++)
        if (v->efd[i] >= 0)
            close(v->efd[i]);
    if (v->shm)
        munmap(v->shm, v->shm_size);
    if (v->shm_fd >= 0)
        close(v->shm_fd);
    memset(v, 0, sizeof *v);
    v->fd = v->memfd = v->shm_fd = -1;
}

static int full_io(int fd, void *buf, size_t len, bool wr)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = wr ? send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL)
                       : recv(fd, (char *)buf + done, len - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int vmm_send_raw(struct vmm *v, const void *buf, size_t len)
{
    return full_io(v->fd, (void *)buf, len, true);
}

static int send_msg(struct vmm *v, uint16_t cmd, const void *req, size_t len, const int *fds, unsigned nfds)
{
    struct ccwp_hdr h = { .msg_id = ++v->msg_id, .command = cmd, .size = (uint32_t)(sizeof h + len) };
    struct iovec iov[2] = { { &h, sizeof h }, { (void *)req, len } };
    union {
        char b[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)];
        struct cmsghdr align;
    } cb;
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
    if (nfds) {
        mh.msg_control = cb.b;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
    }
    ssize_t n = sendmsg(v->fd, &mh, MSG_NOSIGNAL);
    if (n < 0)
        return -1;
    /* the rest, if the socket took only part (fds went with the first byte) */
    size_t total = sizeof h + len;
    if ((size_t)n < sizeof h)
        return full_io(v->fd, (char *)&h + n, sizeof h - (size_t)n, true) || full_io(v->fd, (void *)req, len, true);
    return (size_t)n < total ? full_io(v->fd, (char *)req + (n - (ssize_t)sizeof h), total - (size_t)n, true) : 0;
}

int vmm_send(struct vmm *v, uint16_t cmd, const void *req, size_t len, const int *fds, unsigned nfds)
{
    return send_msg(v, cmd, req, len, fds, nfds) ? -1 : (int)v->msg_id;
}

int vmm_recv_reply(struct vmm *v, struct ccwp_hdr *h, void *buf, size_t cap, size_t *len)
{
    if (full_io(v->fd, h, sizeof *h, false) || h->size < sizeof *h || h->size > CCWP_MAX_MSG)
        return -1;
    size_t plen = h->size - sizeof *h;
    uint8_t *tmp = malloc(plen + 1);
    if (!tmp || full_io(v->fd, tmp, plen, false)) {
        free(tmp);
        return -1;
    }
    if (buf)
        memcpy(buf, tmp, plen < cap ? plen : cap);
    if (len)
        *len = plen;
    free(tmp);
    return 0;
}

int vmm_call(struct vmm *v, uint16_t cmd, const void *req, size_t len, const int *fds, unsigned nfds,
             void *reply, size_t cap, size_t *rlen)
{
    struct ccwp_hdr h;
    if (send_msg(v, cmd, req, len, fds, nfds) || vmm_recv_reply(v, &h, reply, cap, rlen))
        return -1;
    if (h.msg_id != v->msg_id || h.command != cmd || !(h.flags & CCWP_F_REPLY))
        return -1;
    return (h.flags & CCWP_F_ERROR) ? (int)h.error : 0;
}

int vmm_version(struct vmm *v, uint16_t *major, uint16_t *minor)
{
    struct ccwp_version in = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR }, out = { 0, 0 };
    uint8_t rep[512];
    size_t n = 0;
    int rc = vmm_call(v, CCWP_CMD_VERSION, &in, sizeof in, NULL, 0, rep, sizeof rep, &n);
    if (rc == 0 && n >= sizeof out)
        memcpy(&out, rep, sizeof out);
    *major = out.major;
    *minor = out.minor;
    return rc;
}

int vmm_attach(struct vmm *v, const char *uuid)
{
    struct ccwp_attach a;
    memset(&a, 0, sizeof a);
    snprintf(a.uuid, sizeof a.uuid, "%s", uuid);
    return vmm_call(v, CCWP_CMD_ATTACH, &a, sizeof a, NULL, 0, NULL, 0, NULL);
}

int vmm_sealed_memfd(const char *name, uint64_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)size) || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
        close(fd);
        return -1;
    }
    return fd;
}

int vmm_map_ram(struct vmm *v, uint64_t size)
{
    v->memfd = vmm_sealed_memfd("vmm-ram", size);
    if (v->memfd < 0)
        return -1;
    v->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->memfd, 0);
    if (v->ram == MAP_FAILED) {
        v->ram = NULL;
        return -1;
    }
    v->ram_size = size;
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ | CCWP_DMA_WRITE, .offset = 0,
                              .iova = 0, .size = size };
    return vmm_call(v, CCWP_CMD_DMA_MAP, &m, sizeof m, &v->memfd, 1, NULL, 0, NULL);
}

int vmm_setup_irqs(struct vmm *v)
{
    for (uint32_t i = 0; i < 3; i++) {
        struct {
            struct ccwp_irq_set s;
            int32_t fd;
        } req = { { sizeof req, CCWP_IRQ_SET_DATA_EVENTFD | CCWP_IRQ_SET_ACTION_TRIGGER, i, 0, 1 }, 0 };
        v->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (v->efd[i] < 0)
            return -1;
        req.fd = v->efd[i];
        int rc = vmm_call(v, CCWP_CMD_SET_IRQS, &req, sizeof req, &v->efd[i], 1, NULL, 0, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

int vmm_region_read(struct vmm *v, uint32_t region, uint64_t off, void *buf, uint32_t len, uint32_t *done)
{
    struct ccwp_region_access a = { .offset = off, .region = region, .count = len };
    uint8_t *rep = malloc(sizeof a + len);
    size_t n = 0;
    if (!rep)
        return ENOMEM;
    int rc = vmm_call(v, CCWP_CMD_REGION_READ, &a, sizeof a, NULL, 0, rep, sizeof a + len, &n);
    if (rc == 0) {
        memcpy(&a, rep, sizeof a);
        if (n < sizeof a || a.count > len || n != sizeof a + a.count)
            rc = -1;
        else
            memcpy(buf, rep + sizeof a, a.count);
        if (done)
            *done = a.count;
    }
    free(rep);
    return rc;
}

int vmm_region_write(struct vmm *v, uint32_t region, uint64_t off, const void *buf, uint32_t len, uint32_t *done)
{
    struct ccwp_region_access a = { .offset = off, .region = region, .count = len };
    uint8_t *req = malloc(sizeof a + len);
    if (!req)
        return ENOMEM;
    memcpy(req, &a, sizeof a);
    memcpy(req + sizeof a, buf, len);
    int rc = vmm_call(v, CCWP_CMD_REGION_WRITE, req, sizeof a + len, NULL, 0, &a, sizeof a, NULL);
    if (rc == 0 && done)
        *done = a.count;
    free(req);
    return rc;
}

static void ssch_request(const struct orb *orb, uint8_t io[CCW_IO_REGION_SIZE])
{
    struct scsw s;
    memset(io, 0, CCW_IO_REGION_SIZE);
    memset(&s, 0, sizeof s);
    s.fctl = SCSW_FCTL_START;
    orb_encode(orb, io + IO_ORB);
    scsw_encode(&s, io + IO_SCSW);
}

int vmm_ssch(struct vmm *v, const struct orb *orb)
{
    uint8_t io[CCW_IO_REGION_SIZE];
    ssch_request(orb, io);
    return vmm_region_write(v, VFIO_CCW_CONFIG_REGION_INDEX, 0, io, sizeof io, NULL);
}

int vmm_wait_irq(struct vmm *v, unsigned index)
{
    struct pollfd p = { .fd = v->efd[index], .events = POLLIN };
    int n;
    do
        n = poll(&p, 1, VMM_TIMEOUT_MS);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return ETIMEDOUT;
    uint64_t cnt;
    return read(v->efd[index], &cnt, sizeof cnt) == (ssize_t)sizeof cnt ? 0 : EIO;
}

int vmm_read_irb(struct vmm *v, struct irb *irb, int32_t *ret_code)
{
    uint8_t io[CCW_IO_REGION_SIZE];
    int rc = vmm_region_read(v, VFIO_CCW_CONFIG_REGION_INDEX, 0, io, sizeof io, NULL);
    if (rc)
        return rc;
    irb_decode(io + IO_IRB, irb);
    if (ret_code)
        *ret_code = (int32_t)be32_get(io + IO_RET);
    return 0;
}

int vmm_async(struct vmm *v, uint32_t cmd, int32_t *ret_code)
{
    uint8_t r[CCW_CMD_REGION_SIZE] = { 0 };
    be32_put(r, cmd);
    int rc = vmm_region_write(v, 1, 0, r, sizeof r, NULL);
    if (rc == 0 && ret_code && vmm_region_read(v, 1, 0, r, sizeof r, NULL) == 0)
        *ret_code = (int32_t)be32_get(r + 4);
    return rc;
}

int vmm_stsch(struct vmm *v, struct schib *s)
{
    uint8_t b[CCW_SCHIB_REGION_SIZE];
    int rc = vmm_region_read(v, 2, 0, b, sizeof b, NULL);
    if (rc == 0)
        schib_decode(b, s);
    return rc;
}

int vmm_read_crw(struct vmm *v, uint32_t *crw)
{
    uint8_t b[CCW_CRW_REGION_SIZE];
    int rc = vmm_region_read(v, 3, 0, b, sizeof b, NULL);
    if (rc == 0)
        *crw = be32_get(b);
    return rc;
}

int vmm_control(struct vmm *v, const char *json, char **reply)
{
    char *buf = malloc(CCWP_MAX_MSG);
    size_t n = 0;
    if (!buf)
        return ENOMEM;
    int rc = vmm_call(v, CCWP_CMD_CONTROL, json, strlen(json) + 1, NULL, 0, buf, CCWP_MAX_MSG - 1, &n);
    if (rc >= 0 && reply) {
        buf[n < CCWP_MAX_MSG ? n : CCWP_MAX_MSG - 1] = 0;
        *reply = buf;
        buf = NULL;
    }
    free(buf);
    return rc;
}

void vmm_put_ccw(struct vmm *v, uint64_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { .cmd = cmd, .flags = flags, .count = count, .cda = cda };
    ccw1_encode(&c, v->ram + addr);
}

void vmm_orb(struct orb *o, uint32_t cpa, uint32_t intparm)
{
    memset(o, 0, sizeof *o);
    o->intparm = intparm;
    o->fmt = true;
    o->pfch = true;
    o->c64 = true;
    o->lpm = 0x80;
    o->cpa = cpa;
}

int vmm_run(struct vmm *v, uint32_t cpa, struct irb *irb)
{
    struct orb o;
    vmm_orb(&o, cpa, 0x12345678);
    int rc = vmm_ssch(v, &o);
    if (rc)
        return rc;
    rc = vmm_wait_irq(v, VFIO_CCW_IO_IRQ_INDEX);
    return rc ? rc : vmm_read_irb(v, irb, NULL);
}

void vmm_define_extent(uint8_t de[16], uint8_t mask, uint32_t beg_cyl, uint32_t beg_head, uint32_t end_cyl,
                       uint32_t end_head)
{
    memset(de, 0, 16);
    de[0] = mask;
    de[1] = 0xC0;   /* ECKD */
    be16_put(de + 8, (uint16_t)beg_cyl);
    be16_put(de + 10, (uint16_t)beg_head);
    be16_put(de + 12, (uint16_t)end_cyl);
    be16_put(de + 14, (uint16_t)end_head);
}

void vmm_locate_record(uint8_t lr[16], uint8_t op, uint8_t count, uint32_t cyl, uint32_t head, uint8_t rec,
                       uint16_t tlf)
{
    memset(lr, 0, 16);
    lr[0] = op;
    lr[1] = tlf ? 0x80 : 0;
    lr[3] = count;
    be16_put(lr + 4, (uint16_t)cyl);
    be16_put(lr + 6, (uint16_t)head);
    be16_put(lr + 8, (uint16_t)cyl);
    be16_put(lr + 10, (uint16_t)head);
    lr[12] = rec;
    lr[13] = 0xFF;
    be16_put(lr + 14, tlf);
}

#define ECKD_DE  0x63
#define ECKD_LR  0x47
#define ECKD_WD  0x85
#define ECKD_RD  0x86
#define DE_MASK_WRITE 0x80
#define DE_MASK_READ  0x40
#define LR_WRITE_DATA 0x01
#define LR_READ_DATA  0x06
#define ECKD_ARG_LEN  16
#define CCW_BYTES     8

void vmm_eckd_record(struct vmm *v, bool write, uint32_t head)
{
    vmm_define_extent(v->ram + VMM_ECKD_ARGS, write ? DE_MASK_WRITE : DE_MASK_READ, 0, head, 0, head);
    vmm_locate_record(v->ram + VMM_ECKD_ARGS + ECKD_ARG_LEN, write ? LR_WRITE_DATA : LR_READ_DATA, 1, 0, head, 1,
                      VMM_ECKD_REC_LEN);
    vmm_put_ccw(v, VMM_ECKD_CPA, ECKD_DE, CCW_FLAG_CC, ECKD_ARG_LEN, VMM_ECKD_ARGS);
    vmm_put_ccw(v, VMM_ECKD_CPA + CCW_BYTES, ECKD_LR, CCW_FLAG_CC, ECKD_ARG_LEN, VMM_ECKD_ARGS + ECKD_ARG_LEN);
    vmm_put_ccw(v, VMM_ECKD_CPA + 2 * CCW_BYTES, write ? ECKD_WD : ECKD_RD, 0, VMM_ECKD_REC_LEN,
                write ? VMM_ECKD_OUT : VMM_ECKD_IN);
}

/* ---- the shared I/O area ---------------------------------------------------- */

/* Receive a reply whose first byte may carry one fd. */
static int recv_reply_fd(struct vmm *v, struct ccwp_hdr *h, void *buf, size_t cap, int *fd)
{
    union {
        char b[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)];
        struct cmsghdr align;
    } cb;
    struct iovec iov = { h, sizeof *h };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b, .msg_controllen = sizeof cb.b };
    ssize_t n = recvmsg(v->fd, &mh, MSG_CMSG_CLOEXEC);
    *fd = -1;
    if (n <= 0)
        return -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len >= CMSG_LEN(sizeof(int)))
            memcpy(fd, CMSG_DATA(cm), sizeof(int));
    if ((size_t)n < sizeof *h && full_io(v->fd, (char *)h + n, sizeof *h - (size_t)n, false))
        return -1;
    if (h->size < sizeof *h || h->size - sizeof *h > cap)
        return -1;
    return full_io(v->fd, buf, h->size - sizeof *h, false);
}

int vmm_shm_io(struct vmm *v)
{
    struct ccwp_shm_info info = { 0 };
    struct ccwp_hdr h;
    int fd;
    if (send_msg(v, CCWP_CMD_SHM_IO, NULL, 0, NULL, 0) || recv_reply_fd(v, &h, &info, sizeof info, &fd))
        return -1;
    if (h.flags & CCWP_F_ERROR) {
        if (fd >= 0)
            close(fd);
        return (int)h.error;
    }
    if (fd < 0 || h.size - sizeof h < sizeof info || info.size < sizeof(struct ccwp_shm)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    void *p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        return -1;
    }
    v->shm_fd = fd;
    v->shm = p;
    v->shm_flags = info.flags;
    v->shm_size = info.size;
    return 0;
}

int vmm_shm_read_io(struct vmm *v, uint8_t io[CCW_IO_REGION_BYTES])
{
    for (int i = 0; i < 1000; i++) {
        uint32_t before = __atomic_load_n(&v->shm->io_seq, __ATOMIC_ACQUIRE);
        if (before == 0 || (before & 1))
            continue;
        memcpy(io, v->shm->io, CCW_IO_REGION_BYTES);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&v->shm->io_seq, __ATOMIC_RELAXED) == before)
            return 0;
    }
    return EAGAIN;
}

int vmm_run_shm(struct vmm *v, uint32_t cpa, struct irb *irb)
{
    uint8_t io[CCW_IO_REGION_BYTES];
    struct orb o;
    vmm_orb(&o, cpa, 0x12345678);
    int rc = EAGAIN;
    /* as QEMU: EAGAIN while the interrupt handler still holds the region */
    for (long tries = 0; rc == EAGAIN && tries < SSCH_RETRIES; tries++)
        rc = vmm_ssch(v, &o);
    if (!rc)
        rc = vmm_wait_irq(v, VFIO_CCW_IO_IRQ_INDEX);
    if (!rc)
        rc = vmm_shm_read_io(v, io);
    if (!rc)
        irb_decode(io + IO_IRB, irb);
    return rc;
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

int vmm_doorbell_post(struct vmm *v, uint32_t off, const void *buf, uint32_t len)
{
    uint32_t seq = v->shm->req_seq + 1;
    memcpy(v->shm->req, buf, len < sizeof v->shm->req ? len : sizeof v->shm->req);
    v->shm->req_off = off;
    v->shm->req_len = len;
    __atomic_store_n(&v->shm->req_seq, seq, __ATOMIC_RELEASE);
    futex(&v->shm->req_seq, FUTEX_WAKE, INT_MAX, NULL);
    return (int)seq;
}

/* As the adapter (src/qemu/shm.c): poll for the answer a little before
 * sleeping on the futex. */
static void spin_for_answer(const struct vmm *v, uint32_t seq)
{
    struct timespec start, t;

    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        for (int i = 0; i < 64; i++)
            if (__atomic_load_n(&v->shm->done_seq, __ATOMIC_ACQUIRE) == seq)
                return;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - start.tv_sec) * 1000000000L + (t.tv_nsec - start.tv_nsec) < DONE_SPIN_NS);
}

int vmm_doorbell_wait(struct vmm *v, uint32_t seq, int32_t *ret)
{
    const struct timespec step = { 0, 100000000L };
    if (!getenv("VMM_NO_SPIN"))   /* measurement: sleep at once, as before */
        spin_for_answer(v, seq);
    for (int waited_ms = 0; waited_ms < VMM_TIMEOUT_MS; waited_ms += 100) {
        uint32_t done = __atomic_load_n(&v->shm->done_seq, __ATOMIC_ACQUIRE);
        if (done == seq) {
            *ret = __atomic_load_n(&v->shm->done_ret, __ATOMIC_RELAXED);
            return 0;
        }
        futex(&v->shm->done_seq, FUTEX_WAIT, done, &step);
    }
    return ETIMEDOUT;
}

int vmm_ssch_doorbell(struct vmm *v, const struct orb *orb, int32_t *ret)
{
    uint8_t io[CCW_IO_REGION_SIZE];
    int rc = 0;
    ssch_request(orb, io);
    *ret = -EAGAIN;
    /* as QEMU: EAGAIN while the interrupt handler still holds the region */
    for (long tries = 0; !rc && *ret == -EAGAIN && tries < SSCH_RETRIES; tries++)
        rc = vmm_doorbell_wait(v, (uint32_t)vmm_doorbell_post(v, 0, io, sizeof io), ret);
    return rc;
}
