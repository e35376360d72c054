/* ccwpass command-line verbs: one file per subcommand (kvmtool style). */
#ifndef CCWPASS_CLI_CLI_H
#define CCWPASS_CLI_CLI_H

/* How long a verb waits for ccwpassd: --timeout / $CCWPASS_TIMEOUT, in seconds. */
#define CLI_DEFAULT_TIMEOUT_S 10

int cmd_dasd(int argc, char **argv);  /* cmd_dasd.c: create, info, check, copy, export */
int cmd_ctl(int argc, char **argv);   /* cmd_ctl.c: bind, unbind, mdev, status, fault, chp (talks to ccwpassd) */
int cmd_qemu(int argc, char **argv);  /* cmd_qemu.c: launch qemu-system-s390x with the adapter */
/* cmd_ctl.c: tape load|unload (argv[0] is load or unload), reached from cmd_tape */
int cmd_tapectl(int argc, char **argv);
int cmd_tape(int argc, char **argv);  /* cmd_tape.c: create, info, check, copy (tape images) */

#endif
