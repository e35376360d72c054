// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a guest's fdasd + mke2fs leave on a --linux volume, written through
 * the image layer into an existing volume (a file or an rbd: name): an F1
 * DSCB for partition 1 on tracks 2 .. last and an ext2 file system in it
 * holding the file "hello" with the given text.
 *
 *   guest_write VOLUME TEXT WORKDIR      exit 0, or 1 with a message
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/vtoc.h"

#define BLOCK 4096
#define BLOCKS_PER_TRACK 12
#define F1_RECORD 3               /* DSCB record on track 1 fdasd uses for partition 1 */
#define DSCB_FMT_ID 44
#define DSCB_VOLSER 45
#define DSCB_EXTENT 105

static uint8_t trk[CKD_MAX_TRACK_IMAGE];

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "guest_write: %s: %s\n", what, why);
    return 1;
}

/* Track (cyl, head) as 12 records of 4 KiB from src. */
static size_t data_track(uint32_t cyl, uint32_t head, const uint8_t *src)
{
    size_t n = ckd_track_null(trk, cyl, head, 2);
    for (unsigned r = 0; r < BLOCKS_PER_TRACK; r++)
        memcpy(trk + CKD_HA_SIZE + 16 + r * (CKD_COUNT_SIZE + BLOCK) + CKD_COUNT_SIZE, src + r * BLOCK, BLOCK);
    return n;
}

static int write_f1(struct img *im, uint32_t cyls)
{
    size_t len;
    struct ckd_track t;
    const char *why = "";
    if (img_read_track(im, 0, 1, trk, sizeof trk, &len) < 0 || ckd_track_parse(trk, len, &t, &why) < 0 ||
        t.nrecs <= F1_RECORD)
        return fail("track 1", why[0] ? why : "no VTOC (create the volume with --linux)");
    uint8_t *d = trk + t.rec[F1_RECORD].off + CKD_COUNT_SIZE;
    memset(d, 0, DSCB_SIZE);
    ebcdic_put(d, "LINUX.VLNX001.PART0001.NATIVE", DSCB_KEY_LEN);
    d[DSCB_FMT_ID] = 0xF1;
    ebcdic_put(d + DSCB_VOLSER, "LNX001", 6);
    uint8_t *x = d + DSCB_EXTENT;
    x[0] = 0x01;
    be16_put(x + 2, 0);
    be16_put(x + 4, 2);
    be16_put(x + 6, (uint16_t)(cyls - 1));
    be16_put(x + 8, 14);
    return img_write_track(im, 0, 1, trk, len) < 0 ? fail("track 1", img_error(im)) : 0;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return fail("usage", "guest_write VOLUME TEXT WORKDIR");
    char err[512], cmd[4096];
    struct img *im = img_open(argv[1], false, err, sizeof err);
    if (!im)
        return fail("open", err);
    uint32_t cyls = img_geometry(im)->cyls, tracks = cyls * 15;
    uint64_t nblk = (uint64_t)(tracks - 2) * BLOCKS_PER_TRACK;
    snprintf(cmd, sizeof cmd, "cd '%s' && rm -f fs.img && mke2fs -q -F -b 4096 fs.img %llu >/dev/null 2>&1 && "
             "printf '%%s\\n' '%s' > hello.txt && debugfs -w -R 'write hello.txt hello' fs.img >/dev/null 2>&1",
             argv[3], (unsigned long long)nblk, argv[2]);
    if (system(cmd) != 0)
        return fail("mke2fs", cmd);
    snprintf(cmd, sizeof cmd, "%s/fs.img", argv[3]);
    FILE *f = fopen(cmd, "rb");
    uint8_t *fs = malloc(nblk * BLOCK);
    if (!f || !fs || fread(fs, BLOCK, nblk, f) != nblk)
        return fail(cmd, "cannot read the file system");
    fclose(f);
    int rc = write_f1(im, cyls);
    for (uint32_t t = 2; rc == 0 && t < tracks; t++) {
        size_t n = data_track(t / 15, t % 15, fs + (uint64_t)(t - 2) * BLOCKS_PER_TRACK * BLOCK);
        if (img_write_track(im, t / 15, t % 15, trk, n) < 0)
            rc = fail("write", img_error(im));
    }
    free(fs);
    if (img_close_err(im, err, sizeof err) < 0)
        rc = fail("close", err);
    return rc;
}
