/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules-compatible CKD DASD images: uncompressed CKD (CKD_P370, single- and
 * multi-file) and compressed CCKD (CKD_C370, zlib / bzip2 / none, null track
 * formats 0/1/2, free space).  The image layer stores and returns whole track
 * images (5-byte home address, records, 8-byte end-of-track marker) addressed
 * by cylinder and head; it knows nothing of channel programs.  See
 * docs/images.md.
 *
 * Durability:
 *  - img_write_track() has handed the track to the kernel (pwrite) before it
 *    returns: the data survives a crash of the process.
 *  - img_flush() runs fdatasync on every file of the volume: everything
 *    written before it survives a crash of the machine.
 *  - CCKD: a track image always goes to space no table points at; the image
 *    is written before the L2 entry that points at it (and a new L2 table
 *    before its L1 entry); the old space is freed only afterwards, and space
 *    freed since the last flush is not reused until a flush (a quarter of
 *    the file, at least 1 MiB and at most 64 MiB, of such space forces one).  The header's OPENED bit is set while the image is
 *    open read-write and cleared by a clean img_close(); an image found with
 *    it set gets its free space rebuilt from the tables on the next
 *    read-write open.
 *  - CKD: a track is rewritten in place in its fixed slot (one pwrite).
 *
 * Locking: a read-write open holds an exclusive fcntl OFD lock on every file
 * of the volume, a read-only open a shared one; a conflicting open fails
 * with -EBUSY and "image X is in use by another process".  A shared open
 * (img_open_shared, a volume several hosts attach) takes the shared lock
 * even read-write: shared opens coexist, an exclusive one excludes them.
 *
 * A name rbd:POOL/IMAGE[@SNAP][:key=value...] is a volume in a Ceph RBD
 * image (img/rbd.h, docs/images.md): the same calls work on it; a track
 * write to an unshared volume may still be in flight when
 * img_write_track() returns (it is on the cluster after img_settle(),
 * img_flush() or img_close(), which report a failed one), and a read-write
 * open of an unshared volume holds RBD's exclusive lock (-EBUSY, "image
 * rbd:P/I is in use by another client", for the second).
 *
 * Threads: one struct img is used by one thread at a time (the caller
 * serialises); different images are independent.
 */
#ifndef CCWPASS_IMG_IMAGE_H
#define CCWPASS_IMG_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CKD_DEVHDR_SIZE   512
#define CKD_TRKSIZE_3390  56832u   /* image slot size for a 3390 track */
#define CKD_MAX_TRACK_IMAGE 65536u /* no track image is larger than this */

enum img_format { IMG_CKD, IMG_CCKD };
enum img_compress { IMG_COMP_NONE = 0, IMG_COMP_ZLIB = 1, IMG_COMP_BZIP2 = 2 };

struct img_geometry {
    uint16_t devtype;   /* 0x3390 or 0x3380 */
    uint32_t cyls;
    uint32_t heads;     /* tracks per cylinder */
    uint32_t trksize;   /* image slot size */
};

struct img_create_opts {
    uint16_t devtype;           /* 0x3390 */
    uint32_t cyls;
    enum img_format format;
    enum img_compress compress;
    bool linux_null;            /* CDL-shaped null tracks (dasdinit -linux, nullfmt 2) */
    bool raw;                   /* no IPL records / VOL1 (dasdinit -r) */
    const char *volser;         /* 6 chars ASCII, NULL for default */
    bool lfs;                   /* one file even above 2 GiB */
    uint32_t cyls_per_file;     /* 0: Hercules' 2 GiB split (2519 cyls for a 3390); smaller values
                                   make small multi-file sets for tests */
    void (*progress)(void *opaque, uint32_t done_cyls, uint32_t total_cyls);
    void *progress_opaque;
    bool shared;                /* RBD only: no exclusive-lock feature (a volume several hosts attach) */
};

struct img;

/* On failure these return NULL (errno set) / a negative errno and put a
 * message naming the file (and track, where one is involved) into err. */
struct img *img_open(const char *path, bool readonly, char *err, size_t errlen);
/* img_open for a volume other processes write too (docs/shared-dasd.md):
 * a shared lock on every file, and uncompressed CKD only (CCKD keeps its
 * allocation tables in memory, so two writers would corrupt it: -ENOTSUP
 * with "image X: a shared volume must be uncompressed CKD"). */
struct img *img_open_shared(const char *path, bool readonly, char *err, size_t errlen);
/* Makes the volume (all files of a multi-file set), replacing existing files
 * unless another process has them open (-EBUSY); the CLI refuses to replace
 * without --force. */
