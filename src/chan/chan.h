/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel: a channel-program interpreter over an address space supplied
 * by the caller, and the interface between the channel and a device model
 * (PoP chapter 15, "Basic I/O functions": command chaining, data chaining,
 * IDA, SLI / incorrect length, skip, PCI, suspend/resume, TIC, status
 * modifier, residual count and CPA).
 *
 * The interpreter never trusts the program it runs: every CCW, IDAW and data
 * byte is fetched through `struct chan_mem`, and an address the accessor
 * refuses becomes program check or protection check in the subchannel status.
 */
#ifndef CCWPASS_CHAN_CHAN_H
#define CCWPASS_CHAN_CHAN_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cio.h"

/* ---- the address space a channel program lives in ------------------------- */
#define CHAN_MEM_OK          0
#define CHAN_MEM_ADDRESSING  (-1) /* address not available: program check */
#define CHAN_MEM_PROTECTION  (-2) /* storage key / read-only:  protection check */
#define CHAN_MEM_DATA_CHECK  (-3) /* the storage failed under the transfer: channel-data check */

struct chan_mem {
    void *opaque;
    /* Copy `len` bytes at `addr` into buf / from buf.  Return CHAN_MEM_*.
     * `key` is the ORB's storage key (accessors may ignore it). */
    int (*read)(void *opaque, uint64_t addr, void *buf, uint32_t len, uint8_t key);
    int (*write)(void *opaque, uint64_t addr, const void *buf, uint32_t len, uint8_t key);
    /* Optional.  The channel subsystem calls it exactly once for every start
     * it accepted with this address space (SSCH cc 0), when nothing of that
     * start function can reach the space any more: the program ended (with
     * or without status), was cancelled or cleared, or the subchannel went
     * away.  The owner of the translated program holds a reference for the
     * subchannel from the SSCH until this call.  Called with the subchannel's
     * lock held: it must not issue subchannel instructions. */
    void (*release)(void *opaque);
};

/*
 * A flat address space for tests, benchmarks and fuzzing: channel address A
 * is base[A].  Anything reaching at or beyond `size` is CHAN_MEM_ADDRESSING;
 * an access overlapping [prot_lo, prot_hi) is CHAN_MEM_PROTECTION (fetch or
 * store protected, as a storage key mismatch would be).  Set prot_hi >
 * prot_lo after init to protect a range; init leaves it empty.
 */
struct chan_flatmem {
    uint8_t *base;
    uint64_t size;
    uint64_t prot_lo, prot_hi;
};
void chan_mem_flat_init(struct chan_mem *m, struct chan_flatmem *fm, void *base, uint64_t size);

/* ---- the channel <-> device interface --------------------------------------
 *
 * The channel resolves data chaining before and after calling the device:
 *  - output (write, control): the channel gathers the data of the whole
 *    data chain into `buf` (`count` bytes) and calls exec once; the device
 *    reports in `len` how many bytes it consumed.  For NOP (0x03) nothing is
 *    gathered: its data address is never used.
 *  - input (read, read backward, sense): the channel calls exec with an empty
 *    buffer of CHAN_IOBUF_SIZE bytes and `count` = bytes the data chain can
 *    accept; the device stores its whole record and reports its natural length
 *    in `len` (it may exceed `count`: the channel then stores only `count`
 *    bytes and flags incorrect length unless suppressed).
 *  - read backward: `buf` holds the bytes in the order the device sends
 *    them (the last byte of the record first); the channel stores buf[0] at
 *    the CCW's (or first IDAW's) address and the following bytes at
 *    descending addresses, so storage ends up holding the record's tail in
 *    ascending order.
 *  - skip (input CCWs with the SKIP flag): the device runs as usual; the
 *    channel discards that CCW's share of the data.
 * Residual count and incorrect length are computed by the channel from `len`.
 */
#define CHAN_IOBUF_SIZE (128u * 1024u)

struct ccw_dev;

