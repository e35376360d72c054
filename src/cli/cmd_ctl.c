// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass bind | unbind | mdev | status | fault | chp | tape load|unload:
 * the control verbs.
 * Each builds one JSON request (src/daemon/control.h), sends it to ccwpassd
 * as CCWP_CMD_CONTROL and prints the answer; the daemon applies the same
 * rules as its sysfs view, so scripts work the same with or without FUSE.
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "daemon/proto.h"

#define CTL_MAX_TIMEOUT_S     86400
#define MS_PER_S              1000
#define NS_PER_MS             1000000

struct ctl_opts {
    const char *socket;
    unsigned timeout_s;
    bool json;
    int argc;
    char **argv;     /* verb and its positional arguments */
};

static const char *const usage_lines[] = {
    "bind SCHID vfio_ccw|io_subchannel",
    "unbind SCHID",
    "mdev create SCHID [UUID]      prints the UUID",
    "mdev remove UUID",
    "mdev list",
    "status",
    "fault SCHID [delay_ms=N] [stuck=0|1] [eqc=N] [not_oper=0|1]",
    "chp CHPID on|off",
    "tape load DEVNO FILE [--ro]   insert a cartridge (AWSTAPE or HET) into a 3490 drive",
    "tape unload DEVNO",
};

/* The lines of `verb sub` (all if verb is NULL), then the options every
 * verb here takes. */
static void ctl_usage_of(FILE *f, const char *verb, const char *sub)
{
    cli_usage(f, usage_lines, sizeof usage_lines / sizeof usage_lines[0], verb, sub);
    fprintf(f,
            "options (before or after the verb): --socket PATH, --timeout SECONDS,\n"
            "  --json (print ccwpassd's reply as JSON)\n"
            "The socket is --socket, else $CCWPASS_SOCKET, else %s.\n"
            "A daemon that has not answered within --timeout seconds (default %d) is given up on.\n",
            CCWP_DEFAULT_SOCKET, CLI_DEFAULT_TIMEOUT_S);
}

static int ctl_usage(void)
{
    ctl_usage_of(stderr, NULL, NULL);
    return 2;
}

/* VERB [SUB] ... --help: that verb's usage on stdout, nothing sent. */
static int ctl_help(const struct ctl_opts *o, int first)
{
    ctl_usage_of(stdout, o->argv[first], o->argc > first + 1 ? o->argv[first + 1] : NULL);
    return 0;
}

/* A whole number of seconds, 1 .. CTL_MAX_TIMEOUT_S. */
static int parse_timeout(const char *v, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 1 || n > CTL_MAX_TIMEOUT_S) {
        fprintf(stderr, "ccwpass: --timeout '%s' is not a number of seconds (1 to %d)\n", v, CTL_MAX_TIMEOUT_S);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* Pull --socket/--timeout/--json out of argv wherever they are. */
static int parse_opts(int argc, char **argv, struct ctl_opts *o)
{
    static char *pos[64];
    o->socket = getenv("CCWPASS_SOCKET");
    if (!o->socket || !*o->socket)
        o->socket = CCWP_DEFAULT_SOCKET;
    o->timeout_s = CLI_DEFAULT_TIMEOUT_S;
    const char *env = getenv("CCWPASS_TIMEOUT");
    if (env && *env && parse_timeout(env, &o->timeout_s))
        return -1;
    o->argc = 0;
    o->argv = pos;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc)
            o->socket = argv[++i];
        else if (!strncmp(argv[i], "--socket=", 9))
            o->socket = argv[i] + 9;
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            if (parse_timeout(argv[++i], &o->timeout_s))
                return -1;
        } else if (!strncmp(argv[i], "--timeout=", 10)) {
            if (parse_timeout(argv[i] + 10, &o->timeout_s))
                return -1;
        } else if (!strcmp(argv[i], "--json"))
            o->json = true;
        else if (o->argc < 63)
            pos[o->argc++] = argv[i];
        else
            return -1;
    }
    return 0;
}

/* ---- one request over the socket, within a deadline --------------------------------- */

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * MS_PER_S + t.tv_nsec / NS_PER_MS;
}

