/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CKD track image: 5-byte home address (bin, CC, HH), then records of an
 * 8-byte count (CC HH R KL DL) followed by key and data, then an 8-byte
 * end-of-track marker of 0xFF.  Shared by the image layer (validation, null
 * tracks, info/export) and the ECKD device (record search and update).
 */
#ifndef CCWPASS_IMG_CKDTRACK_H
#define CCWPASS_IMG_CKDTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CKD_HA_SIZE    5
#define CKD_COUNT_SIZE 8
#define CKD_EOT_SIZE   8
#define CKD_MAX_RECS   256   /* more records than any 3390 track can hold */

struct ckd_rec {
    uint16_t cyl;       /* CC as stored (low 16 bits of the cylinder) */
    uint16_t head;      /* HH as stored (EAV high cylinder bits in 0xFFF0) */
    uint8_t  rec;
    uint8_t  kl;
    uint16_t dl;
    uint32_t off;       /* offset of the count field in the track image */
};

struct ckd_track {
    uint16_t cyl, head;     /* from the home address */
    unsigned nrecs;         /* including R0 */
    struct ckd_rec rec[CKD_MAX_RECS];
    uint32_t eot;           /* offset of the end-of-track marker */
};

/* Parse a track image.  Returns 0, or -1 with a reason in why (R0 missing,
 * record past the end, no EOT, too many records). */
int ckd_track_parse(const uint8_t *trk, size_t len, struct ckd_track *t, const char **why);

/* Build a null track of format 0, 1 or 2 (Hercules cdh_nullfmt) for (cyl, head)
 * into buf (at least 49277 bytes for format 2); returns its length. */
size_t ckd_track_null(uint8_t *buf, uint32_t cyl, uint32_t head, int nullfmt);

/* CCHH as stored in counts and CCHH fields, with the EAV encoding for
 * cylinders above 65,535 (CC = low 16 bits, HH = high 12 bits << 4 | head). */
static inline uint16_t ckd_cc(uint32_t cyl) { return (uint16_t)cyl; }
static inline uint16_t ckd_hh(uint32_t cyl, uint32_t head) { return (uint16_t)(((cyl >> 16) << 4) | (head & 0xF)); }
static inline uint32_t ckd_cyl(uint16_t cc, uint16_t hh) { return ((uint32_t)(hh >> 4) << 16) | cc; }
static inline uint32_t ckd_head(uint16_t hh) { return hh & 0xF; }

#endif
