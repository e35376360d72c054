/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path grouping as a control unit answers Sense Path Group ID (0x34) and Set
 * Path Group ID (0xAF), shared by the device models (3990/3390, 3490).  One
 * channel path leads to a device, so the group is the state of that path:
 * reset, ungrouped or grouped (single- or multipath), with the 11-byte PGID
 * the host set.  Linux's cio (device_pgid.c) adopts a PGID it finds on the
 * device, so the PGID survives channel programs.
 */
#ifndef CCWPASS_DEV_PATHGROUP_H
#define CCWPASS_DEV_PATHGROUP_H

#include <stdint.h>

#define PATHGROUP_ID_LEN   11
#define PATHGROUP_DATA_LEN 12   /* SNID / SPID data: state or function byte + PGID */

/* SNID byte 0 */
#define PG_STATE_RESET     0x00
#define PG_STATE_UNGROUPED 0x80
#define PG_STATE_GROUPED   0xC0
#define PG_RESERVED_SELF   0x30   /* reserved to this path group */
#define PG_RESERVED_OTHER  0x20   /* reserved to another path group (tunedasd -Q "other") */
#define PG_MULTIPATH       0x08

struct pathgroup {
    uint8_t pgid[PATHGROUP_ID_LEN];
    uint8_t state;              /* PG_STATE_* | PG_MULTIPATH */
};

/**
 * pathgroup_sense() - the 12 bytes of Sense Path Group ID
 * @pg:    the path's group state
 * @extra: bits to add to byte 0 (PG_RESERVED_SELF / PG_RESERVED_OTHER)
 * @out:   PATHGROUP_DATA_LEN bytes
 */
void pathgroup_sense(const struct pathgroup *pg, uint8_t extra, uint8_t out[PATHGROUP_DATA_LEN]);

/**
 * pathgroup_set() - Set Path Group ID: establish, resign or disband
 * @pg: the path's group state, changed only on success
 * @in: PATHGROUP_DATA_LEN bytes (function byte + PGID)
 *
 * Return: 0, or -1 for an invalid function or PGID (the device answers
 * command reject).
 */
int pathgroup_set(struct pathgroup *pg, const uint8_t in[PATHGROUP_DATA_LEN]);

#endif
