// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adapter's side of the shared I/O area (src/daemon/proto.h,
 * CCWP_CMD_SHM_IO).  When both sides offer "shm_io" in VERSION, the device
 * asks for the area after ATTACH and maps it.  Then the pread of the I/O
 * region QEMU makes on each interrupt copies the daemon's mirror of the
 * region (a sequence-locked read) and the TCG invalidation consumes the dirty
 * ring: two socket round trips per I/O fewer.  With the doorbell, the SSCH
 * (the pwrite of the I/O region) is posted in the area and answered there
 * too, so a whole I/O needs no socket round trip.  The daemon trusts nothing in
 * the area; the adapter trusts the daemon, but still never spins forever on
 * it nor indexes outside the ring: a mirror it cannot read consistently is
 * read over the socket instead.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"

#define SEQ_TRIES 1000          /* consistent-read attempts before asking the daemon */
#define IO_REGION_SIZE 124      /* the I/O region; beyond it the daemon answers EINVAL */
#define DONE_CHECK_NS 100000000L /* while waiting for an answer, look this often if the daemon lives */
#define MAX_ERRNO 4095
/* How long to poll for the doorbell's answer before sleeping on the futex.
 * The daemon answers within microseconds of waking; a futex wake-up of a
 * sleeping thread costs ~20 us on an idle virtual CPU (bench_daemon). */
#define DONE_SPIN_NS 50000L

struct ccwq_shm {
    struct ccwp_shm *area;
    size_t size;
    uint64_t tail;              /* our copy of dirty_tail */
    uint64_t lost_seen;         /* dirty_lost at the last take */
    bool doorbell;              /* the daemon answers I/O region writes posted here */
    uint32_t req_seq;           /* our copy of the last request's number */
    unsigned long spun;         /* answers that came while polling (for the trace) */
};

int ccwq_shm_setup(struct ccwq_device *d)
{
    struct ccwp_shm_info info;
    size_t len = 0;
    int fd = -1;

    if (!d->conn.shm_io)
        return 0;
    int rc = ccwq_call_fd(&d->conn, CCWP_CMD_SHM_IO, NULL, 0, &info, sizeof info, &len, &fd);
    if (rc)
        return d->conn.broken ? rc : 0;   /* refused: stay on the socket path */
    if (fd < 0 || len < sizeof info || info.size < sizeof(struct ccwp_shm)) {
        if (fd >= 0)
            close(fd);
        ccwq_log("ccwpassd sent a malformed shared I/O area for mdev %s: using the socket", d->uuid);
        return 0;
    }
    void *p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    struct ccwq_shm *s = calloc(1, sizeof *s);
    if (p == MAP_FAILED || !s || ((struct ccwp_shm *)p)->magic != CCWP_SHM_MAGIC) {
        if (p != MAP_FAILED)
            munmap(p, info.size);
        free(s);
        ccwq_log("cannot map the shared I/O area of mdev %s: using the socket", d->uuid);
        return 0;
    }
    s->area = p;
    s->size = info.size;
    s->doorbell = (info.flags & CCWP_SHM_DOORBELL) && !getenv("CCWPASS_NO_SHM_DOORBELL");
    s->req_seq = __atomic_load_n(&s->area->req_seq, __ATOMIC_ACQUIRE);
    s->tail = __atomic_load_n(&s->area->dirty_head, __ATOMIC_ACQUIRE);
    s->lost_seen = __atomic_load_n(&s->area->dirty_lost, __ATOMIC_ACQUIRE);
    __atomic_store_n(&s->area->dirty_tail, s->tail, __ATOMIC_RELEASE);
    d->shm = s;
    ccwq_debug("mdev %s: shared I/O area of %u bytes", d->uuid, info.size);
    return 0;
}

void ccwq_shm_release(struct ccwq_device *d)
{
    if (!d->shm)
        return;
    ccwq_debug("mdev %s: %lu doorbell answer(s) came while polling", d->uuid, d->shm->spun);
    munmap(d->shm->area, d->shm->size);
    free(d->shm);
    d->shm = NULL;
}

