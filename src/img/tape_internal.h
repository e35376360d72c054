/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the tape image layer (tape.c, tape_het.c, tape_create.c,
 * tape_scan.c).  Nothing outside src/img/ includes this.  The file format is
 * described in docs/tape.md ("## Images").
 */
#ifndef CCWPASS_IMG_TAPE_INTERNAL_H
#define CCWPASS_IMG_TAPE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "img/tape.h"

/* Chunk header: 6 bytes, little-endian lengths (Hercules tapedev.h AWSTAPE_BLKHDR / hetlib.h HETHDR). */
#define TAPE_HDR_SIZE      6
#define TAPE_HDR_CURLEN    0
#define TAPE_HDR_PRVLEN    2
#define TAPE_HDR_FLAGS1    4
#define TAPE_HDR_FLAGS2    5
#define TAPE_F1_BOR        0x80u   /* first chunk of a block */
#define TAPE_F1_TAPEMARK   0x40u
#define TAPE_F1_EOR        0x20u   /* last chunk of a block */
#define TAPE_F1_ZLIB       0x01u   /* HET */
#define TAPE_F1_BZIP2      0x02u   /* HET */
#define TAPE_F1_COMP_MASK  0x03u
#define TAPE_F1_UNKNOWN    0x1Cu
#define TAPE_F2_BUSTECH_ZLIB 0x80u /* hetlib also reads Bus-Tech's zlib flag */
#define TAPE_MAX_CHUNK     65535u
/* Largest block (stored or expanded) this layer reads: Hercules MAX_TAPE_BLKSIZE. */
#define TAPE_MAX_STORED    (2u * 1024 * 1024)
/* HET compression level: hetlib's HETDFLT_LEVEL (zlib level, bzip2 block size x 100k). */
#define TAPE_HET_LEVEL     4
#define TAPE_ERRLEN        512

/* One element (block or tapemark) found on file. */
struct tape_elem {
    uint64_t off;          /* its first header */
    uint64_t end;          /* just after its last chunk */
    bool tapemark;
    enum tape_comp comp;
    uint16_t prev;         /* previous-length field of its first header */
    uint16_t last_len;     /* data length of its last chunk (prev of what follows) */
    uint32_t stored;       /* data bytes on file, headers excluded */
    uint32_t chunks;
};

/* tape_elem_parse result: the element runs past the end of the file. */
#define TAPE_ELEM_TORN 1

struct tape {
    int fd;
    char *path;
    bool ro;
    enum tape_format fmt;
    enum tape_comp comp;   /* of blocks written (HET) */
    uint64_t capacity;
    uint32_t margin;
    uint64_t size;         /* logical end of data (file size unless a read-only torn tail) */
    uint64_t pos;          /* file offset of the position */
    uint32_t blockid;
    uint16_t prev;         /* data length of the chunk just before pos */
    int64_t torn;
    uint8_t *stored;       /* scratch: TAPE_HDR_SIZE + TAPE_MAX_STORED */
    uint8_t *plain;        /* scratch: TAPE_MAX_STORED */
    char err[TAPE_ERRLEN];
};

/* How tape_open_ex differs from tape_open. */
struct tape_open_ex {
    bool nolock;           /* inspection: take no lock (tape_scan) */
    bool force_format;     /* use `format`, not the content / suffix */
    enum tape_format format;
};

/* tape.c */
/* tape_open with the extra choices of struct tape_open_ex. */
struct tape *tape_open_ex(const char *path, const struct tape_open_opts *o, const struct tape_open_ex *x,
                          char *err, size_t errlen);
/* Format the message of tape_error(); returns -errno_val for chaining. */
int tape_set_error(struct tape *t, int errno_val, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Parse and validate the element whose first header is at `off` (file
 * `size` bytes, previous chunk `prev` bytes long): 0, TAPE_ELEM_TORN, or
 * -EINVAL / -errno with a message naming path and offset. */
int tape_elem_parse(int fd, const char *path, uint64_t off, uint64_t size, uint16_t prev, struct tape_elem *e,
                    char *err, size_t errlen);
/* Open (or create) `path` as an empty regular file holding an exclusive OFD
 * lock, refusing anything that is not a regular file.  fd or -errno. */
int tape_create_empty(const char *path, char *err, size_t errlen);

/* tape_het.c */
/* Compress `len` bytes into out (cap bytes); the compressed length if it is
 * smaller than len, else 0 (store the block plain). */
uint32_t tape_deflate(enum tape_comp c, const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap);
/* Expand one stored block; 0 and *outlen, or -EINVAL (damaged data) /
 * -EFBIG (more than cap bytes); `why` gets the library's reason. */
int tape_inflate(enum tape_comp c, const uint8_t *in, uint32_t inlen, uint8_t *out, uint32_t cap,
                 uint32_t *outlen, const char **why);
/* "zlib", "bzip2" or "none", for messages. */
const char *tape_comp_name(enum tape_comp c);

#endif
