// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program translation (Linux drivers/s390/cio/vfio_ccw_cp.c): the
 * guest's channel program, which speaks guest addresses, becomes a host
 * program that the host channel subsystem can run.  THIS IS THE SECURITY
 * BOUNDARY of the system: guest addresses end here.
 *
 * Design
 *  - cp_init walks the guest's chain segments (the kernel's ccwchain_handle_
 *    ccw): each segment is fetched once, 2 KiB at most (256 CCWs), from the
 *    DMA map only; format-0 CCWs of the whole fetched segment are converted to
 *    format 1 before the length is counted; the count stops at the first CCW
 *    without chaining that is not a TIC back into the counted part; 256 CCWs
 *    without an end fail (no 257th slot exists to be read); TICs to targets
 *    outside every known segment start a new segment, at most 16 segments.
 *  - cp_prefetch translates every CCW in place:
 *     - TIC: its target becomes the host address of the target CCW (inside any
 *       segment, including the middle of an earlier one);
 *     - a CCW that transfers no data (count 0, NOP, skip on input) pins
 *       nothing: it gets a one-IDAW IDAL pointing at CP_NODATA, an address
 *       the accessor refuses;
 *     - a data CCW gets a host IDAL of format-2 IDAWs: the guest's IDAL
 *       (format-1 = 4-byte 2K, format-2 2K or 4K) is read once, with as many
 *       IDAWs as the count could need, so the first IDAW cannot change between
 *       two reads; a direct CCW gets a fabricated IDAL.  Each IDAW's block (the
 *       bytes the count reaches in it, upwards, or downwards for read backward)
 *       is checked against the DMA map and pinned; a range that is unmapped or
 *       straddles the end of a mapping fails with -EINVAL, as vfio_pin_pages.
 *  - The host program lives in a synthetic 31-bit address space that only
 *    cp_mem() can reach:
 *       CP_CHAIN_BASE + k*4 KiB   the translated CCWs of segment k (read only)
 *       CP_IDAL_BASE ...          the host IDALs (read only), each followed by
 *                                 a guard IDAW (CP_NODATA)
 *       CP_DATA_BASE + n*4 KiB    pinned range n, at its offset in the guest
 *                                 page, so 2K/4K block boundaries are the same
 *                                 as in the guest
 *    Everything else is an addressing error for the interpreter (program
 *    check).  So the interpreter, however the program behaves, can read only
 *    the translated CCWs and IDALs and read or write only validated guest
 *    bytes; a store into a read-only mapping is a protection check.
 *  - cp_update_scsw maps the host CPA back: a CPA inside [head, head +
 *    (len+1)*8) of a segment (one past the end after normal completion)
 *    becomes guest address + offset.
 *  - cp_free unpins; the FSM calls it only after the final interrupt, and an
 *    unmap of a pinned range resets the device first (dma.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include "vfio/cp.h"

struct ccwchain {
    uint64_t iova;        /* guest address of the first CCW */
    unsigned len;         /* CCWs in the segment */
    uint32_t host;        /* synthetic address of the translated CCWs */
    struct ccw1 ccw[CCWCHAIN_LEN_MAX];
};

struct cp_pin {
    uint64_t iova;        /* guest address of the first pinned byte */
    uint32_t len;
    uint16_t lo;          /* offset of iova in its page: the window in the slot */
    bool writable;
    uint8_t *host;
};

#define IDAW_MAX 40       /* enough for 65535 bytes in 2K blocks, unaligned */

/* ---- small predicates ----------------------------------------------------- */

static bool ccw_is_tic1(const struct ccw1 *c)
{
    return c->cmd == CCW_CMD_TIC;
}

static bool ccw_is_chain(const struct ccw1 *c)
{
    return c->flags & (CCW_FLAG_CC | CCW_FLAG_CD);
}

static bool cpa_within(uint64_t cpa, uint64_t head, unsigned len)
{
    return len && head <= cpa && cpa <= head + (uint64_t)(len - 1) * CCW_SIZE;
}

static bool ccw_is_input(const struct ccw1 *c)
{
    enum ccw_dir d = ccw_cmd_dir(c->cmd);
    return d == CCW_DIR_READ || d == CCW_DIR_READ_BACKWARD || d == CCW_DIR_SENSE;
}

/* The kernel's ccw_does_data_transfer(). */
static bool ccw_does_data_transfer(const struct ccw1 *c)
{
    if (c->count == 0 || c->cmd == CCW_CMD_NOOP)
        return false;
    return !(c->flags & CCW_FLAG_SKIP) || !ccw_is_input(c);
}

static struct ccwchain *chain_for(struct channel_program *cp, uint64_t cpa)
{
    for (unsigned i = 0; i < cp->nchain; i++)
        if (cpa_within(cpa, cp->chain[i]->iova, cp->chain[i]->len))
            return cp->chain[i];
    return NULL;
}

/* "Prefetching channel program even though prefetch not specified in ORB",
 * at most once every 5 s. */
static unsigned pfch_warnings;

static void warn_no_pfch(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static time_t last;
    time_t now = time(NULL);
    bool say = false;

    pthread_mutex_lock(&lock);
    if (!pfch_warnings || now - last >= 5) {
        last = now;
        pfch_warnings++;
        say = true;
    }
    pthread_mutex_unlock(&lock);
    if (say)
        fprintf(stderr, "vfio_ccw: prefetching channel program even though prefetch not specified in ORB\n");
}

unsigned cp_pfch_warning_count(void);
unsigned cp_pfch_warning_count(void)
{
    return pfch_warnings;
}

/* ---- cp_init: the chain walk ----------------------------------------------- */

/* Fetch up to 2 KiB of CCWs at `cda` into guest_cp, converted to format 1.
 * Returns the number of slots fetched (the mapped prefix), or -EINVAL. */
static int fetch_segment(struct channel_program *cp, uint64_t cda)
{
    uint8_t raw[CCWCHAIN_LEN_MAX * CCW_SIZE];
    uint64_t got = vfio_dma_read_prefix(cp->dma, cda, raw, sizeof(raw));
    unsigned n = (unsigned)(got / CCW_SIZE);

    if (!n)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        struct ccw1 *c = &cp->guest_cp[i];
        if (cp->orb.fmt) {
            ccw1_decode(raw + i * CCW_SIZE, c);
            continue;
        }
        ccw0_decode(raw + i * CCW_SIZE, c);
        if ((c->cmd & 0x0f) == CCW_CMD_TIC) {
            c->cmd = CCW_CMD_TIC;
            c->flags = 0;
            c->count = 0;
        }
    }
    return (int)n;
}

