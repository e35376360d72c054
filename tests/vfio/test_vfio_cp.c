// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program translation, the security boundary: every bug and CVE of
 * docs/vfio.md "Regression tests" as a regression test, and adversarial programs.  The
 * cp library is driven directly where its internals are the point (what is
 * read from guest memory, how often, what gets pinned) and through the mdev
 * where the user-visible result is (IRB, data in guest memory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "vfio/private.h"

unsigned cp_pfch_warning_count(void);

/* ---- a bare cp with an observed DMA map ----------------------------------- */

struct reads {
    uint64_t lo, hi;      /* lowest and highest+1 guest byte read */
    unsigned n, in_range; /* reads, reads touching [watch_lo, watch_hi) */
    uint64_t watch_lo, watch_hi;
    uint8_t *mem;         /* to play the other vCPU */
    uint64_t poke_at;     /* on the first read of the watched range, rewrite 8 bytes here */
    uint64_t poke_val;
};

static void on_read(void *opaque, uint64_t iova, uint64_t len)
{
    struct reads *r = opaque;

    if (!r->n || iova < r->lo)
        r->lo = iova;
    if (iova + len > r->hi)
        r->hi = iova + len;
    r->n++;
    if (iova < r->watch_hi && r->watch_lo < iova + len) {
        if (!r->in_range++ && r->poke_at)
            idaw2_encode(r->poke_val, r->mem + r->poke_at);
    }
}

struct bare {
    uint8_t *mem;
    uint64_t size;
    struct vfio_dma *dma;
    struct channel_program cp;
    struct reads rd;
};

static struct bare *bare_new(uint64_t size)
{
    struct bare *b = calloc(1, sizeof(*b));

    b->size = size;
    b->mem = aligned_alloc(4096, size);
    memset(b->mem, 0, size);
    b->dma = vfio_dma_new();
    assert_int_equal(vfio_dma_map(b->dma, 0, size, b->mem, true), 0);
    b->rd.mem = b->mem;
    vfio_dma_set_read_hook(b->dma, on_read, &b->rd);
    return b;
}

static void bare_free(struct bare *b)
{
    cp_free(&b->cp);
    assert_int_equal(vfio_dma_unmap(b->dma, 0, b->size), 0);   /* no pin left behind */
    vfio_dma_free(b->dma);
    free(b->mem);
    free(b);
}

static void bccw(struct bare *b, uint32_t a, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw1_encode(&c, b->mem + a);
}

static int translate(struct bare *b, const struct orb *o)
{
    int rc = cp_init(&b->cp, o, b->dma, NULL);
    if (!rc)
        rc = cp_prefetch(&b->cp);
    return rc;
}

/* ---- CVE-2026-80550: no 257th CCW ---------------------------------------------- */

static void test_257th_ccw_never_read(void **st)
{
    struct bare *b = bare_new(0x4000);
    struct orb o = orb_fmt1(0x1000);

    /* 256 chained CCWs, and a perfectly good end CCW in slot 257 */
    for (unsigned i = 0; i < 256; i++)
        bccw(b, 0x1000 + i * 8, TD_NOP, CCW_FLAG_CC, 0, 0);
    bccw(b, 0x1800, TD_NOP, 0, 0, 0);
    b->rd.watch_lo = 0x1800;
    b->rd.watch_hi = 0x1808;
    assert_int_equal(cp_init(&b->cp, &o, b->dma, NULL), -EINVAL);
    assert_int_equal(b->rd.in_range, 0);
    assert_true(b->rd.hi <= 0x1800);
    assert_false(b->cp.initialized);
    assert_int_equal(b->cp.nchain, 0);
    /* 255 chained + 1 ending = 256 CCWs is fine */
    bccw(b, 0x1000 + 255 * 8, TD_NOP, 0, 0, 0);
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(b->cp.nchain, 1);
    bare_free(b);
}

static void test_chain_at_map_end(void **st)
{
    struct bare *b = bare_new(0x2000);
    struct orb o = orb_fmt1(0x1800);

    /* slot 257 is not even mapped: the chain fails, nothing past the map is read */
    for (unsigned i = 0; i < 256; i++)
        bccw(b, 0x1800 + i * 8, TD_NOP, CCW_FLAG_CC, 0, 0);
    assert_int_equal(cp_init(&b->cp, &o, b->dma, NULL), -EINVAL);
    assert_true(b->rd.hi <= 0x2000);
    /* a short chain in the last bytes of the map is fine */
    o.cpa = 0x1FF0;
    bccw(b, 0x1FF0, TD_NOP, CCW_FLAG_CC, 0, 0);
    bccw(b, 0x1FF8, TD_NOP, 0, 0, 0);
    assert_int_equal(translate(b, &o), 0);
    bare_free(b);
}

/* ---- the segment limit (16) and no leak when cp_init fails (CVE-2026-80555) ---- */

static void build_segments(struct bare *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        uint32_t a = 0x1000 + k * 0x1000;
        bccw(b, a, TD_NOP, CCW_FLAG_CC, 0, 0);
        if (k + 1 < n)
            bccw(b, a + 8, CCW_CMD_TIC, 0, 0, a + 0x1000);
        else
            bccw(b, a + 8, TD_NOP, 0, 0, 0);
    }
}

