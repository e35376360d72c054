// SPDX-License-Identifier: GPL-2.0-or-later
/* Tape images (src/img/tape.h): positions, block IDs, what lands in the
 * file, capacity, torn tails and damaged images. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "img/tape.h"
#include "testutil.h"

#define BIG 65535u

static char err[512];
static uint8_t wbuf[BIG], rbuf[BIG];

static void fill(uint8_t *b, uint32_t n, unsigned seed, bool compressible)
{
    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = compressible ? (uint8_t)("ABCD"[i / 64 % 4]) : (uint8_t)(x >> 16);
    }
}

static struct tape *op(const char *name, bool ro)
{
    struct tape_open_opts o = { .readonly = ro };
    err[0] = 0;
    struct tape *t = tape_open(tu_path(name), &o, err, sizeof err);
    if (!t)
        fail_msg("open %s: %s", name, err);
    return t;
}

/* a read-write open that writes HET blocks with compression c */
static struct tape *opc(const char *name, enum tape_comp c)
{
    struct tape_open_opts o = { .comp = c };
    struct tape *t = tape_open(tu_path(name), &o, err, sizeof err);
    if (!t)
        fail_msg("open %s: %s", name, err);
    return t;
}

static void cl(struct tape *t)
{
    assert_int_equal(tape_close(t, err, sizeof err), 0);
}

static void make(const char *name, enum tape_format f, enum tape_comp c)
{
    struct tape_create_opts o = { .format = f, .comp = c };
    assert_int_equal(tape_create(tu_path(name), &o, err, sizeof err), 0);
    /* start from an empty file: no tapemarks */
    assert_int_equal(truncate(tu_path(name), 0), 0);
}

static void writes(struct tape *t, uint32_t len, unsigned seed, bool comp)
{
    fill(wbuf, len, seed, comp);
    assert_int_equal(tape_write_block(t, wbuf, len), TAPE_OK);
}

static void reads(struct tape *t, uint32_t len, unsigned seed, bool comp)
{
    uint32_t got = 0;
    int rc = tape_read_block(t, rbuf, sizeof rbuf, &got);
    if (rc != TAPE_OK)
        fail_msg("read: %d %s", rc, tape_error(t));
    assert_int_equal(got, len);
    fill(wbuf, len, seed, comp);
    assert_memory_equal(rbuf, wbuf, len);
}

static long fsize(const char *name)
{
    struct stat st;
    return stat(tu_path(name), &st) == 0 ? (long)st.st_size : -1;
}

static void file_bytes(const char *name, uint8_t *b, size_t n)
{
    int fd = open(tu_path(name), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, b, n), (ssize_t)n);
    close(fd);
}

static void put_bytes(const char *name, off_t off, const void *b, size_t n)
{
    int fd = open(tu_path(name), O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, b, n, off), (ssize_t)n);
    close(fd);
}

static void has(const char *msg, const char *a, const char *b)
{
    if (!strstr(msg, a) || (b && !strstr(msg, b)))
        fail_msg("message '%s' lacks '%s' or '%s'", msg, a, b ? b : "");
}

/* ---- what lands in the file ------------------------------------------------ */

static void create_unlabelled_is_two_tapemarks(void **s)
{
    (void)s;
    struct tape_create_opts o = { .format = TAPE_AWS };
    assert_int_equal(tape_create(tu_path("nl.aws"), &o, err, sizeof err), 0);
    uint8_t b[12];
    assert_int_equal(fsize("nl.aws"), 12);
    file_bytes("nl.aws", b, sizeof b);
    assert_memory_equal(b, "\0\0\0\0\x40\0\0\0\0\0\x40\0", 12);
}

