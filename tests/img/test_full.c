// SPDX-License-Identifier: GPL-2.0-or-later
/* Storage that gives out under a CCKD image: a file-size limit
 * (RLIMIT_FSIZE, with SIGXFSZ ignored so write returns EFBIG), a full
 * file system (a small tmpfs in a mount namespace of this process), and
 * writes made to fail one region of the file at a time (this executable
 * is linked with --wrap=pwrite64).  A write
 * whose metadata cannot be written fails, later writes in the same 256-track
 * group fail too or land where they belong (never in the header), the volume
 * reopens, every acknowledged track reads back byte for byte, and both our
 * check and Hercules' cckdcdsk find the image clean.  Also: check names an
 * L1 or L2 pointer into the header. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <cmocka.h>
#include "img/cckd.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "testutil.h"

#define HEADS        15
#define PAGE         4096u          /* tmpfs allocates in pages */
#define L2TAB_BYTES  2048u          /* 256 entries of 8 bytes */
#define MAX_TRACKED  64
#define FS_KIB       2048u          /* the small file system */
#define FREE_PAGES   200u           /* room left when writing until full */

static uint8_t buf[CKD_MAX_TRACK_IMAGE], buf2[CKD_MAX_TRACK_IMAGE];
static char err[512];

/* ---- what every track must read back as ------------------------------------ */

static struct tracked {
    uint32_t trk;
    size_t len;
    uint8_t *data;
} tracked[MAX_TRACKED];
static unsigned ntracked;

static struct tracked *find_tracked(uint32_t trk)
{
    for (unsigned i = 0; i < ntracked; i++)
        if (tracked[i].trk == trk)
            return &tracked[i];
    return NULL;
}

static void expect(uint32_t trk, const uint8_t *b, size_t n)
{
    struct tracked *t = find_tracked(trk);
    if (!t) {
        assert_true(ntracked < MAX_TRACKED);
        t = &tracked[ntracked++];
        t->trk = trk;
        t->data = NULL;
    }
    free(t->data);
    t->data = malloc(n);
    assert_non_null(t->data);
    memcpy(t->data, b, n);
    t->len = n;
}

static void forget_all(void)
{
    for (unsigned i = 0; i < ntracked; i++)
        free(tracked[i].data);
    ntracked = 0;
}

/* Write a track; what it held before stays expected unless the write is
 * acknowledged (returns 0).  A refusal must name the image. */
static int write_tracked(struct img *im, uint32_t trk, const uint8_t *b, size_t n)
{
    size_t len;
    if (!find_tracked(trk)) {
        assert_int_equal(img_read_track(im, trk / HEADS, trk % HEADS, buf2, sizeof buf2, &len), 0);
        expect(trk, buf2, len);
    }
    int rc = img_write_track(im, trk / HEADS, trk % HEADS, b, n);
    if (rc == 0)
        expect(trk, b, n);
    else if (!strstr(img_error(im), img_path(im)))
        fail_msg("failed write of track %u: message '%s' does not name the image", trk, img_error(im));
    return rc;
}

static void count_errors(void *opaque, bool error, const char *msg)
{
    if (error)
        print_message("%s\n", msg);
    *(int *)opaque += error;
}

/* Reopen: the volume opens, every tracked track is byte-identical, our check
 * and cckdcdsk are clean. */
static void verify_volume(const char *path)
{
    struct img *im = img_open(path, false, err, sizeof err);
    if (!im)
        fail_msg("the volume no longer opens: %s", err);
    for (unsigned i = 0; i < ntracked; i++) {
        size_t len;
        uint32_t t = tracked[i].trk;
        assert_int_equal(img_read_track(im, t / HEADS, t % HEADS, buf2, sizeof buf2, &len), 0);
        if (len != tracked[i].len || memcmp(buf2, tracked[i].data, len) != 0)
            fail_msg("track %u (cyl %u head %u) reads back %zu bytes, not the %zu last acknowledged", t, t / HEADS,
                     t % HEADS, len, tracked[i].len);
    }
    img_close(im);
    im = img_open(path, true, err, sizeof err);
    assert_non_null(im);
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    assert_int_equal(errors, 0);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", path), 0);
}

/* ---- tracks ---------------------------------------------------------------- */

static uint32_t rnd(uint32_t *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 8;
}

