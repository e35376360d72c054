// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the libFuzzer targets (fuzz_util.h). */
#include "fuzz_util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char scratch[256];

static void remove_scratch(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", scratch);
}

const char *fuzz_scratch_dir(void)
{
    const char *base = getenv("TMPDIR");

    if (scratch[0])
        return scratch;
    if (access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    else if (!base)
        base = "/tmp";
    snprintf(scratch, sizeof(scratch), "%s/ccwpass-fuzz-XXXXXX", base);
    if (!mkdtemp(scratch)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_scratch);
    return scratch;
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "fuzz: invariant broken: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

int fuzz_lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    if (fd >= 0)
        close(fd);
    return fd;
}
