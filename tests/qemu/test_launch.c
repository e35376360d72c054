// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `ccwpass qemu` command-line rewriting: the seed's options on QEMU 7.2
 * (s390-squash-mcss on/off, devno forms, -M/-machine spellings, -m sizes) and the shared RAM backend ccwpassd needs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "qemu/launch.h"

static char diag[4096];

/* Rewrites a NULL-terminated option list; returns qemu_rewrite_args' result. */
static int rewrite(struct qemu_args *a, const char *const *args)
{
    int n = 0;
    while (args[n])
        n++;
    FILE *f = fmemopen(diag, sizeof diag, "w");
    memset(diag, 0, sizeof diag);
    int rc = qemu_rewrite_args(n, (char **)args, a, f);
    fclose(f);
    return rc;
}

/* The value following option `opt` (the k-th occurrence), or NULL. */
static const char *arg_after(const struct qemu_args *a, const char *opt, int k)
{
    for (int i = 0; i + 1 < a->argc; i++)
        if (!strcmp(a->argv[i], opt) && k-- == 0)
            return a->argv[i + 1];
    return NULL;
}

static bool has_arg(const struct qemu_args *a, const char *s)
{
    for (int i = 0; i < a->argc; i++)
        if (!strcmp(a->argv[i], s))
            return true;
    return false;
}

static void test_seed_command_squash_on(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "s390-ccw-virtio,s390-squash-mcss=on", "-device",
                           "vfio-ccw,devno=0.0.1234,sysfsdev=/sys/bus/mdev/devices/6dfd", "-nographic", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_string_equal(arg_after(&a, "-M", 0), "s390-ccw-virtio");
    assert_string_equal(arg_after(&a, "-device", 0),
                        "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/6dfd");
    assert_int_equal(a.squash, 1);
    assert_true(has_arg(&a, "-nographic"));
    assert_non_null(strstr(diag, "the guest sees 0.0.1234"));
    qemu_args_free(&a);
}

static void test_squash_off_keeps_css_and_warns(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-machine", "s390-ccw-virtio,s390-squash-mcss=off", "-device",
                           "vfio-ccw,devno=0.0.1234,sysfsdev=/v/sys/bus/mdev/devices/u", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_string_equal(arg_after(&a, "-machine", 0), "s390-ccw-virtio");
    assert_string_equal(arg_after(&a, "-device", 0), "vfio-ccw,devno=0.0.1234,sysfsdev=/v/sys/bus/mdev/devices/u");
    assert_int_equal(a.squash, 0);
    assert_non_null(strstr(diag, "will not see it"));
    qemu_args_free(&a);
}

static void test_squash_absent_means_off(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "s390-ccw-virtio", "-device", "vfio-ccw,devno=0.0.1234,sysfsdev=/x", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_int_equal(a.squash, 0);
    assert_string_equal(arg_after(&a, "-device", 0), "vfio-ccw,devno=0.0.1234,sysfsdev=/x");
    assert_non_null(strstr(diag, "warning"));
    qemu_args_free(&a);
}

static void test_default_css_devno_untouched_and_quiet(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "s390-ccw-virtio,s390-squash-mcss=off", "-device",
                           "vfio-ccw,devno=fe.0.1234,sysfsdev=/x", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_string_equal(arg_after(&a, "-device", 0), "vfio-ccw,devno=fe.0.1234,sysfsdev=/x");
    assert_null(strstr(diag, "warning"));
    qemu_args_free(&a);
}

static void test_squash_keeps_ssid(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-device", "vfio-ccw,sysfsdev=/x,devno=0.2.abcd", "--machine",
                           "s390-squash-mcss=on", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    /* the -machine option held only the squash property, so it is gone */
    assert_null(arg_after(&a, "--machine", 0));
    assert_string_equal(arg_after(&a, "-device", 0), "vfio-ccw,sysfsdev=/x,devno=fe.2.abcd");
    qemu_args_free(&a);
}

static void test_machine_other_properties_kept(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "type=s390-ccw-virtio,s390-squash-mcss=yes,accel=tcg,loadparm=A,,B", "-device",
                           "vfio-ccw,sysfsdev=/x", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_string_equal(arg_after(&a, "-M", 0), "type=s390-ccw-virtio,accel=tcg,loadparm=A,,B");
    assert_int_equal(a.squash, 1);
    qemu_args_free(&a);
}

static void test_bad_squash_value_rejected(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "s390-ccw-virtio,s390-squash-mcss=maybe", NULL };
    assert_int_equal(rewrite(&a, args), -1);
    assert_non_null(strstr(diag, "s390-squash-mcss=maybe"));
    qemu_args_free(&a);
}

