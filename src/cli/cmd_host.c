// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass host: run a command in a private mount namespace where
 * ccwpassd's view sits at the real sysfs places (/sys/bus/css, …), so the
 * seed's steps, driverctl and friends run unchanged; the rest of the
 * host's /sys stays visible.  See docs/daemon.md, "Host namespace".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cli/cli.h"

#define HOST_DEFAULT_VIEW  "/run/ccwpass/view"
#define HOST_DEFAULT_SHELL "/bin/sh"
#define HOST_SYS           "/sys"
/* driverctl persists overrides here; they belong to the namespace, not to the host. */
#define HOST_DRIVERCTL_DIR "/etc/driverctl.d"
#define HOST_TMPFS_OPTS    "mode=0755"
#define HOST_EXEC_FAILED   127
/* A directory put first on the command's PATH (scripts/s390-tools.sh writes one). */
#define HOST_TOOLS_ENV     "CCWPASS_S390_TOOLS"
#define HOST_DEFAULT_PATH  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * /dev/vfio: the container node is the kernel's (drivers/vfio/container.c:
 * the misc device VFIO_MINOR 196).  A group node's kernel major is dynamic
 * (drivers/vfio/group.c, alloc_chrdev_region); here each group node is a
 * char device that opens like /dev/null, because libvirt's DAC driver opens
 * every file it relabels (to lock it) and fails on a node without a driver,
 * while QEMU's opens of /dev/vfio/... never reach the kernel: the adapter
 * answers them.
 */
#define HOST_DEV             "/dev"
#define HOST_DEV_VFIO        "/dev/vfio"
#define VFIO_CONTAINER_MAJOR 10     /* MISC_MAJOR */
#define VFIO_CONTAINER_MINOR 196
#define VFIO_GROUP_MAJOR     1      /* MEM_MAJOR: /dev/null ... */
#define VFIO_GROUP_MINOR     3      /* ... is 1:3 (drivers/char/mem.c) */
#define VFIO_NODE_PERM       0600
#define VFIO_GROUP_MAX       0xfffff /* group numbers are kernel minors: 20 bits */

static const char *const usage_lines[] = {
    "host [--view DIR] [--] [COMMAND [ARGS...]]",
};

/* The view's directories put at /sys/<path>; the optional ones only if the view has them. */
static const struct {
    const char *path;
    bool optional;
} places[] = {
    { "bus/css", false },
    { "bus/ccw", false },
    { "bus/mdev", false },
    { "devices/css0", false },
    { "class/mdev_bus", true },
    { "kernel/iommu_groups", false },
    { "module/vfio_ccw", true },
};

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Put one entry of the hidden directory (open as @fd) back into the tmpfs at @dir. */
static int restore_entry(int fd, const char *dir, const char *name)
{
    char dst[PATH_MAX], src[PATH_MAX], target[PATH_MAX];
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;      /* gone meanwhile: nothing to restore */
    if ((size_t)snprintf(dst, sizeof dst, "%s/%s", dir, name) >= sizeof dst)
        return -1;
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlinkat(fd, name, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        return symlink(target, dst);
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(dst, st.st_mode & 07777) < 0)
            return -1;
    } else {
        int f = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, st.st_mode & 07777);
        if (f < 0)
            return -1;
        close(f);
    }
    if ((size_t)snprintf(src, sizeof src, "/proc/self/fd/%d/%s", fd, name) >= sizeof src)
        return -1;
    return mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
}

/*
 * sysfs refuses mkdir, so a directory that must gain a mount point is
 * covered by a tmpfs into which each of its old entries is bound back.
 */
static int shadow_dir(const char *dir)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = opendir(dir);
    struct stat st;
    int rc = -1;
    if (!d || fstat(fd, &st) < 0)
        goto out;
    if (mount("tmpfs", dir, "tmpfs", 0, HOST_TMPFS_OPTS) < 0)
        goto out;
    chmod(dir, st.st_mode & 07777);
    rc = 0;
    for (struct dirent *e = readdir(d); e && rc == 0; e = readdir(d)) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc = restore_entry(fd, dir, e->d_name);
    }
out:
    if (d)
        closedir(d);
    close(fd);
    return rc;
}

/* mkdir -p, shadowing a parent that does not allow new entries. */
static int make_dir(const char *path)
{
    char parent[PATH_MAX];
    if (is_dir(path))
        return 0;
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return -1;
    *slash = '\0';
    if (make_dir(parent) < 0)
        return -1;
    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno != EPERM && errno != EACCES && errno != EROFS)
        return -1;
    if (shadow_dir(parent) < 0)
        return -1;
    return mkdir(path, 0755);
}

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "ccwpass: error: %s %s: %s\n", what, path, strerror(errno));
    return -1;
}

static int make_node(const char *name, unsigned major, unsigned minor)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", HOST_DEV_VFIO, name);
    if (mknod(path, S_IFCHR | VFIO_NODE_PERM, makedev(major, minor)) < 0 && errno != EEXIST)
        return -1;
    return chmod(path, VFIO_NODE_PERM);     /* whatever the umask */
}

/* A node for group @n (as a string, from the view) unless it is not a number. */
static int make_group_node(const char *n)
{
    char *end;
    errno = 0;
    unsigned long g = strtoul(n, &end, 10);
    if (*n < '0' || *n > '9' || *end || errno || g > VFIO_GROUP_MAX)
        return 0;
    return make_node(n, VFIO_GROUP_MAJOR, VFIO_GROUP_MINOR);
}

/*
 * Group nodes for every group ccwpassd can hand out: it gives each subchannel
 * it serves a fixed group, its index in the configuration
 * (src/daemon/host.c), so the groups of mdevs created later in this namespace
 * are known now; groups the view already lists are added too.
 */
