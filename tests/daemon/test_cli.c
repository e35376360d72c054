// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `ccwpass status` against daemons that do not answer: a socket that takes
 * the connection but never replies, and a real ccwpassd flooded with idle
 * connections until it runs out of file descriptors.  The CLI must answer or
 * fail with a clear message; it must never hang.  Waits are events (pipe EOF,
 * child exit) with a guard that fails the test instead of hanging it.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "vmmclient.h"

#define GUARD_MS 60000          /* a CLI still running after this has hung */
#define OUT_MAX 8192

struct run {
    int status;                 /* wait status; -1 if it had to be killed */
    char out[OUT_MAX], err[OUT_MAX];
};

/* Drain both pipes until EOF on both (the child exited) or the guard fires. */
static bool drain(int ofd, int efd, struct run *r)
{
    size_t have[2] = { 0, 0 };
    char *buf[2] = { r->out, r->err };
    struct pollfd p[2] = { { .fd = ofd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        int n = poll(p, 2, GUARD_MS);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            ssize_t got = read(p[i].fd, buf[i] + have[i], OUT_MAX - 1 - have[i]);
            if (got <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
            } else {
                have[i] += (size_t)got;
            }
        }
    }
    r->out[have[0]] = r->err[have[1]] = 0;
    return true;
}

/* Run the CLI ($CCWPASS) with argv; the result in r. */
static void run_cli(const char *const *argv, struct run *r)
{
    int o[2], e[2];
    const char *bin = getenv("CCWPASS");
    assert_non_null(bin);
    assert_int_equal(pipe(o), 0);
    assert_int_equal(pipe(e), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(o[1], 1);
        dup2(e[1], 2);
        close(o[0]);
        close(e[0]);
        const char *args[16] = { bin };
        for (int i = 0; argv[i] && i < 14; i++)
            args[i + 1] = argv[i];
        execv(bin, (char *const *)args);
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    memset(r, 0, sizeof *r);
    if (!drain(o[0], e[0], r)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        char cmd[512] = "ccwpass";
        for (int i = 0; argv[i]; i++)
            snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", argv[i]);
        fail_msg("%s: still running after %d s", cmd, GUARD_MS / 1000);
    }
    assert_int_equal(waitpid(pid, &r->status, 0), pid);
}

/* A listening socket at `path` that nobody serves; its address in *addr. */
static int listen_at(const char *path, int backlog, struct sockaddr_un *addr)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    assert_true(strlen(path) < sizeof a.sun_path);
    memcpy(a.sun_path, path, strlen(path) + 1);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(l >= 0);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, backlog), 0);
    if (addr)
        *addr = a;
    return l;
}

/* A socket whose backlog takes the connection, and nobody ever answers. */
static void test_timeout_on_silent_socket(void **state)
{
    (void)state;
    struct dproc d;
    struct run r;
    assert_int_equal(dp_init(&d), 0);
    int l = listen_at(d.sock, 4, NULL);
    const char *argv[] = { "--socket", d.sock, "--timeout", "1", "status", NULL };
    run_cli(argv, &r);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 1);
    if (!strstr(r.err, "no answer from ccwpassd"))
        fail_msg("stderr: %s", r.err);
    assert_non_null(strstr(r.err, d.sock));
    /* a bad value is a usage error, not a hang */
    const char *bad[] = { "--socket", d.sock, "--timeout", "soon", "status", NULL };
    run_cli(bad, &r);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 2);
    assert_non_null(strstr(r.err, "--timeout"));
    close(l);
    dp_cleanup(&d);
}

/* `ccwpass qemu` first checks that ccwpassd takes connections; a daemon whose
 * listen backlog is full must not leave the launcher waiting in connect. */
static void test_launcher_on_full_backlog(void **state)
{
    (void)state;
    enum { MAX_PENDING = 64 };
    int pending[MAX_PENDING], n = 0;
    struct dproc d;
    struct run r;
    assert_int_equal(dp_init(&d), 0);
    struct sockaddr_un a;
    int l = listen_at(d.sock, 0, &a);
    /* fill the backlog: connect without waiting until the kernel says it is full */
    for (; n < MAX_PENDING; n++) {
        pending[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        assert_true(pending[n] >= 0);
        if (connect(pending[n], (struct sockaddr *)&a, sizeof a)) {
            assert_int_equal(errno, EAGAIN);
            break;
        }
    }
    assert_true(n < MAX_PENDING);
    const char *argv[] = { "--socket", d.sock, "--timeout", "1", "qemu", "-device", "vfio-ccw,sysfsdev=/x", NULL };
    run_cli(argv, &r);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 1);
    if (!strstr(r.err, "does not take connections"))
        fail_msg("stderr: %s", r.err);
    for (int i = 0; i <= n; i++)
        close(pending[i]);
    close(l);
    dp_cleanup(&d);
}

/* A blocking connect, bounded by the guard: -1 if the daemon takes no more. */
static int connect_guarded(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    struct timeval tv = { GUARD_MS / 3000, 0 };
    if (strlen(path) >= sizeof a.sun_path)
        return -1;
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    close(fd);
    return -1;
}

/* Issue 7 item 6: idle connections held until the daemon has no fds left;
 * `ccwpass status` still answers, and a VMM that was working keeps working. */
static void test_status_during_connection_flood(void **state)
{
    (void)state;
    enum { FLOOD = 300 };
    static int fds[FLOOD];
    struct dproc d;
    struct run r;
    struct vmm v;
    char image[256];
    uint16_t maj, min;
    assert_int_equal(dp_init(&d), 0);
    d.nofile = 64;
    assert_int_equal(dp_start_image(&d, "flood.3390", 1, image, sizeof image, NULL), 0);
    assert_int_equal(vmm_connect(&v, d.sock), 0);
    assert_int_equal(vmm_map_ram(&v, 1u << 20), 0);   /* a VMM with guest memory */
    int n = 0;
    for (; n < FLOOD; n++) {
        fds[n] = connect_guarded(d.sock);
        if (fds[n] < 0)
            break;
    }
    const char *argv[] = { "--socket", d.sock, "status", NULL };
    run_cli(argv, &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        fail_msg("ccwpass status failed after %d connections: %s", n, r.err);
    assert_non_null(strstr(r.out, "0.0.16ca"));
    assert_int_equal(n, FLOOD);                         /* none of them was left hanging */
    assert_true(dp_log_contains(&d, "closing idle client"));
    assert_int_equal(vmm_version(&v, &maj, &min), 0);   /* the VMM was not the one closed */
    for (int i = 0; i < n; i++)
        close(fds[i]);
    vmm_close(&v);
    assert_int_equal(dp_cleanup(&d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_on_silent_socket),
        cmocka_unit_test(test_launcher_on_full_backlog),
        cmocka_unit_test(test_status_during_connection_flood),
    };
    return cmocka_run_group_tests_name("daemon-cli", tests, NULL, NULL);
}
