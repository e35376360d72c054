// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vfio_ccw region and device ABI as a VMM sees it: binding and the mdev
 * lifecycle (QDIO refused, one instance, REQ on unbind of an open mdev),
 * GET_REGION_INFO, region bounds and index clamping, -EAGAIN on contention,
 * ret_codes of the I/O region, the SCHIB and CRW regions, IRQs, reset, and
 * the DMA unmap of pinned memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "harness.h"
#include "vfio/private.h"

/* ---- binding and lifecycle ------------------------------------------------- */

static void test_probe_and_instances(void **st)
{
    struct vt t;
    struct vfio_ccw_parent *p;
    struct vfio_ccw_mdev *m, *m2;
    struct vfio_dma *dma = vfio_dma_new();
    int req = eventfd(0, EFD_NONBLOCK);

    vt_css(&t, 2);
    sch_set_type(t.sch[1], SCH_TYPE_IO, true);
    assert_int_equal(vfio_ccw_probe(t.sch[1], &p), -ENODEV);     /* QDIO */
    sch_set_type(t.sch[1], SCH_TYPE_CHSC, false);
    assert_int_equal(vfio_ccw_probe(t.sch[1], &p), -ENODEV);     /* not I/O */
    assert_int_equal(vfio_ccw_probe(t.sch[0], &p), 0);
    assert_ptr_equal(vfio_ccw_parent_sch(p), t.sch[0]);
    assert_int_equal(vfio_ccw_available_instances(p), 1);
    assert_int_equal(vfio_ccw_mdev_create(p, "not-a-uuid", &m), -EINVAL);
    assert_int_equal(vfio_ccw_mdev_create(p, "9a1b2c3d-0000-4000-8000-00000000000g", &m), -EINVAL);
    assert_int_equal(vfio_ccw_mdev_create(p, "9A1B2C3D-0000-4000-8000-000000000001", &m), 0);
    assert_string_equal(vfio_ccw_mdev_uuid(m), "9a1b2c3d-0000-4000-8000-000000000001");
    assert_int_equal(vfio_ccw_available_instances(p), 0);
    assert_ptr_equal(vfio_ccw_parent_mdev(p), m);
    assert_int_equal(vfio_ccw_mdev_create(p, "9a1b2c3d-0000-4000-8000-000000000001", &m2), -EEXIST);
    assert_int_equal(vfio_ccw_mdev_create(p, "9a1b2c3d-0000-4000-8000-000000000002", &m2), -ENOSPC);
    assert_false(vfio_ccw_mdev_is_open(m));
    assert_int_equal(vfio_ccw_open(m, dma), 0);
    assert_true(vfio_ccw_mdev_is_open(m));
    assert_int_equal(vfio_ccw_open(m, dma), -EBUSY);
    assert_int_equal(vfio_ccw_set_irq(m, VFIO_CCW_REQ_IRQ_INDEX, req), 0);
    /* unbinding an open mdev asks the VMM to release it */
    assert_int_equal(vfio_ccw_remove(p), -EBUSY);
    vfio_ccw_notifier_settle(&m->notifier);
    assert_true(efd_pending(req));
    assert_int_equal(vfio_ccw_mdev_remove(m), -EBUSY);
    vfio_ccw_notifier_settle(&m->notifier);
    assert_true(efd_pending(req));
    vfio_ccw_close(m);
    assert_int_equal(vfio_ccw_mdev_remove(m), 0);
    assert_null(vfio_ccw_parent_mdev(p));
    assert_int_equal(vfio_ccw_available_instances(p), 1);
    assert_int_equal(vfio_ccw_remove(p), 0);
    close(req);
    vfio_dma_free(dma);
    css_free(t.css);
}

/* ---- region info ------------------------------------------------------------- */

