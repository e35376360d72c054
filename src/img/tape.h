/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tape images: Hercules AWSTAPE (.aws) and HET (.het: the same chunk headers,
 * block data compressed with zlib or bzip2 when that is smaller), positioned
 * like a real cartridge.  See docs/tape.md.
 *
 * Model.  The tape is a sequence of blocks (1..65535 bytes here; a block may
 * span several 6-byte-headed chunks on file) and tapemarks, ending at end of
 * data (the end of the file).  The position is always between two elements
 * (or before the first / at end of data).  The block ID of a position is the
 * number of blocks and tapemarks between load point and it (0 at load point).
 *
 * Writing a block or tapemark at a position replaces everything after it
 * (the file is truncated right after the new element), as on a real tape.
 *
 * Capacity: `capacity` bytes of file (default TAPE_DEFAULT_CAPACITY, a 3490E
 * cartridge).  A block or tapemark that would end beyond it is not written
 * (TAPE_EOT); one that ends within `eot_margin` of it is written and reported
 * as TAPE_EOT_WARNING (early warning).
 *
 * Durability: a block/tapemark has been handed to the kernel (pwrite, and the
 * truncate) before the call returns; tape_sync() adds fdatasync.
 *
 * Torn tail: a partial header or block at the end of the file (a crash while
 * writing) is found on open; the tape is usable up to the last whole element,
 * and tape_torn_offset() reports where the torn part begins (-1 if none).  A
 * read-write open cuts the torn tail off (after reporting it); a read-only
 * open treats it as end of data.
 *
 * Locking: a read-write open holds an exclusive OFD lock, read-only a shared
 * one; conflicts fail with -EBUSY "tape X is in use by another process".  A
 * file that is not a regular file is refused before anything can block.
 *
 * Threads: one struct tape is used by one thread at a time.
 */
#ifndef CCWPASS_IMG_TAPE_H
#define CCWPASS_IMG_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAPE_MAX_BLOCK        65535u
#define TAPE_DEFAULT_CAPACITY (800ull * 1000 * 1000)   /* 3490E cartridge */
#define TAPE_DEFAULT_EOT_MARGIN (128u * 1024)

enum tape_format { TAPE_AWS, TAPE_HET };
enum tape_comp { TAPE_COMP_NONE, TAPE_COMP_ZLIB, TAPE_COMP_BZIP2 };

/* Results of the positioning/data calls (>= 0); negative = -errno of a host
 * I/O error or a damaged image (message in tape_error()). */
#define TAPE_OK          0
#define TAPE_TAPEMARK    1   /* read / space block met a tapemark and moved past it */
#define TAPE_EOD         2   /* end of data: nothing moved */
#define TAPE_BOT         3   /* backward at load point: nothing moved */
#define TAPE_EOT_WARNING 4   /* written, but beyond the early-warning point */
#define TAPE_EOT         5   /* physical end: nothing written */

struct tape_create_opts {
    enum tape_format format;
    enum tape_comp comp;        /* HET: how new blocks are compressed */
    const char *volser;         /* NULL: unlabelled (two tapemarks); else VOL1, HDR1, TM like hetinit */
    const char *owner;          /* label owner, NULL for none */
};
/* Create (or replace) an empty tape like hetinit. 0 or -errno + message. */
int tape_create(const char *path, const struct tape_create_opts *o, char *err, size_t errlen);

struct tape_open_opts {
    bool readonly;              /* also forced for a file without write permission */
    uint64_t capacity;          /* 0: TAPE_DEFAULT_CAPACITY */
    uint32_t eot_margin;        /* 0: TAPE_DEFAULT_EOT_MARGIN */
    enum tape_comp comp;        /* HET: compression of blocks written (default: the file's first
                                 * compressed block's, else zlib) */
};
struct tape;
/* Format from the content (any HET compression flag => HET; else by the
 * file name suffix .het; else AWS).  NULL + message naming file and offset.
 * A torn tail is no failure: tape_torn_offset() >= 0 and tape_error() then
 * holds the report (file, offset, cut off or ignored). */