int   img_create(const char *path, const struct img_create_opts *o, char *err, size_t errlen);
/* Close and free the image (NULL is fine).  0, or a negative errno when
 * writing back failed (CCKD: free-space list or header; the file then
 * keeps its OPENED bit, so its next read-write open rebuilds the free space
 * and `ccwpass dasd check` notes it); img_close_err() also puts a message
 * naming the file into err.  The image is freed either way. */
int   img_close(struct img *im);
int   img_close_err(struct img *im, char *err, size_t errlen);

const struct img_geometry *img_geometry(const struct img *im);
enum img_format img_format(const struct img *im);
bool  img_readonly(const struct img *im);
const char *img_path(const struct img *im);
/* Files of the volume (several for a multi-file CKD set): path and the
 * cylinders each holds.  NULL past the last. */
unsigned img_file_count(const struct img *im);
const char *img_file_info(const struct img *im, unsigned i, uint32_t *first_cyl, uint32_t *ncyls);
/* CCKD only (IMG_COMP_NONE / 1 for CKD): compression and null track format. */
enum img_compress img_compression(const struct img *im);
int img_nullfmt(const struct img *im);
/* CCKD space accounting as its header records it (at open, or as of the
 * last close): 0, or -ENOTSUP for CKD. */
struct img_space {
    uint64_t size, used, free_total, free_imbed;
    unsigned free_blocks;
    bool closed_cleanly;
};
int img_space(const struct img *im, struct img_space *sp);
/* Message of the last failed call on this image. */
const char *img_error(const struct img *im);

/* Read the track image of (cyl, head) into buf (capacity cap); *len gets its
 * length up to and including the end-of-track marker.  0 or negative errno. */
int img_read_track(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len);
/* Replace the track image of (cyl, head); len includes the EOT marker. */
int img_write_track(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len);
int img_flush(struct img *im);
/* Wait until every img_write_track() so far is complete (on the image as
 * a synchronous write leaves it; no fdatasync/rbd_flush): 0, or the error
 * of the first that failed, with the message that write would have given
 * (reported once).  Immediate for CKD/CCKD files, whose writes complete in
 * img_write_track(); RBD volumes pipeline their track writes. */
int img_settle(struct img *im);
/* Number of img_write_track() calls that succeeded since the image was
 * opened: the device layer's write amplification, for tests and benches. */
uint64_t img_track_writes(const struct img *im);
/* Write-through: every img_write_track() also runs img_flush() before it
 * returns, so a write the caller acknowledges survives a machine crash
 * (at the cost of one fdatasync per track).  Off by default. */
void img_set_writethrough(struct img *im, bool on);

/* check.c: validate every track (home address matches its position, R0
 * shape, records non-zero and in bounds, end-of-track marker present) and,
 * for CCKD, the L1/L2 tables, free space and header totals, as Hercules'
 * cckdcdsk does.  report() gets one message per problem (error = true) and,
 * with verbose, notes (error = false); a CCKD image not closed cleanly is a
 * note given even without verbose, not an error.  Returns the number of
 * errors, or a negative errno when the check itself could not run. */
typedef void (*img_report_fn)(void *opaque, bool error, const char *msg);
long img_check(struct img *im, bool verbose, img_report_fn report, void *opaque);
/* Progress of long work: done of total units (cylinders, blocks). */
typedef void img_progress_fn(void *opaque, uint64_t done, uint64_t total);
/* img_check() that also calls progress (if not NULL) after each cylinder. */
long img_check_progress(struct img *im, bool verbose, img_report_fn report, void *opaque,
                        img_progress_fn *progress, void *progress_opaque);

/* copy.c: copy every track of in into a new image at out_path made with o
 * (geometry taken from in; o->cyls/devtype are ignored).  0 or negative
 * errno with a message. */
int img_copy(struct img *in, const char *out_path, const struct img_create_opts *o, char *err, size_t errlen);

/* compact.c: rewrite the CCKD image at path without free space (track
 * images and L2 tables packed, no free list, file cut to its data), as
 * Hercules' cckdcomp does.  Written to a temporary file beside it, synced
 * and renamed over it, so a crash leaves the old or the new image.  Fails
 * with -EBUSY ("in use by another process") while a ccwpassd or any other
 * process has the volume open, and with -EINVAL for a CKD image.  res gets
 * the file size before and after.  0 or negative errno with a message. */
struct img_compact_result { uint64_t before, after; };
int img_compact(const char *path, struct img_compact_result *res, char *err, size_t errlen);

#endif
