/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IBM 3990 control unit with 3390 (or 3380) ECKD devices behind it, as Linux
 * 6.1's dasd_eckd driver, s390-tools and IPL code use it.  Commands are a
 * table, one row per command code (see eckd_cmds.c).
 */
#ifndef CCWPASS_DEV_ECKD_H
#define CCWPASS_DEV_ECKD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chan/chan.h"
#include "img/image.h"
#include "img/reserve.h"

struct eckd_config {
    uint16_t devno;
    uint16_t cu_type;     /* default 0x3990 */
    uint8_t  cu_model;    /* default 0xE9 (3990-6) */
    uint8_t  unit_addr;   /* unit address, distinct per device on a CU */
    uint16_t ssid;        /* subsystem id */
    char     serial[13];  /* NED sequence number; derived from devno if empty */
    bool     readonly;    /* reject writes as a write-inhibited volume */
    /* A volume other hosts attach too (docs/shared-dasd.md): no track kept
     * across channel programs, and Reserve/Release/Unconditional Reserve,
     * SNID and the busy state act on the arbiter (not owned by the device;
     * close it after destroying the device).  NULL: a volume of this host
     * alone, reserved in the device's own state. */
    struct reserve *reserve;
};

/* Create a device on an opened image (the device does not take ownership of
 * the image; close it after destroying the device).  NULL + message on error. */
struct ccw_dev *eckd_new(struct img *im, const struct eckd_config *cfg, char *err, size_t errlen);

/* What the status verbs show of a shared volume's reserve: a snapshot the
 * device publishes after each reserve-related command and held start. */
struct eckd_reserve_status {
    bool shared;
    enum reserve_state state;   /* as the device last asked the arbiter */
    unsigned long held;         /* starts held because another host had the reserve */
    unsigned long lost;         /* "reservation lost" unit checks presented */
};

/**
 * eckd_reserve_status() - the reserve snapshot of an ECKD device
 * @d:  a device made by eckd_new()
 * @st: filled in; all zero for a volume that is not shared
 *
 * Safe to call from another thread than the one running the device.
 */
void eckd_reserve_status(struct ccw_dev *d, struct eckd_reserve_status *st);

/**
 * eckd_reserve_watch() - has this host lost the reserve of a shared volume?
 * @d: a device made by eckd_new()
 *
 * For the daemon's watcher thread (any thread but the device's worker):
 * true, once per loss, when the device holds the reserve as far as it knows
 * and the arbiter now names another holder or none (a steal).  The caller
 * then presents an unsolicited unit check (sch_unsolicited()); the sense
 * the guest fetches for it says "reservation lost" (byte 7 0x3F).  False
 * for a volume that is not shared.
 */
bool eckd_reserve_watch(struct ccw_dev *d);

/* 3390 model for a cylinder count: 1, 2, 3, 9, 27, 54, or 0 for custom/EAV. */
int eckd_model_for_cyls(uint32_t cyls);
/* Cylinders of a 3390 model (1,2,3,9,27,54), 0 if unknown. */
uint32_t eckd_cyls_for_model(int model);
/* Records per track for key length kl and data length dl (3390 capacity
 * formula, as Linux's recs_per_track). */
unsigned eckd_recs_per_track(uint16_t devtype, unsigned kl, unsigned dl);

#endif
