// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd over its VMM socket, against a real daemon process: channel
 * programs on the default 3390 (Sense ID, reading the VOL1 label, a write
 * that must land in the image), HSCH/CSCH of a slow program, two VMMs on
 * two mdevs, and the protocol's error paths (unknown UUID, double ATTACH,
 * malformed/truncated/out-of-order messages, a VMM that dies mid-I/O, a
 * DMA_MAP without a memory fd, guest memory that could shrink, too many DMA
 * maps, running out of fds) after which the daemon must keep serving.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "daemon/server.h"
#include "harness.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define SCH "0.0.16ca"

struct fx {
    struct dproc d;    /* first: dp_teardown() */
    char image[256];
};

/* A daemon on a new 3-cylinder image NAME, started with --image and up to
 * two more arguments (NULL-terminated), and an mdev on its subchannel. */
static int setup_with(void **state, const char *name, const char *arg1, const char *arg2)
{
    struct fx *f = calloc(1, sizeof *f);
    const char *extra[] = { arg1, arg2, NULL };
    if (!f || dp_init(&f->d) || dp_start_image(&f->d, name, 3, f->image, sizeof f->image, extra) ||
        dp_make_mdev(&f->d, SCH, TEST_UUID1))
        return -1;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, "dasd.3390", NULL, NULL);
}

/* A VMM attached to the mdev, with RAM and eventfds. */
static void open_vmm(struct fx *f, struct vmm *v, const char *uuid)
{
    assert_int_equal(dp_open_vmm(&f->d, v, uuid, RAM_SIZE), 0);
}

static void sense_id_program(struct vmm *v)
{
    memset(v->ram + 0x2000, 0, 64);
    vmm_put_ccw(v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, 0x2000);
}

static void assert_sense_id_3990_3390(struct vmm *v)
{
    static const uint8_t want[] = { 0xFF, 0x39, 0x90, 0xE9, 0x33, 0x90, 0x0C };
    assert_memory_equal(v->ram + 0x2000, want, sizeof want);
}

static void assert_normal_end(const struct irb *irb)
{
    assert_int_equal(irb->scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb->scsw.cstat, 0);
    assert_true(irb->scsw.stctl & SCSW_STCTL_PEND);
}

static void test_sense_id(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    uint16_t maj, min;
    open_vmm(f, &v, TEST_UUID1);
    assert_int_equal(vmm_version(&v, &maj, &min), 0);
    assert_int_equal(maj, CCWP_PROTO_MAJOR);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_sense_id_3990_3390(&v);
    assert_int_equal(irb.scsw.cpa, 0x1008);   /* last CCW + 8 */
    vmm_close(&v);
}

