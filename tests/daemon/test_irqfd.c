// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A VMM must not stall ccwpassd through its own interrupt eventfds.
 *
 * The daemon keeps a dup of each eventfd a VMM passes with SET_IRQS; the dup
 * shares the VMM's open file description, O_NONBLOCK included.  A hostile
 * VMM clears O_NONBLOCK and fills the counter (0xfffffffffffffffe): a write
 * of 1 then blocks until somebody reads.  Before the fix the daemon wrote
 * the eventfd on the thread that raised the interrupt: the CRW of `chp off`
 * and the REQ of an mdev_remove on the event loop (the whole daemon hung),
 * the I/O interrupt on the subchannel's worker under the mdev's io_mutex
 * (the VMM's detach, and the event loop with it, hung).  Now each mdev's
 * eventfd writes are made by a notifier thread of its own: only that VMM's
 * interrupts wait.
 *
 * Each test: VMM A on device A with a hostile eventfd, VMM B on device B
 * (another channel path); the control socket and B must be served, A's
 * detach must be done (a new VMM attaches A's mdev and runs Sense ID), and
 * the daemon must exit 0 on SIGTERM.
 *
 * The same class: any fd a VMM passes that the daemon does not keep is
 * closed by the daemon, and close() of a file on a FUSE file system waits
 * for the server's answer to FLUSH -- a server the VMM may run.  Before the
 * fix the event loop closed it.  Guards, not timings: a reply that
 * does not come within GUARD_S seconds, or a daemon that has not exited
 * GUARD_S seconds after SIGTERM, fails the test instead of hanging it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "slowfs.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define GUARD_S 20
#define EVENTFD_FULL 0xfffffffffffffffeull   /* the largest count an eventfd holds */
#define IO_IRB 24
#define CHPID_VARIED 0x50                    /* A's first path, which `chp` varies */

struct fx {
    struct dproc d;
    struct slowfs *fs;    /* a FUSE file system served by this process, or NULL */
    int fuse_fd;          /* a file of it, open here, or -1 */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    f->fuse_fd = -1;
    if (dp_init(&f->d))
        return -1;
    f->d.guard_s = GUARD_S;
    /* A keeps a path (52) when 50 goes; B is on 51 alone */
    if (dp_start_two(&f->d, "50,52", "51"))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    int rc;

    if (f->fs)
        slowfs_gate_flushes(f->fs, true);   /* a close waiting in it goes on */
    if (f->fuse_fd >= 0)
        close(f->fuse_fd);
    dp_stop(&f->d);   /* bounded: a hung daemon must not hang the test run */
    slowfs_unmount(f->fs);
    rc = dp_cleanup(&f->d);
    free(f);
    return rc;
}

static void open_vmm(struct fx *f, struct vmm *v, const char *uuid)
{
    assert_int_equal(dp_open_vmm(&f->d, v, uuid, RAM_SIZE), 0);
}

/* A connection with the guard, not yet attached. */
static void connect_guarded(struct fx *f, struct vmm *v)
{
    assert_int_equal(vmm_connect(v, f->d.sock), 0);
    assert_int_equal(vmm_set_guard(v, GUARD_S), 0);
}

/* The hostile part: the shared file blocks, and its counter is full. */
static void make_eventfd_block(struct vmm *v, unsigned index)
{
    uint64_t full = EVENTFD_FULL;
    int fd = v->efd[index];
    int fl = fcntl(fd, F_GETFL);

    assert_true(fl >= 0);
    assert_int_equal(write(fd, &full, sizeof full), (ssize_t)sizeof full);
    assert_int_equal(fcntl(fd, F_SETFL, fl & ~O_NONBLOCK), 0);
}

/* SET_IRQS with a fresh eventfd for `index` (the old one is given up). */
static void replace_eventfd(struct vmm *v, unsigned index)
{
    struct {
        struct ccwp_irq_set s;
        int32_t fd;
    } req = { { sizeof req, CCWP_IRQ_SET_DATA_EVENTFD | CCWP_IRQ_SET_ACTION_TRIGGER, index, 0, 1 }, 0 };
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

    assert_true(fd >= 0);
    req.fd = fd;
    assert_int_equal(vmm_call(v, CCWP_CMD_SET_IRQS, &req, sizeof req, &fd, 1, NULL, 0, NULL), 0);
    close(v->efd[index]);
    v->efd[index] = fd;
}

/* The next CRW in A's region: a channel-path report for CHPID_VARIED. */
static void assert_crw_varied(struct vmm *v, uint8_t erc)
{
    uint32_t w = 0;
    struct crw c;

    assert_int_equal(vmm_read_crw(v, &w), 0);
    crw_decode(w, &c);
    assert_int_equal(c.rsc, CRW_RSC_CPATH);
    assert_int_equal(c.erc, erc);
    assert_int_equal(c.rsid, CHPID_VARIED);
}

static void sense_id_program(struct vmm *v)
{
    vmm_put_ccw(v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x2000);
    memset(v->ram + 0x2000, 0, 8);
}

static void assert_sense_id_data(const struct vmm *v, const struct irb *irb)
{
    assert_int_equal(irb->scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(v->ram[0x2001], 0x39);
    assert_int_equal(v->ram[0x2002], 0x90);
    assert_int_equal(v->ram[0x2004], 0x33);
    assert_int_equal(v->ram[0x2005], 0x90);
}

/* Sense ID through the I/O region: the device answers 3990/3390. */
static void sense_id(struct vmm *v)
{
    struct irb irb;

    sense_id_program(v);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_sense_id_data(v, &irb);
}

/* A has left: its mdev is closed, and a new VMM gets the device. */
static void a_detached(struct fx *f)
{
    struct vmm c;

    open_vmm(f, &c, TEST_UUID1);
    sense_id(&c);
    vmm_close(&c);
    assert_true(dp_log_contains(&f->d, "closed mdev " TEST_UUID1));
}

static void exits_cleanly(struct fx *f)
{
    assert_int_equal(dp_stop(&f->d), 0);
}

/* B served while A leaves and its device goes to a new VMM; a clean exit. */
static void a_leaves_b_served(struct fx *f, struct vmm *a, struct vmm *b)
{
    sense_id(b);
    vmm_close(a);
    a_detached(f);
    sense_id(b);
    vmm_close(b);
    exits_cleanly(f);
}

/* chp off: the CRW for A is raised on the event loop. */
static void test_full_crw_eventfd_stalls_nobody(void **state)
{
    struct fx *f = *state;
    struct vmm a, b;
    struct schib s;

    open_vmm(f, &a, TEST_UUID1);
    open_vmm(f, &b, TEST_UUID2);
    make_eventfd_block(&a, VFIO_CCW_CRW_IRQ_INDEX);

    assert_int_equal(dp_control(&f->d, "{\"op\":\"chp\",\"chpid\":\"0.50\",\"online\":false}", NULL), 0);
    sense_id(&b);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"chp\",\"chpid\":\"0.50\",\"online\":true}", NULL), 0);
    sense_id(&b);
    /* A's own device still works, on the path it kept and the one back */
    assert_int_equal(vmm_stsch(&a, &s), 0);
    assert_int_equal(s.pmcw.pam, 0xc0);
    sense_id(&a);
    /* A gives up the blocked eventfd (SET_IRQS, on the loop, returns) and
     * gets its reports: the region re-signals the new one while more remain */
    replace_eventfd(&a, VFIO_CCW_CRW_IRQ_INDEX);
    assert_crw_varied(&a, CRW_ERC_PERRN);
    assert_int_equal(vmm_wait_irq(&a, VFIO_CCW_CRW_IRQ_INDEX), 0);
    assert_crw_varied(&a, CRW_ERC_INIT);
    a_leaves_b_served(f, &a, &b);
}

/* The I/O interrupt is raised on A's subchannel worker, under io_mutex. */
static void test_full_io_eventfd_stalls_nobody(void **state)
{
    struct fx *f = *state;
    uint8_t io[CCW_IO_REGION_BYTES];
    struct vmm a, b;
    struct irb irb;
    struct orb o;

    open_vmm(f, &a, TEST_UUID1);
    open_vmm(f, &b, TEST_UUID2);
    assert_int_equal(vmm_shm_io(&a), 0);   /* to see A's IRB without the socket */
    make_eventfd_block(&a, VFIO_CCW_IO_IRQ_INDEX);

    sense_id_program(&a);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(&a, &o), 0);
    /* the completion has been handled: the IRB is published before the eventfd is written */
    do {
        assert_int_equal(vmm_shm_read_io(&a, io), 0);
        irb_decode(io + IO_IRB, &irb);
    } while (!(irb.scsw.stctl & SCSW_STCTL_PRIM));
    assert_sense_id_data(&a, &irb);

    sense_id(&b);
    /* A's region is readable: nothing holds its io_mutex */
    assert_int_equal(vmm_read_irb(&a, &irb, NULL), 0);
    assert_sense_id_data(&a, &irb);
    a_leaves_b_served(f, &a, &b);
}

