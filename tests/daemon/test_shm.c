// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared I/O area (CCWP_CMD_SHM_IO, src/daemon/proto.h) against a real
 * ccwpassd: negotiated in VERSION, a sealed memfd the client cannot resize,
 * the IRB and the dirty ranges readable from memory after the interrupt
 * (no REGION_READ, no DIRTY), the ring's bounds, and a hostile client that
 * scribbles over the whole area while its programs run: the daemon neither
 * crashes nor hangs and keeps serving (the ASan build checks that it never
 * touches memory outside its maps).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "harness.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define SCH "0.0.16ca"
#define SENSE_BUF 0x2000
#define IO_IRB 24
#define RUNS_PAST_RING (CCWP_SHM_RING + 8)   /* more interrupts than ring slots */

struct fx {
    struct dproc d;    /* first: dp_teardown() */
    char image[256];
};

/* A daemon on a 3-cylinder image, started with `extra` arguments, and an
 * mdev on its subchannel. */
static int setup_with(void **state, const char *const *extra)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || dp_init(&f->d) || dp_start_image(&f->d, "dasd.3390", 3, f->image, sizeof f->image, extra) ||
        dp_make_mdev(&f->d, SCH, TEST_UUID1))
        return -1;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL);
}

/* The same with -v: the daemon logs what its doorbell thread did. */
static int setup_verbose(void **state)
{
    static const char *const verbose[] = { "-v", NULL };
    return setup_with(state, verbose);
}

static void open_vmm(struct fx *f, struct vmm *v)
{
    assert_int_equal(dp_open_vmm(&f->d, v, TEST_UUID1, RAM_SIZE), 0);
}

/* open_vmm(), with the shared I/O area mapped. */
static void open_vmm_shm(struct fx *f, struct vmm *v)
{
    open_vmm(f, v);
    assert_int_equal(vmm_shm_io(v), 0);
}

static void sense_id_program(struct vmm *v)
{
    memset(v->ram + SENSE_BUF, 0, 64);
    vmm_put_ccw(v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, SENSE_BUF);
}

static void assert_sense_id(const struct vmm *v, const struct irb *irb)
{
    static const uint8_t want[] = { 0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C };
    assert_int_equal(irb->scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb->scsw.cstat, 0);
    assert_memory_equal(v->ram + SENSE_BUF, want, sizeof want);
}

/* Sense ID started by doorbell; the IRB from the shared area. */
static void doorbell_sense_id(struct vmm *v, uint32_t intparm, struct irb *irb)
{
    uint8_t io[CCW_IO_REGION_BYTES];
    struct orb o;
    int32_t ret = 0;

    sense_id_program(v);
    vmm_orb(&o, 0x1000, intparm);
    assert_int_equal(vmm_ssch_doorbell(v, &o, &ret), 0);
    assert_int_equal(ret, CCW_IO_REGION_BYTES);
    assert_int_equal(vmm_wait_irq(v, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_shm_read_io(v, io), 0);
    irb_decode(io + IO_IRB, irb);
    assert_sense_id(v, irb);
}

static void assert_still_serving(struct fx *f)
{
    struct vmm v;
    struct irb irb;
    open_vmm(f, &v);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_sense_id(&v, &irb);
    vmm_close(&v);
}

/* VERSION offers "shm_io":1 to a client that asks for it. */
static void test_shm_offered_in_version(void **state)
{
    struct fx *f = *state;
    static const char caps[] = "{\"shm_io\":1}";
    uint8_t req[sizeof(struct ccwp_version) + sizeof caps], rep[512] = { 0 };
    struct ccwp_version ver = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    struct vmm v;
    size_t n = 0;
    memcpy(req, &ver, sizeof ver);
    memcpy(req + sizeof ver, caps, sizeof caps);
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_call(&v, CCWP_CMD_VERSION, req, sizeof req, NULL, 0, rep, sizeof rep - 1, &n), 0);
    assert_true(n > sizeof ver);
    assert_non_null(strstr((char *)rep + sizeof ver, "\"shm_io\":1"));
    vmm_close(&v);
}

/* Before ATTACH: ENODEV; a second area: EBUSY; the memfd is sealed so the
 * client can neither shrink nor grow it, nor unseal it. */
static void test_shm_rules_and_seals(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_shm_io(&v), ENODEV);
    assert_int_equal(vmm_map_ram(&v, RAM_SIZE), 0);
    assert_int_equal(vmm_attach(&v, TEST_UUID1), 0);
    assert_int_equal(vmm_shm_io(&v), 0);
    assert_non_null(v.shm);
    assert_int_equal(v.shm->magic, CCWP_SHM_MAGIC);
    int seals = fcntl(v.shm_fd, F_GET_SEALS);
    assert_int_equal(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    assert_int_not_equal(ftruncate(v.shm_fd, 0), 0);
    assert_int_not_equal(ftruncate(v.shm_fd, (off_t)v.shm_size * 2), 0);
    assert_int_equal(vmm_shm_io(&v), EBUSY);
    vmm_close(&v);
    assert_still_serving(f);
}