static void test_device_and_region_info(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct ccwp_device_info di;
    open_vmm(f, &v, TEST_UUID1);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DEVICE_GET_INFO, NULL, 0, NULL, 0, &di, sizeof di, NULL), 0);
    assert_int_equal(di.flags, VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET);
    assert_int_equal(di.num_regions, 4);
    assert_int_equal(di.num_irqs, 3);

    struct ccwp_region_info ri = { .argsz = sizeof ri, .index = 0 };
    uint8_t rep[64];
    size_t n;
    assert_int_equal(vmm_call(&v, CCWP_CMD_GET_REGION_INFO, &ri, sizeof ri, NULL, 0, rep, sizeof rep, &n), 0);
    memcpy(&ri, rep, sizeof ri);
    assert_int_equal(ri.size, CCW_IO_REGION_SIZE);
    assert_int_equal(ri.offset, 0);
    assert_int_equal(ri.flags & VFIO_REGION_INFO_FLAG_CAPS, 0);

    /* argsz too small for the capability: told how much is needed */
    ri = (struct ccwp_region_info){ .argsz = sizeof ri, .index = 2 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_GET_REGION_INFO, &ri, sizeof ri, NULL, 0, rep, sizeof rep, &n), 0);
    memcpy(&ri, rep, sizeof ri);
    assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
    assert_int_equal(ri.argsz, sizeof ri + sizeof(struct ccwp_region_info_cap_type));
    assert_int_equal(ri.cap_offset, 0);
    assert_int_equal(ri.offset, 2u << VFIO_CCW_OFFSET_SHIFT);

    /* asked again with room: the type capability follows */
    ri = (struct ccwp_region_info){ .argsz = 48, .index = 2 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_GET_REGION_INFO, &ri, sizeof ri, NULL, 0, rep, sizeof rep, &n), 0);
    assert_int_equal(n, 48);
    struct ccwp_region_info_cap_type cap;
    memcpy(&ri, rep, sizeof ri);
    memcpy(&cap, rep + ri.cap_offset, sizeof cap);
    assert_int_equal(ri.cap_offset, 32);
    assert_int_equal(cap.header.id, VFIO_REGION_INFO_CAP_TYPE);
    assert_int_equal(cap.header.version, 1);
    assert_int_equal(cap.type, VFIO_REGION_TYPE_CCW);
    assert_int_equal(cap.subtype, VFIO_REGION_SUBTYPE_CCW_SCHIB);
    assert_int_equal(ri.size, CCW_SCHIB_REGION_SIZE);

    ri = (struct ccwp_region_info){ .argsz = sizeof ri, .index = 9 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_GET_REGION_INFO, &ri, sizeof ri, NULL, 0, rep, sizeof rep, &n), EINVAL);

    struct ccwp_irq_info ii = { .argsz = sizeof ii, .index = VFIO_CCW_REQ_IRQ_INDEX };
    assert_int_equal(vmm_call(&v, CCWP_CMD_GET_IRQ_INFO, &ii, sizeof ii, NULL, 0, &ii, sizeof ii, NULL), 0);
    assert_int_equal(ii.count, 1);
    assert_int_equal(ii.flags, VFIO_IRQ_INFO_EVENTFD);

    /* an interrupt must go to an eventfd, not to something that can block */
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    struct {
        struct ccwp_irq_set s;
        int32_t fd;
    } set = { { sizeof set, CCWP_IRQ_SET_DATA_EVENTFD | CCWP_IRQ_SET_ACTION_TRIGGER, 0, 0, 1 }, devnull };
    assert_int_equal(vmm_call(&v, CCWP_CMD_SET_IRQS, &set, sizeof set, &devnull, 1, NULL, 0, NULL), EINVAL);
    close(devnull);
    set.s.flags = CCWP_IRQ_SET_DATA_EVENTFD | CCWP_IRQ_SET_ACTION_MASK;
    assert_int_equal(vmm_call(&v, CCWP_CMD_SET_IRQS, &set, sizeof set, NULL, 0, NULL, 0, NULL), EINVAL);

    struct schib s;
    assert_int_equal(vmm_stsch(&v, &s), 0);
    assert_int_equal(s.pmcw.dev, 0x7e52);
    assert_true(s.pmcw.dnv);
    assert_int_equal(s.pmcw.pim, 0x80);
    assert_int_equal(s.pmcw.chpid[0], 0x50);
    vmm_close(&v);
}

/* DE + LR + Read Data (0x86) of cylinder 0, head 0, record 3: the VOL1 label. */
static void test_read_vol1(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    static const uint8_t vol1[] = { 0xE5, 0xD6, 0xD3, 0xF1 };   /* "VOL1" in EBCDIC */
    static const uint8_t tst001[] = { 0xE3, 0xE2, 0xE3, 0xF0, 0xF0, 0xF1 };
    open_vmm(f, &v, TEST_UUID1);
    vmm_define_extent(v.ram + 0x3000, 0x40, 0, 0, 0, 0);
    vmm_locate_record(v.ram + 0x3010, 0x06, 1, 0, 0, 3, 80);
    vmm_put_ccw(&v, 0x1000, 0x63, CCW_FLAG_CC, 16, 0x3000);
    vmm_put_ccw(&v, 0x1008, 0x47, CCW_FLAG_CC, 16, 0x3010);
    vmm_put_ccw(&v, 0x1010, 0x86, 0, 80, 0x4000);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_memory_equal(v.ram + 0x4000, vol1, sizeof vol1);
    assert_memory_equal(v.ram + 0x4004, tst001, sizeof tst001);   /* volser follows "VOL1" */
    vmm_close(&v);
}

