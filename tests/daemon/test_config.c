// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd's configuration: bus-id parsing as sysfs writes deliver it
 * (trailing newline), the INI file with its error messages, and the
 * defaults (the seed's device, chpids added for devices that name them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/config.h"

static void test_busids(void **state)
{
    (void)state;
    uint8_t c, s;
    uint16_t n;
    struct schid id;
    assert_int_equal(parse_busid("0.0.7e52", &c, &s, &n), 0);
    assert_int_equal(n, 0x7e52);
    assert_int_equal(parse_busid("0.1.16CA\n", &c, &s, &n), 0);   /* as `echo` writes it */
    assert_int_equal(s, 1);
    assert_int_equal(n, 0x16ca);
    assert_int_equal(parse_schid("3.3.ffff", &id), 0);
    assert_int_equal(id.cssid, 3);
    const char *bad[] = { "", "0.0", "0.0.16c", "0.0.16cab", "0.4.0000", "4.0.0000", "0.0.16cg", "0..16ca",
                          "0.0.16ca\n\n", "x.0.16ca", "0.0.16ca ", "garbage" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_busid(bad[i], &c, &s, &n), -1);
    assert_int_equal(parse_chpid("0.50", &c, &s), 0);
    assert_int_equal(s, 0x50);
    assert_int_equal(parse_chpid("fe", &c, &s), 0);
    assert_int_equal(s, 0xfe);
    assert_int_equal(parse_chpid("0.500", &c, &s), -1);
    assert_int_equal(parse_chpid("9.50", &c, &s), -1);
}

static void test_defaults(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[256];
    cfg_init(&c);
    assert_int_equal(cfg_finish(&c, err, sizeof err), 0);
    assert_int_equal(c.ndev, 1);
    assert_int_equal(c.dev[0].devno, 0x7e52);
    assert_int_equal(c.dev[0].schid.schno, 0x16ca);
    assert_int_equal(c.dev[0].pim, 0x80);
    assert_int_equal(c.dev[0].chpids[0], 0x50);
    assert_int_equal(c.dev[0].cyls, 200);
    assert_int_equal(c.nchp, 1);
    assert_int_equal(c.chp[0].type, 0x1a);
    assert_string_equal(c.socket_path, "/run/ccwpass/ccwpassd.sock");
}

static int load(struct daemon_config *c, const char *text, char *err, size_t errlen)
{
    char path[] = "/tmp/ccwpcfg-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        return -2;
    close(fd);
    cfg_init(c);
    int rc = cfg_load_file(c, path, err, errlen);
    if (rc == 0)
        rc = cfg_finish(c, err, errlen);
    unlink(path);
    return rc;
}

static void test_ini(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[512];
    assert_int_equal(load(&c,
                          "[chpid 0.51]\ntype = 1b\n"
                          "[device 0.0.7e52]\nimage=/x.cckd\nmodel=3390-3\nsubchannel=0.0.16ca\nchpids=50,51\n"
                          "readonly=yes\nssid=0a00\nunit_addr=12\n"
                          "[device 0.0.7e53]\nreadonly=no\nsync=yes\n",
                          err, sizeof err),
                     0);
    assert_int_equal(c.ndev, 2);
    assert_string_equal(c.dev[0].image, "/x.cckd");
    assert_int_equal(c.dev[0].cyls, 3339);
    assert_true(c.dev[0].readonly);
    assert_false(c.dev[0].sync);        /* page-cache durability unless asked */
    assert_true(c.dev[1].sync);
    assert_int_equal(c.dev[0].pim, 0xc0);
    assert_int_equal(c.dev[0].chpids[1], 0x51);
    assert_int_equal(c.dev[0].cu_ssid, 0x0a00);
    assert_int_equal(c.dev[0].unit_addr, 0x12);
    assert_int_equal(c.dev[1].schid.schno, 0x7e53);   /* defaults to the device number */
    assert_int_equal(c.nchp, 2);                        /* 0.50 added as FICON */
    assert_int_equal(c.chp[0].type, 0x1b);
    assert_int_equal(c.chp[1].chpid, 0x50);
    assert_int_equal(c.chp[1].type, 0x1a);

    assert_int_equal(load(&c, "[device 0.0.7e52]\nmodel=3390-7\n", err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: [device 0.0.7e52] bad value for model: '3390-7'"));
    assert_int_equal(load(&c, "[disk 1]\nx=1\n", err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: unknown section [disk 1]"));
    assert_int_equal(load(&c, "[device 0.0.7e52]\nfrobnicate=1\n", err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown key 'frobnicate'"));
    assert_int_equal(load(&c, "[device 0.0.0001]\nsubchannel=0.0.0005\n[device 0.0.0002]\nsubchannel=0.0.0005\n",
                          err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "subchannel 0.0.0005 used by two devices"));
    assert_int_equal(load(&c, "[device 0.0.0001]\nsubchannel=0.1.0005\n", err, sizeof err), -1);
    assert_non_null(strstr(err, "same css and subchannel set"));
    cfg_init(&c);
    assert_int_equal(cfg_load_file(&c, "/nonexistent/ccwpass.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/ccwpass.conf: cannot open"));
}

/* load() and expect failure with `want` in the message. */
static void expect_error(const char *text, const char *want)
{
    static struct daemon_config c;
    char err[512] = "";
    assert_int_equal(load(&c, text, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
}

/* A section without keys is still a section: a mistyped one is an error,
 * not the default device. */
static void test_empty_unknown_section(void **state)
{
    (void)state;
    expect_error("[disk 0.0.7e52]\n",
                 ":1: unknown section [disk 0.0.7e52] (expected [chpid C.XX], [device C.S.DDDD] or [daemon])");
}

static void test_empty_section_bad_devno_digits(void **state)
{
    (void)state;
    expect_error("; two DASDs\n[device 0.0.zzzz]\n", ":2: [device 0.0.zzzz]: '0.0.zzzz' is not a device number");
}

static void test_empty_section_devno_too_long(void **state)
{
    (void)state;
    expect_error("[device 0.0.12345]\n", ":1: [device 0.0.12345]: '0.0.12345' is not a device number");
}

static void test_empty_section_bad_chpid(void **state)
{
    (void)state;
    expect_error("[chpid 0.500]\n", ":1: [chpid 0.500]: '0.500' is not a channel-path id");
}

static void test_section_trailing_words(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e52 0.0.7e53]\nreadonly=yes\n", ":1: unknown section [device 0.0.7e52 0.0.7e53]");
}

/* An empty device section is a mistake (a device whose keys were forgotten
 * or commented out), named with its line; so is an empty file, which would
 * otherwise silently start the built-in default. */
static void test_empty_device_section(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e53]\n",
                 ":1: empty section [device 0.0.7e53] (give it its keys, e.g. image = FILE)");
    /* written on Windows: a byte-order mark, CRLF line ends, a comment after the header */
    expect_error("\xEF\xBB\xBF[device 0.0.7e54] ; spare\r\n", ":1: empty section [device 0.0.7e54]");
    /* not the last one: named at its own line, not at the next header's */
    expect_error("; two devices\n[device 0.0.7e52]\n; image = /x.cckd\n\n[device 0.0.7e53]\nreadonly = yes\n",
                 ":2: empty section [device 0.0.7e52]");
}

static void test_empty_file(void **state)
{
    (void)state;
    expect_error("", ": empty config file: no [device C.S.DDDD] section");
    expect_error("; nothing but a comment\n\n# and another\n", ": empty config file: no [device C.S.DDDD] section");
    expect_error("[chpid 0.50]\ntype = 1a\n", ": no [device C.S.DDDD] section");
}

/* A mistyped key is named as unknown, not as a bad value. */
static void test_unknown_key(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e52]\nsubchanel = 0.0.16ca\n", ":2: unknown key 'subchanel' in [device 0.0.7e52]");
    expect_error("[chpid 0.50]\nkind = 1a\n", ":2: unknown key 'kind' in [chpid 0.50]");
    /* a known key with a wrong value is still a bad value */
    expect_error("[device 0.0.7e52]\npim = zz\n", ":2: [device 0.0.7e52] bad value for pim: 'zz'");
}

/* Two devices on one image file would corrupt it. */
static void test_image_twice(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e52]\nimage = /srv/a.cckd\n[device 0.0.7e53]\nimage = /srv/a.cckd\n",
                 "image /srv/a.cckd is listed twice: devices 0.0.7e52 and 0.0.7e53");
    /* the same file by another name */
    char dir[] = "/tmp/ccwpimg-XXXXXX", text[512];
    assert_non_null(mkdtemp(dir));
    snprintf(text, sizeof text, "%s/a.cckd", dir);
    FILE *f = fopen(text, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(text, sizeof text, "[device 0.0.0001]\nimage = %s/a.cckd\n[device 0.0.0002]\nimage = %s/./a.cckd\n",
             dir, dir);
    char want[256];
    snprintf(want, sizeof want, "image %s/./a.cckd is listed twice: devices 0.0.0001 and 0.0.0002", dir);
    expect_error(text, want);
    snprintf(text, sizeof text, "%s/a.cckd", dir);
    unlink(text);
    rmdir(dir);
}

static void test_config_is_directory(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[512] = "", dir[] = "/tmp/ccwpcfgdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    cfg_init(&c);
    assert_int_equal(cfg_load_file(&c, dir, err, sizeof err), -1);
    rmdir(dir);
    assert_non_null(strstr(err, ": is a directory"));
    assert_int_equal(c.ndev, 0);
}

static void test_duplicate_device_section(void **state)
{
    (void)state;
    /* adjacent: libinih alone would merge the two */
    expect_error("[device 0.0.7e52]\ncyls=10\n[device 0.0.7e52]\nreadonly=yes\n",
                 ":3: duplicate section [device 0.0.7e52] (first at line 1)");
    expect_error("[device 0.0.7e52]\nsync=no\n[device 0.0.7e53]\nsync=no\n[device 0.0.7E52]\n",
                 ":5: duplicate section [device 0.0.7E52] (first at line 1)");
}

static void test_duplicate_chpid_section(void **state)
{
    (void)state;
    expect_error("[chpid 0.50]\ntype=1a\n[chpid 50]\ntype=1b\n", ":3: duplicate section [chpid 50] (first at line 1)");
}

/* n sections "[device 0.0.NNNN]" / "[chpid 0.NN]", each with one key */
static void sections(char *buf, size_t cap, const char *kind, unsigned n)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, !strcmp(kind, "device") ? "[device 0.0.%04x]\nreadonly = no\n" : "[chpid 0.%02x]\ntype = 1a\n",
                                i + 1);
}

static void test_device_limit(void **state)
{
    (void)state;
    char text[4096];
    sections(text, sizeof text, "device", CFG_MAX_DEVICES + 1);
    expect_error(text, ":65: [device 0.0.0021]: too many devices (at most 32)");
}

static void test_chpid_limit(void **state)
{
    (void)state;
    char text[4096];
    sections(text, sizeof text, "chpid", CFG_MAX_CHPIDS + 1);
    expect_error(text, ":65: [chpid 0.21]: too many channel paths (at most 32)");
}

/* libinih reads an indented line after a key as more of that key's value:
 * "  model = 3390-3" would silently become part of the image path. */
static void test_indented_continuation(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e52]\nimage = /x.cckd\n  model = 3390-3\n",
                 ":3: indented line would continue the value of 'image'");
}

