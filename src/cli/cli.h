/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ccwpass command-line verbs: one file per subcommand (kvmtool style). */
#ifndef CCWPASS_CLI_CLI_H
#define CCWPASS_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How long a verb waits for ccwpassd: --timeout / $CCWPASS_TIMEOUT, in seconds. */
#define CLI_DEFAULT_TIMEOUT_S 10

/* Longest "VERB SUB" a usage text is looked up by. */
#define CLI_USAGE_PREFIX_MAX 64

/**
 * cli_wants_help() - did the user ask for a verb's usage?
 * @argc: number of the verb's arguments
 * @argv: the verb's arguments
 *
 * Return: true if -h or --help is among them (before any "--"); the verb
 * then prints its usage to stdout and exits 0 without opening a file or
 * asking ccwpassd.
 */
bool cli_wants_help(int argc, char **argv);

/**
 * cli_usage() - print the usage lines of a verb
 * @f: stdout for --help, stderr for a usage error
 * @lines: one command line each, without "ccwpass " ("dasd info FILE")
 * @nlines: how many
 * @verb: print only the lines of this verb ("dasd", "mdev"); NULL for all
 * @sub: narrower still ("info"), if any line is of "VERB SUB"; may be NULL
 *
 * The first line printed starts "usage: ccwpass ".  A verb or sub-verb
 * without lines falls back to the wider set.
 */
void cli_usage(FILE *f, const char *const *lines, size_t nlines, const char *verb, const char *sub);

int cmd_dasd(int argc, char **argv);  /* cmd_dasd.c: create, info, check, copy, export, compact */
int cmd_ctl(int argc, char **argv);   /* cmd_ctl.c: bind, unbind, mdev, status, fault, chp (talks to ccwpassd) */
int cmd_qemu(int argc, char **argv);  /* cmd_qemu.c: launch qemu-system-s390x with the adapter */
/* cmd_ctl.c: tape load|unload (argv[0] is load or unload), reached from cmd_tape */
int cmd_tapectl(int argc, char **argv);
int cmd_host(int argc, char **argv);  /* cmd_host.c: a mount namespace with the view at /sys */
int cmd_tape(int argc, char **argv);  /* cmd_tape.c: create, info, check, copy (tape images) */

#endif
