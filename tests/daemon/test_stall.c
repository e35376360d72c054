// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One device's slow storage must not stall the others (issue 7, item 5).
 *
 * A VMM leaves while its device is in the middle of a transfer that a clear
 * cannot interrupt (fault `stuck`: slow image storage).  Closing its mdev
 * means a quiesce that waits for the clear's interrupt; before the fix it ran
 * on the daemon's single event loop, so another VMM's Sense ID round trip and
 * every control request waited with it (19 s in the measurement, up
 * to 255 x 3 s).  Now the close runs on the mdev's own queue: the other VMM
 * and the control socket are served meanwhile, a new VMM's ATTACH to the
 * mdev is answered in order once the close is done, and the mdev cannot be
 * removed under the close.
 *
 * Guards (not timings): a VMM's reply that does not come within 20 s fails
 * the test instead of hanging it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM_SIZE (1u << 20)
#define SCH_A DP_SCH_A
#define SCH_B DP_SCH_B
#define GUARD_S 20

struct fx {
    struct dproc d;    /* first: dp_teardown() */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    if (!f || dp_init(&f->d))
        return -1;
    f->d.guard_s = GUARD_S;
    if (dp_start_two(&f->d, "50", "50"))
        return -1;
    *state = f;
    return 0;
}

static void open_vmm(struct fx *f, struct vmm *v, const char *uuid)
{
    assert_int_equal(dp_open_vmm(&f->d, v, uuid, RAM_SIZE), 0);
}

/* Sense ID through the I/O region: the device answers 3990/3390. */
static void sense_id(struct vmm *v)
{
    struct irb irb;

    vmm_put_ccw(v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x2000);
    memset(v->ram + 0x2000, 0, 8);
    assert_int_equal(vmm_run(v, 0x1000, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(v->ram[0x2001], 0x39);
    assert_int_equal(v->ram[0x2002], 0x90);
    assert_int_equal(v->ram[0x2004], 0x33);
    assert_int_equal(v->ram[0x2005], 0x90);
}

static void test_slow_close_does_not_stall_others(void **state)
{
    struct fx *f = *state;
    struct vmm a, b, c;
    struct orb o;
    char *rep = NULL;

    open_vmm(f, &a, TEST_UUID1);
    open_vmm(f, &b, TEST_UUID2);
    sense_id(&b);

    /* A's device is stuck in a transfer that a clear cannot interrupt */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":600000,\"stuck\":1}",
                                NULL), 0);
    vmm_put_ccw(&a, 0x1000, CCW_CMD_NOOP, 0, 1, 0);
    vmm_orb(&o, 0x1000, 1);
    assert_int_equal(vmm_ssch(&a, &o), 0);
    /* the device waits in its command: the clear of A's close will have to
     * wait.  (A subchannel merely active may not have reached the command:
     * a clear then ends the program at once, and the close with it.) */
    assert_int_equal(dp_await_reply(&f->d, "{\"op\":\"status\"}", "\"delays\":1"), 0);
    vmm_close(&a);   /* A leaves: its mdev must be closed, which waits on the device */

    /* the other VMM and the control socket are served meanwhile */
    sense_id(&b);
    sense_id(&b);
    assert_true(dp_reply_has(&f->d, "{\"op\":\"status\"}", "\"sch\":\"" SCH_B "\""));
    /* the close is still waiting: A's mdev can't be removed under it */
    assert_true(dp_reply_has(&f->d, "{\"op\":\"mdev_list\"}", TEST_UUID1));
    assert_int_equal(dp_control(&f->d, "{\"op\":\"mdev_remove\",\"uuid\":\"" TEST_UUID1 "\"}", &rep), EBUSY);
    assert_non_null(strstr(rep, "being released"));
    free(rep);

    /* a new VMM's ATTACH waits its turn behind the close ... */
    struct {
        struct ccwp_hdr h;
        struct ccwp_attach a;
    } req = { .h = { .msg_id = 77, .command = CCWP_CMD_ATTACH, .size = sizeof req, .flags = CCWP_F_COMMAND } };
    struct ccwp_hdr rh;
    size_t rlen;
    snprintf(req.a.uuid, sizeof req.a.uuid, "%s", TEST_UUID1);
    assert_int_equal(vmm_connect(&c, f->d.sock), 0);
    assert_int_equal(vmm_set_guard(&c, GUARD_S), 0);
    assert_int_equal(vmm_map_ram(&c, RAM_SIZE), 0);
    assert_int_equal(vmm_send_raw(&c, &req, sizeof req), 0);
    sense_id(&b);   /* (still serving B while the ATTACH waits) */
    /* ... until the slow transfer, and with it the close, ends */
    assert_int_equal(dp_control(&f->d, "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":0,\"stuck\":0}",
                                NULL), 0);
    assert_int_equal(vmm_recv_reply(&c, &rh, NULL, 0, &rlen), 0);
    assert_int_equal(rh.msg_id, 77);
    assert_int_equal(rh.error, 0);   /* opened: the previous VMM's close was done first */
    assert_int_equal(vmm_setup_irqs(&c), 0);
    sense_id(&c);   /* the device works for the new VMM */
    sense_id(&b);
    vmm_close(&c);
    vmm_close(&b);
    assert_true(dp_log_contains(&f->d, "closed mdev " TEST_UUID1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slow_close_does_not_stall_others, setup, dp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
