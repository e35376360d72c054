// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image layer throughput: volume creation (CKD, CCKD) and track writes and
 * reads (CKD, CCKD zlib/bzip2/none).  Prints numbers only.
 *   bench_img [DIR] [CYLS]     (default: $TMPDIR or /tmp, 1113 = 3390-1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "img/ckdtrack.h"
#include "img/image.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double file_mb(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_size / 1e6 : 0;
}

static int bench_create(const char *path, uint32_t cyls, enum img_format f, enum img_compress c, const char *what)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = f, .compress = c, .linux_null = true,
                                 .lfs = true };
    char err[512];
    unlink(path);
    double t0 = now();
    if (img_create(path, &o, err, sizeof err) < 0) {
        fprintf(stderr, "bench_img: %s\n", err);
        return -1;
    }
    double dt = now() - t0, mb = file_mb(path), vol = cyls * 15.0 * 56832 / 1e6;
    printf("create %-10s %6u cyl  %8.1f MB volume  %8.1f MB on disk  %7.3f s  %8.1f MB/s written  %9.1f MB/s of volume\n",
           what, cyls, vol, mb, dt, mb / dt, vol / dt);
    return 0;
}

/* A Linux data track: 12 x 4 KiB with text-like, compressible content. */
static size_t fill_track(uint8_t *b, uint32_t cyl, uint32_t head, uint32_t seed)
{
    size_t n = ckd_track_null(b, cyl, head, 2);
    static const char words[] = "the quick brown fox jumps over the lazy dog 0123456789 ";
    for (unsigned r = 0; r < 12; r++) {
        uint8_t *d = b + 5 + 16 + r * 4104 + 8;
        for (unsigned i = 0; i < 4096; i++)
            d[i] = (uint8_t)words[(i * 7 + r + seed) % (sizeof words - 1)];
    }
    return n;
}

static int bench_rw(const char *path, uint32_t cyls, const char *what)
{
    char err[512];
    uint8_t *b = malloc(CKD_MAX_TRACK_IMAGE);
    struct img *im = img_open(path, false, err, sizeof err);
    if (!im || !b) {
        fprintf(stderr, "bench_img: %s\n", im ? "out of memory" : err);
        free(b);
        img_close(im);
        return -1;
    }
    uint32_t tracks = cyls * 15;
    double t0 = now();
    for (uint32_t t = 2; t < tracks; t++) {
        size_t n = fill_track(b, t / 15, t % 15, t);
        if (img_write_track(im, t / 15, t % 15, b, n) < 0)
            fprintf(stderr, "bench_img: %s\n", img_error(im));
    }
    img_flush(im);
    double dw = now() - t0;
    t0 = now();
    for (uint32_t t = 2; t < tracks; t++) {
        size_t n;
        if (img_read_track(im, t / 15, t % 15, b, CKD_MAX_TRACK_IMAGE, &n) < 0)
            fprintf(stderr, "bench_img: %s\n", img_error(im));
    }
    double dr = now() - t0, payload = (tracks - 2) * 49152 / 1e6;
    img_close(im);
    printf("tracks %-10s %6u trk  write %8.1f MB/s (%6.0f trk/s)  read %8.1f MB/s (%6.0f trk/s)  file %8.1f MB\n",
           what, tracks - 2, payload / dw, (tracks - 2) / dw, payload / dr, (tracks - 2) / dr, file_mb(path));
    free(b);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    uint32_t cyls = argc > 2 ? (uint32_t)atoi(argv[2]) : 1113;
    char path[4096];
    struct { enum img_format f; enum img_compress c; const char *name, *file; } v[] = {
        { IMG_CKD, IMG_COMP_NONE, "CKD", "bench.3390" },
        { IMG_CCKD, IMG_COMP_ZLIB, "CCKD-zlib", "bench-z.cckd" },
        { IMG_CCKD, IMG_COMP_BZIP2, "CCKD-bzip2", "bench-b.cckd" },
        { IMG_CCKD, IMG_COMP_NONE, "CCKD-none", "bench-n.cckd" },
    };
    int rc = 0;
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, v[i].file);
        /* bzip2 is slow: a tenth of the volume says enough */
        uint32_t n = v[i].c == IMG_COMP_BZIP2 ? (cyls + 9) / 10 : cyls;
        if (bench_create(path, n, v[i].f, v[i].c, v[i].name) < 0 || bench_rw(path, n, v[i].name) < 0)
            rc = 1;
        unlink(path);
    }
    return rc;
}
