// SPDX-License-Identifier: GPL-2.0-or-later
/* Compressed CCKD images: create like dasdinit -z/-bz2, every compression,
 * null tracks, free-space reuse, the OPENED bit, crash recovery, and
 * Hercules' cckdcdsk on what we write. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "img/cckd.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "testutil.h"

static uint8_t buf[CKD_MAX_TRACK_IMAGE], buf2[CKD_MAX_TRACK_IMAGE];
static char err[512];

static void create(const char *name, uint32_t cyls, enum img_compress comp, bool linux_null)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = IMG_CCKD, .compress = comp,
                                 .linux_null = linux_null, .volser = "VOL001" };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
}

/* A 12 x 4 KiB track whose data is a pattern seeded by seed (compressible
 * when seed is even, noise when odd). */
static size_t data_track(uint8_t *b, uint32_t cyl, uint32_t head, unsigned seed)
{
    size_t n = ckd_track_null(b, cyl, head, 2);
    uint32_t x = seed * 2654435761u + 1;
    for (unsigned r = 0; r < 12; r++) {
        uint8_t *d = b + 5 + 16 + r * 4104 + 8;
        for (unsigned i = 0; i < 4096; i++) {
            x = x * 1103515245u + 12345u;
            d[i] = seed & 1 ? (uint8_t)(x >> 16) : (uint8_t)(i / 64 + r + seed);
        }
    }
    return n;
}

static uint8_t header_byte(const char *name, off_t off)
{
    uint8_t b = 0;
    int fd = open(tu_path(name), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &b, 1, off), 1);
    close(fd);
    return b;
}

static uint32_t header_u32(const char *name, off_t off)
{
    uint8_t b[4] = { 0 };
    int fd = open(tu_path(name), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, b, 4, off), 4);
    close(fd);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static off_t file_size(const char *name)
{
    struct stat st;
    assert_int_equal(stat(tu_path(name), &st), 0);
    return st.st_size;
}

static void same_bytes_as_dasdinit(void **s)
{
    (void)s;
    struct { const char *opt; enum img_compress c; bool lx; } v[] = {
        { "-z", IMG_COMP_ZLIB, false }, { "-bz2", IMG_COMP_BZIP2, false }, { "-z -linux", IMG_COMP_ZLIB, true },
        { "-0", IMG_COMP_NONE, false },
    };
    for (unsigned i = 0; i < 4; i++) {
        char ours[32], theirs[32];
        snprintf(ours, sizeof ours, "ours%u.cckd", i);
        snprintf(theirs, sizeof theirs, "theirs%u.cckd", i);
        assert_int_equal(tu_sh("dasdinit %s %s 3390 VOL001 20 >/dev/null 2>&1", v[i].opt, tu_path(theirs)), 0);
        create(ours, 20, v[i].c, v[i].lx);
        assert_int_equal(tu_sh("cmp '%s' '%s'", tu_path(ours), tu_path(theirs)), 0);
    }
}