/* Write Data (0x85) of cylinder 0, head 2, record 1: read back through the
 * daemon, then found in the image file after the daemon has exited. */
static void test_write_lands_in_image(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    uint8_t pattern[4096];
    for (unsigned i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + 3);
    open_vmm(f, &v, TEST_UUID1);
    memcpy(v.ram + 0x10000, pattern, sizeof pattern);
    vmm_eckd_record(&v, true, 2);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    vmm_eckd_record(&v, false, 2);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_memory_equal(v.ram + 0x20000, pattern, sizeof pattern);
    vmm_close(&v);
    assert_int_equal(dp_stop(&f->d), 0);

    char err[256];
    static uint8_t trk[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    size_t len;
    const char *why;
    struct img *im = img_open(f->image, true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_read_track(im, 0, 2, trk, sizeof trk, &len), 0);
    assert_int_equal(ckd_track_parse(trk, len, &t, &why), 0);
    assert_true(t.nrecs >= 2);
    assert_int_equal(t.rec[1].rec, 1);
    assert_int_equal(t.rec[1].dl, 4096);
    assert_memory_equal(trk + t.rec[1].off + CKD_COUNT_SIZE + t.rec[1].kl, pattern, sizeof pattern);
    img_close(im);
}

/* --trace eckd,chan: one line per command of each traced area, none of the others. */
static int setup_trace(void **state)
{
    return setup_with(state, "trace.3390", "--trace", "eckd,chan");
}

static void test_trace_areas(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;

    open_vmm(f, &v, TEST_UUID1);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    vmm_close(&v);
    assert_true(dp_log_contains(&f->d, "trace eckd: 7e52: #0 e4 "));
    /* the channel sees the translated program (its own addresses) */
    assert_true(dp_log_contains(&f->d, " cmd e4 flags 24 count 40 -> len 20 unitstat 0c"));
    assert_true(dp_log_contains(&f->d, "trace chan: done cpa "));
    assert_false(dp_log_contains(&f->d, "trace tape:"));
}

/*
 * A 3390-3 (3339 cylinders): the model the view's devtype shows is the one
 * the guest's Sense ID reads (0x0A), as on a kernel, where both come from
 * the device's Sense ID data.
 */
static void test_model_in_view_and_sense_id(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char path[512], devtype[16] = "";
    struct vmm v;
    struct irb irb;
    FILE *fp;

    (void)state;
    assert_non_null(f);
    assert_int_equal(dp_init(&f->d), 0);
    /* no image: a CCKD volume in the state dir */
    assert_int_equal(dp_start_conf(&f->d, "model3.conf", true, "[device 0.0.7e52]\nsubchannel = 0.0.16ca\ncyls = 3339\n"),
                     0);
    snprintf(path, sizeof path, "%s/sys/bus/ccw/devices/0.0.7e52/devtype", f->d.view);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(devtype, sizeof devtype, fp));
    fclose(fp);
    assert_string_equal(devtype, "3390/0a\n");
    assert_int_equal(dp_make_mdev(&f->d, SCH, TEST_UUID1), 0);
    open_vmm(f, &v, TEST_UUID1);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_int_equal(v.ram[0x2004], 0x33);
    assert_int_equal(v.ram[0x2005], 0x90);
    assert_int_equal(v.ram[0x2006], 0x0A);     /* 3390 model 3 */
    vmm_close(&v);
    assert_int_equal(dp_cleanup(&f->d), 0);
    free(f);
}

/* --readonly: writes end in unit check, the image is untouched. */
static int setup_readonly(void **state)
{
    return setup_with(state, "ro.3390", "--readonly", NULL);
}

static void test_readonly_volume(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    open_vmm(f, &v, TEST_UUID1);
    memset(v.ram + 0x10000, 0xAB, 4096);
    vmm_eckd_record(&v, true, 2);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
    /* reads still work, and the record still holds what dasdinit put there */
    vmm_eckd_record(&v, false, 2);
    memset(v.ram + 0x20000, 0xAB, 4096);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    for (unsigned i = 0; i < 4096; i++)
        assert_int_not_equal(v.ram[0x20000 + i], 0xAB);
    vmm_close(&v);
}