static void test_segment_limit(void **st)
{
    struct bare *b = bare_new(0x20000);
    struct orb o = orb_fmt1(0x1000);

    build_segments(b, 16);
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(b->cp.nchain, 16);
    cp_free(&b->cp);
    build_segments(b, 17);
    assert_int_equal(cp_init(&b->cp, &o, b->dma, NULL), -EINVAL);
    assert_int_equal(b->cp.nchain, 0);          /* all 16 fetched segments freed (ASan: no leak) */
    assert_false(b->cp.initialized);
    bare_free(b);
}

/* ---- 2021: cp_init refuses an initialized cp ----------------------------------- */

static void test_cp_init_twice(void **st)
{
    struct bare *b = bare_new(0x4000);
    struct orb o = orb_fmt1(0x1000);

    bccw(b, 0x1000, TD_NOP, 0, 0, 0);
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(cp_init(&b->cp, &o, b->dma, NULL), -EBUSY);
    assert_true(b->cp.initialized);
    bare_free(b);
}

/* ---- CVE-2026-80551: the first IDAW is read once ---------------------------------- */

static void test_first_idaw_toctou(void **st)
{
    struct bare *b = bare_new(0x10000);
    struct orb o = orb_fmt1(0x1000);

    bccw(b, 0x1000, TD_READ, CCW_FLAG_IDA, 6000, 0x1900);
    idaw2_encode(0x3000, b->mem + 0x1900);
    idaw2_encode(0x4000, b->mem + 0x1908);
    /* another vCPU rewrites the first IDAW as soon as the IDAL is read */
    b->rd.watch_lo = 0x1900;
    b->rd.watch_hi = 0x1910;
    b->rd.poke_at = 0x1900;
    b->rd.poke_val = 0x7FFF0000;
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(b->rd.in_range, 1);               /* one read of the IDAL */
    assert_true(cp_iova_pinned(&b->cp, 0x3000, 4096));
    assert_true(cp_iova_pinned(&b->cp, 0x4000, 6000 - 4096));
    assert_false(cp_iova_pinned(&b->cp, 0x4000 + 6000 - 4096, 0x1000));
    assert_false(cp_iova_pinned(&b->cp, 0x7FFF0000, 8));
    bare_free(b);
}

/* ---- 2019: zero-length / no-transfer CCWs are allowed and pin nothing ------------- */

static void test_no_transfer_not_pinned(void **st)
{
    struct bare *b = bare_new(0x4000);
    struct orb o = orb_fmt1(0x1000);

    bccw(b, 0x1000, TD_READ, CCW_FLAG_CC, 0, 0x7000000);                 /* count 0 */
    bccw(b, 0x1008, TD_NOP, CCW_FLAG_CC, 100, 0x7000000);                /* NOP */
    bccw(b, 0x1010, TD_READ, CCW_FLAG_CC | CCW_FLAG_SKIP, 100, 0x7000000); /* skip on read */
    bccw(b, 0x1018, TD_READ, CCW_FLAG_IDA, 0, 0x7000000);                /* IDA, count 0 */
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(b->cp.npin, 0);
    assert_int_equal(b->rd.hi, 0x1000 + 2048);          /* no IDAL read anywhere */
    bare_free(b);
}