static void null_tracks_follow_nullfmt(void **s)
{
    (void)s;
    /* dasdinit -z: an existing L2 table with zero entries means format 0,
     * an absent table means cdh_nullfmt (1); with nullfmt 2 both mean 2 */
    assert_int_equal(tu_sh("dasdinit -z %s 3390 VOL001 20 >/dev/null 2>&1", tu_path("n.cckd")), 0);
    struct img *im = img_open(tu_path("n.cckd"), true, err, sizeof err);
    assert_non_null(im);
    size_t len;
    assert_int_equal(img_read_track(im, 0, 5, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 37);
    assert_int_equal(img_read_track(im, 19, 14, buf, sizeof buf, &len), 0);   /* track 299: L1[1] = 0 */
    assert_int_equal(len, 29);
    assert_int_equal(buf[2], 19);
    img_close(im);
    assert_int_equal(tu_sh("dasdinit -z -linux %s 3390 LNX001 20 >/dev/null 2>&1", tu_path("n2.cckd")), 0);
    im = img_open(tu_path("n2.cckd"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_read_track(im, 0, 5, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 49277);
    assert_int_equal(img_read_track(im, 19, 14, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 49277);
    img_close(im);
}

static void write_read_every_compression(void **s)
{
    (void)s;
    enum img_compress comps[] = { IMG_COMP_NONE, IMG_COMP_ZLIB, IMG_COMP_BZIP2 };
    for (unsigned c = 0; c < 3; c++) {
        char name[32];
        snprintf(name, sizeof name, "rw%u.cckd", c);
        create(name, 30, comps[c], true);
        struct img *im = img_open(tu_path(name), false, err, sizeof err);
        assert_non_null(im);
        for (unsigned t = 0; t < 450; t += 37) {
            size_t n = data_track(buf, t / 15, t % 15, t);
            assert_int_equal(img_write_track(im, t / 15, t % 15, buf, n), 0);
        }
        img_close(im);
        im = img_open(tu_path(name), true, err, sizeof err);
        assert_non_null(im);
        for (unsigned t = 0; t < 450; t += 37) {
            size_t n = data_track(buf, t / 15, t % 15, t), got;
            assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
            assert_int_equal(got, n);
            assert_memory_equal(buf, buf2, n);
        }
        img_close(im);
        /* stored form: a compressible track really is compressed with that algorithm */
        uint32_t l2 = header_u32(name, 1024);
        uint32_t pos = header_u32(name, l2 + 74 * 8);      /* track 74: seed 74, compressible */
        assert_int_equal(header_byte(name, pos), comps[c]);
        assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path(name)), 0);
        /* Hercules decompresses what we compressed: dasdcopy to CKD, read back */
        char ckd[48];
        snprintf(ckd, sizeof ckd, "%s.3390", name);
        assert_int_equal(tu_dasdcopy("", tu_path(name), tu_path(ckd)), 0);
        im = img_open(tu_path(ckd), true, err, sizeof err);
        assert_non_null(im);
        for (unsigned t = 0; t < 450; t += 37) {
            size_t n = data_track(buf, t / 15, t % 15, t), got;
            assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
            assert_int_equal(got, n);
            assert_memory_equal(buf, buf2, n);
        }
        img_close(im);
    }
    /* and we decompress what Hercules compressed, zlib and bzip2 */
    const char *algos[] = { "-z", "-bz2" };
    for (unsigned a = 0; a < 2; a++) {
        char her[16];
        snprintf(her, sizeof her, "her%u.cckd", a);
        assert_int_equal(tu_dasdcopy(algos[a], tu_path("rw0.cckd.3390"), tu_path(her)), 0);
        struct img *im = img_open(tu_path(her), true, err, sizeof err);
        assert_non_null(im);
        assert_int_equal(img_compression(im), a ? IMG_COMP_BZIP2 : IMG_COMP_ZLIB);
        for (unsigned t = 0; t < 450; t += 37) {
            size_t n = data_track(buf, t / 15, t % 15, t), got;
            assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
            assert_memory_equal(buf, buf2, n);
        }
        img_close(im);
    }
}

static void opened_bit_and_header_fields(void **s)
{
    (void)s;
    create("op.cckd", 10, IMG_COMP_ZLIB, false);
    assert_int_equal(header_byte("op.cckd", 515) & 0x80, 0);
    struct img *im = img_open(tu_path("op.cckd"), false, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(header_byte("op.cckd", 515) & 0x80, 0x80);
    size_t n = data_track(buf, 3, 3, 1);
    assert_int_equal(img_write_track(im, 3, 3, buf, n), 0);
    n = data_track(buf, 3, 3, 3);               /* rewrite: old space becomes free */
    assert_int_equal(img_write_track(im, 3, 3, buf, n), 0);
    n = data_track(buf, 4, 4, 5);
    assert_int_equal(img_write_track(im, 4, 4, buf, n), 0);
    img_close(im);
    assert_int_equal(header_byte("op.cckd", 515) & 0x80, 0);
    uint32_t size = header_u32("op.cckd", 512 + 12), used = header_u32("op.cckd", 512 + 16);
    uint32_t free_off = header_u32("op.cckd", 512 + 20), free_tot = header_u32("op.cckd", 512 + 24);
    uint32_t free_num = header_u32("op.cckd", 512 + 32);
    assert_int_equal(size, used + free_tot);
    assert_int_equal(free_num, 1);
    assert_int_equal(free_off, size);            /* FREE_BLK list right past the end */
    assert_int_equal(file_size("op.cckd"), size + 8 + 8 * free_num);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("op.cckd")), 0);
}

static void free_space_reused(void **s)
{
    (void)s;
    create("fs.cckd", 10, IMG_COMP_NONE, false);
    struct img *im = img_open(tu_path("fs.cckd"), false, err, sizeof err);
    assert_non_null(im);
    size_t n = data_track(buf, 5, 0, 1);
    assert_int_equal(img_write_track(im, 5, 0, buf, n), 0);
    uint32_t first = im->cckd->l2[0][75].pos;
    /* a rewrite never overwrites the live copy */
    assert_int_equal(img_write_track(im, 5, 0, buf, n), 0);
    assert_int_not_equal(im->cckd->l2[0][75].pos, first);
    /* freed space is held back until a flush makes the new entry durable */
    n = data_track(buf, 5, 1, 3);
    assert_int_equal(img_write_track(im, 5, 1, buf, n), 0);
    assert_int_not_equal(im->cckd->l2[0][76].pos, first);
    assert_int_equal(img_flush(im), 0);
    n = data_track(buf, 5, 2, 5);
    assert_int_equal(img_write_track(im, 5, 2, buf, n), 0);
    assert_int_equal(im->cckd->l2[0][77].pos, first);
    /* null track: offset 0, length = format */
    n = ckd_track_null(buf, 5, 2, 1);
    assert_int_equal(img_write_track(im, 5, 2, buf, n), 0);
    assert_int_equal(im->cckd->l2[0][77].pos, 0);
    assert_int_equal(im->cckd->l2[0][77].len, 1);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("fs.cckd")), 0);
    /* Hercules reads the free list we wrote and keeps the image consistent */
    im = img_open(tu_path("fs.cckd"), true, err, sizeof err);
    assert_non_null(im);
    struct cckd_space *l;
    unsigned nl;
    char why[128];
    assert_int_equal(cckd_space_read_disk(im, &l, &nl, why, sizeof why), 0);
    assert_int_equal(nl, 1);
    assert_int_equal(l[0].off, first);
    free(l);
    img_close(im);
}

