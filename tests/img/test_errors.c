// SPDX-License-Identifier: GPL-2.0-or-later
/* Bad input: every refusal names the file (and track), returns an error,
 * and never crashes. */
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
#include "img/ckdtrack.h"
#include "img/image.h"
#include "testutil.h"

static char err[512];
static uint8_t buf[CKD_MAX_TRACK_IMAGE];

static void create(const char *name, uint32_t cyls, enum img_format f)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = f, .compress = IMG_COMP_ZLIB };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
}

static void patch(const char *name, off_t off, const void *bytes, size_t n)
{
    int fd = open(tu_path(name), O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, bytes, n, off), (ssize_t)n);
    close(fd);
}

static void refused(const char *name, bool ro, const char *what)
{
    err[0] = 0;
    assert_null(img_open(tu_path(name), ro, err, sizeof err));
    if (!strstr(err, name) || !strstr(err, what))
        fail_msg("message '%s' lacks '%s' or '%s'", err, name, what);
}

static void bad_magic(void **s)
{
    (void)s;
    create("magic.3390", 2, IMG_CKD);
    patch("magic.3390", 0, "XYZ_P370", 8);
    refused("magic.3390", true, "bad magic");
    create("fba.3390", 2, IMG_CKD);
    patch("fba.3390", 0, "FBA_C370", 8);
    refused("fba.3390", true, "FBA");
}

static void truncated_header(void **s)
{
    (void)s;
    create("trunc.3390", 2, IMG_CKD);
    assert_int_equal(truncate(tu_path("trunc.3390"), 100), 0);
    refused("trunc.3390", true, "truncated header");
    create("trunc.cckd", 2, IMG_CCKD);
    assert_int_equal(truncate(tu_path("trunc.cckd"), 700), 0);
    refused("trunc.cckd", true, "truncated header");
    assert_int_equal(tu_sh(": > %s", tu_path("empty.3390")), 0);
    refused("empty.3390", true, "truncated header");
}

static void wrong_track_size(void **s)
{
    (void)s;
    create("trk.3390", 2, IMG_CKD);
    patch("trk.3390", 12, "\x00\xDF\x00\x00", 4);
    refused("trk.3390", true, "wrong track size");
    create("heads.3390", 2, IMG_CKD);
    patch("heads.3390", 8, "\x10", 1);
    refused("heads.3390", true, "heads");
}

static void bad_size(void **s)
{
    (void)s;
    create("size.3390", 2, IMG_CKD);
    assert_int_equal(tu_sh("printf abc >> %s", tu_path("size.3390")), 0);
    refused("size.3390", true, "is not 512 + a whole number");
    create("short.3390", 2, IMG_CKD);
    assert_int_equal(truncate(tu_path("short.3390"), 512 + 56832 * 15 + 56832), 0);
    refused("short.3390", true, "is not 512 + a whole number");
}

static void record_past_end(void **s)
{
    (void)s;
    create("rec.3390", 2, IMG_CKD);
    /* cyl 1 head 3: R0's DL becomes 0xFFFF */
    patch("rec.3390", 512 + 18 * 56832 + 5 + 6, "\xFF\xFF", 2);
    struct img *im = img_open(tu_path("rec.3390"), true, err, sizeof err);
    assert_non_null(im);
    size_t len;
    assert_int_equal(img_read_track(im, 1, 3, buf, sizeof buf, &len), -EIO);
    const char *m = img_error(im);
    assert_non_null(strstr(m, "rec.3390"));
    assert_non_null(strstr(m, "cyl 1 head 3"));
    assert_non_null(strstr(m, "R0"));
    patch("rec.3390", 512 + 18 * 56832 + 5 + 6, "\x00\x08", 2);
    patch("rec.3390", 512 + 18 * 56832 + 21, "\x00\x01\x00\x03\x01\x00\xFF\xF0", 8);   /* R1, DL 65520 */
    assert_int_equal(img_read_track(im, 1, 3, buf, sizeof buf, &len), -EIO);
    assert_non_null(strstr(img_error(im), "past the end"));
    img_close(im);
}

/* Shared opens (a volume several hosts attach) coexist read-write; an
 * exclusive open is refused while one is open and refuses them; CCKD is
 * never shared. */
