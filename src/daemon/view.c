// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FUSE glue for the sysfs-shaped view (libfuse3 high-level API), served from
 * the daemon's epoll loop through the session fd.
 */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "daemon/view.h"
#include "daemon/view_perm.h"
#include "daemon/view_tree.h"
#include "daemon/fsutil.h"

#define ATTR_SIZE 4096   /* what sysfs reports for every attribute */
#define MODE_DIR  0755
#define MODE_LINK 0777
#define MODE_SHOW 0444   /* sysfs: readable by all ... */
#define MODE_STORE 0200  /* ... writable by root only */

struct view {
    struct host *host;
    struct view_cred owner;   /* shown on every file: the daemon's ids (root) */
    struct fuse *fuse;
    struct fuse_session *se;
    struct server *srv;
    struct server_watch w;
    struct fuse_buf buf;
    char dir[4096];
};

static struct view *the_view(void)
{
    return fuse_get_context()->private_data;
}

static struct host *the_host(void)
{
    return the_view()->host;
}

/* Permission bits of a node, as getattr shows them. */
static mode_t node_mode(const struct vnode *n)
{
    if (n->kind == VN_DIR)
        return MODE_DIR;
    if (n->kind == VN_LINK)
        return MODE_LINK;
    return (n->attr->show ? MODE_SHOW : 0) | (n->attr->store ? MODE_STORE : 0);
}

/* Whether the process making the current request may access n (want:
 * VIEW_MAY_*).  The kernel checks the same with default_permissions; this
 * keeps the rule even on a mount without it. */
static bool caller_may(const struct vnode *n, int want)
{
    const struct fuse_context *ctx = fuse_get_context();
    struct view_cred caller = { ctx->uid, ctx->gid };
    return view_may(node_mode(n), the_view()->owner, caller, want);
}

static void *v_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    /* nothing may be cached: every read shows the host as it is now */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->direct_io = 1;
    return fuse_get_context()->private_data;
}

static int v_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    (void)fi;
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = n ? 0 : -ENOENT;
    memset(st, 0, sizeof *st);
    if (n) {
        st->st_uid = the_view()->owner.uid;
        st->st_gid = the_view()->owner.gid;
    }
    if (n && n->kind == VN_DIR) {
        st->st_mode = S_IFDIR | node_mode(n);
        st->st_nlink = 2;
    } else if (n && n->kind == VN_LINK) {
        st->st_mode = S_IFLNK | node_mode(n);
        st->st_nlink = 1;
        st->st_size = n->target ? (off_t)strlen(n->target) : 0;
    } else if (n) {
        st->st_mode = S_IFREG | node_mode(n);
        st->st_nlink = 1;
        st->st_size = ATTR_SIZE;
    }
    vtree_free(root);
    return rc;
}

static int v_readlink(const char *path, char *buf, size_t size)
{
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = !n ? -ENOENT : n->kind != VN_LINK || !n->target ? -EINVAL : 0;
    if (!rc)
        snprintf(buf, size, "%s", n->target);
    vtree_free(root);
    return rc;
}

static int v_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                     enum fuse_readdir_flags flags)
{
    (void)off, (void)fi, (void)flags;
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = !n ? -ENOENT : n->kind != VN_DIR ? -ENOTDIR : 0;
    if (!rc) {
        fill(buf, ".", NULL, 0, 0);
        fill(buf, "..", NULL, 0, 0);
        for (struct vnode *k = n->kids; k; k = k->next)
            fill(buf, k->name, NULL, 0, 0);
    }
    vtree_free(root);
    return rc;
}

/* access(2) on a mount without default_permissions. */
static int v_access(const char *path, int mask)
{
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = !n ? -ENOENT : mask == F_OK || caller_may(n, mask) ? 0 : -EACCES;
    vtree_free(root);
    return rc;
}

/* sysfs: reading needs a read bit, writing a write bit, and only root has
 * the write bits (kernfs refuses root too when the mode has none: a file
 * without show or store). */
static int v_open(const char *path, struct fuse_file_info *fi)
{
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int acc = fi->flags & O_ACCMODE, rc = 0;
    int want = (acc != O_WRONLY ? VIEW_MAY_READ : 0) | (acc != O_RDONLY ? VIEW_MAY_WRITE : 0);
    if (!n)
        rc = -ENOENT;
    else if (n->kind != VN_FILE)
        rc = -EISDIR;
    else if (!caller_may(n, want))
        rc = -EACCES;
    fi->direct_io = 1;
    fi->nonseekable = 0;
    vtree_free(root);
    return rc;
}