/* mdev_remove of an open mdev raises REQ on the event loop. */
static void test_full_req_eventfd_stalls_nobody(void **state)
{
    struct fx *f = *state;
    char *rep = NULL;
    struct vmm a, b;

    open_vmm(f, &a, TEST_UUID1);
    open_vmm(f, &b, TEST_UUID2);
    make_eventfd_block(&a, VFIO_CCW_REQ_IRQ_INDEX);

    assert_int_equal(dp_control(&f->d, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}", &rep), EBUSY);
    free(rep);
    sense_id(&b);
    sense_id(&a);
    vmm_close(&a);
    a_detached(f);
    /* closed, the mdev can be removed */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}", NULL), 0);
    vmm_close(&b);
    exits_cleanly(f);
}

/* A FUSE file whose FLUSH the server holds, passed with messages that do
 * not take it (VERSION) and that refuse it (DMA_MAP: not a memory file). */
static void test_passed_fuse_fd_stalls_nobody(void **state)
{
    struct fx *f = *state;
    struct ccwp_version ver = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ | CCWP_DMA_WRITE, .size = RAM_SIZE };
    char back[256], mnt[256], path[300];
    struct vmm a, b, c;
    struct ccwp_hdr h;
    uint16_t major, minor;
    int fd, id_a, id_c;

    snprintf(back, sizeof back, "%s/fuse.back", f->d.dir);
    snprintf(mnt, sizeof mnt, "%s/fuse", f->d.dir);
    snprintf(path, sizeof path, "%s/f", mnt);
    fd = open(back, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, RAM_SIZE), 0);
    close(fd);
    assert_int_equal(mkdir(mnt, 0755), 0);
    f->fs = slowfs_mount(mnt, "f", back);
    assert_non_null(f->fs);
    f->fuse_fd = open(path, O_RDWR | O_CLOEXEC);
    assert_true(f->fuse_fd >= 0);

    open_vmm(f, &b, TEST_UUID2);
    slowfs_gate_flushes(f->fs, false);
    connect_guarded(f, &a);
    id_a = vmm_send(&a, CCWP_CMD_VERSION, &ver, sizeof ver, &f->fuse_fd, 1);
    assert_true(id_a > 0);
    assert_int_equal(slowfs_wait_flusher(f->fs), 0);   /* the daemon closes what it did not take */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"status\"}", NULL), 0);
    sense_id(&b);
    connect_guarded(f, &c);
    id_c = vmm_send(&c, CCWP_CMD_DMA_MAP, &m, sizeof m, &f->fuse_fd, 1);
    assert_true(id_c > 0);
    sense_id(&b);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"mdev_list\"}", NULL), 0);

    /* the server answers: A and C get their replies, and go on */
    slowfs_gate_flushes(f->fs, true);
    assert_int_equal(vmm_recv_reply(&a, &h, NULL, 0, NULL), 0);
    assert_int_equal(h.msg_id, id_a);
    assert_int_equal(h.error, 0);
    assert_int_equal(vmm_version(&a, &major, &minor), 0);
    assert_int_equal(major, CCWP_PROTO_MAJOR);
    assert_int_equal(vmm_recv_reply(&c, &h, NULL, 0, NULL), 0);
    assert_int_equal(h.msg_id, id_c);
    assert_true(h.flags & CCWP_F_ERROR);
    assert_int_equal(h.error, EPERM);   /* not a memory file: cannot be sealed */
    assert_int_equal(vmm_map_ram(&c, RAM_SIZE), 0);
    vmm_close(&a);
    vmm_close(&c);
    sense_id(&b);
    vmm_close(&b);
    exits_cleanly(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_crw_eventfd_stalls_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_io_eventfd_stalls_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_req_eventfd_stalls_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passed_fuse_fd_stalls_nobody, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
