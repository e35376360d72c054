// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The view's permission rule (sysfs's): root may read a file with any read
 * bit and write one with any write bit; everybody else gets the class bits
 * that apply to them.  The same rule guards the view when it is mounted
 * without the kernel's default_permissions check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "daemon/view_perm.h"

static const struct view_cred root_owner = { 0, 0 };
static const struct view_cred root = { 0, 0 };
static const struct view_cred nobody = { 65534, 65534 };
static const struct view_cred wheel = { 1000, 0 };   /* an ordinary user in root's group */

static void test_root(void **state)
{
    (void)state;
    assert_true(view_may(0644, root_owner, root, VIEW_MAY_READ | VIEW_MAY_WRITE));
    assert_true(view_may(0200, root_owner, root, VIEW_MAY_WRITE));
    assert_false(view_may(0200, root_owner, root, VIEW_MAY_READ));    /* a store without a show */
    assert_false(view_may(0444, root_owner, root, VIEW_MAY_WRITE));   /* a show without a store */
    assert_true(view_may(0004, root_owner, root, VIEW_MAY_READ));     /* any read bit will do */
}

static void test_others(void **state)
{
    (void)state;
    assert_true(view_may(0444, root_owner, nobody, VIEW_MAY_READ));
    assert_true(view_may(0644, root_owner, nobody, VIEW_MAY_READ));
    assert_false(view_may(0644, root_owner, nobody, VIEW_MAY_WRITE));
    assert_false(view_may(0200, root_owner, nobody, VIEW_MAY_WRITE));
    assert_false(view_may(0600, root_owner, nobody, VIEW_MAY_READ));
    assert_false(view_may(0400, root_owner, wheel, VIEW_MAY_READ));
    assert_false(view_may(0644, root_owner, wheel, VIEW_MAY_WRITE));
    assert_true(view_may(0755, root_owner, nobody, VIEW_MAY_READ | VIEW_MAY_EXEC));
}

/* A daemon run unprivileged owns its view: its user has the owner bits. */
static void test_unprivileged_owner(void **state)
{
    (void)state;
    const struct view_cred owner = { 1000, 1000 };
    assert_true(view_may(0200, owner, owner, VIEW_MAY_WRITE));
    assert_false(view_may(0200, owner, owner, VIEW_MAY_READ));
    assert_false(view_may(0200, owner, nobody, VIEW_MAY_WRITE));
    assert_true(view_may(0200, owner, root, VIEW_MAY_WRITE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root),
        cmocka_unit_test(test_others),
        cmocka_unit_test(test_unprivileged_owner),
    };
    return cmocka_run_group_tests_name("daemon-view-perm-rule", tests, NULL, NULL);
}
