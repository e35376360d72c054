/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host channel subsystem ("the hardware" below the vfio_ccw driver):
 * subchannels addressed cssid.ssid.schno, channel paths (chpids), the
 * subchannel instructions SSCH/RSCH/HSCH/CSCH/TSCH/STSCH/MSCH with their
 * condition codes and status (PoP chapter 14, "I/O instructions", and 16,
 * "I/O interruptions"), and the channel-report-word queue.
 *
 * Channel programs run asynchronously on a worker thread per subchannel;
 * when status becomes pending the subchannel's interrupt handler is called
 * (from that worker thread).  A slow device on one subchannel never stalls
 * another.
 */
#ifndef CCWPASS_CHAN_CSS_H
#define CCWPASS_CHAN_CSS_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cio.h"
#include "chan/chan.h"

#define CSS_MAX_CSSID 3
#define CSS_MAX_SSID  3

struct css;
struct subchannel;

struct schid {
    uint8_t  cssid;
    uint8_t  ssid;
    uint16_t schno;
};

/* Channel-path type codes (as in /sys/devices/css0/chp0.xx/type). */
#define CHP_TYPE_FC     0x1A /* FICON channel (FC) */
#define CHP_TYPE_FCV    0x1B /* FICON converted */
#define CHP_TYPE_ESCON  0x11 /* CNC */

struct css *css_new(void);
void        css_free(struct css *css);

int  css_add_chpid(struct css *css, uint8_t cssid, uint8_t chpid, uint8_t type);
bool css_chpid_online(const struct css *css, uint8_t cssid, uint8_t chpid);
/* Vary a channel path off/on: updates path masks of the subchannels using it,
 * ends I/O on the path when taken away, and queues a CRW (RSC channel path,
 * ERC PERRN when it goes, INIT when it comes). */
int  css_chpid_set_online(struct css *css, uint8_t cssid, uint8_t chpid, bool online);

/* Add an I/O subchannel with device `dev` at `id` and device number `devno`;
 * chpids[i] is meaningful where bit (0x80 >> i) of pim is set.  The css owns
 * `dev` from then on: css_free calls dev->ops->destroy.  NULL if `id` is out
 * of range or taken, or a chpid of pim is not defined. */
struct subchannel *css_add_io_subchannel(struct css *css, struct schid id, uint16_t devno,
                                         struct ccw_dev *dev, const uint8_t chpids[8], uint8_t pim);
struct subchannel *css_find_subchannel(struct css *css, struct schid id);
struct subchannel *css_find_devno(struct css *css, uint8_t cssid, uint8_t ssid, uint16_t devno);
/* Iterate: returns the n-th subchannel or NULL. */
struct subchannel *css_subchannel_at(struct css *css, unsigned n);

struct schid sch_id(const struct subchannel *sch);
struct ccw_dev *sch_device(const struct subchannel *sch);
/* Model another subchannel type (SCH_TYPE_*) or an I/O subchannel with the
 * QDIO facility (pmcw.qf), e.g. to show that vfio_ccw refuses to bind it. */
void sch_set_type(struct subchannel *sch, uint8_t st, bool qdio);

/* The instructions.  Return the condition code (0-3). */
int sch_ssch(struct subchannel *sch, const struct orb *orb, const struct chan_mem *mem);

/**
 * sch_ssch_here() - START SUBCHANNEL performed by the caller's thread
 * @sch: the subchannel
 * @orb: as for sch_ssch()
 * @mem: as for sch_ssch()
 * @here: set when the caller must now call sch_run_here(); false when the
 *        worker was woken as by sch_ssch() (a fault delay is injected)
 *
 * Same condition code and status as sch_ssch(), but the worker is not woken
 * for the start: the program runs on the thread that calls sch_run_here(),
 * which saves a thread handoff for short programs.  Any later instruction
 * (HSCH, CSCH, MSCH ...) wakes the worker, which then performs the start
 * itself if sch_run_here() has not begun it, so the start is never lost.
 * Return: the condition code (0-3).
 */
int sch_ssch_here(struct subchannel *sch, const struct orb *orb, const struct chan_mem *mem, bool *here);

/**
 * sch_run_here() - perform the start that sch_ssch_here() left to the caller
 * @sch: the subchannel
 *
 * Runs the channel program on the calling thread until it ends or suspends
 * and presents its status there (the interrupt handler is called on this
 * thread, with no lock held, as from the worker).  HSCH/CSCH from other
 * threads stop it as they stop the worker.  Does nothing if the worker took
 * the start meanwhile.  Call it with no lock held that the interrupt handler
 * takes.
 */
void sch_run_here(struct subchannel *sch);
int sch_rsch(struct subchannel *sch);
int sch_hsch(struct subchannel *sch);
int sch_csch(struct subchannel *sch);
int sch_xsch(struct subchannel *sch);
int sch_tsch(struct subchannel *sch, struct irb *irb);
int sch_stsch(struct subchannel *sch, struct schib *schib);
int sch_msch(struct subchannel *sch, const struct schib *schib);

/**
 * sch_unsolicited() - the device presents status on its own
 * @sch: the subchannel
 * @dstat: device status, e.g. attention + device end + unit exception (0x85),
 *         which a 3490 presents when a cartridge was loaded
 *
 * Becomes status pending with alert status alone and no function (what the
 * program sees as an unsolicited interrupt) as soon as the subchannel is
 * enabled, idle and has no status pending; until then it waits, and several
 * such calls merge into one status (their device-status bits or'ed).  A
 * clear (selective reset of the device) discards it.
 */
void sch_unsolicited(struct subchannel *sch, uint8_t dstat);

/* Called (from the subchannel's worker thread) when status becomes pending.
 * Setting a handler waits until no call of the previous one is in progress. */
typedef void (*sch_irq_fn)(void *opaque, struct subchannel *sch);
void sch_set_irq_handler(struct subchannel *sch, sch_irq_fn fn, void *opaque);

/* Channel-path events for one subchannel (the css bus's chp_event): called
 * after a chpid of the subchannel went offline/online and its path masks were
 * updated, from the thread that varied the path, with no lock held. */
typedef void (*sch_chp_fn)(void *opaque, struct subchannel *sch, uint8_t chpid, bool online);
void sch_set_chp_handler(struct subchannel *sch, sch_chp_fn fn, void *opaque);

/* The CRW queue (machine-wide; PoP "channel report word").  When it overflows
 * the CRWs that do not fit are lost and the next CRW stored, or an otherwise
 * empty one, carries the overflow flag.  The handler is called when a CRW is
 * queued (no lock held). */
typedef void (*css_crw_fn)(void *opaque);
void css_set_crw_handler(struct css *css, css_crw_fn fn, void *opaque);
bool css_crw_pop(struct css *css, struct crw *crw); /* false when empty */

/* Fault injection, for tests. */
struct sch_fault {
    uint32_t delay_ms;     /* delay before each command (interruptible by HSCH/CSCH) */
    bool     stuck;        /* the delay is slow storage under a transfer: HSCH/CSCH
                            * take effect only when it is over (a new fault setting
                            * still ends it) */
    uint32_t eqc_count;    /* the next N commands end in unit check, equipment check */
    bool     not_oper;     /* the device does not answer: SSCH/RSCH/HSCH cc 3 */
    /* Optional: called from the worker (no lock held) each time a delay
     * begins, so a test can meet it at a barrier instead of sleeping. */
    void   (*delay_entered)(void *opaque);
    void    *opaque;
};
/* Replaces the fault settings; a delay in progress ends at once. */
void sch_set_fault(struct subchannel *sch, const struct sch_fault *f);

#endif