struct ccw_cmd {
    uint8_t  code;      /* command code */
    uint8_t  flags;     /* flags of the CCW that carries the command */
    bool     chained;   /* reached by command chaining (false: first in program) */
    uint8_t  prev_code; /* previous command of this program (valid if chained) */
    uint32_t seq;       /* 0 for the first command of the program, then 1, 2, ... */
    uint32_t count;     /* see above */
    uint8_t *buf;       /* channel-owned, CHAN_IOBUF_SIZE bytes */
};

struct ccw_result {
    uint32_t len;       /* bytes consumed (output) or produced (input) */
    uint8_t  unitstat;  /* DEV_STAT_*; normal end is CHN_END|DEV_END */
};

struct ccw_dev_ops {
    const char *name;
    /* A new channel program starts (SSCH): reset per-program state (extent,
     * locate-record domain, orientation). */
    void (*start)(struct ccw_dev *d, const struct orb *orb);
    /* Execute one command. */
    void (*exec)(struct ccw_dev *d, const struct ccw_cmd *cmd, struct ccw_result *res);
    /* The program ended, normally or by halt/clear: flush what must be durable. */
    void (*end)(struct ccw_dev *d);
    /* Optional.  The program stopped at a suspend point: flush what must be
     * durable, as at the end (a suspended program may never resume: HSCH or
     * XSCH end it without another call to the device). */
    void (*suspend)(struct ccw_dev *d);
    /* Fetch and clear the pending sense (after unit check).  Returns the number
     * of bytes stored (32 for DASD), 0 if no sense is pending. */
    unsigned (*sense)(struct ccw_dev *d, uint8_t sense[32]);
    /* Selective reset / clear: drop all pending state (CSCH). */
    void (*reset)(struct ccw_dev *d);
    void (*destroy)(struct ccw_dev *d);
    /* Optional.  Asked before the first command `code` of a program runs:
     * true when the device is busy for it (a DASD reserved to another
     * system).  The channel subsystem then keeps the start pending and asks
     * again every CHAN_BUSY_RETRY_MS until the device takes the program or
     * HSCH/CSCH ends it (PoP: a device that signals busy at initial
     * selection; the start is retried when it is free).  Called from the
     * subchannel's worker with no lock held. */
    bool (*busy)(struct ccw_dev *d, uint8_t code);
    /* Optional.  The sense the device holds for the unit check it presents
     * on its own (sch_unsolicited), copied without clearing it: the basic
     * Sense that follows still returns it.  Returns the bytes stored, 0 if
     * none.  The channel subsystem puts them in the unsolicited status's
     * ECW as model-dependent information (ERW cons stays 0).  Called by the
     * subchannel's worker with no lock held while that status is pending
     * (no program runs on the device then). */
    unsigned (*peek_sense)(struct ccw_dev *d, uint8_t sense[32]);
    /* Its programs take microseconds and wait on no medium (a DASD on an
     * image file or RBD; a start held for another host's reserve is ended
     * by HSCH/CSCH): the channel subsystem may run them on the thread that
     * issued the start (sch_ssch_here()).  False for a tape, whose rewind
     * or locate waits in the device: its programs stay on the worker. */
    bool short_programs;
};

#define CHAN_BUSY_RETRY_MS 20

struct ccw_dev {
    const struct ccw_dev_ops *ops;
    uint16_t cu_type, dev_type;   /* informative, from Sense ID */
    uint8_t  cu_model, dev_model;
};

/* ---- the interpreter -------------------------------------------------------- *
 *
 * Program check (cstat PROG_CHECK) is presented for: a CCW address not
 * doubleword aligned or refused by the storage (ORB CPA, TIC target, next
 * CCW); a TIC as the CCW the ORB designates, or fetched by a TIC; a format-1
 * TIC with bits 0-3 of its command code nonzero; command code xxxx0000 (not
 * checked on data-chained CCWs); flag bit 7 (MIDA, unsupported); bit 0 of a
 * format-1 data address; count 0 in a format-0 CCW or with data chaining;
 * the S flag without ORB suspend control or on a data-chained CCW; an IDAL
 * not word (format-1 IDAWs) / doubleword (format-2) aligned; a format-1 IDAW
 * with bit 0 set; a later IDAW not at a block start (read backward: block
 * end); data or IDAW addresses the storage refuses (CHAN_MEM_ADDRESSING);
 * and the implementation limits below.  CHAN_MEM_PROTECTION gives protection
 * check instead.
 */

