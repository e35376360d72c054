/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared I/O area of one VMM connection (CCWP_CMD_SHM_IO, proto.h): a
 * sealed memfd the daemon creates, mirroring the I/O region and carrying the
 * dirty ring, so that reading the IRB and the guest ranges written after an
 * interrupt needs no socket round trip.  The daemon only ever writes it,
 * except for the one word it reads (dirty_tail) and bounds-checks.
 */
#ifndef CCWPASS_DAEMON_VMM_SHM_H
#define CCWPASS_DAEMON_VMM_SHM_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct conn_reply;
struct vmm_shm;

/**
 * vmm_shm_cmd() - CCWP_CMD_SHM_IO: create the area and attach it to the mdev
 * @c: the connection (ATTACHed)
 * @r: the reply; gets struct ccwp_shm_info and the memfd (reply_put_fd)
 *
 * Return: 0, -EBUSY if the connection has one, -ENOMEM/-errno if it cannot
 * be created.
 */
int vmm_shm_cmd(struct conn *c, struct conn_reply *r);

/**
 * vmm_shm_free() - unmap the area; the mdev must no longer call its observer
 * @s: the area, or NULL
 */
void vmm_shm_free(struct vmm_shm *s);

#endif
