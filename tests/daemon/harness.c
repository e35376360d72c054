// SPDX-License-Identifier: GPL-2.0-or-later
/* Running a real ccwpassd for the tests (see harness.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "img/image.h"
#include "vmmclient.h"

#define MAX_ARGS 48
#define MS_PER_S 1000
#define NS_PER_MS 1000000L

int dp_init(struct dproc *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "/tmp/ccwpd-XXXXXX");
    if (!mkdtemp(d->dir))
        return -1;
    snprintf(d->sock, sizeof d->sock, "%s/sock", d->dir);
    snprintf(d->state, sizeof d->state, "%s/state", d->dir);
    snprintf(d->log, sizeof d->log, "%s/log", d->dir);
    snprintf(d->mdevctl, sizeof d->mdevctl, "%s/mdevctl.d", d->dir);
    snprintf(d->view, sizeof d->view, "%s/view", d->dir);
    return 0;
}

int dp_make_image(struct dproc *d, const char *name, uint32_t cyls, char *path, size_t cap)
{
    char err[256];
    struct img_create_opts o = { .devtype = 0x3390, .cyls = cyls, .format = IMG_CKD, .linux_null = true,
                                 .volser = "TST001" };
    snprintf(path, cap, "%s/%s", d->dir, name);
    if (img_create(path, &o, err, sizeof err) < 0) {
        fprintf(stderr, "# img_create: %s\n", err);
        return -1;
    }
    return 0;
}

/* dp_write_conf() with a va_list. */
static int write_conf(struct dproc *d, const char *name, char *path, size_t cap, const char *fmt, va_list ap)
{
    FILE *fp;
    int rc;

    snprintf(path, cap, "%s/%s", d->dir, name);
    fp = fopen(path, "w");
    if (!fp)
        return -1;
    rc = vfprintf(fp, fmt, ap);
    return fclose(fp) || rc < 0 ? -1 : 0;
}

int dp_write_conf(struct dproc *d, const char *name, char *path, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = write_conf(d, name, path, cap, fmt, ap);
    va_end(ap);
    return rc;
}

