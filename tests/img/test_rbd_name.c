// SPDX-License-Identifier: GPL-2.0-or-later
/* rbd:POOL/IMAGE[@SNAP][:key=value...] names (img/rbd.h): what each part
 * becomes, quoting, and a clear message for every malformed name.  No
 * cluster is needed: parsing happens before anything connects. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "img/image.h"
#include "img/rbd.h"

static char err[512];
static struct img_rbd_name n;

static void full_name(void **s)
{
    (void)s;
    assert_int_equal(img_rbd_parse("rbd:farm/golden@v1:conf=/etc/c.conf:id=ci:keyring=/k:rados_osd_op_timeout=5",
                                   &n, err, sizeof err), 0);
    assert_string_equal(n.pool, "farm");
    assert_string_equal(n.image, "golden");
    assert_string_equal(n.snap, "v1");
    assert_string_equal(n.conf, "/etc/c.conf");
    assert_string_equal(n.id, "ci");
    assert_int_equal(n.nopts, 2);
    assert_string_equal(n.opt[0].key, "keyring");
    assert_string_equal(n.opt[0].value, "/k");
    assert_string_equal(n.opt[1].key, "rados_osd_op_timeout");
    assert_string_equal(n.opt[1].value, "5");
}

static void plain_name(void **s)
{
    (void)s;
    assert_int_equal(img_rbd_parse("rbd:rbd/vol", &n, err, sizeof err), 0);
    assert_string_equal(n.pool, "rbd");
    assert_string_equal(n.image, "vol");
    assert_string_equal(n.snap, "");
    assert_string_equal(n.conf, "");
    assert_string_equal(n.id, "");
    assert_int_equal(n.nopts, 0);
    assert_true(img_is_rbd("rbd:rbd/vol"));
    assert_false(img_is_rbd("rbd.3390"));
    assert_false(img_is_rbd("/srv/rbd:x"));
}

/* a backslash quotes ':' (mon_host lists carry them) and '@' */
static void quoting(void **s)
{
    (void)s;
    assert_int_equal(img_rbd_parse("rbd:p/a\\@b:mon_host=[v2\\:127.0.0.1\\:3300]", &n, err, sizeof err), 0);
    assert_string_equal(n.image, "a@b");
    assert_string_equal(n.snap, "");
    assert_string_equal(n.opt[0].value, "[v2:127.0.0.1:3300]");
}

static void bad_names(void **s)
{
    (void)s;
    static const struct { const char *name, *msg; } bad[] = {
        { "rbd:", "give rbd:POOL/IMAGE" },
        { "rbd:pool", "give rbd:POOL/IMAGE" },
        { "rbd:pool/", "give rbd:POOL/IMAGE" },
        { "rbd:/img", "give rbd:POOL/IMAGE" },
        { "rbd:a/b/c", "give rbd:POOL/IMAGE" },
        { "rbd:a/b@", "empty snapshot name after @" },
        { "rbd:a/b:conf", "option 'conf' is not KEY=VALUE" },
        { "rbd:a/b:=x", "option '' is not KEY=VALUE" },
        { "file.3390", "not an rbd: name" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(img_rbd_parse(bad[i].name, &n, err, sizeof err), -EINVAL);
        if (!strstr(err, bad[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].name, err, bad[i].msg);
    }
}

static void too_long_and_too_many(void **s)
{
    (void)s;
    char name[4 * IMG_RBD_VALUE_MAX];
    snprintf(name, sizeof name, "rbd:p/%0*d", IMG_RBD_NAME_MAX, 0);
    assert_int_equal(img_rbd_parse(name, &n, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "too long"));
    strcpy(name, "rbd:p/i");
    for (int i = 0; i <= IMG_RBD_MAX_OPTS; i++)
        snprintf(name + strlen(name), sizeof name - strlen(name), ":k%d=v", i);
    assert_int_equal(img_rbd_parse(name, &n, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "more than 16 options"));
}

/* open and create of an rbd: name with a malformed name fail before any
 * Ceph call, with or without librbd in the build */
static void open_bad_name_fails_cleanly(void **s)
{
    (void)s;
    struct img *im = img_open("rbd:nopool", false, err, sizeof err);
    assert_null(im);
    assert_true(strstr(err, "give rbd:POOL/IMAGE") || strstr(err, "built without Ceph RBD support"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_name), cmocka_unit_test(plain_name), cmocka_unit_test(quoting),
        cmocka_unit_test(bad_names), cmocka_unit_test(too_long_and_too_many),
        cmocka_unit_test(open_bad_name_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
