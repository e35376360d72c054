/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the channel-program interpreter, shared by interp*.c.
 */
#ifndef CCWPASS_CHAN_INTERP_PRIV_H
#define CCWPASS_CHAN_INTERP_PRIV_H

#include <stdatomic.h>
#include "chan/chan.h"

/* One CCW of the current command's data chain, with where it was fetched. */
struct dc_ccw {
    struct ccw1 ccw;
    uint64_t addr;   /* address of the CCW itself */
    uint32_t done;   /* bytes of this CCW's area used by the transfer */
};

struct chan_prog_priv {
    uint8_t *buf;              /* CHAN_IOBUF_SIZE bytes, handed to the device */
    struct dc_ccw *dc;         /* the current data chain, grown on demand */
    unsigned ndc, dc_cap;
    atomic_bool halt;
    bool started;
    uint64_t next;             /* address of the next CCW to fetch */
    bool chained;              /* next command is reached by command chaining */
    uint8_t prev_code;
    uint32_t seq;
    uint32_t fetched;          /* CCWs fetched (TICs included), see CHAN_MAX_CCWS */
    bool at_start;             /* next fetch is the CCW the ORB designates */
    bool pci_unpresented;      /* PCI seen with no hook to present it */
};

/* interp_fetch.c: fetch the next CCW (at priv->next), following TICs.
 * On error sets p->status and returns false. */
bool interp_fetch_ccw(struct chan_prog *p, struct dc_ccw *out);
/* interp_fetch.c: the checks on a fetched non-TIC CCW other than suspend. */
bool interp_check_ccw(struct chan_prog *p, const struct dc_ccw *c, bool in_dc);
/* Sets p->status to a channel-detected error of CCW c. */
void interp_fail(struct chan_prog *p, uint64_t ccw_addr, uint8_t cstat, uint16_t count);
/* Maps a CHAN_MEM_* error to the channel status it causes. */
uint8_t interp_mem_cstat(int rc);

/* interp_data.c: move `n` bytes between buf and the area of CCW c.
 * `store`: input (buf -> storage), else output (storage -> buf).  On error
 * returns the channel status (program / protection check) and sets *moved to
 * the bytes transferred before it; 0 on success. */
uint8_t interp_xfer(struct chan_prog *p, const struct ccw1 *c, uint8_t *buf, uint32_t n,
                    bool store, bool backward, uint32_t *moved);

/* interp_trace.c: the trace area "chan" (arch/trace.h). */
bool interp_trace_enabled(void);
void interp_trace_cmd(const struct chan_prog *p, const struct ccw_cmd *cmd,
                      const struct ccw_result *res);
void interp_trace_end(const struct chan_prog *p);

#endif
