// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass qemu [--socket PATH] [--view DIR] [--dry-run] [QEMU options...]
 *
 * Starts qemu-system-s390x with the ccwpass adapter preloaded (the userspace
 * stand-in for the vfio / vfio_iommu_type1 / vfio_ccw kernel modules), after
 * rewriting the seed's command line for QEMU 7.2:
 *   - s390-squash-mcss=on|off is removed from -M/-machine (QEMU dropped it in
 *     3.x) and applied here: "on" moves every vfio-ccw devno into the default
 *     css 0xfe, which a guest without MCSS-E sees as css 0; "off" leaves the
 *     devno in its css and warns that such a guest will not see it;
 *   - guest RAM becomes a shared memfd (memory-backend-memfd,share=on) of the
 *     -m size, so the daemon can map it for channel-program data transfer
 *     (also for a vfio-ccw device hot-plugged later).
 * Everything else is passed to QEMU unchanged.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "cli/adapter_path.h"
#include "cli/cli.h"
#include "daemon/config.h"
#include "daemon/proto.h"
#include "qemu/launch.h"

/* ---- QEMU option syntax ------------------------------------------------------ */

/* QEMU 7.2 options that take no argument; every other option takes one. */
static const char *const argless[] = {
    "-h", "-help", "-version", "-S", "-s", "-nographic", "-nodefaults", "-no-user-config",
    "-enable-sync-profile", "-mem-prealloc", "-audio-help", "-snapshot", "-usb", "-portrait",
    "-full-screen", "-singlestep", "-preconfig", "-enable-kvm", "-no-reboot", "-no-shutdown",
    "-daemonize", "-only-migratable", "-async-teardown", "-alt-grab", "-ctrl-grab", "-no-quit",
    "-no-fd-bootchk", "-no-acpi", "-no-hpet", "-win2k-hack", "-rtc-td-hack", "-old-param",
    "-semihosting", "-xen-attach", "-xen-domid-restrict",
};

/* "--machine" and "-machine" are the same option. */
static const char *opt_name(const char *arg)
{
    return arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;
}

static bool takes_arg(const char *opt)
{
    for (size_t i = 0; i < sizeof argless / sizeof argless[0]; i++)
        if (!strcmp(opt, argless[i]))
            return false;
    return true;
}

/* Splits a QEMU option value at single commas (",," is an escaped comma). */
static int split_opts(const char *val, char ***out)
{
    size_t n = 0, len = strlen(val);
    char **v = calloc(len + 2, sizeof *v), *cur = malloc(len + 1);
    size_t k = 0;
    if (!v || !cur) {
        free(v);
        free(cur);
        return -1;
    }
    for (size_t i = 0; i <= len; i++) {
        if (val[i] == ',' && val[i + 1] == ',') {
            cur[k++] = ',';
            cur[k++] = ',';
            i++;
        } else if (val[i] == ',' || val[i] == '\0') {
            cur[k] = '\0';
            v[n++] = strdup(cur);
            k = 0;
        } else {
            cur[k++] = val[i];
        }
    }
    free(cur);
    *out = v;
    return (int)n;
}

static void free_opts(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Joins the non-NULL elements with commas. */
static char *join_opts(char **v, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += v[i] ? strlen(v[i]) + 1 : 0;
    char *s = calloc(1, len);
    for (int i = 0; s && i < n; i++) {
        if (!v[i])
            continue;
        if (*s)
            strcat(s, ",");
        strcat(s, v[i]);
    }
    return s;
}

/* "key=value" → value if key matches, else NULL.  A bare "key" means "on". */
static const char *opt_value(const char *elem, const char *key)
{
    size_t kl = strlen(key);
    if (strncmp(elem, key, kl))
        return NULL;
    return elem[kl] == '=' ? elem + kl + 1 : elem[kl] == '\0' ? "on" : NULL;
}

static int parse_bool(const char *v)
{
    static const char *const on[] = { "on", "yes", "true", "y" }, *const off[] = { "off", "no", "false", "n" };
    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, on[i]))
            return 1;
        if (!strcmp(v, off[i]))
            return 0;
    }
    return -1;
}

