/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compressed CKD (Hercules CCKD, CKD_C370) private layout and state, shared
 * by cckd.c (tables, track read/write), cckd_space.c (free space),
 * cckd_comp.c (zlib/bzip2) and check.c.
 */
#ifndef CCWPASS_IMG_CCKD_H
#define CCWPASS_IMG_CCKD_H

#include <stdbool.h>
#include <stdint.h>
#include "img/img_internal.h"

#define CCKD_HDR_POS     512
#define CCKD_L1_POS      1024
#define CCKD_L2_ENTRIES  256
#define CCKD_L2ENT_SIZE  8
#define CCKD_L2TAB_SIZE  (CCKD_L2_ENTRIES * CCKD_L2ENT_SIZE)
#define CCKD_COMPRESS_MIN 512      /* smaller images are stored raw */

/* CCKD_DEVHDR field offsets (at file offset 512) */
#define CH_VRM       0
#define CH_OPTS      3
#define CH_NUML1     4
#define CH_NUML2     8
#define CH_SIZE      12
#define CH_USED      16
#define CH_FREE      20
#define CH_FREE_TOT  24
#define CH_FREE_BIG  28
#define CH_FREE_NUM  32
#define CH_FREE_IMB  36
#define CH_CYLS      40
#define CH_NULLFMT   44
#define CH_ALGO      45
#define CH_PARM      46

#define CCKD_OPT_NOFUDGE 0x01
#define CCKD_OPT_BIGEND  0x02
#define CCKD_OPT_SPERRS  0x20
#define CCKD_OPT_ORDWR   0x40      /* opened read-write since last check */
#define CCKD_OPT_OPENED  0x80      /* open now (or not closed cleanly) */

struct cckd_l2ent {
    uint32_t pos;
    uint16_t len, size;
};

struct cckd_space {
    uint64_t off, len;
    bool pending;                  /* freed since the last flush: not reused yet */
};

struct cckd {
    bool be;                       /* numbers big-endian (cdh_opts BIGEND) */
    uint8_t hdr[512];              /* CCKD_DEVHDR as read / to be written */
    uint8_t opts_at_open;
    uint32_t num_l1;
    uint32_t *l1;
    struct cckd_l2ent **l2;        /* NULL: no table in the file */
    uint8_t nullfmt;
    uint8_t algo;
    int parm;
    uint64_t size;                 /* logical end of the file */
    uint64_t file_size;            /* st_size at open */
    struct cckd_space *free;       /* sorted by offset, coalesced */
    unsigned nfree, capfree;
    uint64_t pending;              /* bytes in pending free blocks */
    uint64_t imbed;                /* size - len over all track images */
    uint8_t *zbuf;                 /* compressed/stored image scratch */
    bool opened_rw;                /* read-write open completed (OPENED written): close writes back */
};

uint32_t cckd_get32(const struct cckd *c, const uint8_t *p);
void cckd_put32(const struct cckd *c, uint8_t *p, uint32_t v);
uint16_t cckd_get16(const struct cckd *c, const uint8_t *p);
void cckd_put16(const struct cckd *c, uint8_t *p, uint16_t v);
void cckd_l2ent_encode(const struct cckd *c, uint8_t *p, const struct cckd_l2ent *e);

/* Null format a stored L2 length stands for (Hercules cckd_null_trk,
 * with its "0 means 2 on a Linux volume" compatibility rule). */
int cckd_resolve_nullfmt(const struct cckd *c, unsigned len);
struct cckd_l2ent cckd_l2_get(const struct cckd *c, uint32_t trk);
uint64_t cckd_l1_end(const struct cckd *c);

/* cckd_space.c */
/* A referenced region of the file: headers+L1, an L2 table, a track image. */
struct extent { uint64_t off, end; uint32_t trk; int kind; };
enum { EXT_HDR, EXT_L2, EXT_TRK };
int cckd_extents(struct img *im, struct extent **out, size_t *n, uint64_t *imbed, char *err, size_t errlen);
int cckd_space_rebuild(struct img *im, char *err, size_t errlen);
/* After the OPENED bit is in the file: cut what lies past the end of the
 * data (the stored free list, leftovers of a crash).  Best effort. */
void cckd_space_trim(struct img *im);
/* Space for len bytes: first fit among free blocks not pending, else the
 * end of the file.  A track image (exact = false) may get a little more
 * (size > len, "imbedded" free space); an L2 table always gets exactly len. */
int64_t cckd_space_get(struct cckd *c, uint32_t len, uint32_t *size, bool exact);
int cckd_space_release(struct cckd *c, uint64_t off, uint64_t size);
/* Give back space cckd_space_get() handed out for a write that failed:
 * nothing in the file references it, so it is free at once (not pending),
 * and space taken from the end of the file shortens the file again. */
void cckd_space_unget(struct cckd *c, uint64_t off, uint64_t size);
void cckd_space_flushed(struct cckd *c);
int cckd_space_write(struct img *im);   /* on close: FREE_BLK list at EOF */
/* The free list stored in the file (new FREE_BLK format or old chain). */
int cckd_space_read_disk(struct img *im, struct cckd_space **list, unsigned *n, char *why, size_t whylen);
void cckd_space_totals(const struct cckd *c, uint64_t *total, uint64_t *largest, unsigned *num);

/* cckd_comp.c: returns stored length in out (cap bytes), byte 0 = algo */
size_t cckd_compress(const uint8_t *trk, size_t len, int algo, int parm, uint8_t *out, size_t cap);
/* Inflate a stored image into out; returns its length or -1 with why. */
long cckd_uncompress(const uint8_t *stored, size_t slen, uint8_t *out, size_t cap, const char **why);

#endif
