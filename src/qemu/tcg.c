// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keeping TCG's translated code coherent with what the device wrote.
 *
 * ccwpassd writes guest RAM through its own shared mapping, behind the back
 * of TCG's self-modifying-code tracking (which only sees stores made through
 * QEMU's softmmu or address_space_write).  A program read from the DASD into
 * a page that once held translated code would run the stale translation.  So
 * after each I/O completion the adapter asks the daemon which guest ranges it
 * wrote (CCWP_CMD_DIRTY, or the shared area's dirty ring) and invalidates their translations, the way QEMU's
 * own DMA path does (physmem.c invalidate_and_set_dirty), via two functions
 * that Debian's qemu-system-s390x exports dynamically:
 *   ram_addr_t qemu_ram_addr_from_host(void *ptr);
 *   void tb_invalidate_phys_range(tb_page_addr_t start, tb_page_addr_t end);
 * (QEMU 7.2: end exclusive, takes the page locks itself, callable from the
 * main loop with the BQL held like any DMA completion.  8.1 made the second
 * argument inclusive; invalidating one byte more is harmless.)  When the
 * daemon cannot list the ranges (overflow, or no DIRTY support) all mapped
 * guest memory is invalidated: slower, never stale.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"

typedef uint64_t (*ram_addr_from_host_fn)(void *ptr);
typedef void (*tb_invalidate_fn)(uint64_t start, uint64_t end);

#define RAM_ADDR_INVALID (~(uint64_t)0)

static ram_addr_from_host_fn ram_addr_from_host;
static tb_invalidate_fn tb_invalidate;
static bool resolved, warned;

static bool resolve(void)
{
    if (!resolved) {
        resolved = true;
        if (getenv("CCWPASS_NO_TCG_SYNC")) {    /* measurement only: unsafe for guest code */
            warned = true;
            return false;
        }
        ram_addr_from_host = (ram_addr_from_host_fn)dlsym(RTLD_DEFAULT, "qemu_ram_addr_from_host");
        tb_invalidate = (tb_invalidate_fn)dlsym(RTLD_DEFAULT, "tb_invalidate_phys_range");
    }
    if ((!ram_addr_from_host || !tb_invalidate) && !warned) {
        warned = true;
        ccwq_log("this QEMU does not export tb_invalidate_phys_range/qemu_ram_addr_from_host: "
                 "code the guest reads from the device may run stale TCG translations");
    }
    return ram_addr_from_host && tb_invalidate;
}

/* Invalidates [iova, iova+len) clipped to each DMA mapping it touches. */
static void invalidate(const struct ccwq_container *c, uint64_t iova, uint64_t len)
{
    if (len > UINT64_MAX - iova)
        len = UINT64_MAX - iova;
    for (int i = 0; i < c->ndma; i++) {
        const struct ccwq_dma *m = &c->dma[i];
        uint64_t lo = iova > m->iova ? iova : m->iova;
        uint64_t hi = iova + len < m->iova + m->size ? iova + len : m->iova + m->size;
        if (lo >= hi)
            continue;
        uint64_t ram = ram_addr_from_host((void *)(uintptr_t)(m->vaddr + (lo - m->iova)));
        if (ram != RAM_ADDR_INVALID)
            tb_invalidate(ram, ram + (hi - lo));
    }
}

void ccwq_tcg_sync(struct ccwq_device *d)
{
    struct { struct ccwp_dirty h; struct ccwp_range r[CCWP_DIRTY_MAX]; } rep;
    size_t len = 0;

    if (d->gone || !d->container || !resolve())
        return;
    memset(&rep.h, 0, sizeof rep.h);
    bool all = false;
    int taken = ccwq_shm_take_dirty(d, rep.r, CCWP_DIRTY_MAX, &all);
    if (taken >= 0) {
        /* the shared area's ring: no round trip */
        rep.h = (struct ccwp_dirty){ .count = (uint32_t)taken, .flags = all ? CCWP_DIRTY_OVERFLOW : 0 };
        len = sizeof rep.h + (size_t)taken * sizeof rep.r[0];
    }
    int rc = taken >= 0 ? 0 : ccwq_call(&d->conn, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, &rep, sizeof rep, &len);
    if (rc && d->conn.broken)
        return;                 /* the device is gone; region.c reports it */
    if (rc || len < sizeof rep.h) {
        /* No ranges: be safe rather than fast. */
        static bool told;
        if (!told) {
            told = true;
            ccwq_log("ccwpassd does not report the guest memory it wrote (%s): invalidating "
                     "translated code for all guest memory after each I/O", rc ? strerror(-rc) : "short reply");
        }
        rep.h.flags = CCWP_DIRTY_OVERFLOW;
    }
    if (rep.h.flags & CCWP_DIRTY_OVERFLOW) {
        invalidate(d->container, 0, UINT64_MAX);
        ccwq_debug("invalidated TCG code in all guest memory (dirty overflow)");
        return;
    }
    uint32_t n = rep.h.count;
    if (n > CCWP_DIRTY_MAX || sizeof rep.h + n * sizeof rep.r[0] > len)
        n = (uint32_t)((len - sizeof rep.h) / sizeof rep.r[0]);
    for (uint32_t i = 0; i < n; i++)
        invalidate(d->container, rep.r[i].iova, rep.r[i].len);
    ccwq_debug("invalidated TCG code in %u dirty range(s)", n);
}
