// SPDX-License-Identifier: GPL-2.0-or-later
/* The reserve arbiter of a file volume (src/img/reserve.h): two hosts on one
 * image agree on one holder; Release frees it, a steal takes it; the record
 * of a process that died without releasing stays until a steal; a record
 * that is not ours to parse is held by "another host", never dropped. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "img/reserve.h"
#include "reserve_tu.h"
#include "testutil.h"

#define ID_A "hosta:1:00000001"
#define ID_B "hostb:2:00000002"
#define ID_C "hostc:3:00000003"

static char err[512];

static struct reserve *open_as(const char *image, const char *id)
{
    return tu_reserve_opened(reserve_open_file(image, id, err, sizeof err), err);
}

static void test_one_holder(void **s)
{
    const char *img = tu_path("one.3390");
    struct reserve *a = open_as(img, ID_A), *b = open_as(img, ID_B);
    char holder[RESERVE_ID_MAX];

    assert_int_equal(tu_reserve_state(a, holder, sizeof holder), RESERVE_NONE);
    assert_string_equal(holder, "");
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(reserve_acquire(a), 0);            /* again: still ours */
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_SELF);
    assert_int_equal(tu_reserve_state(b, holder, sizeof holder), RESERVE_OTHER);
    assert_string_equal(holder, ID_A);
    assert_int_equal(reserve_acquire(b), -EBUSY);
    assert_non_null(strstr(b->err, ID_A));
    assert_int_equal(reserve_release(b), 0);            /* not b's: nothing changes */
    assert_true(reserve_held(a));
    assert_int_equal(reserve_release(a), 0);
    assert_int_equal(tu_reserve_state(b, NULL, 0), RESERVE_NONE);
    assert_int_equal(reserve_acquire(b), 0);
    assert_false(reserve_held(a));
    assert_true(reserve_held(b));
    reserve_close(a);
    reserve_close(b);
}

static void test_steal(void **s)
{
    const char *img = tu_path("steal.3390");
    struct reserve *a = open_as(img, ID_A), *b = open_as(img, ID_B);
    const uint8_t pgid[RESERVE_PGID_LEN] = { 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a };
    char rec[256] = "";
    int fd;

    reserve_set_pgid(b, pgid);
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(reserve_steal(b), 0);
    assert_false(reserve_held(a));                      /* a learns it lost the reserve */
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_OTHER);
    assert_int_equal(tu_reserve_state(b, NULL, 0), RESERVE_SELF);
    /* the record names the holder and its path group for the operator */
    fd = open(tu_path("steal.3390.reserve"), O_RDONLY);
    assert_true(fd >= 0);
    assert_true(read(fd, rec, sizeof rec - 1) > 0);
    close(fd);
    assert_string_equal(rec, "holder " ID_B "\npgid 800102030405060708090a\n");
    reserve_close(a);
    reserve_close(b);
}

/* A holder that dies keeps the volume reserved; a steal breaks it. */
static void test_dead_holder(void **s)
{
    const char *img = tu_path("dead.3390");
    struct reserve *b = open_as(img, ID_B);
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        struct reserve *a = reserve_open_file(img, ID_A, err, sizeof err);
        _exit(a && reserve_acquire(a) == 0 ? 0 : 1);   /* no release, no close */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(reserve_acquire(b), -EBUSY);
    assert_int_equal(reserve_steal(b), 0);
    assert_true(reserve_held(b));
    reserve_close(b);
}

/* Garbage in the record: held by someone unknown until stolen. */
static void test_unreadable_record(void **s)
{
    const char *img = tu_path("junk.3390");
    struct reserve *c;
    char holder[RESERVE_ID_MAX];
    int fd = open(tu_path("junk.3390.reserve"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x01\x02garbage", 9), 9);
    close(fd);
    c = open_as(img, ID_C);
    assert_int_equal(tu_reserve_state(c, holder, sizeof holder), RESERVE_OTHER);
    assert_string_equal(holder, "(unreadable record)");
    assert_int_equal(reserve_acquire(c), -EBUSY);
    assert_int_equal(reserve_steal(c), 0);
    assert_int_equal(tu_reserve_state(c, NULL, 0), RESERVE_SELF);
    reserve_close(c);
}

/* Not a regular file where the record goes: a clear error, no hang. */
static void test_record_not_a_file(void **s)
{
    const char *img = tu_path("fifo.3390");

    assert_int_equal(mkfifo(tu_path("fifo.3390.reserve"), 0644), 0);
    assert_null(reserve_open_file(img, ID_A, err, sizeof err));
    assert_non_null(strstr(err, "fifo.3390.reserve: not a regular file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_holder),
        cmocka_unit_test(test_steal),
        cmocka_unit_test(test_dead_holder),
        cmocka_unit_test(test_unreadable_record),
        cmocka_unit_test(test_record_not_a_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    tu_sh("rm -rf %s", tu_tmpdir());
    return rc;
}