static void test_region_info(void **st)
{
    struct vt t;
    struct vfio_ccw_region_info ri;
    static const struct { uint64_t size; uint32_t flags, subtype; } want[4] = {
        { 124, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, 0 },
        { 8, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_CAPS,
          VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD },
        { 52, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_SUBTYPE_CCW_SCHIB },
        { 8, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_SUBTYPE_CCW_CRW },
    };

    vt_setup(&t, 1);
    assert_int_equal(vfio_ccw_num_regions(t.m[0]), 4);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(vfio_ccw_region_info(t.m[0], i, &ri), 0);
        assert_int_equal(ri.index, i);
        assert_int_equal(ri.size, want[i].size);
        assert_int_equal(ri.flags, want[i].flags);
        assert_int_equal(ri.offset, (uint64_t)i << 10);
        assert_int_equal(ri.has_type, i != 0);
        if (i) {
            assert_int_equal(ri.type, VFIO_REGION_TYPE_CCW);
            assert_int_equal(ri.subtype, want[i].subtype);
        }
    }
    assert_int_equal(vfio_ccw_region_info(t.m[0], 4, &ri), -EINVAL);
    assert_int_equal(vfio_ccw_region_info(t.m[0], 0xFFFFFFFFu, &ri), -EINVAL);
    {   /* leave an ORB and an IRB behind */
        struct orb o = orb_fmt1(0x100);
        put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
        struct irb irb;
        vt_run(&t, 0, &o, &irb);
    }
    vfio_ccw_close(t.m[0]);
    assert_int_equal(vfio_ccw_num_regions(t.m[0]), 1);      /* capability regions come with open */
    assert_int_equal(vfio_ccw_region_info(t.m[0], 1, &ri), -EINVAL);
    assert_int_equal(vfio_ccw_open(t.m[0], t.dma), 0);
    {   /* the next VMM sees nothing of the previous one's I/O */
        uint8_t r[CCW_IO_REGION_SIZE], zero[CCW_IO_REGION_SIZE] = { 0 };
        assert_int_equal(vfio_ccw_region_read(t.m[0], 0, 0, r, sizeof(r)), sizeof(r));
        assert_memory_equal(r, zero, sizeof(r));
    }
    vt_teardown(&t);
}

/* ---- bounds and index clamping (CVE-2026-80552) ------------------------------------ */

static void test_region_bounds(void **st)
{
    struct vt t;
    uint8_t buf[256] = { 0 };

    vt_setup(&t, 1);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0, 0, buf, 124), 124);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0, 120, buf, 4), 4);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0, 120, buf, 5), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0, 125, buf, 0), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0, UINT64_MAX, buf, 2), -EINVAL);
    assert_int_equal(vfio_ccw_region_write(t.m[0], 0, 100, buf, 25), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 1, 0, buf, 9), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 2, 0, buf, 53), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 3, 4, buf, 5), -EINVAL);
    /* out-of-range region indexes never select anything */
    assert_int_equal(vfio_ccw_region_read(t.m[0], 4, 0, buf, 1), -EINVAL);
    assert_int_equal(vfio_ccw_region_write(t.m[0], 4, 0, buf, 1), -EINVAL);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 0x80000000u, 0, buf, 1), -EINVAL);
    assert_int_equal(vfio_ccw_region_write(t.m[0], 0xFFFFFFFFu, 0, buf, 1), -EINVAL);
    /* SCHIB and CRW regions are read-only */
    assert_int_equal(vfio_ccw_region_write(t.m[0], 2, 0, buf, 4), -EINVAL);
    assert_int_equal(vfio_ccw_region_write(t.m[0], 3, 0, buf, 4), -EINVAL);
    vt_teardown(&t);
}

/* ---- -EAGAIN when the io_mutex is contended --------------------------------------- */

static void test_eagain_on_contention(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);

    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
    pthread_mutex_lock(&t.m[0]->io_mutex);   /* e.g. a completion in progress */
    assert_int_equal(vt_start_once(&t, 0, &o), -EAGAIN);
    assert_int_equal(vt_async_once(&t, 0, VFIO_CCW_ASYNC_CMD_CSCH), -EAGAIN);
    pthread_mutex_unlock(&t.m[0]->io_mutex);
    assert_int_equal(t.td[0]->execs, 0);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    vt_wait_io(&t, 0);
    vt_teardown(&t);
}

