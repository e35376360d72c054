/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test fixture of the ECKD device: a fresh CKD image in a temporary
 * directory, the device on it, and a 16 MiB flat channel address space in
 * which tests lay out a channel program (format-1 CCWs from DFX_CCW_AT, data
 * areas from DFX_DATA_AT) and run it through the real interpreter.  After a
 * unit check the sense is fetched the way vfio-ccw does (concurrent sense).
 */
#ifndef CCWPASS_TESTS_DEV_DFX_H
#define CCWPASS_TESTS_DEV_DFX_H

#include <stdbool.h>
#include <stdint.h>
#include "chan/chan.h"
#include "dev/eckd.h"
#include "img/image.h"

#define DFX_MEM_SIZE  (16u << 20)
#define DFX_CCW_AT    0x1000u
#define DFX_DATA_AT   0x100000u
#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)
#define CE_DE_UC (CE_DE | DEV_STAT_UNIT_CHECK)

struct dfx {
    char dir[64], path[128];
    struct img *im;
    struct ccw_dev *dev;
    struct eckd_config cfg;
    uint8_t *mem;
    struct chan_flatmem fm;
    struct chan_mem cm;
    struct orb orb;
    uint32_t ccw_at, data_at;
    unsigned nccw;
    uint32_t data_addr[4096];   /* data address of each CCW */
    struct chan_status st;
    uint8_t sense[32];
    unsigned nsense;
    /* the feature codes (PSF/RSSD 0x41) as Linux read them at bring-online;
     * lxcp.c builds its programs by them, all zero until a test reads them */
    uint8_t features[256];
};

struct dfx_opts {
    uint32_t cyls;
    bool linux_null;    /* dasdinit -linux shape */
    bool raw;           /* no IPL1/IPL2/VOL1 */
    bool readonly;
    bool cckd;          /* compressed image (cheap for large volumes) */
    uint8_t unit_addr;
    uint16_t devno;
};

struct dfx *dfx_new(const struct dfx_opts *o);
void dfx_free(struct dfx *f);
/* Reopen the image (and the device on it), e.g. to change read-only. */
void dfx_reopen(struct dfx *f, bool readonly);
/* Start a new channel program. */
void dfx_begin(struct dfx *f);
/* The channel side of a fixture whose f->dev is open: guest memory, a
 * format-1 ORB at DFX_CCW_AT, an empty program (dfx_new() does this). */
void dfx_channel_init(struct dfx *f);
/* Append a CCW; `data` (count bytes) is copied to a fresh data area unless
 * NULL (the area is then zeroed).  Returns the CCW's index. */
unsigned dfx_ccw(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data);
/* Append a CCW whose data address is given (no data area). */
unsigned dfx_ccw_at(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
uint32_t dfx_ccw_addr(const struct dfx *f, unsigned idx);
uint8_t *dfx_data(struct dfx *f, unsigned idx);
/* Run the program; sets f->st and, after unit check, f->sense / f->nsense. */
enum chan_state dfx_run(struct dfx *f);
/* Index of the CCW the status refers to (from the CPA). */
unsigned dfx_last_ccw(const struct dfx *f);

/* Read a track with the image layer (through a second, read-only handle
 * when the device's image is read-write); returns its length. */
size_t dfx_track(struct dfx *f, uint32_t cyl, uint32_t head, uint8_t *buf);

#endif
