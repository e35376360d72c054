// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands of the 3490 that do not move the tape: Sense ID, the path group,
 * Assign/Unassign, Mode Set, Load Display, No Operation and Synchronize.
 * Linux 6.1 sends Assign (11 zero bytes) + NOP when the drive goes online and
 * Unassign + NOP when it goes offline (tape_std_assign/unassign), and starts
 * nearly every chain with a one-byte Mode Set (0x00, or 0x08 = IDRC after
 * `mt datacompression 1`).
 */
#include <string.h>
#include "dev/tape3490_priv.h"

void t3490_cmd_sense_id(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint8_t *p = c->buf;

    p[0] = 0xFF;
    be16_put(p + 1, t->dev.cu_type);
    p[3] = t->dev.cu_model;
    be16_put(p + 4, t->dev.dev_type);
    p[6] = t->dev.dev_model;
    r->len = T3490_SENSEID_LEN;
}

void t3490_cmd_snid(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    pathgroup_sense(&t->pg, 0, c->buf);
    r->len = PATHGROUP_DATA_LEN;
}

void t3490_cmd_spid(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (c->count < PATHGROUP_DATA_LEN || pathgroup_set(&t->pg, c->buf) < 0) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    r->len = PATHGROUP_DATA_LEN;
}

void t3490_cmd_nop(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
}

/* Assign/Unassign data: all zeros, or the PGID the path group set. */
static bool assign_data_ok(const struct t3490 *t, const struct ccw_cmd *c)
{
    static const uint8_t zero[T3490_ASSIGN_LEN];

    if (c->count < T3490_ASSIGN_LEN)
        return false;
    return memcmp(c->buf, zero, T3490_ASSIGN_LEN) == 0 ||
           memcmp(c->buf, t->pg.pgid, T3490_ASSIGN_LEN) == 0;
}

static void assign(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r, bool on)
{
    if (!assign_data_ok(t, c)) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    t->assigned = on;
    r->len = T3490_ASSIGN_LEN;
}

void t3490_cmd_assign(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    assign(t, c, r, true);
}

void t3490_cmd_unassign(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    assign(t, c, r, false);
}

/* Unknown bits get "function incompatible" (Linux: -EIO), never the
 * retried command reject. */
void t3490_cmd_mode_set(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (c->count < 1 || (c->buf[0] & ~MODESET_KNOWN)) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    t->modeset = c->buf[0];
    r->len = 1;
}

/* The message is kept for `ccwpass status`; a shorter one is padded. */
void t3490_cmd_load_display(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t n = c->count < T3490_DISPLAY_LEN ? c->count : T3490_DISPLAY_LEN;

    memset(t->display, 0, sizeof(t->display));
    memcpy(t->display, c->buf, n);
    r->len = n;
}

void t3490_cmd_sync(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    int rc = tape_sync(t->tape);

    if (rc < 0)
        t3490_host_error(t, r, rc, ERA_WRITE_DATA_CHECK);
}
