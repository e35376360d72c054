// SPDX-License-Identifier: GPL-2.0-or-later
/* Closing a CCKD image on a full file system (a small tmpfs in a mount
 * namespace of this process): the close reports the failure with a message
 * naming the image, the image keeps its OPENED bit, and the next read-write
 * open rebuilds the free space and finds every track as written. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "img/ckdtrack.h"
#include "img/image.h"
#include "testutil.h"

#define HEADS       15
#define FIRST_TRK   2
#define NTRACKS     1200        /* every other one freed: 600 free blocks, a list of 4808 bytes */
#define RECORD_LEN  100
#define CCKD_OPTS   (512 + 3)   /* cdh_opts in the compressed device header */
#define OPT_OPENED  0x80

static uint8_t buf[CKD_MAX_TRACK_IMAGE], buf2[CKD_MAX_TRACK_IMAGE];
static char err[512];

/* R0 plus one record of RECORD_LEN bytes that depend on the track. */
static size_t small_track(uint8_t *b, uint32_t trk)
{
    uint32_t cyl = trk / HEADS, head = trk % HEADS;
    size_t n = ckd_track_null(b, cyl, head, 1) - CKD_EOT_SIZE;
    uint8_t *p = b + n;
    const uint8_t count[CKD_COUNT_SIZE] = { (uint8_t)(ckd_cc(cyl) >> 8), (uint8_t)ckd_cc(cyl),
                                            (uint8_t)(ckd_hh(cyl, head) >> 8), (uint8_t)ckd_hh(cyl, head),
                                            1, 0, 0, RECORD_LEN };
    memcpy(p, count, sizeof count);
    for (unsigned i = 0; i < RECORD_LEN; i++)
        p[CKD_COUNT_SIZE + i] = (uint8_t)(trk * 7 + i);
    memset(p + CKD_COUNT_SIZE + RECORD_LEN, 0xFF, CKD_EOT_SIZE);
    return n + CKD_COUNT_SIZE + RECORD_LEN + CKD_EOT_SIZE;
}

/* What track trk holds after the test's writes: even tracks were rewritten
 * as null tracks. */
static size_t expected_track(uint8_t *b, uint32_t trk)
{
    return trk % 2 ? small_track(b, trk) : ckd_track_null(b, trk / HEADS, trk % HEADS, 1);
}

static uint8_t opts_byte(const char *path)
{
    uint8_t b = 0;
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &b, 1, CCKD_OPTS), 1);
    close(fd);
    return b;
}

/* Fill the file system of dir to the last page. */
static void fill_fs(const char *dir)
{
    char filler[600];
    struct statvfs sv;
    snprintf(filler, sizeof filler, "%s/filler", dir);
    assert_int_equal(statvfs(dir, &sv), 0);
    int fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(fallocate(fd, 0, 0, (off_t)(sv.f_bavail * sv.f_bsize)), 0);
    close(fd);
    assert_int_equal(statvfs(dir, &sv), 0);
    assert_int_equal(sv.f_bavail, 0);
}

static void count_errors(void *opaque, bool error, const char *msg)
{
    if (error)
        print_message("%s\n", msg);
    *(int *)opaque += error;
}

