// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpassd: the host half of vfio-ccw in userspace.  Builds the host
 * channel subsystem from the configuration, starts mdevctl's auto
 * definitions, mounts the
 * sysfs-shaped view and serves VMMs and admins on the socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arch/trace.h"
#include "ccwpass_version.h"
#include "daemon/config.h"
#include "daemon/fsutil.h"
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/mdevctl_def.h"
#include "daemon/proto.h"
#include "daemon/server.h"
#include "daemon/view.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ccwpassd [options]\n"
            "  -c, --config FILE     host channel subsystem ([chpid C.XX], [device C.S.DDDD] sections)\n"
            "      --image FILE      image of the (single) DASD given by the flags below\n"
            "      --devno C.S.DDDD  its device number (default 0.0.7e52)\n"
            "      --schid C.S.SSSS  its subchannel (default 0.0.16ca)\n"
            "      --readonly        attach the image read-only\n"
            "      --sync            write-through: a guest write is on stable storage (fdatasync)\n"
            "                        before the device presents channel end/device end\n"
            "      --socket PATH     VMM/control socket (default %s, or $CCWPASS_SOCKET)\n"
            "      --view DIR        FUSE mount point of the sysfs view (default %s)\n"
            "      --state-dir DIR   images created by default (default %s)\n"
            "      --mdevctl-dir DIR mdevctl's definitions, whose auto ones are started (default %s)\n"
            "      --socket-group G  give the socket (mode 0660) to group G, e.g. libvirt-qemu (default: root's)\n"
            "      --no-fuse         do not mount the view (machines without /dev/fuse)\n"
            "      --foreground      do not detach (log to stderr)\n"
            "      --log-file FILE   also log to FILE (detached: instead of syslog)\n"
            "      --ready-fd N      write \"READY\\n\" to fd N and close it once serving (for supervisors/tests)\n"
            "  -v, --verbose         log every request\n"
            "      --trace LIST      trace areas chan,eckd,tape (or all) to stderr (default: $CCWPASS_TRACE)\n"
            "      --version         print the version and exit\n",
            CCWP_DEFAULT_SOCKET, CFG_DEFAULT_VIEW, CFG_DEFAULT_STATE, CFG_DEFAULT_MDEVCTL);
}

struct flags {
    const char *config, *image, *devno, *schid, *log_file;
    const char *mdevctl_dir;    /* wins over the config file's [daemon] mdevctl_dir */
    const char *socket_group;   /* wins over [daemon] socket_group */
    int ready_fd;
    bool readonly, have_dev;
};

enum { O_IMAGE = 256, O_DEVNO, O_SCHID, O_RO, O_SOCKET, O_VIEW, O_STATE, O_NOFUSE, O_FG, O_READY, O_WSYNC, O_LOGFILE,
       O_VERSION, O_MDEVCTL, O_SOCKGROUP, O_TRACE };

