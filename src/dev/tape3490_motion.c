// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tape motion on the 3490: spacing by blocks and files, Rewind,
 * Rewind-Unload, Read Block ID / Locate Block, Erase Gap and Data Security
 * Erase.  Zero-count commands: Linux gives spacing CCWs the CCW's own
 * address as data address and repeats them n times in one chain; a command
 * that ends with unit exception or unit check stops the chain there.
 *
 * Block ID (Read Block ID, Locate): the number of blocks and tapemarks
 * between load point and the position, 22 bits, in the 34xx format
 * wrap 0, segment 1, format 0 (byte 0 = 0x01), the same in the channel and
 * device halves; Locate ignores wrap/segment and rejects format 3.
 */
#include <string.h>
#include "dev/tape3490_priv.h"

/* Backward at load point: 0x00/0x48/ERA 0x39 (Linux -EIO).  s0 stays 0: with
 * s0 0x08/0x10/0x12 and s1 0x0C Linux would retry a Backspace Block forever. */
static void backward_at_bot(struct t3490 *t, struct ccw_result *r)
{
    t3490_fail(t, r, 0, 0, ERA_BACKWARD_AT_BOT);
}

static void space_status(struct t3490 *t, struct ccw_result *r, int rc)
{
    switch (rc) {
    case TAPE_OK:
        break;
    case TAPE_TAPEMARK:
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        break;
    case TAPE_EOD:
        t3490_end_of_data(t, r);
        break;
    case TAPE_BOT:
        backward_at_bot(t, r);
        break;
    default:
        t3490_host_error(t, r, rc, ERA_EQUIP_CHECK);
        break;
    }
}

void t3490_cmd_fsb(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    space_status(t, r, tape_space_block(t->tape, true));
}

void t3490_cmd_bsb(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    space_status(t, r, tape_space_block(t->tape, false));
}

/* Forward Space File: after the next tapemark; end of data: UC ERA 0x31 --
 * what ends `mt retension`'s self-repeating program. */
void t3490_cmd_fsf(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    space_status(t, r, tape_space_file(t->tape, true));
}

/* Backspace File: before (load-point side of) the previous tapemark. */
void t3490_cmd_bsf(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    space_status(t, r, tape_space_file(t->tape, false));
}

void t3490_cmd_rewind(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    int rc = tape_rewind(t->tape);

    if (rc < 0)
        t3490_host_error(t, r, rc, ERA_EQUIP_CHECK);
}

/* Rewind-Unload ends in unit check: 0x40/0x42/ERA 0x2B, format 0x22, the
 * drive now empty -- Linux marks the medium unloaded and reports success.
 * An image that could not be closed cleanly: ERA 0x34 (unload failure). */
void t3490_cmd_rewind_unload(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    int rc = tape_rewind(t->tape);

    if (rc < 0) {
        t3490_host_error(t, r, rc, ERA_UNLOAD_FAILURE);
        return;
    }
    rc = t3490_unload_locked(t);
    if (rc < 0) {
        t3490_host_error(t, r, rc, ERA_UNLOAD_FAILURE);
        return;
    }
    t3490_sense_build(t, TS0_INTERV_REQ, TS1_DRIVE_ONLINE | TS1_WRITE_PROT, ERA_ENV_DATA,
                      TS7_FORMAT_EOV, TSF_EXACT_S1);
    r->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
}

void t3490_cmd_read_block_id(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t id = tape_blockid(t->tape) & T3490_BLOCKID_MASK;

    for (unsigned half = 0; half < 2; half++) {
        uint8_t *p = c->buf + 4 * half;
        p[0] = T3490_BLOCKID_SEG1;
        p[1] = (uint8_t)(id >> 16);
        p[2] = (uint8_t)(id >> 8);
        p[3] = (uint8_t)id;
    }
    r->len = T3490_BLOCKID_LEN;
}

/* Locate Block: block n next.  Beyond the data: 0x10/0x40/ERA 0x44, position
 * unchanged (Linux -EIO). */
void t3490_cmd_locate(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t bid;
    int rc;

    if (c->count < T3490_LOCATE_LEN) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    bid = be32_get(c->buf);
    if (((bid >> T3490_BLOCKID_FMT_SHIFT) & 3) == T3490_BLOCKID_FMT_INVALID) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    r->len = T3490_LOCATE_LEN;
    rc = tape_locate(t->tape, bid & T3490_BLOCKID_MASK);
    if (rc == TAPE_EOD)
        t3490_fail_exact(t, r, TS0_EQUIP_CHECK, TS1_DRIVE_ONLINE, ERA_LOCATE_FAILURE);
    else if (rc != TAPE_OK)
        t3490_host_error(t, r, rc < 0 ? rc : -EIO, ERA_LOCATE_FAILURE);
}

/* Erase Gap leaves nothing on an emulated tape (as in Hercules). */
void t3490_cmd_erase_gap(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
}

/* Data Security Erase: only chained from Erase Gap; removes everything from
 * the position on. */
void t3490_cmd_dse(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    int rc;

    if (!c->chained || c->prev_code != T_ERASE_GAP) {
        t3490_reject(t, r, ERA_CMD_REJECT);
        return;
    }
    rc = tape_erase(t->tape);
    if (rc < 0)
        t3490_host_error(t, r, rc, ERA_WRITE_DATA_CHECK);
}