static void create_labelled_like_hetinit(void **s)
{
    (void)s;
    struct tape_create_opts o = { .format = TAPE_AWS, .volser = "vol001", .owner = "OWNER" };
    assert_int_equal(tape_create(tu_path("sl.aws"), &o, err, sizeof err), 0);
    assert_int_equal(tu_sh("cd %s && hetinit -d h.aws VOL001 OWNER >/dev/null 2>&1 && cmp -s h.aws sl.aws",
                           tu_tmpdir()), 0);
    o = (struct tape_create_opts){ .format = TAPE_HET, .comp = TAPE_COMP_ZLIB, .volser = "VOL002" };
    assert_int_equal(tape_create(tu_path("sl.het"), &o, err, sizeof err), 0);
    assert_int_equal(tu_sh("cd %s && hetinit h.het VOL002 >/dev/null 2>&1 && cmp -s h.het sl.het", tu_tmpdir()),
                     0);
    struct tape *t = op("sl.het", true);
    assert_int_equal(tape_format(t), TAPE_HET);
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_OK);
    assert_int_equal(len, 80);
    assert_memory_equal(rbuf, "\xE5\xD6\xD3\xF1\xE5\xD6\xD3\xF0\xF0\xF2", 10);   /* VOL1VOL002 */
    cl(t);
    o.volser = "TOOLONG7";
    assert_true(tape_create(tu_path("bad.aws"), &o, err, sizeof err) < 0);
    has(err, "TOOLONG7", "1 to 6");
}

static void block_on_file_is_one_chunk(void **s)
{
    (void)s;
    make("one.aws", TAPE_AWS, TAPE_COMP_NONE);
    struct tape *t = op("one.aws", false);
    writes(t, 3, 1, false);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    writes(t, 2, 2, false);
    cl(t);
    uint8_t b[6 + 3 + 6 + 6 + 2];
    assert_int_equal(fsize("one.aws"), (long)sizeof b);
    file_bytes("one.aws", b, sizeof b);
    assert_memory_equal(b, "\x03\0\0\0\xA0\0", 6);           /* len 3, prev 0, BOR|EOR */
    assert_memory_equal(b + 9, "\0\0\x03\0\x40\0", 6);       /* tapemark, prev 3 */
    assert_memory_equal(b + 15, "\x02\0\0\0\xA0\0", 6);      /* prev 0 after a tapemark */
}

/* ---- data and positions ------------------------------------------------------- */

static void roundtrip(const char *name, enum tape_format f, enum tape_comp c)
{
    static const uint32_t sizes[] = { 1, 80, 4096, 32768, BIG };
    make(name, f, c);
    struct tape *t = opc(name, c);
    assert_int_equal(tape_format(t), f);
    for (unsigned i = 0; i < 5; i++)
        writes(t, sizes[i], i, i % 2);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    writes(t, 777, 9, true);
    assert_int_equal(tape_blockid(t), 7);
    assert_false(tape_at_bot(t));
    cl(t);
    t = op(name, true);
    assert_true(tape_at_bot(t));
    for (unsigned i = 0; i < 5; i++)
        reads(t, sizes[i], i, i % 2);
    uint32_t len = 99;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_TAPEMARK);
    assert_int_equal(len, 0);
    assert_int_equal(tape_blockid(t), 6);
    reads(t, 777, 9, true);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    assert_int_equal(tape_blockid(t), 7);
    cl(t);
}

