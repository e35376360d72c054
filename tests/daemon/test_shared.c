// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One DASD shared by two hosts (docs/shared-dasd.md): two ccwpassd, each
 * with its own state dir, socket and mdev, on ONE image marked
 * `shared = yes`, driven by two test VMMs.  What a guest on each host sees:
 *  - A reserves (0xB4): its SNID says "reserved by this path group", B's
 *    says "reserved by another"; B's I/O is held (the start stays pending,
 *    as on a 3990 reserved to another system) until A releases (0x94), and
 *    then B reads what A wrote under the reserve;
 *  - B steals the reserve (0x14): A, doing no I/O, gets an unsolicited unit
 *    check whose sense is the "reservation lost" Linux tests (byte 7 0x3F,
 *    byte 27 bit 0) — the daemon's watcher saw the steal (the report at the
 *    next program instead is tests/dev/test_shared.c's);
 *  - A's daemon is killed while it holds the reserve: it stays reserved
 *    until B's unconditional reserve breaks it.
 * "Held" is observed through B's daemon (`status` counts held starts), not
 * through a clock.  With SHARED_IMAGE in the environment (a volume made by
 * `ccwpass dasd create ... --shared`, e.g. rbd:POOL/IMAGE:conf=PATH: the
 * suite ceph runs it so, tests/ceph/shared_rbd.sh) every test uses that
 * volume instead of a new file.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define SCH "0.0.16ca"
#define GUARD_S 20
#define CCW_RESERVE 0xB4
#define CCW_RELEASE 0x94
#define CCW_SLCK    0x14
#define CCW_SNID    0x34
#define CCW_SENSE   0x04
#define SNID_LEN    12
#define RSV_LEN     32
#define SNID_RSV_MASK  0x30
#define SNID_RSV_SELF  0x30
#define SNID_RSV_OTHER 0x20
#define REC_LEN VMM_ECKD_REC_LEN
#define HEAD 3
#define BUF_OUT VMM_ECKD_OUT
#define BUF_IN VMM_ECKD_IN
#define BUF_CMD 0x30000
#define STATUS_REQ "{\"op\":\"status\"}"
#define HELD_KEY "\"held\":"

struct fx {
    struct dproc a, b;
    struct vmm va, vb;
    bool a_open, b_open;
};

/* One host: a daemon on the shared image, with an mdev. */
static int start_host(struct dproc *d, const char *image)
{
    d->guard_s = GUARD_S;
    return dp_start_conf(d, "shared.conf", false,
                         "[device 0.0.7e52]\nimage = %s\nsubchannel = " SCH "\nshared = yes\n", image) ||
           dp_make_mdev(d, SCH, TEST_UUID1) ? -1 : 0;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char img[1024];
    const char *given = getenv("SHARED_IMAGE");

    if (!f || dp_init(&f->a) || dp_init(&f->b))
        return -1;
    if (given)
        snprintf(img, sizeof img, "%s", given);
    else if (dp_make_image(&f->a, "shared.3390", 1, img, sizeof img))
        return -1;
    *state = f;
    if (start_host(&f->a, img) || start_host(&f->b, img))
        return -1;
    if (dp_open_vmm(&f->a, &f->va, TEST_UUID1, RAM_SIZE))
        return -1;
    f->a_open = true;
    if (dp_open_vmm(&f->b, &f->vb, TEST_UUID1, RAM_SIZE))
        return -1;
    f->b_open = true;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    int rc;

    if (f->a_open)
        vmm_close(&f->va);
    if (f->b_open)
        vmm_close(&f->vb);
    dp_stop(&f->a);
    dp_stop(&f->b);
    rc = dp_cleanup(&f->a) | dp_cleanup(&f->b);
    free(f);
    return rc;
}