static void test_key_outside_section(void **state)
{
    (void)state;
    expect_error("image = /x.cckd\n[device 0.0.7e52]\n", ":1: 'image' outside a [chpid], [device] or [daemon] section");
}

/* The message is the first error's, on its line. */
/* A 3490 beside the 3390: its own subchannel and chpid, an optional
 * cartridge (none = an empty drive), read-only, and a capacity with K/M/G. */
static void test_tape_device(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[512] = "";
    int rc = load(&c,
                  "[device 0.0.7e52]\nsubchannel = 0.0.16ca\n"
                  "[device 0.0.0580]\ntype = 3490\nimage = /t/a.aws\nreadonly = yes\ncapacity = 2M\nchpids = 51\n"
                  "[device 0.0.0581]\ntype = 3490\n"
                  "[device 0.0.0582]\ntype = 3490\ncapacity = 65536\n"
                  "[device 0.0.0583]\ntype = 3490\ncapacity = 1g\n",
                  err, sizeof err);
    if (rc)
        fail_msg("a 3490 configuration is refused: %s", err);
    assert_int_equal(c.ndev, 5);
    assert_int_equal(c.dev[0].type, CFG_DEV_3390);
    assert_int_equal(c.dev[1].type, CFG_DEV_3490);
    assert_string_equal(c.dev[1].image, "/t/a.aws");
    assert_true(c.dev[1].readonly);
    assert_int_equal(c.dev[1].capacity, 2u << 20);
    assert_int_equal(c.dev[1].schid.schno, 0x0580);
    assert_int_equal(c.dev[1].chpids[0], 0x51);
    assert_int_equal(c.dev[2].type, CFG_DEV_3490);
    assert_string_equal(c.dev[2].image, "");          /* empty drive */
    assert_int_equal(c.dev[2].capacity, 0);            /* the tape layer's default */
    assert_int_equal(c.dev[3].capacity, 65536);
    assert_int_equal(c.dev[4].capacity, 1ull << 30);
    assert_int_equal(c.nchp, 2);
}