static void test_calc_length_tic_back(void **st)
{
    struct bare *b = bare_new(0x4000);
    struct orb o = orb_fmt1(0x1000);

    /* a TIC back into the counted part does not end the segment */
    bccw(b, 0x1000, TD_NOP, CCW_FLAG_CC, 0, 0);
    bccw(b, 0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
    bccw(b, 0x1010, TD_NOP, 0, 0, 0);
    assert_int_equal(translate(b, &o), 0);
    assert_int_equal(b->cp.nchain, 1);
    /* the host ORB: format 1, format-2 IDAWs, the host CPA, LPM filled in */
    struct orb h;
    o.lpm = 0;
    cp_free(&b->cp);
    assert_int_equal(translate(b, &o), 0);
    cp_get_orb(&b->cp, 0x12345678, 0xC0, &h);
    assert_true(h.fmt);
    assert_true(h.c64);
    assert_false(h.i2k);
    assert_int_equal(h.lpm, 0xC0);
    assert_int_equal(h.intparm, 0x12345678);
    assert_int_equal(h.cpa, CP_CHAIN_BASE);
    bare_free(b);
}

/* ---- translation through the mdev: what the guest sees ---------------------------- */

static void test_fmt0_program(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    vt_setup(&t, 1);
    o.fmt = false;
    memset(t.mem + 0x2000, 0x5A, 32);
    put_ccw0(&t, 0x100, TD_WRITE, CCW_FLAG_CC, 32, 0x2000);
    put_ccw0(&t, 0x108, 0x18, 0, 0, 0x3000);           /* format-0 TIC: high bits ignored */
    put_ccw0(&t, 0x3000, TD_READ, CCW_FLAG_SLI, 32, 0x4000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(irb.scsw.cstat, 0);
    assert_int_equal(irb.scsw.cpa, 0x3008);             /* end of chain, guest address */
    assert_memory_equal(t.mem + 0x4000, t.mem + 0x2000, 32);
    /* a format-0 data address is 24 bits: 16 MiB - 1 lies outside the map */
    put_ccw0(&t, 0x100, TD_READ, 0, 16, 0xFFFFF0);
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    vt_teardown(&t);
}

static void test_end_of_chain_cpa_and_check(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x108, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x110, TD_NOP, 0, 0, 0);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cpa, 0x118);
    /* unit check in the middle: CPA = that CCW + 8 */
    put_ccw1(&t, 0x108, TD_REJECT, CCW_FLAG_CC, 0, 0);
    vt_run(&t, 0, &o, &irb);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x110);
    vt_teardown(&t);
}

