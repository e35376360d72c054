/* placeholder: replaced by the owner of this verb */
#include <stdio.h>
#include "cli/cli.h"

int cmd_ctl(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "ccwpass %s: not built yet\n", argv[0]);
    return 1;
}