static int v_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    char text[ATTR_SIZE];
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = -ENOENT;
    if (n && n->kind == VN_FILE && n->attr->show) {
        int len = n->attr->show(&n->ctx, text, sizeof text);
        len = len < 0 ? 0 : len >= (int)sizeof text ? (int)sizeof text - 1 : len;
        rc = off >= len ? 0 : (int)((size_t)(len - off) < size ? (size_t)(len - off) : size);
        if (rc > 0)
            memcpy(buf, text + off, (size_t)rc);
    }
    vtree_free(root);
    return rc;
}

/* sysfs stores see the whole write at offset 0, NUL-terminated. */
static int v_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)fi;
    char text[ATTR_SIZE];
    if (size >= sizeof text || off != 0)
        return size >= sizeof text ? -EINVAL : 0;
    memcpy(text, buf, size);
    text[size] = 0;
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = -ENOENT;
    if (n && n->kind == VN_FILE && n->attr->store) {
        rc = n->attr->store(&n->ctx, text, size);
        if (rc == 0)
            rc = (int)size;
        if (rc < 0)
            log_info("view: write '%.*s' to %s: %s", (int)strcspn(text, "\n"), text, path, strerror(-rc));
    }
    vtree_free(root);
    return rc;
}

/* `echo x > attr` opens with O_TRUNC; attributes have nothing to truncate.
 * Through an open file (fi) the open was checked; truncate(2) by path needs
 * write permission like any write. */
static int v_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    (void)size;
    if (fi)
        return 0;
    struct vnode *root = vtree_build(the_host());
    struct vnode *n = root ? vtree_lookup(root, path) : NULL;
    int rc = !n ? -ENOENT : n->kind != VN_FILE ? -EISDIR : caller_may(n, VIEW_MAY_WRITE) ? 0 : -EACCES;
    vtree_free(root);
    return rc;
}

/*
 * Names are made by drivers, never by users: sysfs (kernfs) has no create
 * inode operation, so open(O_CREAT) of a new name fails with EACCES
 * (fs/namei.c vfs_create), and mknod, mkdir, unlink, rmdir, symlink, link
 * and rename fail with EPERM (kernfs_iop_mkdir/rmdir/rename without
 * syscall ops, vfs_unlink/vfs_symlink/vfs_link without the operation).
 */
static int v_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)path, (void)mode, (void)fi;
    return -EACCES;
}

static int v_mknod(const char *path, mode_t mode, dev_t dev)
{
    (void)path, (void)mode, (void)dev;
    return -EPERM;
}

static int v_mkdir(const char *path, mode_t mode)
{
    (void)path, (void)mode;
    return -EPERM;
}

static int v_remove(const char *path)
{
    (void)path;
    return -EPERM;
}

static int v_link(const char *from, const char *to)
{
    (void)from, (void)to;
    return -EPERM;
}

static int v_rename(const char *from, const char *to, unsigned int flags)
{
    (void)from, (void)to, (void)flags;
    return -EPERM;
}

static const struct fuse_operations view_ops = {
    .create = v_create,
    .mknod = v_mknod,
    .mkdir = v_mkdir,
    .unlink = v_remove,
    .rmdir = v_remove,
    .symlink = v_link,
    .link = v_link,
    .rename = v_rename,
    .init = v_init,
    .getattr = v_getattr,
    .readlink = v_readlink,
    .readdir = v_readdir,
    .access = v_access,
    .open = v_open,
    .read = v_read,
    .write = v_write,
    .truncate = v_truncate,
};

static void on_fuse(void *opaque, unsigned events)
{
    struct view *v = opaque;
    (void)events;
    int n = fuse_session_receive_buf(v->se, &v->buf);
    if (n == -EINTR || n == -EAGAIN)
        return;
    if (n <= 0 || fuse_session_exited(v->se)) {
        log_warn("view %s: FUSE session ended (%s)", v->dir, n < 0 ? strerror(-n) : "unmounted");
        server_unwatch(v->srv, &v->w);
        return;
    }
    fuse_session_process_buf(v->se, &v->buf);
}

static void detach_stale(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) && errno == ENOTCONN) {
        log_warn("view %s: detaching a stale mount", dir);
        umount2(dir, MNT_DETACH);
    }
}

