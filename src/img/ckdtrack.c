// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CKD track image (Hercules layout of a 3390 track): home address, count-key-
 * data records starting with R0, end-of-track marker.  Parsing and the null
 * track formats 0/1/2 of Hercules' cdh_nullfmt.
 */
#include <string.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"

static const uint8_t eot_marker[CKD_EOT_SIZE] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static void count_put(uint8_t *p, uint16_t cc, uint16_t hh, uint8_t r, uint8_t kl, uint16_t dl)
{
    be16_put(p, cc);
    be16_put(p + 2, hh);
    p[4] = r;
    p[5] = kl;
    be16_put(p + 6, dl);
}

static void count_get(const uint8_t *p, struct ckd_rec *r, uint32_t off)
{
    r->cyl = be16_get(p);
    r->head = be16_get(p + 2);
    r->rec = p[4];
    r->kl = p[5];
    r->dl = be16_get(p + 6);
    r->off = off;
}

int ckd_track_parse(const uint8_t *trk, size_t len, struct ckd_track *t, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    memset(t, 0, offsetof(struct ckd_track, rec));
    if (len < CKD_HA_SIZE + CKD_COUNT_SIZE) {
        *why = "track image shorter than home address and R0";
        return -1;
    }
    t->cyl = be16_get(trk + 1);
    t->head = be16_get(trk + 3);
    size_t off = CKD_HA_SIZE;
    for (;;) {
        if (off + CKD_COUNT_SIZE > len) {
            *why = t->nrecs ? "no end-of-track marker" : "R0 missing";
            return -1;
        }
        if (memcmp(trk + off, eot_marker, CKD_EOT_SIZE) == 0)
            break;
        if (t->nrecs == CKD_MAX_RECS) {
            *why = "too many records on the track";
            return -1;
        }
        struct ckd_rec *r = &t->rec[t->nrecs];
        count_get(trk + off, r, (uint32_t)off);
        if (t->nrecs == 0 && (r->rec != 0 || r->kl != 0 || r->dl != 8)) {
            *why = "R0 missing (first record is not R0 with KL 0, DL 8)";
            return -1;
        }
        size_t end = off + CKD_COUNT_SIZE + r->kl + r->dl;
        if (end > len) {
            *why = "record runs past the end of the track image";
            return -1;
        }
        t->nrecs++;
        off = end;
    }
    if (t->nrecs == 0) {
        *why = "R0 missing";
        return -1;
    }
    t->eot = (uint32_t)off;
    return 0;
}

size_t ckd_track_null(uint8_t *buf, uint32_t cyl, uint32_t head, int nullfmt)
{
    uint16_t cc = ckd_cc(cyl), hh = ckd_hh(cyl, head);
    uint8_t *p = buf;

    p[0] = 0;
    be16_put(p + 1, cc);
    be16_put(p + 3, hh);
    p += CKD_HA_SIZE;
    count_put(p, cc, hh, 0, 0, 8);          /* R0 with 8 zero bytes */
    memset(p + CKD_COUNT_SIZE, 0, 8);
    p += CKD_COUNT_SIZE + 8;
    if (nullfmt == 0) {                     /* R1 as end-of-file record */
        count_put(p, cc, hh, 1, 0, 0);
        p += CKD_COUNT_SIZE;
    } else if (nullfmt == 2) {              /* Linux: 12 zeroed 4 KiB blocks */
        for (unsigned r = 1; r <= 12; r++) {
            count_put(p, cc, hh, (uint8_t)r, 0, 4096);
            memset(p + CKD_COUNT_SIZE, 0, 4096);
            p += CKD_COUNT_SIZE + 4096;
        }
    }
    memcpy(p, eot_marker, CKD_EOT_SIZE);
    p += CKD_EOT_SIZE;
    return (size_t)(p - buf);
}
