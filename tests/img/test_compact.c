// SPDX-License-Identifier: GPL-2.0-or-later
/* ccwpass dasd compact (img_compact): a CCKD image full of free space is
 * rewritten packed -- smaller, no free blocks, every track the same (a CKD
 * copy before and after is byte-identical), clean for our check and for
 * Hercules' cckdcdsk -3 -- a volume another open holds is refused, and a
 * full disk leaves the original as it was. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
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

#define CYLS   40
#define HEADS  15
#define TRACKS (CYLS * HEADS)
#define PASSES 4
#define NULL_FROM 256           /* tracks 256-511 end up null: a whole L2 table */
#define NULL_TO   512
#define FS_SIZE   "size=64m"    /* the small file system of the full-disk test */
#define FS_LEFT   (256u << 10)  /* room left there: the free list of a close, not a compacted copy */

static uint8_t buf[CKD_MAX_TRACK_IMAGE];
static char err[512];

/* A track of 1 to 12 4 KiB records; compressible when seed is even. */
static size_t data_track(uint8_t *b, uint32_t cyl, uint32_t head, unsigned seed)
{
    unsigned recs = 1 + seed % 12;
    ckd_track_null(b, cyl, head, 2);
    uint32_t x = seed * 2654435761u + 1;
    for (unsigned r = 0; r < recs; r++) {
        uint8_t *d = b + 5 + 16 + r * 4104 + 8;
        for (unsigned i = 0; i < 4096; i++) {
            x = x * 1103515245u + 12345u;
            d[i] = seed & 1 ? (uint8_t)(x >> 16) : (uint8_t)(i / 64 + r + seed);
        }
    }
    size_t n = 5 + 16 + recs * 4104 + 8;
    memset(b + n - 8, 0xFF, 8);
    return n;
}

static off_t file_size(const char *name)
{
    struct stat st;
    assert_int_equal(stat(tu_path(name), &st), 0);
    return st.st_size;
}

static void count_errors(void *opaque, bool error, const char *msg)
{
    (void)msg;
    if (error)
        ++*(int *)opaque;
}

/* A CCKD volume rewritten PASSES times in one session (freed space is held
 * back until a flush, so the file grows) and then closed. */
static void make_fragmented(const char *name)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = CYLS, .format = IMG_CCKD, .compress = IMG_COMP_ZLIB,
                                 .volser = "CMP001" };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path(name), false, err, sizeof err);
    assert_non_null(im);
    for (unsigned p = 0; p < PASSES; p++)
        for (unsigned t = 2; t < TRACKS; t++) {
            size_t n = data_track(buf, t / HEADS, t % HEADS, p * 7919 + t);
            if (p == PASSES - 1 && t >= NULL_FROM && t < NULL_TO)
                n = ckd_track_null(buf, t / HEADS, t % HEADS, 0);
            assert_int_equal(img_write_track(im, t / HEADS, t % HEADS, buf, n), 0);
        }
    assert_int_equal(img_close(im), 0);
}

static void copy_to_ckd(const char *from, const char *to)
{
    struct img *in = img_open(tu_path(from), true, err, sizeof err);
    assert_non_null(in);
    struct img_create_opts o = { .format = IMG_CKD, .lfs = true };
    assert_int_equal(img_copy(in, tu_path(to), &o, err, sizeof err), 0);
    assert_int_equal(img_close(in), 0);
}