/* The kernel's ccwchain_calc_length(), bounded by the slots fetched. */
static int calc_length(const struct channel_program *cp, uint64_t iova, unsigned nslots)
{
    for (unsigned cnt = 1; cnt <= nslots; cnt++) {
        const struct ccw1 *c = &cp->guest_cp[cnt - 1];
        bool tic_back = ccw_is_tic1(c) && cpa_within(c->cda, iova, cnt);
        if (!ccw_is_chain(c) && !tic_back)
            return (int)cnt;
    }
    return -EINVAL;   /* no end within 256 CCWs, or the chain runs into unmapped memory */
}

static int handle_ccw(struct channel_program *cp, uint64_t cda);

static int loop_tic(struct channel_program *cp, const struct ccwchain *chain)
{
    for (unsigned i = 0; i < chain->len; i++) {
        const struct ccw1 *c = &chain->ccw[i];
        int rc;
        if (!ccw_is_tic1(c) || (c->cda & 7) || chain_for(cp, c->cda))
            continue;
        rc = handle_ccw(cp, c->cda);
        if (rc)
            return rc;
    }
    return 0;
}

static int handle_ccw(struct channel_program *cp, uint64_t cda)
{
    struct ccwchain *chain;
    int n, len;

    if (cp->nchain == CCWCHAIN_COUNT_MAX)
        return -EINVAL;
    n = fetch_segment(cp, cda);
    if (n < 0)
        return n;
    len = calc_length(cp, cda, (unsigned)n);
    if (len < 0)
        return len;
    chain = calloc(1, sizeof(*chain));
    if (!chain)
        return -ENOMEM;
    chain->iova = cda;
    chain->len = (unsigned)len;
    chain->host = CP_CHAIN_BASE + cp->nchain * CP_CHAIN_STRIDE;
    memcpy(chain->ccw, cp->guest_cp, (size_t)len * sizeof(struct ccw1));
    cp->chain[cp->nchain++] = chain;
    return loop_tic(cp, chain);
}

