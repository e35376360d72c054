/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may read or write a file of the sysfs-shaped view: the rules sysfs
 * gets from the kernel's generic permission check plus kernfs's open check
 * (Linux fs/namei.c generic_permission, fs/kernfs/file.c kernfs_fop_open).
 * Pure functions of the file's mode and the caller's ids, so that the FUSE
 * glue (view.c) and the unit tests share one rule.
 */
#ifndef CCWPASS_DAEMON_VIEW_PERM_H
#define CCWPASS_DAEMON_VIEW_PERM_H

#include <stdbool.h>
#include <sys/types.h>

/* What a caller asks for: the access(2) bits. */
#define VIEW_MAY_READ  04
#define VIEW_MAY_WRITE 02
#define VIEW_MAY_EXEC  01

struct view_cred {
    uid_t uid;
    gid_t gid;
};

/**
 * view_may() - whether a caller may access a file of the view
 * @mode: the file's permission bits as the view shows them (e.g. 0644)
 * @owner: the uid/gid every file of the view shows (root, or the daemon's
 *         own ids when it runs unprivileged)
 * @caller: the calling process's uid and primary gid
 * @want: VIEW_MAY_* bits
 *
 * Root overrides the class bits but, as kernfs, still needs the mode to
 * grant the access to somebody: it may read a file with any read bit,
 * write one with any write bit.  Everybody else gets the owner, group or
 * other bits that apply to them.  Every view file has the same group and
 * other bits, so supplementary groups cannot change the answer.
 *
 * Return: true if the access is allowed.
 */
bool view_may(mode_t mode, struct view_cred owner, struct view_cred caller, int want);

#endif
