/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mdevctl's persistent mdev definitions, read (never written) from its
 * directory (--mdevctl-dir, default /etc/mdevctl.d): one JSON file per mdev
 * at <dir>/<parent>/<uuid> holding {"mdev_type":..., "start":"auto"|"manual",
 * "attrs":[...]}.  ccwpassd starts the "auto" ones of type vfio_ccw-io on its
 * own subchannels, as mdevctl's boot-time autostart and its udev rule
 * (start-parent-mdevs) do on a real host.  An mdev created through sysfs or
 * the socket is transient: nothing here records it.
 */
#ifndef CCWPASS_DAEMON_MDEVCTL_DEF_H
#define CCWPASS_DAEMON_MDEVCTL_DEF_H

struct host;
struct host_sch;

/**
 * mdevctl_def_autostart() - start the auto definitions at ccwpassd's start
 * @h: the host, its mdevctl_dir set
 *
 * Every subchannel of @h with a startable definition is moved to vfio_ccw
 * (io_subchannel unbound first), which starts the definition through
 * mdevctl_def_start_parent().  Definitions for other parents or types and
 * files that are not definitions are logged, one line each, and skipped.
 * A missing directory is no definitions.
 *
 * Return: the number of mdevs started.
 */
int mdevctl_def_autostart(struct host *h);

/**
 * mdevctl_def_start_parent() - a subchannel just became a vfio_ccw parent
 * @h: the host
 * @hs: the subchannel, bound to vfio_ccw
 *
 * Starts its auto vfio_ccw-io definitions (one mdev per subchannel: the
 * first in name order wins, the others are logged).  Problems are logged,
 * never fatal.
 *
 * Return: the number of mdevs started (0 or 1).
 */
int mdevctl_def_start_parent(struct host *h, struct host_sch *hs);

#endif
