/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program translation (Linux vfio_ccw_cp.h): a self-contained library
 * with the five-call API of the kernel driver.  See cp.c for the design and
 * the security argument.
 *
 *   cp_init         fetch the guest's chains (CCWs only, once), limits checked
 *   cp_prefetch     fetch IDALs (once), validate and pin every data area,
 *                   build the host chains and format-2 IDALs, resolve TICs
 *   cp_get_orb      the ORB for the host SSCH (fmt 1, c64 1, host CPA)
 *   cp_update_scsw  translate the SCSW's CPA back to a guest address
 *   cp_free         unpin and free (only after the final interrupt)
 *   cp_iova_pinned  is any byte of [iova, iova+len) pinned by this program?
 *
 * Ownership.  The FSM does not free a program by timing: it allocates one per
 * start request (cp_alloc) and shares it by reference.  The FSM holds one
 * reference while the program is the mdev's current one; the subchannel holds
 * another from the SSCH that accepted it until the channel subsystem hands
 * the address space back (chan_mem.release, see chan/chan.h).  The program is
 * unpinned and freed when the last reference goes (cp_put), so neither an
 * early completion nor a reset can free memory the worker still reaches.
 */
#ifndef CCWPASS_VFIO_CP_H
#define CCWPASS_VFIO_CP_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cio.h"
#include "chan/chan.h"
#include "vfio/dma.h"

#define CCWCHAIN_LEN_MAX   256   /* CCWs per chain segment (2 KiB) */
#define CCWCHAIN_COUNT_MAX 16    /* chain segments per program */

struct ccwchain;
struct cp_pin;

struct channel_program {
    struct orb orb;                 /* the guest's ORB */
    bool initialized;
    bool refcounted;                /* from cp_alloc: freed by the last cp_put */
    unsigned refs;                  /* atomic: FSM + subchannel references */
    bool bad_cpa;                   /* ORB CPA not doubleword aligned */
    bool idal_2k;                   /* guest used 2K IDAWs (format-1, or format-2 with i2k) */
    struct vfio_dma *dma;
    unsigned dma_faults;            /* vfio_dma_faults when translated */
    struct vfio_ccw_dirty *dirty;
    struct ccwchain *chain[CCWCHAIN_COUNT_MAX];
    unsigned nchain;
    uint8_t *idal;                  /* host IDALs: big-endian format-2 IDAWs */
    uint32_t idal_used, idal_cap;
    struct cp_pin *pin;
    uint32_t npin, pin_cap;
    struct chan_mem mem;            /* what the interpreter may reach */
    struct ccw1 guest_cp[CCWCHAIN_LEN_MAX]; /* scratch: one fetched segment */
};

/**
 * cp_alloc() - a new, empty program holding one reference (the caller's)
 *
 * Its address space (cp_mem) releases the subchannel's reference: take one
 * with cp_get before SSCH and drop it yourself if the SSCH is not accepted.
 * Return: the program, or NULL when out of memory.
 */
struct channel_program *cp_alloc(void);
/** cp_get() - take a reference on a program from cp_alloc. */
void cp_get(struct channel_program *cp);
/** cp_put() - drop a reference; the last one unpins and frees.  NULL is ignored. */
void cp_put(struct channel_program *cp);

int  cp_init(struct channel_program *cp, const struct orb *orb, struct vfio_dma *dma,
             struct vfio_ccw_dirty *dirty);
int  cp_prefetch(struct channel_program *cp);
void cp_get_orb(struct channel_program *cp, uint32_t intparm, uint8_t lpm, struct orb *out);
void cp_update_scsw(struct channel_program *cp, struct scsw *scsw);
void cp_free(struct channel_program *cp);
bool cp_iova_pinned(struct channel_program *cp, uint64_t iova, uint64_t length);
/* The address space of the translated program, for sch_ssch. */
const struct chan_mem *cp_mem(struct channel_program *cp);

/* The synthetic 31-bit layout of the translated program (see cp.c). */
#define CP_CHAIN_BASE   0x00010000u
#define CP_CHAIN_STRIDE 0x00001000u
#define CP_IDAL_BASE    0x00100000u
#define CP_IDAL_LIMIT   0x00F00000u
#define CP_NODATA       0x00F00000u  /* IDAW of a CCW that transfers no data */
#define CP_DATA_BASE    0x01000000u
#define CP_MAX_PINS     ((0x7FFFF000u - CP_DATA_BASE) / 4096u)

#endif
