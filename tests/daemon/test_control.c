// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd's control rules (CCWP_CMD_CONTROL, the same code as the sysfs
 * view): binding, one mdev per subchannel, EEXIST / EBUSY / REQ on unbind,
 * two VMMs on two mdevs from a config file, fault and channel-path verbs,
 * mdevctl's auto definitions started at a restart, created mdevs not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "img/tape.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)

struct fx {
    struct dproc d;    /* first: dp_teardown() */
    char image[256], image2[256];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || dp_init(&f->d) || dp_start_image(&f->d, "a.3390", 2, f->image, sizeof f->image, NULL))
        return -1;
    *state = f;
    return 0;
}

static int ctl(struct fx *f, const char *json)
{
    return dp_control(&f->d, json, NULL);
}

/* The request gets errno `want` (0: succeeds) and a message containing `needle`. */
static bool error_has(struct fx *f, const char *json, int want, const char *needle)
{
    char *rep = NULL;
    bool ok = dp_control(&f->d, json, &rep) == want && rep && strstr(rep, needle);
    if (!ok)
        fprintf(stderr, "# reply to %s: %s\n", json, rep ? rep : "(none)");
    free(rep);
    return ok;
}

static bool reply_has(struct fx *f, const char *json, const char *needle)
{
    return error_has(f, json, 0, needle);
}

static void test_initial_state(void **state)
{
    struct fx *f = *state;
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"driver\":\"io_subchannel\""));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"busid\":\"0.0.7e52\",\"driver\":\"dasd-eckd\",\"online\":true"));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"pimpampom\":\"80 80 ff\""));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "{\"chpid\":\"0.50\",\"type\":\"1a\",\"online\":true,\"varied_on\":true}"));
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"mdevs\":[]"));
}

static void test_bind_rules(void **state)
{
    struct fx *f = *state;
    /* bound to io_subchannel: binding elsewhere is EBUSY */
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"0.0.16ca\",\"driver\":\"vfio_ccw\"}"), EBUSY);
    assert_int_equal(ctl(f, "{\"op\":\"mdev_create\",\"sch\":\"0.0.16ca\"}"), ENODEV);
    assert_int_equal(ctl(f, "{\"op\":\"unbind\",\"sch\":\"0.0.16ca\"}"), 0);
    assert_int_equal(ctl(f, "{\"op\":\"unbind\",\"sch\":\"0.0.16ca\"}"), ENODEV);
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"0.0.16ca\",\"driver\":\"nosuch\"}"), EINVAL);
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"0.0.0001\",\"driver\":\"vfio_ccw\"}"), ENODEV);
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"zz\",\"driver\":\"vfio_ccw\"}"), ENODEV);
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"0.0.16ca\",\"driver\":\"vfio_ccw\"}"), 0);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"driver\":\"vfio_ccw\""));
    /* the ccw device went away with io_subchannel */
    assert_false(reply_has(f, "{\"op\":\"status\"}", "\"ccwdev\""));
    assert_int_equal(ctl(f, "{\"op\":\"nonsense\"}"), EOPNOTSUPP);
}

