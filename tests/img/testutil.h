/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers of the img tests: a private temp directory per test run. */
#ifndef CCWPASS_TESTS_IMG_TESTUTIL_H
#define CCWPASS_TESTS_IMG_TESTUTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tu_dir[256];

static inline const char *tu_tmpdir(void)
{
    if (!tu_dir[0]) {
        snprintf(tu_dir, sizeof tu_dir, "%s/ccwpass-img-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(tu_dir))
            abort();
    }
    return tu_dir;
}

static inline char *tu_path(const char *name)
{
    static char buf[8][512];
    static unsigned n;
    char *p = buf[n++ % 8];
    snprintf(p, 512, "%s/%s", tu_tmpdir(), name);
    return p;
}

static inline int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int tu_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Hercules 3.13's dasdcopy sometimes dies of SIGSEGV or SIGABRT on a busy
 * machine, whatever the image: 8 of 100 runs, two at a time, on an image of
 * its own dasdinit.  tu_dasdcopy runs "dasdcopy OPTS IN OUT" again, output
 * removed, when the tool was killed by a signal (the shell's status 128 +
 * signal), at most TU_DASDCOPY_TRIES times in all; an exit status of its
 * own, its verdict, is returned at once. */
#define TU_DASDCOPY_TRIES 3
#define TU_SHELL_SIGNALLED 128
static inline int tu_dasdcopy(const char *opts, const char *in, const char *out)
{
    int rc = -1;
    for (unsigned i = 0; i < TU_DASDCOPY_TRIES; i++) {
        unlink(out);
        rc = tu_sh("env -u MALLOC_PERTURB_ dasdcopy %s '%s' '%s' >/dev/null 2>&1", opts, in, out);
        if (rc >= 0 && rc < TU_SHELL_SIGNALLED)
            break;
    }
    return rc;
}

static inline void tu_cleanup(void)
{
    if (tu_dir[0]) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tu_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", tu_dir);
    }
}

#endif
