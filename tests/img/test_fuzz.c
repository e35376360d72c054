// SPDX-License-Identifier: GPL-2.0-or-later
/* Damaged images never crash the image layer: random byte flips in the
 * headers, tables and track data of CKD and CCKD volumes give either a
 * clean refusal naming the file or per-track errors naming file and track.
 * Deterministic (fixed seed); run it under ASan/UBSan. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/vtoc.h"
#include "testutil.h"

static char err[512];
static uint8_t buf[CKD_MAX_TRACK_IMAGE];
static uint32_t seed = 12345;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static void make(const char *name, enum img_format f, enum img_compress c)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 4, .format = f, .compress = c, .linux_null = true,
                                 .volser = "FUZZ01" };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path(name), false, err, sizeof err);
    assert_non_null(im);
    for (uint32_t t = 2; t < 60; t += 3) {
        size_t n = ckd_track_null(buf, t / 15, t % 15, 2);
        for (size_t r = 0; r < 12; r++) {       /* some data compressible, some noise */
            uint8_t *d = buf + 5 + 16 + r * 4104 + 8;
            for (size_t i = 0; i < 4096; i++)
                d[i] = (uint8_t)(t % 3 ? (t + r + i / 512) : rnd());
        }
        assert_int_equal(img_write_track(im, t / 15, t % 15, buf, n), 0);
    }
    img_close(im);
}

static void flip(const char *path, off_t size, bool tables_only)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned k = 1 + rnd() % 8;
    for (unsigned i = 0; i < k; i++) {
        off_t off = tables_only ? (off_t)(rnd() % 4096) : (off_t)(rnd() % (uint32_t)size);
        uint8_t b = (uint8_t)rnd();
        if (off < size)
            assert_int_equal(pwrite(fd, &b, 1, off), 1);
    }
    close(fd);
}

static void exercise(const char *path, const char *base, bool rw)
{
    struct img *im = img_open(path, !rw, err, sizeof err);
    if (!im) {
        if (!strstr(err, base))
            fail_msg("refusal without the file name: %s", err);
        return;
    }
    const struct img_geometry *g = img_geometry(im);
    for (uint32_t c = 0; c < g->cyls && c < 8; c++)
        for (uint32_t h = 0; h < g->heads; h++) {
            size_t len;
            if (img_read_track(im, c, h, buf, sizeof buf, &len) < 0 && !strstr(img_error(im), base))
                fail_msg("read error without the file name: %s", img_error(im));
            if (rw && h == 7 && img_write_track(im, c, h, buf, ckd_track_null(buf, c, h, 1)) < 0 &&
                !strstr(img_error(im), base))
                fail_msg("write error without the file name: %s", img_error(im));
        }
    struct vtoc_info vi;
    vtoc_read(im, &vi, err, sizeof err);
    img_close(im);
}

static void quiet(void *o, bool e, const char *m) { (void)o; (void)e; (void)m; }

static void fuzz_one(const char *pristine, bool tables_only, unsigned rounds)
{
    struct stat st;
    assert_int_equal(stat(tu_path(pristine), &st), 0);
    for (unsigned i = 0; i < rounds; i++) {
        assert_int_equal(tu_sh("cp %s %s", tu_path(pristine), tu_path("victim")), 0);
        flip(tu_path("victim"), st.st_size, tables_only);
        exercise(tu_path("victim"), "victim", false);
        struct img *im = img_open(tu_path("victim"), true, err, sizeof err);
        if (im) {
            img_check(im, true, quiet, NULL);
            img_close(im);
        }
        exercise(tu_path("victim"), "victim", true);
    }
}

static void fuzz_cckd_tables(void **s)
{
    (void)s;
    make("z.cckd", IMG_CCKD, IMG_COMP_ZLIB);
    fuzz_one("z.cckd", true, 150);
}

static void fuzz_cckd_anywhere(void **s)
{
    (void)s;
    make("b.cckd", IMG_CCKD, IMG_COMP_BZIP2);
    fuzz_one("b.cckd", false, 100);
    make("z2.cckd", IMG_CCKD, IMG_COMP_ZLIB);
    fuzz_one("z2.cckd", false, 100);
}

static void fuzz_ckd(void **s)
{
    (void)s;
    make("c.3390", IMG_CKD, IMG_COMP_NONE);
    fuzz_one("c.3390", true, 60);
    fuzz_one("c.3390", false, 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fuzz_cckd_tables),
        cmocka_unit_test(fuzz_cckd_anywhere),
        cmocka_unit_test(fuzz_ckd),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