static void roundtrip_aws(void **s) { (void)s; roundtrip("rt.aws", TAPE_AWS, TAPE_COMP_NONE); }
static void roundtrip_het_zlib(void **s)
{
    (void)s;
    roundtrip("rt.het", TAPE_HET, TAPE_COMP_ZLIB);
    /* the compressible 80-byte block is stored zlib-compressed (flags A1), the random one plain */
    uint8_t b[12];
    file_bytes("rt.het", b, sizeof b);
    assert_int_equal(b[4], 0xA0);     /* 1 byte: never smaller */
    assert_true(fsize("rt.het") < fsize("rt.aws"));
}
static void roundtrip_het_bzip2(void **s)
{
    (void)s;
    roundtrip("rt2.het", TAPE_HET, TAPE_COMP_BZIP2);
    struct tape *t = op("rt2.het", false);   /* the compression is taken from the file */
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    writes(t, 4000, 3, true);
    cl(t);
    struct tape_scan sc;
    assert_int_equal(tape_scan(tu_path("rt2.het"), &sc, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(sc.comp, TAPE_COMP_BZIP2);
    assert_int_equal(sc.file[1].blocks, 1);
    assert_int_equal(sc.file[1].bytes, 4000);
    assert_true(sc.file[1].stored < 4000);
    uint8_t h[6];
    int fd = open(tu_path("rt2.het"), O_RDONLY);
    assert_int_equal(pread(fd, h, 6, fsize("rt2.het") - (long)sc.file[1].stored), 6);
    close(fd);
    assert_int_equal(h[4], 0xA2);     /* BOR|EOR|bzip2 */
    tape_scan_free(&sc);
}

static void short_buffer_gets_whole_length(void **s)
{
    (void)s;
    make("short.aws", TAPE_AWS, TAPE_COMP_NONE);
    struct tape *t = op("short.aws", false);
    writes(t, 1000, 5, false);
    tape_rewind(t);
    uint32_t len;
    memset(rbuf, 0xEE, 20);
    assert_int_equal(tape_read_block(t, rbuf, 10, &len), TAPE_OK);
    assert_int_equal(len, 1000);
    assert_int_equal(rbuf[10], 0xEE);
    fill(wbuf, 1000, 5, false);
    assert_memory_equal(rbuf, wbuf, 10);
    assert_int_equal(tape_blockid(t), 1);
    tape_rewind(t);
    assert_int_equal(tape_read_block(t, NULL, 0, &len), TAPE_OK);     /* length only */
    assert_int_equal(len, 1000);
    cl(t);
}

/* b0 b1 TM b3 TM TM: three files, block IDs 0..5 */
static struct tape *three_files(const char *name, enum tape_format f)
{
    make(name, f, TAPE_COMP_ZLIB);
    struct tape *t = op(name, false);
    writes(t, 100, 0, true);
    writes(t, 200, 1, false);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    writes(t, 300, 3, true);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    assert_int_equal(tape_rewind(t), TAPE_OK);
    return t;
}

static void space_blocks_and_files(void **s)
{
    (void)s;
    for (int f = TAPE_AWS; f <= TAPE_HET; f++) {
        struct tape *t = three_files(f == TAPE_AWS ? "sp.aws" : "sp.het", f);
        assert_int_equal(tape_space_block(t, false), TAPE_BOT);
        assert_int_equal(tape_space_block(t, true), TAPE_OK);
        assert_int_equal(tape_space_block(t, true), TAPE_OK);
        assert_int_equal(tape_space_block(t, true), TAPE_TAPEMARK);    /* crossed, now after it */
        assert_int_equal(tape_blockid(t), 3);
        reads(t, 300, 3, true);
        assert_int_equal(tape_space_block(t, false), TAPE_OK);
        assert_int_equal(tape_space_block(t, false), TAPE_TAPEMARK);   /* now before it */
        assert_int_equal(tape_blockid(t), 2);
        assert_int_equal(tape_space_block(t, false), TAPE_OK);
        reads(t, 200, 1, false);
        /* files */
        assert_int_equal(tape_space_file(t, true), TAPE_OK);
        assert_int_equal(tape_blockid(t), 3);
        assert_int_equal(tape_space_file(t, true), TAPE_OK);
        assert_int_equal(tape_space_file(t, true), TAPE_OK);
        assert_int_equal(tape_blockid(t), 6);
        assert_int_equal(tape_space_file(t, true), TAPE_EOD);
        assert_int_equal(tape_space_block(t, true), TAPE_EOD);
        assert_int_equal(tape_blockid(t), 6);
        assert_int_equal(tape_space_file(t, false), TAPE_OK);          /* before the last TM */
        assert_int_equal(tape_blockid(t), 5);
        assert_int_equal(tape_space_file(t, false), TAPE_OK);
        assert_int_equal(tape_blockid(t), 4);
        assert_int_equal(tape_space_file(t, false), TAPE_OK);
        assert_int_equal(tape_blockid(t), 2);
        assert_int_equal(tape_space_file(t, false), TAPE_BOT);
        assert_true(tape_at_bot(t));
        assert_int_equal(tape_blockid(t), 0);
        cl(t);
    }
}

static void locate_by_block_id(void **s)
{
    (void)s;
    struct tape *t = three_files("loc.het", TAPE_HET);
    assert_int_equal(tape_locate(t, 3), TAPE_OK);
    reads(t, 300, 3, true);
    assert_int_equal(tape_locate(t, 1), TAPE_OK);
    reads(t, 200, 1, false);
    assert_int_equal(tape_locate(t, 6), TAPE_OK);                      /* end of data: nothing next */
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    assert_int_equal(tape_locate(t, 2), TAPE_OK);
    assert_int_equal(tape_locate(t, 7), TAPE_EOD);                     /* beyond: unchanged */
    assert_int_equal(tape_blockid(t), 2);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_TAPEMARK);
    assert_int_equal(tape_locate(t, 0), TAPE_OK);
    assert_true(tape_at_bot(t));
    reads(t, 100, 0, true);
    cl(t);
}

static void write_in_the_middle_truncates(void **s)
{
    (void)s;
    struct tape *t = three_files("mid.aws", TAPE_AWS);
    long before = fsize("mid.aws");
    assert_int_equal(tape_space_block(t, true), TAPE_OK);
    writes(t, 50, 7, false);
    assert_int_equal(tape_blockid(t), 2);
    assert_int_equal(fsize("mid.aws"), 6 + 100 + 6 + 50);
    assert_true(fsize("mid.aws") < before);
    assert_int_equal(tape_used_bytes(t), 6 + 100 + 6 + 50);
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    assert_int_equal(tape_space_block(t, false), TAPE_OK);
    reads(t, 50, 7, false);
    /* a tapemark in the middle too, then erase */
    tape_rewind(t);
    assert_int_equal(tape_write_tapemark(t), TAPE_OK);
    assert_int_equal(fsize("mid.aws"), 6);
    assert_int_equal(tape_erase(t), TAPE_OK);
    assert_int_equal(fsize("mid.aws"), 6);
    tape_rewind(t);
    assert_int_equal(tape_erase(t), TAPE_OK);
    assert_int_equal(fsize("mid.aws"), 0);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    cl(t);
}

static void capacity_early_warning_and_end(void **s)
{
    (void)s;
    make("cap.aws", TAPE_AWS, TAPE_COMP_NONE);
    struct tape_open_opts o = { .capacity = 1000, .eot_margin = 300 };
    struct tape *t = tape_open(tu_path("cap.aws"), &o, err, sizeof err);
    assert_non_null(t);
    fill(wbuf, 500, 1, false);
    assert_int_equal(tape_write_block(t, wbuf, 194), TAPE_OK);        /* ends at 200 */
    assert_int_equal(tape_write_block(t, wbuf, 494), TAPE_OK);        /* ends at 700: exactly at the warning point */
    assert_int_equal(tape_write_block(t, wbuf, 1), TAPE_EOT_WARNING);  /* 707 */
    assert_int_equal(tape_write_tapemark(t), TAPE_EOT_WARNING);       /* 713 */
    assert_int_equal(tape_write_block(t, wbuf, 281), TAPE_EOT_WARNING); /* ends at 1000: still fits */
    assert_int_equal(tape_write_block(t, wbuf, 1), TAPE_EOT);          /* would end at 1007 */
    assert_int_equal(tape_write_tapemark(t), TAPE_EOT);
    assert_int_equal(fsize("cap.aws"), 1000);
    assert_int_equal(tape_blockid(t), 5);
    tape_rewind(t);
    reads(t, 194, 1, false);
    reads(t, 494, 1, false);
    reads(t, 1, 1, false);
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_TAPEMARK);
    reads(t, 281, 1, false);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    cl(t);
}

