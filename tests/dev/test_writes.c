// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECKD device: when a written track reaches the image (docs/eckd.md "Track
 * writes").  The device keeps the current track dirty across the write
 * commands of a chain and stores it once: when the program moves to another
 * track, at the command that ends the chain, and when the program ends in any
 * other way (halt), on a reset and on close.  The image layer's counter
 * (img_track_writes) shows how often; an image opened read-only under a
 * device that believes it may write makes every store fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dfx.h"
#include "lxcp.h"
#include "dev/eckd_priv.h"
#include "img/ckdtrack.h"

#define BLK 4096u
#define RPT 12u

static struct dfx *mk(bool cckd)
{
    struct dfx_opts o = { .cyls = 3, .linux_null = true, .cckd = cckd };
    return dfx_new(&o);
}

/* A volume whose image refuses every write while the device believes it may
 * write: each track store fails (EROFS) like a failing disk. */
static struct dfx *mk_failing(void)
{
    struct dfx_opts o = { .cyls = 3, .linux_null = true, .readonly = true };
    struct dfx *f = dfx_new(&o);

    to_eckd(f->dev)->cfg.readonly = false;
    return f;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed);
}

/* Data of record `rec` (R1 = 1) of track `trk` as the image holds it. */
static const uint8_t *image_data(struct dfx *f, uint32_t trk, unsigned rec)
{
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    size_t len = dfx_track(f, trk / LX_HEADS, trk % LX_HEADS, buf);

    assert_true(len > 0);
    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    assert_true(rec < t.nrecs);
    assert_int_equal(t.rec[rec].rec, rec);
    return buf + t.rec[rec].off + CKD_COUNT_SIZE + t.rec[rec].kl;
}

static unsigned image_nrecs(struct dfx *f, uint32_t trk)
{
    static uint8_t buf[CKD_MAX_TRACK_IMAGE];
    static struct ckd_track t;
    size_t len = dfx_track(f, trk / LX_HEADS, trk % LX_HEADS, buf);

    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    return t.nrecs;
}

static uint64_t writes(const struct dfx *f)
{
    return img_track_writes(f->im);
}

/* Define Extent for update writes over tracks [beg, end] (reads allowed). */
static void de_write(struct dfx *f, uint32_t beg, uint32_t end)
{
    uint8_t de[16];

    dfx_begin(f);
    lx_define_extent(de, beg, end, LX_CMD_WRITE_MT, false);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
}

/* Locate Record for `n` records from record `rec` of track `trk`. */
static unsigned lr(struct dfx *f, uint8_t cmd, uint32_t trk, unsigned rec, unsigned n)
{
    uint8_t p[16];

    lx_locate_record(p, trk, rec, n, cmd, BLK, BLK);
    return dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, p);
}

/* A format of one track with 12 records is one track write, on CKD and on
 * CCKD (where each store also recompresses the track). */
static void check_format_writes_once(bool cckd)
{
    struct dfx *f = mk(cckd);
    uint64_t w0 = writes(f);

    assert_int_equal(lx_format(f, 2, 2, BLK, 0), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(writes(f) - w0, 1);
    assert_int_equal(image_nrecs(f, 2), 1 + RPT);
    /* a request over three tracks: one write each */
    w0 = writes(f);
    assert_int_equal(lx_format(f, 3, 5, BLK, 0), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(writes(f) - w0, 3);
    for (uint32_t t = 3; t <= 5; t++)
        assert_int_equal(image_nrecs(f, t), 1 + RPT);
    dfx_free(f);
}

static void test_format_track_written_once_ckd(void **state)
{
    check_format_writes_once(false);
}

static void test_format_track_written_once_cckd(void **state)
{
    check_format_writes_once(true);
}

/* One chain writing two records each on T1, T2, T1 again: three stores, and
 * every record on the image. */
static void test_t1_t2_t1_three_writes(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[6][BLK];
    uint64_t w0 = writes(f);

    for (unsigned i = 0; i < 6; i++)
        fill(blk[i], BLK, 11 * i + 1);
    de_write(f, 2, 3);
    lr(f, LX_CMD_WRITE_MT, 2, 1, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[0]);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[1]);
    lr(f, LX_CMD_WRITE_MT, 3, 1, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[2]);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[3]);
    lr(f, LX_CMD_WRITE_MT, 2, 3, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[4]);
    dfx_ccw(f, 0x85, 0, BLK, blk[5]);
    assert_int_equal(dfx_run(f), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_int_equal(f->st.cstat, 0);
    assert_int_equal(writes(f) - w0, 3);
    assert_memory_equal(image_data(f, 2, 1), blk[0], BLK);
    assert_memory_equal(image_data(f, 2, 2), blk[1], BLK);
    assert_memory_equal(image_data(f, 3, 1), blk[2], BLK);
    assert_memory_equal(image_data(f, 3, 2), blk[3], BLK);
    assert_memory_equal(image_data(f, 2, 3), blk[4], BLK);
    assert_memory_equal(image_data(f, 2, 4), blk[5], BLK);
    dfx_free(f);
}

/* A read of the track just written, in the same chain, returns the new data;
 * a read of another track in between stores the written one first. */
static void test_read_after_write_same_chain(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[BLK];
    uint64_t w0 = writes(f);

    fill(blk, BLK, 99);
    de_write(f, 2, 3);
    lr(f, LX_CMD_WRITE_MT, 2, 5, 1);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk);
    lr(f, LX_CMD_READ_MT, 2, 5, 1);
    unsigned same = dfx_ccw(f, 0x86, CCW_FLAG_CC, BLK, NULL);
    lr(f, LX_CMD_READ_MT, 3, 5, 1);
    dfx_ccw(f, 0x86, CCW_FLAG_CC, BLK, NULL);
    lr(f, LX_CMD_READ_MT, 2, 5, 1);
    unsigned again = dfx_ccw(f, 0x86, 0, BLK, NULL);
    assert_int_equal(dfx_run(f), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_memory_equal(dfx_data(f, same), blk, BLK);
    assert_memory_equal(dfx_data(f, again), blk, BLK);
    assert_int_equal(writes(f) - w0, 1);
    assert_memory_equal(image_data(f, 2, 5), blk, BLK);
    dfx_free(f);
}

/* The store at a track switch fails: unit check with equipment check on the
 * command that moved to the other track (here the Locate Record), the
 * chain ends there, and nothing after it runs. */
static void test_store_error_at_track_switch(void **state)
{
    struct dfx *f = mk_failing();
    static uint8_t blk[BLK];

    de_write(f, 2, 3);
    lr(f, LX_CMD_WRITE_MT, 2, 1, 1);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk);
    unsigned sw = lr(f, LX_CMD_WRITE_MT, 3, 1, 1);
    dfx_ccw(f, 0x85, 0, BLK, blk);
    assert_int_equal(dfx_run(f), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), sw);
    assert_int_equal(f->nsense, 32);
    assert_int_equal(f->sense[0], SNS0_EQUIP_CHECK);
    assert_int_equal(f->sense[7], SNS7_F1(0));
    dfx_free(f);
}