/* R0 plus one record R1 (KL 0) of dl bytes of noise: 37 + dl bytes, which
 * no compression shrinks. */
static size_t sized_track(uint8_t *b, uint32_t trk, unsigned dl, uint32_t seed)
{
    uint32_t cyl = trk / HEADS, head = trk % HEADS;
    size_t n = ckd_track_null(b, cyl, head, 1) - CKD_EOT_SIZE;
    uint8_t *p = b + n;
    p[0] = (uint8_t)(ckd_cc(cyl) >> 8);
    p[1] = (uint8_t)ckd_cc(cyl);
    p[2] = (uint8_t)(ckd_hh(cyl, head) >> 8);
    p[3] = (uint8_t)ckd_hh(cyl, head);
    p[4] = 1;
    p[5] = 0;
    p[6] = (uint8_t)(dl >> 8);
    p[7] = (uint8_t)dl;
    uint32_t x = seed * 2654435761u + 7;
    for (unsigned i = 0; i < dl; i++)
        p[CKD_COUNT_SIZE + i] = (uint8_t)rnd(&x);
    memset(p + CKD_COUNT_SIZE + dl, 0xFF, CKD_EOT_SIZE);
    return n + CKD_COUNT_SIZE + dl + CKD_EOT_SIZE;
}

static void create_cckd(const char *path, uint32_t cyls, enum img_compress comp)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = IMG_CCKD, .compress = comp,
                                 .volser = "FULL01" };
    assert_int_equal(img_create(path, &o, err, sizeof err), 0);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

/* ---- the two ways storage gives out ---------------------------------------- */

static void limit_file_size(rlim_t bytes)
{
    struct rlimit rl = { bytes, RLIM_INFINITY };
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* A small tmpfs at dir, mounted in a mount namespace of this process only:
 * it goes away with the process even when a test fails half-way. */
static void mount_small_fs(const char *dir)
{
    static bool private_ns;
    char opt[32];
    if (!private_ns) {
        assert_int_equal(unshare(CLONE_NEWNS), 0);
        assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
        private_ns = true;
    }
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(opt, sizeof opt, "size=%uk", FS_KIB);
    assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, opt), 0);
}

