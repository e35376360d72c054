// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sense data of the 3490: 32 bytes, of which Linux's tape_34xx looks at
 * bytes 0-3 (tape_34xx_unit_check).  Byte 1 carries the drive's state (drive
 * online, load point, write protect) on every sense, byte 3 the error
 * recovery action (ERA), bytes 4-6 the block ID, byte 7 the sense format.
 * The sense is pending from the unit check until it is fetched: as
 * concurrent sense through ops->sense, or by a Sense (0x04) command.  A
 * Sense with nothing pending is the "medium sense" Linux issues at online
 * and after a cartridge is mounted.
 */
#include <stdio.h>
#include <string.h>
#include "dev/tape3490_priv.h"

#define TS_BLOCKID_AT  4
#define TS_SENSE_FMT_AT 7

void t3490_sense_build(struct t3490 *t, uint8_t s0, uint8_t s1, uint8_t era, uint8_t s7,
                       enum t3490_sense_flags fl)
{
    uint8_t *s = t->sense;
    uint32_t id = t->tape ? tape_blockid(t->tape) & T3490_BLOCKID_MASK : 0;

    memset(s, 0, T3490_SENSE_SIZE);
    if (!(fl & TSF_EXACT_S1)) {
        s1 |= TS1_DRIVE_ONLINE;
        if (t->tape && tape_at_bot(t->tape))
            s1 |= TS1_LOAD_POINT;
        if (t->tape && tape_readonly(t->tape))
            s1 |= TS1_WRITE_PROT;
    }
    s[0] = s0;
    s[1] = s1;
    s[3] = era;
    s[TS_BLOCKID_AT] = (uint8_t)(id >> 16);
    s[TS_BLOCKID_AT + 1] = (uint8_t)(id >> 8);
    s[TS_BLOCKID_AT + 2] = (uint8_t)id;
    s[TS_SENSE_FMT_AT] = s7;
    t->sense_pending = true;
}

static void unit_check(struct ccw_result *r)
{
    r->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
}

void t3490_fail(struct t3490 *t, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t era)
{
    t3490_sense_build(t, s0, s1, era, TS7_FORMAT_ERR, TSF_NONE);
    unit_check(r);
}

void t3490_fail_exact(struct t3490 *t, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t era)
{
    t3490_sense_build(t, s0, s1, era, TS7_FORMAT_ERR, TSF_EXACT_S1);
    unit_check(r);
}

void t3490_reject(struct t3490 *t, struct ccw_result *r, uint8_t era)
{
    t3490_sense_build(t, TS0_CMD_REJECT, 0, era, TS7_FORMAT_ERR, TSF_NONE);
    r->len = 0;
    r->unitstat = DEV_STAT_UNIT_CHECK;
}

void t3490_not_ready(struct t3490 *t, struct ccw_result *r)
{
    t3490_sense_build(t, TS0_INTERV_REQ, TS1_DRIVE_ONLINE, ERA_NOT_READY, TS7_FORMAT_ERR,
                      TSF_EXACT_S1);
    r->len = 0;
    r->unitstat = DEV_STAT_UNIT_CHECK;
}

/* Data check and equipment check together: never one of the exact s0 values
 * (0x08, 0x10, 0x12) Linux turns into end of data or success. */
void t3490_host_error(struct t3490 *t, struct ccw_result *r, int rc, uint8_t era)
{
    fprintf(stderr, "tape3490 %04x: %s (rc %d)\n", t->cfg.devno,
            t->tape ? tape_error(t->tape) : "no cartridge", rc);
    r->len = 0;
    t3490_fail(t, r, TS0_DATA_CHECK | TS0_EQUIP_CHECK, 0, era);
}

/* Pending sense, or the medium sense when nothing is pending. */
unsigned t3490_sense_fetch(struct t3490 *t, uint8_t out[T3490_SENSE_SIZE])
{
    if (!t->sense_pending)
        t3490_sense_build(t, t->tape ? 0 : TS0_INTERV_REQ, 0, ERA_NONE, TS7_FORMAT_ERR, TSF_NONE);
    memcpy(out, t->sense, T3490_SENSE_SIZE);
    memset(t->sense, 0, T3490_SENSE_SIZE);
    t->sense_pending = false;
    return T3490_SENSE_SIZE;
}

void t3490_cmd_sense(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = t3490_sense_fetch(t, c->buf);
}