static void test_ida_formats(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    vt_setup(&t, 1);
    t.td[0]->rec_len = 5000;
    /* format-2 IDAWs, 4K blocks, unaligned first */
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_IDA, 5000, 0x200);
    put_idaw2(&t, 0x200, 0x10F00);
    put_idaw2(&t, 0x208, 0x20000);
    put_idaw2(&t, 0x210, 0x30000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_int_equal(irb.scsw.cstat, 0);
    assert_memory_equal(t.mem + 0x10F00, t.td[0]->rec, 256);
    assert_memory_equal(t.mem + 0x20000, t.td[0]->rec + 256, 4096);
    assert_memory_equal(t.mem + 0x30000, t.td[0]->rec + 256 + 4096, 5000 - 256 - 4096);
    /* format-2 IDAWs, 2K blocks */
    memset(t.mem + 0x10000, 0, 0x30000);
    o.i2k = true;
    put_idaw2(&t, 0x200, 0x10700);
    put_idaw2(&t, 0x208, 0x20800);
    put_idaw2(&t, 0x210, 0x31000);
    put_idaw2(&t, 0x218, 0x40000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_memory_equal(t.mem + 0x10700, t.td[0]->rec, 256);
    assert_memory_equal(t.mem + 0x20800, t.td[0]->rec + 256, 2048);
    assert_memory_equal(t.mem + 0x31000, t.td[0]->rec + 2304, 2048);
    assert_memory_equal(t.mem + 0x40000, t.td[0]->rec + 4352, 5000 - 4352);
    /* format-1 IDAWs (4 bytes, 2K) */
    memset(t.mem + 0x10000, 0, 0x40000);
    o.c64 = false;
    o.i2k = false;
    put_idaw1(&t, 0x200, 0x10700);
    put_idaw1(&t, 0x204, 0x20800);
    put_idaw1(&t, 0x208, 0x31000);
    put_idaw1(&t, 0x20C, 0x40000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_memory_equal(t.mem + 0x20800, t.td[0]->rec + 256, 2048);
    assert_memory_equal(t.mem + 0x40000, t.td[0]->rec + 4352, 5000 - 4352);
    /* a later IDAW not on a block boundary: program check, not a wild access */
    put_idaw1(&t, 0x204, 0x20810);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x108);
    vt_teardown(&t);
}

static void test_direct_and_backward(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    vt_setup(&t, 1);
    t.td[0]->rec_len = 6000;
    put_ccw1(&t, 0x100, TD_READ, 0, 6000, 0x1F000 + 0x800);   /* crosses pages */
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_memory_equal(t.mem + 0x1F800, t.td[0]->rec, 6000);
    /* read backward: the area ends at cda; bytes are stored in descending order */
    t.td[0]->rec_len = 3000;
    put_ccw1(&t, 0x100, TD_RDBACK, 0, 3000, 0x50000 + 1000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.count, 0);
    assert_int_equal(irb.scsw.cstat, 0);
    for (unsigned i = 0; i < 3000; i++)
        assert_int_equal(t.mem[0x50000 + 1000 - i], t.td[0]->rec[i]);
    vt_teardown(&t);
}

/* ---- adversarial programs --------------------------------------------------------- */

static void test_tic_loops(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;

    vt_setup(&t, 1);
    /* TIC to TIC: program check at the second TIC (in another segment) */
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x108, CCW_CMD_TIC, 0, 0, 0x110);
    put_ccw1(&t, 0x110, CCW_CMD_TIC, 0, 0, 0x100);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x118);
    assert_int_equal(t.td[0]->execs, 1);
    /* a program may not start with a TIC */
    put_ccw1(&t, 0x100, CCW_CMD_TIC, 0, 0, 0x110);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x108);
    /* NOP; TIC *-8 runs until the channel's CCW bound, then program check */
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x108, CCW_CMD_TIC, 0, 0, 0x100);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    vt_teardown(&t);
}

static void test_tic_into_middle_of_segment(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x3000);
    struct irb irb;

    vt_setup(&t, 1);
    t.td[0]->rec_len = 16;
    put_ccw1(&t, 0x3000, TD_NOP, CCW_FLAG_CC, 0, 0);             /* segment A */
    put_ccw1(&t, 0x3008, CCW_CMD_TIC, CCW_FLAG_CC, 0, 0x5000);   /* flags of a TIC: ignored */
    put_ccw1(&t, 0x3010, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x3018, TD_READ, 0, 16, 0x6000);
    put_ccw1(&t, 0x5000, TD_WRITE, CCW_FLAG_CC, 16, 0x7000);     /* segment B */
    put_ccw1(&t, 0x5008, CCW_CMD_TIC, 0, 0, 0x3010);             /* into the middle of A */
    memset(t.mem + 0x7000, 0x77, 16);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, 0);
    assert_int_equal(irb.scsw.cpa, 0x3020);
    assert_null(t.m[0]->cp);
    assert_memory_equal(t.mem + 0x6000, t.mem + 0x7000, 16);
    vt_teardown(&t);
}

static void test_unmapped_and_straddling(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    uint8_t before[256];

    vt_setup(&t, 1);
    /* IDAWs into unmapped memory */
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_IDA, 100, 0x200);
    put_idaw2(&t, 0x200, 0x40000000);
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    /* an IDAL that itself runs off the map */
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_IDA, 8192, GUEST_SIZE - 8);
    put_idaw2(&t, GUEST_SIZE - 8, 0x10000);
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    /* a data range straddling the end of the map */
    memcpy(before, t.mem + GUEST_SIZE - 256, 256);
    put_ccw1(&t, 0x100, TD_READ, 0, 512, GUEST_SIZE - 256);
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    assert_memory_equal(t.mem + GUEST_SIZE - 256, before, 256);
    assert_int_equal(t.td[0]->execs, 0);
    /* the CCW itself outside the map; a TIC out of the map */
    o.cpa = GUEST_SIZE;
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    o.cpa = 0x100;
    put_ccw1(&t, 0x100, CCW_CMD_TIC, 0, 0, 0x7FFFFFF8);
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL);
    assert_int_equal(t.td[0]->execs, 0);
    assert_int_equal(t.m[0]->state, VFIO_CCW_STATE_IDLE);
    vt_teardown(&t);
}