struct tape *tape_open(const char *path, const struct tape_open_opts *o, char *err, size_t errlen);
/* 0, or -errno if a final sync/unlock failed (reported in the message). */
int  tape_close(struct tape *t, char *err, size_t errlen);

const char *tape_path(const struct tape *t);
const char *tape_error(const struct tape *t);   /* last error message */
bool     tape_readonly(const struct tape *t);
enum tape_format tape_format(const struct tape *t);
int64_t  tape_torn_offset(const struct tape *t);
uint32_t tape_blockid(const struct tape *t);
bool     tape_at_bot(const struct tape *t);
uint64_t tape_used_bytes(const struct tape *t);   /* file size */

/* Read the next block forward: its whole length in *len, min(len, cap)
 * bytes into buf.  TAPE_OK, TAPE_TAPEMARK (nothing read, moved past it),
 * TAPE_EOD. */
int tape_read_block(struct tape *t, uint8_t *buf, uint32_t cap, uint32_t *len);
/* Write a block (1..TAPE_MAX_BLOCK) / a tapemark at the position, truncating
 * what follows.  TAPE_OK, TAPE_EOT_WARNING, TAPE_EOT; -EROFS if read-only. */
int tape_write_block(struct tape *t, const uint8_t *buf, uint32_t len);
int tape_write_tapemark(struct tape *t);
/* Space one block: TAPE_OK, TAPE_TAPEMARK (crossed it; position beyond it in
 * the direction of motion), TAPE_EOD (forward), TAPE_BOT (backward). */
int tape_space_block(struct tape *t, bool forward);
/* Space one file: forward to just after the next tapemark (TAPE_OK) or
 * TAPE_EOD (position then at end of data); backward to just before (load-point
 * side of) the previous tapemark (TAPE_OK) or TAPE_BOT (position at load point). */
int tape_space_file(struct tape *t, bool forward);
int tape_rewind(struct tape *t);
/* Position so that block ID `id` is next: TAPE_OK, or TAPE_EOD if the tape
 * has fewer elements (position then unchanged). */
int tape_locate(struct tape *t, uint32_t id);
/* Data security erase: everything from the position on is removed. */
int tape_erase(struct tape *t);
int tape_sync(struct tape *t);

/* Whole-file inspection for `ccwpass tape info|check` (no lock conflict with
 * nothing; read-only). */
struct tape_file_stats {
    uint32_t blocks;
    uint32_t min_block, max_block;
    uint64_t bytes;             /* uncompressed data */
    uint64_t stored;            /* bytes on file (headers included) */
};
struct tape_scan {
    enum tape_format format;    /* as tape_open would take it */
    enum tape_comp comp;        /* of the first compressed block, NONE if none */
    uint32_t files;             /* files ended by a tapemark */
    struct tape_file_stats *file; /* files + 1 entries; the last: blocks after the last tapemark */
    uint64_t size;              /* bytes up to end of data (a torn tail excluded) */
    int64_t torn;               /* torn tail offset (as tape_torn_offset), -1 if none */
};
typedef void tape_progress_fn(void *opaque, uint64_t done, uint64_t total);
/* Read every element of `path` (taking no lock), expanding every compressed
 * block.  0, or -errno with a message naming the file and the offset of the
 * first damage.  A torn tail is not an error here: see s->torn.  progress
 * (may be NULL) gets file offsets.  Free with tape_scan_free. */
int tape_scan(const char *path, struct tape_scan *s, tape_progress_fn *progress, void *opaque,
              char *err, size_t errlen);
void tape_scan_free(struct tape_scan *s);
/* Copy every block and tapemark of `in` to `out` (created or replaced,
 * like hetupd) in o->format / o->comp (o->volser, o->owner ignored).
 * 0, or -errno with a message. */
int tape_copy(const char *in, const char *out, const struct tape_create_opts *o, tape_progress_fn *progress,
              void *opaque, char *err, size_t errlen);
#endif