/* ---- crash safety --------------------------------------------------------------- */

static void torn(const char *tail, size_t n, bool ro)
{
    struct tape *t = three_files("torn.aws", TAPE_AWS);
    cl(t);
    long whole = fsize("torn.aws");
    put_bytes("torn.aws", whole, tail, n);
    t = op("torn.aws", ro);
    assert_int_equal(tape_torn_offset(t), whole);
    char want[64];
    snprintf(want, sizeof want, "offset %ld", whole);
    has(tape_error(t), tu_path("torn.aws"), want);
    assert_int_equal(fsize("torn.aws"), ro ? whole + (long)n : whole);
    assert_int_equal(tape_used_bytes(t), whole);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    assert_int_equal(tape_space_block(t, true), TAPE_EOD);
    assert_int_equal(tape_blockid(t), 6);
    if (!ro) {
        writes(t, 10, 1, false);   /* the tape goes on where the whole part ends */
        tape_rewind(t);
        assert_int_equal(tape_locate(t, 6), TAPE_OK);
        reads(t, 10, 1, false);
    }
    cl(t);
}

static void torn_tail_partial_header(void **s) { (void)s; torn("\x10\x00\x00", 3, false); }
static void torn_tail_partial_data(void **s) { (void)s; torn("\x10\x00\x00\x00\xA0\x00" "abc", 9, false); }
static void torn_tail_read_only(void **s) { (void)s; torn("\x10\x00\x00\x00\xA0\x00" "abc", 9, true); }
static void torn_tail_zeros(void **s) { (void)s; torn("\0\0\0\0\0\0\0\0", 8, false); }
/* a block of two chunks whose last chunk never arrived */
static void torn_tail_missing_last_chunk(void **s)
{
    (void)s;
    torn("\x02\x00\x00\x00\x80\x00" "ab", 8, false);
}

