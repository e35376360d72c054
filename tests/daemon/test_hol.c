// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * No head-of-line blocking between the devices of one ccwpassd (issue 10,
 * item 4): while one device waits on slow image storage, every other
 * device's I/O, its VMM's every command, the control verbs and the view are
 * served -- and the slow device's own VMM gets what docs/daemon.md promises.
 *
 * Slow storage comes two ways: the fault knob `stuck=1` (the device is in
 * the middle of a write that neither HSCH nor CSCH interrupts), and image
 * files on a FUSE file system (slowfs.c) that holds every write until the
 * test lets it go -- a 3490's cartridge and a 3390's image.  Before the fix
 * the tape case failed: `ccwpass status` waited on the drive's lock, held
 * across the image write, on the event loop, and B's Sense ID with it.  Ordering is by events: the
 * slow device is released only after the other checks passed.  A reply that
 * does not come within 20 s fails the test instead of hanging it (a guard,
 * not a timing).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "slowfs.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define SCH_A "0.0.16ca"
#define SCH_B "0.0.16cb"
#define SCH_T "0.0.0580"
#define DEVNO_T "0.0.0580"
#define UUID_T "5d6c7b8a-1e2f-4a3b-8c4d-e5f60718293a"
#define SCH_C "0.0.16cc"
#define UUID_C "9a8b7c6d-5e4f-4321-8fed-cba987654321"
#define GUARD_S 20
#define TAPE_WRITE 0x01     /* 3490 Write */
#define TAPE_BLOCK 80
#define REC_LEN VMM_ECKD_REC_LEN
#define BUF_OUT VMM_ECKD_OUT    /* what the programs write */
#define BUF_IN VMM_ECKD_IN      /* what they read */
#define EXTRA_IOVA 0x200000
#define STATUS_REQ "{\"op\":\"status\"}"

struct fx {
    struct dproc d;
    struct slowfs *fs;     /* the 3490's cartridge */
    struct slowfs *dfs;    /* DASD C's image */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char a[256], b[256], c[256], back[256], mnt[256], dmnt[256];
    int fd;

    if (!f || dp_init(&f->d) || dp_make_image(&f->d, "a.3390", 1, a, sizeof a) ||
        dp_make_image(&f->d, "b.3390", 1, b, sizeof b) || dp_make_image(&f->d, "c.back", 1, c, sizeof c))
        return -1;
    /* DASD C's image, seen through a slow file system */
    snprintf(dmnt, sizeof dmnt, "%s/slowd", f->d.dir);
    if (mkdir(dmnt, 0755))
        return -1;
    f->dfs = slowfs_mount(dmnt, "c.3390", c);
    if (!f->dfs)
        return -1;
    /* the cartridge: an empty AWS file, seen through the slow file system */
    snprintf(back, sizeof back, "%s/tape.back", f->d.dir);
    snprintf(mnt, sizeof mnt, "%s/slow", f->d.dir);
    fd = open(back, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || close(fd) || mkdir(mnt, 0755))
        return -1;
    f->fs = slowfs_mount(mnt, "t.aws", back);
    if (!f->fs)
        return -1;
    f->d.guard_s = GUARD_S;
    if (dp_start_conf(&f->d, "three.conf", true,
                      "[device 0.0.7e52]\nimage = %s\nsubchannel = %s\nchpids = 50\n\n"
                      "[device 0.0.7e53]\nimage = %s\nsubchannel = %s\nchpids = 50\n\n"
                      "[device 0.0.7e54]\nimage = %s/c.3390\nsubchannel = %s\nchpids = 50\n\n"
                      "[device " DEVNO_T "]\ntype = 3490\nimage = %s/t.aws\nchpids = 51\n",
                      a, SCH_A, b, SCH_B, dmnt, SCH_C, mnt) ||
        dp_make_mdevs(&f->d, SCH_A, TEST_UUID1, SCH_B, TEST_UUID2, SCH_T, UUID_T, SCH_C, UUID_C, NULL))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    int rc;

