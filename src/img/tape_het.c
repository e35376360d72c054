// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HET block compression.  A block is compressed as a whole, with zlib
 * (compress2) or bzip2 (BZ2_bzBuffToBuffCompress), and stored compressed only
 * if that is smaller (Hercules hetlib.c het_write); docs/tape.md.
 */
#include <bzlib.h>
#include <errno.h>
#include <zlib.h>
#include "img/tape_internal.h"

/* bzip2 work factor 0 = the library default (hetlib passes 0 too). */
#define TAPE_BZ_WORKFACTOR 0

const char *tape_comp_name(enum tape_comp c)
{
    return c == TAPE_COMP_ZLIB ? "zlib" : c == TAPE_COMP_BZIP2 ? "bzip2" : "none";
}

uint32_t tape_deflate(enum tape_comp c, const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap)
{
    uint32_t room = len - 1 < cap ? len - 1 : cap;   /* only a smaller result is worth storing */
    if (len < 2)
        return 0;
    if (c == TAPE_COMP_ZLIB) {
        uLongf n = room;
        if (compress2(out, &n, in, len, TAPE_HET_LEVEL) != Z_OK || n >= len)
            return 0;
        return (uint32_t)n;
    }
    if (c == TAPE_COMP_BZIP2) {
        unsigned int n = room;
        if (BZ2_bzBuffToBuffCompress((char *)out, &n, (char *)(uintptr_t)in, len, TAPE_HET_LEVEL, 0,
                                     TAPE_BZ_WORKFACTOR) != BZ_OK || n >= len)
            return 0;
        return n;
    }
    return 0;
}

int tape_inflate(enum tape_comp c, const uint8_t *in, uint32_t inlen, uint8_t *out, uint32_t cap,
                 uint32_t *outlen, const char **why)
{
    if (c == TAPE_COMP_ZLIB) {
        uLongf n = cap;
        int rc = uncompress(out, &n, in, inlen);
        if (rc == Z_OK) {
            *outlen = (uint32_t)n;
            return 0;
        }
        *why = rc == Z_BUF_ERROR && n == cap ? "expands beyond the largest block" : zError(rc);
        return rc == Z_BUF_ERROR && n == cap ? -EFBIG : -EINVAL;
    }
    if (c == TAPE_COMP_BZIP2) {
        unsigned int n = cap;
        int rc = BZ2_bzBuffToBuffDecompress((char *)out, &n, (char *)(uintptr_t)in, inlen, 0, 0);
        if (rc == BZ_OK) {
            *outlen = n;
            return 0;
        }
        *why = rc == BZ_OUTBUFF_FULL ? "expands beyond the largest block"
             : rc == BZ_DATA_ERROR_MAGIC ? "not bzip2 data"
             : rc == BZ_UNEXPECTED_EOF ? "bzip2 data ends early" : "bzip2 data error";
        return rc == BZ_OUTBUFF_FULL ? -EFBIG : -EINVAL;
    }
    *why = "unknown compression";
    return -EINVAL;
}
