/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass qemu`: the launcher's command-line rewriting (implemented in
 * src/cli/cmd_qemu.c; declared here so tests/qemu can unit-test it).
 *
 * It accepts the seed's options -- -M/-machine s390-ccw-virtio,s390-squash-mcss=
 * on|off and -device vfio-ccw,devno=...,sysfsdev=... -- on QEMU 7.2, which no
 * longer has s390-squash-mcss, and adds the shared-memory RAM backend that
 * ccwpassd maps.
 */
#ifndef CCWPASS_QEMU_LAUNCH_H
#define CCWPASS_QEMU_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CCWQ_DEFAULT_RAM   (128ull << 20)   /* QEMU 7.2's default -m for s390-ccw-virtio */
#define CCWQ_RAM_BACKEND   "ccwpass-ram"
#define CCWQ_DEFAULT_CSSID 0xfe              /* QEMU's default css image */

struct qemu_args {
    char **argv;            /* rewritten QEMU options (argv[0] not included), NULL-terminated */
    int argc;
    int squash;             /* s390-squash-mcss: -1 not given, 0 off, 1 on */
    uint64_t ram_bytes;     /* -m, or the default */
    bool ram_given;
    bool user_backend;      /* the user chose -machine memory-backend= already */
    int nvfio;              /* -device vfio-ccw count */
};

/* QEMU's -m syntax: "512" (MiB), "512M", "1G", "1.5G", "size=2G,maxmem=4G". */
int qemu_parse_size(const char *s, uint64_t *bytes);

/* "c.s.dddd" (hex): 0 and the fields, or -1. */
int qemu_parse_devno(const char *s, unsigned *cssid, unsigned *ssid, unsigned *devno);

/*
 * Rewrites QEMU's options (argv without the program name).  Warnings go to
 * diag.  Returns 0, or -1 with a message on diag for options that cannot work.
 */
int qemu_rewrite_args(int argc, char **argv, struct qemu_args *out, FILE *diag);
void qemu_args_free(struct qemu_args *a);

#endif