/* One CCW at 0x1000 with its data at BUF_CMD; the IRB of its end. */
static void run1(struct vmm *v, uint8_t cmd, uint16_t count, struct irb *irb)
{
    vmm_put_ccw(v, 0x1000, cmd, CCW_FLAG_SLI, count, BUF_CMD);
    memset(v->ram + BUF_CMD, 0, RSV_LEN);
    assert_int_equal(vmm_run(v, 0x1000, irb), 0);
}

static void assert_normal_end(const struct irb *irb)
{
    assert_int_equal(irb->scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb->scsw.cstat, 0);
}

static void ok1(struct vmm *v, uint8_t cmd, uint16_t count)
{
    struct irb irb;

    run1(v, cmd, count, &irb);
    assert_normal_end(&irb);
}

/* SNID byte 0's reservation bits (tunedasd -Q: 0 none, 2 other, 3 reserved). */
static uint8_t snid_reserve(struct vmm *v)
{
    ok1(v, CCW_SNID, SNID_LEN);
    return v->ram[BUF_CMD] & SNID_RSV_MASK;
}

static void write_rec(struct vmm *v, uint8_t seed)
{
    struct irb irb;

    for (unsigned i = 0; i < REC_LEN; i++)
        v->ram[BUF_OUT + i] = (uint8_t)(i * 7 + seed);
    vmm_eckd_record(v, true, HEAD);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
}

static void assert_read_has(struct vmm *v, const struct irb *irb, uint8_t seed)
{
    assert_normal_end(irb);
    for (unsigned i = 0; i < REC_LEN; i++)
        if (v->ram[BUF_IN + i] != (uint8_t)(i * 7 + seed))
            fail_msg("byte %u of the record: %02x, written %02x", i, v->ram[BUF_IN + i], (uint8_t)(i * 7 + seed));
}

static void read_rec(struct vmm *v, uint8_t seed)
{
    struct irb irb;

    memset(v->ram + BUF_IN, 0, REC_LEN);
    vmm_eckd_record(v, false, HEAD);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_read_has(v, &irb, seed);
}

/* Starts of B's device held because another host has the reserve. */
static unsigned long held_starts(struct dproc *d)
{
    char *rep = NULL, *at;
    unsigned long n;

    assert_int_equal(dp_control(d, STATUS_REQ, &rep), 0);
    at = rep ? strstr(rep, HELD_KEY) : NULL;
    if (!at)
        fail_msg("no %s in the status: %s", HELD_KEY, rep ? rep : "(none)");
    n = strtoul(at + strlen(HELD_KEY), NULL, 10);
    free(rep);
    return n;
}

static bool irq_pending(struct vmm *v)
{
    struct pollfd p = { .fd = v->efd[VFIO_CCW_IO_IRQ_INDEX], .events = POLLIN };

    return poll(&p, 1, 0) == 1;
}

/* B starts a read; it is held (counted by B's daemon), no interrupt yet. */
static void b_read_is_held(struct fx *f)
{
    unsigned long before = held_starts(&f->b);
    char held[sizeof HELD_KEY + 24];
    struct orb o;

    memset(f->vb.ram + BUF_IN, 0, REC_LEN);
    vmm_eckd_record(&f->vb, false, HEAD);
    vmm_orb(&o, 0x1000, 7);
    assert_int_equal(vmm_ssch(&f->vb, &o), 0);
    snprintf(held, sizeof held, HELD_KEY "%lu", before + 1);
    assert_int_equal(dp_await_reply(&f->b, STATUS_REQ, held), 0);
    assert_false(irq_pending(&f->vb));
}

static void b_read_ends_with(struct fx *f, uint8_t seed)
{
    struct irb irb;
    int32_t rc;

    assert_int_equal(vmm_wait_irq(&f->vb, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&f->vb, &irb, &rc), 0);
    assert_read_has(&f->vb, &irb, seed);
}

