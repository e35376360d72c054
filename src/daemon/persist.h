/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Saved mdev definitions, laid out like mdevctl's: one JSON file per mdev at
 * <state>/mdevctl.d/<parent subchannel>/<uuid> holding
 * {"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]}.  Definitions with
 * start "auto" are re-created (parent bound to vfio_ccw first) at startup.
 */
#ifndef CCWPASS_DAEMON_PERSIST_H
#define CCWPASS_DAEMON_PERSIST_H

#include "chan/css.h"

struct host;

int  persist_mdev_save(const char *state_dir, struct schid parent, const char *uuid);
void persist_mdev_forget(const char *state_dir, struct schid parent, const char *uuid);
/* Restore every saved auto-start mdev; problems are logged, never fatal.
 * Returns the number of mdevs created. */
int  persist_restore(struct host *h);

#endif
