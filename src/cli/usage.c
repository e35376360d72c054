// SPDX-License-Identifier: GPL-2.0-or-later
/* ccwpass: the usage text of a verb, and whether the user asked for it. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

#define USAGE_FIRST "usage: ccwpass "
#define USAGE_NEXT  "       ccwpass "

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return false;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    }
    return false;
}

/* "dasd create FILE ..." is a line of the prefix "dasd" and of "dasd create". */
static bool line_of(const char *line, const char *prefix)
{
    size_t n = strlen(prefix);
    return !strncmp(line, prefix, n) && (line[n] == ' ' || line[n] == '\0');
}

static unsigned print_lines(FILE *f, const char *const *lines, size_t nlines, const char *prefix)
{
    unsigned printed = 0;
    for (size_t i = 0; i < nlines; i++) {
        if (prefix && !line_of(lines[i], prefix))
            continue;
        fprintf(f, "%s%s\n", printed ? USAGE_NEXT : USAGE_FIRST, lines[i]);
        printed++;
    }
    return printed;
}

void cli_usage(FILE *f, const char *const *lines, size_t nlines, const char *verb, const char *sub)
{
    char prefix[CLI_USAGE_PREFIX_MAX];
    if (verb && sub && snprintf(prefix, sizeof prefix, "%s %s", verb, sub) < (int)sizeof prefix
        && print_lines(f, lines, nlines, prefix))
        return;
    if (verb && print_lines(f, lines, nlines, verb))
        return;
    print_lines(f, lines, nlines, NULL);
}