static void unmount_small_fs(const char *dir)
{
    assert_int_equal(umount(dir), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Leave exactly `pages` free pages on the file system of dir: a filler file
 * takes the rest. */
static void leave_free_pages(const char *dir, uint64_t pages)
{
    char filler[600];
    struct statvfs sv;
    snprintf(filler, sizeof filler, "%s/filler", dir);
    assert_int_equal(statvfs(dir, &sv), 0);
    assert_true(sv.f_bavail >= pages);
    int fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    uint64_t have = file_size(filler), take = (sv.f_bavail - pages) * sv.f_bsize;
    if (take)
        assert_int_equal(fallocate(fd, 0, (off_t)have, (off_t)take), 0);
    close(fd);
    assert_int_equal(statvfs(dir, &sv), 0);
    assert_int_equal(sv.f_bavail, pages);
}

static void remove_filler(const char *dir)
{
    char filler[600];
    snprintf(filler, sizeof filler, "%s/filler", dir);
    assert_int_equal(unlink(filler), 0);
}

enum squeeze { BY_FILE_SIZE_LIMIT, BY_FULL_FS };

/* Make room for exactly the track image of n bytes about to go to the end
 * of the file (size bytes long), not for the L2 table that follows it. */
static void squeeze(enum squeeze how, const char *dir, uint64_t size, size_t n)
{
    if (how == BY_FILE_SIZE_LIMIT) {
        limit_file_size((rlim_t)(size + n + L2TAB_BYTES / 2));
        return;
    }
    assert_int_equal((size + n) % PAGE, 0);
    leave_free_pages(dir, (size + n) / PAGE - (size + PAGE - 1) / PAGE);
}

static void unsqueeze(enum squeeze how, const char *dir)
{
    if (how == BY_FILE_SIZE_LIMIT)
        limit_file_size(RLIM_INFINITY);
    else
        remove_filler(dir);
}

/* A record length that makes a track image written at the end of a file of
 * `size` bytes end on a page boundary (so the L2 table after it needs a new
 * page). */
static unsigned page_filling_dl(uint64_t size)
{
    uint64_t base = size + 37 + 4 * PAGE;
    return 4 * PAGE + (unsigned)((PAGE - base % PAGE) % PAGE);
}

/* The first track of a new 256-track group is written while the storage
 * has room for its image but not for the group's new L2 table.  Each case
 * starts from a new volume, whose file has no free space inside it, so the
 * image and the table both go to the end of the file. */
static void l2_table_write_fails(enum squeeze how, const char *dir, const char *path)
{
    /* 256 and 768 are 0 mod 256: an entry written at offset 0 would
     * overwrite the CKD_C370 magic */
    static const uint32_t first[] = { 256, 515, 768 };
    uint32_t seed = 1;
    for (unsigned i = 0; i < sizeof first / sizeof first[0]; i++) {
        uint32_t t = first[i];
        forget_all();
        create_cckd(path, 100, IMG_COMP_NONE);
        struct img *im = img_open(path, false, err, sizeof err);
        assert_non_null(im);
        size_t n = sized_track(buf, 20, 3000, seed++);
        assert_int_equal(write_tracked(im, 20, buf, n), 0);
        uint64_t size = file_size(path);
        n = sized_track(buf, t, page_filling_dl(size), seed++);
        squeeze(how, dir, size, n);
        assert_true(write_tracked(im, t, buf, n) < 0);
        if (!strstr(img_error(im), "L2 table"))
            fail_msg("track %u: expected the L2 table write to fail, got '%s'", t, img_error(im));
        /* the same group while storage is still short: fails, or lands */
        n = sized_track(buf, t + 1, 1000, seed++);
        (void)write_tracked(im, t + 1, buf, n);
        n = sized_track(buf, t + 2, 6000, seed++);
        (void)write_tracked(im, t + 2, buf, n);
        unsqueeze(how, dir);
        /* with room again, the group works and its entries go to its table */
        for (uint32_t k = 0; k < 3; k++) {
            n = sized_track(buf, t + k, 500 + 700 * k, seed++);
            assert_int_equal(write_tracked(im, t + k, buf, n), 0);
        }
        img_close(im);
        verify_volume(path);
    }
    forget_all();
}

static void l2_table_fails_at_file_size_limit(void **s)
{
    (void)s;
    signal(SIGXFSZ, SIG_IGN);
    limit_file_size(RLIM_INFINITY);
    l2_table_write_fails(BY_FILE_SIZE_LIMIT, tu_tmpdir(), tu_path("limit.cckd"));
}

static void l2_table_fails_on_full_fs(void **s)
{
    (void)s;
    const char *dir = tu_path("fs1");
    char path[600];
    limit_file_size(RLIM_INFINITY);     /* whatever an earlier test left */
    mount_small_fs(dir);
    snprintf(path, sizeof path, "%s/full.cckd", dir);
    l2_table_write_fails(BY_FULL_FS, dir, path);
    unmount_small_fs(dir);
}

/* Tracks of random size, spread over every group, written until the file
 * system is full; a few more writes; then the volume is closed (which may
 * fail for want of room for its free-space list), reopened and checked. */
static void write_until_full(void **s)
{
    (void)s;
    const char *dir = tu_path("fs2");
    static const enum img_compress comps[] = { IMG_COMP_ZLIB, IMG_COMP_NONE };
    limit_file_size(RLIM_INFINITY);
    mount_small_fs(dir);
    for (unsigned c = 0; c < 2; c++) {
        char path[600];
        uint32_t x = 99 + c, seed = 1, trk = 2, failed = 0;
        snprintf(path, sizeof path, "%s/until%u.cckd", dir, c);
        forget_all();
        create_cckd(path, 100, comps[c]);
        leave_free_pages(dir, FREE_PAGES);
        struct img *im = img_open(path, false, err, sizeof err);
        assert_non_null(im);
        while (failed < 4) {
            size_t n = sized_track(buf, trk, 200 + rnd(&x) % 40000, seed++);
            if (write_tracked(im, trk, buf, n) < 0 || failed)
                failed++;
            trk = failed ? trk + 1 : 2 + (trk + 37) % 1490;
        }
        remove_filler(dir);     /* room again, for the close's free-space list */
        img_close(im);
        verify_volume(path);
        forget_all();
        assert_int_equal(unlink(path), 0);
    }
    unmount_small_fs(dir);
}

/* ---- one region of the file refuses writes --------------------------------- */

ssize_t __real_pwrite64(int fd, const void *b, size_t n, off_t off);
ssize_t __wrap_pwrite64(int fd, const void *b, size_t n, off_t off);

static struct {
    bool armed;
    off_t lo, hi;               /* a write touching [lo, hi) fails with EIO */
    unsigned hits;
} fault;

ssize_t __wrap_pwrite64(int fd, const void *b, size_t n, off_t off)
{
    if (fault.armed && off < fault.hi && off + (off_t)n > fault.lo) {
        fault.hits++;
        errno = EIO;
        return -1;
    }
    return __real_pwrite64(fd, b, n, off);
}

static void fail_writes(off_t lo, off_t hi)
{
    fault.armed = true;
    fault.lo = lo;
    fault.hi = hi;
    fault.hits = 0;
}

static void allow_writes(void)
{
    assert_true(fault.hits > 0);        /* the fault did hit */
    fault.armed = false;
}

/* 100 cylinders: 6 L1 entries at 1024, L2 table 0 right after them */
#define L1_POS   1024
#define L1_END   (L1_POS + 6 * 4)
#define L2_0_POS L1_END

static struct img *new_volume(const char *path)
{
    fault.armed = false;        /* whatever a failed test left */
    forget_all();
    create_cckd(path, 100, IMG_COMP_NONE);
    struct img *im = img_open(path, false, err, sizeof err);
    assert_non_null(im);
    return im;
}

static void expect_error(struct img *im, int rc, const char *what)
{
    assert_int_equal(rc, -EIO);
    if (!strstr(img_error(im), what) || !strstr(img_error(im), "Input/output error"))
        fail_msg("message '%s' lacks '%s'", img_error(im), what);
}

/* The new L2 table is written but the L1 entry pointing at it is not: the
 * group must stay "no table", so its next write creates one for real. */
static void l1_entry_write_fails(void **s)
{
    (void)s;
    const char *path = tu_path("l1.cckd");
    struct img *im = new_volume(path);
    size_t n = sized_track(buf, 20, 3000, 1);
    assert_int_equal(write_tracked(im, 20, buf, n), 0);
    fail_writes(L1_POS, L1_END);
    n = sized_track(buf, 300, 3000, 2);
    expect_error(im, write_tracked(im, 300, buf, n), "L2 table for tracks 256-511");
    allow_writes();
    n = sized_track(buf, 301, 2000, 3);
    assert_int_equal(write_tracked(im, 301, buf, n), 0);
    n = sized_track(buf, 300, 1000, 4);
    assert_int_equal(write_tracked(im, 300, buf, n), 0);
    img_close(im);
    verify_volume(path);
}

/* The L2 entry of a track cannot be written: the track keeps its old
 * image, and the space its new image took is free again at once. */
static void l2_entry_write_fails(void **s)
{
    (void)s;
    const char *path = tu_path("l2.cckd");
    struct img *im = new_volume(path);
    uint64_t end = file_size(path);         /* a new volume has no free space inside */
    fail_writes(L2_0_POS, L2_0_POS + L2TAB_BYTES);
    size_t n = sized_track(buf, 20, 3000, 1);
    expect_error(im, write_tracked(im, 20, buf, n), "cannot write L2 entry of track 20");
    allow_writes();
    n = sized_track(buf, 21, 3000, 2);
    assert_int_equal(write_tracked(im, 21, buf, n), 0);
    assert_int_equal(im->cckd->l2[0][21].pos, end);
    img_close(im);
    verify_volume(path);
}

/* The header that clears OPENED cannot be written at close: the close
 * says so, the file keeps OPENED, and the next open recovers it. */
static void header_write_fails_at_close(void **s)
{
    (void)s;
    const char *path = tu_path("hdrclose.cckd");
    struct img *im = new_volume(path);
    for (uint32_t t = 20; t < 30; t++) {
        size_t n = sized_track(buf, t, 1000 + 100 * t, t);
        assert_int_equal(write_tracked(im, t, buf, n), 0);
    }
    size_t n = sized_track(buf, 22, 500, 99);       /* a rewrite: a free block for the list */
    assert_int_equal(write_tracked(im, 22, buf, n), 0);
    fail_writes(CKD_DEVHDR_SIZE, L1_POS);
    err[0] = 0;
    assert_int_equal(img_close_err(im, err, sizeof err), -EIO);
    allow_writes();
    if (!strstr(err, path) || !strstr(err, "cannot write the header"))
        fail_msg("close message '%s'", err);
    im = img_open(path, true, err, sizeof err);
    assert_non_null(im);
    struct img_space sp;
    assert_int_equal(img_space(im, &sp), 0);
    assert_false(sp.closed_cleanly);
    img_close(im);
    verify_volume(path);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    *len = file_size(path);
    uint8_t *b = malloc(*len + 1);
    assert_non_null(b);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, b, *len, 0), (ssize_t)*len);
    close(fd);
    return b;
}

