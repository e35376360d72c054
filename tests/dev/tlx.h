/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel programs as Linux 6.1's tape_34xx/tape_std build them for a 3490
 * (docs/tape.md "## The 3490 device"), laid out in a tfx fixture, and a model of
 * tape_34xx's interrupt and unit-check handling (tape_34xx_irq,
 * tape_34xx_unit_check) that turns the device's status and sense into what
 * the guest's process sees: a byte count, 1 for a crossed tapemark on
 * fsr/bsr, or -errno.  A result Linux would retry (it retries forever) fails
 * the test.
 */
#ifndef CCWPASS_TESTS_DEV_TLX_H
#define CCWPASS_TESTS_DEV_TLX_H

#include <stdbool.h>
#include <stdint.h>
#include "tfx.h"

/* tape_34xx request operations (tape.h TO_*) that matter to the decisions */
enum tlx_op {
    TLX_READ, TLX_WRITE, TLX_WTM, TLX_DSE, TLX_FSF, TLX_BSF, TLX_FSB, TLX_BSB, TLX_REW,
    TLX_RUN, TLX_LOCATE, TLX_RBI, TLX_NOP, TLX_ASSIGN, TLX_UNASSIGN, TLX_DISPLAY, TLX_MSEN,
};
#define TLX_RETRY 1000          /* tape_34xx would restart the program */
#define TLX_MS_LOADED   1
#define TLX_MS_UNLOADED 2

/* What tape_34xx makes of the last program's status and sense; *ms is set
 * when the medium state changes (else left alone). */
int tlx_decide(enum tlx_op op, uint8_t dstat, const uint8_t *sense, int *ms);

/* Each runs one Linux request through the drive and returns the result the
 * process sees (tlx_decide + the driver's use of the residual count). */
int tlx_online(struct tfx *f);                      /* medium state */
int tlx_offline(struct tfx *f);                     /* Unassign + NOP */
int tlx_write(struct tfx *f, const uint8_t *buf, uint32_t n, uint8_t modeset);
int tlx_read(struct tfx *f, uint8_t *buf, uint32_t count);
int tlx_weof(struct tfx *f, unsigned n);
int tlx_rewind(struct tfx *f);
int tlx_fsf(struct tfx *f, unsigned n);
int tlx_bsf(struct tfx *f, unsigned n);             /* MTBSF: BSF n, then FSR 1 */
int tlx_fsr(struct tfx *f, unsigned n);
int tlx_bsr(struct tfx *f, unsigned n);
int tlx_tell(struct tfx *f);                        /* block number, or -errno */
int tlx_seek(struct tfx *f, uint32_t block, uint8_t modeset);
int tlx_unload(struct tfx *f);                      /* MTOFFL */
int tlx_retension(struct tfx *f);                   /* rc of the loop (ignored by Linux) */
int tlx_erase(struct tfx *f);
int tlx_eom(struct tfx *f);
int tlx_nop(struct tfx *f);
/* The medium state the replay tracks (online sets it; 0x85, RUN, ERA 0x43 change it). */
extern int tlx_medium_state;

#endif
