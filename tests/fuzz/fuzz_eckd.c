// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the 3390 ECKD device (src/dev/) under the channel-program
 * interpreter, on a one-cylinder CDL-shaped CKD image on tmpfs that is put
 * back to its pristine bytes before every input.
 *
 * Input: the layout of tests/chan/fuzz_interp.h (ORB flags, PCI, a protected
 * page; the input is the 64 KiB storage image with the channel program at
 * 8), plus byte 3 bit 0: open the volume read-only.
 * Invariants: every program ends; afterwards the image still opens and every
 * track of it still parses (img_check finds no damage) -- whatever the
 * program wrote went through the device's own checks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_util.h"
#include "../chan/fuzz_interp.h"
#include "dev/eckd.h"
#include "img/image.h"

#define VOL_CYLS      1
#define RO_BYTE       3
#define RO_BIT        0x01

static char path[300];
static uint8_t *pristine;
static size_t pristine_len;

static void quiet(void *opaque, bool error, const char *msg)
{
    (void)opaque;
    (void)error;
    (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = VOL_CYLS, .format = IMG_CKD,
                                 .linux_null = true, .volser = "FUZZ01" };
    char err[512];
    int fd;

    snprintf(path, sizeof(path), "%s/eckd.3390", fuzz_scratch_dir());
    if (img_create(path, &o, err, sizeof(err)) < 0)
        fuzz_fail("%s", err);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fuzz_fail("cannot open %s", path);
    pristine_len = (size_t)lseek(fd, 0, SEEK_END);
    pristine = malloc(pristine_len);
    if (!pristine || pread(fd, pristine, pristine_len, 0) != (ssize_t)pristine_len)
        fuzz_fail("cannot read %s", path);
    close(fd);
    return 0;
}

static void restore_image(void)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || pwrite(fd, pristine, pristine_len, 0) != (ssize_t)pristine_len)
        fuzz_fail("cannot restore %s", path);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct eckd_config cfg = { .devno = 0x7e52, .unit_addr = 0x52, .ssid = 0x0100 };
    struct fuzz_outcome out;
    struct ccw_dev *dev;
    struct img *im;
    char err[512];
    long bad;

    cfg.readonly = size > RO_BYTE && (data[RO_BYTE] & RO_BIT);
    restore_image();
    im = img_open(path, cfg.readonly, err, sizeof(err));
    if (!im)
        fuzz_fail("%s", err);
    dev = eckd_new(im, &cfg, err, sizeof(err));
    if (!dev)
        fuzz_fail("%s", err);
    memset(&out, 0, sizeof(out));
    if (fuzz_chan_run(data, size, dev, &out) != 0)
        fuzz_fail("the interpreter refused a well-formed ORB");
    if (out.state != CHAN_DONE && !(out.state == CHAN_SUSPENDED && out.resumes == 4))
        fuzz_fail("program neither ended nor stayed suspended (state %d)", out.state);
    dev->ops->destroy(dev);
    img_close(im);
    im = img_open(path, true, err, sizeof(err));
    if (!im)
        fuzz_fail("the volume no longer opens: %s", err);
    bad = img_check(im, false, quiet, NULL);
    img_close(im);
    if (bad != 0)
        fuzz_fail("img_check found %ld damaged track(s) after the program", bad);
    return 0;
}
