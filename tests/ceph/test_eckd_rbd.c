// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ECKD device on a volume in Ceph RBD, whose track writes are
 * pipelined (docs/images.md "Volumes on Ceph RBD"): Linux 6.1's dasdfmt and
 * multi-track block writes (tests/dev/lxcp.c) end with clean status and
 * leave every track as the same programs leave a file volume; a store that
 * fails after the cluster stopped ends the program in equipment check, as
 * a failed synchronous store does (docs/eckd.md "Track writes").  Reads
 * in order are served by read-ahead within a program, never across.
 *
 * Environment (with_cluster.sh sets it): CEPH_CONF, the test cluster's
 * ceph.conf; CEPH_SH and CEPH_DIR, to stop that cluster.  The stopped-cluster
 * test runs last.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../dev/dfx.h"
#include "../dev/lxcp.h"
#include "dev/eckd_priv.h"
#include "img/rbd.h"

#define CYLS 5
#define BLK 4096
#define FIRST_BLOCK 100             /* past the CDL special tracks */
#define NBLOCKS 190                 /* 16 tracks of 12 blocks: one program */
#define OSD_TIMEOUT ":rados_osd_op_timeout=5:rados_mon_op_timeout=5"

static uint8_t wbuf[NBLOCKS * BLK], rbuf[NBLOCKS * BLK];
static uint8_t ta[CKD_MAX_TRACK_IMAGE], tb[CKD_MAX_TRACK_IMAGE];

/* dfx_new() with the volume on RBD image `image` of the test cluster. */
static struct dfx *mk_rbd(const char *image, uint32_t cyls)
{
    const char *conf = getenv("CEPH_CONF");
    struct dfx *f = calloc(1, sizeof(*f));
    char err[512];