static int make_group_nodes(const char *view)
{
    char path[PATH_MAX], num[16];
    unsigned nsch = 0;
    struct dirent *e;
    snprintf(path, sizeof path, "%s%s/bus/css/devices", view, HOST_SYS);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    while ((e = readdir(d)))
        nsch += e->d_name[0] != '.';
    closedir(d);
    for (unsigned g = 0; g < nsch; g++) {
        snprintf(num, sizeof num, "%u", g);
        if (make_node(num, VFIO_GROUP_MAJOR, VFIO_GROUP_MINOR) < 0)
            return -1;
    }
    snprintf(path, sizeof path, "%s%s/kernel/iommu_groups", view, HOST_SYS);
    if (!(d = opendir(path)))
        return 0;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)))
        rc = make_group_node(e->d_name);
    closedir(d);
    return rc;
}

/*
 * A tmpfs at /dev/vfio with the container and group nodes (libvirt checks
 * that they exist and opens the group's; QEMU's opens go to the adapter).
 * The host's /dev gets no new entry: without a /dev/vfio there, /dev is
 * shadowed like a sysfs directory, its entries bound back.
 */
static int make_dev_vfio(const char *view)
{
    if (!is_dir(HOST_DEV_VFIO) && (shadow_dir(HOST_DEV) < 0 || mkdir(HOST_DEV_VFIO, 0755) < 0))
        return fail("cannot make", HOST_DEV_VFIO);
    if (mount("tmpfs", HOST_DEV_VFIO, "tmpfs", 0, HOST_TMPFS_OPTS) < 0)
        return fail("cannot mount a tmpfs on", HOST_DEV_VFIO);
    if (make_node("vfio", VFIO_CONTAINER_MAJOR, VFIO_CONTAINER_MINOR) < 0 ||
        make_group_nodes(view) < 0)
        return fail("cannot make the nodes in", HOST_DEV_VFIO);
    return 0;
}

static int enter_namespace(const char *view)
{
    char src[PATH_MAX], dst[PATH_MAX];
    if (unshare(CLONE_NEWNS) < 0) {
        fprintf(stderr, "ccwpass: error: unshare(CLONE_NEWNS): %s (ccwpass host needs root, "
                "i.e. CAP_SYS_ADMIN)\n", strerror(errno));
        return -1;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return fail("cannot make private", "/");
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        snprintf(src, sizeof src, "%s%s/%s", view, HOST_SYS, places[i].path);
        snprintf(dst, sizeof dst, "%s/%s", HOST_SYS, places[i].path);
        if (places[i].optional && !is_dir(src))
            continue;
        if (make_dir(dst) < 0)
            return fail("cannot make the mount point", dst);
        if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
            return fail("cannot bind the view at", dst);
    }
    if (is_dir(HOST_DRIVERCTL_DIR) && mount("tmpfs", HOST_DRIVERCTL_DIR, "tmpfs", 0, HOST_TMPFS_OPTS) < 0)
        return fail("cannot mount a tmpfs on", HOST_DRIVERCTL_DIR);
    return make_dev_vfio(view);
}

/* $CCWPASS_S390_TOOLS, when set, goes first on PATH; one that is not a directory is an error. */
static int add_tools_path(void)
{
    const char *tools = getenv(HOST_TOOLS_ENV);
    if (!tools || !*tools)
        return 0;
    if (!is_dir(tools)) {
        fprintf(stderr, "ccwpass: error: %s=%s is not a directory (scripts/s390-tools.sh makes "
                "guest/out/s390-tools/bin)\n", HOST_TOOLS_ENV, tools);
        return -1;
    }
    const char *path = getenv("PATH");
    char *joined = NULL;
    if (asprintf(&joined, "%s:%s", tools, path && *path ? path : HOST_DEFAULT_PATH) < 0)
        return fail("cannot extend PATH with", tools);
    int rc = setenv("PATH", joined, 1);
    free(joined);
    return rc < 0 ? fail("cannot extend PATH with", tools) : 0;
}

/* `ccwpass host [--view DIR] [--] [COMMAND…]`: see the file comment. */
int cmd_host(int argc, char **argv)
{
    const char *view = getenv("CCWPASS_VIEW");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            cli_usage(stdout, usage_lines, 1, "host", NULL);
            return 0;
        }
        if (!strcmp(argv[i], "--view") && i + 1 < argc) {
            view = argv[++i];
        } else if (!strncmp(argv[i], "--view=", strlen("--view="))) {
            view = argv[i] + strlen("--view=");
        } else if (!strcmp(argv[i], "--view")) {
            fprintf(stderr, "ccwpass host: --view needs a value\n");
            return 2;
        } else {
            fprintf(stderr, "ccwpass host: unknown option '%s'\n", argv[i]);
            cli_usage(stderr, usage_lines, 1, "host", NULL);
            return 2;
        }
    }
    if (!view || !*view)
        view = HOST_DEFAULT_VIEW;
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s%s/bus/css", view, HOST_SYS);
    if (!is_dir(probe)) {
        fprintf(stderr, "ccwpass: error: no ccwpassd view at %s%s (start ccwpassd, or give --view DIR)\n",
                view, HOST_SYS);
        return 1;
    }
    if (add_tools_path() < 0 || enter_namespace(view) < 0)
        return 1;
    const char *shell = getenv("SHELL");
    char *dflt[] = { (char *)(shell && *shell ? shell : HOST_DEFAULT_SHELL), NULL };
    char **cmd = i < argc ? argv + i : dflt;
    execvp(cmd[0], cmd);
    fprintf(stderr, "ccwpass host: cannot run %s: %s\n", cmd[0], strerror(errno));
    return HOST_EXEC_FAILED;
}
