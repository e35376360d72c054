/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel programs as Linux 6.1's dasd_eckd driver builds them (docs/eckd.md
 * "What Linux 6.1 sends"): Define Extent and Locate Record parameter blocks, and whole
 * programs for analysis, format, format check and block I/O, laid out in a
 * dfx fixture: the command-mode "single" path (DE/LR + one CCW per block)
 * and the command-mode "track" path (Prefix + Read/Write Track Data).
 */
#ifndef CCWPASS_TESTS_DEV_LXCP_H
#define CCWPASS_TESTS_DEV_LXCP_H

#include "dfx.h"

#define LX_HEADS 15
#define LX_CMD_READ_MT      0x86
#define LX_CMD_WRITE_MT     0x85
#define LX_CMD_READ_KD_MT   0x8E
#define LX_CMD_WRITE_KD_MT  0x8D
#define LX_CMD_READ_COUNT   0x12
#define LX_CMD_WRITE_CKD    0x1D
#define LX_CMD_WRITE_CKD_MT 0x9D
#define LX_CMD_WRITE_R0     0x15
#define LX_CMD_PFX          0xE7
#define LX_CMD_READ_TRK_DATA  0xA6
#define LX_CMD_WRITE_TRK_DATA 0xA5
#define LX_PFX_SIZE         64

/* Define Extent (16 bytes) for command `cmd` over tracks [beg, end]. */
void lx_define_extent(uint8_t de[16], uint32_t beg, uint32_t end, uint8_t cmd, bool cdl_special);
/* Locate Record (16 bytes). */
void lx_locate_record(uint8_t lr[16], uint32_t trk, unsigned rec_on_trk, unsigned no_rec,
                      uint8_t cmd, unsigned reclen, unsigned blksize);

/* dasd_eckd_analysis_ccw: DE, LR(trk 0, R0, 4), 4 x Read Count, LR(trk 1,
 * R0, 1), Read Count.  counts[5][8] get the five count fields read. */
enum chan_state lx_analysis(struct dfx *f, uint8_t counts[5][8]);

/* One BIODASDFMT request: tracks [start, stop], intensity bits (0x01 R0,
 * 0x04 invalidate, 0x08 CDL), as dasd_eckd_build_format. */
enum chan_state lx_format(struct dfx *f, uint32_t start, uint32_t stop, unsigned blksize,
                          unsigned intensity);
/* A whole dasdfmt run over the volume (invalidate track 0, tracks 1..N-1 in
 * requests of at most 255/rpt tracks, re-format track 0). 0 or -1. */
int lx_dasdfmt(struct dfx *f, unsigned blksize, bool cdl);

/* Block I/O as dasd_eckd_build_cp chooses it by f->features: Prefix +
 * Read/Write Track Data, or DE (Prefix format 0 with the Prefix feature) /
 * LR + 0x86/0x85 (0x8E/0x8D on CDL special records): `nblocks` blocks from
 * block `first`, data at host `buf`. */
enum chan_state lx_blocks(struct dfx *f, bool write, uint64_t first, unsigned nblocks,
                          unsigned blksize, bool cdl, uint8_t *buf);

/* Parts of a track-level program (dasd_eckd_build_cp_cmd_track), so that
 * tests can change one field before running it. */
struct lx_track_prog {
    uint8_t pfx[LX_PFX_SIZE];   /* format 1: DE at 12, LRE at 44 */
    unsigned ntrk;              /* Read/Write Track Data CCWs */
    uint32_t count[256];        /* CCW count of each */
};
/* Prefix + LRE and the per-track counts Linux builds for `nblocks` blocks
 * from block `first` (prefix_LRE format 1, fill_LRE_data). */
void lx_track_build(struct lx_track_prog *p, bool write, uint64_t first, unsigned nblocks,
                    unsigned blksize, uint8_t unit_addr);
/* Lay out and run it: Prefix, then one 0xA6/0xA5 per track with the data
 * of `buf` (write) or read into `buf` (read). */
enum chan_state lx_track_run(struct dfx *f, const struct lx_track_prog *p, bool write,
                             uint8_t *buf);
/* Both: the block I/O Linux does when the feature codes allow it. */
enum chan_state lx_track(struct dfx *f, bool write, uint64_t first, unsigned nblocks,
                         unsigned blksize, uint8_t *buf);

/* BIODASDCHECKFMT for one track: DE/LR op 0x06 + 50 x Read Count (SLI).
 * Returns the number of count fields that arrived; counts gets them. */
unsigned lx_check_format(struct dfx *f, uint32_t trk, uint8_t counts[50][8]);

#endif
