/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte order of the vfio-ccw regions between ccwpassd and QEMU on a
 * little-endian host.
 *
 * ccwpassd's regions hold what the vfio_ccw kernel driver exposes on an s390
 * host, where "host order" is big-endian: every field is in architecture
 * order.  QEMU on x86 fills and reads those same regions through its own
 * packed structs (include/hw/s390x/ioinst.h) in host order, except the IRB,
 * which hw/vfio/ccw.c treats as architecture format (copy_scsw_to_guest /
 * copy_esw_to_guest convert it).  So the adapter swaps, field by field:
 *   I/O region   ORB {u32,u16,u8,u8,u32}, SCSW {u16,u16,u32,u8,u8,u16},
 *                ret_code u32 -- both directions; irb_area never
 *   async region command u32, ret_code u32 -- both directions
 *   SCHIB region PMCW/SCSW words and the MBA -- on read
 *   CRW region   QEMU's CRW is {u16 flags; u16 rsid}: two halfwords, not
 *                one word (hw/vfio/ccw.c memcpy()s it into a CRW) -- on read
 * On a big-endian host every conversion is the identity.
 */
#ifndef CCWPASS_QEMU_BYTEORDER_H
#define CCWPASS_QEMU_BYTEORDER_H

#include <stddef.h>
#include <stdint.h>

enum ccwq_region_kind {
    CCWQ_REGION_IO,       /* index 0, struct ccw_io_region */
    CCWQ_REGION_ASYNC,    /* VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD */
    CCWQ_REGION_SCHIB,    /* VFIO_REGION_SUBTYPE_CCW_SCHIB */
    CCWQ_REGION_CRW,      /* VFIO_REGION_SUBTYPE_CCW_CRW */
    CCWQ_REGION_OTHER,    /* unknown: passed through untouched */
};

/*
 * Converts the part of a region that lies in buf, which holds the `len` bytes
 * starting at byte `off` of the region.  Only fields wholly inside the window
 * are swapped: a partial access to a multi-byte field has no meaningful byte
 * order.  Swapping is its own inverse, so one function serves both directions;
 * the two names say which way the data flows.
 */
void ccwq_region_to_host(enum ccwq_region_kind kind, uint8_t *buf, uint64_t off, size_t len);
void ccwq_region_to_arch(enum ccwq_region_kind kind, uint8_t *buf, uint64_t off, size_t len);

#endif
