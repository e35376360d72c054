/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The view's tree: built from the host's state for each FUSE request (it is
 * tiny), so it can never disagree with the host.  Directories, attribute
 * files (show/store like sysfs attributes) and relative symlinks.
 */
#ifndef CCWPASS_DAEMON_VIEW_TREE_H
#define CCWPASS_DAEMON_VIEW_TREE_H

#include <stddef.h>
#include <stdint.h>

struct host;
struct host_sch;
struct cfg_chpid;

enum vkind { VN_DIR, VN_FILE, VN_LINK };

struct vctx {
    struct host *h;
    struct host_sch *hs;
    const struct cfg_chpid *chp;
    const char *drv;      /* the driver a bind/unbind file belongs to */
};

struct vattr {
    const char *name;
    /* text of the file; returns its length (< cap) */
    int (*show)(const struct vctx *x, char *buf, size_t cap);
    /* 0 or negative errno */
    int (*store)(const struct vctx *x, const char *buf, size_t len);
};

struct vnode {
    char name[48];
    enum vkind kind;
    char *target;                 /* VN_LINK */
    const struct vattr *attr;     /* VN_FILE */
    struct vctx ctx;
    struct vnode *kids, *last, *next;
};

struct vnode *vtree_build(struct host *h);
void vtree_free(struct vnode *root);
/* Resolve an absolute path ("/" is the root); NULL if absent. */
struct vnode *vtree_lookup(struct vnode *root, const char *path);

#endif
