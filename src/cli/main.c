/* ccwpass: the user's command.  Dispatches to one file per subcommand. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ccwpass_version.h"
#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} verbs[] = {
    { "dasd",    cmd_dasd, "create|info|check|copy|export  DASD image tools" },
    { "tape",    cmd_tape, "create|info|check|copy|load|unload  tape images; cartridges in a 3490 drive" },
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
    fprintf(f, "usage: ccwpass [--socket PATH] [--timeout SECONDS] VERB [ARGS...]\n"
               "       ccwpass --version | --help\n\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
}

/* `ccwpass --socket PATH --timeout SECONDS VERB …`: these options may also
 * stand before the verb; they reach every verb through $CCWPASS_SOCKET and
 * $CCWPASS_TIMEOUT. */
static int take_global_options(int *argc, char ***argv)
{
    static const struct {
        const char *opt, *env;
    } globals[] = { { "--socket", "CCWPASS_SOCKET" }, { "--timeout", "CCWPASS_TIMEOUT" } };
    for (bool again = true; again && *argc > 1;) {
        again = false;
        for (size_t g = 0; g < sizeof globals / sizeof globals[0]; g++) {
            const char *arg = (*argv)[1];
            size_t n = strlen(globals[g].opt);
            if (strncmp(arg, globals[g].opt, n))
                continue;
            if (arg[n] == '=') {
                setenv(globals[g].env, arg + n + 1, 1);
                *argc -= 1; *argv += 1;
            } else if (arg[n] == '\0' && *argc > 2) {
                setenv(globals[g].env, (*argv)[2], 1);
                *argc -= 2; *argv += 2;
            } else {
                fprintf(stderr, "ccwpass: %s needs a value\n", globals[g].opt);
                return -1;
            }
            again = true;
            break;
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
    if (!strcmp(argv[1], "--version")) {
        printf("ccwpass %s\n", CCWPASS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name))
            return verbs[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "ccwpass: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
