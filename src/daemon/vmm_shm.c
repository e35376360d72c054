// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared I/O area (proto.h, CCWP_CMD_SHM_IO): the vhost-user idea of
 * moving the per-I/O data off the control socket, for vfio-ccw's I/O region
 * and the dirty log.  The vfio layer calls io_observer under the mdev's
 * io_mutex each time the I/O region changes; it first moves the dirty log
 * into the ring, then copies the region under the sequence lock, so that a
 * reader who sees the new IRB also finds every range written before it.
 *
 * A thread per area answers the doorbell: it waits on the futex word
 * req_seq and hands each new request to the vfio layer, as the socket's
 * REGION_WRITE would; it is joined before the mdev is closed.  After the
 * answer it runs a DASD program itself (vfio_ccw_run_here), so a short
 * program costs no handoff to the subchannel's worker thread.
 *
 * Trust: the client maps the area read-write and may change any byte at any
 * time.  The daemon keeps its own copies of everything it writes (sequence,
 * head, lost count) and never reads them back; dirty_tail is read once per
 * update into a local and only used to decide whether ranges fit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "daemon/conn.h"
#include "daemon/log.h"
#include "daemon/vmm_shm.h"

#define SHM_SIZE 8192u
#define SHM_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define DOORBELL_CHECK_NS 200000000L   /* the doorbell thread looks at its stop flag this often */

_Static_assert(sizeof(struct ccwp_shm) <= SHM_SIZE, "the shared area fits its memfd");
_Static_assert(CCW_IO_REGION_SIZE <= CCWP_SHM_IO_SIZE, "the I/O region fits its mirror");
_Static_assert(CCWP_SHM_RING >= VFIO_CCW_DIRTY_MAX, "one interrupt's ranges fit an empty ring");

struct vmm_shm {
    struct ccwp_shm *area;        /* shared with the client: written, not trusted */
    struct vfio_ccw_mdev *m;
    uint32_t seq;                 /* our copies of what we publish */
    uint64_t head, lost;
    /* the doorbell thread */
    pthread_t thread;
    bool running;
    int stop;                     /* atomic: vmm_shm_free wants the thread gone */
    uint32_t last_req;            /* req_seq of the last request handled */
    unsigned long requests;       /* handled by doorbell (for the log) */
    unsigned long ran_here;       /* programs this thread ran itself (for the log) */
    unsigned client;              /* the connection's id (for the log) */
    bool in_request;              /* atomic: the doorbell thread's own region write is on */
};

static uint64_t now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The time a stage was reached, for bench_daemon (a vDSO call, no syscall). */
static void stamp(struct vmm_shm *s, enum ccwp_stamp which)
{
    __atomic_store_n(&s->area->stamp[which], now_ns(), __ATOMIC_RELAXED);
}

/* Ranges into the ring, or one more "lost" if they do not all fit. */
static void publish_dirty(struct vmm_shm *s, struct vfio_ccw_mdev *m)
{
    struct vfio_ccw_range rr[VFIO_CCW_DIRTY_MAX];
    bool overflow = false;
    unsigned n = vfio_ccw_dirty_take(m, rr, VFIO_CCW_DIRTY_MAX, &overflow);
    uint64_t tail = __atomic_load_n(&s->area->dirty_tail, __ATOMIC_ACQUIRE);
    uint64_t used = s->head - tail;

    if (!n && !overflow)
        return;
    if (overflow || tail > s->head || used > CCWP_SHM_RING || n > CCWP_SHM_RING - used) {
        __atomic_store_n(&s->area->dirty_lost, ++s->lost, __ATOMIC_RELEASE);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        struct ccwp_range *slot = &s->area->ring[(s->head + i) % CCWP_SHM_RING];
        slot->iova = rr[i].iova;
        slot->len = rr[i].len;
    }
    s->head += n;
    __atomic_store_n(&s->area->dirty_head, s->head, __ATOMIC_RELEASE);
}

