// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adapter's side of the ccwpassd framing (src/daemon/proto.h): requests
 * carry their fds, error replies become -errno without losing the stream,
 * oversized replies are drained, and a stream that is out of step or closed
 * marks the connection broken (the device then reads as not operational).
 * The "daemon" is the other end of a socketpair, its replies queued ahead.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "daemon/proto.h"
#include "qemu/client.h"

static struct ccwq_conn conn;
static int peer;

static int setup(void **state)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return -1;
    memset(&conn, 0, sizeof conn);
    conn.sock = sv[0];
    conn.next_id = 7;
    pthread_mutex_init(&conn.lock, NULL);
    peer = sv[1];
    return 0;
}

static int teardown(void **state)
{
    ccwq_conn_close(&conn);
    close(peer);
    return 0;
}

/* Queues a reply from the "daemon". */
static void queue_reply(uint16_t id, uint16_t cmd, uint32_t flags, uint32_t err, const void *p, size_t len)
{
    struct ccwp_hdr h = { id, cmd, (uint32_t)(sizeof h + len), CCWP_F_REPLY | flags, err };
    assert_int_equal(write(peer, &h, sizeof h), sizeof h);
    if (len)
        assert_int_equal(write(peer, p, len), (ssize_t)len);
}

/* Reads one request the adapter sent; returns its fds in fds[]. */
static struct ccwp_hdr take_request(void *payload, size_t cap, int *fds, int *nfds)
{
    union { char b[CMSG_SPACE(sizeof(int) * CCWP_MAX_FDS)]; struct cmsghdr a; } u;
    struct ccwp_hdr h;
    struct iovec iov = { &h, sizeof h };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
    assert_int_equal(recvmsg(peer, &mh, MSG_WAITALL), sizeof h);
    *nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_type == SCM_RIGHTS) {
            *nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds, CMSG_DATA(c), (size_t)*nfds * sizeof(int));
        }
    size_t len = h.size - sizeof h;
    assert_true(len <= cap);
    if (len)
        assert_int_equal(recv(peer, payload, len, MSG_WAITALL), (ssize_t)len);
    return h;
}

static void test_request_framing_and_fds(void **state)
{
    struct ccwp_dma_map m = { sizeof m, CCWP_DMA_READ, 0, 0, 4096 }, got;
    int efd = eventfd(0, EFD_CLOEXEC), fds[CCWP_MAX_FDS], nfds;
    uint64_t one = 1, v = 0;
    queue_reply(7, CCWP_CMD_DMA_MAP, 0, 0, NULL, 0);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DMA_MAP, &m, sizeof m, &efd, 1, NULL, 0, NULL), 0);
    struct ccwp_hdr h = take_request(&got, sizeof got, fds, &nfds);
    assert_int_equal(h.msg_id, 7);
    assert_int_equal(h.command, CCWP_CMD_DMA_MAP);
    assert_int_equal(h.size, sizeof h + sizeof m);
    assert_int_equal(h.flags & CCWP_F_TYPE_MASK, CCWP_F_COMMAND);
    assert_memory_equal(&got, &m, sizeof m);
    assert_int_equal(nfds, 1);
    assert_int_equal(write(fds[0], &one, sizeof one), sizeof one);   /* the same eventfd */
    assert_int_equal(read(efd, &v, sizeof v), sizeof v);
    assert_true(v == 1);
    close(fds[0]);
    close(efd);
}

static void test_error_reply_keeps_stream(void **state)
{
    uint8_t buf[8];
    int fds[CCWP_MAX_FDS], nfds;
    queue_reply(7, CCWP_CMD_REGION_WRITE, CCWP_F_ERROR, EBUSY, NULL, 0);
    queue_reply(8, CCWP_CMD_DEVICE_RESET, 0, 0, NULL, 0);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_REGION_WRITE, NULL, 0, NULL, 0, buf, sizeof buf, NULL), -EBUSY);
    assert_false(conn.broken);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL), 0);
    take_request(buf, sizeof buf, fds, &nfds);
    take_request(buf, sizeof buf, fds, &nfds);
}

static void test_oversized_reply_is_drained(void **state)
{
    uint8_t big[300], small[16];
    size_t len = 0;
    int fds[CCWP_MAX_FDS], nfds;
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    queue_reply(7, CCWP_CMD_DIRTY, 0, 0, big, sizeof big);
    queue_reply(8, CCWP_CMD_DIRTY, 0, 0, big, 4);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, small, sizeof small, &len), 0);
    assert_int_equal(len, sizeof big);              /* the caller learns the full size */
    assert_memory_equal(small, big, sizeof small);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, small, sizeof small, &len), 0);
    assert_int_equal(len, 4);                       /* still in step */
    take_request(small, sizeof small, fds, &nfds);
    take_request(small, sizeof small, fds, &nfds);
}

static void test_out_of_step_reply_breaks_connection(void **state)
{
    queue_reply(99, CCWP_CMD_DEVICE_RESET, 0, 0, NULL, 0);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL), -EPROTO);
    assert_true(conn.broken);
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL), -ENOTCONN);
}

static void test_daemon_gone(void **state)
{
    shutdown(peer, SHUT_RDWR);
    int rc = ccwq_call(&conn, CCWP_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL);
    assert_true(rc == -EPIPE || rc == -ECONNRESET);
    assert_true(conn.broken);
}

static void test_too_many_fds_refused(void **state)
{
    int fds[CCWP_MAX_FDS + 1] = { 0 };
    assert_int_equal(ccwq_call(&conn, CCWP_CMD_SET_IRQS, NULL, 0, fds, CCWP_MAX_FDS + 1, NULL, 0, NULL), -E2BIG);
    assert_false(conn.broken);
}

static void test_no_daemon_message_names_socket(void **state)
{
    struct ccwq_conn c;
    char err[512];
    assert_int_equal(ccwq_conn_open(&c, "/nonexistent/ccwpassd.sock", err, sizeof err), -ENOENT);
    assert_non_null(strstr(err, "/nonexistent/ccwpassd.sock"));
    assert_non_null(strstr(err, "is ccwpassd running"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_framing_and_fds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_reply_keeps_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_reply_is_drained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_step_reply_breaks_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daemon_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_fds_refused, setup, teardown),
        cmocka_unit_test(test_no_daemon_message_names_socket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