static void set_delay(struct fx *f, unsigned ms)
{
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"fault\",\"sch\":\"%s\",\"delay_ms\":%u}", SCH, ms);
    assert_int_equal(dp_control(&f->d, req, NULL), 0);
}

/* A program made slow by fault injection; HSCH (then CSCH) ends it early. */
static void halt_or_clear(struct fx *f, uint32_t cmd, uint8_t fctl)
{
    struct vmm v;
    struct irb irb;
    struct orb o;
    int32_t ret = -1;
    open_vmm(f, &v, TEST_UUID1);
    set_delay(f, 60000);
    for (int i = 0; i < 8; i++)
        vmm_put_ccw(&v, 0x1000 + 8 * i, CCW_CMD_NOOP, i < 7 ? CCW_FLAG_CC : 0, 1, 0);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(&v, &o), 0);
    assert_int_equal(vmm_async(&v, cmd, &ret), 0);
    assert_int_equal(ret, 0);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_irb(&v, &irb, NULL), 0);
    assert_true(irb.scsw.fctl & fctl);
    assert_true(irb.scsw.stctl & SCSW_STCTL_PEND);
    set_delay(f, 0);
    /* the subchannel is usable again */
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_normal_end(&irb);
    assert_sense_id_3990_3390(&v);
    vmm_close(&v);
}

static void test_hsch_long_program(void **state)
{
    halt_or_clear(*state, VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT);
}

static void test_csch_long_program(void **state)
{
    halt_or_clear(*state, VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR);
}

static void test_unknown_uuid_and_double_attach(void **state)
{
    struct fx *f = *state;
    struct vmm a, b;
    open_vmm(f, &a, TEST_UUID1);
    assert_int_equal(vmm_connect(&b, f->d.sock), 0);
    assert_int_equal(vmm_attach(&b, TEST_UUID2), ENOENT);
    assert_int_equal(vmm_attach(&b, "not-a-uuid"), ENOENT);
    assert_int_equal(vmm_attach(&b, TEST_UUID1), EBUSY);     /* open by a */
    assert_int_equal(vmm_attach(&a, TEST_UUID1), EBUSY);     /* already attached */
    vmm_close(&a);
    /* released with a's connection: b may open it now */
    assert_int_equal(vmm_map_ram(&b, RAM_SIZE), 0);
    assert_int_equal(vmm_attach(&b, TEST_UUID1), 0);
    vmm_close(&b);
}

/* After each abuse, a well-behaved VMM still gets its Sense ID done. */
static void assert_still_serving(struct fx *f)
{
    struct vmm v;
    struct irb irb;
    open_vmm(f, &v, TEST_UUID1);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_sense_id_3990_3390(&v);
    vmm_close(&v);
}

static void test_malformed_messages(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct ccwp_hdr h = { .msg_id = 1, .command = CCWP_CMD_VERSION, .size = 8 };
    char junk[8];

    /* size below the header: the daemon hangs up */
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_send_raw(&v, &h, sizeof h), 0);
    assert_true(recv(v.fd, junk, sizeof junk, 0) <= 0);
    vmm_close(&v);

    /* oversize */
    h.size = CCWP_MAX_MSG + 1;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_send_raw(&v, &h, sizeof h), 0);
    assert_true(recv(v.fd, junk, sizeof junk, 0) <= 0);
    vmm_close(&v);

    /* truncated: a header promising 100 bytes, 10 sent, then gone */
    h.size = 100;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_send_raw(&v, &h, sizeof h), 0);
    assert_int_equal(vmm_send_raw(&v, "0123456789", 10), 0);
    vmm_close(&v);

    /* well-framed but wrong: error replies, connection stays */
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_call(&v, 0x7777, "x", 1, NULL, 0, NULL, 0, NULL), EOPNOTSUPP);
    uint8_t buf[16];
    assert_int_equal(vmm_region_read(&v, 0, 0, buf, sizeof buf, NULL), ENODEV);   /* before ATTACH */
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_UNMAP, "abc", 3, NULL, 0, NULL, 0, NULL), EINVAL);
    assert_int_equal(vmm_call(&v, CCWP_CMD_CONTROL, "{nope", 5, NULL, 0, NULL, 0, NULL), EINVAL);
    struct ccwp_version old = { 0, 9 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_VERSION, &old, sizeof old, NULL, 0, NULL, 0, NULL), ENOTSUP);
    /* a reply-typed message is not a command */
    struct ccwp_hdr r = { .msg_id = 9, .command = CCWP_CMD_VERSION, .size = sizeof r, .flags = CCWP_F_REPLY };
    struct ccwp_hdr rh;
    assert_int_equal(vmm_send_raw(&v, &r, sizeof r), 0);
    assert_int_equal(vmm_recv_reply(&v, &rh, NULL, 0, NULL), 0);
    assert_true(rh.flags & CCWP_F_ERROR);
    assert_int_equal(rh.error, EINVAL);
    vmm_close(&v);

    assert_still_serving(f);
}

