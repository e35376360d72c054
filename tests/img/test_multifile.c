// SPDX-License-Identifier: GPL-2.0-or-later
/* Multi-file CKD volumes (x_1.3390, x_2.3390, ...): create, open from the
 * logical name, the first or any member, tracks across file boundaries,
 * and inconsistent sets. */
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
#include "testutil.h"

static char err[512];
static uint8_t buf[CKD_MAX_TRACK_IMAGE], buf2[CKD_MAX_TRACK_IMAGE];

static void create_set(const char *name, uint32_t cyls, uint32_t per_file)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .cyls_per_file = per_file, .volser = "MULTI1",
                                 .linux_null = true };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
}

static off_t size_of(const char *name)
{
    struct stat st;
    return stat(tu_path(name), &st) == 0 ? st.st_size : -1;
}

static void layout_like_hercules(void **s)
{
    (void)s;
    create_set("m.3390", 10, 4);
    assert_int_equal(size_of("m_1.3390"), 512 + 4 * 15 * 56832);
    assert_int_equal(size_of("m_2.3390"), 512 + 4 * 15 * 56832);
    assert_int_equal(size_of("m_3.3390"), 512 + 2 * 15 * 56832);
    assert_int_equal(size_of("m.3390"), -1);
    uint8_t h[20];
    int fd = open(tu_path("m_2.3390"), O_RDONLY);
    assert_int_equal(pread(fd, h, 20, 0), 20);
    close(fd);
    assert_int_equal(h[17], 2);                     /* fileseq */
    assert_int_equal(h[18] | h[19] << 8, 7);        /* highcyl: last cylinder in this file */
    fd = open(tu_path("m_3.3390"), O_RDONLY);
    assert_int_equal(pread(fd, h, 20, 0), 20);
    close(fd);
    assert_int_equal(h[17], 3);
    assert_int_equal(h[18] | h[19] << 8, 0);
    /* Hercules reads the set */
    assert_int_equal(tu_sh("dasdls %s 2>&1 | grep -q VOLSER=MULTI1", tu_path("m_1.3390")), 0);
}

static void open_from_any_name(void **s)
{
    (void)s;
    create_set("a.3390", 10, 4);
    const char *names[] = { "a.3390", "a_1.3390", "a_2.3390", "a_3.3390" };
    for (unsigned i = 0; i < 4; i++) {
        struct img *im = img_open(tu_path(names[i]), true, err, sizeof err);
        if (!im)
            fail_msg("%s: %s", names[i], err);
        assert_int_equal(img_geometry(im)->cyls, 10);
        size_t len;
        assert_int_equal(img_read_track(im, 9, 14, buf, sizeof buf, &len), 0);
        assert_int_equal(buf[2], 9);
        img_close(im);
    }
}

static void tracks_across_boundaries(void **s)
{
    (void)s;
    create_set("b.3390", 10, 4);
    struct img *im = img_open(tu_path("b_1.3390"), false, err, sizeof err);
    assert_non_null(im);
    uint32_t cyls[] = { 3, 4, 7, 8, 9 };
    for (unsigned i = 0; i < 5; i++) {
        size_t n = ckd_track_null(buf, cyls[i], 14, 2);
        memset(buf + 5 + 16 + 8, (int)(0x40 + i), 4096);      /* R1's data */
        assert_int_equal(img_write_track(im, cyls[i], 14, buf, n), 0);
    }
    img_close(im);
    im = img_open(tu_path("b_2.3390"), true, err, sizeof err);
    assert_non_null(im);
    for (unsigned i = 0; i < 5; i++) {
        size_t n = ckd_track_null(buf, cyls[i], 14, 2), got;
        memset(buf + 5 + 16 + 8, (int)(0x40 + i), 4096);
        assert_int_equal(img_read_track(im, cyls[i], 14, buf2, sizeof buf2, &got), 0);
        assert_memory_equal(buf, buf2, n);
    }
    img_close(im);
    /* the data of cylinder 4 head 14 sits in the second file, first cylinder */
    int fd = open(tu_path("b_2.3390"), O_RDONLY);
    uint8_t b = 0;
    assert_int_equal(pread(fd, &b, 1, 512 + 14 * 56832 + 5 + 16 + 8), 1);
    close(fd);
    assert_int_equal(b, 0x41);
}

static void inconsistent_sets(void **s)
{
    (void)s;
    create_set("c.3390", 10, 4);
    assert_int_equal(tu_sh("mv %s %s", tu_path("c_3.3390"), tu_path("c_3.save")), 0);
    assert_null(img_open(tu_path("c_1.3390"), true, err, sizeof err));
    assert_non_null(strstr(err, "c_3.3390"));
    assert_non_null(strstr(err, "missing"));
    assert_int_equal(tu_sh("mv %s %s", tu_path("c_3.save"), tu_path("c_3.3390")), 0);
    /* wrong highcyl in file 2 */
    int fd = open(tu_path("c_2.3390"), O_WRONLY);
    assert_int_equal(pwrite(fd, "\x09\x00", 2, 18), 2);
    close(fd);
    assert_null(img_open(tu_path("c_1.3390"), true, err, sizeof err));
    assert_non_null(strstr(err, "c_2.3390"));
    assert_non_null(strstr(err, "inconsistent multi-file set"));
    fd = open(tu_path("c_2.3390"), O_WRONLY);
    assert_int_equal(pwrite(fd, "\x07\x00", 2, 18), 2);
    /* different track size in file 2 */
    assert_int_equal(pwrite(fd, "\x00\xDC", 2, 12), 2);
    close(fd);
    assert_null(img_open(tu_path("c.3390"), true, err, sizeof err));
    assert_non_null(strstr(err, "c_2.3390"));
    fd = open(tu_path("c_2.3390"), O_WRONLY);
    assert_int_equal(pwrite(fd, "\x00\xDE", 2, 12), 2);
    close(fd);
    /* a member copied under the wrong number */
    assert_int_equal(tu_sh("cp %s %s", tu_path("c_2.3390"), tu_path("c_3.3390")), 0);
    assert_null(img_open(tu_path("c_1.3390"), true, err, sizeof err));
    assert_non_null(strstr(err, "c_3.3390"));
    assert_non_null(strstr(err, "sequence"));
    /* size not a whole number of cylinders in a member */
    create_set("d.3390", 10, 4);
    assert_int_equal(tu_sh("printf x >> %s", tu_path("d_2.3390")), 0);
    assert_null(img_open(tu_path("d_1.3390"), true, err, sizeof err));
    assert_non_null(strstr(err, "d_2.3390"));
    /* every member is locked */
    create_set("e.3390", 10, 4);
    struct img *im = img_open(tu_path("e.3390"), false, err, sizeof err);
    assert_non_null(im);
    fd = open(tu_path("e_3.3390"), O_RDWR);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    assert_int_equal(fcntl(fd, F_OFD_SETLK, &fl), -1);
    close(fd);
    img_close(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_like_hercules),
        cmocka_unit_test(open_from_any_name),
        cmocka_unit_test(tracks_across_boundaries),
        cmocka_unit_test(inconsistent_sets),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