/* ---- ret_codes of the I/O region ------------------------------------------------------ */

static void test_io_ret_codes(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    uint8_t r[CCW_IO_REGION_SIZE];
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
    o.tm = true;
    assert_int_equal(vt_start(&t, 0, &o), -EOPNOTSUPP);   /* transport mode */
    vfio_ccw_region_read(t.m[0], 0, 0, r, sizeof(r));
    assert_int_equal((int32_t)be32_get(r + 120), -EOPNOTSUPP);   /* big-endian ret_code */
    o.tm = false;
    /* the path in the ORB's LPM is gone: cc 3, other paths remain: -EACCES */
    assert_int_equal(css_chpid_set_online(t.css, 0, 0x40, false), 0);
    assert_int_equal(vt_start(&t, 0, &o), -EACCES);
    o.lpm = 0x40;
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    vt_wait_io(&t, 0);
    assert_int_equal(css_chpid_set_online(t.css, 0, 0x40, true), 0);
    /* the device does not answer: each cc 3 removes the ORB's paths from the
     * driver's LPM; -EACCES while others remain, then -ENODEV */
    sch_set_fault(t.sch[0], &(struct sch_fault){ .not_oper = true });
    assert_int_equal(vt_start(&t, 0, &o), -EACCES);
    o.lpm = 0x80;
    assert_int_equal(vt_start(&t, 0, &o), -ENODEV);
    /* busy: a program is running (CP_PENDING) */
    vt_slow(&t, 0, &delay);
    o.lpm = 0;   /* 0: the driver's own LPM */
    vfio_ccw_reset(t.m[0]);   /* refresh the LPM after the not_oper episode */
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(vt_start(&t, 0, &o), -EBUSY);
    assert_int_equal(vt_async(&t, 0, VFIO_CCW_ASYNC_CMD_HSCH), CCW_CMD_REGION_SIZE);
    vt_wait_io(&t, 0);
    assert_int_equal(vt_async(&t, 0, 0x80), -EINVAL);   /* neither HSCH nor CSCH */
    sem_destroy(&delay);
    vt_teardown(&t);
}

/* ---- SCHIB region ------------------------------------------------------------------------ */

static void test_schib_region(void **st)
{
    struct vt t;
    uint8_t area[CCW_SCHIB_REGION_SIZE], part[8];
    struct schib s;

    vt_setup(&t, 1);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 2, 0, area, sizeof(area)), 52);
    schib_decode(area, &s);
    assert_true(s.pmcw.dnv);
    assert_int_equal(s.pmcw.dev, 0x1234);
    assert_true(s.pmcw.ena);
    assert_int_equal(s.pmcw.pim, 0xC0);
    assert_int_equal(s.pmcw.pam, 0xC0);
    assert_int_equal(s.pmcw.chpid[0], 0x40);
    /* live: a path going away shows at once */
    css_chpid_set_online(t.css, 0, 0x41, false);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 2, 0, area, sizeof(area)), 52);
    schib_decode(area, &s);
    assert_int_equal(s.pmcw.pam, 0x80);
    assert_int_equal(vfio_ccw_region_read(t.m[0], 2, 44, part, 8), 8);
    assert_memory_equal(part, area + 44, 8);
    vt_teardown(&t);
}

/* ---- CRW region and IRQ --------------------------------------------------------------------- */

static uint32_t read_crw(struct vt *t)
{
    uint8_t r[CCW_CRW_REGION_SIZE];

    assert_int_equal(vfio_ccw_region_read(t->m[0], 3, 0, r, sizeof(r)), 8);
    assert_int_equal(be32_get(r + 4), 0);   /* pad */
    return be32_get(r);
}