static void test_mdev_rules(void **state)
{
    struct fx *f = *state;
    char *rep = NULL;
    assert_int_equal(dp_make_mdev(&f->d, "0.0.16ca", TEST_UUID1), 0);
    assert_int_equal(ctl(f, "{\"op\":\"mdev_create\",\"sch\":\"0.0.16ca\",\"uuid\":\"" TEST_UUID1 "\"}"), EEXIST);
    assert_int_equal(ctl(f, "{\"op\":\"mdev_create\",\"sch\":\"0.0.16ca\",\"uuid\":\"" TEST_UUID2 "\"}"), EUSERS);
    assert_int_equal(ctl(f, "{\"op\":\"mdev_create\",\"sch\":\"0.0.16ca\",\"uuid\":\"123\"}"), EINVAL);
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"uuid\":\"" TEST_UUID1 "\",\"parent\":\"0.0.16ca\","
                          "\"type\":\"vfio_ccw-io\",\"open\":false"));

    /* in use: neither remove nor unbind; unbind asks the VMM via REQ */
    struct vmm v;
    assert_int_equal(dp_open_vmm(&f->d, &v, TEST_UUID1, RAM_SIZE), 0);
    char pid[48];
    snprintf(pid, sizeof pid, "\"open\":true,\"vmm_pid\":%d", (int)getpid());
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", pid));   /* who has it open */
    assert_int_equal(ctl(f, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}"), EBUSY);
    assert_int_equal(dp_control(&f->d, "{\"op\":\"unbind\",\"sch\":\"0.0.16ca\"}", &rep), EBUSY);
    assert_non_null(strstr(rep, "asked to release"));
    free(rep);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_REQ_IRQ_INDEX), 0);
    vmm_close(&v);   /* the VMM lets go */

    assert_int_equal(ctl(f, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}"), 0);
    assert_int_equal(ctl(f, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}"), ENODEV);
    /* an instance is available again; without a uuid one is generated */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"mdev_create\",\"sch\":\"0.0.16ca\"}", &rep), 0);
    assert_non_null(strstr(rep, "\"uuid\":\""));
    free(rep);
    assert_int_equal(ctl(f, "{\"op\":\"unbind\",\"sch\":\"0.0.16ca\"}"), 0);   /* removes the mdev */
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"mdevs\":[]"));
    assert_int_equal(ctl(f, "{\"op\":\"bind\",\"sch\":\"0.0.16ca\",\"driver\":\"io_subchannel\"}"), 0);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"driver\":\"dasd-eckd\",\"online\":false"));
}

static void test_fault_and_chp(void **state)
{
    struct fx *f = *state;
    struct vmm v;
    struct irb irb;
    assert_int_equal(dp_make_mdev(&f->d, "0.0.16ca", TEST_UUID1), 0);
    assert_int_equal(ctl(f, "{\"op\":\"fault\",\"sch\":\"0.0.16ca\",\"eqc\":1}"), 0);
    assert_int_equal(ctl(f, "{\"op\":\"fault\",\"sch\":\"0.0.16ca\",\"eqc\":-1}"), EINVAL);
    assert_int_equal(dp_open_vmm(&f->d, &v, TEST_UUID1, RAM_SIZE), 0);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, 0x2000);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);   /* the injected equipment check */
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_false(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);  /* only one was asked for */

    /* channel path off: a CRW is queued and the path leaves PAM */
    uint32_t crw = 0;
    struct schib s;
    assert_int_equal(ctl(f, "{\"op\":\"chp\",\"chpid\":\"0.50\",\"online\":false}"), 0);
    assert_int_equal(vmm_wait_irq(&v, VFIO_CCW_CRW_IRQ_INDEX), 0);
    assert_int_equal(vmm_read_crw(&v, &crw), 0);
    struct crw cw;
    crw_decode(crw, &cw);
    assert_int_equal(cw.rsc, CRW_RSC_CPATH);
    assert_int_equal(cw.erc, CRW_ERC_PERRN);
    assert_int_equal(cw.rsid, 0x50);
    assert_int_equal(vmm_stsch(&v, &s), 0);
    assert_int_equal(s.pmcw.pam & 0x80, 0);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "{\"chpid\":\"0.50\",\"type\":\"1a\",\"online\":false,\"varied_on\":true}"));
    assert_int_equal(ctl(f, "{\"op\":\"chp\",\"chpid\":\"0.50\",\"online\":true}"), 0);
    assert_int_equal(ctl(f, "{\"op\":\"chp\",\"chpid\":\"0.77\",\"online\":true}"), ENODEV);
    vmm_close(&v);
}