struct note_log {
    char text[1024];
};

static void log_notes(void *opaque, bool error, const char *msg)
{
    struct note_log *l = opaque;
    if (!error)
        snprintf(l->text + strlen(l->text), sizeof l->text - strlen(l->text), "%s\n", msg);
}

/* Write-through: each write is synced, so freed space is reusable at once. */
static void writethrough_reuses_at_once(void **s)
{
    (void)s;
    create("wt.cckd", 10, IMG_COMP_NONE, false);
    struct img *im = img_open(tu_path("wt.cckd"), false, err, sizeof err);
    assert_non_null(im);
    img_set_writethrough(im, true);
    size_t n = data_track(buf, 5, 0, 1);
    assert_int_equal(img_write_track(im, 5, 0, buf, n), 0);
    uint32_t first = im->cckd->l2[0][75].pos;
    assert_int_equal(img_write_track(im, 5, 0, buf, n), 0);
    n = data_track(buf, 5, 1, 3);
    assert_int_equal(img_write_track(im, 5, 1, buf, n), 0);
    assert_int_equal(im->cckd->l2[0][76].pos, first);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("wt.cckd")), 0);
}

static void crash_recovery(void **s)
{
    (void)s;
    create("cr.cckd", 10, IMG_COMP_ZLIB, false);
    pid_t pid = fork();
    if (pid == 0) {
        struct img *im = img_open(tu_path("cr.cckd"), false, err, sizeof err);
        for (unsigned t = 20; t < 40 && im; t++) {
            size_t n = data_track(buf, t / 15, t % 15, t);
            if (img_write_track(im, t / 15, t % 15, buf, n) < 0)
                _exit(2);
        }
        _exit(im ? 0 : 1);      /* dies without closing */
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(header_byte("cr.cckd", 515) & 0x80, 0x80);
    struct img *im = img_open(tu_path("cr.cckd"), true, err, sizeof err);
    struct img_space sp;
    assert_non_null(im);
    assert_int_equal(img_space(im, &sp), 0);
    assert_false(sp.closed_cleanly);
    /* a crash leaves a consistent image: check finds no error, says why it
     * skipped the totals */
    struct note_log log = { 0 };
    assert_int_equal(img_check(im, false, log_notes, &log), 0);
    assert_non_null(strstr(log.text, "cr.cckd: not closed cleanly"));
    img_close(im);
    im = img_open(tu_path("cr.cckd"), false, err, sizeof err);
    assert_non_null(im);
    for (unsigned t = 20; t < 40; t++) {
        size_t n = data_track(buf, t / 15, t % 15, t), got;
        assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
        assert_memory_equal(buf, buf2, n);
    }
    img_close(im);
    assert_int_equal(header_byte("cr.cckd", 515) & 0x80, 0);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("cr.cckd")), 0);
    im = img_open(tu_path("cr.cckd"), true, err, sizeof err);
    assert_int_equal(img_space(im, &sp), 0);
    assert_true(sp.closed_cleanly);
    assert_int_equal(sp.used + sp.free_total, sp.size);
    img_close(im);
}

