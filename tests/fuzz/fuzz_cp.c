// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: channel-program translation (src/vfio/cp.c) through its
 * API, over a DMA map of fuzz-controlled guest memory, and the translated
 * program run by the interpreter on the command-derived device of
 * tests/chan/fuzz_interp.h.
 *
 * Input: bytes 0-3 the ORB (byte 0: bit 0 format-0 CCWs, bit 1 no 64-bit
 * IDAWs, bit 2 2K IDAWs, bit 3 prefetch, bit 4 suspend control, bits 5-7
 * key; bytes 1-3 the CPA inside area A, or any CPA when byte 1 bit 7 is
 * set); the rest fills guest memory: area A (64 KiB read/write at 0), area B
 * (16 KiB read-only at 0x11000, after a 4 KiB hole), area C (8 KiB read/write
 * at 512 MiB).  Every area sits between PROT_NONE guard pages, so a stray
 * host access faults.
 * Invariants: translation and execution never touch memory outside the map,
 * area B is never written, every range logged as written by the device lies
 * in a writable area, and a translated program ends.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "fuzz_util.h"
#include "../chan/fuzz_interp.h"
#include "vfio/cp.h"
#include "vfio/dma.h"

#define PAGE       4096u
#define A_IOVA     0x0ull
#define A_SIZE     0x10000ull
#define B_IOVA     0x11000ull
#define B_SIZE     0x4000ull
#define C_IOVA     0x20000000ull
#define C_SIZE     0x2000ull
#define ORB_BYTES  4
#define CPA_ANY    0x80
#define MAX_RESUMES 4

static uint8_t *area, *mem_a, *mem_b, *mem_c;
static uint8_t b_copy[B_SIZE];
static struct vfio_dma *dma;

static uint8_t *open_window(size_t off, size_t size)
{
    if (mprotect(area + off, size, PROT_READ | PROT_WRITE) != 0)
        fuzz_fail("mprotect");
    return area + off;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t total = PAGE + A_SIZE + PAGE + B_SIZE + PAGE + C_SIZE + PAGE;

    area = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        fuzz_fail("mmap");
    mem_a = open_window(PAGE, A_SIZE);
    mem_b = open_window(PAGE + A_SIZE + PAGE, B_SIZE);
    mem_c = open_window(PAGE + A_SIZE + PAGE + B_SIZE + PAGE, C_SIZE);
    dma = vfio_dma_new();
    if (!dma || vfio_dma_map(dma, A_IOVA, A_SIZE, mem_a, true) || vfio_dma_map(dma, B_IOVA, B_SIZE, mem_b, false) ||
        vfio_dma_map(dma, C_IOVA, C_SIZE, mem_c, true))
        fuzz_fail("cannot build the DMA map");
    return 0;
}

static size_t fill(uint8_t *dst, size_t cap, const uint8_t **p, size_t *left)
{
    size_t n = *left < cap ? *left : cap;

    memset(dst, 0, cap);
    memcpy(dst, *p, n);
    *p += n;
    *left -= n;
    return n;
}

static void orb_from_input(const uint8_t *d, struct orb *o)
{
    uint32_t cpa = (uint32_t)(d[1] & 0x7F) << 16 | (uint32_t)d[2] << 8 | d[3];

    memset(o, 0, sizeof(*o));
    o->fmt = !(d[0] & 0x01);
    o->c64 = !(d[0] & 0x02);
    o->i2k = d[0] & 0x04;
    o->pfch = d[0] & 0x08;
    o->spnd = d[0] & 0x10;
    o->key = d[0] >> 5;
    o->lpm = 0x80;
    o->cpa = d[1] & CPA_ANY ? cpa << 8 | d[3] : cpa % A_SIZE;
}

static bool in_writable(uint64_t iova, uint64_t len)
{
    return iova + len <= A_IOVA + A_SIZE || (iova >= C_IOVA && iova + len <= C_IOVA + C_SIZE);
}

/* Run the translated program the way the FSM hands it to the subchannel. */
static void run_translated(struct channel_program *cp)
{
    struct fuzz_outcome out;
    struct fuzz_dev dev;
    struct chan_prog p;
    struct orb host;
    struct scsw scsw;

    memset(&out, 0, sizeof(out));
    fuzz_dev_init(&dev, &out);
    cp_get_orb(cp, 0x12345678, 0x80, &host);
    if (chan_prog_init(&p, &host, cp_mem(cp), &dev.dev, NULL) != 0)
        fuzz_fail("the interpreter refused the translated ORB");
    out.state = chan_run(&p);
    while (out.state == CHAN_SUSPENDED && out.resumes < MAX_RESUMES) {
        out.resumes++;
        out.state = chan_resume(&p);
    }
    if (out.state != CHAN_DONE && out.state != CHAN_SUSPENDED)
        fuzz_fail("translated program did not end (state %d)", out.state);
    memset(&scsw, 0, sizeof(scsw));
    scsw.cpa = p.status.cpa;
    scsw.dstat = p.status.dstat;
    scsw.cstat = p.status.cstat;
    cp_update_scsw(cp, &scsw);
    chan_prog_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct channel_program *cp;
    struct vfio_ccw_dirty dirty;
    struct vfio_ccw_range r[VFIO_CCW_DIRTY_MAX];
    const uint8_t *p = data + ORB_BYTES;
    size_t left;
    struct orb orb;
    bool overflow;
    unsigned n;

    if (size < ORB_BYTES)
        return 0;
    left = size - ORB_BYTES;
    orb_from_input(data, &orb);
    fill(mem_a, A_SIZE, &p, &left);
    fill(mem_b, B_SIZE, &p, &left);
    fill(mem_c, C_SIZE, &p, &left);
    memcpy(b_copy, mem_b, B_SIZE);
    cp = calloc(1, sizeof(*cp));
    if (!cp)
        return 0;
    vfio_ccw_dirty_init(&dirty);
    if (cp_init(cp, &orb, dma, &dirty) == 0) {
        if (cp_prefetch(cp) == 0)
            run_translated(cp);
        cp_free(cp);
    }
    n = vfio_ccw_dirty_take_from(&dirty, r, VFIO_CCW_DIRTY_MAX, &overflow);
    for (unsigned k = 0; k < n; k++)
        if (!in_writable(r[k].iova, r[k].len))
            fuzz_fail("device wrote [%#llx, +%#llx) outside a writable area", (unsigned long long)r[k].iova,
                      (unsigned long long)r[k].len);
    vfio_ccw_dirty_destroy(&dirty);
    free(cp);
    if (memcmp(b_copy, mem_b, B_SIZE) != 0)
        fuzz_fail("the read-only area was written");
    return 0;
}