/* mdevctl define's file: <dir>/<parent>/<uuid> */
static void write_definition(const struct fx *f, const char *parent, const char *uuid, const char *json)
{
    char path[512];
    snprintf(path, sizeof path, "%s", f->d.mdevctl);
    assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/%s", f->d.mdevctl, parent);
    assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
    snprintf(path, sizeof path, "%s/%s/%s", f->d.mdevctl, parent, uuid);
    FILE *d = fopen(path, "w");
    assert_non_null(d);
    fprintf(d, "%s\n", json);
    assert_int_equal(fclose(d), 0);
}

/* An mdev created through CONTROL is transient; mdevctl's auto definition
 * is started at the next start, and usable by a VMM. */
static void test_restart_starts_definitions(void **state)
{
    struct fx *f = *state;
    char path[512];
    assert_int_equal(dp_make_mdev(&f->d, "0.0.16ca", TEST_UUID2), 0);
    write_definition(f, "0.0.16ca", TEST_UUID1, "{\"mdev_type\":\"vfio_ccw-io\",\"start\":\"auto\",\"attrs\":[]}");
    assert_int_equal(dp_stop(&f->d), 0);

    const char *args[] = { "--image", f->image, NULL };
    assert_int_equal(dp_start(&f->d, args, false), 0);
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"uuid\":\"" TEST_UUID1 "\""));
    assert_false(reply_has(f, "{\"op\":\"mdev_list\"}", TEST_UUID2));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"driver\":\"vfio_ccw\""));
    struct vmm v;
    assert_int_equal(vmm_connect(&v, f->d.sock), 0);
    assert_int_equal(vmm_map_ram(&v, RAM_SIZE), 0);
    assert_int_equal(vmm_attach(&v, TEST_UUID1), 0);
    vmm_close(&v);

    /* removing the mdev leaves the definition (only mdevctl undefine ends it) */
    assert_int_equal(ctl(f, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}"), 0);
    assert_int_equal(dp_stop(&f->d), 0);
    assert_int_equal(dp_start(&f->d, args, false), 0);
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"uuid\":\"" TEST_UUID1 "\""));

    /* undefined: not back after the next restart */
    snprintf(path, sizeof path, "%s/0.0.16ca/%s", f->d.mdevctl, TEST_UUID1);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(dp_stop(&f->d), 0);
    assert_int_equal(dp_start(&f->d, args, false), 0);
    assert_true(reply_has(f, "{\"op\":\"mdev_list\"}", "\"mdevs\":[]"));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"driver\":\"io_subchannel\""));
}

/* Two devices from a config file; two VMMs run I/O on their own mdevs. */
static void test_two_clients_two_mdevs(void **state)
{
    struct fx *f = *state;
    assert_int_equal(dp_stop(&f->d), 0);
    assert_int_equal(dp_make_image(&f->d, "b.3390", 2, f->image2, sizeof f->image2), 0);
    assert_int_equal(dp_start_conf(&f->d, "ccwpassd.conf", false,
                                   "[chpid 0.50]\ntype=1a\n\n[chpid 0.51]\ntype=1b\n\n"
                                   "[device 0.0.7e52]\nimage=%s\nsubchannel=0.0.16ca\nchpids=50\n\n"
                                   "[device 0.0.7e53]\nimage=%s\nsubchannel=0.0.16cb\nchpids=51\nunit_addr=53\n",
                                   f->image, f->image2), 0);
    assert_int_equal(dp_make_mdevs(&f->d, "0.0.16ca", TEST_UUID1, "0.0.16cb", TEST_UUID2, NULL), 0);

    struct vmm a, b;
    struct orb o;
    struct irb irb;
    struct vmm *vs[2] = { &a, &b };
    const char *uu[2] = { TEST_UUID1, TEST_UUID2 };
    for (int i = 0; i < 2; i++) {
        assert_int_equal(dp_open_vmm(&f->d, vs[i], uu[i], RAM_SIZE), 0);
        vmm_put_ccw(vs[i], 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, 0x2000);
    }
    /* both started before either completes */
    for (int i = 0; i < 2; i++) {
        vmm_orb(&o, 0x1000, (uint32_t)i);
        assert_int_equal(vmm_ssch(vs[i], &o), 0);
    }
    for (int i = 0; i < 2; i++) {
        struct schib s;
        assert_int_equal(vmm_wait_irq(vs[i], VFIO_CCW_IO_IRQ_INDEX), 0);
        assert_int_equal(vmm_read_irb(vs[i], &irb, NULL), 0);
        assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
        assert_int_equal(vs[i]->ram[0x2000], 0xFF);
        assert_int_equal(vmm_stsch(vs[i], &s), 0);
        assert_int_equal(s.pmcw.dev, 0x7e52 + i);
        assert_int_equal(s.pmcw.chpid[0], 0x50 + i);
    }
    vmm_close(&a);
    vmm_close(&b);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "{\"chpid\":\"0.51\",\"type\":\"1b\",\"online\":true,\"varied_on\":true}"));
}

