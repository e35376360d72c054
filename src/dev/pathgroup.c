// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sense / Set Path Group ID for one channel path (pathgroup.h): the SPID
 * function byte selects establish, resign or disband; a grouped path keeps
 * its PGID until it resigns or the group is disbanded.
 */
#include <string.h>
#include "dev/pathgroup.h"

#define SPID_MULTIPATH 0x80
#define SPID_FUNC      0x60
#define SPID_ESTABLISH 0x00
#define SPID_RESIGN    0x40
#define SPID_DISBAND   0x20
#define SPID_RESV      0x1F

static const uint8_t zero_pgid[PATHGROUP_ID_LEN];

void pathgroup_sense(const struct pathgroup *pg, uint8_t extra, uint8_t out[PATHGROUP_DATA_LEN])
{
    out[0] = pg->state | extra;
    memcpy(out + 1, pg->pgid, PATHGROUP_ID_LEN);
}

static int spid_valid(const struct pathgroup *pg, const uint8_t *p)
{
    uint8_t fn = p[0] & SPID_FUNC;

    if (fn == SPID_FUNC || (p[0] & SPID_RESV))
        return 0;
    if (fn == SPID_DISBAND)
        return 1;               /* a disband is honoured whatever the PGID */
    if (memcmp(p + 1, zero_pgid, PATHGROUP_ID_LEN) == 0)
        return 0;
    return (pg->state & PG_STATE_GROUPED) != PG_STATE_GROUPED ||
           memcmp(pg->pgid, p + 1, PATHGROUP_ID_LEN) == 0;
}

int pathgroup_set(struct pathgroup *pg, const uint8_t in[PATHGROUP_DATA_LEN])
{
    if (!spid_valid(pg, in))
        return -1;
    switch (in[0] & SPID_FUNC) {
    case SPID_ESTABLISH:
        memcpy(pg->pgid, in + 1, PATHGROUP_ID_LEN);
        pg->state = PG_STATE_GROUPED | ((in[0] & SPID_MULTIPATH) ? PG_MULTIPATH : 0);
        break;
    case SPID_RESIGN:
        pg->state = PG_STATE_UNGROUPED;
        break;
    default:    /* disband */
        memset(pg->pgid, 0, sizeof(pg->pgid));
        pg->state = PG_STATE_RESET;
        break;
    }
    return 0;
}
