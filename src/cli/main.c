/* ccwpass: the user's command.  Dispatches to one file per subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} verbs[] = {
    { "dasd",    cmd_dasd, "create|info|check|copy|export  DASD image tools" },
    { "bind",    cmd_ctl,  "SCHID DRIVER           bind a subchannel to io_subchannel or vfio_ccw" },
    { "unbind",  cmd_ctl,  "SCHID                  unbind a subchannel from its driver" },
    { "mdev",    cmd_ctl,  "create|remove|list     mediated devices (vfio_ccw-io)" },
    { "status",  cmd_ctl,  "                       the host channel subsystem as ccwpassd sees it" },
    { "fault",   cmd_ctl,  "SCHID KNOB=VALUE...    fault injection (delay_ms, stuck, eqc, not_oper)" },
    { "chp",     cmd_ctl,  "CHPID on|off           vary a channel path" },
    { "qemu",    cmd_qemu, "[QEMU options...]      start qemu-system-s390x with the adapter" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ccwpass [--socket PATH] VERB [ARGS...]\n\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
}

/* `ccwpass --socket PATH VERB …`: the socket option may also stand before the
 * verb; it reaches every verb through $CCWPASS_SOCKET. */
static int take_global_options(int *argc, char ***argv)
{
    while (*argc > 1 && !strncmp((*argv)[1], "--socket", 8)) {
        const char *arg = (*argv)[1];
        if (arg[8] == '=') {
            setenv("CCWPASS_SOCKET", arg + 9, 1);
            *argc -= 1; *argv += 1;
        } else if (arg[8] == '\0' && *argc > 2) {
            setenv("CCWPASS_SOCKET", (*argv)[2], 1);
            *argc -= 2; *argv += 2;
        } else {
            fprintf(stderr, "ccwpass: --socket needs a path\n");
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (take_global_options(&argc, &argv) < 0)
        return 2;
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name))
            return verbs[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "ccwpass: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