/* The forked child: its stdio to the log and /dev/null, then exec ccwpassd. */
static void child(struct dproc *d, const char *const *args, bool with_view, int ready_w)
{
    const char *bin = getenv("CCWPASSD");
    char rfd[16];
    const char *argv[MAX_ARGS];
    int n = 0;
    snprintf(rfd, sizeof rfd, "%d", ready_w);
    argv[n++] = bin;
    argv[n++] = "--foreground";
    argv[n++] = "--socket";
    argv[n++] = d->sock;
    argv[n++] = "--state-dir";
    argv[n++] = d->state;
    argv[n++] = "--mdevctl-dir";
    argv[n++] = d->mdevctl;
    argv[n++] = "--ready-fd";
    argv[n++] = rfd;
    if (with_view) {
        argv[n++] = "--view";
        argv[n++] = d->view;
    } else {
        argv[n++] = "--no-fuse";
    }
    for (int i = 0; args && args[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (d->nofile) {
        struct rlimit rl = { d->nofile, d->nofile };
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* never hold the test's stdout/stderr: a daemon left behind by a failed
     * test must not keep the test runner waiting for EOF */
    int log = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null = open("/dev/null", O_RDWR);
    if (log >= 0) {
        dup2(log, 2);
        close(log);
    }
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        close(null);
    }
    execv(bin, (char *const *)argv);
    fprintf(stderr, "exec %s: %s\n", bin ? bin : "(CCWPASSD unset)", strerror(errno));
    _exit(127);
}

int dp_start(struct dproc *d, const char *const *args, bool with_view)
{
    int p[2];
    if (pipe(p))
        return -1;
    d->pid = fork();
    if (d->pid == 0) {
        close(p[0]);
        child(d, args, with_view, p[1]);
    }
    close(p[1]);
    /* wait for READY (or EOF if the daemon failed) -- an event, not a sleep */
    char buf[16] = "";
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    ssize_t n = poll(&pf, 1, VMM_TIMEOUT_MS) == 1 ? read(p[0], buf, sizeof buf - 1) : -1;
    close(p[0]);
    if (n < 6 || strncmp(buf, "READY", 5)) {
        fprintf(stderr, "# ccwpassd did not become ready; its log:\n");
        char cmd[300];
        snprintf(cmd, sizeof cmd, "sed 's/^/# /' %s >&2", d->log);
        if (system(cmd) < 0)
            return -1;
        dp_stop(d);
        return -1;
    }
    return 0;
}

int dp_start_image(struct dproc *d, const char *name, uint32_t cyls, char *image, size_t cap,
                   const char *const *extra)
{
    const char *args[MAX_ARGS] = { "--image", image };
    int n = 2;

    if (dp_make_image(d, name, cyls, image, cap))
        return -1;
    for (int i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    return dp_start(d, args, false);
}

int dp_start_conf(struct dproc *d, const char *name, bool with_view, const char *fmt, ...)
{
    char conf[256];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = write_conf(d, name, conf, sizeof conf, fmt, ap);
    va_end(ap);
    if (rc) {
        fprintf(stderr, "# cannot write %s/%s\n", d->dir, name);
        return -1;
    }
    const char *args[] = { "--config", conf, NULL };
    return dp_start(d, args, with_view);
}

int dp_start_two(struct dproc *d, const char *chpids_a, const char *chpids_b)
{
    char a[256], b[256];

    if (dp_make_image(d, "a.3390", 1, a, sizeof a) || dp_make_image(d, "b.3390", 1, b, sizeof b))
        return -1;
    if (dp_start_conf(d, "two.conf", false,
                      "[device 0.0.7e52]\nimage = %s\nsubchannel = %s\nchpids = %s\n\n"
                      "[device 0.0.7e53]\nimage = %s\nsubchannel = %s\nchpids = %s\n",
                      a, DP_SCH_A, chpids_a, b, DP_SCH_B, chpids_b))
        return -1;
    return dp_make_mdevs(d, DP_SCH_A, TEST_UUID1, DP_SCH_B, TEST_UUID2, NULL) ? -1 : 0;
}

/* Wait for the exit, at most DP_STOP_GUARD_S: true if it came. */
static bool exited_within_guard(pid_t pid)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd p = { .fd = pfd, .events = POLLIN };
    int n;

    if (pfd < 0) {
        fprintf(stderr, "# pidfd_open: %s; waiting for ccwpassd without a bound\n", strerror(errno));
        return true;
    }
    do
        n = poll(&p, 1, DP_STOP_GUARD_S * MS_PER_S);
    while (n < 0 && errno == EINTR);
    close(pfd);
    return n == 1;
}

int dp_stop(struct dproc *d)
{
    bool hung = false;
    int st = 0;
    pid_t r;

    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    if (!exited_within_guard(d->pid)) {
        fprintf(stderr, "# ccwpassd did not exit within %d s of SIGTERM\n", DP_STOP_GUARD_S);
        kill(d->pid, SIGKILL);
        hung = true;
    }
    do
        r = waitpid(d->pid, &st, 0);
    while (r < 0 && errno == EINTR);
    d->pid = 0;
    return r > 0 && !hung && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

unsigned dp_log_count(const struct dproc *d, const char *needle)
{
    FILE *f = fopen(d->log, "r");
    char line[1024];
    unsigned n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return n;
}

bool dp_log_contains(const struct dproc *d, const char *needle)
{
    return dp_log_count(d, needle) > 0;
}

int dp_cleanup(struct dproc *d)
{
    char cmd[300];
    int rc = 0;
    if (d->pid > 0)
        dp_stop(d);
    if (!d->dir[0])
        return 0;
    if (dp_log_contains(d, "Sanitizer") || dp_log_contains(d, "runtime error")) {
        fprintf(stderr, "# ccwpassd reported a sanitizer error; its log:\n");
        snprintf(cmd, sizeof cmd, "sed 's/^/# /' %s >&2", d->log);
        if (system(cmd) < 0)
            fprintf(stderr, "# (cannot show %s)\n", d->log);
        rc = -1;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "# cannot remove %s\n", d->dir);
    return rc;
}

int dp_teardown(void **state)
{
    struct dproc *d = *state;
    int rc = dp_cleanup(d);

    free(d);
    return rc;
}

int dp_control(struct dproc *d, const char *json, char **reply)
{
    struct vmm v;
    int rc;

    if (vmm_connect(&v, d->sock))
        return -1;
    if (d->guard_s && vmm_set_guard(&v, d->guard_s)) {
        vmm_close(&v);
        return -1;
    }
    rc = vmm_control(&v, json, reply);
    vmm_close(&v);
    return rc;
}

bool dp_reply_has(struct dproc *d, const char *json, const char *needle)
{
    char *rep = NULL;
    bool has = dp_control(d, json, &rep) == 0 && rep && strstr(rep, needle);

    free(rep);
    return has;
}

/* CLOCK_MONOTONIC in milliseconds (for the guard of dp_await_reply()). */
static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

int dp_await_reply(struct dproc *d, const char *json, const char *needle)
{
    long limit = d->guard_s ? (long)d->guard_s * MS_PER_S : VMM_TIMEOUT_MS;
    long end = now_ms() + limit;

    while (!dp_reply_has(d, json, needle)) {
        if (now_ms() > end) {
            fprintf(stderr, "# no '%s' in the reply to %s within %ld ms\n", needle, json, limit);
            return ETIMEDOUT;
        }
    }
    return 0;
}

int dp_make_mdev(struct dproc *d, const char *sch, const char *uuid)
{
    char req[256];
    int rc;

    snprintf(req, sizeof req, "{\"op\":\"unbind\",\"sch\":\"%s\"}", sch);
    rc = dp_control(d, req, NULL);
    if (rc)
        return rc;
    snprintf(req, sizeof req, "{\"op\":\"bind\",\"sch\":\"%s\",\"driver\":\"vfio_ccw\"}", sch);
    rc = dp_control(d, req, NULL);
    if (rc)
        return rc;
    snprintf(req, sizeof req, "{\"op\":\"mdev_create\",\"sch\":\"%s\",\"uuid\":\"%s\"}", sch, uuid);
    return dp_control(d, req, NULL);
}

int dp_make_mdevs(struct dproc *d, ...)
{
    const char *sch, *uuid;
    va_list ap;
    int rc = 0;

    va_start(ap, d);
    for (sch = va_arg(ap, const char *); sch && !rc; sch = va_arg(ap, const char *)) {
        uuid = va_arg(ap, const char *);
        rc = dp_make_mdev(d, sch, uuid);
    }
    va_end(ap);
    return rc;
}

int dp_open_vmm(struct dproc *d, struct vmm *v, const char *uuid, uint64_t ram)
{
    const char *step = "connect";
    int rc = vmm_connect(v, d->sock);

    if (rc)
        goto fail;
    step = "guard";
    if (d->guard_s && vmm_set_guard(v, d->guard_s)) {
        rc = -1;
        goto fail_close;
    }
    step = "map RAM";
    rc = vmm_map_ram(v, ram);
    if (rc)
        goto fail_close;
    step = "attach";
    rc = vmm_attach(v, uuid);
    if (rc)
        goto fail_close;
    step = "set up the eventfds";
    rc = vmm_setup_irqs(v);
    if (!rc)
        return 0;
fail_close:
    vmm_close(v);
fail:
    fprintf(stderr, "# test VMM on mdev %s: %s: %d (%s)\n", uuid, step, rc, rc > 0 ? strerror(rc) : "no answer");
    return -1;
}
