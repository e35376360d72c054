/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The admin control interface (CCWP_CMD_CONTROL): one JSON object in, one
 * JSON object out.  Requests, with "op" naming the verb:
 *   {"op":"bind","sch":"0.0.16ca","driver":"vfio_ccw"}
 *   {"op":"unbind","sch":"0.0.16ca"}
 *   {"op":"mdev_create","sch":"0.0.16ca","uuid":"..."}     uuid optional
 *   {"op":"mdev_remove","uuid":"..."}
 *   {"op":"mdev_list"}
 *   {"op":"status"}
 *   {"op":"fault","sch":"0.0.16ca","delay_ms":N,"eqc":N,"not_oper":false}
 *   {"op":"chp","chpid":"0.50","online":true}
 *   {"op":"tape_load","devno":"0.0.0580","path":"/x.aws","readonly":false}  readonly optional
 *   {"op":"tape_unload","devno":"0.0.0580"}
 * "status" gives every subchannel its device "type" ("3390", "3490"); a
 * 3490's "tape" object says "loaded" and, if so, "path", "format" (aws|het),
 * "readonly" and "blockid" (the position: block ID of the next block);
 * every subchannel's "fault" has the knobs and "delays", the number of
 * fault delays its device has begun.
 * Replies: {"ok":true, ...} or {"ok":false,"errno":N,"error":"text"}; the
 * errno is the one the matching sysfs write returns.
 */
#ifndef CCWPASS_DAEMON_CONTROL_H
#define CCWPASS_DAEMON_CONTROL_H

#include <stddef.h>

struct host;

/* Handle one request; returns a malloc'ed NUL-terminated JSON reply and sets
 * *err_out to 0 or the positive errno of the failure. */
char *control_handle(struct host *h, const char *req, size_t len, int *err_out);

/**
 * control_wait_key() - the device a request may wait on, or NULL
 * @h:   the host
 * @req: the request (JSON, as control_handle takes it)
 * @len: its length
 *
 * A tape_load of an existing drive opens and reads the cartridge file,
 * which may lie on slow storage: it returns the drive's struct host_sch,
 * and the request runs off the event loop on that drive's queue (its
 * control_handle() touches nothing but the drive, which locks).  Every
 * other request, and a malformed one, gets NULL: it is answered at once.
 */
const void *control_wait_key(struct host *h, const char *req, size_t len);

#endif