/* Same when the store happens at the last command of the chain: the unit
 * check is on that command, never a clean status. */
static void test_store_error_at_last_ccw(void **state)
{
    struct dfx *f = mk_failing();
    static uint8_t blk[BLK], old[BLK];

    fill(blk, BLK, 77);
    memcpy(old, image_data(f, 2, 1), BLK);
    de_write(f, 2, 2);
    lr(f, LX_CMD_WRITE_MT, 2, 1, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk);
    unsigned last = dfx_ccw(f, 0x85, 0, BLK, blk);
    assert_int_equal(dfx_run(f), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(f), last);
    assert_int_equal(f->sense[0], SNS0_EQUIP_CHECK);
    assert_int_equal(f->sense[7], SNS7_F1(0));
    /* the copy that could not be stored is dropped: a read sees the image */
    de_write(f, 2, 2);
    lr(f, LX_CMD_READ_MT, 2, 1, 1);
    unsigned rd = dfx_ccw(f, 0x86, 0, BLK, NULL);
    assert_int_equal(dfx_run(f), CHAN_DONE);
    assert_int_equal(f->st.dstat, CE_DE);
    assert_memory_equal(dfx_data(f, rd), old, BLK);
    dfx_free(f);
}

/* before_cmd hook: halt when the command at `halt_at` is about to run. */
struct halt_ctx {
    struct chan_prog *p;
    unsigned n, halt_at;
};

static bool halt_before(void *opaque, const struct ccw1 *ccw)
{
    struct halt_ctx *h = opaque;

    (void)ccw;
    if (h->n++ == h->halt_at) {
        chan_prog_halt(h->p);
        return true;
    }
    return false;
}

/* A program halted after a completed write: that write is on the image when
 * the halted status is presented, the one that never ran is not. */
static void test_halt_stores_completed_writes(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[2][BLK], old[BLK];
    uint64_t w0 = writes(f);

    fill(blk[0], BLK, 3);
    fill(blk[1], BLK, 4);
    memcpy(old, image_data(f, 2, 2), BLK);
    de_write(f, 2, 2);
    lr(f, LX_CMD_WRITE_MT, 2, 1, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk[0]);
    dfx_ccw(f, 0x85, 0, BLK, blk[1]);

    struct chan_prog p;
    struct halt_ctx h = { .p = &p, .halt_at = 3 };
    struct chan_hooks hooks = { .opaque = &h, .before_cmd = halt_before };
    assert_int_equal(chan_prog_init(&p, &f->orb, &f->cm, f->dev, &hooks), 0);
    assert_int_equal(chan_run(&p), CHAN_HALTED);
    chan_prog_free(&p);
    assert_int_equal(writes(f) - w0, 1);
    assert_memory_equal(image_data(f, 2, 1), blk[0], BLK);
    assert_memory_equal(image_data(f, 2, 2), old, BLK);
    dfx_free(f);
}

/* DE + LR(2 records of track 2) + Write Update Data, then a second one
 * whose CCW carries the suspend flag: the program suspends before it. */
