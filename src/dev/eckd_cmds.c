// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 3990/3390 command table and the dispatcher: one row per command code
 * with its handler, data direction and the prerequisites the control unit
 * checks before executing it (command reject, format 0 message 2 "invalid
 * command sequence" when one is not met).  After the command the dispatcher
 * keeps the chaining state: search-equal and write-CKD flags, the index
 * mark, and the Locate Record domain count (a domain that is left without
 * command chaining ends in "incomplete domain"), and it stores a dirty
 * track before the status of a command that ends the chain.
 */
#include <stddef.h>
#include <stdio.h>
#include "arch/trace.h"
#include "dev/eckd_priv.h"

#define NOLR REQ_NOT_IN_LR
#define ORI  REQ_ORIENTED

const struct eckd_cmd eckd_cmd_table[] = {
    { 0x02, "Read IPL",                      DIR_IN,  REQ_NOT_AFTER_DE | NOLR, eckd_cmd_read_ipl },
    { 0x03, "No Operation",                  DIR_CTL, NOLR,                  eckd_cmd_nop },
    { 0x04, "Sense",                         DIR_IN,  NOLR,                  eckd_cmd_sense },
    { 0x05, "Write Data",                    DIR_OUT, ORI | REQ_WRITE,       eckd_cmd_write_data },
    { 0x06, "Read Data",                     DIR_IN,  ORI,                   eckd_cmd_read_data },
    { 0x07, "Seek",                          DIR_CTL, NOLR,                  eckd_cmd_seek },
    { 0x0B, "Seek Cylinder",                 DIR_CTL, NOLR,                  eckd_cmd_seek },
    { 0x0D, "Write Key and Data",            DIR_OUT, ORI | REQ_WRITE,       eckd_cmd_write_kd },
    { 0x0E, "Read Key and Data",             DIR_IN,  ORI,                   eckd_cmd_read_kd },
    { 0x11, "Erase",                         DIR_OUT, ORI | REQ_WRITE,       eckd_cmd_erase },
    { 0x12, "Read Count",                    DIR_IN,  ORI,                   eckd_cmd_read_count },
    { 0x14, "Unconditional Reserve",         DIR_IN,  REQ_FIRST,             eckd_cmd_slck },
    { 0x15, "Write Record Zero",             DIR_OUT, ORI | REQ_WRITE,       eckd_cmd_write_r0 },
    { 0x16, "Read Record Zero",              DIR_IN,  ORI,                   eckd_cmd_read_r0 },
    { 0x1A, "Read Home Address",             DIR_IN,  ORI,                   eckd_cmd_read_ha },
    { 0x1B, "Seek Head",                     DIR_CTL, NOLR | ORI,            eckd_cmd_seek },
    { 0x1D, "Write Count Key and Data",      DIR_OUT, ORI | REQ_WRITE,       eckd_cmd_write_ckd },
    { 0x1E, "Read Count Key and Data",       DIR_IN,  ORI,                   eckd_cmd_read_ckd },
    { 0x1F, "Set File Mask",                 DIR_CTL, NOLR | REQ_NOT_AFTER_DE, eckd_cmd_set_file_mask },
    { 0x22, "Read Sector",                   DIR_IN,  NOLR,                  eckd_cmd_read_sector },
    { 0x23, "Set Sector",                    DIR_CTL, NOLR | ORI,            eckd_cmd_set_sector },
    { 0x27, "Perform Subsystem Function",    DIR_CTL, NOLR,                  eckd_cmd_psf },
    { 0x29, "Search Key Equal",              DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0x31, "Search ID Equal",               DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0x34, "Sense Path Group ID",           DIR_IN,  REQ_FIRST | REQ_LAST,  eckd_cmd_snid },
    { 0x39, "Search Home Address Equal",     DIR_OUT, NOLR | ORI,            eckd_cmd_search_ha },
    { 0x3E, "Read Subsystem Data",           DIR_IN,  NOLR,                  eckd_cmd_rssd },
    { 0x44, "Reset Allegiance",              DIR_IN,  REQ_FIRST,             eckd_cmd_reset_allegiance },
    { 0x47, "Locate Record",                 DIR_CTL, NOLR,                  eckd_cmd_locate },
    { 0x49, "Search Key High",               DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0x4B, "Locate Record Extended",        DIR_CTL, NOLR,                  eckd_cmd_locate_ext },
    { 0x51, "Search ID High",                DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0x5B, "Suspend Multipath Reconnection", DIR_CTL, NOLR,                 eckd_cmd_nop },
    { 0x5E, "Read Multiple Count Key and Data", DIR_IN, NOLR | ORI,          eckd_cmd_read_multiple_ckd },
    { 0x63, "Define Extent",                 DIR_CTL, NOLR,                  eckd_cmd_define_extent },
    { 0x64, "Read Device Characteristics",   DIR_IN,  NOLR,                  eckd_cmd_rdc },
    { 0x69, "Search Key Equal or High",      DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0x71, "Search ID Equal or High",       DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0x85, "Write Update Data",             DIR_OUT, REQ_IN_LR | REQ_WRITE, eckd_cmd_write_upd_data },
    { 0x86, "Read Data (MT)",                DIR_IN,  ORI,                   eckd_cmd_read_data },
    { 0x8D, "Write Update Key and Data",     DIR_OUT, REQ_IN_LR | REQ_WRITE, eckd_cmd_write_upd_kd },
    { 0x8E, "Read Key and Data (MT)",        DIR_IN,  ORI,                   eckd_cmd_read_kd },
    { 0x92, "Read Count (MT)",               DIR_IN,  ORI,                   eckd_cmd_read_count },
    { 0x94, "Device Release",                DIR_IN,  NOLR | REQ_NOT_AFTER_DE, eckd_cmd_release },
    { 0x95, "Write Full Track",              DIR_OUT, REQ_IN_LR | REQ_WRITE, eckd_cmd_write_full_track },
    { 0x96, "Read Record Zero (MT)",         DIR_IN,  ORI,                   eckd_cmd_read_r0 },
    { 0x9A, "Read Home Address (MT)",        DIR_IN,  ORI,                   eckd_cmd_read_ha },
    { 0x9D, "Write CKD Next Track",          DIR_OUT, REQ_IN_LR | REQ_WRITE, eckd_cmd_write_ckd_next },
    { 0x9E, "Read Count Key and Data (MT)",  DIR_IN,  ORI,                   eckd_cmd_read_ckd },
    { 0xA4, "Read and Reset Buffered Log",   DIR_IN,  NOLR,                  eckd_cmd_read_buffered_log },
    { 0xA5, "Write Track Data",              DIR_OUT, REQ_IN_LR | REQ_WRITE, eckd_cmd_write_track_data },
    { 0xA6, "Read Track Data",               DIR_IN,  REQ_IN_LR,             eckd_cmd_read_track_data },
    { 0xA9, "Search Key Equal (MT)",         DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0xAF, "Set Path Group ID",             DIR_CTL, REQ_FIRST | REQ_LAST,  eckd_cmd_spid },
    { 0xB1, "Search ID Equal (MT)",          DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0xB4, "Device Reserve",                DIR_IN,  REQ_FIRST,             eckd_cmd_reserve },
    { 0xB9, "Search Home Address Equal (MT)", DIR_OUT, NOLR | ORI,           eckd_cmd_search_ha },
    { 0xC9, "Search Key High (MT)",          DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0xD1, "Search ID High (MT)",           DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0xDE, "Read Track",                    DIR_IN,  REQ_IN_LR,             eckd_cmd_read_track },
    { 0xE4, "Sense ID",                      DIR_IN,  NOLR,                  eckd_cmd_sense_id },
    { 0xE7, "Prefix",                        DIR_CTL, NOLR,                  eckd_cmd_prefix },
    { 0xE9, "Search Key Equal or High (MT)", DIR_OUT, NOLR | ORI,            eckd_cmd_search_key },
    { 0xF1, "Search ID Equal or High (MT)",  DIR_OUT, NOLR | ORI,            eckd_cmd_search_id },
    { 0xF3, "Diagnostic Control",            DIR_CTL, NOLR,                  eckd_cmd_diag_ctl },
    { 0xFA, "Read Configuration Data",       DIR_IN,  NOLR,                  eckd_cmd_rcd },
    { 0, NULL, DIR_CTL, 0, NULL },
};

/* The table is sorted by code: a binary search needs no mutable state, so
 * devices on different subchannel threads share it safely. */
const struct eckd_cmd *eckd_cmd_find(uint8_t code)
{
    size_t lo = 0, hi = sizeof(eckd_cmd_table) / sizeof(eckd_cmd_table[0]) - 1;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (eckd_cmd_table[mid].code == code)
            return &eckd_cmd_table[mid];
        if (eckd_cmd_table[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Per-program state back to "no extent defined, whole volume". */
void eckd_prog_reset(struct eckd *e)
{
    struct eckd_prog *p = &e->p;

    *p = (struct eckd_prog){ 0 };
    p->blksz = eckd_r0_max(e->devtype) + 8;
    p->xbeg = 0;
    p->xend = e->cyls * e->heads - 1;
}

static int check_prereq(struct eckd *e, const struct eckd_cmd *cmd, const struct ccw_cmd *c,
                        struct ccw_result *r)
{
    uint16_t q = cmd->req;

    if (e->p.uc_next || (e->p.ssd_len && c->code != 0x3E))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_FIRST) && c->seq != 0)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_NOT_IN_LR) && e->p.lcount > 0 && !(c->code == 0x03 && e->p.rdipl))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_IN_LR) && e->p.lcount == 0)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_ORIENTED) && !e->p.seek && !e->p.locat && !e->p.rdipl)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_NOT_AFTER_DE) && (e->p.xtdef || e->p.rdipl || e->p.setfm))
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    if ((q & REQ_WRITE) && e->cfg.readonly)
        return eckd_fail(e, r, SNS0_CMD_REJECT, SNS1_WRITE_INHIB, 0);
    if ((q & REQ_WRITE) && (e->p.fmask & DE_WRCTL) == DE_WRCTL_INH_ALL)
        return eckd_reject(e, r, MSG_INVALID_SEQ);
    return 0;
}