static void test_region_errors(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    uint8_t buf[256];
    open_vmm(f, &v, TEST_UUID1);
    assert_int_equal(vmm_region_read(&v, 0, 100, buf, 100, NULL), EINVAL);      /* past the region */
    assert_int_equal(vmm_region_write(&v, 3, 0, buf, 8, NULL), EINVAL);         /* CRW region is RO */
    uint8_t cmd[CCW_CMD_REGION_SIZE] = { 0 };
    be32_put(cmd, 0x80);                                                        /* neither HSCH nor CSCH */
    assert_int_equal(vmm_region_write(&v, 1, 0, cmd, sizeof cmd, NULL), EINVAL);
    /* transport mode is refused by the I/O region */
    struct orb o;
    vmm_orb(&o, 0x1000, 0);
    o.tm = true;
    assert_int_equal(vmm_ssch(&v, &o), EOPNOTSUPP);
    vmm_close(&v);
}

static void test_client_dies_mid_io(void **state)
{
    struct fx *f = *state;
    set_delay(f, 60000);
    pid_t pid = fork();
    if (pid == 0) {
        struct vmm v;
        struct orb o;
        if (dp_open_vmm(&f->d, &v, TEST_UUID1, RAM_SIZE))
            _exit(1);
        vmm_put_ccw(&v, 0x1000, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
        vmm_put_ccw(&v, 0x1008, CCW_CMD_NOOP, 0, 1, 0);
        vmm_orb(&o, 0x1000, 0);
        _exit(vmm_ssch(&v, &o) == 0 ? 0 : 2);   /* gone with the I/O in flight */
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    set_delay(f, 0);
    assert_still_serving(f);
    assert_true(dp_log_contains(&f->d, "closed mdev " TEST_UUID1));
}

static void test_dma_map_without_fd(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ | CCWP_DMA_WRITE, .size = RAM_SIZE };
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_MAP, &m, sizeof m, NULL, 0, NULL, 0, NULL), EINVAL);
    assert_true(dp_log_contains(&f->d, "client must pass a memory fd"));
    /* an unaligned map with a real fd is refused too */
    assert_int_equal(vmm_map_ram(&v, 1000), EINVAL);
    vmm_close(&v);
    assert_still_serving(f);
}

/* DMA_MAP of a memory fd that can shrink under the mapping. */
static int map_memfd(struct vmm *v, int fd, uint64_t size)
{
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ | CCWP_DMA_WRITE, .size = size };
    return vmm_call(v, CCWP_CMD_DMA_MAP, &m, sizeof m, &fd, 1, NULL, 0, NULL);
}

/* Issue 7 item 4: a hostile VMM maps a memfd created without
 * MFD_ALLOW_SEALING, shrinks it, then starts I/O into it.  The map is
 * refused up front; the daemon never touches memory that can vanish. */