int qemu_parse_size(const char *s, uint64_t *bytes)
{
    const char *p = !strncmp(s, "size=", 5) ? s + 5 : s;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno || v < 0 || *p == '-')
        return -1;
    uint64_t mult = 1ull << 20;        /* QEMU: a plain number is MiB */
    switch (*end) {
    case 'b': case 'B': mult = 1; end++; break;
    case 'k': case 'K': mult = 1ull << 10; end++; break;
    case 'm': case 'M': mult = 1ull << 20; end++; break;
    case 'g': case 'G': mult = 1ull << 30; end++; break;
    case 't': case 'T': mult = 1ull << 40; end++; break;
    default: break;
    }
    if (*end && *end != ',')
        return -1;
    double b = v * (double)mult;
    if (b >= 18446744073709551615.0 || b < 1)
        return -1;
    *bytes = (uint64_t)b;
    return 0;
}

int qemu_parse_devno(const char *s, unsigned *cssid, unsigned *ssid, unsigned *devno)
{
    char tail;
    if (sscanf(s, "%x.%x.%x%c", cssid, ssid, devno, &tail) != 3 || strspn(s, "0123456789abcdefABCDEF.") != strlen(s))
        return -1;
    return *cssid <= 0xff && *ssid <= 3 && *devno <= 0xffff ? 0 : -1;
}

/* ---- the rewriting ----------------------------------------------------------- */

struct rewriter {
    struct qemu_args *out;
    FILE *diag;
    int cap;
};

