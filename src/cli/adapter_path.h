/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where ccwpass-qemu.so is, for the programs that preload it into QEMU. */
#ifndef CCWPASS_CLI_ADAPTER_PATH_H
#define CCWPASS_CLI_ADAPTER_PATH_H

#include <stddef.h>

/**
 * cli_find_adapter() - the path of the QEMU adapter ccwpass-qemu.so
 * @out: receives the path
 * @outsz: size of @out
 *
 * $CCWPASS_ADAPTER if set, else the library next to the running program:
 * ../qemu/ in the build tree, then ../lib/<multiarch>/ccwpass/,
 * ../lib64/ccwpass/ and ../lib/ccwpass/ of an install tree.
 *
 * Return: 0, or -1 if there is no such file.
 */
int cli_find_adapter(char *out, size_t outsz);

#endif