#define TAPE_CMD_WRITE 0x01

/* `path` as json-c writes it in a reply ('/' as '\/'). */
static void json_path(char *out, size_t cap, const char *path)
{
    size_t n = 0;
    for (; *path && n + 3 < cap; path++) {
        if (*path == '/')
            out[n++] = '\\';
        out[n++] = *path;
    }
    out[n] = 0;
}

/* A 3390 and a 3490 (cartridge, 1M capacity, its own subchannel and chpid). */
static void start_with_tape(struct fx *f, char *tape, size_t cap)
{
    char err[256];
    snprintf(tape, cap, "%s/t.aws", f->d.dir);
    struct tape_create_opts co = { .format = TAPE_AWS };
    if (tape_create(tape, &co, err, sizeof err))
        fail_msg("tape_create: %s", err);
    assert_int_equal(dp_stop(&f->d), 0);
    assert_int_equal(dp_start_conf(&f->d, "tape.conf", false,
                                   "[device 0.0.7e52]\nimage=%s\nsubchannel=0.0.16ca\n\n"
                                   "[device 0.0.0580]\ntype = 3490\nimage = %s\ncapacity = 1M\nchpids = 51\n",
                                   f->image, tape), 0);
}

/* The drive is a 3490/50 behind a 3490/50 on subchannel 0.0.0580, driven by
 * tape_34xx on the host until it is given to vfio_ccw like the DASD. */
static void test_tape_drive(void **state)
{
    struct fx *f = *state;
    char tape[256], jtape[512], want[1024];
    start_with_tape(f, tape, sizeof tape);
    json_path(jtape, sizeof jtape, tape);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"sch\":\"0.0.0580\",\"devno\":\"0.0.0580\""));
    assert_true(reply_has(f, "{\"op\":\"status\"}",
                          "\"busid\":\"0.0.0580\",\"driver\":\"tape_34xx\",\"online\":true,"
                          "\"cutype\":\"3490\\/50\",\"devtype\":\"3490\\/50\""));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"cutype\":\"3990\\/e9\",\"devtype\":\"3390\\/0c\""));
    assert_true(reply_has(f, "{\"op\":\"status\"}", "{\"chpid\":\"0.51\",\"type\":\"1a\",\"online\":true,\"varied_on\":true}"));
    snprintf(want, sizeof want, "\"tape\":{\"loaded\":true,\"path\":\"%s\",\"format\":\"aws\",\"readonly\":false,"
             "\"blockid\":0}", jtape);
    assert_true(reply_has(f, "{\"op\":\"status\"}", want));

    /* the guest's view: Sense ID, and a block written moves the position */
    assert_int_equal(dp_make_mdev(&f->d, "0.0.0580", TEST_UUID1), 0);
    struct vmm v;
    struct irb irb;
    assert_int_equal(dp_open_vmm(&f->d, &v, TEST_UUID1, RAM_SIZE), 0);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, 0x2000);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    static const uint8_t id[7] = { 0xFF, 0x34, 0x90, 0x50, 0x34, 0x90, 0x50 };
    assert_memory_equal(&v.ram[0x2000], id, sizeof id);
    memset(&v.ram[0x3000], 0xA5, 100);
    vmm_put_ccw(&v, 0x1000, TAPE_CMD_WRITE, 0, 100, 0x3000);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"blockid\":1}"));
    vmm_close(&v);
}