static void corrupt_compressed_track(void **s)
{
    (void)s;
    create("bad.cckd", 10, IMG_COMP_ZLIB, false);
    struct img *im = img_open(tu_path("bad.cckd"), false, err, sizeof err);
    assert_non_null(im);
    size_t n = data_track(buf, 0, 2, 2);
    assert_int_equal(img_write_track(im, 0, 2, buf, n), 0);
    uint32_t pos = im->cckd->l2[0][2].pos;
    img_close(im);
    assert_int_equal(tu_sh("printf 'garbagegarbage' | dd of=%s bs=1 seek=%u conv=notrunc status=none",
                           tu_path("bad.cckd"), pos + 5), 0);
    im = img_open(tu_path("bad.cckd"), true, err, sizeof err);
    assert_non_null(im);
    size_t got;
    assert_int_equal(img_read_track(im, 0, 2, buf2, sizeof buf2, &got), -EIO);
    assert_non_null(strstr(img_error(im), "bad.cckd"));
    assert_non_null(strstr(img_error(im), "cyl 0 head 2"));
    assert_non_null(strstr(img_error(im), "inflate"));
    img_close(im);
}

static void l2_entry_past_eof(void **s)
{
    (void)s;
    create("eof.cckd", 10, IMG_COMP_ZLIB, false);
    /* track 1's entry: offset 0x7FFF0000 */
    assert_int_equal(tu_sh("printf '\\000\\000\\377\\177' | dd of=%s bs=1 seek=%u conv=notrunc status=none",
                           tu_path("eof.cckd"), 1024 + 4 + 8), 0);
    struct img *im = img_open(tu_path("eof.cckd"), true, err, sizeof err);
    assert_non_null(im);
    size_t got;
    assert_int_equal(img_read_track(im, 0, 1, buf, sizeof buf, &got), -EIO);
    assert_non_null(strstr(img_error(im), "cyl 0 head 1"));
    assert_non_null(strstr(img_error(im), "past the end"));
    img_close(im);
    assert_null(img_open(tu_path("eof.cckd"), false, err, sizeof err));
    assert_non_null(strstr(err, "eof.cckd"));
    assert_non_null(strstr(err, "cyl 0 head 1"));
}

static void count_errors(void *opaque, bool error, const char *msg)
{
    if (error)
        print_message("%s\n", msg);
    *(int *)opaque += error;
}

static void big_endian_image(void **s)
{
    (void)s;
    /* cckdswap turns a file big-endian (cdh_opts 0x02) */
    assert_int_equal(tu_sh("dasdinit -z %s 3390 BIGEND 10 >/dev/null 2>&1 && cckdswap %s >/dev/null 2>&1",
                           tu_path("be.cckd"), tu_path("be.cckd")), 0);
    assert_int_equal(header_byte("be.cckd", 515) & 0x02, 0x02);
    struct img *im = img_open(tu_path("be.cckd"), false, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_geometry(im)->cyls, 10);
    for (unsigned t = 3; t < 150; t += 29) {
        size_t n = data_track(buf, t / 15, t % 15, t);
        assert_int_equal(img_write_track(im, t / 15, t % 15, buf, n), 0);
    }
    size_t n = data_track(buf, 0, 3, 8);        /* rewrite: free space in a BIGEND file */
    assert_int_equal(img_write_track(im, 0, 3, buf, n), 0);
    img_close(im);
    assert_int_equal(header_byte("be.cckd", 515) & 0x82, 0x02);
    im = img_open(tu_path("be.cckd"), true, err, sizeof err);
    assert_non_null(im);
    for (unsigned t = 32; t < 150; t += 29) {
        size_t got;
        n = data_track(buf, t / 15, t % 15, t);
        assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
        assert_memory_equal(buf, buf2, n);
    }
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    assert_int_equal(errors, 0);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("be.cckd")), 0);
}

