// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * I/O through the mdev end to end: the real 3990/3390 ECKD device on a
 * temporary image, halt and clear of a long program through the async region,
 * PCI intermediate interrupts, two mdevs running concurrently while one is
 * slowed, and new start requests racing the completion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/eventfd.h>
#include "harness.h"
#include "vfio/private.h"
#include "dev/eckd.h"
#include "img/image.h"

static enum vfio_ccw_state state(struct vt *t, unsigned i)
{
    enum vfio_ccw_state s;
    pthread_mutex_lock(&t->m[i]->io_mutex);
    s = t->m[i]->state;
    pthread_mutex_unlock(&t->m[i]->io_mutex);
    return s;
}

/* ---- the ECKD device behind the mdev ---------------------------------------- */

static void test_eckd_device(void **st)
{
    char dir[] = "/tmp/vfio-eckd-XXXXXX", path[64], err[256];
    struct img_create_opts co = { .devtype = 0x3390, .cyls = 10, .format = IMG_CKD };
    struct eckd_config cfg = { .devno = 0x1234 };
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct senseid sid;
    struct irb irb;
    struct img *im;
    struct ccw_dev *dev;
    uint8_t chp[8] = { 0x40 };

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/disk.ckd", dir);
    assert_int_equal(img_create(path, &co, err, sizeof(err)), 0);
    im = img_open(path, false, err, sizeof(err));
    assert_non_null(im);
    dev = eckd_new(im, &cfg, err, sizeof(err));
    assert_non_null(dev);

    /* the ECKD device replaces the test device behind a fresh subchannel */
    memset(&t, 0, sizeof(t));
    t.css = css_new();
    css_add_chpid(t.css, 0, 0x40, CHP_TYPE_FC);
    t.sch[0] = css_add_io_subchannel(t.css, (struct schid){ 0, 0, 0x0010 }, 0x1234, dev, chp, 0x80);
    assert_non_null(t.sch[0]);
    t.mem = aligned_alloc(4096, GUEST_SIZE);
    memset(t.mem, 0, GUEST_SIZE);
    t.dma = vfio_dma_new();
    assert_int_equal(vfio_dma_map(t.dma, 0, GUEST_SIZE, t.mem, true), 0);
    assert_int_equal(vfio_ccw_probe(t.sch[0], &t.p[0]), 0);
    assert_int_equal(vfio_ccw_mdev_create(t.p[0], "11111111-2222-3333-4444-555555555555", &t.m[0]), 0);
    assert_int_equal(vfio_ccw_open(t.m[0], t.dma), 0);
    for (unsigned k = 0; k < 3; k++) {
        t.efd[0][k] = eventfd(0, EFD_NONBLOCK);
        vfio_ccw_set_irq(t.m[0], k, t.efd[0][k]);
    }

    /* Sense ID: 3990 control unit, 3390 device */
    put_ccw1(&t, 0x100, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSEID_SIZE, 0x1000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(senseid_decode(t.mem + 0x1000, SENSEID_SIZE - irb.scsw.count, &sid), 0);
    assert_int_equal(sid.cu_type, 0x3990);
    assert_int_equal(sid.dev_type, 0x3390);
    /* Read Device Characteristics: device type at bytes 3-4 */
    put_ccw1(&t, 0x100, 0x64, CCW_FLAG_SLI, 64, 0x2000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_int_equal(be16_get(t.mem + 0x2003), 0x3390);
    /* an injected equipment check: unit check without concurrent sense (the
     * driver leaves it off, as the kernel does); the guest's Basic Sense gets it */
    sch_set_fault(t.sch[0], &(struct sch_fault){ .eqc_count = 1 });
    vt_run(&t, 0, &o, &irb);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
    assert_false(irb.esw.cons);
    put_ccw1(&t, 0x100, CCW_CMD_BASIC_SENSE, 0, 32, 0x3000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.count, 0);
    assert_int_equal(t.mem[0x3000], 0x10);                  /* equipment check */
    assert_int_equal(t.mem[0x3000 + 27], 0x80);
    /* the device's own unit check: an unknown command is rejected (sense byte 0 0x80) */
    put_ccw1(&t, 0x100, 0xFB, 0, 0, 0);
    vt_run(&t, 0, &o, &irb);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
    put_ccw1(&t, 0x100, CCW_CMD_BASIC_SENSE, 0, 32, 0x3000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(t.mem[0x3000] & 0x80, 0x80);           /* command reject */

    vt_teardown(&t);
    img_close(im);
    unlink(path);
    rmdir(dir);
}

/* ---- halt and clear through the async region -------------------------------- */

static void test_halt_and_clear_long_program(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x108, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_CP_PENDING);
    assert_int_equal(vt_async(&t, 0, VFIO_CCW_ASYNC_CMD_HSCH), CCW_CMD_REGION_SIZE);
    vt_wait_io(&t, 0);
    vt_irb(&t, 0, &irb);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_START | SCSW_FCTL_HALT);
    assert_int_equal(irb.scsw.actl, 0);
    assert_int_equal(irb.scsw.cpa, 0x100);                 /* halted before the first CCW ran */
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    assert_int_equal(t.td[0]->execs, 0);

    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(vt_async(&t, 0, VFIO_CCW_ASYNC_CMD_CSCH), CCW_CMD_REGION_SIZE);
    vt_wait_io(&t, 0);
    vt_irb(&t, 0, &irb);
    assert_int_equal(irb.scsw.fctl, SCSW_FCTL_CLEAR);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_PEND);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    assert_int_equal(t.td[0]->resets, 1);
    assert_null(t.m[0]->cp);

    sch_set_fault(t.sch[0], &(struct sch_fault){ 0 });
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.cpa, 0x110);
    assert_memory_equal(t.mem + 0x2000, t.td[0]->rec, 64);
    sem_destroy(&delay);
    vt_teardown(&t);
}