static int push(struct rewriter *r, const char *s)
{
    if (r->out->argc + 2 > r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        char **v = realloc(r->out->argv, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        r->out->argv = v;
        r->cap = cap;
    }
    if (!(r->out->argv[r->out->argc] = strdup(s)))
        return -1;
    r->out->argv[++r->out->argc] = NULL;
    return 0;
}

static int push2(struct rewriter *r, const char *a, const char *b)
{
    return push(r, a) || push(r, b) ? -1 : 0;
}

/* First pass: squash setting and -machine memory-backend, from every -M. */
static int scan_machine(struct rewriter *r, const char *val)
{
    char **v;
    int n = split_opts(val, &v);
    for (int i = 0; i < n; i++) {
        const char *sq = opt_value(v[i], "s390-squash-mcss");
        if (sq && (r->out->squash = parse_bool(sq)) < 0) {
            fprintf(r->diag, "ccwpass qemu: s390-squash-mcss=%s: expected on or off\n", sq);
            free_opts(v, n);
            return -1;
        }
        if (opt_value(v[i], "memory-backend"))
            r->out->user_backend = true;
    }
    free_opts(v, n);
    return 0;
}

static int emit_machine(struct rewriter *r, const char *opt, const char *val)
{
    char **v;
    int n = split_opts(val, &v), rc = 0;
    for (int i = 0; i < n; i++)
        if (opt_value(v[i], "s390-squash-mcss")) {
            free(v[i]);
            v[i] = NULL;
        }
    char *joined = join_opts(v, n);
    if (!joined)
        rc = -1;
    else if (*joined)
        rc = push2(r, opt, joined);     /* an -M that only held the squash option goes away */
    free(joined);
    free_opts(v, n);
    return rc;
}

static bool is_vfio_ccw(char **v, int n)
{
    for (int i = 0; i < n; i++) {
        const char *d = opt_value(v[i], "driver");
        if ((i == 0 && !strchr(v[i], '=') && !strcmp(v[i], "vfio-ccw")) || (d && !strcmp(d, "vfio-ccw")))
            return true;
    }
    return false;
}

/* devno=c.s.dddd under the squash setting. */
static char *rewrite_devno(struct rewriter *r, const char *devno)
{
    unsigned css, ss, dev;
    char buf[32];
    if (qemu_parse_devno(devno, &css, &ss, &dev))
        return strdup(devno);           /* QEMU will say what is wrong with it */
    if (r->out->squash == 1 && css != CCWQ_DEFAULT_CSSID) {
        snprintf(buf, sizeof buf, "%x.%x.%04x", CCWQ_DEFAULT_CSSID, ss, dev);
        fprintf(r->diag, "ccwpass qemu: s390-squash-mcss=on: vfio-ccw devno %s placed in the default "
                "css as %s (the guest sees %x.%x.%04x)\n", devno, buf, 0u, ss, dev);
        return strdup(buf);
    }
    if (css != CCWQ_DEFAULT_CSSID)
        fprintf(r->diag, "ccwpass qemu: warning: vfio-ccw devno %s stays in css %x: a guest that does not "
                "enable MCSS-E (Linux does not) will not see it; use -M ...,s390-squash-mcss=on or "
                "devno=%x.%x.%04x\n", devno, css, CCWQ_DEFAULT_CSSID, ss, dev);
    return strdup(devno);
}

static int emit_device(struct rewriter *r, const char *opt, const char *val)
{
    char **v;
    int n = split_opts(val, &v), rc = 0;
    if (!is_vfio_ccw(v, n)) {
        free_opts(v, n);
        return push2(r, opt, val);
    }
    r->out->nvfio++;
    for (int i = 0; i < n && !rc; i++) {
        const char *dn = opt_value(v[i], "devno");
        if (!dn)
            continue;               /* sysfsdev=/sys/...: the adapter maps it into the view */
        char *nv = rewrite_devno(r, dn), *elem = nv ? malloc(strlen(nv) + 7) : NULL;
        if (!elem)
            rc = -1;
        else
            sprintf(elem, "devno=%s", nv);
        free(nv);
        free(v[i]);
        v[i] = elem;
    }
    char *joined = rc ? NULL : join_opts(v, n);
    rc = joined ? push2(r, opt, joined) : -1;
    free(joined);
    free_opts(v, n);
    return rc;
}

static int emit_mem(struct rewriter *r, const char *opt, const char *val)
{
    if (qemu_parse_size(val, &r->out->ram_bytes)) {
        fprintf(r->diag, "ccwpass qemu: -m %s: cannot read the memory size\n", val);
        return -1;
    }
    r->out->ram_bytes = (r->out->ram_bytes + 8191) & ~8191ull;  /* as vl.c aligns -m */
    r->out->ram_given = true;
    return push2(r, opt, val);
}

/*
 * The shared RAM backend ccwpassd maps.  Added even without a vfio-ccw device
 * on the command line, so that one can be hot-plugged with device_add later.
 */
static int add_backend(struct rewriter *r)
{
    char obj[128];
    if (r->out->user_backend) {
        fprintf(r->diag, "ccwpass qemu: using your -machine memory-backend; it must be a shared "
                "memfd backend (memory-backend-memfd,share=on, seal=on as by default) for ccwpassd "
                "to reach guest memory\n");
        return 0;
    }
    snprintf(obj, sizeof obj, "memory-backend-memfd,id=%s,size=%" PRIu64 ",share=on",
             CCWQ_RAM_BACKEND, r->out->ram_bytes);
    return push2(r, "-object", obj) || push2(r, "-machine", "memory-backend=" CCWQ_RAM_BACKEND) ? -1 : 0;
}

static int emit_one(struct rewriter *r, const char *arg, const char *val)
{
    const char *o = opt_name(arg);
    if (!strcmp(o, "-M") || !strcmp(o, "-machine"))
        return emit_machine(r, arg, val);
    if (!strcmp(o, "-device"))
        return emit_device(r, arg, val);
    if (!strcmp(o, "-m"))
        return emit_mem(r, arg, val);
    return push2(r, arg, val);
}

static int first_pass(struct rewriter *r, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *o = opt_name(argv[i]);
        if (argv[i][0] != '-' || !takes_arg(o) || i + 1 >= argc)
            continue;
        if ((!strcmp(o, "-M") || !strcmp(o, "-machine")) && scan_machine(r, argv[i + 1]))
            return -1;
        i++;
    }
    return 0;
}