/* A writer SIGKILLed at an arbitrary point: every block it had written
 * (tape_write_block returned) before the kill reads back, and the image is
 * whole or has a torn tail that the next open cuts off. */
static void killed_writer_keeps_written_blocks(void **s)
{
    (void)s;
    enum { ACKED = 40 };
    make("kill.het", TAPE_HET, TAPE_COMP_ZLIB);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        struct tape_open_opts o = { .comp = TAPE_COMP_ZLIB };
        struct tape *t = tape_open(tu_path("kill.het"), &o, err, sizeof err);
        for (unsigned i = 0; t; i++) {
            fill(wbuf, BIG, i, i % 2);
            if (tape_write_block(t, wbuf, BIG - i % 1000) != TAPE_OK || write(p[1], "w", 1) != 1)
                _exit(1);
        }
        _exit(1);
    }
    close(p[1]);
    char c;
    for (unsigned i = 0; i < ACKED; i++)
        assert_int_equal(read(p[0], &c, 1), 1);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(p[0]);
    struct tape *t = op("kill.het", false);
    for (unsigned i = 0; i < ACKED; i++)
        reads(t, BIG - i % 1000, i, i % 2);
    cl(t);
    struct tape_scan sc;
    assert_int_equal(tape_scan(tu_path("kill.het"), &sc, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(sc.torn, -1);
    assert_true(sc.file[0].blocks >= ACKED);
    tape_scan_free(&sc);
}

/* ---- chunks as other writers make them ------------------------------------------ */

static void multi_chunk_blocks(void **s)
{
    (void)s;
    /* 10240 bytes as chunks 4096, 4096, 2048 (hetupd -s), a tapemark, then 3 bytes */
    static uint8_t f[3 * 6 + 10240 + 6 + 6 + 3];
    uint8_t *p = f;
    fill(wbuf, 10240, 4, false);
    static const struct { uint16_t len, prev; uint8_t flags; } c[] = {
        { 4096, 0, 0x80 }, { 4096, 4096, 0x00 }, { 2048, 4096, 0x20 },
    };
    for (unsigned i = 0, done = 0; i < 3; i++) {
        uint8_t h[6] = { (uint8_t)c[i].len, (uint8_t)(c[i].len >> 8), (uint8_t)c[i].prev,
                         (uint8_t)(c[i].prev >> 8), c[i].flags, 0 };
        memcpy(p, h, 6);
        memcpy(p + 6, wbuf + done, c[i].len);
        p += 6 + c[i].len;
        done += c[i].len;
    }
    memcpy(p, "\0\0\0\x08\x40\0", 6);
    memcpy(p + 6, "\x03\0\0\0\xA0\0xyz", 9);
    put_bytes("mc.aws", 0, f, sizeof f);
    struct tape *t = op("mc.aws", false);
    reads(t, 10240, 4, false);
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_TAPEMARK);
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_OK);
    assert_memory_equal(rbuf, "xyz", 3);
    assert_int_equal(tape_space_block(t, false), TAPE_OK);
    assert_int_equal(tape_space_block(t, false), TAPE_TAPEMARK);
    assert_int_equal(tape_space_block(t, false), TAPE_OK);            /* back over all three chunks */
    assert_true(tape_at_bot(t));
    assert_int_equal(tape_locate(t, 2), TAPE_OK);
    writes(t, 5, 1, false);                                            /* prev = 0 after the tapemark */
    cl(t);
    uint8_t h[6];
    int fd = open(tu_path("mc.aws"), O_RDONLY);
    assert_int_equal(pread(fd, h, 6, 3 * 6 + 10240 + 6), 6);
    close(fd);
    assert_memory_equal(h, "\x05\0\0\0\xA0\0", 6);
}

/* ---- damaged images: clear message, file and offset, no crash ---------------------- */

static void refused(const char *name, const char *what)
{
    err[0] = 0;
    struct tape_open_opts o = { .readonly = true };
    assert_null(tape_open(tu_path(name), &o, err, sizeof err));
    has(err, tu_path(name), what);
}