static void test_reserve_holds_other_host(void **state)
{
    struct fx *f = *state;

    write_rec(&f->va, 1);
    read_rec(&f->vb, 1);                       /* nobody holds it: both work */
    assert_int_equal(snid_reserve(&f->va), 0);
    ok1(&f->va, CCW_RESERVE, RSV_LEN);
    assert_int_equal(snid_reserve(&f->va), SNID_RSV_SELF);
    assert_int_equal(snid_reserve(&f->vb), SNID_RSV_OTHER);   /* SNID works while reserved elsewhere */
    b_read_is_held(f);
    write_rec(&f->va, 2);                      /* under the reserve */
    assert_false(irq_pending(&f->vb));
    ok1(&f->va, CCW_RELEASE, RSV_LEN);
    b_read_ends_with(f, 2);                    /* released: B's read ran, and sees A's data */
    assert_int_equal(snid_reserve(&f->vb), 0);
    assert_int_equal(snid_reserve(&f->va), 0);
}

/* Sense of the last unit check: concurrent, or by a Sense command. */
static const uint8_t *sense_of(struct vmm *v, const struct irb *irb)
{
    static uint8_t s[RSV_LEN];

    if (irb->esw.cons) {
        memcpy(s, irb->ecw, sizeof s);
        return s;
    }
    ok1(v, CCW_SENSE, RSV_LEN);
    memcpy(s, v->ram + BUF_CMD, sizeof s);
    return s;
}

/* A former holder that does no I/O hears of the steal at once: an
 * unsolicited unit check (no function, as Linux's
 * dasd_eckd_check_for_device_change gets it) whose sense says
 * "reservation lost"; reported once. */
static void test_steal_interrupts_idle_holder(void **state)
{
    struct fx *f = *state;
    const uint8_t *s;
    struct irb irb;
    int32_t rc;

    ok1(&f->va, CCW_RESERVE, RSV_LEN);
    ok1(&f->vb, CCW_SLCK, RSV_LEN);
    assert_int_equal(vmm_wait_irq(&f->va, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&f->va, &irb, &rc), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_UNIT_CHECK);
    assert_int_equal(irb.scsw.fctl, 0);
    s = sense_of(&f->va, &irb);
    assert_int_equal(s[7], 0x3F);
    assert_true(s[27] & 0x80);
    assert_int_equal(snid_reserve(&f->va), SNID_RSV_OTHER);
    ok1(&f->vb, CCW_RELEASE, RSV_LEN);
    write_rec(&f->va, 5);                      /* no second report */
    assert_false(irq_pending(&f->va));
}

static void test_dead_holder_broken_by_steal(void **state)
{
    struct fx *f = *state;
    int status;

    write_rec(&f->va, 4);
    ok1(&f->va, CCW_RESERVE, RSV_LEN);
    assert_int_equal(kill(f->a.pid, SIGKILL), 0);
    assert_int_equal(waitpid(f->a.pid, &status, 0), f->a.pid);
    f->a.pid = 0;
    vmm_close(&f->va);
    f->a_open = false;
    assert_int_equal(snid_reserve(&f->vb), SNID_RSV_OTHER);   /* the dead host still holds it */
    b_read_is_held(f);
    /* the held read is cancelled (the guest's timeout), then the steal */
    int32_t rc;
    struct irb irb;
    assert_int_equal(vmm_async(&f->vb, VFIO_CCW_ASYNC_CMD_CSCH, &rc), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(vmm_wait_irq(&f->vb, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&f->vb, &irb, &rc), 0);
    assert_int_equal(irb.scsw.fctl & SCSW_FCTL_CLEAR, SCSW_FCTL_CLEAR);
    ok1(&f->vb, CCW_SLCK, RSV_LEN);
    assert_int_equal(snid_reserve(&f->vb), SNID_RSV_SELF);
    read_rec(&f->vb, 4);
    ok1(&f->vb, CCW_RELEASE, RSV_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reserve_holds_other_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steal_interrupts_idle_holder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_holder_broken_by_steal, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
