/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test fixture for the channel-program interpreter: a 1 MiB flat channel
 * address space, CCW/IDAW builders, and a scripted device that records every
 * command it receives and answers from a table of responses.
 */
#ifndef CCWPASS_TESTS_CHAN_FIXTURE_H
#define CCWPASS_TESTS_CHAN_FIXTURE_H

#include <stdint.h>
#include <stdbool.h>
#include "chan/chan.h"

#define FX_MEM_SIZE  (1u << 20)
#define FX_MAX_CALLS 32
#define FX_REC_BYTES 256

/* What the device answers to the n-th command (unset entries: the whole
 * count, CE+DE). For input commands the device produces `len` bytes of the
 * pattern fx_pattern(i) (or `data` when given). */
struct fx_resp {
    bool     set;
    uint32_t len;
    uint8_t  unitstat;
    const uint8_t *data;
};

struct fx_call {
    uint8_t  code, flags, prev_code;
    bool     chained;
    uint32_t seq, count;
    uint8_t  data[FX_REC_BYTES]; /* first bytes of the buffer (output commands) */
};

struct fx_dev {
    struct ccw_dev dev;
    struct fx_resp script[FX_MAX_CALLS];
    struct fx_call calls[FX_MAX_CALLS];
    unsigned ncalls, starts, ends;
};

struct fx {
    uint8_t *mem;
    struct chan_flatmem fm;
    struct chan_mem cm;
    struct fx_dev dev;
    struct orb orb;
    struct chan_prog p;
    struct chan_hooks hooks;
    unsigned npci;
    struct chan_status pci[8];
};

static inline uint8_t fx_pattern(uint32_t i) { return (uint8_t)(i * 7 + 1); }

struct fx *fx_new(bool fmt1);
void fx_free(struct fx *f);
void fx_ccw1(struct fx *f, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
void fx_ccw0(struct fx *f, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
void fx_idaw1(struct fx *f, uint64_t at, uint32_t addr);
void fx_idaw2(struct fx *f, uint64_t at, uint64_t addr);
void fx_respond(struct fx *f, unsigned n, uint32_t len, uint8_t unitstat);
/* chan_prog_init + chan_run with f->orb and f->hooks. */
enum chan_state fx_run(struct fx *f);

#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

#endif