/* Random rewrites of tracks of random size and compressibility, null
 * tracks, flushes and reopens: every track reads back as last written,
 * and our check and Hercules' cckdcdsk find the tables and free space
 * consistent. */
static void random_rewrites_stay_consistent(void **s)
{
    (void)s;
    static int model[600];          /* seed last written, -1 = null track */
    uint32_t x = 777;
    create("rnd.cckd", 40, IMG_COMP_ZLIB, false);
    for (unsigned t = 0; t < 600; t++)
        model[t] = -2;              /* as created */
    struct img *im = img_open(tu_path("rnd.cckd"), false, err, sizeof err);
    assert_non_null(im);
    for (unsigned i = 0; i < 1500; i++) {
        x = x * 1103515245u + 12345u;
        unsigned t = 2 + (x >> 8) % 598, op = (x >> 20) % 16;
        size_t n;
        if (op == 0) {
            n = ckd_track_null(buf, t / 15, t % 15, (x >> 4) & 1);
            model[t] = -1 - (int)((x >> 4) & 1) * 10;
        } else {
            n = data_track(buf, t / 15, t % 15, i);
            if (op < 4)             /* shorter images: fewer records */
                n = 5 + 16 + op * 4104 + 8, memset(buf + n - 8, 0xFF, 8);
            model[t] = (int)(i * 16 + (op < 4 ? op : 15));
        }
        assert_int_equal(img_write_track(im, t / 15, t % 15, buf, n), 0);
        if (op == 5)
            assert_int_equal(img_flush(im), 0);
        if (op == 6 && (x & 0x3000) == 0) {
            img_close(im);
            im = img_open(tu_path("rnd.cckd"), false, err, sizeof err);
            assert_non_null(im);
        }
    }
    img_close(im);
    im = img_open(tu_path("rnd.cckd"), true, err, sizeof err);
    assert_non_null(im);
    for (unsigned t = 2; t < 600; t++) {
        size_t n, got;
        if (model[t] == -2)         /* dasdinit -z: zero entries in L2 table 0 mean format 0 */
            n = ckd_track_null(buf, t / 15, t % 15, t < 256 ? 0 : 1);
        else if (model[t] < 0)
            n = ckd_track_null(buf, t / 15, t % 15, model[t] == -1 ? 0 : 1);
        else {
            unsigned op = (unsigned)model[t] % 16;
            n = data_track(buf, t / 15, t % 15, (unsigned)model[t] / 16);
            if (op < 4)
                n = 5 + 16 + op * 4104 + 8, memset(buf + n - 8, 0xFF, 8);
        }
        assert_int_equal(img_read_track(im, t / 15, t % 15, buf2, sizeof buf2, &got), 0);
        assert_int_equal(got, n);
        assert_memory_equal(buf, buf2, n);
    }
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("rnd.cckd")), 0);
    /* freed space was reused: less than a quarter of the file is free */
    assert_true(header_u32("rnd.cckd", 512 + 24) * 4 < header_u32("rnd.cckd", 512 + 12));
}

/* A guest that reformats its volume again and again, with no flush between
 * (ccwpassd flushes only when the guest asks): the file must not grow
 * without bound but stay near the size of the data it holds. */
