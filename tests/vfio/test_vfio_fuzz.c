// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Random channel programs through the mdev (deterministic seed): whatever
 * the guest writes, the daemon does not crash, every start request either
 * fails with the kernel's errno or ends with a final interrupt, a read-only
 * mapping is never written, and every byte the device stored lies inside a
 * writable mapping.  Guest memory sits between PROT_NONE guard pages, so a
 * stray access by the translator or the channel would fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "harness.h"

#define A_IOVA 0x0ull
#define A_SIZE 0x10000ull          /* 64 KiB read/write */
#define B_IOVA 0x11000ull          /* after a 4 KiB hole */
#define B_SIZE 0x4000ull           /* read-only */
#define C_IOVA 0x20000000ull       /* above 16 MiB */
#define C_SIZE 0x2000ull

struct fz {
    struct vt t;
    uint8_t *area;                 /* guard | A | guard | B | guard | C | guard */
    uint8_t *a, *b, *c;
    uint8_t bcopy[B_SIZE];
    uint64_t rng;
};

static uint32_t rnd(struct fz *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return (uint32_t)(f->rng >> 16);
}

static uint8_t *guarded(uint8_t *base, size_t off, size_t size)
{
    assert_int_equal(mprotect(base + off, size, PROT_READ | PROT_WRITE), 0);
    return base + off;
}

static void fz_setup(struct fz *f)
{
    size_t total = 4096 + A_SIZE + 4096 + B_SIZE + 4096 + C_SIZE + 4096;

    memset(f, 0, sizeof(*f));
    vt_css(&f->t, 1);
    f->area = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(f->area != MAP_FAILED);
    f->a = guarded(f->area, 4096, A_SIZE);
    f->b = guarded(f->area, 4096 + A_SIZE + 4096, B_SIZE);
    f->c = guarded(f->area, 4096 + A_SIZE + 4096 + B_SIZE + 4096, C_SIZE);
    f->t.dma = vfio_dma_new();
    assert_int_equal(vfio_dma_map(f->t.dma, A_IOVA, A_SIZE, f->a, true), 0);
    assert_int_equal(vfio_dma_map(f->t.dma, B_IOVA, B_SIZE, f->b, false), 0);
    assert_int_equal(vfio_dma_map(f->t.dma, C_IOVA, C_SIZE, f->c, true), 0);
    assert_int_equal(vfio_ccw_probe(f->t.sch[0], &f->t.p[0]), 0);
    assert_int_equal(vfio_ccw_mdev_create(f->t.p[0], "0f0f0f0f-0000-4000-8000-000000000000", &f->t.m[0]), 0);
    assert_int_equal(vfio_ccw_open(f->t.m[0], f->t.dma), 0);
    for (unsigned k = 0; k < 3; k++) {
        f->t.efd[0][k] = eventfd(0, EFD_NONBLOCK);
        vfio_ccw_set_irq(f->t.m[0], k, f->t.efd[0][k]);
    }
    f->t.td[0]->rec_len = 5000;
    f->rng = 0x9E3779B97F4A7C15ull;
}

static void fz_teardown(struct fz *f)
{
    vfio_ccw_close(f->t.m[0]);
    assert_int_equal(vfio_ccw_remove(f->t.p[0]), 0);
    for (unsigned k = 0; k < 3; k++)
        close(f->t.efd[0][k]);
    css_free(f->t.css);
    assert_int_equal(vfio_dma_unmap(f->t.dma, A_IOVA, A_SIZE), 0);
    assert_int_equal(vfio_dma_unmap(f->t.dma, B_IOVA, B_SIZE), 0);
    assert_int_equal(vfio_dma_unmap(f->t.dma, C_IOVA, C_SIZE), 0);
    vfio_dma_free(f->t.dma);
    munmap(f->area, 4096 * 4 + A_SIZE + B_SIZE + C_SIZE);
}

/* Mostly plausible addresses: inside A, B, C, the hole, just past the ends, or anything. */
static uint32_t some_addr(struct fz *f)
{
    switch (rnd(f) % 8) {
    case 0: case 1: case 2: return (uint32_t)(A_IOVA + rnd(f) % A_SIZE);
    case 3: return (uint32_t)(B_IOVA + rnd(f) % B_SIZE);
    case 4: return (uint32_t)(C_IOVA + rnd(f) % C_SIZE);
    case 5: return (uint32_t)(A_SIZE + rnd(f) % 0x1000);          /* the hole */
    case 6: return (uint32_t)(C_IOVA + C_SIZE - rnd(f) % 64);
    default: return rnd(f);
    }
}

