// SPDX-License-Identifier: GPL-2.0-or-later
/* ccwpass: the user's command.  Dispatches to one file per subcommand. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ccwpass_version.h"
#include "cli/cli.h"

/* Verbs whose work is a request to ccwpassd: --json prints its reply. */
static bool asks_daemon(int argc, char **argv)
{
    static const char *const ctl[] = { "bind", "unbind", "mdev", "status", "fault", "chp" };
    for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
        if (!strcmp(argv[0], ctl[i]))
            return true;
    return !strcmp(argv[0], "tape") && argc > 1 && (!strcmp(argv[1], "load") || !strcmp(argv[1], "unload"));
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} verbs[] = {
    { "dasd",    cmd_dasd, "create|info|check|copy|export|compact  DASD image tools" },
    { "tape",    cmd_tape, "create|info|check|copy|load|unload  tape images; cartridges in a 3490 drive" },
    { "bind",    cmd_ctl,  "SCHID DRIVER           bind a subchannel to io_subchannel or vfio_ccw" },
    { "unbind",  cmd_ctl,  "SCHID                  unbind a subchannel from its driver" },
    { "mdev",    cmd_ctl,  "create|remove|list     mediated devices (vfio_ccw-io)" },
    { "status",  cmd_ctl,  "                       the host channel subsystem as ccwpassd sees it" },
    { "fault",   cmd_ctl,  "SCHID KNOB=VALUE...    fault injection (delay_ms, stuck, eqc, not_oper)" },
    { "chp",     cmd_ctl,  "CHPID on|off           vary a channel path" },
    { "qemu",    cmd_qemu, "[QEMU options...]      start qemu-system-s390x with the adapter" },
    { "host",    cmd_host, "[-- COMMAND...]        a shell or COMMAND with ccwpassd's view at /sys" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ccwpass [--socket PATH] [--timeout SECONDS] [--json] VERB [ARGS...]\n"
               "       ccwpass VERB --help\n"
               "       ccwpass --version | --help\n\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
    fprintf(f, "\n--json: the verbs that ask ccwpassd (bind, unbind, mdev, status, fault, chp,\n"
               "tape load|unload) print its reply as JSON.\n");
}

/* `ccwpass --socket PATH --timeout SECONDS --json VERB …`: these options
 * may also stand before the verb; --socket and --timeout reach every verb
 * through $CCWPASS_SOCKET and $CCWPASS_TIMEOUT, --json sets *json. */
static int take_global_options(int *argc, char ***argv, bool *json)
{
    static const struct {
        const char *opt, *env;
    } globals[] = { { "--socket", "CCWPASS_SOCKET" }, { "--timeout", "CCWPASS_TIMEOUT" } };
    for (bool again = true; again && *argc > 1;) {
        again = false;
        if (!strcmp((*argv)[1], "--json")) {
            *json = true;
            *argc -= 1; *argv += 1;
            again = true;
            continue;
        }
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

static int dispatch(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[0], verbs[i].name))
            return verbs[i].fn(argc, argv);
    fprintf(stderr, "ccwpass: unknown verb '%s'\n", argv[0]);
    usage(stderr);
    return 2;
}

/* `--json VERB ARGS…`: the verb's own option parsing takes --json wherever
 * it stands, so it goes after the arguments. */
static int json_verb(int argc, char **argv)
{
    if (!asks_daemon(argc, argv)) {
        fprintf(stderr, "ccwpass: --json is for the verbs that ask ccwpassd (bind, unbind, mdev, "
                "status, fault, chp, tape load|unload), not '%s'\n", argv[0]);
        return 2;
    }
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args) {
        fprintf(stderr, "ccwpass: out of memory\n");
        return 1;
    }
    memcpy(args, argv, (size_t)argc * sizeof *args);
    args[argc] = "--json";
    int rc = dispatch(argc + 1, args);
    free(args);
    return rc;
}

int main(int argc, char **argv)
{
    bool json = false;
    if (take_global_options(&argc, &argv, &json) < 0)
        return 2;
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ccwpass %s\n", CCWPASS_VERSION);
        return 0;
    }
    if (json && !cli_wants_help(argc - 1, argv + 1))
        return json_verb(argc - 1, argv + 1);
    return dispatch(argc - 1, argv + 1);
}