/* Milliseconds left until the deadline, at least 0. */
static int left_ms(long long deadline)
{
    long long left = deadline - now_ms();
    return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* Send or receive exactly len bytes before the deadline: 0, -1 if the peer
 * closed or failed, -ETIMEDOUT if the deadline passed. */
static int full_io(int fd, void *buf, size_t len, bool wr, long long deadline)
{
    for (size_t done = 0; done < len;) {
        struct pollfd p = { .fd = fd, .events = wr ? POLLOUT : POLLIN };
        int ready = poll(&p, 1, left_ms(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return -ETIMEDOUT;
        if (ready < 0)
            return -1;
        ssize_t n = wr ? send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT)
                       : recv(fd, (char *)buf + done, len - done, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static void say_timeout(const struct ctl_opts *o)
{
    fprintf(stderr, "ccwpass: no answer from ccwpassd at %s within %u s (busy or hung? --timeout SECONDS)\n",
            o->socket, o->timeout_s);
}

/* Connect; a full listen backlog waits at most until the deadline (the
 * send timeout bounds connect on AF_UNIX). */
static int dial(const struct ctl_opts *o, long long deadline)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    const char *path = o->socket;
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "ccwpass: socket path too long: %s\n", path);
        return -1;
    }
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ms = left_ms(deadline);
    struct timeval tv = { .tv_sec = ms / MS_PER_S, .tv_usec = (ms % MS_PER_S) * MS_PER_S };
    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0
        && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (errno == EAGAIN || errno == EINPROGRESS)
        say_timeout(o);
    else
        fprintf(stderr, "ccwpass: cannot reach ccwpassd at %s: %s (is it running? --socket / $CCWPASS_SOCKET)\n",
                path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Send the request; returns the parsed reply or NULL (message printed). */
static json_object *transact(const struct ctl_opts *o, json_object *req)
{
    const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    size_t len = strlen(text) + 1;
    struct ccwp_hdr h = { .msg_id = 1, .command = CCWP_CMD_CONTROL, .size = (uint32_t)(sizeof h + len) };
    long long deadline = now_ms() + (long long)o->timeout_s * MS_PER_S;
    int fd = dial(o, deadline);
    if (fd < 0)
        return NULL;
    json_object *rep = NULL;
    struct ccwp_hdr rh;
    int rc = full_io(fd, &h, sizeof h, true, deadline);
    if (!rc)
        rc = full_io(fd, (void *)text, len, true, deadline);
    if (!rc)
        rc = full_io(fd, &rh, sizeof rh, false, deadline);
    if (!rc && (rh.size < sizeof rh || rh.size > CCWP_MAX_MSG))
        rc = -1;
    char *body = rc ? NULL : calloc(1, rh.size - sizeof rh + 1);
    if (body)
        rc = full_io(fd, body, rh.size - sizeof rh, false, deadline);
    if (!rc && body)
        rep = json_tokener_parse(body);
    if (rc == -ETIMEDOUT)
        say_timeout(o);
    else if (rc)
        fprintf(stderr, "ccwpass: ccwpassd closed the connection (too many clients, or it stopped)\n");
    else if (!rep)
        fprintf(stderr, "ccwpass: unreadable reply from ccwpassd (error %u: %s)\n", rh.error, strerror((int)rh.error));
    free(body);
    close(fd);
    return rep;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static bool jbool(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

/* Run a request; print errors as "ccwpass: VERB ARG: strerror (detail)". */
static int run(const struct ctl_opts *o, json_object *req, json_object **out)
{
    json_object *rep = transact(o, req);
    json_object_put(req);
    if (!rep)
        return 1;
    if (o->json)
        printf("%s\n", json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PRETTY));
    if (!jbool(rep, "ok")) {
        json_object *e;
        int err = json_object_object_get_ex(rep, "errno", &e) ? json_object_get_int(e) : EIO;
        fprintf(stderr, "ccwpass %s", o->argv[0]);
        for (int i = 1; i < o->argc; i++)
            fprintf(stderr, " %s", o->argv[i]);
        fprintf(stderr, ": %s (%s)\n", strerror(err), jstr(rep, "error"));
        json_object_put(rep);
        return 1;
    }
    if (out)
        *out = rep;
    else
        json_object_put(rep);
    return 0;
}

static json_object *request(const char *op)
{
    json_object *r = json_object_new_object();
    json_object_object_add(r, "op", json_object_new_string(op));
    return r;
}

static void put(json_object *r, const char *k, const char *v)
{
    json_object_object_add(r, k, json_object_new_string(v));
}

/* ---- the verbs ---------------------------------------------------------------------- */

static int verb_bind(const struct ctl_opts *o)
{
    if (o->argc != 3)
        return ctl_usage();
    json_object *r = request("bind");
    put(r, "sch", o->argv[1]);
    put(r, "driver", o->argv[2]);
    return run(o, r, NULL);
}

static int verb_unbind(const struct ctl_opts *o)
{
    if (o->argc != 2)
        return ctl_usage();
    json_object *r = request("unbind");
    put(r, "sch", o->argv[1]);
    return run(o, r, NULL);
}

static void print_mdevs(json_object *rep)
{
    json_object *a;
    if (!json_object_object_get_ex(rep, "mdevs", &a))
        return;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *m = json_object_array_get_idx(a, i);
        printf("%s %s %s %s\n", jstr(m, "uuid"), jstr(m, "parent"), jstr(m, "type"),
               jbool(m, "open") ? "open" : "closed");
    }
}

static int verb_mdev(const struct ctl_opts *o)
{
    const char *sub = o->argc > 1 ? o->argv[1] : "";
    json_object *r, *rep = NULL;
    int rc;
    if (!strcmp(sub, "create") && (o->argc == 3 || o->argc == 4)) {
        r = request("mdev_create");
        put(r, "sch", o->argv[2]);
        if (o->argc == 4)
            put(r, "uuid", o->argv[3]);
        if ((rc = run(o, r, &rep)) == 0 && !o->json)
            printf("%s\n", jstr(rep, "uuid"));
    } else if (!strcmp(sub, "remove") && o->argc == 3) {
        r = request("mdev_remove");
        put(r, "uuid", o->argv[2]);
        rc = run(o, r, NULL);
    } else if (!strcmp(sub, "list") && o->argc == 2) {
        if ((rc = run(o, request("mdev_list"), &rep)) == 0 && !o->json)
            print_mdevs(rep);
    } else {
        return ctl_usage();
    }
    if (rep)
        json_object_put(rep);
    return rc;
}

/* A 3490: its cartridge and position, or that it is empty. */
static void print_tape(json_object *t)
{
    if (!jbool(t, "loaded")) {
        printf("          tape: empty drive\n");
        return;
    }
    printf("          tape: %s (%s%s) at block %s\n", jstr(t, "path"), jstr(t, "format"),
           jbool(t, "readonly") ? ", write-protected" : "", jstr(t, "blockid"));
}

static void print_status(json_object *rep)
{
    json_object *a;
    printf("%-9s %-9s %-14s %-9s %-24s %s\n", "Subchan.", "Device", "Driver", "PIM PAM POM", "CHPIDs", "mdev");
    if (json_object_object_get_ex(rep, "subchannels", &a))
        for (size_t i = 0; i < json_object_array_length(a); i++) {
            json_object *s = json_object_array_get_idx(a, i), *m, *c;
            char mdev[64] = "-";
            if (json_object_object_get_ex(s, "mdev", &m))
                snprintf(mdev, sizeof mdev, "%s (%s%s%s)", jstr(m, "uuid"), jbool(m, "open") ? "open" : "closed",
                         *jstr(m, "vmm_pid") ? " by pid " : "", jstr(m, "vmm_pid"));
            printf("%-9s %-9s %-14s %-11s %-24s %s\n", jstr(s, "sch"), jstr(s, "devno"),
                   *jstr(s, "driver") ? jstr(s, "driver") : "-", jstr(s, "pimpampom"), jstr(s, "chpids"), mdev);
            if (json_object_object_get_ex(s, "ccwdev", &c))
                printf("          ccw device %s: driver %s, %s\n", jstr(c, "busid"),
                       *jstr(c, "driver") ? jstr(c, "driver") : "none", jbool(c, "online") ? "online" : "offline");
            if (json_object_object_get_ex(s, "tape", &c))
                print_tape(c);
            else
                printf("          image %s%s\n", jstr(s, "image"), jbool(s, "readonly") ? " (read-only)" : "");
            if (json_object_object_get_ex(s, "reserve", &c))   /* a shared volume (docs/shared-dasd.md) */
                printf("          shared, reserve: %s (starts held %s, losses %s)\n", jstr(c, "state"),
                       jstr(c, "held"), jstr(c, "lost"));
        }
    if (json_object_object_get_ex(rep, "chpids", &a))
        for (size_t i = 0; i < json_object_array_length(a); i++) {
            json_object *c = json_object_array_get_idx(a, i);
            json_object *v;
            bool varied_off = json_object_object_get_ex(c, "varied_on", &v) && !json_object_get_boolean(v);
            printf("chpid %s type %s %s%s\n", jstr(c, "chpid"), jstr(c, "type"), jbool(c, "online") ? "online" : "offline",
                   varied_off ? ", varied off" : "");
        }
}

static int verb_status(const struct ctl_opts *o)
{
    json_object *rep = NULL;
    if (o->argc != 1)
        return ctl_usage();
    int rc = run(o, request("status"), &rep);
    if (rc == 0 && !o->json)
        print_status(rep);
    if (rep)
        json_object_put(rep);
    return rc;
}

static int verb_fault(const struct ctl_opts *o)
{
    if (o->argc < 3)
        return ctl_usage();
    json_object *r = request("fault");
    put(r, "sch", o->argv[1]);
    for (int i = 2; i < o->argc; i++) {
        char key[32], *end;
        const char *eq = strchr(o->argv[i], '=');
        long long v = eq ? strtoll(eq + 1, &end, 0) : 0;
        if (!eq || eq == o->argv[i] || (size_t)(eq - o->argv[i]) >= sizeof key || !eq[1] || *end
            || (strncmp(o->argv[i], "delay_ms=", 9) && strncmp(o->argv[i], "eqc=", 4)
                && strncmp(o->argv[i], "not_oper=", 9) && strncmp(o->argv[i], "stuck=", 6))) {
            fprintf(stderr, "ccwpass fault: '%s' is not delay_ms=N, stuck=0|1, eqc=N or not_oper=0|1\n",
                    o->argv[i]);
            json_object_put(r);
            return 2;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - o->argv[i]), o->argv[i]);
        json_object_object_add(r, key, json_object_new_int64(v));
    }
    return run(o, r, NULL);
}

static int verb_chp(const struct ctl_opts *o)
{
    if (o->argc != 3 || (strcmp(o->argv[2], "on") && strcmp(o->argv[2], "off")))
        return ctl_usage();
    json_object *r = request("chp");
    put(r, "chpid", o->argv[1]);
    json_object_object_add(r, "online", json_object_new_boolean(!strcmp(o->argv[2], "on")));
    return run(o, r, NULL);
}

/* tape load DEVNO FILE [--ro] | tape unload DEVNO (argv[0] = load|unload). */
static int verb_tape(const struct ctl_opts *o, int first)
{
    const char *sub = o->argc > first ? o->argv[first] : "";
    int n = o->argc - first;
    json_object *r;
    if (!strcmp(sub, "load") && (n == 3 || (n == 4 && !strcmp(o->argv[first + 3], "--ro")))) {
        char path[PATH_MAX];
        if (!realpath(o->argv[first + 2], path)) {     /* the daemon's cwd is not ours */
            fprintf(stderr, "ccwpass tape load: %s: %s\n", o->argv[first + 2], strerror(errno));
            return 1;
        }
        r = request("tape_load");
        put(r, "devno", o->argv[first + 1]);
        put(r, "path", path);
        json_object_object_add(r, "readonly", json_object_new_boolean(n == 4));
    } else if (!strcmp(sub, "unload") && n == 2) {
        r = request("tape_unload");
        put(r, "devno", o->argv[first + 1]);
    } else {
        return ctl_usage();
    }
    return run(o, r, NULL);
}

int cmd_tapectl(int argc, char **argv)
{
    struct ctl_opts o = { 0 };
    if (parse_opts(argc, argv, &o) || o.argc < 1)
        return ctl_usage();
    if (cli_wants_help(o.argc, o.argv)) {
        /* "tape load" is the verb's name in the usage lines */
        char *tv[] = { "tape", o.argv[0] };
        struct ctl_opts t = { .argc = 2, .argv = tv };
        return ctl_help(&t, 0);
    }
    return verb_tape(&o, 0);
}

int cmd_ctl(int argc, char **argv)
{
    struct ctl_opts o = { 0 };
    if (parse_opts(argc, argv, &o) || o.argc < 1)
        return ctl_usage();
    if (cli_wants_help(o.argc, o.argv))
        return ctl_help(&o, 0);
    const char *v = o.argv[0];
    if (!strcmp(v, "bind"))
        return verb_bind(&o);
    if (!strcmp(v, "unbind"))
        return verb_unbind(&o);
    if (!strcmp(v, "mdev"))
        return verb_mdev(&o);
    if (!strcmp(v, "status"))
        return verb_status(&o);
    if (!strcmp(v, "fault"))
        return verb_fault(&o);
    if (!strcmp(v, "chp"))
        return verb_chp(&o);
    return ctl_usage();
}