static void test_ram_backend_from_m(void **state)
{
    static const struct { const char *m; uint64_t bytes; } cases[] = {
        { "512", 512ull << 20 }, { "512M", 512ull << 20 }, { "1G", 1ull << 30 }, { "1.5G", 3ull << 29 },
        { "size=2G", 2ull << 30 }, { "768m,maxmem=2G", 768ull << 20 }, { "262144k", 256ull << 20 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct qemu_args a;
        char want[128];
        const char *args[] = { "-m", cases[i].m, "-device", "vfio-ccw,sysfsdev=/x", NULL };
        assert_int_equal(rewrite(&a, args), 0);
        assert_true(a.ram_bytes == cases[i].bytes);
        assert_string_equal(arg_after(&a, "-m", 0), cases[i].m);       /* QEMU still gets its -m */
        snprintf(want, sizeof want, "memory-backend-memfd,id=ccwpass-ram,size=%llu,share=on",
                 (unsigned long long)cases[i].bytes);
        assert_string_equal(arg_after(&a, "-object", 0), want);
        assert_string_equal(arg_after(&a, "-machine", 0), "memory-backend=ccwpass-ram");
        qemu_args_free(&a);
    }
}

static void test_default_ram_is_qemus_128m(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-device", "vfio-ccw,sysfsdev=/x", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_false(a.ram_given);
    assert_string_equal(arg_after(&a, "-object", 0), "memory-backend-memfd,id=ccwpass-ram,size=134217728,share=on");
    qemu_args_free(&a);
}

static void test_bad_m_rejected(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-m", "lots", NULL };
    assert_int_equal(rewrite(&a, args), -1);
    qemu_args_free(&a);
}

static void test_backend_also_for_later_hotplug(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-M", "s390-ccw-virtio", "-m", "1G", "-device", "virtio-blk-ccw,drive=d", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    /* no vfio-ccw yet, but device_add may bring one: RAM is shared anyway */
    assert_string_equal(arg_after(&a, "-object", 0), "memory-backend-memfd,id=ccwpass-ram,size=1073741824,share=on");
    assert_int_equal(a.argc, 10);
    assert_string_equal(arg_after(&a, "-device", 0), "virtio-blk-ccw,drive=d");
    assert_string_equal(arg_after(&a, "-M", 0), "s390-ccw-virtio");
    qemu_args_free(&a);
}

static void test_user_backend_respected(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-object", "memory-backend-file,id=m,size=1G,mem-path=/dev/shm/g,share=on",
                           "-M", "s390-ccw-virtio,memory-backend=m", "-device", "vfio-ccw,sysfsdev=/x", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_true(a.user_backend);
    assert_null(arg_after(&a, "-object", 1));
    assert_null(arg_after(&a, "-machine", 0));
    qemu_args_free(&a);
}

static void test_values_that_look_like_options_are_values(void **state)
{
    struct qemu_args a;
    const char *args[] = { "-append", "-m", "-name", "-M", "-device", "driver=vfio-ccw,sysfsdev=/sys/bus/mdev/devices/u",
                           "-S", "-M", "s390-ccw-virtio,s390-squash-mcss=on", NULL };
    assert_int_equal(rewrite(&a, args), 0);
    assert_string_equal(arg_after(&a, "-append", 0), "-m");
    assert_string_equal(arg_after(&a, "-name", 0), "-M");
    assert_string_equal(arg_after(&a, "-device", 0), "driver=vfio-ccw,sysfsdev=/sys/bus/mdev/devices/u");
    assert_false(a.ram_given);
    assert_int_equal(a.squash, 1);
    qemu_args_free(&a);
}

static void test_parse_devno(void **state)
{
    unsigned c, s, d;
    assert_int_equal(qemu_parse_devno("fe.0.1234", &c, &s, &d), 0);
    assert_true(c == 0xfe && s == 0 && d == 0x1234);
    assert_int_equal(qemu_parse_devno("0.3.ffff", &c, &s, &d), 0);
    assert_int_equal(qemu_parse_devno("0.4.1234", &c, &s, &d), -1);
    assert_int_equal(qemu_parse_devno("100.0.1234", &c, &s, &d), -1);
    assert_int_equal(qemu_parse_devno("0.0.12345", &c, &s, &d), -1);
    assert_int_equal(qemu_parse_devno("1234", &c, &s, &d), -1);
    assert_int_equal(qemu_parse_devno("0.0.1234x", &c, &s, &d), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_command_squash_on),
        cmocka_unit_test(test_squash_off_keeps_css_and_warns),
        cmocka_unit_test(test_squash_absent_means_off),
        cmocka_unit_test(test_default_css_devno_untouched_and_quiet),
        cmocka_unit_test(test_squash_keeps_ssid),
        cmocka_unit_test(test_machine_other_properties_kept),
        cmocka_unit_test(test_bad_squash_value_rejected),
        cmocka_unit_test(test_ram_backend_from_m),
        cmocka_unit_test(test_default_ram_is_qemus_128m),
        cmocka_unit_test(test_bad_m_rejected),
        cmocka_unit_test(test_backend_also_for_later_hotplug),
        cmocka_unit_test(test_user_backend_respected),
        cmocka_unit_test(test_values_that_look_like_options_are_values),
        cmocka_unit_test(test_parse_devno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