/* The header that sets OPENED cannot be written at a read-write open: the
 * open fails and the file is exactly as it was (its stored free list is
 * still there for the header that points at it). */
static void header_write_fails_at_open(void **s)
{
    (void)s;
    const char *path = tu_path("hdropen.cckd");
    struct img *im = new_volume(path);
    for (uint32_t t = 20; t < 30; t++) {
        size_t n = sized_track(buf, t, 1000 + 100 * t, t);
        assert_int_equal(write_tracked(im, t, buf, n), 0);
    }
    size_t n = sized_track(buf, 22, 500, 99);
    assert_int_equal(write_tracked(im, 22, buf, n), 0);
    img_close(im);
    size_t before_len, after_len;
    uint8_t *before = slurp(path, &before_len);
    fail_writes(CKD_DEVHDR_SIZE, L1_POS);
    assert_null(img_open(path, false, err, sizeof err));
    allow_writes();
    if (!strstr(err, path) || !strstr(err, "cannot write header"))
        fail_msg("open message '%s'", err);
    uint8_t *after = slurp(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
    verify_volume(path);
}

/* ---- check: table pointers into the header --------------------------------- */

static void patch_u32(const char *path, off_t off, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, b, 4, off), 4);
    close(fd);
}

struct messages {
    int errors;
    char text[2048];
};