static void test_unsealed_memfd_refused(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct orb o;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    v.memfd = memfd_create("hostile", MFD_CLOEXEC);
    assert_true(v.memfd >= 0);
    assert_int_equal(ftruncate(v.memfd, RAM_SIZE), 0);
    v.ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, v.memfd, 0);
    assert_true(v.ram != MAP_FAILED);
    v.ram_size = RAM_SIZE;
    int rc = map_memfd(&v, v.memfd, RAM_SIZE);
    if (rc == 0) {
        /* the old daemon took it: shrink it and start I/O into the lost pages */
        assert_int_equal(vmm_attach(&v, TEST_UUID1), 0);
        assert_int_equal(vmm_setup_irqs(&v), 0);
        sense_id_program(&v);
        assert_int_equal(ftruncate(v.memfd, 4096), 0);
        vmm_orb(&o, 0x1000, 0);
        if (vmm_ssch(&v, &o) < 0) {   /* the connection died with the daemon */
            int st;
            assert_int_equal(waitpid(f->d.pid, &st, 0), f->d.pid);
            f->d.pid = 0;
            fail_msg("ccwpassd died: %s", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
        }
    }
    assert_int_equal(rc, EPERM);
    assert_true(dp_log_contains(&f->d, "not sealed against shrinking"));
    vmm_close(&v);
    assert_still_serving(f);
}

/* The sealing rules: a file that still allows sealing is sealed by the
 * daemon (the client can no longer shrink it); a file sealed without
 * F_SEAL_SHRINK is refused; so is a file shorter than the map. */
static void test_memfd_sealing_rules(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    int sealable = memfd_create("sealable", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    assert_true(sealable >= 0);
    assert_int_equal(ftruncate(sealable, RAM_SIZE), 0);
    assert_int_equal(map_memfd(&v, sealable, RAM_SIZE), 0);
    assert_int_equal(ftruncate(sealable, 4096), -1);
    assert_int_equal(errno, EPERM);
    int locked = memfd_create("locked", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    assert_true(locked >= 0);
    assert_int_equal(ftruncate(locked, RAM_SIZE), 0);
    assert_int_equal(fcntl(locked, F_ADD_SEALS, F_SEAL_SEAL), 0);
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ, .iova = 2 * RAM_SIZE, .size = RAM_SIZE };
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_MAP, &m, sizeof m, &locked, 1, NULL, 0, NULL), EPERM);
    int small = vmm_sealed_memfd("small", 4096);
    assert_true(small >= 0);
    m.size = 8192;
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_MAP, &m, sizeof m, &small, 1, NULL, 0, NULL), EINVAL);
    assert_true(dp_log_contains(&f->d, "runs past the end of its 4096-byte memory file"));
    close(sealable);
    close(locked);
    close(small);
    vmm_close(&v);
    assert_still_serving(f);
}

/* Issue 7 item 6: one connection cannot make maps without bound (each is
 * an mmap in the daemon); the one past the limit gets ENOSPC, and another
 * VMM is not affected. */
static void test_dma_map_limit(void **state)
{
    struct fx *f = *state;
    struct vmm v, w;
    struct irb irb;
    uint64_t size = (uint64_t)(CCWP_MAX_DMA_MAPS + 1) * 4096;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    int fd = vmm_sealed_memfd("many", size);
    assert_true(fd >= 0);
    for (unsigned i = 0; i <= CCWP_MAX_DMA_MAPS; i++) {
        struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ, .offset = i * 4096ull,
                                  .iova = i * 4096ull, .size = 4096 };
        int rc = vmm_call(&v, CCWP_CMD_DMA_MAP, &m, sizeof m, &fd, 1, NULL, 0, NULL);
        assert_int_equal(rc, i < CCWP_MAX_DMA_MAPS ? 0 : ENOSPC);
    }
    assert_true(dp_log_contains(&f->d, "DMA maps, the limit per client"));
    /* unmapping one makes room again */
    struct ccwp_dma_unmap u = { .argsz = sizeof u, .iova = 0, .size = 4096 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_UNMAP, &u, sizeof u, NULL, 0, NULL, 0, NULL), 0);
    struct ccwp_dma_map m = { .argsz = sizeof m, .flags = CCWP_DMA_READ, .iova = 0, .size = 4096 };
    assert_int_equal(vmm_call(&v, CCWP_CMD_DMA_MAP, &m, sizeof m, &fd, 1, NULL, 0, NULL), 0);
    /* another VMM maps and runs I/O as usual */
    open_vmm(f, &w, TEST_UUID1);
    sense_id_program(&w);
    assert_int_equal(vmm_run(&w, 0x1000, &irb), 0);
    assert_sense_id_3990_3390(&w);
    vmm_close(&w);
    close(fd);
    vmm_close(&v);
}

