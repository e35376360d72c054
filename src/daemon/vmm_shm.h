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
 * vmm_shm_stop() - end the doorbell thread (no more region writes from it)
 * @s: the area, or NULL
 *
 * Call before closing the mdev; returns within DOORBELL_CHECK_NS even if the
 * client keeps rewriting the futex word.
 */
void vmm_shm_stop(struct vmm_shm *s);

/**
 * vmm_shm_free() - stop the doorbell thread and unmap the area
 * @s: the area, or NULL
 *
 * The mdev must no longer call the area's observer (closed, or never set).
 */
void vmm_shm_free(struct vmm_shm *s);

#endif
