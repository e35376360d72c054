/*
 * Path grouping and reservation (3990: Sense/Set Path Group ID, Device
 * Reserve/Release, Unconditional Reserve).  One channel path leads to the
 * device, so the group is the state of that path: reset, ungrouped or
 * grouped (single- or multipath), with the PGID the host set.  Linux's cio
 * (device_pgid.c) refuses a DASD whose path group cannot be established, and
 * adopts a PGID it finds on the device, so the PGID survives programs.
 */
#include <string.h>
#include "dev/eckd_priv.h"

#define SPID_MULTIPATH 0x80
#define SPID_FUNC      0x60
#define SPID_ESTABLISH 0x00
#define SPID_RESIGN    0x40
#define SPID_DISBAND   0x20
#define SPID_RESV      0x1F

static const uint8_t zero_pgid[11];

void eckd_cmd_snid(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    c->buf[0] = e->pgstate | (e->reserved ? PG_RESERVED_SELF : 0);
    memcpy(c->buf + 1, e->pgid, 11);
    r->len = 12;
}

static bool spid_valid(const struct eckd *e, const uint8_t *p)
{
    uint8_t fn = p[0] & SPID_FUNC;

    if (fn == SPID_FUNC || (p[0] & SPID_RESV))
        return false;
    if (fn == SPID_DISBAND)
        return true;            /* a disband is honoured whatever the PGID */
    if (memcmp(p + 1, zero_pgid, 11) == 0)
        return false;
    /* a grouped path keeps its PGID until it resigns or is disbanded */
    return (e->pgstate & PG_STATE_GROUPED) != PG_STATE_GROUPED || memcmp(e->pgid, p + 1, 11) == 0;
}

void eckd_cmd_spid(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    const uint8_t *p = c->buf;

    if (c->count < 12) {
        eckd_reject(e, r, MSG_COUNT_SHORT);
        return;
    }
    r->len = 12;
    if (!spid_valid(e, p)) {
        eckd_reject(e, r, MSG_INVALID_PARM);
        return;
    }
    switch (p[0] & SPID_FUNC) {
    case SPID_ESTABLISH:
        memcpy(e->pgid, p + 1, 11);
        e->pgstate = PG_STATE_GROUPED | ((p[0] & SPID_MULTIPATH) ? PG_MULTIPATH : 0);
        break;
    case SPID_RESIGN:
        e->pgstate = PG_STATE_UNGROUPED;
        break;
    default:    /* disband */
        memset(e->pgid, 0, sizeof(e->pgid));
        e->pgstate = PG_STATE_RESET;
        break;
    }
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
