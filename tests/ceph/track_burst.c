// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What one channel program's track writes do to a volume, through the
 * image layer (a file or an rbd: name, made with --linux): COUNT tracks
 * from track number FIRST written back to back, as a dasdfmt or a 1 MiB
 * write does, each read back at once (it must read as written, even with
 * its write still in flight), some written twice in a row (the second
 * wins) and some back to the null track; then img_flush() as at program
 * end.  The tracks' contents depend only on SEED, so the same run on a
 * file and on RBD must leave byte-identical volumes.
 *
 *   track_burst VOLUME FIRST COUNT SEED          exit 0, or 1 with a message
 *   track_burst VOLUME FIRST COUNT SEED --hold   the same, then prints
 *       "flushed", waits for a line on stdin and writes a second burst
 *       (no reads) before flushing: the first error of either is printed
 *       as the image layer gives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "img/ckdtrack.h"
#include "img/image.h"

#define BLOCK 4096
#define BLOCKS_PER_TRACK 12         /* 4 KiB records of a linux-formatted 3390 track */
#define NULL_EVERY 5                /* every 5th track goes back to the null track */
#define TWICE_EVERY 7               /* every 7th is written twice in a row */
#define SECOND_BURST_SEED 1000

static uint8_t trk[CKD_MAX_TRACK_IMAGE], back[CKD_MAX_TRACK_IMAGE];

static int fail(struct img *im, const char *what)
{
    fprintf(stderr, "track_burst: %s: %s\n", what, im ? img_error(im) : "");
    img_close(im);
    return 1;
}

/* Track number n: linux null track, or 12 records of a pattern of (seed, n). */
static size_t make_track(struct img *im, unsigned n, unsigned seed, uint32_t *cyl, uint32_t *head)
{
    uint32_t heads = img_geometry(im)->heads;
    *cyl = n / heads;
    *head = n % heads;
    size_t len = ckd_track_null(trk, *cyl, *head, 2);
    if ((n + seed) % NULL_EVERY == NULL_EVERY - 1)
        return len;
    for (unsigned r = 0; r < BLOCKS_PER_TRACK; r++) {
        uint8_t *d = trk + CKD_HA_SIZE + 16 + r * (CKD_COUNT_SIZE + BLOCK) + CKD_COUNT_SIZE;
        for (unsigned i = 0; i < BLOCK; i++)
            d[i] = (uint8_t)(seed * 31 + n * 7 + r * 3 + i);
    }
    return len;
}

static int burst(struct img *im, unsigned first, unsigned count, unsigned seed, bool verify)
{
    for (unsigned n = first; n < first + count; n++) {
        uint32_t cyl, head;
        size_t len, blen;
        if (n % TWICE_EVERY == 0) {         /* an older version first: the later write must win */
            len = make_track(im, n, seed + 1, &cyl, &head);
            if (img_write_track(im, cyl, head, trk, len) < 0)
                return -1;
        }
        len = make_track(im, n, seed, &cyl, &head);
        if (img_write_track(im, cyl, head, trk, len) < 0)
            return -1;
        if (!verify)
            continue;
        if (img_read_track(im, cyl, head, back, sizeof back, &blen) < 0)
            return -1;
        if (blen != len || memcmp(back, trk, len) != 0) {
            fprintf(stderr, "track_burst: track cyl %u head %u read right after its write differs\n", cyl, head);
            return -2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "--hold") != 0)) {
        fprintf(stderr, "usage: track_burst VOLUME FIRST COUNT SEED [--hold]\n");
        return 2;
    }
    unsigned first = (unsigned)strtoul(argv[2], NULL, 0), count = (unsigned)strtoul(argv[3], NULL, 0);
    unsigned seed = (unsigned)strtoul(argv[4], NULL, 0);
    char err[512];
    struct img *im = img_open(argv[1], false, err, sizeof err);
    if (!im) {
        fprintf(stderr, "track_burst: %s\n", err);
        return 1;
    }
    int rc = burst(im, first, count, seed, true);
    if (rc == -2) {
        img_close(im);
        return 1;
    }
    if (rc < 0)
        return fail(im, "burst");
    if (img_flush(im) < 0)
        return fail(im, "flush");
    if (argc == 6) {
        char line[16];
        printf("flushed\n");
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin))
            return fail(NULL, "no go line on stdin");
        if (burst(im, first, count, seed + SECOND_BURST_SEED, false) < 0)
            return fail(im, "second burst");
        if (img_flush(im) < 0)
            return fail(im, "second flush");
    }
    if (img_close_err(im, err, sizeof err) < 0) {
        fprintf(stderr, "track_burst: close: %s\n", err);
        return 1;
    }
    printf("wrote %u tracks from track %u\n", count, first);
    return 0;
}
