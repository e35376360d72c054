// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tape image throughput: block writes and reads of 32 KiB blocks on AWS,
 * HET zlib and HET bzip2 (text-like, compressible data).  Prints numbers
 * only, never asserts.
 *   bench_tape [DIR] [MB]     (default: $TMPDIR or /tmp, 64 MB of blocks)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "img/tape.h"

#define BLOCK (32u * 1024)
#define BLOCKS_PER_FILE 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Text-like data: words picked pseudo-randomly (compresses about 3:1). */
static void fill(uint8_t *b, uint32_t seed)
{
    static const char *const words[] = { "tape ", "block ", "the ", "channel ", "of ", "3490 ", "record ",
                                         "and ", "data ", "file ", "mark ", "to ", "volume ", "a ", "end ", "x" };
    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < BLOCK;) {
        x = x * 1103515245u + 12345u;
        for (const char *w = words[(x >> 16) % 16]; *w && i < BLOCK; w++)
            b[i++] = (uint8_t)*w;
    }
}

static int bench(const char *dir, uint32_t blocks, const char *name, enum tape_format f, enum tape_comp c)
{
    static uint8_t buf[BLOCK], rbuf[BLOCK];
    char path[4096], err[512];
    /* the suffix: an unlabelled HET tape holds no compressed block yet */
    snprintf(path, sizeof path, "%s/bench_tape_%s.%s", dir, name, f == TAPE_HET ? "het" : "aws");
    struct tape_create_opts co = { .format = f, .comp = c };
    struct tape_open_opts oo = { .comp = c, .capacity = UINT64_MAX / 2 };
    struct tape *t = tape_create(path, &co, err, sizeof err) < 0 ? NULL : tape_open(path, &oo, err, sizeof err);
    if (!t) {
        fprintf(stderr, "bench_tape: %s\n", err);
        return -1;
    }
    double t0 = now();
    for (uint32_t i = 0; i < blocks; i++) {
        fill(buf, i);
        if (tape_write_block(t, buf, BLOCK) < 0 ||
            ((i + 1) % BLOCKS_PER_FILE == 0 && tape_write_tapemark(t) < 0)) {
            fprintf(stderr, "bench_tape: %s\n", tape_error(t));
            tape_close(t, NULL, 0);
            return -1;
        }
    }
    tape_sync(t);
    double tw = now() - t0, mb = (double)blocks * BLOCK / 1e6, disk = tape_used_bytes(t) / 1e6;
    tape_rewind(t);
    t0 = now();
    uint32_t len, got = 0;
    for (int rc = TAPE_OK; rc == TAPE_OK || rc == TAPE_TAPEMARK;) {
        rc = tape_read_block(t, rbuf, sizeof rbuf, &len);
        got += rc == TAPE_OK;
    }
    double tr = now() - t0;
    tape_close(t, NULL, 0);
    unlink(path);
    printf("tape %-10s %6u x 32 KiB  %8.1f MB data  %8.1f MB on disk  write %8.1f MB/s  read %8.1f MB/s%s\n",
           name, blocks, mb, disk, mb / tw, mb / tr, got == blocks ? "" : "  (READ COUNT DIFFERS)");
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    uint32_t mb = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 64;
    uint32_t blocks = (uint32_t)((uint64_t)mb * 1000000 / BLOCK);
    int rc = bench(dir, blocks, "aws", TAPE_AWS, TAPE_COMP_NONE);
    rc |= bench(dir, blocks, "het-zlib", TAPE_HET, TAPE_COMP_ZLIB);
    rc |= bench(dir, blocks, "het-bzip2", TAPE_HET, TAPE_COMP_BZIP2);
    return rc ? 1 : 0;
}