static void broken_header_chain(void **s)
{
    (void)s;
    struct tape *t = three_files("chain.aws", TAPE_AWS);
    cl(t);
    put_bytes("chain.aws", 6 + 100 + 2, "\x07\x00", 2);          /* prev of block 1: 7, not 100 */
    refused("chain.aws", "offset 106: broken header chain: previous length 7, expected 100");
    struct tape_scan sc;
    assert_true(tape_scan(tu_path("chain.aws"), &sc, NULL, NULL, err, sizeof err) < 0);
    has(err, "chain.aws", "offset 106");
    put_bytes("chain.aws", 6 + 100 + 2, "\x64\x00", 2);
    put_bytes("chain.aws", 6 + 100 + 4, "\x08", 1);                /* unknown flag */
    refused("chain.aws", "offset 106: unknown header flags 08");
    put_bytes("chain.aws", 6 + 100 + 4, "\x20", 1);                /* middle chunk without a block */
    refused("chain.aws", "offset 106: block does not begin");
}

static void truncated_file(void **s)
{
    (void)s;
    struct tape *t = three_files("cut.aws", TAPE_AWS);
    cl(t);
    assert_int_equal(truncate(tu_path("cut.aws"), 50), 0);           /* inside the first block */
    t = op("cut.aws", true);
    assert_int_equal(tape_torn_offset(t), 0);
    has(tape_error(t), "cut.aws", "offset 0");
    uint32_t len;
    assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), TAPE_EOD);
    cl(t);
}

static void undecompressible_chunk(void **s)
{
    (void)s;
    for (int c = TAPE_COMP_ZLIB; c <= TAPE_COMP_BZIP2; c++) {
        make("bad.het", TAPE_HET, c);
        struct tape *t = opc("bad.het", c);
        writes(t, 5000, 1, true);
        writes(t, 5000, 2, true);
        cl(t);
        long second = fsize("bad.het") / 2;
        put_bytes("bad.het", second + 6 + 2, "garbage!", 8);
        t = op("bad.het", true);
        reads(t, 5000, 1, true);
        uint32_t len;
        assert_int_equal(tape_read_block(t, rbuf, sizeof rbuf, &len), -EINVAL);
        char want[64];
        snprintf(want, sizeof want, "offset %ld: %s block cannot be expanded", second,
                 c == TAPE_COMP_ZLIB ? "zlib" : "bzip2");
        has(tape_error(t), tu_path("bad.het"), want);
        assert_int_equal(tape_blockid(t), 1);                          /* did not move */
        cl(t);
        struct tape_scan sc;
        assert_int_equal(tape_scan(tu_path("bad.het"), &sc, NULL, NULL, err, sizeof err), -EINVAL);
        has(err, "bad.het", want);
    }
}

static void not_a_regular_file(void **s)
{
    (void)s;
    assert_int_equal(tu_sh("mkfifo %s && mkdir %s", tu_path("fifo.aws"), tu_path("dir.aws")), 0);
    refused("fifo.aws", "is a FIFO, not a regular file");
    struct tape_open_opts rw = { 0 };
    assert_null(tape_open(tu_path("fifo.aws"), &rw, err, sizeof err));
    has(err, "fifo.aws", "FIFO");
    refused("dir.aws", "is a directory");
    assert_null(tape_open("/dev/zero", &rw, err, sizeof err));
    has(err, "/dev/zero", "character device");
    struct tape_scan sc;
    assert_true(tape_scan(tu_path("fifo.aws"), &sc, NULL, NULL, err, sizeof err) < 0);
    has(err, "fifo.aws", "FIFO");
    struct tape_create_opts co = { .format = TAPE_AWS };
    assert_true(tape_create(tu_path("fifo.aws"), &co, err, sizeof err) < 0);
    has(err, "fifo.aws", "FIFO");
    assert_true(tape_create(tu_path("dir.aws"), &co, err, sizeof err) < 0);
    has(err, "dir.aws", "directory");
    refused("missing.aws", "No such file");
}

/* Mangled tapes: every open either fails with a message or gives a tape
 * that reads to its end and spaces back to load point in a bounded number
 * of steps. */
