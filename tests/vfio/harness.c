// SPDX-License-Identifier: GPL-2.0-or-later
/* Test harness for the css and vfio_ccw tests (see harness.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "harness.h"
#include "vfio/private.h"

/* ---- the test device ----------------------------------------------------- */

static void td_start(struct ccw_dev *d, const struct orb *orb)
{
    ((struct testdev *)d)->starts++;
}

static void td_reject(struct testdev *td, struct ccw_result *res)
{
    memset(td->sense, 0, sizeof(td->sense));
    td->sense[0] = 0x80;   /* command reject */
    td->sense_pending = true;
    res->len = 0;
    res->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
}

static void td_exec(struct ccw_dev *d, const struct ccw_cmd *cmd, struct ccw_result *res)
{
    struct testdev *td = (struct testdev *)d;
    uint32_t n;

    td->execs++;
    td->last_cmd = cmd->code;
    res->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
    res->len = 0;
    switch (cmd->code) {
    case TD_WRITE:
        n = cmd->count < sizeof(td->rec) ? cmd->count : sizeof(td->rec);
        memcpy(td->rec, cmd->buf, n);
        td->rec_len = n;
        res->len = n;
        break;
    case TD_READ:
    case TD_RDBACK:
        memcpy(cmd->buf, td->rec, td->rec_len);
        res->len = td->rec_len;
        break;
    case TD_NOP:
        break;
    case TD_SENSE:
        memcpy(cmd->buf, td->sense, sizeof(td->sense));
        res->len = sizeof(td->sense);
        td->sense_pending = false;
        break;
    default:
        td_reject(td, res);
    }
}

static void td_end(struct ccw_dev *d)
{
    ((struct testdev *)d)->ends++;
}

static unsigned td_sense(struct ccw_dev *d, uint8_t sense[32])
{
    struct testdev *td = (struct testdev *)d;

    if (!td->sense_pending)
        return 0;
    memcpy(sense, td->sense, 32);
    td->sense_pending = false;
    return 32;
}

static unsigned td_peek_sense(struct ccw_dev *d, uint8_t sense[32])
{
    struct testdev *td = (struct testdev *)d;

    if (!td->sense_pending)
        return 0;
    memcpy(sense, td->sense, 32);
    return 32;
}

static void td_reset(struct ccw_dev *d)
{
    struct testdev *td = (struct testdev *)d;
    td->resets++;
    td->sense_pending = false;
}

static void td_destroy(struct ccw_dev *d)
{
    free(d);
}

/* A device reserved elsewhere: busy for every program while td->busy. */
static bool td_busy(struct ccw_dev *d, uint8_t code)
{
    struct testdev *td = (struct testdev *)d;
    bool busy = __atomic_load_n(&td->busy, __ATOMIC_ACQUIRE);

    if (busy && td->busy_asked)
        sem_post(td->busy_asked);
    return busy;
}

static const struct ccw_dev_ops td_ops = {
    .name = "testdev", .start = td_start, .exec = td_exec, .end = td_end,
    .sense = td_sense, .reset = td_reset, .destroy = td_destroy, .busy = td_busy,
    .peek_sense = td_peek_sense, .short_programs = true,
};

struct testdev *testdev_new(void)
{
    struct testdev *td = calloc(1, sizeof(*td));

    assert_non_null(td);
    td->ops = td_ops;
    td->base.ops = &td->ops;
    td->base.cu_type = 0x3990;
    td->base.dev_type = 0x3390;
    for (unsigned i = 0; i < sizeof(td->rec); i++)
        td->rec[i] = (uint8_t)(i * 7 + 1);
    td->rec_len = 64;
    return td;
}

/* ---- setup ----------------------------------------------------------------- */

void vt_css(struct vt *t, unsigned nsch)
{
    memset(t, 0, sizeof(*t));
    t->css = css_new();
    assert_non_null(t->css);
    assert_int_equal(css_add_chpid(t->css, 0, 0x40, CHP_TYPE_FC), 0);
    assert_int_equal(css_add_chpid(t->css, 0, 0x41, CHP_TYPE_FC), 0);
    for (unsigned i = 0; i < nsch; i++) {
        uint8_t chpids[8] = { 0x40, 0x41 };
        t->td[i] = testdev_new();
        t->sch[i] = css_add_io_subchannel(t->css, (struct schid){ 0, 0, (uint16_t)i }, (uint16_t)(0x1234 + i),
                                          &t->td[i]->base, chpids, 0xC0);
        assert_non_null(t->sch[i]);
    }
}

void vt_setup(struct vt *t, unsigned nsch)
{
    vt_css(t, nsch);
    t->mem = aligned_alloc(4096, GUEST_SIZE);
    assert_non_null(t->mem);
    memset(t->mem, 0, GUEST_SIZE);
    t->dma = vfio_dma_new();
    assert_int_equal(vfio_dma_map(t->dma, 0, GUEST_SIZE, t->mem, true), 0);
    for (unsigned i = 0; i < nsch; i++) {
        char uuid[48];
        snprintf(uuid, sizeof(uuid), "9a1b2c3d-0000-4000-8000-00000000000%c", (char)('0' + i));
        assert_int_equal(vfio_ccw_probe(t->sch[i], &t->p[i]), 0);
        assert_int_equal(vfio_ccw_mdev_create(t->p[i], uuid, &t->m[i]), 0);
        assert_int_equal(vfio_ccw_open(t->m[i], t->dma), 0);
        for (unsigned k = 0; k < 3; k++) {
            t->efd[i][k] = eventfd(0, EFD_NONBLOCK);
            assert_true(t->efd[i][k] >= 0);
            assert_int_equal(vfio_ccw_set_irq(t->m[i], k, t->efd[i][k]), 0);
        }
    }
}