static int parse_args(int argc, char **argv, struct daemon_config *c, struct flags *f)
{
    char terr[128];
    static const struct option opts[] = {
        { "config", required_argument, 0, 'c' },  { "image", required_argument, 0, O_IMAGE },
        { "devno", required_argument, 0, O_DEVNO }, { "schid", required_argument, 0, O_SCHID },
        { "readonly", no_argument, 0, O_RO },      { "socket", required_argument, 0, O_SOCKET },
        { "view", required_argument, 0, O_VIEW },  { "state-dir", required_argument, 0, O_STATE },
        { "no-fuse", no_argument, 0, O_NOFUSE },   { "foreground", no_argument, 0, O_FG },
        { "ready-fd", required_argument, 0, O_READY }, { "sync", no_argument, 0, O_WSYNC },
        { "log-file", required_argument, 0, O_LOGFILE }, { "mdevctl-dir", required_argument, 0, O_MDEVCTL },
        { "socket-group", required_argument, 0, O_SOCKGROUP }, { "trace", required_argument, 0, O_TRACE },
        { "verbose", no_argument, 0, 'v' },        { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, O_VERSION },  { 0, 0, 0, 0 },
    };
    for (int o; (o = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1;) {
        switch (o) {
        case 'c': f->config = optarg; break;
        case O_IMAGE: f->image = optarg; f->have_dev = true; break;
        case O_DEVNO: f->devno = optarg; f->have_dev = true; break;
        case O_SCHID: f->schid = optarg; f->have_dev = true; break;
        case O_RO: f->readonly = true; f->have_dev = true; break;
        case O_SOCKET: snprintf(c->socket_path, sizeof c->socket_path, "%s", optarg); break;
        case O_VIEW: snprintf(c->view_dir, sizeof c->view_dir, "%s", optarg); break;
        case O_STATE: snprintf(c->state_dir, sizeof c->state_dir, "%s", optarg); break;
        case O_MDEVCTL: f->mdevctl_dir = optarg; break;
        case O_SOCKGROUP: f->socket_group = optarg; break;
        case O_TRACE:
            if (trace_configure(optarg, terr, sizeof terr)) {
                fprintf(stderr, "ccwpassd: error: --trace %s: %s\n", optarg, terr);
                return -1;
            }
            break;
        case O_NOFUSE: c->no_fuse = true; break;
        case O_FG: c->foreground = true; break;
        case O_WSYNC: c->sync = true; break;
        case O_READY: f->ready_fd = atoi(optarg); break;
        case O_LOGFILE: f->log_file = optarg; break;
        case 'v': c->verbose = true; break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION: printf("ccwpass %s\n", CCWPASS_VERSION); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ccwpassd: error: unexpected argument '%s' (see ccwpassd --help)\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* The common case from flags: one DASD, seed defaults for what is not given. */
static int flag_device(struct daemon_config *c, const struct flags *f)
{
    uint8_t cssid = 0, ssid = 0;
    uint16_t devno = CFG_DEFAULT_DEVNO;
    struct schid sch = { 0, 0, CFG_DEFAULT_SCHNO };
    if (f->devno && parse_busid(f->devno, &cssid, &ssid, &devno)) {
        fprintf(stderr, "ccwpassd: error: --devno '%s' is not a device number like 0.0.7e52\n", f->devno);
        return -1;
    }
    sch.cssid = cssid;
    sch.ssid = ssid;
    if (f->schid && parse_schid(f->schid, &sch)) {
        fprintf(stderr, "ccwpassd: error: --schid '%s' is not a subchannel id like 0.0.16ca\n", f->schid);
        return -1;
    }
    if (c->ndev == CFG_MAX_DEVICES) {
        fprintf(stderr, "ccwpassd: error: too many devices (at most %d; the flags add one to the config file's)\n", CFG_MAX_DEVICES);
        return -1;
    }
    struct cfg_device *d = &c->dev[c->ndev++];
    cfg_device_defaults(d, devno, sch);
    d->cssid = cssid;
    d->ssid = ssid;
    d->readonly = f->readonly;
    if (f->image)
        snprintf(d->image, sizeof d->image, "%s", f->image);
    return 0;
}

static int ready_fd = -1;
static gid_t socket_gid = (gid_t)-1;

/* --socket-group: a name (or a number) known before anything is created */
static int resolve_group(const char *name)
{
    char *end;
    struct group *g = getgrnam(name);
    unsigned long id = strtoul(name, &end, 10);
    if (g)
        socket_gid = g->gr_gid;
    else if (*name && !*end)
        socket_gid = (gid_t)id;
    else {
        fprintf(stderr, "ccwpassd: error: socket group '%s' does not exist (create it, or give "
                "--socket-group an existing group, e.g. libvirt-qemu)\n", name);
        return -1;
    }
    return 0;
}

/* The socket to its group (mode 0660 from server_init): QEMU run as that group connects. */
static int give_socket(const char *path, char *err, size_t cap)
{
    if (socket_gid == (gid_t)-1 || chown(path, (uid_t)-1, socket_gid) == 0)
        return 0;
    snprintf(err, cap, "socket %s: cannot give it to group %u: %s", path, (unsigned)socket_gid,
             strerror(errno));
    return -1;
}

static int load_config(int argc, char **argv, struct daemon_config *c)
{
    struct flags f = { .ready_fd = -1 };
    char err[512];
    cfg_init(c);
    const char *env = getenv("CCWPASS_SOCKET");
    if (env && *env)
        snprintf(c->socket_path, sizeof c->socket_path, "%s", env);
    if (parse_args(argc, argv, c, &f))
        return -1;
    ready_fd = f.ready_fd;
    if (log_init(f.log_file, !c->foreground, err, sizeof err)) {
        fprintf(stderr, "ccwpassd: %s\n", err);
        return -1;
    }
    if (f.config && cfg_load_file(c, f.config, err, sizeof err)) {
        fprintf(stderr, "ccwpassd: error: %s\n", err);
        return -1;
    }
    if (f.mdevctl_dir)
        snprintf(c->mdevctl_dir, sizeof c->mdevctl_dir, "%s", f.mdevctl_dir);
    if (f.socket_group)
        snprintf(c->socket_group, sizeof c->socket_group, "%s", f.socket_group);
    if (c->socket_group[0] && resolve_group(c->socket_group))
        return -1;
    if (f.have_dev && flag_device(c, &f))
        return -1;
    if (cfg_finish(c, err, sizeof err)) {
        fprintf(stderr, "ccwpassd: error: %s\n", err);
        return -1;
    }
    return 0;
}

#define EXIT_IN_USE 1

/* Does a live daemon accept connections on path?  (A socket file left by a
 * dead one refuses them; server_init replaces it.) */
static bool socket_served(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return false;       /* server_init names the path as too long */
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool live = connect(fd, (const struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return live;
}

/*
 * The socket's directory and the view's mount point can be made (or are
 * there) -- found out here, not by server_init or view_start after volumes
 * were created.  A view that cannot be mounted for want of FUSE stays a
 * warning; a --view path that can never be a mount point is an error.
 */
static int place_checks(const struct daemon_config *c)
{
    struct stat st;
    if (strlen(c->socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "ccwpassd: error: socket path %s is too long (at most %zu bytes; give --socket "
                "a shorter PATH)\n", c->socket_path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
        return -1;
    }
    if (mkdir_parent(c->socket_path) < 0) {
        fprintf(stderr, "ccwpassd: error: socket %s: cannot make its directory: %s (give --socket a "
                "PATH in a directory ccwpassd can write)\n", c->socket_path, strerror(errno));
        return -1;
    }
    if (c->no_fuse)
        return 0;
    if (stat(c->view_dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
    } else if (errno == ENOTCONN || mkdir_p(c->view_dir) == 0) {
        return 0;       /* ENOTCONN: a stale view of a dead ccwpassd, which view_start detaches */
    }
    fprintf(stderr, "ccwpassd: error: view %s: %s (give --view a directory, or --no-fuse)\n",
            c->view_dir, strerror(errno));
    return -1;
}

/*
 * Before anything is created (a volume in the state dir, the socket, the
 * view): a socket or view that another ccwpassd serves is refused here,
 * not found out after host_init has made volumes, or mounted over.
 */
static int startup_checks(const struct daemon_config *c)
{
    char err[PATH_MAX + 128];
    if (socket_served(c->socket_path)) {
        fprintf(stderr, "ccwpassd: error: socket %s is already served by another ccwpassd "
                "(stop that one, or give this one another --socket PATH)\n", c->socket_path);
        return -1;
    }
    if (!c->no_fuse && view_check_free(c->view_dir, err, sizeof err)) {
        fprintf(stderr, "ccwpassd: error: %s\n", err);
        return -1;
    }
    if (place_checks(c))
        return -1;
    return 0;
}

static void notify_ready(int fd)
{
    if (fd < 0)
        return;
    if (write(fd, "READY\n", 6) != 6)
        log_warn("cannot report readiness on fd %d: %s", fd, strerror(errno));
    close(fd);
}

/*
 * Detach before any thread exists (threads do not survive fork).  The
 * parent stays until the daemon is serving, so its exit status still tells
 * whether startup worked; the caller's stderr gets the log until then
 * (log_drop_stderr()).
 */
static int detach(void)
{
    int p[2];
    if (pipe(p)) {
        log_warn("cannot detach: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        log_warn("cannot detach: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid > 0) {
        char buf[8] = "";
        close(p[1]);
        ssize_t n = read(p[0], buf, sizeof buf);
        _exit(n >= 5 && !strncmp(buf, "READY", 5) ? 0 : 1);
    }
    close(p[0]);
    setsid();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        close(null);
    }
    return p[1];
}

int main(int argc, char **argv)
{
    static struct daemon_config cfg;
    static struct host host;
    static struct server srv;
    char err[512] = "";
    signal(SIGPIPE, SIG_IGN);
    /* with SIGINT/SIGTERM still at their default: reading the config and
     * waiting for a detached daemon stay killable */
    if (load_config(argc, argv, &cfg))
        return 2;
    if (startup_checks(&cfg))
        return EXIT_IN_USE;
    int detach_fd = cfg.foreground ? -1 : detach();
    /* before any thread exists (the css starts a worker per subchannel):
     * from here SIGINT/SIGTERM are taken by the event loop's signalfd only
     * (one arriving during the rest of startup waits for it) */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    log_verbose = cfg.verbose;
    if (host_init(&host, &cfg, err, sizeof err)) {
        log_error("%s", err);
        notify_service_failed(err);
        host_fini(&host);
        return 1;
    }
    int started = mdevctl_def_autostart(&host);
    if (server_init(&srv, &host, cfg.socket_path, err, sizeof err)
        || give_socket(cfg.socket_path, err, sizeof err)) {
        log_error("%s", err);
        notify_service_failed(err);
        server_fini(&srv);
        host_fini(&host);
        return 1;
    }
    struct view *view = NULL;
    if (!cfg.no_fuse && !(view = view_start(&host, &srv, cfg.view_dir, err, sizeof err)))
        log_warn("%s; continuing without the view", err);
    log_info("ready: %u subchannel(s), %d mdev(s) started from mdevctl definitions, socket %s", host.nsch, started,
             cfg.socket_path);
    notify_service_ready("serving %u subchannel(s) on %s%s%s", host.nsch, cfg.socket_path,
                         view ? ", view at " : ", no view", view ? cfg.view_dir : "");
    notify_ready(ready_fd);
    if (detach_fd >= 0)
        log_drop_stderr();  /* the launcher exits now: let go of its stderr */
    notify_ready(detach_fd);
    server_run(&srv);
    notify_service_stopping();
    view_stop(view);
    server_fini(&srv);
    host_fini(&host);
    log_info("stopped");
    return 0;
}