bool ccwq_shm_read_io(struct ccwq_device *d, void *buf, uint64_t off, size_t len)
{
    struct ccwq_shm *s = d->shm;
    uint8_t copy[CCWP_SHM_IO_SIZE];

    if (!s || off > IO_REGION_SIZE || len > IO_REGION_SIZE - off)
        return false;           /* out of bounds: the daemon gives the kernel's error */
    for (int i = 0; i < SEQ_TRIES; i++) {
        uint32_t before = __atomic_load_n(&s->area->io_seq, __ATOMIC_ACQUIRE);
        if (before == 0 || (before & 1))
            continue;           /* never published, or being written */
        memcpy(copy, s->area->io, sizeof copy);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->area->io_seq, __ATOMIC_RELAXED) == before) {
            memcpy(buf, copy + off, len);
            return true;
        }
    }
    return false;
}

int ccwq_shm_take_dirty(struct ccwq_device *d, struct ccwp_range *out, unsigned max, bool *all)
{
    struct ccwq_shm *s = d->shm;
    unsigned n = 0;

    if (!s)
        return -1;
    uint64_t lost = __atomic_load_n(&s->area->dirty_lost, __ATOMIC_ACQUIRE);
    uint64_t head = __atomic_load_n(&s->area->dirty_head, __ATOMIC_ACQUIRE);
    *all = lost != s->lost_seen || head - s->tail > CCWP_SHM_RING || head - s->tail > max;
    if (!*all)
        for (; s->tail + n < head; n++)
            out[n] = s->area->ring[(s->tail + n) % CCWP_SHM_RING];
    s->lost_seen = lost;
    s->tail = head;
    __atomic_store_n(&s->area->dirty_tail, s->tail, __ATOMIC_RELEASE);
    return (int)n;
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static long elapsed_ns(const struct timespec *since)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - since->tv_sec) * 1000000000L + (t.tv_nsec - since->tv_nsec);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* Polls done_seq for up to DONE_SPIN_NS: true when the answer to `seq` came. */
static bool spin_for_answer(const struct ccwq_shm *s, uint32_t seq)
{
    struct timespec start;

    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        for (int i = 0; i < 64; i++) {
            if (__atomic_load_n(&s->area->done_seq, __ATOMIC_ACQUIRE) == seq)
                return true;
            cpu_relax();
        }
    } while (elapsed_ns(&start) < DONE_SPIN_NS);
    return false;
}

/* The socket has nothing to say between requests: readable or hung up
 * means the daemon is gone. */
static bool daemon_gone(const struct ccwq_device *d)
{
    struct pollfd p = { .fd = d->conn.sock, .events = POLLIN };
    return poll(&p, 1, 0) != 0;
}

bool ccwq_shm_write_io(struct ccwq_device *d, const void *buf, uint64_t off, size_t len, ssize_t *ret)
{
    const struct timespec check = { 0, DONE_CHECK_NS };
    struct ccwq_shm *s = d->shm;

    if (!s || !s->doorbell || off > IO_REGION_SIZE || len > IO_REGION_SIZE - off)
        return false;           /* the socket, which answers out-of-bounds writes itself */
    uint32_t seq = ++s->req_seq;
    memcpy(s->area->req, buf, len);
    __atomic_store_n(&s->area->req_off, (uint32_t)off, __ATOMIC_RELAXED);
    __atomic_store_n(&s->area->req_len, (uint32_t)len, __ATOMIC_RELAXED);
    __atomic_store_n(&s->area->req_seq, seq, __ATOMIC_RELEASE);
    futex(&s->area->req_seq, FUTEX_WAKE, INT_MAX, NULL);
    if (spin_for_answer(s, seq))
        s->spun++;
    for (;;) {
        uint32_t done = __atomic_load_n(&s->area->done_seq, __ATOMIC_ACQUIRE);
        if (done == seq)
            break;
        if (futex(&s->area->done_seq, FUTEX_WAIT, done, &check) && errno == ETIMEDOUT && daemon_gone(d)) {
            d->conn.broken = true;
            *ret = ccwq_device_fail(d, -EPIPE);
            return true;
        }
    }
    int32_t r = __atomic_load_n(&s->area->done_ret, __ATOMIC_RELAXED);
    *ret = r > (ssize_t)len || r < -MAX_ERRNO ? -EIO : r;
    return true;
}