static void close_on_full_fs_fails_and_reopen_recovers(void **s)
{
    (void)s;
    const char *dir = tu_path("fs");
    char path[600], filler[600];
    assert_int_equal(unshare(CLONE_NEWNS), 0);
    assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, "size=1m"), 0);
    snprintf(path, sizeof path, "%s/close.cckd", dir);
    snprintf(filler, sizeof filler, "%s/filler", dir);
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 100, .format = IMG_CCKD, .compress = IMG_COMP_NONE };
    assert_int_equal(img_create(path, &o, err, sizeof err), 0);

    struct img *im = img_open(path, false, err, sizeof err);
    assert_non_null(im);
    for (uint32_t t = FIRST_TRK; t < FIRST_TRK + NTRACKS; t++)
        assert_int_equal(img_write_track(im, t / HEADS, t % HEADS, buf, small_track(buf, t)), 0);
    assert_int_equal(img_flush(im), 0);
    for (uint32_t t = FIRST_TRK; t < FIRST_TRK + NTRACKS; t += 2)
        assert_int_equal(img_write_track(im, t / HEADS, t % HEADS, buf, expected_track(buf, t)), 0);
    fill_fs(dir);
    /* the free-space list (600 blocks) needs a page the file system lacks */
    err[0] = 0;
    assert_int_equal(img_close_err(im, err, sizeof err), -ENOSPC);
    if (!strstr(err, path) || !strstr(err, "No space left on device"))
        fail_msg("close message '%s' does not name the image and the error", err);
    assert_int_equal(opts_byte(path) & OPT_OPENED, OPT_OPENED);

    /* room again: the next open sees the image was not closed cleanly and
     * rebuilds its free space from the tables */
    assert_int_equal(unlink(filler), 0);
    im = img_open(path, false, err, sizeof err);
    assert_non_null(im);
    struct img_space sp;
    assert_int_equal(img_space(im, &sp), 0);
    assert_false(sp.closed_cleanly);
    for (uint32_t t = FIRST_TRK; t < FIRST_TRK + NTRACKS; t++) {
        size_t n = expected_track(buf, t), len;
        assert_int_equal(img_read_track(im, t / HEADS, t % HEADS, buf2, sizeof buf2, &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(buf, buf2, n);
    }
    assert_int_equal(img_close(im), 0);
    assert_int_equal(opts_byte(path) & OPT_OPENED, 0);
    im = img_open(path, true, err, sizeof err);
    assert_non_null(im);
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    assert_int_equal(img_close(im), 0);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", path), 0);
    assert_int_equal(umount(dir), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* A close with nothing to write succeeds, for both formats and NULL. */
static void clean_close_returns_zero(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 2, .format = IMG_CKD };
    assert_int_equal(img_create(tu_path("c.3390"), &o, err, sizeof err), 0);
    o.format = IMG_CCKD;
    assert_int_equal(img_create(tu_path("c.cckd"), &o, err, sizeof err), 0);
    const char *names[] = { "c.3390", "c.cckd" };
    for (unsigned i = 0; i < 2; i++) {
        struct img *im = img_open(tu_path(names[i]), false, err, sizeof err);
        assert_non_null(im);
        assert_int_equal(img_write_track(im, 1, 1, buf, small_track(buf, 16)), 0);
        err[0] = 0;
        assert_int_equal(img_close_err(im, err, sizeof err), 0);
        assert_string_equal(err, "");
    }
    assert_int_equal(img_close(NULL), 0);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    uint8_t *b = malloc((size_t)st.st_size + 1);
    assert_non_null(b);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, b, (size_t)st.st_size, 0), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return b;
}

/* A read-write open that fails (here: an image left open by a process that
 * died, with a damaged L2 entry) must leave the file exactly as it was: the
 * close of the half-open image writes no free-space list, truncates
 * nothing and does not clear the OPENED bit. */
static void failed_open_writes_nothing(void **s)
{
    (void)s;
    const char *path = tu_path("dead.cckd");
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 30, .format = IMG_CCKD, .compress = IMG_COMP_NONE };
    assert_int_equal(img_create(path, &o, err, sizeof err), 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct img *im = img_open(path, false, err, sizeof err);
        for (uint32_t t = 20; t < 400 && im; t++)
            if (img_write_track(im, t / HEADS, t % HEADS, buf, small_track(buf, t)) < 0)
                _exit(2);
        _exit(im ? 0 : 1);      /* dies without closing */
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(opts_byte(path) & OPT_OPENED, OPT_OPENED);
    /* track 300's entry (L2 table 1, entry 44) points far past the end */
    struct img *im = img_open(path, true, err, sizeof err);
    assert_non_null(im);
    img_close(im);
    uint8_t ent[4] = { 0, 0, 0, 0x40 };
    size_t before_len, after_len;
    uint8_t *before = slurp(path, &before_len);
    uint32_t l1_1 = (uint32_t)before[1028] | (uint32_t)before[1029] << 8 | (uint32_t)before[1030] << 16 |
                    (uint32_t)before[1031] << 24;
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, ent, 4, l1_1 + 44 * 8), 4);
    close(fd);
    free(before);
    before = slurp(path, &before_len);
    assert_null(img_open(path, false, err, sizeof err));
    assert_non_null(strstr(err, "past the end"));
    uint8_t *after = slurp(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(close_on_full_fs_fails_and_reopen_recovers),
        cmocka_unit_test(clean_close_returns_zero),
        cmocka_unit_test(failed_open_writes_nothing),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
