// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 3490 command table and the dispatcher: one row per command code with
 * its handler and what the drive checks before executing it -- a cartridge
 * (drive empty: unit check, ERA 0x43), a writable cartridge (0x80/0x42,
 * ERA 0x30), or a program of its own (Sense/Set Path Group ID).  The set is
 * every command Linux 6.1's tape_34xx, tape_std and cio issue to a 3490
 * (docs/tape.md); any other code is rejected with ERA 0x27, which Linux
 * never sees because it never sends one.
 */
#include <stddef.h>
#include <stdio.h>
#include "arch/trace.h"
#include "dev/tape3490_priv.h"

#define MED TREQ_MEDIUM
#define WR  (TREQ_MEDIUM | TREQ_WRITE)

const struct t3490_cmd t3490_cmd_table[] = {
    { T_WRITE_CMD,      "Write",                 WR,          t3490_cmd_write },
    { T_READ_FORWARD,   "Read Forward",          MED,         t3490_cmd_read },
    { T_NOP,            "No Operation",          MED,         t3490_cmd_nop },
    { T_SENSE,          "Sense",                 0,           t3490_cmd_sense },
    { T_REWIND,         "Rewind",                MED,         t3490_cmd_rewind },
    { T_READ_BACKWARD,  "Read Backward",         MED,         t3490_cmd_read_backward },
    { T_REWIND_UNLOAD,  "Rewind Unload",         MED,         t3490_cmd_rewind_unload },
    { T_ERASE_GAP,      "Erase Gap",             WR,          t3490_cmd_erase_gap },
    { T_WRITETAPEMARK,  "Write Tapemark",        WR,          t3490_cmd_wtm },
    { T_READ_BLOCK_ID,  "Read Block ID",         MED,         t3490_cmd_read_block_id },
    { T_BACKSPACEBLOCK, "Backspace Block",       MED,         t3490_cmd_bsb },
    { T_BACKSPACEFILE,  "Backspace File",        MED,         t3490_cmd_bsf },
    { T_SENSE_GROUP_ID, "Sense Path Group ID",   TREQ_ALONE,  t3490_cmd_snid },
    { T_FORSPACEBLOCK,  "Forward Space Block",   MED,         t3490_cmd_fsb },
    { T_FORSPACEFILE,   "Forward Space File",    MED,         t3490_cmd_fsf },
    { T_SYNCHRONIZE,    "Synchronize",           MED,         t3490_cmd_sync },
    { T_LOCATE,         "Locate Block",          MED,         t3490_cmd_locate },
    { T_DATA_SEC_ERASE, "Data Security Erase",   WR,          t3490_cmd_dse },
    { T_LOAD_DISPLAY,   "Load Display",          0,           t3490_cmd_load_display },
    { T_SET_GROUP_ID,   "Set Path Group ID",     TREQ_ALONE,  t3490_cmd_spid },
    { T_ASSIGN,         "Assign",                0,           t3490_cmd_assign },
    { T_UNASSIGN,       "Unassign",              0,           t3490_cmd_unassign },
    { T_MODE_SET_DB,    "Mode Set",              0,           t3490_cmd_mode_set },
    { T_SENSE_ID,       "Sense ID",              0,           t3490_cmd_sense_id },
    { 0, NULL, 0, NULL },
};

/* Sorted by code: a binary search with no mutable state. */
const struct t3490_cmd *t3490_cmd_find(uint8_t code)
{
    size_t lo = 0, hi = sizeof(t3490_cmd_table) / sizeof(t3490_cmd_table[0]) - 1;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t3490_cmd_table[mid].code == code)
            return &t3490_cmd_table[mid];
        if (t3490_cmd_table[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* 0 if the command may run, else the status is set. */
static int check_prereq(struct t3490 *t, const struct t3490_cmd *cmd, const struct ccw_cmd *c,
                        struct ccw_result *r)
{
    if ((cmd->req & TREQ_ALONE) && (c->seq != 0 || (c->flags & CCW_FLAG_CC))) {
        t3490_reject(t, r, ERA_CMD_REJECT);
        return -1;
    }
    if ((cmd->req & TREQ_MEDIUM) && !t->tape) {
        t3490_not_ready(t, r);
        return -1;
    }
    if ((cmd->req & TREQ_WRITE) && tape_readonly(t->tape)) {
        t3490_fail(t, r, TS0_CMD_REJECT, TS1_WRITE_PROT, ERA_WRITE_PROTECT);
        return -1;
    }
    return 0;
}

/* Trace area "tape" (arch/trace.h), one line per command. */
static void trace(const struct t3490 *t, const struct t3490_cmd *cmd, const struct ccw_cmd *c,
                  const struct ccw_result *r)
{
    char sense[40] = "";

    if (r->unitstat & DEV_STAT_UNIT_CHECK)
        snprintf(sense, sizeof sense, " sense %02x %02x %02x era %02x", t->sense[0], t->sense[1],
                 t->sense[2], t->sense[3]);
    trace_line(TRACE_TAPE, "%04x: #%u %02x %-22s count %5u block %u -> status %02x len %u%s",
               t->cfg.devno, c->seq, c->code, cmd ? cmd->name : "(invalid)", c->count,
               t->tape ? tape_blockid(t->tape) : 0, r->unitstat, r->len, sense);
}

void t3490_exec(struct ccw_dev *d, const struct ccw_cmd *c, struct ccw_result *r)
{
    struct t3490 *t = to_t3490(d);
    const struct t3490_cmd *cmd = t3490_cmd_find(c->code);

    r->len = 0;
    r->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
    pthread_mutex_lock(&t->lock);
    if (!cmd)
        t3490_reject(t, r, ERA_CMD_REJECT);
    else if (check_prereq(t, cmd, c, r) == 0)
        cmd->fn(t, c, r);
    if (trace_on(TRACE_TAPE))
        trace(t, cmd, c, r);
    t3490_snap(t);
    pthread_mutex_unlock(&t->lock);
}