static void free_chains(struct channel_program *cp)
{
    for (unsigned i = 0; i < cp->nchain; i++)
        free(cp->chain[i]);
    cp->nchain = 0;
}

static int cp_mem_read(void *opaque, uint64_t addr, void *buf, uint32_t len, uint8_t key);
static int cp_mem_write(void *opaque, uint64_t addr, const void *buf, uint32_t len, uint8_t key);
static void cp_mem_release(void *opaque);

/* ---- ownership ---------------------------------------------------------------- */

struct channel_program *cp_alloc(void)
{
    struct channel_program *cp = calloc(1, sizeof(*cp));

    if (!cp)
        return NULL;
    cp->refcounted = true;
    cp->refs = 1;
    return cp;
}

void cp_get(struct channel_program *cp)
{
    __atomic_add_fetch(&cp->refs, 1, __ATOMIC_RELAXED);
}

void cp_put(struct channel_program *cp)
{
    if (!cp)
        return;
    if (__atomic_sub_fetch(&cp->refs, 1, __ATOMIC_ACQ_REL))
        return;
    cp_free(cp);
    free(cp);
}

/* The channel subsystem is done with the program's address space. */
static void cp_mem_release(void *opaque)
{
    cp_put(opaque);
}

int cp_init(struct channel_program *cp, const struct orb *orb, struct vfio_dma *dma,
            struct vfio_ccw_dirty *dirty)
{
    int rc;

    bool refcounted = cp->refcounted;
    unsigned refs = cp->refs;

    if (cp->initialized)
        return -EBUSY;
    memset(cp, 0, sizeof(*cp));
    cp->refcounted = refcounted;
    cp->refs = refs;
    cp->orb = *orb;
    cp->dma = dma;
    cp->dma_faults = vfio_dma_faults(dma);
    cp->dirty = dirty;
    cp->idal_2k = !orb->c64 || orb->i2k;
    cp->mem = (struct chan_mem){ .opaque = cp, .read = cp_mem_read, .write = cp_mem_write,
                                 .release = refcounted ? cp_mem_release : NULL };
    if (!orb->pfch)
        warn_no_pfch();
    if (orb->cpa & 7) {
        /* Not a CCW address: the host program fails its first fetch the same way. */
        cp->bad_cpa = true;
        cp->initialized = true;
        return 0;
    }
    rc = handle_ccw(cp, orb->cpa);
    if (rc) {
        free_chains(cp);   /* no segments leak when init fails */
        return rc;
    }
    cp->initialized = true;
    return 0;
}

/* ---- cp_prefetch: IDALs and pins --------------------------------------------- */

static int idal_append(struct channel_program *cp, uint64_t idaw, uint32_t *addr)
{
    if (cp->idal_used + IDAW2_SIZE > CP_IDAL_LIMIT - CP_IDAL_BASE)
        return -EINVAL;
    if (cp->idal_used + IDAW2_SIZE > cp->idal_cap) {
        uint32_t cap = cp->idal_cap ? cp->idal_cap * 2 : 4096;
        uint8_t *n = realloc(cp->idal, cap);
        if (!n)
            return -ENOMEM;
        cp->idal = n;
        cp->idal_cap = cap;
    }
    if (addr)
        *addr = CP_IDAL_BASE + cp->idal_used;
    idaw2_encode(idaw, cp->idal + cp->idal_used);
    cp->idal_used += IDAW2_SIZE;
    return 0;
}

