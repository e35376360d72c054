// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Protocol robustness: thousands of pseudo-random messages (fixed seed, so
 * every run is the same) -- valid and invalid commands, random payloads and
 * lengths, stray file descriptors, random ORBs written to the I/O region of
 * an attached mdev, shared I/O areas requested (their fds dropped unread),
 * connections dropped at random points.  Every well-framed
 * message must get a reply carrying its msg_id; afterwards the daemon must
 * still run a channel program correctly and exit cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "harness.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define MESSAGES 4000

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned replies, errors, hangups;

static uint32_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static const uint16_t commands[] = {
    CCWP_CMD_VERSION, CCWP_CMD_DMA_MAP, CCWP_CMD_DMA_UNMAP, CCWP_CMD_DEVICE_GET_INFO,
    CCWP_CMD_GET_REGION_INFO, CCWP_CMD_GET_IRQ_INFO, CCWP_CMD_SET_IRQS, CCWP_CMD_REGION_READ,
    CCWP_CMD_REGION_WRITE, CCWP_CMD_DEVICE_RESET, CCWP_CMD_ATTACH, CCWP_CMD_DIRTY, CCWP_CMD_SHM_IO, CCWP_CMD_CONTROL,
    6, 11, 12, 0, 0xFFFF,
};

/* A payload that is often almost right: a plausible struct with random fields. */
static size_t make_payload(uint16_t cmd, uint8_t *p, size_t cap)
{
    size_t len = rnd() % 3 == 0 ? rnd() % 64 : rnd() % 200;
    for (size_t i = 0; i < len && i < cap; i++)
        p[i] = (uint8_t)rnd();
    if (cmd == CCWP_CMD_ATTACH && rnd() % 2) {
        memset(p, 0, 40);
        memcpy(p, TEST_UUID1, 36);
        len = 40;
    } else if (cmd == CCWP_CMD_REGION_WRITE && rnd() % 2) {
        /* the I/O region with a random ORB and a start SCSW */
        struct ccwp_region_access a = { .offset = 0, .region = rnd() % 5, .count = CCW_IO_REGION_SIZE };
        memcpy(p, &a, sizeof a);
        memset(p + sizeof a + 12, 0, 12);
        p[sizeof a + 12 + 1] = 0x40;   /* fctl start */
        len = sizeof a + CCW_IO_REGION_SIZE;
    } else if (cmd == CCWP_CMD_REGION_READ && rnd() % 2) {
        struct ccwp_region_access a = { .offset = rnd() % 160, .region = rnd() % 5, .count = rnd() % 200 };
        memcpy(p, &a, sizeof a);
        len = sizeof a;
    } else if (cmd == CCWP_CMD_CONTROL && rnd() % 4 == 0) {
        len = (size_t)snprintf((char *)p, cap, "%s", rnd() % 2 ? "{\"op\":\"status\"}" : "{\"op\":\"mdev_list\"}");
    }
    return len < cap ? len : cap;
}

static int stray_fd(void)
{
    switch (rnd() % 4) {
    case 0: return eventfd(0, EFD_CLOEXEC);
    case 1: return open("/dev/null", O_RDWR | O_CLOEXEC);
    case 2: {
        int fd = memfd_create("fuzz", MFD_CLOEXEC);   /* 0 to 12 KiB: mostly too small to map */
        if (fd >= 0 && ftruncate(fd, 4096 * (rnd() % 4))) {
            close(fd);
            return -1;
        }
        return fd;
    }
    default: return -1;
    }
}

/* One message; returns false if the connection is gone (by design or not). */
static bool one_message(struct vmm *v)
{
    static uint8_t payload[512];
    uint16_t cmd = commands[rnd() % (sizeof commands / sizeof commands[0])];
    size_t len = make_payload(cmd, payload, sizeof payload);
    int fds[2], nfds = 0;
    if (rnd() % 8 == 0 && (fds[0] = stray_fd()) >= 0)
        nfds = 1;
    if (rnd() % 200 == 0) {
        /* a frame the daemon cannot resynchronise after: it must hang up */
        struct ccwp_hdr h = { .msg_id = 1, .command = cmd, .size = rnd() % 2 ? 3 : CCWP_MAX_MSG + 5 };
        vmm_send_raw(v, &h, sizeof h);
        char c;
        assert_true(recv(v->fd, &c, 1, 0) <= 0);
        hangups++;
        return false;
    }
    int rc = vmm_call(v, cmd, payload, len, fds, (unsigned)nfds, NULL, 0, NULL);
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    assert_true(rc >= 0);   /* a reply with our msg_id came back */
    replies++;
    errors += rc > 0;
    return rnd() % 300 != 0;
}

static void test_random_messages(void **state)
{
    (void)state;
    struct dproc d;
    char image[256];
    assert_int_equal(dp_init(&d), 0);
    assert_int_equal(dp_start_image(&d, "fuzz.3390", 2, image, sizeof image, NULL), 0);
    assert_int_equal(dp_make_mdev(&d, "0.0.16ca", TEST_UUID1), 0);

    struct vmm v;
    assert_int_equal(vmm_connect(&v, d.sock), 0);
    for (unsigned i = 0; i < MESSAGES; i++) {
        if (rnd() % 16 == 0 && v.ram == NULL)
            assert_int_equal(vmm_map_ram(&v, 1u << 20), 0);
        if (!one_message(&v)) {
            vmm_close(&v);
            assert_int_equal(vmm_connect(&v, d.sock), 0);
        }
    }
    vmm_close(&v);
    fprintf(stderr, "# %u replies (%u errors), %u hang-ups on bad frames\n", replies, errors, hangups);
    assert_true(replies + hangups >= MESSAGES * 9 / 10);
    assert_true(errors > 0 && errors < replies);   /* both paths were exercised */

    /* still correct: a fresh VMM runs Sense ID on the same mdev */
    struct irb irb;
    assert_int_equal(dp_open_vmm(&d, &v, TEST_UUID1, 1u << 20), 0);
    assert_int_equal(vmm_call(&v, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL), 0);
    vmm_put_ccw(&v, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 40, 0x2000);
    assert_int_equal(vmm_run(&v, 0x1000, &irb), 0);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(v.ram[0x2000], 0xFF);
    assert_int_equal(v.ram[0x2001], 0x39);
    vmm_close(&v);
    assert_int_equal(dp_stop(&d), 0);
    assert_int_equal(dp_cleanup(&d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_messages),
    };
    return cmocka_run_group_tests_name("daemon-fuzz", tests, NULL, NULL);
}