/* After the interrupt the area holds the same I/O region as REGION_READ,
 * and the ring the range the Sense ID stored into; the socket's DIRTY then
 * has nothing left to report. */
static void test_irb_and_dirty_from_memory(void **state)
{
    struct fx *f = *state;
    uint8_t shm_io[CCW_IO_REGION_BYTES], sock_io[CCW_IO_REGION_BYTES];
    uint8_t rep[sizeof(struct ccwp_dirty) + CCWP_DIRTY_MAX * sizeof(struct ccwp_range)];
    struct ccwp_dirty d;
    struct vmm v;
    struct irb irb;
    open_vmm_shm(f, &v);
    uint64_t head0 = v.shm->dirty_head;
    sense_id_program(&v);
    assert_int_equal(vmm_run_shm(&v, 0x1000, &irb), 0);
    assert_sense_id(&v, &irb);
    assert_int_equal(irb.scsw.cpa, 0x1008);
    assert_int_equal(vmm_shm_read_io(&v, shm_io), 0);
    assert_int_equal(vmm_region_read(&v, VFIO_CCW_CONFIG_REGION_INDEX, 0, sock_io, sizeof sock_io, NULL), 0);
    assert_memory_equal(shm_io, sock_io, sizeof shm_io);
    assert_true(v.shm->dirty_head > head0);
    int covered = 0;
    for (uint64_t i = head0; i < v.shm->dirty_head; i++) {
        struct ccwp_range r = v.shm->ring[i % CCWP_SHM_RING];
        covered |= r.iova <= SENSE_BUF && r.iova + r.len > SENSE_BUF;
    }
    assert_true(covered);
    assert_int_equal(v.shm->dirty_lost, 0);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, rep, sizeof rep, NULL), 0);
    memcpy(&d, rep, sizeof d);
    assert_int_equal(d.count, 0);
    assert_int_equal(d.flags, 0);
    vmm_close(&v);
}

/* A client that never consumes: once the ring is full, ranges are not
 * written over unread ones; dirty_lost says "all memory written" instead. */
static void test_full_ring_counts_lost(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    open_vmm_shm(f, &v);
    for (unsigned i = 0; i < RUNS_PAST_RING; i++) {
        sense_id_program(&v);
        assert_int_equal(vmm_run_shm(&v, 0x1000, &irb), 0);
        assert_sense_id(&v, &irb);
    }
    assert_true(v.shm->dirty_head <= CCWP_SHM_RING);
    assert_true(v.shm->dirty_lost > 0);
    /* consuming makes room again: the next range lands in the ring */
    uint64_t lost = v.shm->dirty_lost, head = v.shm->dirty_head;
    v.shm->dirty_tail = head;
    sense_id_program(&v);
    assert_int_equal(vmm_run_shm(&v, 0x1000, &irb), 0);
    assert_int_equal(v.shm->dirty_lost, lost);
    assert_true(v.shm->dirty_head > head);
    vmm_close(&v);
}

/* Nonsense in dirty_tail (ahead of what was published): ranges are
 * counted lost, never written outside the ring, and I/O goes on. */
static void test_bad_tail_is_harmless(void **state)
{
    struct fx *f = *state;
    static const uint64_t tails[] = { UINT64_MAX, 1u << 20, 0x8000000000000000ull };
    struct vmm v;
    struct irb irb;
    open_vmm_shm(f, &v);
    for (unsigned i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        uint64_t lost = v.shm->dirty_lost;
        v.shm->dirty_tail = tails[i];
        sense_id_program(&v);
        assert_int_equal(vmm_run_shm(&v, 0x1000, &irb), 0);
        assert_sense_id(&v, &irb);
        assert_int_equal(v.shm->dirty_lost, lost + 1);
    }
    vmm_close(&v);
    assert_still_serving(f);
}

struct scribbler {
    struct ccwp_shm *area;
    size_t size;              /* bytes from the start of the area to scribble */
    bool ring;                /* also wake the doorbell after each pass */
    int stop;
};