/* The index mark counts how often a search passed the index point; most
 * commands clear it (Hercules' rules: not Read Count, not the searches). */
static void update_xmark(struct eckd *e, uint8_t code)
{
    enum ccw_dir d = ccw_cmd_dir(code);
    uint8_t c = code & 0x7F;
    bool search = c == 0x31 || c == 0x51 || c == 0x71;

    if (d == CCW_DIR_SENSE || d == CCW_DIR_CONTROL || (d == CCW_DIR_WRITE && !search) ||
        (d == CCW_DIR_READ && code != 0x12))
        e->p.xmark = false;
}

static void after_command(struct eckd *e, const struct eckd_cmd *cmd, const struct ccw_cmd *c,
                          struct ccw_result *r)
{
    uint8_t k = c->code & 0x7F;

    if (k != 0x31 && k != 0x0E && k != 0x0D && k != 0x06 && k != 0x05)
        e->p.ideq = false;
    if (k != 0x29 && k != 0x06 && k != 0x05)
        e->p.kyeq = false;
    if (c->code != 0x15 && c->code != 0x1D)
        e->p.wckd = false;
    if (cmd && (cmd->req & REQ_LAST))
        e->p.uc_next = true;
    if (e->p.nocount) {
        e->p.nocount = false;
        return;
    }
    if (e->p.lcount == 0 || c->code == 0x47 || c->code == 0x4B || c->code == 0xE7)
        return;
    e->p.lcount--;
    if (e->p.lcount > 0 && !(c->flags & CCW_FLAG_CC) && c->code != 0x02 &&
        !(r->unitstat & DEV_STAT_UNIT_CHECK))
        eckd_fail(e, r, SNS0_CMD_REJECT | SNS0_INCOMPL_DOM, 0, 0);
}

