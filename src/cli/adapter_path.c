// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding ccwpass-qemu.so from the program that preloads it (`ccwpass qemu`,
 * ccwpass-qemu-system-s390x): in the build tree or the install tree next to
 * the running binary.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/adapter_path.h"

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#else
#define MULTIARCH "."
#endif

static bool is_file(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISREG(st.st_mode);
}

int cli_find_adapter(char *out, size_t outsz)
{
    static const char *const rel[] = {
        "../qemu/ccwpass-qemu.so",                      /* build/src/cli → build/src/qemu */
        "../lib/" MULTIARCH "/ccwpass/ccwpass-qemu.so",  /* /usr/bin → /usr/lib/<multiarch> */
        "../lib64/ccwpass/ccwpass-qemu.so",
        "../lib/ccwpass/ccwpass-qemu.so",
    };
    const char *env = getenv("CCWPASS_ADAPTER");
    char exe[PATH_MAX - 64];
    ssize_t n;

    if (env && *env) {
        snprintf(out, outsz, "%s", env);
        return is_file(out) ? 0 : -1;
    }
    if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
        return -1;
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", exe, rel[i]) < sizeof path && is_file(path) &&
            realpath(path, out) && strlen(out) < outsz)
            return 0;
    }
    return -1;
}