static void test_crw_region(void **st)
{
    struct vt t;
    struct crw c;

    vt_setup(&t, 1);
    assert_int_equal(read_crw(&t), 0);                       /* empty: zeros */
    assert_false(vt_irq_pending(&t, 0, VFIO_CCW_CRW_IRQ_INDEX));
    css_chpid_set_online(t.css, 0, 0x41, false);
    css_chpid_set_online(t.css, 0, 0x41, true);
    assert_true(vt_irq_pending(&t, 0, VFIO_CCW_CRW_IRQ_INDEX));
    crw_decode(read_crw(&t), &c);
    assert_int_equal(c.rsc, CRW_RSC_CPATH);
    assert_int_equal(c.erc, CRW_ERC_PERRN);
    assert_int_equal(c.rsid, 0x41);
    assert_true(vt_irq_pending(&t, 0, VFIO_CCW_CRW_IRQ_INDEX));                         /* re-signalled: one more */
    crw_decode(read_crw(&t), &c);
    assert_int_equal(c.erc, CRW_ERC_INIT);
    assert_false(vt_irq_pending(&t, 0, VFIO_CCW_CRW_IRQ_INDEX));
    assert_int_equal(read_crw(&t), 0);
    /* a chpid the subchannel does not use queues nothing */
    assert_int_equal(css_add_chpid(t.css, 0, 0x50, CHP_TYPE_FC), 0);
    css_chpid_set_online(t.css, 0, 0x50, false);
    assert_int_equal(read_crw(&t), 0);
    vt_teardown(&t);
}

static void test_irqs(void **st)
{
    struct vt t;
    int fd = eventfd(0, EFD_NONBLOCK);

    vt_setup(&t, 1);
    assert_int_equal(vfio_ccw_set_irq(t.m[0], 3, fd), -EINVAL);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], 3), -EINVAL);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_REQ_IRQ_INDEX), 0);
    assert_true(vt_irq_pending(&t, 0, VFIO_CCW_REQ_IRQ_INDEX));
    /* the driver holds its own reference: closing ours changes nothing */
    assert_int_equal(vfio_ccw_set_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX, fd), 0);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX), 0);
    vt_settle(&t, 0);
    assert_true(efd_pending(fd));
    assert_int_equal(vfio_ccw_set_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX, -1), 0);   /* de-assign */
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX), 0);
    vt_settle(&t, 0);
    assert_false(efd_pending(fd));
    close(fd);
    vt_teardown(&t);
}

/* ---- reset and DMA unmap ------------------------------------------------------------------------ */

/* A VMM's eventfd that blocks (O_NONBLOCK cleared, counter full): raising
 * it returns at once, the mdev's other interrupts still arrive, and
 * replacing the fd or closing the mdev cancels the write that waits. */
#define EVENTFD_FULL 0xfffffffffffffffeull

static void make_blocking_full(int fd)
{
    uint64_t full = EVENTFD_FULL;

    assert_int_equal(write(fd, &full, sizeof(full)), (ssize_t)sizeof(full));
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK), 0);
}

/* The writer of `index` has taken the signal and is in (or entering) its write. */
static void wait_writer_busy(struct vfio_ccw_mdev *m, unsigned index)
{
    struct vfio_ccw_notifier *n = &m->notifier;
    bool busy = false;

    while (!busy) {
        pthread_mutex_lock(&n->lock);
        busy = n->w[index].writing;
        pthread_mutex_unlock(&n->lock);
        if (!busy)
            sched_yield();
    }
}

