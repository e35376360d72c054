/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test fixture of the 3490 tape drive: an AWSTAPE image in a temporary
 * directory, the drive with that cartridge loaded, and the channel address
 * space of the ECKD fixture (dfx.h: dfx_begin/dfx_ccw/dfx_run lay out and
 * run programs through the real interpreter, fetching sense after a unit
 * check the way vfio-ccw does).  tfx_aws() reads the image file back
 * independently of the image layer, to check what landed on it.
 */
#ifndef CCWPASS_TESTS_DEV_TFX_H
#define CCWPASS_TESTS_DEV_TFX_H

#include <stdbool.h>
#include <stdint.h>
#include "dfx.h"
#include "dev/tape3490.h"
#include "img/tape.h"

#define TFX_DEVNO 0x0580

struct tfx {
    struct dfx x;               /* program layout and run (dev = the drive) */
    char dir[64], path[128];
    uint8_t attn[8];            /* unsolicited status the drive asked for */
    unsigned nattn;
    bool attn_loaded;           /* the drive was loaded when it asked */
};

struct tfx_opts {
    bool readonly;
    bool empty;                 /* no cartridge loaded */
    uint64_t capacity;          /* 0: default */
    uint32_t eot_margin;
};

struct tfx *tfx_new(const struct tfx_opts *o);
void tfx_free(struct tfx *f);
/* Open the fixture's image and load it into the drive; -errno of load. */
int tfx_load(struct tfx *f, const struct tfx_opts *o);

/* One element of the image file, as AWSTAPE stores it. */
struct tfx_elem {
    bool tapemark;
    uint32_t len;               /* data bytes of a block */
    uint64_t off;               /* of its first header */
};
/* Parse the image file; returns the number of elements (at most max), or
 * -1 if the header chain is broken.  data (may be NULL) gets block i's bytes
 * concatenated in order. */
int tfx_aws(const struct tfx *f, struct tfx_elem *e, int max);
/* The bytes of block `idx` (an element index) of the image, into buf. */
uint32_t tfx_aws_block(const struct tfx *f, int idx, uint8_t *buf, uint32_t cap);

/* Single-command programs and small chains, as the tests use them. */
unsigned tfx_single(struct tfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data);
/* A zero-count CCW whose data address is its own (Linux's tape_ccw_repeat). */
unsigned tfx_zero(struct tfx *f, uint8_t cmd, uint8_t flags);
/* Fill `n` bytes with the pattern of block `seed`. */
void tfx_pattern(uint8_t *buf, uint32_t n, unsigned seed);

#endif