static void wake_doorbell(struct ccwp_shm *a)
{
    syscall(SYS_futex, &a->req_seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Random bytes over the area, as fast as it can, until told to stop. */
static void *scribble(void *arg)
{
    struct scribbler *s = arg;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint8_t *p = (uint8_t *)s->area;
    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        for (size_t i = 0; i + sizeof x <= s->size; i += sizeof x) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            memcpy(p + i, &x, sizeof x);
        }
        if (s->ring)
            wake_doorbell(s->area);
    }
    return NULL;
}

static void scribbler_stop(struct scribbler *s, pthread_t t)
{
    __atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
}

/* TOCTOU: the client rewrites every byte the daemon publishes (sequence,
 * tail, ring, mirror) while its programs run.  Each program still completes
 * with the right data and status over the socket, and the daemon keeps
 * serving.  (The doorbell request is scribbled in the next test.) */
static void test_hostile_scribbler(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    pthread_t t;
    open_vmm_shm(f, &v);
    struct scribbler s = { .area = v.shm, .size = offsetof(struct ccwp_shm, req_seq) };
    assert_int_equal(pthread_create(&t, NULL, scribble, &s), 0);
    for (unsigned i = 0; i < RUNS_PAST_RING; i++) {
        sense_id_program(&v);
        assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);   /* the IRB over the socket */
        assert_sense_id(&v, &irb);
        assert_int_equal(irb.scsw.cpa, 0x1008);
    }
    scribbler_stop(&s, t);
    vmm_close(&v);
    assert_still_serving(f);
}

/* The doorbell: an SSCH without the socket.  Its result, the interrupt, the
 * IRB and the data are those of the socket path. */
static void test_doorbell_ssch(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    open_vmm_shm(f, &v);
    assert_true(v.shm_flags & CCWP_SHM_DOORBELL);
    for (unsigned i = 0; i < 3; i++) {
        doorbell_sense_id(&v, 0x1234 + i, &irb);
        assert_int_equal(irb.scsw.cpa, 0x1008);
    }
    vmm_close(&v);
}

/* A DASD program started by doorbell runs on the doorbell's thread, after
 * the answer, instead of being handed to the subchannel's worker: one
 * thread wake-up less per I/O.  A program with an injected delay (a slow
 * device) stays on the worker, so the next request is answered at once. */
static void test_doorbell_runs_dasd_program_itself(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    struct orb o;
    int32_t ret = 0;
    open_vmm_shm(f, &v);
    for (unsigned i = 0; i < 3; i++)
        doorbell_sense_id(&v, 0x1234 + i, &irb);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH "\",\"delay_ms\":60000}", NULL), 0);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_NOOP, 0, 1, 0);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch_doorbell(&v, &o, &ret), 0);
    assert_int_equal(ret, CCW_IO_REGION_BYTES);
    assert_int_equal(vmm_ssch_doorbell(&v, &o, &ret), 0);   /* answered while the first runs */
    assert_int_equal(ret, -EBUSY);
    int32_t cmd_ret = -1;
    assert_int_equal(vmm_async(&v, VFIO_CCW_ASYNC_CMD_CSCH, &cmd_ret), 0);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_IO_IRQ_INDEX), 0);
    vmm_close(&v);
    assert_int_equal(dp_stop(&f->d), 0);   /* the log is complete */
    assert_true(dp_log_contains(&f->d, "5 I/O region write(s) by doorbell, 3 program(s) run on the doorbell thread"));
}

/* A hostile program on the doorbell's thread (a NOP/TIC loop, which runs
 * until the channel's CCW limit) hurts only its own device: a CSCH over the
 * socket meanwhile is answered, the program ends with clear or program-check
 * status, and the daemon serves the next client. */
static void test_doorbell_loop_program_is_cleared(void **state)
{
    struct fx *f = *state;
    uint8_t io[CCW_IO_REGION_BYTES];
    struct vmm v;
    struct irb irb;
    struct orb o;
    int32_t ret = 0, cmd_ret = -1;
    open_vmm_shm(f, &v);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
    vmm_put_ccw(&v, 0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
    vmm_orb(&o, 0x1000, 7);
    assert_int_equal(vmm_ssch_doorbell(&v, &o, &ret), 0);
    assert_int_equal(ret, CCW_IO_REGION_BYTES);
    assert_int_equal(vmm_async(&v, VFIO_CCW_ASYNC_CMD_CSCH, &cmd_ret), 0);
    assert_int_equal(cmd_ret, 0);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_shm_read_io(&v, io), 0);
    irb_decode(io + IO_IRB, &irb);
    assert_true((irb.scsw.fctl & SCSW_FCTL_CLEAR) || (irb.scsw.cstat & SCHN_STAT_PROG_CHECK));
    vmm_close(&v);
    assert_still_serving(f);
}

