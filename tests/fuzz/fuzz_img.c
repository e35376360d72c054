// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the image layer (src/img/) on fuzz-controlled file
 * bytes.  The input, less its first byte, becomes the image file; the file
 * is opened as a CKD or CCKD volume, its first tracks are read, some are
 * rewritten, the volume is checked and its VTOC read.
 *
 * Byte 0: bit 0 open read-only; bit 1 pad the file to a whole number of
 * cylinders of the geometry its CKD header claims (at most PAD_MAX), so a
 * small input can stand for an uncompressed volume.
 * Invariants: no crash, leak or hang; every refusal and every per-track
 * error names the file; a track written and read back is the same bytes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_util.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/vtoc.h"

#define MODE_RO     0x01
#define MODE_PAD    0x02
#define HDR_HEADS   8        /* CKD device header: heads, then track size (LE) */
#define HDR_TRKSIZE 12
#define PAD_MAX     (8u << 20)
#define MAX_CYLS    4
#define MAX_HEADS   15       /* a 3390 cylinder */
#define WRITE_HEAD  7

static char path[300];
static const char *base = "fz.cckd";
static uint8_t buf[CKD_MAX_TRACK_IMAGE];
static uint8_t back[CKD_MAX_TRACK_IMAGE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(path, sizeof(path), "%s/%s", fuzz_scratch_dir(), base);
    return 0;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void write_file(const uint8_t *data, size_t size, bool pad)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        fuzz_fail("cannot write %s", path);
    if (pad && size >= CKD_DEVHDR_SIZE) {
        uint64_t cyl = (uint64_t)le32(data + HDR_HEADS) * le32(data + HDR_TRKSIZE);
        uint64_t body = size - CKD_DEVHDR_SIZE;
        if (cyl && cyl <= PAD_MAX) {
            uint64_t want = CKD_DEVHDR_SIZE + (body + cyl - 1) / cyl * cyl;
            if (want == CKD_DEVHDR_SIZE)
                want += cyl;
            if (want <= PAD_MAX && ftruncate(fd, (off_t)want) != 0)
                fuzz_fail("cannot pad %s", path);
        }
    }
    close(fd);
}

static void quiet(void *opaque, bool error, const char *msg)
{
    (void)opaque;
    (void)error;
    (void)msg;
}

static void need_name(const char *what, const char *msg)
{
    if (!strstr(msg, base))
        fuzz_fail("%s without the file name: %s", what, msg);
}

static void exercise(bool readonly)
{
    char err[512];
    struct img *im = img_open(path, readonly, err, sizeof(err));
    const struct img_geometry *g;
    struct vtoc_info vi;

    if (!im) {
        need_name("refusal", err);
        return;
    }
    g = img_geometry(im);
    for (uint32_t c = 0; c < g->cyls && c < MAX_CYLS; c++)
        for (uint32_t h = 0; h < g->heads && h < MAX_HEADS; h++) {
            size_t len;
            if (img_read_track(im, c, h, buf, sizeof(buf), &len) < 0)
                need_name("read error", img_error(im));
            if (readonly || h != WRITE_HEAD)
                continue;
            size_t n = ckd_track_null(buf, c, h, 1);
            if (img_write_track(im, c, h, buf, n) < 0) {
                need_name("write error", img_error(im));
                continue;
            }
            if (img_read_track(im, c, h, back, sizeof(back), &len) == 0 && (len != n || memcmp(buf, back, n)))
                fuzz_fail("track %u/%u read back differs from what was written", c, h);
        }
    img_check(im, false, quiet, NULL);
    vtoc_read(im, &vi, err, sizeof(err));
    img_close(im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    write_file(data + 1, size - 1, data[0] & MODE_PAD);
    exercise(data[0] & MODE_RO);
    return 0;
}