static void io_observer(void *opaque, const uint8_t *io_region)
{
    struct vmm_shm *s = opaque;

    publish_dirty(s, s->m);
    __atomic_store_n(&s->area->io_seq, ++s->seq, __ATOMIC_RELAXED);   /* odd: writing */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(s->area->io, io_region, CCW_IO_REGION_SIZE);
    __atomic_store_n(&s->area->io_seq, ++s->seq, __ATOMIC_RELEASE);   /* even: done */
    if (!__atomic_load_n(&s->in_request, __ATOMIC_RELAXED))
        stamp(s, CCWP_STAMP_IRQ);
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* One doorbell request: copied out of the area before anything looks at it,
 * then validated and handled exactly like a REGION_WRITE of the I/O region. */
static void handle_request(struct vmm_shm *s, uint32_t seq)
{
    uint8_t buf[CCWP_SHM_IO_SIZE];
    uint32_t off = __atomic_load_n(&s->area->req_off, __ATOMIC_RELAXED);
    uint32_t len = __atomic_load_n(&s->area->req_len, __ATOMIC_RELAXED);
    bool here = false;
    ssize_t ret;

    stamp(s, CCWP_STAMP_WAKE);
    if (off > CCW_IO_REGION_SIZE || len > CCW_IO_REGION_SIZE - off) {
        ret = -EINVAL;
    } else {
        memcpy(buf, s->area->req, len);
        __atomic_store_n(&s->in_request, true, __ATOMIC_RELAXED);
        ret = vfio_ccw_io_write_here(s->m, off, buf, len, &here);
        __atomic_store_n(&s->in_request, false, __ATOMIC_RELAXED);
    }
    stamp(s, CCWP_STAMP_STARTED);
    s->last_req = seq;
    s->requests++;
    __atomic_store_n(&s->area->done_ret, (int32_t)ret, __ATOMIC_RELAXED);
    __atomic_store_n(&s->area->done_seq, seq, __ATOMIC_RELEASE);
    futex(&s->area->done_seq, FUTEX_WAKE, INT_MAX, NULL);
    stamp(s, CCWP_STAMP_ANSWERED);
    /* The answer first, so the VMM never waits for the program itself; then
     * the program, on this thread instead of a handoff to the worker.  When
     * the area is going away the close's CSCH hands the start to the worker
     * instead, so vmm_shm_stop does not wait for one not yet begun. */
    if (here && !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        vfio_ccw_run_here(s->m);
        s->ran_here++;
    }
}

/* Waits on the futex word req_seq for a new request; never blocks longer
 * than DOORBELL_CHECK_NS, so a client that keeps the word unchanged (or
 * rewrites it) cannot keep vmm_shm_free waiting. */
static void *doorbell_thread(void *arg)
{
    struct vmm_shm *s = arg;
    const struct timespec check = { 0, DOORBELL_CHECK_NS };

    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        uint32_t seq = __atomic_load_n(&s->area->req_seq, __ATOMIC_ACQUIRE);
        if (seq != s->last_req)
            handle_request(s, seq);
        else
            futex(&s->area->req_seq, FUTEX_WAIT, seq, &check);
    }
    return NULL;
}

/* A memfd of SHM_SIZE bytes that nobody can shrink, grow or reseal. */
static int sealed_memfd(void)
{
    int fd = memfd_create("ccwpass-shm-io", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0)
        return -errno;
    if (ftruncate(fd, SHM_SIZE) || fcntl(fd, F_ADD_SEALS, SHM_SEALS)) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

int vmm_shm_cmd(struct conn *c, struct conn_reply *r)
{
    struct ccwp_shm_info info = { .size = SHM_SIZE, .flags = CCWP_SHM_DOORBELL };
    struct vmm_shm *s;
    int fd;

    if (c->shm)
        return -EBUSY;
    s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    fd = sealed_memfd();
    if (fd < 0) {
        free(s);
        return fd;
    }
    s->area = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (s->area == MAP_FAILED) {
        int err = errno;
        close(fd);
        free(s);
        return -err;
    }
    s->area->magic = CCWP_SHM_MAGIC;
    s->m = c->mdev;
    s->client = c->id;
    s->running = pthread_create(&s->thread, NULL, doorbell_thread, s) == 0;
    if (!s->running)
        info.flags &= ~CCWP_SHM_DOORBELL;   /* SSCH stays on the socket */
    if (reply_put(r, &info, sizeof info)) {
        close(fd);
        vmm_shm_free(s);
        return -ENOMEM;
    }
    reply_put_fd(r, fd);
    c->shm = s;
    vfio_ccw_set_io_observer(c->mdev, io_observer, s);
    log_debug("client %u: shared I/O area set up%s", c->id, s->running ? ", SSCH by doorbell" : "");
    return 0;
}

void vmm_shm_stop(struct vmm_shm *s)
{
    if (!s || !s->running)
        return;
    __atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
    futex(&s->area->req_seq, FUTEX_WAKE, INT_MAX, NULL);
    pthread_join(s->thread, NULL);
    s->running = false;
    log_debug("client %u: %lu I/O region write(s) by doorbell, %lu program(s) run on the doorbell thread",
              s->client, s->requests, s->ran_here);
}

void vmm_shm_free(struct vmm_shm *s)
{
    if (!s)
        return;
    vmm_shm_stop(s);
    munmap(s->area, SHM_SIZE);
    free(s);
}
