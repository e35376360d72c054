/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the files that define libc entry points (interpose_path.c,
 * interpose_fd.c): how to reach the real function and how to export ours.
 */
#ifndef CCWPASS_QEMU_INTERPOSE_H
#define CCWPASS_QEMU_INTERPOSE_H

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

#define EXPORT __attribute__((visibility("default")))

/* The next definition of `name` after ours (libc's), looked up once. */
#define NEXT(name, type) \
    static type next_##name; \
    if (!next_##name) next_##name = (type)dlsym(RTLD_NEXT, #name)

/* activate.c: inside qemu-system-s390x (or forced)? */
bool ccwq_active(void);

/* A kernel-style result (value or -errno) as a libc return (-1 and errno). */
static inline long ccwq_set_errno(long rc)
{
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

#endif