static void test_tape_bad_values(void **state)
{
    (void)state;
    expect_error("[device 0.0.0580]\ntype = 3480\n", ":2: [device 0.0.0580] bad value for type: '3480'");
    expect_error("[device 0.0.0580]\ntype = 3490\ncapacity = 0\n", "bad value for capacity: '0'");
    expect_error("[device 0.0.0580]\ntype = 3490\ncapacity = 12T\n", "bad value for capacity: '12T'");
    expect_error("[device 0.0.0580]\ntype = 3490\ncapacity = -5M\n", "bad value for capacity: '-5M'");
    expect_error("[device 0.0.0580]\ntype = 3490\ncapacity = 99999999999999999999\n", "bad value for capacity");
    expect_error("[device 0.0.0580]\ntype = 3490\ncapacity = 17179869184G\n", "bad value for capacity");
    expect_error("[device 0.0.0580]\ntype = 3490\nmodel = 3390-3\n",
                 "device 0.0.0580: model/cyls are 3390 keys; a 3490 takes capacity = SIZE");
    expect_error("[device 0.0.7e52]\ncapacity = 1M\n",
                 "device 0.0.7e52: capacity is a 3490 key; a 3390 takes model or cyls");
}

/* shared = yes: a 3390 on a named image; not a 3490, not the default volume. */
static void test_shared(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[512] = "";

    if (load(&c, "[device 0.0.7e52]\nimage = /s/vol.3390\nshared = yes\n[device 0.0.7e53]\nimage = /s/b\n",
             err, sizeof err))
        fail_msg("a shared 3390 is refused: %s", err);
    assert_true(c.dev[0].shared);
    assert_false(c.dev[1].shared);
    expect_error("[device 0.0.7e52]\nimage = /s/v\nshared = maybe\n", ":3: [device 0.0.7e52] bad value for shared: 'maybe'");
    expect_error("[device 0.0.0580]\ntype = 3490\nimage = /t/a.aws\nshared = yes\n",
                 "device 0.0.0580: shared is a 3390 key (a 3490 is not shared)");
    expect_error("[device 0.0.7e52]\nshared = yes\n",
                 "device 0.0.7e52: shared = yes needs image = FILE (the volume the hosts share)");
}

