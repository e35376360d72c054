// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Path grouping and reservation (3990: Sense/Set Path Group ID, Device
 * Reserve/Release, Unconditional Reserve).  The path group itself is the
 * shared model of pathgroup.c; Linux's cio (device_pgid.c) refuses a DASD
 * whose path group cannot be established.
 *
 * On a volume of this host alone the reserve is the device's own flag.  On
 * a shared volume (cfg.reserve, docs/shared-dasd.md) it is the arbiter's:
 * while another host holds it, a program is held at its first command
 * (ops->busy: the start stays pending, as on a 3990 reserved to another
 * system) unless that command is Sense Path Group ID, Unconditional
 * Reserve or Sense; the arbiter's answer to busy serves the program's first
 * command too (one question per program: a cluster round trip on RBD).  A
 * reserve this host held and lost to a steal is reported once: as the
 * sense of an unsolicited unit check when the daemon's watcher saw it
 * first (eckd_reserve_watch), else as a unit check of the next program's
 * first command.
 */
#include <errno.h>
#include <string.h>
#include "dev/eckd_priv.h"

#define CMD_SENSE 0x04
#define CMD_SNID  0x34
#define CMD_SLCK  0x14

/* The published snapshot (eckd_reserve_status). */
static void publish_state(struct eckd *e, enum reserve_state st)
{
    __atomic_store_n(&e->rsv_state, (int)st, __ATOMIC_RELEASE);
}

/* The arbiter's answer; -1 with an equipment check in r when it has none. */
static int ask(struct eckd *e, enum reserve_state *st, struct ccw_result *r)
{
    if (reserve_query(e->cfg.reserve, st, NULL, 0) < 0)
        return eckd_fail(e, r, SNS0_EQUIP_CHECK, 0, SNS7_F1(0));
    publish_state(e, *st);
    return 0;
}

/* Commands a 3990 executes whoever holds the reserve; and Sense, which a
 * guest issues only for a unit check it was presented (contingent
 * allegiance: the path that got the unit check keeps the device until it
 * sensed; held, the guest's basic sense would never end). */
static bool ignores_reserve(uint8_t code)
{
    return code == CMD_SNID || code == CMD_SLCK || code == CMD_SENSE;
}

bool eckd_busy(struct ccw_dev *d, uint8_t code)
{
    struct eckd *e = to_eckd(d);
    enum reserve_state st = RESERVE_NONE;

    e->sel_fresh = false;
    if (!e->cfg.reserve || ignores_reserve(code))
        return false;
    /* an arbiter that does not answer: not busy; the command reports it */
    if (reserve_query(e->cfg.reserve, &st, NULL, 0) < 0)
        return false;
    publish_state(e, st);
    e->sel_state = st;
    e->sel_fresh = true;
    /* a reserve this host lost is reported first (eckd_reserve_check) */
    if (st != RESERVE_OTHER || e->reserved)
        return false;
    if (!e->held_counted) {
        e->held_counted = true;
        __atomic_add_fetch(&e->rsv_held, 1, __ATOMIC_RELEASE);
    }
    return true;
}