static void mangled_tapes_never_loop(void **s)
{
    (void)s;
    struct tape *t = three_files("good.het", TAPE_HET);
    writes(t, 3000, 1, false);
    cl(t);
    long size = fsize("good.het");
    static uint8_t img[4096];
    assert_true(size <= (long)sizeof img);
    file_bytes("good.het", img, (size_t)size);
    uint32_t x = 12345;
    for (unsigned round = 0; round < 300; round++) {
        static uint8_t m[4096];
        memcpy(m, img, (size_t)size);
        for (unsigned k = 0; k < 1 + round % 4; k++) {
            x = x * 1103515245u + 12345u;
            m[(x >> 8) % (uint32_t)size] = (uint8_t)(x >> 3);
        }
        x = x * 1103515245u + 12345u;
        long len = round % 3 ? size : (long)((x >> 8) % (uint32_t)size);
        assert_int_equal(tu_sh(": > %s", tu_path("m.het")), 0);
        put_bytes("m.het", 0, m, (size_t)len);
        struct tape_open_opts o = { .readonly = true };
        err[0] = 0;
        t = tape_open(tu_path("m.het"), &o, err, sizeof err);
        if (!t) {
            has(err, "m.het", "offset");
            continue;
        }
        long steps = 0, bound = len / 6 + 2;
        uint32_t got;
        int rc;
        for (rc = tape_read_block(t, rbuf, sizeof rbuf, &got); rc == TAPE_OK || rc == TAPE_TAPEMARK;
             rc = tape_read_block(t, rbuf, sizeof rbuf, &got))
            assert_true(++steps <= bound);
        if (rc < 0)
            has(tape_error(t), "m.het", "offset");
        for (rc = tape_space_block(t, false); rc == TAPE_OK || rc == TAPE_TAPEMARK; rc = tape_space_block(t, false))
            assert_true(--steps >= -bound);
        assert_true(rc == TAPE_BOT || rc < 0);
        cl(t);
    }
}

/* ---- protection and locking ------------------------------------------------------- */

static void read_only_file_is_write_protected(void **s)
{
    (void)s;
    struct tape *t = three_files("ro.aws", TAPE_AWS);
    cl(t);
    long size = fsize("ro.aws");
    assert_int_equal(chmod(tu_path("ro.aws"), 0444), 0);
    t = op("ro.aws", false);                                           /* asked read-write: no error */
    assert_true(tape_readonly(t));
    reads(t, 100, 0, true);
    fill(wbuf, 10, 0, false);
    assert_int_equal(tape_write_block(t, wbuf, 10), -EROFS);
    has(tape_error(t), "ro.aws", "write-protected");
    assert_int_equal(tape_write_tapemark(t), -EROFS);
    assert_int_equal(tape_erase(t), -EROFS);
    assert_int_equal(fsize("ro.aws"), size);
    reads(t, 200, 1, false);
    cl(t);
    t = op("sp.aws", true);                                            /* asked read-only */
    assert_true(tape_readonly(t));
    assert_int_equal(tape_write_tapemark(t), -EROFS);
    cl(t);
}

