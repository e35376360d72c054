/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzzing the channel-program interpreter: one input = ORB flags + a 64 KiB
 * flat storage image holding a channel program at address 0; a device whose
 * answers are derived from the command code.  Shared by the libFuzzer targets
 * (tests/fuzz/: fuzz_interp with this device, fuzz_eckd with the 3390) and
 * the deterministic smoke test.
 */
#ifndef CCWPASS_TESTS_CHAN_FUZZ_INTERP_H
#define CCWPASS_TESTS_CHAN_FUZZ_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include "chan/chan.h"

#define FUZZ_MEM_SIZE 65536u

struct fuzz_outcome {
    enum chan_state state;
    struct chan_status status;
    unsigned calls, resumes;
    uint32_t max_count;   /* largest count the device was given */
};

/* The command-derived device: length and status follow from the command
 * code, so runs are repeatable; counts what it was asked for in *out. */
struct fuzz_dev {
    struct ccw_dev dev;
    struct fuzz_outcome *out;
};

/**
 * fuzz_dev_init() - set up the command-derived device
 * @d:   the device
 * @out: where it counts calls and the largest count it was given
 */
void fuzz_dev_init(struct fuzz_dev *d, struct fuzz_outcome *out);

/**
 * fuzz_interp_run() - run one input on the built-in command-derived device
 * @data: data[0] ORB flags (format, 64-bit IDAWs, 2K IDA, suspend, ILS,
 *        key), data[1] bit 0 PCI hook, data[2] bit 0 protected page; the
 *        whole input is also the storage image, channel program at 8
 * @size: input length
 * @out:  outcome (cleared first)
 *
 * Return: 0, or -1 if the interpreter could not be set up.
 */
int fuzz_interp_run(const uint8_t *data, size_t size, struct fuzz_outcome *out);

/**
 * fuzz_chan_run() - run one input (same layout) on a caller's device
 * @data: see fuzz_interp_run()
 * @size: input length
 * @dev:  the device the program talks to
 * @out:  outcome: state, status, resumes (the caller clears it)
 *
 * A suspended program is resumed up to four times with its S flag removed.
 * Return: 0, or -1 if the interpreter could not be set up.
 */
int fuzz_chan_run(const uint8_t *data, size_t size, struct ccw_dev *dev, struct fuzz_outcome *out);

#endif