static void test_dirty_reports_written_ranges(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    uint8_t rep[sizeof(struct ccwp_dirty) + CCWP_DIRTY_MAX * sizeof(struct ccwp_range)];
    struct ccwp_dirty d;
    open_vmm(f, &v, TEST_UUID1);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, rep, sizeof rep, NULL), 0);
    sense_id_program(&v);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, rep, sizeof rep, NULL), 0);
    memcpy(&d, rep, sizeof d);
    assert_int_equal(d.flags & CCWP_DIRTY_OVERFLOW, 0);
    assert_true(d.count >= 1);
    struct ccwp_range r;
    memcpy(&r, rep + sizeof d, sizeof r);
    assert_true(r.iova <= 0x2000 && r.iova + r.len > 0x2000);   /* the Sense ID data */
    vmm_close(&v);
}

/* A VMM that pipelines thousands of requests, more than the socket holds,
 * before it reads: every one is answered, in order, with its msg_id. */
static void test_pipelined_requests(void **state)
{
    struct fx *f = *state;
    enum { N = 30000, REQ = sizeof(struct ccwp_hdr) + sizeof(struct ccwp_version) };   /* more than the socket holds */
    static uint8_t out[N * REQ], in[1 << 16];
    struct vmm v;
    for (unsigned i = 0; i < N; i++) {
        struct ccwp_hdr h = { .msg_id = (uint16_t)i, .command = CCWP_CMD_VERSION, .size = REQ };
        struct ccwp_version ver = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
        memcpy(out + i * REQ, &h, sizeof h);
        memcpy(out + i * REQ + sizeof h, &ver, sizeof ver);
    }
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    size_t sent = 0, have = 0;
    unsigned replies = 0;
    /* phase 1: only send, until the socket is full (or everything is out) */
    for (ssize_t n; sent < sizeof out && (n = send(v.fd, out + sent, sizeof out - sent, MSG_DONTWAIT)) > 0;)
        sent += (size_t)n;
    /* phase 2: both directions until every reply is in */
    while (replies < N) {
        struct pollfd p = { .fd = v.fd, .events = POLLIN | (sent < sizeof out ? POLLOUT : 0) };
        assert_int_equal(poll(&p, 1, VMM_TIMEOUT_MS), 1);
        if (p.revents & POLLOUT) {
            ssize_t n = send(v.fd, out + sent, sizeof out - sent, MSG_DONTWAIT);
            sent += n > 0 ? (size_t)n : 0;
        }
        if (!(p.revents & POLLIN))
            continue;
        ssize_t n = recv(v.fd, in + have, sizeof in - have, MSG_DONTWAIT);
        assert_true(n > 0);
        have += (size_t)n;
        size_t off = 0;
        struct ccwp_hdr h;
        while (have - off >= sizeof h && (memcpy(&h, in + off, sizeof h), have - off >= h.size)) {
            assert_int_equal(h.msg_id, (uint16_t)replies);
            assert_int_equal(h.flags, CCWP_F_REPLY);
            replies++;
            off += h.size;
        }
        memmove(in, in + off, have - off);
        have -= off;
    }
    assert_int_equal(sent, sizeof out);
    vmm_close(&v);
    assert_still_serving(f);
}

/* Issue 7 item 6: SERVER_MAX_CLIENTS clients that all hold guest memory;
 * one more is refused at once (never left hanging), and once a client
 * leaves a newcomer is served again. */