static void test_tape_load_unload(void **state)
{
    struct fx *f = *state;
    char tape[256], jtape[512], req[512], want[1024];
    start_with_tape(f, tape, sizeof tape);
    json_path(jtape, sizeof jtape, tape);
    assert_int_equal(ctl(f, "{\"op\":\"tape_unload\",\"devno\":\"0.0.0580\"}"), 0);
    assert_true(reply_has(f, "{\"op\":\"status\"}", "\"tape\":{\"loaded\":false}"));
    assert_true(error_has(f, "{\"op\":\"tape_unload\",\"devno\":\"0.0.0580\"}", ENOMEDIUM,
                          "\"error\":\"tape 0580: no cartridge in the drive\""));
    assert_true(error_has(f, "{\"op\":\"tape_load\",\"devno\":\"0.0.0580\",\"path\":\"/nonexistent/x.aws\"}",
                          EINVAL, "\\/nonexistent\\/x.aws"));
    snprintf(req, sizeof req, "{\"op\":\"tape_load\",\"devno\":\"0.0.0580\",\"path\":\"%s\",\"readonly\":true}", tape);
    assert_int_equal(ctl(f, req), 0);
    snprintf(want, sizeof want, "\"tape\":{\"loaded\":true,\"path\":\"%s\",\"format\":\"aws\",\"readonly\":true", jtape);
    assert_true(reply_has(f, "{\"op\":\"status\"}", want));
    assert_true(dp_log_contains(&f->d, "unsolicited device status 85"));   /* "cartridge mounted" */
    assert_int_equal(ctl(f, req), EBUSY);                                 /* one cartridge at a time */
    snprintf(req, sizeof req, "{\"op\":\"tape_load\",\"devno\":\"0.0.7e52\",\"path\":\"%s\"}", tape);
    assert_int_equal(ctl(f, req), ENOTTY);                                /* the 3390 is no tape */
    assert_int_equal(ctl(f, "{\"op\":\"tape_load\",\"devno\":\"0.0.0999\",\"path\":\"/x\"}"), ENODEV);
    assert_int_equal(ctl(f, "{\"op\":\"tape_load\",\"path\":\"/x\"}"), EINVAL);
    assert_int_equal(ctl(f, "{\"op\":\"tape_load\",\"devno\":\"0.0.0580\"}"), EINVAL);
    assert_int_equal(ctl(f, "{\"op\":\"tape_unload\",\"devno\":\"0.0.7e52\"}"), ENOTTY);
}

static void test_bad_config_is_reported(void **state)
{
    struct fx *f = *state;
    char cfg[512];
    assert_int_equal(dp_stop(&f->d), 0);
    assert_int_equal(dp_write_conf(&f->d, "bad.conf", cfg, sizeof cfg, "[device 0.0.7e52]\nsubchannel=0.0.16ca\nchpids=zz\n"), 0);
    const char *args[] = { "-c", cfg, NULL };   /* the short option */
    assert_int_not_equal(dp_start(&f->d, args, false), 0);
    assert_true(dp_log_contains(&f->d, "bad value for chpids"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_state, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_bind_rules, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_mdev_rules, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_fault_and_chp, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_restart_starts_definitions, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_two_clients_two_mdevs, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_bad_config_is_reported, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_tape_drive, setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_tape_load_unload, setup, dp_teardown),
    };
    return cmocka_run_group_tests_name("daemon-control", tests, NULL, NULL);
}