static void test_blocking_eventfd_waits_alone(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    int io, fresh = eventfd(0, EFD_NONBLOCK);
    uint64_t v;

    vt_setup(&t, 1);
    io = t.efd[0][VFIO_CCW_IO_IRQ_INDEX];
    make_blocking_full(io);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX), 0);
    wait_writer_busy(t.m[0], VFIO_CCW_IO_IRQ_INDEX);
    /* the other indexes are written meanwhile */
    assert_int_equal(css_chpid_set_online(t.css, 0, 0x41, false), 0);
    assert_true(efd_wait(t.efd[0][VFIO_CCW_CRW_IRQ_INDEX], 30000));
    /* an I/O completes while its eventfd blocks: the IRB is in the region */
    put_ccw1(&t, 0x100, TD_NOP, 0, 1, 0);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    do
        vt_irb(&t, 0, &irb);
    while (!(irb.scsw.stctl & SCSW_STCTL_PRIM));
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    /* a new eventfd: the blocked write is given up, the new fd gets the next one */
    assert_int_equal(vfio_ccw_set_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX, fresh), 0);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX), 0);
    assert_true(efd_wait(fresh, 30000));
    /* the old one never got more than the VMM put there */
    assert_int_equal(fcntl(io, F_SETFL, fcntl(io, F_GETFL) | O_NONBLOCK), 0);
    assert_int_equal(read(io, &v, sizeof(v)), (ssize_t)sizeof(v));
    assert_true(v == EVENTFD_FULL);
    /* the new one blocks too; close (teardown) cancels that write */
    make_blocking_full(fresh);
    assert_int_equal(vfio_ccw_trigger_irq(t.m[0], VFIO_CCW_IO_IRQ_INDEX), 0);
    wait_writer_busy(t.m[0], VFIO_CCW_IO_IRQ_INDEX);
    vt_teardown(&t);
    close(fresh);
}

static void test_reset_during_io(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(vfio_ccw_reset(t.m[0]), 0);          /* close (quiesce) + open */
    assert_int_equal(t.m[0]->state, VFIO_CCW_STATE_IDLE);
    assert_null(t.m[0]->cp);
    assert_int_equal(t.td[0]->resets, 1);
    assert_int_equal(t.td[0]->execs, 0);
    sch_set_fault(t.sch[0], &(struct sch_fault){ 0 });
    vt_settle(&t, 0);
    while (efd_pending(t.efd[0][0]))
        ;
    vt_run(&t, 0, &o, &irb);                              /* works again */
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(t.mem[0x2000], t.td[0]->rec[0]);
    sem_destroy(&delay);
    vt_teardown(&t);
}

static void test_unmap_pinned_resets(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    uint8_t *extra = aligned_alloc(4096, 65536);
    sem_t delay;

    sem_init(&delay, 0, 0);
    vt_setup(&t, 1);
    assert_int_equal(vfio_dma_map(t.dma, 0x200000, 65536, extra, true), 0);
    assert_int_equal(vfio_dma_map(t.dma, 0x200000, 4096, extra, true), -EEXIST);
    assert_int_equal(vfio_dma_map(t.dma, 0x300001, 4096, extra, true), -EINVAL);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x201000);
    vt_slow(&t, 0, &delay);
    assert_int_equal(vt_start(&t, 0, &o), CCW_IO_REGION_SIZE);
    sem_wait_guarded(&delay);
    assert_int_equal(vfio_dma_unmap(t.dma, 0x200000, 4096), -EINVAL);  /* not a mapping */
    assert_int_equal(vfio_dma_unmap(t.dma, 0x200000, 65536), 0);       /* resets the device */
    assert_int_equal(t.td[0]->resets, 1);
    assert_null(t.m[0]->cp);
    assert_int_equal(t.m[0]->state, VFIO_CCW_STATE_IDLE);
    free(extra);                                          /* nothing refers to it any more */
    sch_set_fault(t.sch[0], &(struct sch_fault){ 0 });
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);       /* now unmapped */
    sem_destroy(&delay);
    vt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_and_instances),
        cmocka_unit_test(test_region_info),
        cmocka_unit_test(test_region_bounds),
        cmocka_unit_test(test_eagain_on_contention),
        cmocka_unit_test(test_io_ret_codes),
        cmocka_unit_test(test_schib_region),
        cmocka_unit_test(test_crw_region),
        cmocka_unit_test(test_irqs),
        cmocka_unit_test(test_blocking_eventfd_waits_alone),
        cmocka_unit_test(test_reset_during_io),
        cmocka_unit_test(test_unmap_pinned_resets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