static void second_opener_refused(void **s)
{
    (void)s;
    struct tape *t = three_files("lock.aws", TAPE_AWS);
    struct tape_open_opts rw = { 0 }, ro = { .readonly = true };
    assert_null(tape_open(tu_path("lock.aws"), &rw, err, sizeof err));
    has(err, "lock.aws", "is in use by another process");
    assert_null(tape_open(tu_path("lock.aws"), &ro, err, sizeof err));
    has(err, "lock.aws", "in use");
    struct tape_scan sc;                                               /* inspection takes no lock */
    assert_int_equal(tape_scan(tu_path("lock.aws"), &sc, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(sc.files, 3);
    tape_scan_free(&sc);
    cl(t);
    struct tape *a = op("lock.aws", true), *b = op("lock.aws", true);  /* readers share */
    assert_null(tape_open(tu_path("lock.aws"), &rw, err, sizeof err));
    cl(a);
    cl(b);
    cl(op("lock.aws", false));
}

static void format_from_content_and_name(void **s)
{
    (void)s;
    make("plain.het", TAPE_HET, TAPE_COMP_ZLIB);                      /* empty: the name decides */
    struct tape *t = op("plain.het", false);
    assert_int_equal(tape_format(t), TAPE_HET);
    writes(t, 1000, 0, true);
    cl(t);
    assert_int_equal(rename(tu_path("plain.het"), tu_path("named.aws")), 0);
    t = op("named.aws", true);                                          /* compressed blocks: HET */
    assert_int_equal(tape_format(t), TAPE_HET);
    reads(t, 1000, 0, true);
    cl(t);
    make("x.aws", TAPE_AWS, TAPE_COMP_NONE);
    t = op("x.aws", false);
    assert_int_equal(tape_format(t), TAPE_AWS);
    writes(t, 1000, 0, true);                                           /* AWS never compresses */
    cl(t);
    assert_int_equal(fsize("x.aws"), 1006);
}

/* ---- whole-tape work ----------------------------------------------------------------- */

static void scan_counts_files_and_blocks(void **s)
{
    (void)s;
    struct tape *t = three_files("scan.het", TAPE_HET);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    assert_int_equal(tape_space_file(t, true), TAPE_OK);
    writes(t, 9, 1, false);                                              /* unterminated tail */
    cl(t);
    struct tape_scan sc;
    assert_int_equal(tape_scan(tu_path("scan.het"), &sc, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(sc.format, TAPE_HET);
    assert_int_equal(sc.files, 3);
    assert_int_equal(sc.file[0].blocks, 2);
    assert_int_equal(sc.file[0].min_block, 100);
    assert_int_equal(sc.file[0].max_block, 200);
    assert_int_equal(sc.file[0].bytes, 300);
    assert_int_equal(sc.file[1].blocks, 1);
    assert_int_equal(sc.file[2].blocks, 0);
    assert_int_equal(sc.file[3].blocks, 1);
    assert_int_equal(sc.file[3].bytes, 9);
    uint64_t stored = 0;
    for (unsigned i = 0; i <= sc.files; i++)
        stored += sc.file[i].stored;
    assert_int_equal(stored, (uint64_t)fsize("scan.het"));
    assert_int_equal(sc.torn, -1);
    tape_scan_free(&sc);
}

static void copy_converts_both_ways(void **s)
{
    (void)s;
    struct tape *t = three_files("src.aws", TAPE_AWS);
    writes(t, BIG, 1, false);
    writes(t, BIG, 2, true);
    cl(t);
    struct tape_create_opts bz = { .format = TAPE_HET, .comp = TAPE_COMP_BZIP2 }, aws = { .format = TAPE_AWS };
    assert_int_equal(tape_copy(tu_path("src.aws"), tu_path("mid.het"), &bz, NULL, NULL, err, sizeof err), 0);
    assert_true(fsize("mid.het") < fsize("src.aws"));
    assert_int_equal(tape_copy(tu_path("mid.het"), tu_path("back.aws"), &aws, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("src.aws"), tu_path("back.aws")), 0);
    assert_true(tape_copy(tu_path("src.aws"), tu_path("src.aws"), &aws, NULL, NULL, err, sizeof err) < 0);
    has(err, "src.aws", "same file");
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("src.aws"), tu_path("back.aws")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_unlabelled_is_two_tapemarks),
        cmocka_unit_test(create_labelled_like_hetinit),
        cmocka_unit_test(block_on_file_is_one_chunk),
        cmocka_unit_test(roundtrip_aws),
        cmocka_unit_test(roundtrip_het_zlib),
        cmocka_unit_test(roundtrip_het_bzip2),
        cmocka_unit_test(short_buffer_gets_whole_length),
        cmocka_unit_test(space_blocks_and_files),
        cmocka_unit_test(locate_by_block_id),
        cmocka_unit_test(write_in_the_middle_truncates),
        cmocka_unit_test(capacity_early_warning_and_end),
        cmocka_unit_test(torn_tail_partial_header),
        cmocka_unit_test(torn_tail_partial_data),
        cmocka_unit_test(torn_tail_read_only),
        cmocka_unit_test(torn_tail_zeros),
        cmocka_unit_test(torn_tail_missing_last_chunk),
        cmocka_unit_test(killed_writer_keeps_written_blocks),
        cmocka_unit_test(multi_chunk_blocks),
        cmocka_unit_test(broken_header_chain),
        cmocka_unit_test(truncated_file),
        cmocka_unit_test(undecompressible_chunk),
        cmocka_unit_test(not_a_regular_file),
        cmocka_unit_test(mangled_tapes_never_loop),
        cmocka_unit_test(read_only_file_is_write_protected),
        cmocka_unit_test(second_opener_refused),
        cmocka_unit_test(format_from_content_and_name),
        cmocka_unit_test(scan_counts_files_and_blocks),
        cmocka_unit_test(copy_converts_both_ways),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
