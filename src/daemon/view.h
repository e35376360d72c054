/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sysfs-shaped view (libfuse3): the parts of /sys that the seed's steps,
 * lscss-style tools and QEMU's vfio-ccw realize touch, mounted at
 * <view>/sys/... .  Reads show the host's state as the kernel prints it;
 * writes go through the same host operations as the CLI and return the
 * errno the kernel's store would.  The FUSE channel is served from the
 * daemon's event loop (no extra thread).
 */
#ifndef CCWPASS_DAEMON_VIEW_H
#define CCWPASS_DAEMON_VIEW_H

struct host;
struct server;
struct view;

#include <stddef.h>

/**
 * view_check_free() - is dir free for this daemon's view?
 * @dir: the --view directory
 * @err: the message if not
 * @errlen: its size
 *
 * For the startup checks, before anything is created: a live ccwpass view
 * already mounted at dir (another ccwpassd serving it) is refused rather
 * than mounted over.  A stale one (its daemon gone) is fine: view_start()
 * detaches it.
 *
 * Return: 0 if free, -1 with the message in err.
 */
int view_check_free(const char *dir, char *err, size_t errlen);

/* Mount at dir (created if missing; a stale mount there is detached first).
 * NULL + message on failure. */
struct view *view_start(struct host *h, struct server *s, const char *dir, char *err, size_t errlen);
void view_stop(struct view *v);

#endif
