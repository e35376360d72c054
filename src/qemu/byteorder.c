// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Field-wise byte swapping of the vfio-ccw regions (see byteorder.h for which
 * field is in which order on each side).  The tables list only the multi-byte
 * fields of QEMU's host-order structs; single bytes need no conversion.
 */
#include "qemu/byteorder.h"

struct field {
    uint16_t off;
    uint8_t  width;
};

/* struct ccw_io_region: orb_area @0, scsw_area @12, irb_area @24, ret_code @120 */
static const struct field io_fields[] = {
    { 0, 4 }, { 4, 2 }, { 8, 4 },                   /* ORB intparm, ctrl0, cpa */
    { 12, 2 }, { 14, 2 }, { 16, 4 }, { 22, 2 },     /* SCSW flags, ctrl, cpa, count */
    { 120, 4 },                                     /* ret_code */
};

/* struct ccw_cmd_region */
static const struct field async_fields[] = {
    { 0, 4 }, { 4, 4 },                             /* command, ret_code */
};

/* QEMU's SCHIB: PMCW (28 bytes), SCSW (12), mba (8), mda[4] */
static const struct field schib_fields[] = {
    { 0, 4 }, { 4, 2 }, { 6, 2 }, { 12, 2 },        /* intparm, flags, devno, mbi */
    { 24, 4 },                                      /* chars */
    { 28, 2 }, { 30, 2 }, { 32, 4 }, { 38, 2 },     /* SCSW flags, ctrl, cpa, count */
    { 40, 8 },                                      /* mba */
};

/* struct ccw_crw_region as QEMU reads it: CRW {u16 flags; u16 rsid}, pad */
static const struct field crw_fields[] = {
    { 0, 2 }, { 2, 2 }, { 4, 4 },
};

static void swap_bytes(uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n / 2; i++) {
        uint8_t t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

static void swap_fields(const struct field *tab, size_t n, uint8_t *buf, uint64_t off, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t start = tab[i].off;
        if (start < off || start + tab[i].width > off + len)
            continue;
        swap_bytes(buf + (start - off), tab[i].width);
    }
}

static void convert(enum ccwq_region_kind kind, uint8_t *buf, uint64_t off, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    (void)kind; (void)buf; (void)off; (void)len;    /* host order is architecture order */
#else
#define SWAP(tab) swap_fields(tab, sizeof tab / sizeof tab[0], buf, off, len)
    switch (kind) {
    case CCWQ_REGION_IO:    SWAP(io_fields); break;
    case CCWQ_REGION_ASYNC: SWAP(async_fields); break;
    case CCWQ_REGION_SCHIB: SWAP(schib_fields); break;
    case CCWQ_REGION_CRW:   SWAP(crw_fields); break;
    case CCWQ_REGION_OTHER: break;
    }
#undef SWAP
#endif
}

void ccwq_region_to_host(enum ccwq_region_kind kind, uint8_t *buf, uint64_t off, size_t len)
{
    convert(kind, buf, off, len);
}

void ccwq_region_to_arch(enum ccwq_region_kind kind, uint8_t *buf, uint64_t off, size_t len)
{
    convert(kind, buf, off, len);
}