int qemu_rewrite_args(int argc, char **argv, struct qemu_args *out, FILE *diag)
{
    struct rewriter r = { .out = out, .diag = diag };
    memset(out, 0, sizeof *out);
    out->squash = -1;
    out->ram_bytes = CCWQ_DEFAULT_RAM;
    if (first_pass(&r, argc, argv))
        return -1;
    for (int i = 0; i < argc; i++) {
        const char *o = opt_name(argv[i]);
        int rc = argv[i][0] != '-' || !takes_arg(o) || i + 1 >= argc ? push(&r, argv[i])
                                                                       : emit_one(&r, argv[i], argv[i + 1]);
        if (rc)
            return -1;
        if (argv[i][0] == '-' && takes_arg(o) && i + 1 < argc)
            i++;
    }
    if (out->nvfio && out->squash < 0)
        out->squash = 0;
    return add_backend(&r);
}

void qemu_args_free(struct qemu_args *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->argv[i]);
    free(a->argv);
    a->argv = NULL;
    a->argc = 0;
}

/* ---- finding things and starting QEMU ---------------------------------------- */

static int set_env(const char *adapter, const char *sock, const char *view, const char *qemu)
{
    const char *pre = getenv("LD_PRELOAD");
    char *val = malloc(strlen(adapter) + (pre ? strlen(pre) : 0) + 2);
    if (!val)
        return -1;
    sprintf(val, "%s%s%s", adapter, pre && *pre ? ":" : "", pre && *pre ? pre : "");
    int rc = setenv("LD_PRELOAD", val, 1) | setenv("CCWPASS_SOCKET", sock, 1);
    free(val);
    if (view)
        rc |= setenv("CCWPASS_VIEW", view, 1);
    const char *base = strrchr(qemu, '/');
    if (strncmp(base ? base + 1 : qemu, "qemu-system-s390x", 17))
        rc |= setenv("CCWPASS_ADAPTER_FORCE", "1", 1);  /* not recognisable by name */
    return rc;
}

/* Seconds to wait for a connection: $CCWPASS_TIMEOUT (set by a global
 * --timeout), else the CLI's default. */
static long reach_timeout_s(void)
{
    const char *v = getenv("CCWPASS_TIMEOUT");
    char *end;
    long n = v && *v ? strtol(v, &end, 10) : 0;
    return n > 0 && *end == 0 ? n : CLI_DEFAULT_TIMEOUT_S;
}

/* Is ccwpassd answering on its socket?  0, or the connect() errno (EAGAIN:
 * its listen backlog stayed full for the whole timeout). */
static int daemon_reachable(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timeval tv = { .tv_sec = reach_timeout_s() };
    int e = 0;
    if (strlen(path) >= sizeof sa.sun_path)
        return ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    /* on AF_UNIX the send timeout bounds a connect waiting for backlog room */
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv)
        || connect(fd, (struct sockaddr *)&sa, sizeof sa))
        e = errno;
    close(fd);
    return e;
}