    slowfs_gate(f->fs, true);   /* a daemon stuck in a write can stop */
    slowfs_gate_reads(f->fs, true);
    slowfs_gate(f->dfs, true);
    dp_stop(&f->d);
    slowfs_unmount(f->fs);
    slowfs_unmount(f->dfs);
    rc = dp_cleanup(&f->d);
    free(f);
    return rc;
}

static void open_vmm(struct fx *f, struct vmm *v, const char *uuid)
{
    assert_int_equal(dp_open_vmm(&f->d, v, uuid, RAM_SIZE), 0);
}

static void assert_reply_has(struct fx *f, const char *req, const char *needle)
{
    char *rep = NULL;

    assert_int_equal(dp_control(&f->d, req, &rep), 0);
    assert_non_null(rep);
    if (!strstr(rep, needle))
        fail_msg("'%s' not in the reply to %s: %s", needle, req, rep);
    free(rep);
}

/* A file of the view, read whole (the view is served by the event loop). */
static void assert_view_has(struct fx *f, const char *rel, const char *needle)
{
    char path[512], buf[256];
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "%s/%s", f->d.view, rel);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    assert_true(n > 0);
    buf[n] = 0;
    assert_non_null(strstr(buf, needle));
}

static void assert_normal_end(const struct irb *irb)
{
    assert_int_equal(irb->scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb->scsw.cstat, 0);
}

/* Sense ID through the I/O region: the device answers 3990/3390. */
static void sense_id(struct vmm *v)
{
    struct irb irb;

    vmm_put_ccw(v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x2000);
    memset(v->ram + 0x2000, 0, 8);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_int_equal(v->ram[0x2001], 0x39);
    assert_int_equal(v->ram[0x2004], 0x33);
}

/* A record written and read back: data through the device and the image. */
static void write_read(struct vmm *v, uint8_t seed)
{
    struct irb irb;

    for (unsigned i = 0; i < REC_LEN; i++)
        v->ram[BUF_OUT + i] = (uint8_t)(i * 13 + seed);
    vmm_eckd_record(v, true, 3);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    memset(v->ram + BUF_IN, 0, REC_LEN);
    vmm_eckd_record(v, false, 3);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_memory_equal(v->ram + BUF_IN, v->ram + BUF_OUT, REC_LEN);
}

/* The last read's buffer is in the dirty log. */
static void assert_dirty_has_read(struct vmm *v)
{
    uint8_t rep[sizeof(struct ccwp_dirty) + CCWP_DIRTY_MAX * sizeof(struct ccwp_range)];
    struct ccwp_dirty d;
    bool found = false;

    assert_int_equal(vmm_call(v, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, rep, sizeof rep, NULL), 0);
    memcpy(&d, rep, sizeof d);
    for (unsigned i = 0; i < d.count; i++) {
        struct ccwp_range r;
        memcpy(&r, rep + sizeof d + i * sizeof r, sizeof r);
        found |= r.iova <= BUF_IN && BUF_IN + REC_LEN <= r.iova + r.len;
    }
    assert_true(found);
}

/* A second memory region mapped and unmapped again. */
static void dma_map_unmap(struct vmm *v)
{
    int fd = vmm_sealed_memfd("extra", RAM_SIZE);
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ | CCWP_DMA_WRITE, .iova = EXTRA_IOVA,
                              .size = RAM_SIZE };
    struct ccwp_dma_unmap u = { .argsz = sizeof u, .iova = EXTRA_IOVA, .size = RAM_SIZE };

    assert_true(fd >= 0);
    assert_int_equal(vmm_call(v, CCWP_CMD_DMA_MAP, &m, sizeof m, &fd, 1, NULL, 0, NULL), 0);
    close(fd);
    assert_int_equal(vmm_call(v, CCWP_CMD_DMA_UNMAP, &u, sizeof u, NULL, 0, NULL, 0, NULL), 0);
}

