// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A flat channel address space (struct chan_flatmem): the simplest
 * struct chan_mem, used by tests, benchmarks and the fuzzer.  Like real
 * storage it refuses addresses beyond its end (addressing exception) and
 * a protected range (protection exception).
 */
#include "chan/chan.h"

#include <string.h>

static int flat_check(const struct chan_flatmem *fm, uint64_t addr, uint32_t len)
{
    if (addr >= fm->size || len > fm->size - addr)
        return CHAN_MEM_ADDRESSING;
    if (fm->prot_hi > fm->prot_lo && addr < fm->prot_hi && addr + len > fm->prot_lo)
        return CHAN_MEM_PROTECTION;
    return CHAN_MEM_OK;
}

static int flat_read(void *opaque, uint64_t addr, void *buf, uint32_t len, uint8_t key)
{
    struct chan_flatmem *fm = opaque;
    int rc = flat_check(fm, addr, len);

    if (rc == CHAN_MEM_OK && len)
        memcpy(buf, fm->base + addr, len);
    return rc;
}

static int flat_write(void *opaque, uint64_t addr, const void *buf, uint32_t len, uint8_t key)
{
    struct chan_flatmem *fm = opaque;
    int rc = flat_check(fm, addr, len);

    if (rc == CHAN_MEM_OK && len)
        memcpy(fm->base + addr, buf, len);
    return rc;
}

void chan_mem_flat_init(struct chan_mem *m, struct chan_flatmem *fm, void *base, uint64_t size)
{
    fm->base = base;
    fm->size = size;
    fm->prot_lo = fm->prot_hi = 0;
    m->opaque = fm;
    m->read = flat_read;
    m->write = flat_write;
}