static void repeated_rewrites_converge(void **s)
{
    (void)s;
    enum { CYLS = 10, PASSES = 10 };
    create("rr.cckd", CYLS, IMG_COMP_ZLIB, false);
    struct img *im = img_open(tu_path("rr.cckd"), false, err, sizeof err);
    assert_non_null(im);
    off_t one_pass = 0;
    for (unsigned p = 0; p < PASSES; p++) {
        for (unsigned t = 2; t < CYLS * 15; t++) {
            size_t n = data_track(buf, t / 15, t % 15, 2 * (p * 1000 + t) + 1);   /* incompressible */
            assert_int_equal(img_write_track(im, t / 15, t % 15, buf, n), 0);
        }
        if (p == 0)
            one_pass = file_size("rr.cckd");
    }
    assert_int_equal(img_close(im), 0);
    off_t after = file_size("rr.cckd");
    print_message("# one pass %lld bytes, after %d passes %lld bytes\n", (long long)one_pass, PASSES,
                  (long long)after);
    assert_true(after <= 2 * one_pass);
    int errors = 0;
    im = img_open(tu_path("rr.cckd"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    img_close(im);
}

static void put_u32(const char *name, off_t off, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    int fd = open(tu_path(name), O_WRONLY);
    assert_int_equal(pwrite(fd, b, 4, off), 4);
    close(fd);
}

/* Older Hercules kept free space as a chain of {next, length} blocks inside
 * the free space itself; such images are read, checked and reused. */
static void old_free_chain(void **s)
{
    (void)s;
    create("old.cckd", 10, IMG_COMP_NONE, false);
    struct img *im = img_open(tu_path("old.cckd"), false, err, sizeof err);
    assert_non_null(im);
    for (unsigned t = 20; t < 23; t++)
        assert_int_equal(img_write_track(im, t / 15, t % 15, buf, data_track(buf, t / 15, t % 15, t * 2 + 1)), 0);
    assert_int_equal(img_flush(im), 0);
    assert_int_equal(img_write_track(im, 1, 5, buf, data_track(buf, 1, 5, 9)), 0);     /* track 20 moves */
    assert_int_equal(img_write_track(im, 1, 7, buf, data_track(buf, 1, 7, 11)), 0);    /* track 22 moves */
    img_close(im);
    uint32_t size = header_u32("old.cckd", 512 + 12), list = header_u32("old.cckd", 512 + 20);
    assert_int_equal(header_u32("old.cckd", 512 + 32), 2);
    assert_int_equal(list, size);
    uint32_t b0 = header_u32("old.cckd", list + 8), l0 = header_u32("old.cckd", list + 12);
    uint32_t b1 = header_u32("old.cckd", list + 16), l1 = header_u32("old.cckd", list + 20);
    /* rewrite as the old chain: header -> b0 -> b1 -> 0 */
    assert_int_equal(truncate(tu_path("old.cckd"), size), 0);
    put_u32("old.cckd", 512 + 20, b0);
    put_u32("old.cckd", b0, b1);
    put_u32("old.cckd", b0 + 4, l0);
    put_u32("old.cckd", b1, 0);
    put_u32("old.cckd", b1 + 4, l1);
    im = img_open(tu_path("old.cckd"), true, err, sizeof err);
    assert_non_null(im);
    struct cckd_space *l;
    unsigned n;
    char why[128];
    assert_int_equal(cckd_space_read_disk(im, &l, &n, why, sizeof why), 0);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].off, b0);
    assert_int_equal(l[0].len, l0);
    assert_int_equal(l[1].off, b1);
    assert_int_equal(l[1].len, l1);
    free(l);
    int errors = 0;
    assert_int_equal(img_check(im, false, count_errors, &errors), 0);
    img_close(im);
    assert_int_equal(tu_sh("cckdcdsk -1 %s >/dev/null 2>&1", tu_path("old.cckd")), 0);
    /* read-write: the chained space is reused */
    im = img_open(tu_path("old.cckd"), false, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(img_write_track(im, 2, 0, buf, data_track(buf, 2, 0, 13)), 0);
    assert_int_equal(im->cckd->l2[0][30].pos, b0);
    img_close(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_as_dasdinit),
        cmocka_unit_test(null_tracks_follow_nullfmt),
        cmocka_unit_test(write_read_every_compression),
        cmocka_unit_test(opened_bit_and_header_fields),
        cmocka_unit_test(free_space_reused),
        cmocka_unit_test(writethrough_reuses_at_once),
        cmocka_unit_test(crash_recovery),
        cmocka_unit_test(corrupt_compressed_track),
        cmocka_unit_test(l2_entry_past_eof),
        cmocka_unit_test(big_endian_image),
        cmocka_unit_test(random_rewrites_stay_consistent),
        cmocka_unit_test(repeated_rewrites_converge),
        cmocka_unit_test(old_free_chain),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