/* Everything a VMM and an admin do with B, each answered while A is slow. */
static void b_is_served(struct fx *f, struct vmm *b)
{
    struct schib s;
    uint32_t crw = 1;

    sense_id(b);
    write_read(b, 7);
    assert_dirty_has_read(b);
    assert_int_equal(vmm_stsch(b, &s), 0);
    assert_int_equal(s.pmcw.dev, 0x7e53);
    assert_int_equal(vmm_read_crw(b, &crw), 0);
    assert_int_equal(crw, 0);
    dma_map_unmap(b);
    assert_int_equal(vmm_call(b, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL), 0);
    sense_id(b);
    assert_reply_has(f, "{\"op\":\"status\"}", "\"sch\":\"" SCH_B "\"");
    assert_reply_has(f, "{\"op\":\"mdev_list\"}", TEST_UUID2);
    assert_view_has(f, "sys/bus/css/devices/" SCH_A "/type", "0");
    assert_view_has(f, "sys/bus/css/devices/" SCH_B "/type", "0");
}

static bool irq_pending(struct vmm *v)
{
    struct pollfd p = { .fd = v->efd[VFIO_CCW_IO_IRQ_INDEX], .events = POLLIN };

    return poll(&p, 1, 0) == 1;
}

static void set_stuck(struct fx *f, bool on)
{
    assert_int_equal(dp_control(&f->d, on ? "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":600000,\"stuck\":1}"
                                   : "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":0,\"stuck\":0}",
                             NULL), 0);
}

/* Fault delays A's worker has begun ("delays" of its fault in `status`). */
static unsigned long a_delays(struct fx *f)
{
    char *rep = NULL, *at;
    unsigned long n;

    assert_int_equal(dp_control(&f->d, STATUS_REQ, &rep), 0);
    at = rep ? strstr(rep, "\"sch\":\"" SCH_A "\"") : NULL;
    at = at ? strstr(at, "\"delays\":") : NULL;
    assert_non_null(at);
    n = strtoul(at + strlen("\"delays\":"), NULL, 10);
    free(rep);
    return n;
}

/* A starts a write and is stuck in it: the device waits in its first
 * command (an event the daemon counts), so a halt or clear now meets the
 * device in the middle of the transfer, not before it began. */
static void a_starts_stuck_write(struct fx *f, struct vmm *a)
{
    unsigned long before;
    struct orb o;

    set_stuck(f, true);
    before = a_delays(f);
    memset(a->ram + BUF_OUT, 0xa5, REC_LEN);
    vmm_eckd_record(a, true, 2);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(a, &o), 0);
    while (a_delays(f) == before)
        ;
}

static void test_stuck_dasd_delays_no_other(void **state)
{
    struct fx *f = *state;
    struct vmm a, b;
    struct irb irb;
    int32_t ret = -1;
    char *rep = NULL;

    open_vmm(f, &a, TEST_UUID1);
    open_vmm(f, &b, TEST_UUID2);

    /* 1: A stuck in a write; A's own HSCH is accepted and waits for the device */
    a_starts_stuck_write(f, &a);
    b_is_served(f, &b);
    assert_int_equal(vmm_async(&a, VFIO_CCW_ASYNC_CMD_HSCH, &ret), 0);
    assert_int_equal(ret, 0);
    b_is_served(f, &b);
    vmm_close(&b);                   /* B's VMM leaves (release) and comes back (ATTACH) */
    open_vmm(f, &b, TEST_UUID2);
    sense_id(&b);
    assert_false(irq_pending(&a));   /* the halt has not ended A's write */
    set_stuck(f, false);
    assert_int_equal(vmm_wait_irq(&a, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&a, &irb, NULL), 0);
    assert_true(irb.scsw.fctl & SCSW_FCTL_HALT);
    sense_id(&a);

    /* 2: A stuck again; its CSCH likewise */
    a_starts_stuck_write(f, &a);
    assert_int_equal(vmm_async(&a, VFIO_CCW_ASYNC_CMD_CSCH, &ret), 0);
    assert_int_equal(ret, 0);
    b_is_served(f, &b);
    assert_false(irq_pending(&a));
    set_stuck(f, false);
    assert_int_equal(vmm_wait_irq(&a, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&a, &irb, NULL), 0);
    assert_true(irb.scsw.fctl & SCSW_FCTL_CLEAR);
    sense_id(&a);

    /* 3: A stuck again; its DEVICE_RESET is answered only after the device lets go */
    a_starts_stuck_write(f, &a);
    struct ccwp_hdr req = { .msg_id = 91, .command = CCWP_CMD_DEVICE_RESET, .size = sizeof req,
                            .flags = CCWP_F_COMMAND };
    struct ccwp_hdr rh;
    size_t rlen;
    assert_int_equal(vmm_send_raw(&a, &req, sizeof req), 0);
    b_is_served(f, &b);
    /* unbinding A's subchannel would remove the mdev under the reset: refused at once */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"unbind\",\"sch\":\"" SCH_A "\"}", &rep), EBUSY);
    assert_non_null(strstr(rep, "being released or reset"));
    free(rep);
    sense_id(&b);
    set_stuck(f, false);
    assert_int_equal(vmm_recv_reply(&a, &rh, NULL, 0, &rlen), 0);
    assert_int_equal(rh.msg_id, 91);
    assert_int_equal(rh.error, 0);
    /* the reset's clear ended the write with an interrupt before the reply,
     * as the kernel's reset signals it too: the VMM takes it */
    assert_int_equal(vmm_wait_irq(&a, VFIO_CCW_IO_IRQ_INDEX), 0);
    sense_id(&a);
    write_read(&a, 3);
    vmm_close(&a);
    vmm_close(&b);
}