/* A program may fetch at most this many CCWs (TICs included) per start or
 * resume; the next fetch ends it with program check (CPA = that CCW + 8).
 * This bounds TIC loops such as "NOP, TIC *-8", which real hardware would
 * run until halted, so a hostile program cannot pin a worker thread. */
#define CHAN_MAX_CCWS (1u << 20)
/* Implementation limits of one data chain: at most this many CCWs, and a
 * total count of at most CHAN_IOBUF_SIZE; beyond either, program check at
 * the CCW that exceeds it (the device is not called). */
#define CHAN_MAX_DC_CCWS 4096u

enum chan_state {
    CHAN_RUNNING,
    CHAN_DONE,       /* ended: status in chan_prog.status */
    CHAN_SUSPENDED,  /* stopped at a CCW with the suspend flag; chan_resume continues */
    CHAN_HALTED,     /* stopped by chan_prog_halt */
};

/*
 * Status the channel reports at the end (or at an intermediate point):
 *  - normal end, unit check, ...: cpa = address of the last CCW used + 8
 *    (with data chaining: the CCW in which the transfer ended), count = its
 *    residual count;
 *  - program / protection check: cpa = address of the offending CCW + 8
 *    (for an invalid CCW address reached by TIC: the TIC + 8; for a CCW
 *    address reached sequentially or from the ORB: that address + 8);
 *  - suspended: cpa = address of the suspended CCW + 8, count = its count;
 *  - PCI intermediate status: cstat PCI, cpa = the PCI CCW + 8, count 0.
 */
struct chan_status {
    uint32_t cpa;
    uint8_t  dstat;
    uint8_t  cstat;
    uint16_t count;
};

struct chan_hooks {
    void *opaque;
    /* PCI flag reached: present an intermediate interrupt with this status.
     * Called from the thread running chan_run.  Once called, the subchannel
     * layer owns the condition: if the program has not cleared it (TSCH) when
     * the final status becomes pending, it adds PCI to the final status.
     * Without a hook the interpreter itself adds PCI to the final status. */
    void (*pci)(void *opaque, const struct chan_status *st);
    /* Optional per-command delay hook for fault injection (slow device).  Must
     * return early (true) when the program is halted. */
    bool (*before_cmd)(void *opaque, const struct ccw1 *ccw);
};

struct chan_prog {
    /* inputs */
    struct orb orb;
    const struct chan_mem *mem;
    struct ccw_dev *dev;
    struct chan_hooks hooks;
    /* results */
    enum chan_state state;
    struct chan_status status;
    /* private state of the interpreter */
    struct chan_prog_priv *priv;
};

/* Prepare a program for `orb`; allocates the I/O buffer.  0 or -ENOMEM. */
int  chan_prog_init(struct chan_prog *p, const struct orb *orb, const struct chan_mem *mem,
                    struct ccw_dev *dev, const struct chan_hooks *hooks);
/* Run until done, suspended or halted.  Calls dev->ops->start before the
 * first command, dev->ops->end when the program ends (done or halted) and
 * dev->ops->suspend (if set) when it suspends.  A halted program reports in p->status the status of
 * the last command executed (cpa = orb.cpa if none ran). */
enum chan_state chan_run(struct chan_prog *p);
/* Resume a suspended program (RSCH): refetches the CCW at the suspend point. */
enum chan_state chan_resume(struct chan_prog *p);
/* Ask a running program to stop at the next CCW boundary (HSCH/CSCH).
 * Thread-safe; may be called from another thread while chan_run executes. */
void chan_prog_halt(struct chan_prog *p);
bool chan_prog_halt_requested(const struct chan_prog *p);
void chan_prog_free(struct chan_prog *p);

#endif