#define MOUNTINFO        "/proc/self/mountinfo"
#define VIEW_FSTYPE      "fuse.ccwpass"      /* fuse. + the subtype view_start mounts with */
#define MOUNTINFO_MNTPT  4                   /* 0-based field of the mount point */
#define OCTAL_ESC_LEN    4                   /* "\040": mountinfo's escape of a space */

/* mountinfo's mount point with its \ooo escapes undone, in place. */
static void unescape_mntpt(char *s)
{
    char *out = s;
    for (const char *in = s; *in;) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0'
            && in[3] <= '7') {
            *out++ = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 | (in[3] - '0'));
            in += OCTAL_ESC_LEN;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

/* Is a ccwpass view mounted at path (resolved)?  From one mountinfo line:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER". */
static bool line_is_view_at(char *line, const char *path)
{
    char *save, *mntpt = NULL;
    char *tok = strtok_r(line, " \n", &save);
    for (int i = 0; tok && i < MOUNTINFO_MNTPT; i++)
        tok = strtok_r(NULL, " \n", &save);
    mntpt = tok;
    while (tok && strcmp(tok, "-"))
        tok = strtok_r(NULL, " \n", &save);
    const char *fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
    if (!mntpt || !fstype || strcmp(fstype, VIEW_FSTYPE))
        return false;
    unescape_mntpt(mntpt);
    return !strcmp(mntpt, path);
}

int view_check_free(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (!realpath(dir, path))
        return 0;   /* absent: nothing mounted there */
    FILE *f = fopen(MOUNTINFO, "re");
    if (!f)
        return 0;   /* no /proc: view_start's mount is the only check left */
    char *line = NULL;
    size_t cap = 0;
    bool served = false;
    while (!served && getline(&line, &cap, f) > 0)
        served = line_is_view_at(line, path);
    free(line);
    fclose(f);
    struct stat st;
    if (served && stat(path, &st) && errno == ENOTCONN)
        served = false;     /* its daemon is gone: a stale view, detached by view_start */
    if (served) {
        snprintf(err, errlen, "view %s is already served by another ccwpassd "
                 "(stop that one, or give this one another --view DIR)", path);
        return -1;
    }
    return 0;
}

/* Mount with `opts`; 0 or -1 (everything undone). */
static int mount_with(struct view *v, const char *opts)
{
    char *argv[] = { "ccwpassd", "-o", (char *)opts, NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, argv);
    v->fuse = fuse_new(&args, &view_ops, sizeof view_ops, v);
    fuse_opt_free_args(&args);
    if (v->fuse && fuse_mount(v->fuse, v->dir) == 0)
        return 0;
    if (v->fuse)
        fuse_destroy(v->fuse);
    v->fuse = NULL;
    return -1;
}

struct view *view_start(struct host *h, struct server *s, const char *dir, char *err, size_t errlen)
{
    struct view *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->srv = s;
    v->host = h;
    v->owner = (struct view_cred){ geteuid(), getegid() };
    snprintf(v->dir, sizeof v->dir, "%s", dir);
    detach_stale(dir);
    if (mkdir_p(dir)) {
        snprintf(err, errlen, "view %s: %s", dir, strerror(errno));
        free(v);
        return NULL;
    }
    /* other users (QEMU run unprivileged) should see it; without root that
     * needs user_allow_other in /etc/fuse.conf, so fall back to private.
     * default_permissions: the kernel checks every access against the
     * modes and owner getattr shows, with the caller's full credentials;
     * the handlers check the same rule again (view_perm.h). */
    if (mount_with(v, "allow_other,default_permissions,fsname=ccwpass,subtype=ccwpass")
        && mount_with(v, "default_permissions,fsname=ccwpass,subtype=ccwpass")) {
        snprintf(err, errlen, "view %s: cannot mount (FUSE unavailable? use --no-fuse)", dir);
        free(v);
        return NULL;
    }
    v->se = fuse_get_session(v->fuse);
    v->w = (struct server_watch){ fuse_session_fd(v->se), on_fuse, v };
    server_watch(s, &v->w);
    log_info("view mounted at %s", dir);
    return v;
}

void view_stop(struct view *v)
{
    if (!v)
        return;
    server_unwatch(v->srv, &v->w);
    fuse_unmount(v->fuse);
    fuse_destroy(v->fuse);
    free(v->buf.mem);
    free(v);
}
