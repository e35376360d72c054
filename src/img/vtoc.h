/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Volume label and VTOC (z/OS DFSMS DSCB formats as Linux libvtoc and the
 * kernel's block/partitions/ibm.c use them): building the IPL1/IPL2/VOL1
 * records and the F4/F5/F7 DSCBs for a new volume, and decoding a volume's
 * label, VTOC and Linux disk layout (CDL/LDL, block size) for `info` and
 * `export`.
 */
#ifndef CCWPASS_IMG_VTOC_H
#define CCWPASS_IMG_VTOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "img/image.h"

struct img;

#define DSCB_KEY_LEN   44
#define DSCB_DATA_LEN  96
#define DSCB_SIZE      140
#define VOL1_DATA_LEN  80
#define IPL1_DATA_LEN  24
#define IPL2_DATA_LEN  144

/* ebcdic.c */
uint8_t ebcdic_from_ascii(char c);
char ebcdic_to_ascii(uint8_t e);
void ebcdic_put(uint8_t *dst, const char *s, size_t n);   /* blank-padded to n */
void ebcdic_get(char *dst, const uint8_t *src, size_t n); /* dst[n+1], trailing blanks cut */

/* vtoc_build.c: records a freshly initialised volume carries (as dasdinit
 * writes them; F4/F5/F7 as dasdinit -linux / dasdfmt write them). */
void vtoc_ipl1_data(uint8_t data[IPL1_DATA_LEN]);
void vtoc_vol1_data(uint8_t data[VOL1_DATA_LEN], const char *volser);
void vtoc_f4(uint8_t dscb[DSCB_SIZE], uint32_t cyls, uint32_t heads, unsigned rpt, bool f7);
void vtoc_f5(uint8_t dscb[DSCB_SIZE], uint32_t tracks, uint32_t heads);
void vtoc_f7(uint8_t dscb[DSCB_SIZE], uint32_t tracks);
/* Whether a volume of that many tracks needs the F7 (free space beyond
 * what F5's 16-bit relative track addresses reach). */
bool vtoc_needs_f7(uint64_t tracks);

/* vtoc.c: decoding */
enum vtoc_layout { LAYOUT_UNKNOWN, LAYOUT_CDL, LAYOUT_LDL };

struct vtoc_extent {
    uint32_t start_cyl, start_head, end_cyl, end_head;
    uint64_t start_trk, end_trk;          /* relative track numbers, inclusive */
};

#define VTOC_MAX_DS    64
#define VTOC_MAX_FREE  64

struct vtoc_dataset {
    char name[45];
    uint8_t fmt;                          /* 0xF1 or 0xF8 */
    unsigned nextents;
    struct vtoc_extent ext[3];
    uint64_t tracks;
    bool after_gap;                       /* behind a non-DSCB record: the kernel stops before it */
};

struct vtoc_free {
    uint64_t start_trk, ntrks;
};

struct vtoc_info {
    enum vtoc_layout layout;
    unsigned blksize;                     /* 0 when not recognisable */
    unsigned rpt;                         /* records (blocks) per track */
    char label[5];                        /* VOL1, LNX1, CMS1 or "" */
    char volser[7];
    uint64_t ldl_blocks;                  /* LNX1 formatted_blocks (ldl_version 0xF2), else 0 */
    bool has_vtoc;
    uint32_t vtoc_cyl, vtoc_head;
    uint8_t vtoc_rec;
    bool has_f4;
    unsigned f4_free_dscbs;
    unsigned nfree;
    struct vtoc_free free[VTOC_MAX_FREE];
    unsigned nds;
    struct vtoc_dataset ds[VTOC_MAX_DS];
};

/* Read the label, layout and VTOC of an open image.  0, or negative errno
 * with a message in err (a track that cannot be read). */
int vtoc_read(struct img *im, struct vtoc_info *vi, char *err, size_t errlen);

/* Linux partitions of a volume as the kernel's ibm.c finds them, in blocks
 * of vi->blksize.  Returns the count (up to max). */
struct vtoc_partition {
    uint64_t start_blk, nblks;
    char name[45];
};
unsigned vtoc_partitions(const struct img *im, const struct vtoc_info *vi, struct vtoc_partition *p, unsigned max);

/* export.c: write blocks [start, start+n) of the volume, in vi->blksize
 * units, to outfd from offset 0 (a flat file the host's e2fsck/debugfs can
 * read).  Block b is record (b % rpt) + 1 of track b / rpt; CDL's special
 * records on tracks 0 and 1 give key+data padded with 0xE5 as the kernel
 * returns them.  Missing records read as zeros (counted in missing),
 * records of another length are cut or zero-padded (counted in odd). */
struct vtoc_export_stats {
    uint64_t blocks, missing, odd;
};
int vtoc_export(struct img *im, const struct vtoc_info *vi, uint64_t start, uint64_t n, int outfd,
                struct vtoc_export_stats *st, char *err, size_t errlen);
/* vtoc_export() that also calls progress (if not NULL) with the blocks
 * done of n, once per track and at the end. */
int vtoc_export_progress(struct img *im, const struct vtoc_info *vi, uint64_t start, uint64_t n, int outfd,
                         struct vtoc_export_stats *st, img_progress_fn *progress, void *progress_opaque,
                         char *err, size_t errlen);

/* Linux recs_per_track for a 3390 (kernel dasd_eckd.c). */
unsigned vtoc_recs_per_track_3390(unsigned kl, unsigned dl);

#endif