    assert_non_null(conf);
    assert_non_null(f);
    int n = snprintf(f->path, sizeof(f->path), "rbd:rbd/%s:conf=%s" OSD_TIMEOUT, image, conf);
    assert_true(n > 0 && (size_t)n < sizeof(f->path));
    struct img_create_opts co = { .devtype = 0x3390, .cyls = cyls, .format = IMG_CKD, .raw = true };
    if (img_create(f->path, &co, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    f->im = img_open(f->path, false, err, sizeof(err));
    if (!f->im)
        fail_msg("%s", err);
    f->cfg.devno = 0x0200;
    f->cfg.unit_addr = 0x02;
    f->cfg.ssid = 0x0100;
    f->dev = eckd_new(f->im, &f->cfg, err, sizeof(err));
    if (!f->dev)
        fail_msg("%s", err);
    dfx_channel_init(f);
    return f;
}

static void free_rbd(struct dfx *f)
{
    f->dev->ops->destroy(f->dev);
    img_close(f->im);
    free(f->mem);
    free(f);
}

static uint64_t hits(struct dfx *f)
{
    struct img_rbd_info info;
    assert_int_equal(img_rbd_info(f->im, &info), 0);
    return info.readahead_hits;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 13 + i / BLK + seed);
}

/* dasdfmt, then one program writing 16 tracks: the same on a file and on
 * RBD, every status clean, every track byte-identical, and the blocks
 * read back at once. */
static void test_programs_round_trip(void **state)
{
    (void)state;
    struct dfx_opts o = { .cyls = CYLS, .raw = true, .unit_addr = 0x02, .devno = 0x0200 };
    struct dfx *file = dfx_new(&o);
    struct dfx *rbd = mk_rbd("eckd-rt", CYLS);

    fill(wbuf, sizeof wbuf, 5);
    struct dfx *both[2] = { file, rbd };
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(lx_dasdfmt(both[i], BLK, true), 0);
        assert_int_equal(lx_blocks(both[i], true, FIRST_BLOCK, NBLOCKS, BLK, true, wbuf), CHAN_DONE);
        assert_int_equal(both[i]->st.dstat, CE_DE);
    }
    uint64_t h0 = hits(rbd);
    assert_int_equal(lx_blocks(rbd, false, FIRST_BLOCK, NBLOCKS, BLK, true, rbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE);
    assert_memory_equal(rbuf, wbuf, sizeof wbuf);
    assert_true(hits(rbd) > h0);                /* the tracks after the first came from read-ahead */
    for (uint32_t t = 0; t < CYLS * LX_HEADS; t++) {
        size_t la = dfx_track(file, t / LX_HEADS, t % LX_HEADS, ta);
        size_t lb = dfx_track(rbd, t / LX_HEADS, t % LX_HEADS, tb);
        assert_true(la > 0);
        assert_int_equal(lb, la);
        assert_memory_equal(tb, ta, la);
    }
    dfx_free(file);
    free_rbd(rbd);
}

/* Read-ahead ends with the program: a program reading tracks 40-45 in
 * order reads 46.. ahead, but later reads of 45 and 46 go to the image;
 * a track read ahead and then written reads back as written. */
static void test_readahead_dropped_at_program_end(void **state)
{
    (void)state;
    struct dfx *rbd = mk_rbd("eckd-ra", CYLS);
    unsigned rpt = 12;

    assert_int_equal(lx_dasdfmt(rbd, BLK, true), 0);
    assert_int_equal(lx_blocks(rbd, false, 40 * rpt, 6 * rpt, BLK, true, rbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE);
    uint64_t h = hits(rbd);
    assert_true(h > 0);
    assert_true(dfx_track(rbd, 45 / LX_HEADS, 45 % LX_HEADS, ta) > 0);
    assert_true(dfx_track(rbd, 46 / LX_HEADS, 46 % LX_HEADS, ta) > 0);
    assert_int_equal(hits(rbd), h);             /* not from the previous program's read-ahead */
    fill(wbuf, rpt * BLK, 3);                   /* 45, 46 in order: 47 is read ahead; then written */
    assert_int_equal(lx_blocks(rbd, true, 47 * rpt, rpt, BLK, true, wbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE);
    assert_int_equal(lx_blocks(rbd, false, 46 * rpt, 2 * rpt, BLK, true, rbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE);
    assert_memory_equal(rbuf + rpt * BLK, wbuf, rpt * BLK);
    free_rbd(rbd);
}

/* The track is in the device's copy; the cluster stops; a write to it is
 * stored at the end of the chain and fails there: unit check with
 * equipment check (sense 10 / 00 / 10, format 1 message 0) on the last
 * command, never a clean status. */
static void test_stopped_cluster_store_fails(void **state)
{
    (void)state;
    const char *sh = getenv("CEPH_SH"), *dir = getenv("CEPH_DIR");
    char cmd[1024];
    struct dfx *rbd = mk_rbd("eckd-dead", 1);

    assert_non_null(sh);
    assert_non_null(dir);
    assert_int_equal(lx_dasdfmt(rbd, BLK, true), 0);
    assert_int_equal(lx_blocks(rbd, false, 24, 1, BLK, true, rbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE);
    snprintf(cmd, sizeof cmd, "'%s' stop '%s' >/dev/null", sh, dir);
    assert_int_equal(system(cmd), 0);
    fill(wbuf, BLK, 9);
    assert_int_equal(lx_blocks(rbd, true, 24, 1, BLK, true, wbuf), CHAN_DONE);
    assert_int_equal(rbd->st.dstat, CE_DE_UC);
    assert_int_equal(dfx_last_ccw(rbd), rbd->nccw - 1);
    assert_int_equal(rbd->nsense, 32);
    assert_int_equal(rbd->sense[0], SNS0_EQUIP_CHECK);
    assert_int_equal(rbd->sense[1], 0);
    assert_int_equal(rbd->sense[7], SNS7_F1(0));
    free_rbd(rbd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_programs_round_trip),
        cmocka_unit_test(test_readahead_dropped_at_program_end),
        cmocka_unit_test(test_stopped_cluster_store_fails),     /* last: the cluster is gone after it */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