#define CTL_ID 5

/* A CONTROL request sent on a fresh connection; the reply is not awaited. */
static void control_sent(struct fx *f, struct vmm *adm, const char *json)
{
    size_t n = strlen(json) + 1;
    struct ccwp_hdr h = { .msg_id = CTL_ID, .command = CCWP_CMD_CONTROL, .size = (uint32_t)(sizeof h + n),
                          .flags = CCWP_F_COMMAND };
    uint8_t *msg = malloc(sizeof h + n);

    assert_non_null(msg);
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, json, n);
    assert_int_equal(vmm_connect(adm, f->d.sock), 0);
    assert_int_equal(vmm_set_guard(adm, GUARD_S), 0);
    assert_int_equal(vmm_send_raw(adm, msg, sizeof h + n), 0);
    free(msg);
}

/* Its reply: success, with `needle` in the JSON. */
static void control_answered(struct vmm *adm, const char *needle)
{
    static char rep[1 << 16];
    struct ccwp_hdr h;
    size_t len = 0;

    assert_int_equal(vmm_recv_reply(adm, &h, rep, sizeof rep - 1, &len), 0);
    assert_int_equal(h.msg_id, CTL_ID);
    rep[len < sizeof rep - 1 ? len : sizeof rep - 1] = 0;
    if (h.error || !strstr(rep, needle))
        fail_msg("error %u, '%s' expected in: %s", h.error, needle, rep);
    vmm_close(adm);
}

static void status_sent(struct fx *f, struct vmm *adm)
{
    control_sent(f, adm, STATUS_REQ);
}

static void status_answered(struct vmm *adm)
{
    control_answered(adm, "\"sch\":\"" SCH_T "\"");
}

