// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Track I/O on a volume in Ceph RBD as the ECKD device does it
 * (docs/ceph.md "Pipelined track writes and read-ahead: measured"): in
 * "programs" of 21 tracks (a dasdfmt request), each track read and then
 * written (the device loads a track before it changes it), the program
 * ended by img_flush(); then every track read in order, in programs of 18
 * tracks (a 1 MiB read).  The volume VOLUME (an rbd: name; it is replaced)
 * gets CYLS cylinders.  Prints tracks/s only.
 *   bench_rbd VOLUME [CYLS]        (default 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "img/ckdtrack.h"
#include "img/image.h"

#define HEADS 15
#define FMT_PROGRAM 21          /* tracks per dasdfmt request (255 / 12 records) */
#define READ_PROGRAM 18         /* tracks of a 1 MiB read */
#define BLOCK 4096
#define RPT 12                  /* 4 KiB records per track */

static uint8_t trk[CKD_MAX_TRACK_IMAGE];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(struct img *im, const char *what)
{
    fprintf(stderr, "bench_rbd: %s: %s\n", what, img_error(im));
    img_close(im);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_rbd VOLUME [CYLS]\n");
        return 2;
    }
    uint32_t cyls = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 20, ntrk = cyls * HEADS;
    char err[512];
    struct img_create_opts co = { .devtype = 0x3390, .cyls = cyls, .volser = "BENCH3" };
    if (img_create(argv[1], &co, err, sizeof err) < 0) {
        fprintf(stderr, "bench_rbd: %s\n", err);
        return 1;
    }
    struct img *im = img_open(argv[1], false, err, sizeof err);
    if (!im) {
        fprintf(stderr, "bench_rbd: %s\n", err);
        return 1;
    }
    double t0 = now();
    for (uint32_t t = 1; t < ntrk; t++) {
        size_t len;
        if (img_read_track(im, t / HEADS, t % HEADS, trk, sizeof trk, &len) < 0)
            return fail(im, "load");
        len = ckd_track_null(trk, t / HEADS, t % HEADS, 2);     /* 12 x 4 KiB, as dasdfmt -b 4096 */
        for (unsigned r = 0; r < RPT; r++)
            memset(trk + CKD_HA_SIZE + 16 + r * (CKD_COUNT_SIZE + BLOCK) + CKD_COUNT_SIZE, (int)(t + r), BLOCK);
        if (img_write_track(im, t / HEADS, t % HEADS, trk, len) < 0)
            return fail(im, "store");
        if (t % FMT_PROGRAM == 0 && img_flush(im) < 0)
            return fail(im, "end of program");
    }
    if (img_flush(im) < 0)
        return fail(im, "end of program");
    double fmt = (ntrk - 1) / (now() - t0);
    t0 = now();
    for (uint32_t t = 1; t < ntrk; t++) {
        size_t len;
        if (img_read_track(im, t / HEADS, t % HEADS, trk, sizeof trk, &len) < 0)
            return fail(im, "read");
        if (t % READ_PROGRAM == 0 && img_flush(im) < 0)
            return fail(im, "end of program");
    }
    double rd = (ntrk - 1) / (now() - t0);
    printf("rbd load+store, programs of %d tracks: %8.0f tracks/s\n", FMT_PROGRAM, fmt);
    printf("rbd read in order, programs of %d tracks: %8.0f tracks/s\n", READ_PROGRAM, rd);
    if (img_close_err(im, err, sizeof err) < 0) {
        fprintf(stderr, "bench_rbd: %s\n", err);
        return 1;
    }
    return 0;
}
