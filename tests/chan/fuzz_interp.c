/* libFuzzer entry point for the interpreter (built with -Dfuzz=true, clang). */
#include "fuzz_interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_outcome out;
    fuzz_interp_run(data, size, &out);
    return 0;
}
