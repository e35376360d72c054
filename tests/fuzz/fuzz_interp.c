// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the channel-program interpreter (src/chan/interp*.c)
 * with a device whose answers follow from the command code.  Input layout:
 * tests/chan/fuzz_interp.h.  Invariants: every program ends (done, or still
 * suspended after four resumes), the device is never offered more than one
 * channel buffer, and a program that ends without a program or protection
 * check ends with channel end.
 */
#include "fuzz_util.h"
#include "../chan/fuzz_interp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_outcome out;

    if (fuzz_interp_run(data, size, &out) != 0)
        fuzz_fail("the interpreter refused a well-formed ORB");
    if (out.state != CHAN_DONE && !(out.state == CHAN_SUSPENDED && out.resumes == 4))
        fuzz_fail("program neither ended nor stayed suspended (state %d)", out.state);
    if (out.max_count > CHAN_IOBUF_SIZE)
        fuzz_fail("device offered %u bytes, more than a channel buffer", out.max_count);
    if (out.state == CHAN_DONE && !(out.status.cstat & (SCHN_STAT_PROG_CHECK | SCHN_STAT_PROT_CHECK)) &&
        !(out.status.dstat & DEV_STAT_CHN_END))
        fuzz_fail("clean end without channel end (dstat %#x)", out.status.dstat);
    return 0;
}
