/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of an open image, shared by the files of the image layer
 * (image.c dispatch, ckd.c, cckd*.c, lock.c, create.c).  Nothing outside
 * src/img/ includes this.
 */
#ifndef CCWPASS_IMG_INTERNAL_H
#define CCWPASS_IMG_INTERNAL_H

#include <stdarg.h>
#include <sys/types.h>
#include "img/image.h"

#define CKD_MAXFILES   27          /* Hercules CKD_MAXFILES */
#define CKD_FILE_LIMIT 0x7FFFFFFFu /* 2 GiB - 1: a non-lfs file stays below */

/* CKD_DEVHDR (first 512 bytes of every file; numbers little-endian) */
#define DH_DEVID    0
#define DH_HEADS    8
#define DH_TRKSIZE  12
#define DH_DEVTYP   16
#define DH_FILESEQ  17
#define DH_HIGHCYL  18
#define DH_NULLFMT  20      /* ccwpass RBD volumes only: null format of unwritten slots (0 in files) */

static inline uint16_t le16_get(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void le16_put(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

struct img_file {
    int fd;
    char *path;
    uint32_t first_cyl;     /* first cylinder held by this file */
    uint32_t ncyls;
};

struct cckd;                /* cckd.c */
struct img_rbd;             /* rbd.c */

/*
 * What a backend does for an open image (image.c dispatches through it):
 * CKD files (ckd.c), CCKD files (cckd*.c), Ceph RBD (rbd.c).  Each returns
 * 0 or a negative errno with the message in im->err.  close may be NULL
 * (nothing beyond closing the files); it runs before the files close.
 * settle may be NULL (writes are complete when write returns); else it
 * waits for every write still in flight (img_settle).
 */
struct img_ops {
    int (*read)(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len);
    int (*write)(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len);
    int (*flush)(struct img *im);
    int (*settle)(struct img *im);
    int (*close)(struct img *im);
};

struct img {
    const struct img_ops *ops;
    enum img_format fmt;
    bool ro;
    bool shared;            /* img_open_shared: shared locks, other writers */
    bool writethrough;      /* img_flush after every track write */
    struct img_geometry geo;
    char *path;             /* name the caller opened */
    unsigned nfiles;
    struct img_file file[CKD_MAXFILES];
    struct cckd *cckd;      /* CCKD state, NULL for CKD */
    struct img_rbd *rbd;    /* RBD state, NULL for files */
    uint8_t *slot;          /* scratch of trksize bytes */
    uint64_t track_writes;  /* successful img_write_track() calls (img_track_writes) */
    char err[512];
};

/* Format a message into an err buffer; returns -errno_val for chaining. */
int img_fail(char *err, size_t errlen, int errno_val, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int img_set_error(struct img *im, int errno_val, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whole-buffer pread/pwrite that retry short transfers; 0 or -errno
 * (-EIO with errno 0 when the file ends early). */
int img_pread_full(int fd, void *buf, size_t len, off_t off);
int img_pwrite_full(int fd, const void *buf, size_t len, off_t off);

/* Read a header; a short file gives "truncated header (what)", any other
 * failure the OS error.  0 or -errno with a message naming path. */
int img_read_header(int fd, void *buf, size_t len, off_t off, const char *path, const char *what,
                    char *err, size_t errlen);

/* lock.c: OFD lock of a whole file, exclusive when rw.  0 or -errno with a
 * message naming path. */
int img_lock_file(int fd, const char *path, bool rw, char *err, size_t errlen);
/* Open one file of a volume with the right mode and lock (shared: the
 * shared lock even read-write, see img_open_shared). */
int img_open_file(const char *path, bool ro, bool shared, char *err, size_t errlen);
/* 0 when fd (or, with fd < 0, path; a missing path is fine) is a regular
 * file, else -EINVAL and "image PATH: not a regular file (a FIFO)". */
int img_require_regular(int fd, const char *path, char *err, size_t errlen);
/* open(2) of a regular file only, without ever blocking on a FIFO: the
 * path is checked before and the open file after an O_NONBLOCK open
 * (cleared again).  fd, or -errno with "image PATH: cannot VERB: ..." or
 * the not-a-regular-file message. */
int img_open_nonblock(const char *path, int flags, const char *verb, char *err, size_t errlen);
#define IMG_FILE_MODE 0644      /* mode of a new image file (before umask) */

uint32_t img_trksize_for(uint16_t devtype);
/* Device type, heads and track size from a CKD_DEVHDR into g (not cyls):
 * 0 or -EINVAL with a message naming name. */
int img_check_devhdr(const uint8_t *hdr, const char *name, struct img_geometry *g, char *err, size_t errlen);

/* Build the CKD_DEVHDR for a file. */
void ckd_devhdr_build(uint8_t hdr[CKD_DEVHDR_SIZE], const char *devid, const struct img_geometry *g,
                      unsigned fileseq, uint32_t highcyl);

/* ckd.c: uncompressed CKD */
int ckd_open_set(struct img *im, const char *path, char *err, size_t errlen);
int ckd_read(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len);
int ckd_write(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len);
/* The track image in a slot of trksize bytes (read from file or RBD image
 * name): parsed, copied to buf unless it is buf, its length in *len. */
int ckd_slot_finish(struct img *im, const char *name, uint32_t cyl, uint32_t head, const uint8_t *slot,
                    uint8_t *buf, size_t cap, size_t *len);
/* Name of file n (1-based) of a multi-file set whose first file is base. */
char *ckd_member_name(const char *base, unsigned n);

/* rbd.c (or rbd_none.c without librbd): volumes in Ceph RBD images,
 * named rbd:POOL/IMAGE...  rbd_open_img fills im (ops, geometry, slot
 * scratch) for im->path; rbd_create_img makes the image as img_create does
 * (skeleton: only the header, the caller writes every track). */
int rbd_open_img(struct img *im, char *err, size_t errlen);
int rbd_create_img(const char *name, const struct img_create_opts *o, const struct img_geometry *g, bool skeleton,
                   char *err, size_t errlen);
/* The librbd handles of an open RBD volume, for code that locks it beyond
 * the exclusive lock (reserve/release on shared volumes): rados_t,
 * rados_ioctx_t and rbd_image_t as void pointers, and whether the image is
 * shared (no exclusive-lock feature).  0, or -ENOTSUP for a file or a
 * build without librbd. */
struct img_rbd_handles {
    void *cluster, *io, *image;
    bool shared;
};
int rbd_img_handles(const struct img *im, struct img_rbd_handles *h);

/* cckd.c: compressed CKD */
int cckd_open(struct img *im, char *err, size_t errlen);
int cckd_read(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len);
int cckd_write(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len);
int cckd_close(struct img *im);
int cckd_flush(struct img *im);
int cckd_create(const char *path, const struct img_create_opts *o, const struct img_geometry *g,
                char *err, size_t errlen);
int create_open_locked(const char *path, char *err, size_t errlen);

/* create.c: img_create, or with skeleton only the headers and file sizes
 * of a CKD volume whose every track the caller then writes (img_copy). */
int img_create_files(const char *path, const struct img_create_opts *o, bool skeleton, char *err, size_t errlen);
/* create.c: the image of (cyl, head) on a freshly created volume. */
size_t img_build_initial_track(uint8_t *buf, const struct img_create_opts *o, uint32_t cyl, uint32_t head);


#endif