/*
 * Does the chain end with this command?  No command chaining, a status other
 * than channel end + device end (+ status modifier), or a length the channel
 * will report as incorrect.  With data chaining the chaining flag that
 * counts is on a CCW the device does not see: assume the end.  Erring
 * towards "ends" only costs a track write; the other way round the status
 * could be presented before the data is on the image.
 */
static bool chain_ends(const struct ccw_cmd *c, const struct ccw_result *r)
{
    uint8_t ds = r->unitstat & (uint8_t)~DEV_STAT_STAT_MOD;

    if (!(c->flags & CCW_FLAG_CC) || (c->flags & CCW_FLAG_CD))
        return true;
    if (ds != (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
        return true;
    return r->len != c->count && !(c->flags & CCW_FLAG_SLI);
}

/* Trace area "eckd" (arch/trace.h), one line per command: code, name, count,
 * position, status, length, and the sense bytes that matter after a unit check. */
static void trace(const struct eckd *e, const struct eckd_cmd *cmd, const struct ccw_cmd *c,
                  const struct ccw_result *r)
{
    char sense[40] = "";

    if (r->unitstat & DEV_STAT_UNIT_CHECK)
        snprintf(sense, sizeof sense, " sense %02x %02x %02x fmt/msg %02x", e->sense[0], e->sense[1],
                 e->sense[2], e->sense[7]);
    trace_line(TRACE_ECKD, "%04x: #%u %02x %-28s count %5u trk %u/%u rec %u -> status %02x len %u%s",
               e->cfg.devno, c->seq, c->code, cmd ? cmd->name : "(invalid)", c->count,
               e->trk.valid ? e->trk.cyl : 0, e->trk.valid ? e->trk.head : 0,
               e->trk.valid ? e->trk.t.rec[e->cur].rec : 0, r->unitstat, r->len, sense);
}

void eckd_exec(struct ccw_dev *d, const struct ccw_cmd *c, struct ccw_result *r)
{
    struct eckd *e = to_eckd(d);
    const struct eckd_cmd *cmd = eckd_cmd_find(c->code);

    r->len = 0;
    r->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
    if (c->seq == 0)
        eckd_prog_reset(e);
    if (e->store_lost) {
        e->store_lost = false;
        eckd_fail(e, r, SNS0_EQUIP_CHECK, 0, SNS7_F1(0));
    } else if (c->seq == 0 && e->cfg.reserve && eckd_reserve_check(e, c->code, r) < 0) {
        /* a shared volume: reservation lost, busy, or no arbiter */
    } else if (!cmd)
        eckd_reject(e, r, MSG_INVALID_CMD);
    else if (check_prereq(e, cmd, c, r) == 0) {
        update_xmark(e, c->code);
        cmd->fn(e, c, r);
    }
    after_command(e, cmd, c, r);
    if (chain_ends(c, r))
        eckd_trk_settle(e, r);  /* failure: equipment check on this command */
    if (trace_on(TRACE_ECKD))
        trace(e, cmd, c, r);
}