static void collect(void *opaque, bool error, const char *msg)
{
    struct messages *m = opaque;
    m->errors += error;
    snprintf(m->text + strlen(m->text), sizeof m->text - strlen(m->text), "%s\n", msg);
}

static void check_finds_pointers_into_header(void **s)
{
    (void)s;
    const char *path = tu_path("hdr.cckd");
    /* 10 cylinders: one L1 entry at 1024, L2 table 0 at 1028, track 1's
     * entry at 1028 + 8 */
    create_cckd(path, 10, IMG_COMP_ZLIB);
    patch_u32(path, 1036, 100);
    struct img *im = img_open(path, true, err, sizeof err);
    assert_non_null(im);
    struct messages m = { 0 };
    assert_true(img_check(im, false, collect, &m) > 0);
    if (!strstr(m.text, "track cyl 0 head 1: L2 entry (offset 100") || !strstr(m.text, "points into the header"))
        fail_msg("check did not name the L2 entry into the header:\n%s", m.text);
    size_t len;
    assert_int_equal(img_read_track(im, 0, 1, buf, sizeof buf, &len), -EIO);
    assert_non_null(strstr(img_error(im), "points into the header"));
    img_close(im);
    assert_null(img_open(path, false, err, sizeof err));
    assert_non_null(strstr(err, "points into the header"));

    /* the L1 entry of the first group pointing into the headers */
    create_cckd(path, 10, IMG_COMP_ZLIB);
    patch_u32(path, 1024, 512);
    assert_null(img_open(path, true, err, sizeof err));
    if (!strstr(err, "hdr.cckd") || !strstr(err, "L2 table for tracks 0-255 at offset 512 points into the header"))
        fail_msg("open did not name the L1 entry into the header: %s", err);
    patch_u32(path, 1024, 1u << 30);
    assert_null(img_open(path, true, err, sizeof err));
    if (!strstr(err, "L2 table for tracks 0-255 at offset 1073741824 lies past the end of the file"))
        fail_msg("open did not name the L1 entry past the end: %s", err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(l2_table_fails_at_file_size_limit),
        cmocka_unit_test(l2_table_fails_on_full_fs),
        cmocka_unit_test(write_until_full),
        cmocka_unit_test(check_finds_pointers_into_header),
        cmocka_unit_test(l1_entry_write_fails),
        cmocka_unit_test(l2_entry_write_fails),
        cmocka_unit_test(header_write_fails_at_close),
        cmocka_unit_test(header_write_fails_at_open),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