/* Does DIR hold a channel subsystem's sysfs (ccwpassd's view, or / on s390)? */
static bool view_present(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/sys/bus/css", dir) >= sizeof path)
        return false;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static void print_cmd(const char *qemu, const struct qemu_args *a)
{
    static const char *const vars[] = { "LD_PRELOAD", "CCWPASS_SOCKET", "CCWPASS_VIEW", "CCWPASS_ADAPTER_FORCE" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            printf("%s=%s\n", vars[i], getenv(vars[i]));
    printf("%s\n", qemu);
    for (int i = 0; i < a->argc; i++)
        printf("%s\n", a->argv[i]);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: ccwpass qemu [--socket PATH] [--view DIR] [--qemu BINARY] [--dry-run] [QEMU options...]\n"
        "  --socket PATH  ccwpassd's socket (env CCWPASS_SOCKET, default %s)\n"
        "  --view DIR     root of ccwpassd's sysfs view (env CCWPASS_VIEW, default %s;\n"
        "                 / for the host's own /sys)\n"
        "  --qemu BINARY  QEMU to run (env CCWPASS_QEMU, default qemu-system-s390x)\n"
        "  --dry-run      print the environment and command line instead of starting QEMU\n"
        "  -h, --help     this text (QEMU's own help: ccwpass qemu -- -h)\n"
        "QEMU options as in the seed, e.g.\n"
        "  -M s390-ccw-virtio,s390-squash-mcss=on -m 512M\n"
        "  -device vfio-ccw,devno=0.0.1234,sysfsdev=/sys/bus/mdev/devices/$uuid\n"
        "adapter: env CCWPASS_ADAPTER, else ccwpass-qemu.so next to this program's build or install tree\n",
        CCWP_DEFAULT_SOCKET, CFG_DEFAULT_VIEW);
}

struct launch_opts {
    const char *sock, *view, *qemu;
    bool dry_run;
};

/* Launcher options come first; the first other argument starts QEMU's. */
static int parse_launch_opts(int argc, char **argv, struct launch_opts *o)
{
    int i = 1;
    o->sock = getenv("CCWPASS_SOCKET") && *getenv("CCWPASS_SOCKET") ? getenv("CCWPASS_SOCKET") : CCWP_DEFAULT_SOCKET;
    /* the view a ccwpassd started without --view mounts */
    o->view = getenv("CCWPASS_VIEW") && *getenv("CCWPASS_VIEW") ? getenv("CCWPASS_VIEW") : CFG_DEFAULT_VIEW;
    o->qemu = getenv("CCWPASS_QEMU") && *getenv("CCWPASS_QEMU") ? getenv("CCWPASS_QEMU") : "qemu-system-s390x";
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--dry-run"))
            o->dry_run = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h"))   /* QEMU's own: ccwpass qemu -- -h */
            return usage(stdout), -2;
        else if ((!strcmp(a, "--socket") || !strcmp(a, "--view") || !strcmp(a, "--qemu")) && i + 1 < argc)
            *(a[2] == 's' ? &o->sock : a[2] == 'v' ? &o->view : &o->qemu) = argv[++i];
        else if (!strcmp(a, "--"))
            return i + 1;
        else
            break;
    }
    return i;
}

int cmd_qemu(int argc, char **argv)
{
    struct launch_opts o = { 0 };
    struct qemu_args qa;
    char adapter[PATH_MAX];
    int first = parse_launch_opts(argc, argv, &o);

    if (first == -2)
        return 0;
    if (first >= argc) {            /* a bare QEMU would just try to boot nothing */
        usage(stderr);
        return 2;
    }
    if (qemu_rewrite_args(argc - first, argv + first, &qa, stderr))
        return 2;
    if (cli_find_adapter(adapter, sizeof adapter)) {
        fprintf(stderr, "ccwpass qemu: cannot find the adapter ccwpass-qemu.so (set CCWPASS_ADAPTER)\n");
        return 1;
    }
    if (qa.nvfio && !view_present(o.view))
        fprintf(stderr, "ccwpass qemu: warning: %s has no sys/bus/css: not ccwpassd's view? (ccwpassd --view "
                "DIR; point --view/CCWPASS_VIEW at the same DIR)\n", o.view);
    int e = qa.nvfio && !o.dry_run ? daemon_reachable(o.sock) : 0;
    if (e == EAGAIN) {
        fprintf(stderr, "ccwpass qemu: ccwpassd at %s does not take connections within %ld s "
                "(busy or hung? --timeout SECONDS)\n", o.sock, reach_timeout_s());
        qemu_args_free(&qa);
        return 1;
    }
    if (e) {            /* QEMU could not realize the device: say why before starting it */
        fprintf(stderr, "ccwpass qemu: ccwpassd is not running: cannot connect to %s: %s "
                "(start ccwpassd, or point --socket/CCWPASS_SOCKET at it)\n", o.sock, strerror(e));
        qemu_args_free(&qa);
        return 1;
    }
    if (set_env(adapter, o.sock, o.view, o.qemu))
        return 1;
    if (o.dry_run) {
        print_cmd(o.qemu, &qa);
        qemu_args_free(&qa);
        return 0;
    }
    char **args = calloc((size_t)qa.argc + 2, sizeof *args);
    if (!args)
        return 1;
    args[0] = (char *)o.qemu;
    memcpy(args + 1, qa.argv, (size_t)qa.argc * sizeof *args);
    execvp(o.qemu, args);
    fprintf(stderr, "ccwpass qemu: cannot start %s: %s\n", o.qemu, strerror(errno));
    return 127;
}