static void build_suspending(struct dfx *f, const uint8_t *blk)
{
    de_write(f, 2, 2);
    lr(f, LX_CMD_WRITE_MT, 2, 1, 2);
    dfx_ccw(f, 0x85, CCW_FLAG_CC, BLK, blk);
    dfx_ccw(f, 0x85, CCW_FLAG_SUSPEND, BLK, blk);
    f->orb.spnd = true;
}

/* A program suspended after a completed write: the write is on the image
 * while the program is suspended (HSCH or XSCH may end it there). */
static void test_suspend_stores_completed_writes(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[BLK];
    uint64_t w0 = writes(f);

    fill(blk, BLK, 21);
    build_suspending(f, blk);
    struct chan_prog p;
    assert_int_equal(chan_prog_init(&p, &f->orb, &f->cm, f->dev, NULL), 0);
    assert_int_equal(chan_run(&p), CHAN_SUSPENDED);
    assert_int_equal(writes(f) - w0, 1);
    assert_memory_equal(image_data(f, 2, 1), blk, BLK);
    chan_prog_free(&p);
    dfx_free(f);
}

/* The store at the suspend point fails: the resumed program does not end
 * without error, its first command gets the equipment check. */
static void test_suspend_store_error_on_resume(void **state)
{
    struct dfx *f = mk_failing();
    static uint8_t blk[BLK];

    build_suspending(f, blk);
    struct chan_prog p;
    assert_int_equal(chan_prog_init(&p, &f->orb, &f->cm, f->dev, NULL), 0);
    assert_int_equal(chan_run(&p), CHAN_SUSPENDED);
    /* RSCH: the channel refetches the CCW; its S flag is cleared first */
    f->mem[dfx_ccw_addr(f, 3) + 1] &= (uint8_t)~CCW_FLAG_SUSPEND;
    assert_int_equal(chan_resume(&p), CHAN_DONE);
    assert_int_equal(p.status.dstat, CE_DE_UC);
    assert_int_equal(p.status.cpa, dfx_ccw_addr(f, 3) + 8);
    uint8_t sense[32];
    assert_int_equal(f->dev->ops->sense(f->dev, sense), 32);
    assert_int_equal(sense[0], SNS0_EQUIP_CHECK);
    assert_int_equal(sense[7], SNS7_F1(0));
    chan_prog_free(&p);
    dfx_free(f);
}

/* Issue DE, LR and one Write Update Data with command chaining straight to
 * the device, as the channel does in the middle of a program. */
static void write_mid_chain(struct dfx *f, const uint8_t *blk)
{
    static uint8_t buf[CHAN_IOBUF_SIZE];
    struct ccw_result r;
    uint8_t code[3] = { 0x63, 0x47, 0x85 };

    lx_define_extent(buf, 2, 2, LX_CMD_WRITE_MT, false);
    f->dev->ops->start(f->dev, &f->orb);
    for (uint32_t i = 0; i < 3; i++) {
        struct ccw_cmd c = { .code = code[i], .flags = CCW_FLAG_CC, .chained = i > 0,
                             .prev_code = i ? code[i - 1] : 0, .seq = i, .buf = buf };
        if (i == 1)
            lx_locate_record(buf, 2, 1, 2, LX_CMD_WRITE_MT, BLK, BLK);
        if (i == 2)
            memcpy(buf, blk, BLK);
        c.count = i == 2 ? BLK : 16;
        f->dev->ops->exec(f->dev, &c, &r);
        assert_int_equal(r.unitstat, CE_DE);
    }
}

/* A clear (ops->reset) in the middle of a chain stores the completed write. */
static void test_reset_stores_dirty_track(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[BLK];
    uint64_t w0 = writes(f);

    fill(blk, BLK, 23);
    write_mid_chain(f, blk);
    assert_int_equal(writes(f) - w0, 0);            /* dirty, not yet stored */
    f->dev->ops->reset(f->dev);
    assert_int_equal(writes(f) - w0, 1);
    assert_memory_equal(image_data(f, 2, 1), blk, BLK);
    dfx_free(f);
}

/* Closing the device (ops->destroy) stores it too. */
static void test_close_stores_dirty_track(void **state)
{
    struct dfx *f = mk(false);
    static uint8_t blk[BLK];

    fill(blk, BLK, 24);
    write_mid_chain(f, blk);
    dfx_reopen(f, false);
    assert_memory_equal(image_data(f, 2, 1), blk, BLK);
    dfx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_track_written_once_ckd),
        cmocka_unit_test(test_format_track_written_once_cckd),
        cmocka_unit_test(test_t1_t2_t1_three_writes),
        cmocka_unit_test(test_read_after_write_same_chain),
        cmocka_unit_test(test_store_error_at_track_switch),
        cmocka_unit_test(test_store_error_at_last_ccw),
        cmocka_unit_test(test_halt_stores_completed_writes),
        cmocka_unit_test(test_suspend_stores_completed_writes),
        cmocka_unit_test(test_suspend_store_error_on_resume),
        cmocka_unit_test(test_reset_stores_dirty_track),
        cmocka_unit_test(test_close_stores_dirty_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
