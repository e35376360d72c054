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
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "img/image.h"
#include "vmmclient.h"

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

int dp_write_conf(struct dproc *d, const char *name, char *path, size_t cap, const char *fmt, ...)
{
    va_list ap;
    FILE *fp;
    int rc;

    snprintf(path, cap, "%s/%s", d->dir, name);
    fp = fopen(path, "w");
    if (!fp)
        return -1;
    va_start(ap, fmt);
    rc = vfprintf(fp, fmt, ap);
    va_end(ap);
    return fclose(fp) || rc < 0 ? -1 : 0;
}

static void child(struct dproc *d, const char *const *args, bool with_view, int ready_w)
{
    const char *bin = getenv("CCWPASSD");
    char rfd[16];
    const char *argv[48];
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
    for (int i = 0; args && args[i] && n < 47; i++)
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

int dp_stop(struct dproc *d)
{
    int st;
    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    pid_t r;
    do
        r = waitpid(d->pid, &st, 0);
    while (r < 0 && errno == EINTR);
    d->pid = 0;
    return r > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
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

int dp_control(struct dproc *d, const char *json, char **reply)
{
    struct vmm v;
    if (vmm_connect(&v, d->sock))
        return -1;
    int rc = vmm_control(&v, json, reply);
    vmm_close(&v);
    return rc;
}

int dp_make_mdev(struct dproc *d, const char *sch, const char *uuid)
{
    char req[256];
    int rc;
    snprintf(req, sizeof req, "{\"op\":\"unbind\",\"sch\":\"%s\"}", sch);
    if ((rc = dp_control(d, req, NULL)))
        return rc;
    snprintf(req, sizeof req, "{\"op\":\"bind\",\"sch\":\"%s\",\"driver\":\"vfio_ccw\"}", sch);
    if ((rc = dp_control(d, req, NULL)))
        return rc;
    snprintf(req, sizeof req, "{\"op\":\"mdev_create\",\"sch\":\"%s\",\"uuid\":\"%s\"}", sch, uuid);
    return dp_control(d, req, NULL);
}