static void test_client_limit(void **state)
{
    struct fx *f = *state;
    static struct vmm busy[SERVER_MAX_CLIENTS];
    struct vmm extra;
    uint16_t maj, min;
    for (unsigned i = 0; i < SERVER_MAX_CLIENTS; i++) {
        assert_int_equal(vmm_connect(&busy[i], f->d.sock), 0);
        assert_int_equal(vmm_map_ram(&busy[i], 65536), 0);
    }
    assert_int_equal(vmm_connect(&extra, f->d.sock), 0);
    assert_int_equal(vmm_version(&extra, &maj, &min), -1);   /* closed by the daemon */
    vmm_close(&extra);
    assert_true(dp_log_contains(&f->d, "refusing a client"));
    assert_int_equal(vmm_version(&busy[0], &maj, &min), 0);   /* the busy ones are served */
    vmm_close(&busy[0]);
    /* its EOF is ready before this request: the daemon handles both in one
     * batch, so by the reply the client is gone */
    assert_int_equal(vmm_version(&busy[1], &maj, &min), 0);
    assert_int_equal(vmm_connect(&extra, f->d.sock), 0);
    assert_int_equal(vmm_version(&extra, &maj, &min), 0);
    vmm_close(&extra);
    for (unsigned i = 1; i < SERVER_MAX_CLIENTS; i++)
        vmm_close(&busy[i]);
    assert_still_serving(f);
}

/* Out of file descriptors: the daemon neither spins on the listening socket
 * nor locks everyone out; it closes the oldest idle client to make room, and
 * a VMM that holds guest memory is not the one closed. */
static int setup_few_fds(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || dp_init(&f->d))
        return -1;
    f->d.nofile = 24;
    if (dp_start_image(&f->d, "fd.3390", 1, f->image, sizeof f->image, NULL))
        return -1;
    *state = f;
    return 0;
}

/* A connection that never blocks: -1 with EAGAIN when the backlog is full. */
static int connect_nonblock(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (snprintf(a.sun_path, sizeof a.sun_path, "%s", path) >= (int)sizeof a.sun_path)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void test_out_of_fds(void **state)
{
    struct fx *f = *state;
    enum { MAX = 256 };
    static int fds[MAX];
    int n = 0;
    uint16_t maj, min;
    struct vmm first, w;
    assert_int_equal(vmm_connect(&first, f->d.sock), 0);
    assert_int_equal(vmm_map_ram(&first, RAM_SIZE), 0);
    /* connect until the daemon has to make room; when the backlog is full, a
     * round trip on the first connection lets the daemon catch up */
    for (unsigned tries = 0; !dp_log_contains(&f->d, "closing idle client"); tries++) {
        assert_true(tries < 10000 && n < MAX);
        int fd = connect_nonblock(f->d.sock);
        if (fd >= 0)
            fds[n++] = fd;
        else
            assert_int_equal(vmm_version(&first, &maj, &min), 0);
    }
    assert_int_equal(vmm_version(&first, &maj, &min), 0);   /* the VMM is still served */
    assert_int_equal(vmm_connect(&w, f->d.sock), 0);        /* and so is a newcomer */
    assert_int_equal(vmm_version(&w, &maj, &min), 0);
    assert_int_equal(maj, CCWP_PROTO_MAJOR);
    vmm_close(&w);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    vmm_close(&first);
    /* no spinning: at most one pause per client that left and let it resume */
    assert_true(dp_log_count(&f->d, "not accepting until a client disconnects") <= (unsigned)n + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sense_id, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_trace_areas, setup_trace, dp_teardown),
        cmocka_unit_test(test_model_in_view_and_sense_id),
        cmocka_unit_test_setup_teardown(test_device_and_region_info, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_read_vol1, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_write_lands_in_image, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_hsch_long_program, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_csch_long_program, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_uuid_and_double_attach, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_messages, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_region_errors, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_client_dies_mid_io, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_dma_map_without_fd, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_unsealed_memfd_refused, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_memfd_sealing_rules, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_dma_map_limit, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_dirty_reports_written_ranges, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_volume, setup_readonly, dp_teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_requests, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_client_limit, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_fds, setup_few_fds, dp_teardown),
    };
    return cmocka_run_group_tests_name("daemon-vmm", tests, NULL, NULL);
}
