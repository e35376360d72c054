// SPDX-License-Identifier: GPL-2.0-or-later
/* Which paths the adapter sends into ccwpassd's view, and which it leaves alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "qemu/pathmap.h"

static void expect_map(const char *view, const char *path, const char *want)
{
    char out[256];
    assert_int_equal(ccwq_path_map(view, path, out, sizeof out), 1);
    assert_string_equal(out, want);
}

static void expect_unmapped(const char *view, const char *path)
{
    char out[256];
    assert_int_equal(ccwq_path_map(view, path, out, sizeof out), 0);
}

static void test_qemu_sysfs_paths_go_to_view(void **state)
{
    expect_map("/run/v", "/sys/bus/css/devices/0.0.16ca/pimpampom", "/run/v/sys/bus/css/devices/0.0.16ca/pimpampom");
    expect_map("/run/v/", "/sys/bus/css/devices/0.0.16ca/chpids", "/run/v/sys/bus/css/devices/0.0.16ca/chpids");
    expect_map("/run/v", "/sys/devices/css0/chp0.50/type", "/run/v/sys/devices/css0/chp0.50/type");
    expect_map("/run/v", "/sys/bus/css/devices/0.0.16ca/6dfd/iommu_group",
               "/run/v/sys/bus/css/devices/0.0.16ca/6dfd/iommu_group");
    expect_map("/run/v", "/sys/bus/mdev/devices/6dfd", "/run/v/sys/bus/mdev/devices/6dfd");
    expect_map("/v", "/sys/devices/css12/x", "/v/sys/devices/css12/x");
}

static void test_other_paths_stay(void **state)
{
    expect_unmapped("/run/v", "/sys/devices/system/cpu/online");
    expect_unmapped("/run/v", "/sys/devices/cssx/foo");
    expect_unmapped("/run/v", "/sys/bus/pci/devices");
    expect_unmapped("/run/v", "/proc/self/maps");
    expect_unmapped("/run/v", "sys/bus/css/devices");
    expect_unmapped(NULL, "/sys/bus/css/devices/0.0.16ca/pimpampom");
    expect_unmapped("", "/sys/bus/css/devices/0.0.16ca/pimpampom");
}

static void test_too_long_is_an_error(void **state)
{
    char out[16];
    assert_int_equal(ccwq_path_map("/run/view", "/sys/bus/css/devices", out, sizeof out), -1);
}

static void test_vfio_nodes(void **state)
{
    int g = -1;
    assert_int_equal(ccwq_vfio_node("/dev/vfio/vfio", &g), CCWQ_NODE_CONTAINER);
    assert_int_equal(ccwq_vfio_node("/dev/vfio/7", &g), CCWQ_NODE_GROUP);
    assert_int_equal(g, 7);
    assert_int_equal(ccwq_vfio_node("/dev/vfio/123", &g), CCWQ_NODE_GROUP);
    assert_int_equal(g, 123);
    assert_int_equal(ccwq_vfio_node("/dev/vfio/7a", &g), CCWQ_NODE_NONE);
    assert_int_equal(ccwq_vfio_node("/dev/vfio/devices/vfio0", &g), CCWQ_NODE_NONE);
    assert_int_equal(ccwq_vfio_node("/dev/vfio/", &g), CCWQ_NODE_NONE);
    assert_int_equal(ccwq_vfio_node("/dev/null", &g), CCWQ_NODE_NONE);
    assert_int_equal(ccwq_vfio_node(NULL, &g), CCWQ_NODE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_sysfs_paths_go_to_view),
        cmocka_unit_test(test_other_paths_stay),
        cmocka_unit_test(test_too_long_is_an_error),
        cmocka_unit_test(test_vfio_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