bool eckd_reserve_watch(struct ccw_dev *d)
{
    struct eckd *e = to_eckd(d);
    enum reserve_state st;
    int self = RESERVE_SELF;

    if (!e->cfg.reserve || __atomic_load_n(&e->rsv_state, __ATOMIC_ACQUIRE) != RESERVE_SELF ||
        __atomic_load_n(&e->lost_notice, __ATOMIC_ACQUIRE))
        return false;
    if (reserve_query(e->cfg.reserve, &st, NULL, 0) < 0 || st == RESERVE_SELF)
        return false;
    /* the worker may have published news meanwhile: then it knows */
    if (!__atomic_compare_exchange_n(&e->rsv_state, &self, (int)st, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return false;
    __atomic_store_n(&e->lost_notice, true, __ATOMIC_RELEASE);
    return true;
}

/* This host held the reserve and does not now: counted once.  A notice
 * of the watcher stays: its unsolicited unit check still comes, and the
 * sense for it must say why. */
static void lost(struct eckd *e)
{
    if (!e->reserved)
        return;
    e->reserved = false;
    __atomic_add_fetch(&e->rsv_lost, 1, __ATOMIC_RELEASE);
}

bool eckd_take_lost_notice(struct eckd *e)
{
    /* the sense of another unit check goes first */
    if (!e->cfg.reserve || e->sense_pending || !__atomic_exchange_n(&e->lost_notice, false, __ATOMIC_ACQ_REL))
        return false;
    /* checked again here: it may be ours again by now (a Reserve after
     * the steal was released) */
    if (e->reserved && reserve_held(e->cfg.reserve))
        return false;
    lost(e);
    eckd_sense_build(e, 0, 0, 0, SNS7_RSV_LOST);
    return true;
}

int eckd_reserve_check(struct eckd *e, uint8_t code, struct ccw_result *r)
{
    enum reserve_state st = e->sel_state;
    bool fresh = e->sel_fresh;

    /* busy's answer (initial selection) serves this program only */
    e->sel_fresh = false;
    /* the Sense after the unsolicited unit check: it fetches the loss */
    if (code == CMD_SENSE && eckd_take_lost_notice(e))
        return 0;
    if (!fresh && ask(e, &st, r) < 0)
        return -1;
    if (e->reserved && st != RESERVE_SELF && code != CMD_SNID) {
        lost(e);
        return eckd_fail(e, r, 0, 0, SNS7_RSV_LOST);
    }
    if (st == RESERVE_OTHER && !ignores_reserve(code)) {
        /* reached without ops->busy (a caller of chan_run, or the holder
         * changed since): the device is busy */
        r->len = 0;
        r->unitstat = DEV_STAT_BUSY;
        return -1;
    }
    return 0;
}

void eckd_reserve_status(struct ccw_dev *d, struct eckd_reserve_status *st)
{
    struct eckd *e = to_eckd(d);

    memset(st, 0, sizeof *st);
    if (!e->cfg.reserve)
        return;
    st->shared = true;
    st->state = (enum reserve_state)__atomic_load_n(&e->rsv_state, __ATOMIC_ACQUIRE);
    st->held = __atomic_load_n(&e->rsv_held, __ATOMIC_ACQUIRE);
    st->lost = __atomic_load_n(&e->rsv_lost, __ATOMIC_ACQUIRE);
}

void eckd_cmd_snid(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    enum reserve_state st = e->reserved ? RESERVE_SELF : RESERVE_NONE;

    if (e->cfg.reserve && ask(e, &st, r) < 0)
        return;
    pathgroup_sense(&e->pg, st == RESERVE_SELF ? PG_RESERVED_SELF : st == RESERVE_OTHER ? PG_RESERVED_OTHER : 0,
                    c->buf);
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
    else if (e->cfg.reserve)
        reserve_set_pgid(e->cfg.reserve, e->pg.pgid);
}

/* Reserve, Release and Unconditional Reserve transfer 32 sense bytes. */
static void reserve_sense(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    r->len = eckd_sense_fetch(e, c->buf);
}

/* The arbiter's answer to a reserve command: 0, or -1 with r's status set
 * (busy when another host took it meanwhile, equipment check on failure). */
static int arbiter_done(struct eckd *e, int rc, bool held, struct ccw_result *r)
{
    if (rc == -EBUSY) {
        r->len = 0;
        r->unitstat = DEV_STAT_BUSY;
        publish_state(e, RESERVE_OTHER);
        return -1;
    }
    if (rc < 0)
        return eckd_fail(e, r, SNS0_EQUIP_CHECK, 0, SNS7_F1(0));
    e->reserved = held;
    publish_state(e, held ? RESERVE_SELF : RESERVE_NONE);
    return 0;
}

void eckd_cmd_reserve(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->cfg.reserve && arbiter_done(e, reserve_acquire(e->cfg.reserve), true, r) < 0)
        return;
    e->reserved = true;
    reserve_sense(e, c, r);
}

void eckd_cmd_slck(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->cfg.reserve && arbiter_done(e, reserve_steal(e->cfg.reserve), true, r) < 0)
        return;
    e->reserved = true;
    reserve_sense(e, c, r);
}

void eckd_cmd_release(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (e->cfg.reserve && arbiter_done(e, reserve_release(e->cfg.reserve), false, r) < 0)
        return;
    e->reserved = false;
    reserve_sense(e, c, r);
}