void vt_teardown(struct vt *t)
{
    for (unsigned i = 0; i < 2; i++) {
        if (t->m[i]) {
            vfio_ccw_close(t->m[i]);
            assert_int_equal(vfio_ccw_remove(t->p[i]), 0);
            for (unsigned k = 0; k < 3; k++)
                close(t->efd[i][k]);
        }
    }
    css_free(t->css);
    if (t->dma) {
        assert_int_equal(vfio_dma_unmap(t->dma, 0, GUEST_SIZE), 0);
        vfio_dma_free(t->dma);
    }
    free(t->mem);
}

/* ---- guest memory ----------------------------------------------------------- */

void put_ccw1(struct vt *t, uint32_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw1_encode(&c, t->mem + addr);
}

void put_ccw0(struct vt *t, uint32_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw0_encode(&c, t->mem + addr);
}

void put_idaw1(struct vt *t, uint32_t addr, uint32_t v)
{
    idaw1_encode(v, t->mem + addr);
}

void put_idaw2(struct vt *t, uint32_t addr, uint64_t v)
{
    idaw2_encode(v, t->mem + addr);
}

struct orb orb_fmt1(uint32_t cpa)
{
    struct orb o = { .intparm = 0xfeedf00d, .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = cpa };
    return o;
}

/* ---- the I/O region ------------------------------------------------------------ */

ssize_t vt_start_once(struct vt *t, unsigned i, const struct orb *orb)
{
    uint8_t region[CCW_IO_REGION_SIZE] = { 0 };
    struct scsw s = { .fctl = SCSW_FCTL_START };

    orb_encode(orb, region);
    scsw_encode(&s, region + ORB_SIZE);
    return vfio_ccw_region_write(t->m[i], VFIO_CCW_CONFIG_REGION_INDEX, 0, region, sizeof(region));
}

/* A VMM retries -EAGAIN (QEMU loops on it): the last completion may still
 * hold io_mutex for a moment after the IO eventfd was signalled. */
ssize_t vt_start(struct vt *t, unsigned i, const struct orb *orb)
{
    ssize_t rc;

    while ((rc = vt_start_once(t, i, orb)) == -EAGAIN)
        ;
    return rc;
}

bool efd_wait(int fd, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    uint64_t v;

    if (poll(&pfd, 1, ms) != 1)
        return false;
    return read(fd, &v, sizeof(v)) == sizeof(v);
}

bool efd_pending(int fd)
{
    uint64_t v;
    return read(fd, &v, sizeof(v)) == sizeof(v);
}

void vt_settle(struct vt *t, unsigned i)
{
    vfio_ccw_notifier_settle(&t->m[i]->notifier);
}

bool vt_irq_pending(struct vt *t, unsigned i, unsigned index)
{
    vt_settle(t, i);
    return efd_pending(t->efd[i][index]);
}

void vt_wait_io(struct vt *t, unsigned i)
{
    assert_true(efd_wait(t->efd[i][VFIO_CCW_IO_IRQ_INDEX], 30000));
}

void vt_irb(struct vt *t, unsigned i, struct irb *irb)
{
    uint8_t region[CCW_IO_REGION_SIZE];

    assert_int_equal(vfio_ccw_region_read(t->m[i], 0, 0, region, sizeof(region)), sizeof(region));
    irb_decode(region + ORB_SIZE + SCSW_SIZE, irb);
}

void vt_run(struct vt *t, unsigned i, const struct orb *orb, struct irb *irb)
{
    assert_int_equal(vt_start(t, i, orb), CCW_IO_REGION_SIZE);
    vt_wait_io(t, i);
    vt_irb(t, i, irb);
}

ssize_t vt_async_once(struct vt *t, unsigned i, uint32_t cmd)
{
    uint8_t r[CCW_CMD_REGION_SIZE] = { 0 };

    be32_put(r, cmd);
    return vfio_ccw_region_write(t->m[i], 1, 0, r, sizeof(r));
}

ssize_t vt_async(struct vt *t, unsigned i, uint32_t cmd)
{
    ssize_t rc;

    while ((rc = vt_async_once(t, i, cmd)) == -EAGAIN)
        ;
    return rc;
}

/* ---- css-level interrupts ---------------------------------------------------------- */

void irq_sem_handler(void *opaque, struct subchannel *sch)
{
    struct irq_sem *s = opaque;
    __atomic_add_fetch(&s->count, 1, __ATOMIC_SEQ_CST);
    sem_post(&s->sem);
}

void irq_sem_wait(struct irq_sem *s)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 30;
    assert_int_equal(sem_timedwait(&s->sem, &ts), 0);
}

static void post_sem(void *sem)
{
    sem_post(sem);
}

void vt_slow(struct vt *t, unsigned i, sem_t *sem)
{
    sch_set_fault(t->sch[i], &(struct sch_fault){ .delay_ms = 600000, .delay_entered = post_sem, .opaque = sem });
}

void sem_wait_guarded(sem_t *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 30;
    assert_int_equal(sem_timedwait(s, &ts), 0);
}