static void compact_packs_and_keeps_every_track(void **s)
{
    (void)s;
    make_fragmented("f.cckd");
    struct img *im = img_open(tu_path("f.cckd"), true, err, sizeof err);
    struct img_space sp;
    assert_non_null(im);
    assert_int_equal(img_space(im, &sp), 0);
    img_close(im);
    assert_true(sp.free_total * 2 > sp.size);       /* over half the file is free */
    off_t before = file_size("f.cckd");
    copy_to_ckd("f.cckd", "before.3390");

    struct img_compact_result res;
    assert_int_equal(img_compact(tu_path("f.cckd"), &res, err, sizeof err), 0);
    assert_int_equal(res.before, before);
    assert_int_equal(res.after, file_size("f.cckd"));
    assert_true(file_size("f.cckd") * 2 < before);

    im = img_open(tu_path("f.cckd"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_space(im, &sp), 0);
    assert_true(sp.closed_cleanly);
    assert_int_equal(sp.free_total, 0);
    assert_int_equal(sp.free_blocks, 0);
    assert_int_equal(sp.size, (uint64_t)file_size("f.cckd"));
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    assert_int_equal(errors, 0);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -3 %s >/dev/null 2>&1", tu_path("f.cckd")), 0);
    copy_to_ckd("f.cckd", "after.3390");
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("before.3390"), tu_path("after.3390")), 0);
    /* nothing left beside it */
    assert_int_equal(tu_sh("ls %s | grep -q compact", tu_tmpdir()), 1);
}

static void compact_refuses_volume_in_use(void **s)
{
    (void)s;
    make_fragmented("busy.cckd");
    off_t before = file_size("busy.cckd");
    struct img *im = img_open(tu_path("busy.cckd"), false, err, sizeof err);   /* as ccwpassd holds it */
    assert_non_null(im);
    struct img_compact_result res;
    char cerr[512];
    assert_int_equal(img_compact(tu_path("busy.cckd"), &res, cerr, sizeof cerr), -EBUSY);
    assert_non_null(strstr(cerr, "in use by another process"));
    assert_int_equal(img_close(im), 0);
    assert_int_equal(file_size("busy.cckd"), before);
    assert_int_equal(tu_sh("ls %s | grep -q compact", tu_tmpdir()), 1);
}

static void compact_refuses_ckd(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 2, .format = IMG_CKD, .lfs = true };
    assert_int_equal(img_create(tu_path("plain.3390"), &o, err, sizeof err), 0);
    struct img_compact_result res;
    assert_int_equal(img_compact(tu_path("plain.3390"), &res, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "not a compressed (CCKD) image"));
}

/* The disk fills up while the compacted copy is written: compact fails
 * naming the cause, the original keeps every track and is closed cleanly,
 * and no temporary file is left.  A small tmpfs in a mount namespace of
 * this process only. */
static void compact_on_full_disk_keeps_the_original(void **s)
{
    (void)s;
    char dir[512];
    snprintf(dir, sizeof dir, "%s", tu_path("fs"));      /* tu_path's buffers are reused */
    assert_int_equal(unshare(CLONE_NEWNS), 0);
    assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, FS_SIZE), 0);
    make_fragmented("fs/full.cckd");
    copy_to_ckd("fs/full.cckd", "full-before.3390");
    struct statvfs sv;
    assert_int_equal(statvfs(dir, &sv), 0);
    int fd = open(tu_path("fs/filler"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(fallocate(fd, 0, 0, (off_t)(sv.f_bavail * sv.f_bsize - FS_LEFT)), 0);
    close(fd);

    struct img_compact_result res;
    assert_int_equal(img_compact(tu_path("fs/full.cckd"), &res, err, sizeof err), -ENOSPC);
    assert_non_null(strstr(err, "No space left on device"));
    assert_int_equal(tu_sh("ls %s | grep -q compact", dir), 1);
    struct img *im = img_open(tu_path("fs/full.cckd"), true, err, sizeof err);
    struct img_space sp;
    assert_non_null(im);
    assert_int_equal(img_space(im, &sp), 0);
    assert_true(sp.closed_cleanly);
    img_close(im);
    copy_to_ckd("fs/full.cckd", "full-after.3390");
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("full-before.3390"), tu_path("full-after.3390")), 0);
    assert_int_equal(umount(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compact_packs_and_keeps_every_track),
        cmocka_unit_test(compact_refuses_volume_in_use),
        cmocka_unit_test(compact_refuses_ckd),
        cmocka_unit_test(compact_on_full_disk_keeps_the_original),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
