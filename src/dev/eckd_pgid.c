// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Path grouping and reservation (3990: Sense/Set Path Group ID, Device
 * Reserve/Release, Unconditional Reserve).  The path group itself is the
 * shared model of pathgroup.c; Linux's cio (device_pgid.c) refuses a DASD
 * whose path group cannot be established.
 */
#include <string.h>
#include "dev/eckd_priv.h"

void eckd_cmd_snid(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    pathgroup_sense(&e->pg, e->reserved ? PG_RESERVED_SELF : 0, c->buf);
    r->len = PATHGROUP_DATA_LEN;
}

void eckd_cmd_spid(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (c->count < PATHGROUP_DATA_LEN) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    r->len = PATHGROUP_DATA_LEN;
    if (pathgroup_set(&e->pg, c->buf) < 0)
        eckd_reject(e, r, MSG_INVALID_PARM);
}

/* Reserve, Release and Unconditional Reserve transfer 32 sense bytes. */
static void reserve_sense(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = eckd_sense_fetch(e, c->buf);
}

void eckd_cmd_reserve(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    e->reserved = true;
    reserve_sense(e, c, r);
}

void eckd_cmd_release(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    e->reserved = false;
    reserve_sense(e, c, r);
}
