/*
 * Fuzzing the channel-program interpreter: one input = ORB flags + a 64 KiB
 * flat storage image holding a channel program at address 0; a device whose
 * answers are derived from the command code.  Shared by the libFuzzer target
 * (fuzz_interp.c, -Dfuzz=true with clang) and the deterministic smoke test.
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

/* Runs the program described by data[0..size); returns 0, or -1 if the
 * interpreter could not be set up. */
int fuzz_interp_run(const uint8_t *data, size_t size, struct fuzz_outcome *out);

#endif
