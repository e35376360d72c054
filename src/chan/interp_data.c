// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Data transfer between the channel buffer and the storage area of one CCW
 * (PoP ch. 15, "Indirect data addressing"): direct addressing, format-1
 * IDAWs (4 bytes, 31-bit, 2 KiB blocks, used when ORB H=0), format-2 IDAWs
 * (8 bytes, 64-bit; 2 KiB blocks with ORB T=1, 4 KiB with T=0), and the
 * descending storage order of read backward.
 *
 * IDA rules: the IDAL must be word aligned (format 1) or doubleword aligned
 * (format 2); a format-1 IDAW must have bit 0 zero; the first IDAW may
 * designate any byte, every later one must designate the first byte of a
 * block (for read backward, the last byte).  IDAWs are fetched only for
 * the blocks the transfer actually reaches.
 */
#include "chan/interp_priv.h"

static uint8_t mem_move(struct chan_prog *p, uint64_t addr, uint8_t *buf, uint32_t n,
                        bool store, bool backward)
{
    int rc;

    if (n == 0)
        return 0;
    if (!store) {
        rc = p->mem->read(p->mem->opaque, addr, buf, n, p->orb.key);
    } else if (!backward) {
        rc = p->mem->write(p->mem->opaque, addr, buf, n, p->orb.key);
    } else {
        /* byte i of the transfer goes to addr + n - 1 - i (addr is the low
         * end).  Reversed in place: each part of the buffer is stored once. */
        for (uint32_t i = 0; i < n / 2; i++) {
            uint8_t t = buf[i];
            buf[i] = buf[n - 1 - i];
            buf[n - 1 - i] = t;
        }
        rc = p->mem->write(p->mem->opaque, addr, buf, n, p->orb.key);
    }
    return rc == CHAN_MEM_OK ? 0 : interp_mem_cstat(rc);
}

/* Direct addressing: the area starts at cda, or ends at cda for read backward. */
static uint8_t xfer_direct(struct chan_prog *p, uint32_t cda, uint8_t *buf, uint32_t n,
                           bool store, bool backward, uint32_t *moved)
{
    uint64_t lo = cda;
    uint8_t cs;

    *moved = 0;
    if (backward) {
        if ((uint64_t)cda + 1 < n)
            return SCHN_STAT_PROG_CHECK; /* would run below address 0 */
        lo = (uint64_t)cda + 1 - n;
    }
    cs = mem_move(p, lo, buf, n, store, backward);
    if (!cs)
        *moved = n;
    return cs;
}

struct idal {
    uint64_t addr;   /* address of the next IDAW */
    unsigned size;   /* IDAW size: 4 or 8 */
    uint32_t blk;    /* block size: 2048 or 4096 */
};

static void idal_init(const struct chan_prog *p, uint32_t cda, struct idal *l)
{
    l->addr = cda;
    l->size = p->orb.c64 ? IDAW2_SIZE : IDAW1_SIZE;
    l->blk = (!p->orb.c64 || p->orb.i2k) ? IDAW_BLK_2K : IDAW_BLK_4K;
}

/* Fetches the next IDAW into *data_addr and checks it.  `first`: the first
 * IDAW of the CCW (may designate any byte). */
static uint8_t idaw_next(struct chan_prog *p, struct idal *l, bool first, bool backward,
                         uint64_t *data_addr)
{
    uint8_t raw[IDAW2_SIZE];
    int rc = p->mem->read(p->mem->opaque, l->addr, raw, l->size, p->orb.key);

    if (rc != CHAN_MEM_OK)
        return interp_mem_cstat(rc);
    l->addr += l->size;
    if (l->size == IDAW1_SIZE) {
        *data_addr = idaw1_decode(raw);
        if (*data_addr & 0x80000000u)
            return SCHN_STAT_PROG_CHECK;
    } else {
        *data_addr = idaw2_decode(raw);
    }
    if (!first && (*data_addr % l->blk) != (backward ? l->blk - 1 : 0))
        return SCHN_STAT_PROG_CHECK;
    return 0;
}

static uint8_t xfer_ida(struct chan_prog *p, uint32_t cda, uint8_t *buf, uint32_t n,
                        bool store, bool backward, uint32_t *moved)
{
    struct idal l;
    uint32_t off = 0;

    idal_init(p, cda, &l);
    *moved = 0;
    if (cda % l.size)
        return SCHN_STAT_PROG_CHECK;
    while (off < n) {
        uint64_t a = 0, lo;
        uint32_t chunk;
        uint8_t cs = idaw_next(p, &l, off == 0, backward, &a);
        if (cs)
            return cs;
        /* forward: from a to the end of its block; backward: down to its start */
        chunk = backward ? (uint32_t)(a % l.blk) + 1 : l.blk - (uint32_t)(a % l.blk);
        if (chunk > n - off)
            chunk = n - off;
        lo = backward ? a + 1 - chunk : a;
        cs = mem_move(p, lo, buf + off, chunk, store, backward);
        if (cs)
            return cs;
        off += chunk;
        *moved = off;
    }
    return 0;
}

uint8_t interp_xfer(struct chan_prog *p, const struct ccw1 *c, uint8_t *buf, uint32_t n,
                    bool store, bool backward, uint32_t *moved)
{
    if (c->flags & CCW_FLAG_IDA)
        return xfer_ida(p, c->cda, buf, n, store, backward, moved);
    return xfer_direct(p, c->cda, buf, n, store, backward, moved);
}