/* ---- PCI: the intermediate interrupt does not free the cp (2018) ------------- */

static void test_pci_keeps_cp(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC | CCW_FLAG_PCI, 0, 0);
    put_ccw1(&t, 0x108, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);                                     /* before the NOP */
    vt_slow(&t, 0, &delay);                                  /* let the NOP go, stop before the READ */
    sem_wait_guarded(&delay);
    vt_wait_io(&t, 0);                                    /* the PCI interrupt */
    vt_irb(&t, 0, &irb);
    assert_int_equal(irb.scsw.stctl, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
    assert_true(irb.scsw.cstat & SCHN_STAT_PCI);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_CP_PENDING);
    assert_non_null(t.m[0]->cp);
    sch_set_fault(t.sch[0], &(struct sch_fault){ 0 });   /* the program goes on, reading guest memory */
    vt_wait_io(&t, 0);
    vt_irb(&t, 0, &irb);
    assert_true(irb.scsw.stctl & SCSW_STCTL_PRIM);
    assert_int_equal(irb.scsw.cpa, 0x110);
    assert_memory_equal(t.mem + 0x2000, t.td[0]->rec, 64);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    sem_destroy(&delay);
    vt_teardown(&t);
}

/* ---- two mdevs, one slowed ------------------------------------------------------ */

static void test_two_mdevs_concurrent(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct orb o1 = orb_fmt1(0x300);
    struct irb irb;
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 2);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    put_ccw1(&t, 0x300, TD_READ, CCW_FLAG_SLI, 64, 0x4000);
    t.td[1]->rec[0] = 0x99;
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    vt_run(&t, 1, &o1, &irb);                             /* completes while mdev 0 is stuck */
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(t.mem[0x4000], 0x99);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_CP_PENDING);
    assert_int_equal(state(&t, 1), VFIO_CCW_STATE_IDLE);
    assert_false(vt_irq_pending(&t, 0, 0));
    assert_int_equal(vt_async(&t, 0, VFIO_CCW_ASYNC_CMD_HSCH), CCW_CMD_REGION_SIZE);
    vt_wait_io(&t, 0);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    sem_destroy(&delay);
    vt_teardown(&t);
}

/* ---- a path goes away under a running program ------------------------------- */

static void test_path_gone_during_io(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    uint8_t r[CCW_CRW_REGION_SIZE];
    struct crw c;
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(css_chpid_set_online(t.css, 0, 0x40, false), 0);
    vt_wait_io(&t, 0);
    vt_irb(&t, 0, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_INTF_CTRL_CHK);
    assert_true(irb.scsw.stctl & SCSW_STCTL_ALERT);
    assert_int_equal(irb.esw.lpum, 0x80);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    assert_true(vt_irq_pending(&t, 0, VFIO_CCW_CRW_IRQ_INDEX));
    assert_int_equal(vfio_ccw_region_read(t.m[0], 3, 0, r, sizeof(r)), 8);
    crw_decode(be32_get(r), &c);
    assert_int_equal(c.rsc, CRW_RSC_CPATH);
    assert_int_equal(c.erc, CRW_ERC_PERRN);
    assert_int_equal(c.rsid, 0x40);
    /* the driver's LPM lost the path: an ORB LPM of 0 now uses the other one */
    sch_set_fault(t.sch[0], &(struct sch_fault){ 0 });
    o.lpm = 0;
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.esw.lpum, 0x40);
    sem_destroy(&delay);
    vt_teardown(&t);
}

/* ---- 2021: a new start racing the completion gets -EBUSY/-EAGAIN, never a crash -- */

static void test_start_races_completion(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    unsigned started = 0, signalled = 0, busy = 0;

    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    for (unsigned i = 0; i < 300; i++) {
        ssize_t first;
        /* the previous completion may still hold io_mutex: retry like QEMU */
        while ((first = vt_start_once(&t, 0, &o)) == -EAGAIN)
            busy++;
        assert_int_equal(first, CCW_IO_REGION_SIZE);
        started++;
        {   /* the second start races the first one's completion */
            ssize_t rc = vt_start_once(&t, 0, &o);
            if (rc == CCW_IO_REGION_SIZE)
                started++;
            else {
                assert_true(rc == -EBUSY || rc == -EAGAIN);
                busy++;
            }
        }
        while (signalled < started) {
            struct pollfd p = { .fd = t.efd[0][0], .events = POLLIN };
            uint64_t v;
            assert_int_equal(poll(&p, 1, 30000), 1);
            assert_int_equal(read(t.efd[0][0], &v, sizeof(v)), sizeof(v));
            signalled += (unsigned)v;
        }
    }
    assert_int_equal(signalled, started);                 /* one final interrupt per start */
    assert_true(started >= 300);
    assert_true(started <= 600);
    assert_int_equal(state(&t, 0), VFIO_CCW_STATE_IDLE);
    vt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eckd_device),
        cmocka_unit_test(test_halt_and_clear_long_program),
        cmocka_unit_test(test_pci_keeps_cp),
        cmocka_unit_test(test_two_mdevs_concurrent),
        cmocka_unit_test(test_path_gone_during_io),
        cmocka_unit_test(test_start_races_completion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