static void test_unaligned_addresses(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x104);
    struct irb irb;

    vt_setup(&t, 1);
    put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
    vt_run(&t, 0, &o, &irb);                              /* CCW address not doubleword aligned */
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x10C);
    assert_int_equal(t.td[0]->execs, 0);
    o.cpa = 0x100;
    put_ccw1(&t, 0x100, TD_NOP, CCW_FLAG_CC, 0, 0);
    put_ccw1(&t, 0x108, CCW_CMD_TIC, 0, 0, 0x204);        /* unaligned TIC target */
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(irb.scsw.cpa, 0x110);                /* blamed on the TIC */
    put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_IDA, 16, 0x203); /* unaligned IDAL */
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(t.td[0]->execs, 2);
    vt_teardown(&t);
}

static void test_readonly_mapping_protection(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    uint8_t *ro = aligned_alloc(4096, 4096);
    struct irb irb;

    vt_setup(&t, 1);
    memset(ro, 0xEE, 4096);
    assert_int_equal(vfio_dma_map(t.dma, 0x400000, 4096, ro, false), 0);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x400000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.cstat, SCHN_STAT_PROT_CHECK);
    assert_int_equal(ro[0], 0xEE);
    assert_int_equal(vfio_dma_unmap(t.dma, 0x400000, 4096), 0);
    free(ro);
    vt_teardown(&t);
}

static void test_dirty_ranges(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct vfio_ccw_range r[4];
    struct irb irb;
    bool ovf;

    vt_setup(&t, 1);
    t.td[0]->rec_len = 6000;
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_CC, 6000, 0x1F800);
    put_ccw1(&t, 0x108, TD_WRITE, 0, 16, 0x30000);      /* output: not dirty */
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(vfio_ccw_dirty_take(t.m[0], r, 4, &ovf), 1);
    assert_false(ovf);
    assert_int_equal(r[0].iova, 0x1F800);
    assert_int_equal(r[0].len, 6000);
    assert_int_equal(vfio_ccw_dirty_take(t.m[0], r, 4, &ovf), 0);
    /* many scattered stores overflow the log */
    t.td[0]->rec_len = 1;
    for (unsigned i = 0; i < VFIO_CCW_DIRTY_MAX + 1; i++) {
        put_ccw1(&t, 0x100, TD_READ, 0, 1, 0x40000 + i * 2);
        vt_run(&t, 0, &o, &irb);
    }
    assert_int_equal(vfio_ccw_dirty_take(t.m[0], r, 4, &ovf), 0);
    assert_true(ovf);
    assert_int_equal(vfio_ccw_dirty_take(t.m[0], r, 4, &ovf), 0);
    assert_false(ovf);
    vt_teardown(&t);
}

static void test_pfch_not_required(void **st)
{
    struct vt t;
    struct orb o = orb_fmt1(0x100);
    struct irb irb;
    unsigned before = cp_pfch_warning_count();

    vt_setup(&t, 1);
    o.pfch = false;
    put_ccw1(&t, 0x100, TD_NOP, 0, 0, 0);
    vt_run(&t, 0, &o, &irb);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_true(cp_pfch_warning_count() >= before + 1);
    assert_true(cp_pfch_warning_count() <= before + 2);   /* rate-limited */
    vt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_257th_ccw_never_read),
        cmocka_unit_test(test_chain_at_map_end),
        cmocka_unit_test(test_segment_limit),
        cmocka_unit_test(test_cp_init_twice),
        cmocka_unit_test(test_first_idaw_toctou),
        cmocka_unit_test(test_no_transfer_not_pinned),
        cmocka_unit_test(test_calc_length_tic_back),
        cmocka_unit_test(test_fmt0_program),
        cmocka_unit_test(test_end_of_chain_cpa_and_check),
        cmocka_unit_test(test_ida_formats),
        cmocka_unit_test(test_direct_and_backward),
        cmocka_unit_test(test_tic_loops),
        cmocka_unit_test(test_tic_into_middle_of_segment),
        cmocka_unit_test(test_unmapped_and_straddling),
        cmocka_unit_test(test_unaligned_addresses),
        cmocka_unit_test(test_readonly_mapping_protection),
        cmocka_unit_test(test_dirty_ranges),
        cmocka_unit_test(test_pfch_not_required),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