static uint8_t some_cmd(struct fz *f)
{
    static const uint8_t cmds[] = { TD_READ, TD_READ, TD_WRITE, TD_NOP, TD_SENSE, TD_RDBACK,
                                    CCW_CMD_TIC, CCW_CMD_TIC, TD_REJECT };
    uint32_t r = rnd(f) % 10;
    return r < 9 ? cmds[r] : (uint8_t)rnd(f);
}

static void random_program(struct fz *f, struct orb *o)
{
    uint32_t cpa = (uint32_t)(rnd(f) % (A_SIZE - 0x400)) & ~7u;
    unsigned n = 1 + rnd(f) % 12;

    memset(o, 0, sizeof(*o));
    o->fmt = rnd(f) % 4 != 0;
    o->c64 = rnd(f) % 3 != 0;
    o->i2k = rnd(f) % 3 == 0;
    o->pfch = rnd(f) % 2;
    o->lpm = 0x80;
    o->cpa = rnd(f) % 16 ? cpa : cpa | 4;
    for (unsigned i = 0; i < n; i++) {
        struct ccw1 c = { some_cmd(f), (uint8_t)(rnd(f) & ~CCW_FLAG_SUSPEND), 0, some_addr(f) };
        c.flags = (uint8_t)((c.flags & (CCW_FLAG_IDA | CCW_FLAG_SKIP | CCW_FLAG_PCI | CCW_FLAG_SLI)) |
                            (i + 1 < n && rnd(f) % 4 ? CCW_FLAG_CC : 0));
        c.count = (uint16_t)(rnd(f) % 3 ? rnd(f) % 300 : rnd(f) % 9000);
        if (c.cmd == CCW_CMD_TIC)
            c.cda = rnd(f) % 3 ? (uint32_t)(rnd(f) % A_SIZE) & ~7u : some_addr(f);
        if (c.flags & CCW_FLAG_IDA) {
            uint32_t idal = (uint32_t)(rnd(f) % (A_SIZE - 64)) & ~7u;
            c.cda = idal;
            for (unsigned k = 0; k < 8; k++) {
                uint64_t v = some_addr(f);
                if (rnd(f) % 2)
                    v &= ~0x7FFull;
                if (o->c64)
                    idaw2_encode(v, f->a + idal + k * 8);
                else
                    idaw1_encode((uint32_t)v, f->a + idal + k * 4);
            }
        }
        if (o->fmt)
            ccw1_encode(&c, f->a + cpa + i * 8);
        else
            ccw0_encode(&c, f->a + cpa + i * 8);
    }
}

static bool in_writable(uint64_t iova, uint64_t len)
{
    return iova + len <= A_IOVA + A_SIZE || (iova >= C_IOVA && iova + len <= C_IOVA + C_SIZE);
}

static void run_to_final(struct fz *f)
{
    struct irb irb;

    for (;;) {
        vt_wait_io(&f->t, 0);
        vt_irb(&f->t, 0, &irb);
        if (irb.scsw.actl & SCSW_ACTL_SUSPENDED) {
            assert_int_equal(vt_async(&f->t, 0, VFIO_CCW_ASYNC_CMD_CSCH), CCW_CMD_REGION_SIZE);
            continue;
        }
        if (!(irb.scsw.actl & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT)))
            break;
    }
    vt_settle(&f->t, 0);
    while (efd_pending(f->t.efd[0][0]))
        ;
}

static void test_random_programs(void **st)
{
    struct fz *f = calloc(1, sizeof(*f));
    unsigned started = 0, refused = 0;
    struct vfio_ccw_range r[VFIO_CCW_DIRTY_MAX];

    fz_setup(f);
    for (unsigned i = 0; i < B_SIZE; i++)
        f->b[i] = (uint8_t)(i * 13);
    memcpy(f->bcopy, f->b, B_SIZE);
    for (unsigned iter = 0; iter < 5000; iter++) {
        struct orb o;
        ssize_t rc;
        bool ovf;
        unsigned n;

        memset(f->a, 0, A_SIZE);
        random_program(f, &o);
        while ((rc = vt_start(&f->t, 0, &o)) == -EAGAIN)
            ;
        if (rc == CCW_IO_REGION_SIZE) {
            started++;
            run_to_final(f);
        } else {
            assert_int_equal(rc, -EINVAL);
            refused++;
        }
        n = vfio_ccw_dirty_take(f->t.m[0], r, VFIO_CCW_DIRTY_MAX, &ovf);
        assert_false(ovf);
        for (unsigned k = 0; k < n; k++)
            assert_true(in_writable(r[k].iova, r[k].len));
    }
    assert_memory_equal(f->b, f->bcopy, B_SIZE);
    printf("# %u programs ran (%u device commands), %u refused\n", started, f->t.td[0]->execs, refused);
    assert_true(f->t.td[0]->execs > started / 2);
    assert_true(started > 500);
    assert_true(refused > 500);
    fz_teardown(f);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