static void shared_writers(void **s)
{
    (void)s;
    create("shared.3390", 2, IMG_CKD);
    struct img *a = img_open_shared(tu_path("shared.3390"), false, err, sizeof err);
    struct img *b = img_open_shared(tu_path("shared.3390"), false, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    refused("shared.3390", false, "is in use by another process");
    img_close(a);
    img_close(b);
    a = img_open(tu_path("shared.3390"), false, err, sizeof err);
    assert_non_null(a);
    assert_null(img_open_shared(tu_path("shared.3390"), false, err, sizeof err));
    assert_non_null(strstr(err, "is in use by another process"));
    img_close(a);
    create("shared.cckd", 2, IMG_CCKD);
    assert_null(img_open_shared(tu_path("shared.cckd"), false, err, sizeof err));
    assert_int_equal(errno, ENOTSUP);
    assert_non_null(strstr(err, "a shared volume must be uncompressed CKD"));
}

static void second_writer_refused(void **s)
{
    (void)s;
    const char *names[] = { "lock.3390", "lock.cckd" };
    for (unsigned i = 0; i < 2; i++) {
        create(names[i], 2, i ? IMG_CCKD : IMG_CKD);
        struct img *a = img_open(tu_path(names[i]), false, err, sizeof err);
        assert_non_null(a);
        refused(names[i], false, "is in use by another process");
        assert_int_equal(errno, EBUSY);
        refused(names[i], true, "is in use by another process");
        /* in another process too */
        pid_t pid = fork();
        if (pid == 0)
            _exit(img_open(tu_path(names[i]), false, err, sizeof err) == NULL && strstr(err, "in use") ? 0 : 1);
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_int_equal(WEXITSTATUS(st), 0);
        /* nor can the volume be re-created (truncated) under its user */
        struct img_create_opts o = { .devtype = 0x3390, .cyls = 1 };
        assert_int_equal(img_create(tu_path(names[i]), &o, err, sizeof err), -EBUSY);
        assert_non_null(strstr(err, "in use by another process"));
        img_close(a);
        /* readers share */
        a = img_open(tu_path(names[i]), true, err, sizeof err);
        struct img *b = img_open(tu_path(names[i]), true, err, sizeof err);
        assert_non_null(a);
        assert_non_null(b);
        refused(names[i], false, "in use");
        img_close(a);
        img_close(b);
    }
}

static void read_only_file(void **s)
{
    (void)s;
    create("ro.3390", 2, IMG_CKD);
    assert_int_equal(chmod(tu_path("ro.3390"), 0444), 0);
    assert_int_equal(chmod(tu_tmpdir(), 0755), 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* root ignores file modes: act as an ordinary user */
        if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
            _exit(3);
        struct img *im = img_open(tu_path("ro.3390"), false, err, sizeof err);
        if (im || !strstr(err, "ro.3390") || !strstr(err, "read-only"))
            _exit(1);
        im = img_open(tu_path("ro.3390"), true, err, sizeof err);
        _exit(im ? 0 : 2);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void missing_file(void **s)
{
    (void)s;
    refused("nothere.3390", true, "No such file");
}

static void bad_create_args(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 0 };
    assert_true(img_create(tu_path("z.3390"), &o, err, sizeof err) < 0);
    assert_non_null(strstr(err, "z.3390"));
    o.cyls = 70000;
    assert_true(img_create(tu_path("z.3390"), &o, err, sizeof err) < 0);
    o.cyls = 1;
    o.volser = "TOOLONGX";
    assert_true(img_create(tu_path("z.3390"), &o, err, sizeof err) < 0);
    assert_non_null(strstr(err, "volser"));
    o.volser = NULL;
    o.devtype = 0x9345;
    assert_true(img_create(tu_path("z.3390"), &o, err, sizeof err) < 0);
    assert_non_null(strstr(err, "device type"));
}

/* A FIFO, a character device, a directory: refused at once with a message
 * naming the file, never opened for reading or writing (a FIFO would block
 * the open, or the first read, for ever).  The alarm only guards against a
 * hang: SIGALRM kills the test. */
static void not_a_regular_file(void **s)
{
    (void)s;
    const unsigned guard_seconds = 20;
    assert_int_equal(mkfifo(tu_path("fifo.3390"), 0644), 0);
    assert_int_equal(mkdir(tu_path("dir.3390"), 0755), 0);
    const char *paths[] = { tu_path("fifo.3390"), "/dev/zero", tu_path("dir.3390") };
    alarm(guard_seconds);
    for (unsigned i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (int ro = 0; ro < 2; ro++) {
            err[0] = 0;
            assert_null(img_open(paths[i], ro, err, sizeof err));
            if (!strstr(err, paths[i]) || !strstr(err, "not a regular file"))
                fail_msg("open of %s: message '%s'", paths[i], err);
        }
        struct img_create_opts o = { .devtype = 0x3390, .cyls = 1, .format = i ? IMG_CKD : IMG_CCKD };
        err[0] = 0;
        assert_true(img_create(paths[i], &o, err, sizeof err) < 0);
        if (!strstr(err, paths[i]) || !strstr(err, "not a regular file"))
            fail_msg("create over %s: message '%s'", paths[i], err);
    }
    alarm(0);
    struct stat st;
    assert_int_equal(stat(tu_path("fifo.3390"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));      /* left alone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_magic),
        cmocka_unit_test(truncated_header),
        cmocka_unit_test(wrong_track_size),
        cmocka_unit_test(bad_size),
        cmocka_unit_test(record_past_end),
        cmocka_unit_test(second_writer_refused),
        cmocka_unit_test(shared_writers),
        cmocka_unit_test(read_only_file),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(bad_create_args),
        cmocka_unit_test(not_a_regular_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
