// SPDX-License-Identifier: GPL-2.0-or-later
/* Uncompressed CKD images: create, open, read/write tracks, persistence,
 * byte equality with Hercules dasdinit, multi-file sets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "img/ckdtrack.h"
#include "img/image.h"
#include "testutil.h"

static uint8_t buf[CKD_MAX_TRACK_IMAGE], buf2[CKD_MAX_TRACK_IMAGE];
static char err[512];

static struct img *make(const char *name, uint32_t cyls, bool linux_null, bool raw)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = IMG_CKD,
                                 .linux_null = linux_null, .raw = raw, .volser = "VOL001" };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path(name), false, err, sizeof err);
    assert_non_null(im);
    return im;
}

static void create_geometry(void **s)
{
    (void)s;
    struct img *im = make("g.3390", 10, false, false);
    const struct img_geometry *g = img_geometry(im);
    assert_int_equal(g->devtype, 0x3390);
    assert_int_equal(g->cyls, 10);
    assert_int_equal(g->heads, 15);
    assert_int_equal(g->trksize, 56832);
    assert_int_equal(img_format(im), IMG_CKD);
    img_close(im);
    struct stat st;
    assert_int_equal(stat(tu_path("g.3390"), &st), 0);
    assert_int_equal(st.st_size, 512 + 150 * 56832);
}

static void track0_labels(void **s)
{
    (void)s;
    struct img *im = make("t0.3390", 3, false, false);
    size_t len = 0;
    struct ckd_track t;
    assert_int_equal(img_read_track(im, 0, 0, buf, sizeof buf, &len), 0);
    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    assert_int_equal(t.nrecs, 4);
    assert_int_equal(t.rec[1].kl, 4);
    assert_int_equal(t.rec[1].dl, 24);
    assert_int_equal(t.rec[2].dl, 144);
    assert_int_equal(t.rec[3].dl, 80);
    /* VOL1 data: "VOL1" then volser in EBCDIC */
    const uint8_t vol1[] = { 0xE5, 0xD6, 0xD3, 0xF1, 0xE5, 0xD6, 0xD3, 0xF0, 0xF0, 0xF1 };
    assert_memory_equal(buf + t.rec[3].off + 8 + 4, vol1, sizeof vol1);
    assert_int_equal(img_read_track(im, 2, 14, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 29);
    assert_int_equal(buf[1] << 8 | buf[2], 2);
    assert_int_equal(buf[4], 14);
    img_close(im);
}

static void write_read_persist(void **s)
{
    (void)s;
    struct img *im = make("wr.3390", 5, true, false);
    size_t len = ckd_track_null(buf, 4, 14, 2), got = 0;
    for (size_t i = 0; i < 4096; i++)
        buf[5 + 16 + 8 + i] = (uint8_t)(i * 7);
    assert_int_equal(img_write_track(im, 4, 14, buf, len), 0);
    assert_int_equal(img_read_track(im, 4, 14, buf2, sizeof buf2, &got), 0);
    assert_int_equal(got, len);
    assert_memory_equal(buf, buf2, len);
    assert_int_equal(img_flush(im), 0);
    img_close(im);
    im = img_open(tu_path("wr.3390"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_read_track(im, 4, 14, buf2, sizeof buf2, &got), 0);
    assert_memory_equal(buf, buf2, len);
    /* read-only image refuses writes with a message naming the file and track */
    assert_true(img_write_track(im, 4, 14, buf, len) < 0);
    assert_non_null(strstr(img_error(im), "wr.3390"));
    assert_non_null(strstr(img_error(im), "cyl 4 head 14"));
    img_close(im);
}

static void out_of_range_and_bad_writes(void **s)
{
    (void)s;
    struct img *im = make("oor.3390", 2, false, false);
    size_t len;
    assert_int_equal(img_read_track(im, 2, 0, buf, sizeof buf, &len), -EINVAL);
    assert_non_null(strstr(img_error(im), "cyl 2 head 0"));
    assert_int_equal(img_read_track(im, 0, 15, buf, sizeof buf, &len), -EINVAL);
    /* a small buffer is refused, not overrun */
    assert_int_equal(img_read_track(im, 0, 0, buf, 20, &len), -ENOBUFS);
    len = ckd_track_null(buf, 1, 1, 1);
    assert_true(img_write_track(im, 1, 1, buf, len - 8) < 0);
    assert_non_null(strstr(img_error(im), "cyl 1 head 1"));
    img_close(im);
}

static void same_bytes_as_dasdinit(void **s)
{
    (void)s;
    struct { const char *opt, *tail, *ours; bool linux_null, raw; } v[] = {
        { "", "VOL001 4", "o1.3390", false, false },
        { "-linux", "VOL001 4", "o2.3390", true, false },
        { "-r", "4", "o3.3390", false, true },
    };
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(tu_sh("dasdinit %s %s/h%u.3390 3390 %s >/dev/null 2>&1", v[i].opt, tu_tmpdir(), i + 1,
                               v[i].tail), 0);
        img_close(make(v[i].ours, 4, v[i].linux_null, v[i].raw));
        char theirs[16];
        snprintf(theirs, sizeof theirs, "h%u.3390", i + 1);
        assert_int_equal(tu_sh("cmp -s '%s' '%s'", tu_path(theirs), tu_path(v[i].ours)), 0);
    }
}

static void same_bytes_as_dasdinit_3380(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3380, .cyls = 3, .volser = "VOL380" };
    assert_int_equal(img_create(tu_path("o.3380"), &o, err, sizeof err), 0);
    assert_int_equal(tu_sh("dasdinit %s 3380 VOL380 3 >/dev/null 2>&1", tu_path("h.3380")), 0);
    assert_int_equal(tu_sh("cmp -s '%s' '%s'", tu_path("h.3380"), tu_path("o.3380")), 0);
    struct img *im = img_open(tu_path("h.3380"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_geometry(im)->devtype, 0x3380);
    assert_int_equal(img_geometry(im)->trksize, 47616);
    img_close(im);
}

static void open_dasdinit_image(void **s)
{
    (void)s;
    assert_int_equal(tu_sh("dasdinit -linux %s/lx.3390 3390 LNX001 3 >/dev/null 2>&1", tu_tmpdir()), 0);
    struct img *im = img_open(tu_path("lx.3390"), true, err, sizeof err);
    assert_non_null(im);
    size_t len;
    assert_int_equal(img_read_track(im, 2, 3, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 49277);
    assert_int_equal(img_read_track(im, 0, 1, buf, sizeof buf, &len), 0);
    struct ckd_track t;
    assert_int_equal(ckd_track_parse(buf, len, &t, NULL), 0);
    assert_int_equal(t.nrecs, 13);
    assert_int_equal(t.rec[1].kl, 44);
    assert_int_equal(buf[t.rec[1].off + 8 + 44], 0xF4);
    img_close(im);
}

static void dasdls_reads_ours(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 3, .volser = "ABC123", .linux_null = true };
    assert_int_equal(img_create(tu_path("ls.3390"), &o, err, sizeof err), 0);
    assert_int_equal(tu_sh("dasdls %s 2>&1 | grep -q 'VOLSER=ABC123'", tu_path("ls.3390")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_geometry),
        cmocka_unit_test(track0_labels),
        cmocka_unit_test(write_read_persist),
        cmocka_unit_test(out_of_range_and_bad_writes),
        cmocka_unit_test(same_bytes_as_dasdinit),
        cmocka_unit_test(same_bytes_as_dasdinit_3380),
        cmocka_unit_test(open_dasdinit_image),
        cmocka_unit_test(dasdls_reads_ours),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