static void test_first_error_reported(void **state)
{
    (void)state;
    expect_error("[device 0.0.7e52]\nmodel=3390-7\nfrobnicate=1\n", ":2: [device 0.0.7e52] bad value for model: '3390-7'");
    expect_error("[device 0.0.7e52]\nno equals sign\nfrobnicate=1\n", ":2: syntax error");
}

/* [daemon] mdevctl_dir: where mdevctl's definitions are read; the default
 * is mdevctl's own /etc/mdevctl.d. */
static void test_daemon_section(void **state)
{
    (void)state;
    static struct daemon_config c;
    char err[512] = "";
    cfg_init(&c);
    assert_string_equal(c.mdevctl_dir, "/etc/mdevctl.d");
    assert_int_equal(load(&c, "[daemon]\nmdevctl_dir = /srv/mdevctl.d\n[device 0.0.7e52]\n"
                              "image = /x.cckd\n", err, sizeof err), 0);
    assert_string_equal(c.mdevctl_dir, "/srv/mdevctl.d");
    assert_int_equal(c.ndev, 1);
    expect_error("[daemon]\nmdevctl_dir = relative/dir\n[device 0.0.7e52]\n",
                 ":2: [daemon] bad value for mdevctl_dir: 'relative/dir' (an absolute directory)");
    expect_error("[daemon]\nimage = /x.cckd\n[device 0.0.7e52]\n", ":2: unknown key 'image' in [daemon]");
    expect_error("[daemon x]\n", ":1: unknown section [daemon x] (expected [chpid C.XX], [device C.S.DDDD] "
                                 "or [daemon])");
    expect_error("[daemon]\nmdevctl_dir = /srv/mdevctl.d\n", ": no [device C.S.DDDD] section");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busids),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_ini),
        cmocka_unit_test(test_daemon_section),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_empty_unknown_section),
        cmocka_unit_test(test_empty_section_bad_devno_digits),
        cmocka_unit_test(test_empty_section_devno_too_long),
        cmocka_unit_test(test_empty_section_bad_chpid),
        cmocka_unit_test(test_section_trailing_words),
        cmocka_unit_test(test_empty_device_section),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_image_twice),
        cmocka_unit_test(test_config_is_directory),
        cmocka_unit_test(test_duplicate_device_section),
        cmocka_unit_test(test_duplicate_chpid_section),
        cmocka_unit_test(test_device_limit),
        cmocka_unit_test(test_chpid_limit),
        cmocka_unit_test(test_indented_continuation),
        cmocka_unit_test(test_key_outside_section),
        cmocka_unit_test(test_first_error_reported),
        cmocka_unit_test(test_tape_device),
        cmocka_unit_test(test_tape_bad_values),
    };
    return cmocka_run_group_tests_name("daemon-config", tests, NULL, NULL);
}
