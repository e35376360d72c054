/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the libFuzzer targets of tests/fuzz/: a private scratch
 * directory (on tmpfs when there is one), a hard failure that libFuzzer
 * reports as a crash with the offending input, and a file-descriptor leak
 * probe.
 */
#ifndef CCWPASS_TESTS_FUZZ_FUZZ_UTIL_H
#define CCWPASS_TESTS_FUZZ_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/**
 * fuzz_scratch_dir() - a directory of this process for image files
 *
 * Created on first use under /dev/shm (or $TMPDIR, or /tmp) and removed at
 * exit.  Return: its path; aborts if it cannot be created.
 */
const char *fuzz_scratch_dir(void);

/**
 * fuzz_fail() - report a broken invariant and abort (libFuzzer saves the input)
 * @fmt: printf format of the reason
 */
__attribute__((format(printf, 1, 2), noreturn)) void fuzz_fail(const char *fmt, ...);

/**
 * fuzz_lowest_free_fd() - the number the next open() would get
 *
 * Compared before and after an input, it shows whether the input leaked a
 * file descriptor.  Return: that number.
 */
int fuzz_lowest_free_fd(void);

#endif
