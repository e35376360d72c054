// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trace area "chan" (CCWPASS_TRACE=chan): the commands a program sends
 * and the status it ends with appear on stderr, including a program check
 * the device never sees; the other areas stay quiet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

/* Runs the fixture program with stderr captured into `out`. */
static void run_captured(struct fx *f, char *out, size_t outlen)
{
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    size_t n;

    assert_non_null(tmp);
    fflush(stderr);
    dup2(fileno(tmp), STDERR_FILENO);
    fx_run(f);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    n = fread(out, 1, outlen - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void test_trace_commands_and_end(void **state)
{
    struct fx *f = fx_new(true);
    char out[4096];

    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CC | CCW_FLAG_SLI, 16, 0x2000);
    fx_ccw1(f, 0x1008, 0x00, 0, 4, 0x2000);   /* invalid command code */
    fx_respond(f, 0, 12, CE_DE);
    run_captured(f, out, sizeof(out));
    assert_non_null(strstr(out, "trace chan: ccw 00001000 cmd 02 flags 60 count 16 -> len 12 unitstat 0c\n"));
    assert_non_null(strstr(out, "trace chan: done cpa 00001010 dstat 00 cstat 20 count 4\n"));
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_commands_and_end),
    };
    setenv("CCWPASS_TRACE", "chan", 1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