/* Pin [lo, lo+len) and return the synthetic address that stands for `a`. */
static int pin_block(struct channel_program *cp, uint64_t lo, uint32_t len, uint64_t a, uint64_t *host_idaw)
{
    struct cp_pin *p;
    int rc;

    if (cp->npin >= CP_MAX_PINS)
        return -EINVAL;
    if (cp->npin == cp->pin_cap) {
        uint32_t cap = cp->pin_cap ? cp->pin_cap * 2 : 64;
        struct cp_pin *n = realloc(cp->pin, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        cp->pin = n;
        cp->pin_cap = cap;
    }
    p = &cp->pin[cp->npin];
    rc = vfio_dma_pin(cp->dma, lo, len, &p->host, &p->writable);
    if (rc)
        return rc;
    p->iova = lo;
    p->len = len;
    p->lo = (uint16_t)(lo & (VFIO_DMA_PAGE - 1));
    *host_idaw = CP_DATA_BASE + (uint64_t)cp->npin * VFIO_DMA_PAGE + (a & (VFIO_DMA_PAGE - 1));
    cp->npin++;
    return 0;
}

/* Number of blocks the count touches from `first` (downwards if backward). */
static unsigned blocks_needed(uint64_t first, uint32_t count, uint32_t blk, bool backward)
{
    if (!backward)
        return idaw_count(first, count, blk);
    if (first + 1 < count)
        return (unsigned)(first / blk) + 1;   /* runs below 0: the channel checks */
    return idaw_count(first + 1 - count, count, blk);
}

/* Read the guest IDAL of an IDA CCW, once, as many IDAWs as the count can need. */
static int get_guest_idal(struct channel_program *cp, const struct ccw1 *c, bool backward, uint64_t *idaw,
                          unsigned *n)
{
    unsigned size = cp->orb.c64 ? IDAW2_SIZE : IDAW1_SIZE;
    uint32_t blk = cp->idal_2k ? IDAW_BLK_2K : IDAW_BLK_4K;
    unsigned max = c->count / blk + 2;
    uint8_t raw[IDAW_MAX * IDAW2_SIZE];
    uint64_t got = vfio_dma_read_prefix(cp->dma, c->cda, raw, (uint64_t)max * size);
    unsigned have = (unsigned)(got / size);

    if (!have)
        return -EINVAL;
    for (unsigned i = 0; i < have; i++)
        idaw[i] = size == IDAW2_SIZE ? idaw2_decode(raw + i * size) : idaw1_decode(raw + i * size);
    *n = blocks_needed(idaw[0], c->count, blk, backward);
    return *n <= have ? 0 : -EINVAL;
}

/* A direct CCW: the IDAL the guest would have written. */
static void fabricate_idal(const struct channel_program *cp, const struct ccw1 *c, bool backward, uint64_t *idaw,
                           unsigned *n)
{
    uint32_t blk = cp->idal_2k ? IDAW_BLK_2K : IDAW_BLK_4K;
    uint64_t a = c->cda;

    *n = blocks_needed(a, c->count, blk, backward);
    for (unsigned i = 0; i < *n; i++) {
        idaw[i] = a;
        a = backward ? (a - a % blk) - 1 : (a - a % blk) + blk;
    }
}

static int pin_idal(struct channel_program *cp, const struct ccw1 *c, bool backward, const uint64_t *idaw,
                    unsigned n, uint32_t *idal_addr)
{
    uint32_t blk = cp->idal_2k ? IDAW_BLK_2K : IDAW_BLK_4K;
    uint32_t rem = c->count;
    int rc = 0;

    for (unsigned i = 0; i < n && !rc; i++) {
        uint64_t a = idaw[i], host_idaw = 0;
        uint32_t chunk = backward ? (uint32_t)(a % blk) + 1 : blk - (uint32_t)(a % blk);
        if (chunk > rem)
            chunk = rem;
        rc = pin_block(cp, backward ? a + 1 - chunk : a, chunk, a, &host_idaw);
        if (!rc)
            rc = idal_append(cp, host_idaw, i ? NULL : idal_addr);
        rem -= chunk;
    }
    /* A guard IDAW: an IDAL is never read into its neighbour's. */
    return rc ? rc : idal_append(cp, CP_NODATA, NULL);
}

static int fetch_data_ccw(struct channel_program *cp, struct ccw1 *c)
{
    bool backward = ccw_cmd_dir(c->cmd) == CCW_DIR_READ_BACKWARD;
    unsigned size = cp->orb.c64 ? IDAW2_SIZE : IDAW1_SIZE;
    uint64_t idaw[IDAW_MAX];
    uint32_t idal_addr = 0;
    unsigned n = 0;
    int rc;

    if (!ccw_does_data_transfer(c)) {
        rc = idal_append(cp, CP_NODATA, &idal_addr);
    } else if ((c->flags & CCW_FLAG_IDA) && (c->cda % size)) {
        /* A misaligned IDAL: the channel checks it, nothing to pin. */
        rc = idal_append(cp, CP_NODATA, &idal_addr);
        idal_addr += 1;
    } else {
        if (c->flags & CCW_FLAG_IDA)
            rc = get_guest_idal(cp, c, backward, idaw, &n);
        else {
            fabricate_idal(cp, c, backward, idaw, &n);
            rc = 0;
        }
        if (!rc)
            rc = pin_idal(cp, c, backward, idaw, n, &idal_addr);
    }
    if (rc)
        return rc;
    c->flags |= CCW_FLAG_IDA;
    c->cda = idal_addr;
    return 0;
}

static int fetch_tic(struct channel_program *cp, struct ccw1 *c)
{
    struct ccwchain *t = (c->cda & 7) ? NULL : chain_for(cp, c->cda);

    if (t) {
        c->cda = (uint32_t)(t->host + (c->cda - t->iova));
        return 0;
    }
    if (!(c->cda & 7))
        return -EFAULT;   /* cannot happen: cp_init fetched every aligned target */
    /* A misaligned target: the host TIC keeps it misaligned, the channel checks. */
    c->cda = CP_CHAIN_BASE + (c->cda & 7);
    return 0;
}

int cp_prefetch(struct channel_program *cp)
{
    if (!cp->initialized)
        return -EINVAL;
    for (unsigned k = 0; k < cp->nchain; k++) {
        struct ccwchain *ch = cp->chain[k];
        for (unsigned i = 0; i < ch->len; i++) {
            int rc = ccw_is_tic1(&ch->ccw[i]) ? fetch_tic(cp, &ch->ccw[i]) : fetch_data_ccw(cp, &ch->ccw[i]);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- the rest of the API --------------------------------------------------- */

void cp_get_orb(struct channel_program *cp, uint32_t intparm, uint8_t lpm, struct orb *out)
{
    *out = cp->orb;
    out->intparm = intparm;
    out->fmt = true;
    /* Everything built here is a format-2 IDAL; 2K if the guest's was. */
    if (!out->c64)
        out->i2k = true;
    out->c64 = true;
    if (!out->lpm)
        out->lpm = lpm;
    out->cpa = cp->bad_cpa ? CP_CHAIN_BASE + (cp->orb.cpa & 7) : cp->chain[0]->host;
}

void cp_update_scsw(struct channel_program *cp, struct scsw *scsw)
{
    uint32_t cpa = scsw->cpa;

    if (!cp->initialized || !cpa)
        return;
    if (cp->bad_cpa) {
        uint32_t host = CP_CHAIN_BASE + (cp->orb.cpa & 7);
        if (cpa >= host && cpa - host <= CCW_SIZE)
            scsw->cpa = cp->orb.cpa + (cpa - host);
        return;
    }
    for (unsigned k = 0; k < cp->nchain; k++) {
        const struct ccwchain *ch = cp->chain[k];
        /* +1: after normal completion the CPA points one past the last CCW. */
        if (cpa >= ch->host && cpa < ch->host + (ch->len + 1) * CCW_SIZE) {
            scsw->cpa = (uint32_t)(ch->iova + (cpa - ch->host));
            return;
        }
    }
}

void cp_free(struct channel_program *cp)
{
    for (uint32_t i = 0; i < cp->npin; i++)
        vfio_dma_unpin(cp->dma, cp->pin[i].iova);
    free(cp->pin);
    free(cp->idal);
    free_chains(cp);
    cp->pin = NULL;
    cp->idal = NULL;
    cp->npin = cp->pin_cap = cp->idal_used = cp->idal_cap = 0;
    cp->initialized = false;
    cp->bad_cpa = false;
}

bool cp_iova_pinned(struct channel_program *cp, uint64_t iova, uint64_t length)
{
    if (!cp->initialized)
        return false;
    for (uint32_t i = 0; i < cp->npin; i++)
        if (cp->pin[i].iova < iova + length && iova < cp->pin[i].iova + cp->pin[i].len)
            return true;
    return false;
}

const struct chan_mem *cp_mem(struct channel_program *cp)
{
    return &cp->mem;
}

/* ---- the interpreter's view: synthetic addresses ------------------------------ */

static int read_chain(struct channel_program *cp, uint64_t addr, uint8_t *buf, uint32_t len)
{
    uint64_t k = (addr - CP_CHAIN_BASE) / CP_CHAIN_STRIDE;
    uint64_t off = (addr - CP_CHAIN_BASE) % CP_CHAIN_STRIDE;
    const struct ccwchain *ch;
    uint32_t done = 0;

    if (k >= cp->nchain)
        return CHAN_MEM_ADDRESSING;
    ch = cp->chain[k];
    if (off + len > (uint64_t)ch->len * CCW_SIZE)
        return CHAN_MEM_ADDRESSING;
    while (done < len) {
        uint8_t raw[CCW_SIZE];
        uint64_t b = off + done;
        uint32_t n = CCW_SIZE - (uint32_t)(b % CCW_SIZE);
        if (n > len - done)
            n = len - done;
        ccw1_encode(&ch->ccw[b / CCW_SIZE], raw);
        memcpy(buf + done, raw + b % CCW_SIZE, n);
        done += n;
    }
    return CHAN_MEM_OK;
}

/* Did the guest memory behind this copy fail (a bus error, absorbed by the
 * DMA map's SIGBUS handler, dma.c)?  Then the transfer ends in channel-data
 * check for this program only.  One atomic load when nothing ever failed. */
static bool guest_memory_failed(struct channel_program *cp, const struct cp_pin *p, uint32_t off, uint32_t len)
{
    if (vfio_dma_faults(cp->dma) == cp->dma_faults)
        return false;
    return vfio_dma_poisoned(cp->dma, p->iova + (off - p->lo), len);
}

static int access_data(struct channel_program *cp, uint64_t addr, uint8_t *buf, uint32_t len, bool store)
{
    uint64_t slot = (addr - CP_DATA_BASE) / VFIO_DMA_PAGE;
    uint32_t off = (uint32_t)(addr % VFIO_DMA_PAGE);
    struct cp_pin *p;

    if (slot >= cp->npin)
        return CHAN_MEM_ADDRESSING;
    p = &cp->pin[slot];
    if (off < p->lo || (uint64_t)off + len > (uint64_t)p->lo + p->len)
        return CHAN_MEM_ADDRESSING;
    if (!store) {
        memcpy(buf, p->host + (off - p->lo), len);
        return guest_memory_failed(cp, p, off, len) ? CHAN_MEM_DATA_CHECK : CHAN_MEM_OK;
    }
    if (!p->writable)
        return CHAN_MEM_PROTECTION;
    memcpy(p->host + (off - p->lo), buf, len);
    if (guest_memory_failed(cp, p, off, len))
        return CHAN_MEM_DATA_CHECK;
    if (cp->dirty)
        vfio_ccw_dirty_add(cp->dirty, p->iova + (off - p->lo), len);
    return CHAN_MEM_OK;
}

static int cp_mem_read(void *opaque, uint64_t addr, void *buf, uint32_t len, uint8_t key)
{
    struct channel_program *cp = opaque;

    if (addr >= CP_CHAIN_BASE && addr < CP_CHAIN_BASE + CCWCHAIN_COUNT_MAX * CP_CHAIN_STRIDE)
        return read_chain(cp, addr, buf, len);
    if (addr >= CP_IDAL_BASE && addr < CP_IDAL_BASE + cp->idal_used) {
        if (addr + len > CP_IDAL_BASE + cp->idal_used)
            return CHAN_MEM_ADDRESSING;
        memcpy(buf, cp->idal + (addr - CP_IDAL_BASE), len);
        return CHAN_MEM_OK;
    }
    if (addr >= CP_DATA_BASE)
        return access_data(cp, addr, buf, len, false);
    return CHAN_MEM_ADDRESSING;
}

static int cp_mem_write(void *opaque, uint64_t addr, const void *buf, uint32_t len, uint8_t key)
{
    struct channel_program *cp = opaque;

    if (addr >= CP_DATA_BASE)
        return access_data(cp, addr, (uint8_t *)buf, len, true);
    /* The translated CCWs and IDALs are not the guest's storage. */
    if (addr >= CP_CHAIN_BASE && addr < CP_IDAL_LIMIT)
        return CHAN_MEM_PROTECTION;
    return CHAN_MEM_ADDRESSING;
}