static void test_slow_tape_storage_delays_no_other(void **state)
{
    struct fx *f = *state;
    struct vmm t, b, adm;
    struct irb irb;
    struct orb o;
    char *rep = NULL;

    open_vmm(f, &t, UUID_T);
    open_vmm(f, &b, TEST_UUID2);
    assert_reply_has(f, "{\"op\":\"status\"}", "\"blockid\":0");

    /* the drive writes a block; its image storage holds the write */
    slowfs_gate(f->fs, false);
    memset(t.ram + BUF_OUT, 0x5a, TAPE_BLOCK);
    vmm_put_ccw(&t, 0x1000, TAPE_WRITE, 0, TAPE_BLOCK, BUF_OUT);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(&t, &o), 0);
    assert_int_equal(slowfs_wait_writer(f->fs), 0);

    /* an admin asks for the status; B's Sense ID is answered meanwhile, and so is the admin */
    status_sent(f, &adm);
    sense_id(&b);
    status_answered(&adm);
    b_is_served(f, &b);
    /* unloading the busy drive is refused at once, not after the write */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"tape_unload\",\"devno\":\"" DEVNO_T "\"}", &rep), EBUSY);
    assert_non_null(strstr(rep, "running"));
    free(rep);
    assert_view_has(f, "sys/bus/css/devices/" SCH_T "/type", "0");
    assert_false(irq_pending(&t));   /* the block is still on its way */

    slowfs_gate(f->fs, true);
    assert_int_equal(vmm_wait_irq(&t, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&t, &irb, NULL), 0);
    assert_normal_end(&irb);
    assert_reply_has(f, "{\"op\":\"status\"}", "\"blockid\":1");
    vmm_close(&t);
    vmm_close(&b);
}

/* DASD C's image storage holds its track write: B, the verbs and the view go on. */
static void test_slow_dasd_storage_delays_no_other(void **state)
{
    struct fx *f = *state;
    struct vmm c, b, adm;
    struct irb irb;
    struct orb o;

    open_vmm(f, &c, UUID_C);
    open_vmm(f, &b, TEST_UUID2);
    slowfs_gate(f->dfs, false);
    for (unsigned i = 0; i < REC_LEN; i++)
        c.ram[BUF_OUT + i] = (uint8_t)(i * 5 + 1);
    vmm_eckd_record(&c, true, 4);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(&c, &o), 0);
    assert_int_equal(slowfs_wait_writer(f->dfs), 0);

    status_sent(f, &adm);
    sense_id(&b);
    status_answered(&adm);
    b_is_served(f, &b);
    assert_false(irq_pending(&c));   /* the track is still on its way */

    slowfs_gate(f->dfs, true);
    assert_int_equal(vmm_wait_irq(&c, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&c, &irb, NULL), 0);
    assert_normal_end(&irb);
    memset(c.ram + BUF_IN, 0, REC_LEN);
    vmm_eckd_record(&c, false, 4);
    assert_int_equal(vmm_run(&c, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_memory_equal(c.ram + BUF_IN, c.ram + BUF_OUT, REC_LEN);
    vmm_close(&c);
    vmm_close(&b);
}

/* `tape load` of a cartridge whose storage holds its reads: the drive's
 * loading waits, the rest of the daemon does not. */
static void test_slow_tape_load_delays_no_other(void **state)
{
    struct fx *f = *state;
    struct vmm t, b, adm;
    struct irb irb;
    char req[512];

    open_vmm(f, &t, UUID_T);
    open_vmm(f, &b, TEST_UUID2);
    memset(t.ram + BUF_OUT, 0x5a, TAPE_BLOCK);   /* one block: the load has something to read */
    vmm_put_ccw(&t, 0x1000, TAPE_WRITE, 0, TAPE_BLOCK, BUF_OUT);
    assert_int_equal(vmm_run(&t, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"tape_unload\",\"devno\":\"" DEVNO_T "\"}", NULL), 0);

    slowfs_gate_reads(f->fs, false);
    snprintf(req, sizeof req, "{\"op\":\"tape_load\",\"devno\":\"" DEVNO_T "\",\"path\":\"%s/slow/t.aws\"}",
             f->d.dir);
    control_sent(f, &adm, req);
    assert_int_equal(slowfs_wait_reader(f->fs), 0);   /* the daemon reads the cartridge */

    sense_id(&b);
    b_is_served(f, &b);
    assert_reply_has(f, STATUS_REQ, "\"loaded\":false");   /* not yet */

    slowfs_gate_reads(f->fs, true);
    control_answered(&adm, "\"ok\":true");
    assert_reply_has(f, STATUS_REQ, "\"blockid\":0");
    vmm_close(&t);
    vmm_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stuck_dasd_delays_no_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_tape_storage_delays_no_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_dasd_storage_delays_no_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_tape_load_delays_no_other, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