/* Requests the region would refuse get the region's errno: out of bounds
 * EINVAL; a second start while the first runs EBUSY, as over the socket.
 * A wake without a new sequence number does nothing: the next request
 * still gets its own answer. */
static void test_doorbell_errors_like_the_region(void **state)
{
    struct fx *f = *state;
    uint8_t io[CCWP_SHM_IO_SIZE] = { 0 };   /* room for what a too-long request copies */
    struct vmm v;
    struct irb irb;
    struct orb o;
    int32_t ret = 0;
    open_vmm_shm(f, &v);
    assert_int_equal(vmm_doorbell_wait(&v, (uint32_t)vmm_doorbell_post(&v, 200, io, 4), &ret), 0);
    assert_int_equal(ret, -EINVAL);
    assert_int_equal(vmm_doorbell_wait(&v, (uint32_t)vmm_doorbell_post(&v, 4, io, CCW_IO_REGION_BYTES), &ret), 0);
    assert_int_equal(ret, -EINVAL);
    assert_int_equal(vmm_doorbell_wait(&v, (uint32_t)vmm_doorbell_post(&v, 0, io, UINT32_MAX), &ret), 0);
    assert_int_equal(ret, -EINVAL);
    wake_doorbell(v.shm);   /* stale: nothing new to handle */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH "\",\"delay_ms\":60000}", NULL), 0);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
    vmm_put_ccw(&v, 0x1008, CCW_CMD_NOOP, 0, 1, 0);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch_doorbell(&v, &o, &ret), 0);
    assert_int_equal(ret, CCW_IO_REGION_BYTES);
    assert_int_equal(vmm_ssch_doorbell(&v, &o, &ret), 0);
    assert_int_equal(ret, -EBUSY);
    int32_t cmd_ret = -1;
    assert_int_equal(vmm_async(&v, VFIO_CCW_ASYNC_CMD_CSCH, &cmd_ret), 0);   /* CSCH stays on the socket */
    assert_int_equal(cmd_ret, 0);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_shm_read_io(&v, io), 0);
    irb_decode(io + IO_IRB, &irb);
    assert_true(irb.scsw.fctl & SCSW_FCTL_CLEAR);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH "\",\"delay_ms\":0}", NULL), 0);
    vmm_close(&v);
    assert_still_serving(f);
}

/* A client that scribbles every byte, the doorbell request included, and
 * rings after each pass: random region writes of its own device, handled
 * like random REGION_WRITEs; the daemon neither crashes nor hangs, lets the
 * client go, and serves the next one. */
static void test_doorbell_scribbler(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    pthread_t t;
    int32_t ret;
    open_vmm_shm(f, &v);
    struct scribbler s = { .area = v.shm, .size = v.shm_size, .ring = true };
    assert_int_equal(pthread_create(&t, NULL, scribble, &s), 0);
    for (unsigned i = 0; i < RUNS_PAST_RING; i++)
        (void)vmm_stsch(&v, &(struct schib){ 0 });   /* the socket keeps answering meanwhile */
    scribbler_stop(&s, t);
    /* a proper request after the storm still gets its own answer */
    uint8_t io[CCW_IO_REGION_BYTES] = { 0 };
    v.shm->req_seq = v.shm->done_seq;
    assert_int_equal(vmm_doorbell_wait(&v, (uint32_t)vmm_doorbell_post(&v, 200, io, 4), &ret), 0);
    assert_int_equal(ret, -EINVAL);
    vmm_close(&v);
    assert_still_serving(f);
}

/* The client leaves with a program in flight and the area mapped: the
 * daemon quiesces, drops the area after the mdev lets go, and serves on. */
static void test_client_leaves_mid_io_with_area(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct orb o;
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH "\",\"delay_ms\":60000}", NULL), 0);
    open_vmm_shm(f, &v);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
    vmm_put_ccw(&v, 0x1008, CCW_CMD_NOOP, 0, 1, 0);
    vmm_orb(&o, 0x1000, 0);
    assert_int_equal(vmm_ssch(&v, &o), 0);
    vmm_close(&v);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH "\",\"delay_ms\":0}", NULL), 0);
    assert_still_serving(f);
    assert_true(dp_log_contains(&f->d, "closed mdev " TEST_UUID1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shm_offered_in_version, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_shm_rules_and_seals, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_irb_and_dirty_from_memory, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_full_ring_counts_lost, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_bad_tail_is_harmless, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_scribbler, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_client_leaves_mid_io_with_area, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_doorbell_ssch, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_doorbell_errors_like_the_region, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_doorbell_scribbler, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_doorbell_runs_dasd_program_itself, setup_verbose, dp_teardown),
        cmocka_unit_test_setup_teardown(test_doorbell_loop_program_is_cleared, setup, dp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
