// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CCKD track image compression: byte 0 of the stored home address names the
 * algorithm (0 none, 1 zlib, 2 bzip2); bytes 1-4 stay plain and everything
 * from offset 5 on is compressed as one zlib stream or bzip2 buffer.
 */
#include <bzlib.h>
#include <string.h>
#include <zlib.h>
#include "img/cckd.h"
#include "img/ckdtrack.h"

static size_t store_raw(const uint8_t *trk, size_t len, uint8_t *out)
{
    memcpy(out, trk, len);
    out[0] = IMG_COMP_NONE;
    return len;
}

size_t cckd_compress(const uint8_t *trk, size_t len, int algo, int parm, uint8_t *out, size_t cap)
{
    if (algo == IMG_COMP_NONE || len < CCKD_COMPRESS_MIN || cap < len)
        return store_raw(trk, len, out);
    size_t room = len - CKD_HA_SIZE;     /* no use unless it shrinks */
    bool ok = false;
    if (algo == IMG_COMP_ZLIB) {
        uLongf n = room;
        int level = parm < 0 || parm > 9 ? Z_DEFAULT_COMPRESSION : parm;
        ok = compress2(out + CKD_HA_SIZE, &n, trk + CKD_HA_SIZE, len - CKD_HA_SIZE, level) == Z_OK && n < room;
        room = n;
    } else if (algo == IMG_COMP_BZIP2) {
        unsigned int n = (unsigned int)room;
        int block = parm < 1 || parm > 9 ? 5 : parm;
        ok = BZ2_bzBuffToBuffCompress((char *)out + CKD_HA_SIZE, &n, (char *)trk + CKD_HA_SIZE,
                                      (unsigned int)(len - CKD_HA_SIZE), block, 0, 0) == BZ_OK && n < room;
        room = n;
    }
    if (!ok)
        return store_raw(trk, len, out);
    memcpy(out, trk, CKD_HA_SIZE);
    out[0] = (uint8_t)algo;
    return CKD_HA_SIZE + room;
}

long cckd_uncompress(const uint8_t *stored, size_t slen, uint8_t *out, size_t cap, const char **why)
{
    if (slen < CKD_HA_SIZE || cap < CKD_HA_SIZE) {
        *why = "stored track image shorter than a home address";
        return -1;
    }
    memcpy(out, stored, CKD_HA_SIZE);
    out[0] = 0;
    switch (stored[0]) {
    case IMG_COMP_NONE:
        if (slen > cap) {
            *why = "stored track image larger than a track";
            return -1;
        }
        memcpy(out + CKD_HA_SIZE, stored + CKD_HA_SIZE, slen - CKD_HA_SIZE);
        return (long)slen;
    case IMG_COMP_ZLIB: {
        uLongf n = cap - CKD_HA_SIZE;
        if (uncompress(out + CKD_HA_SIZE, &n, stored + CKD_HA_SIZE, slen - CKD_HA_SIZE) != Z_OK) {
            *why = "zlib-compressed track image fails to inflate";
            return -1;
        }
        return (long)(CKD_HA_SIZE + n);
    }
    case IMG_COMP_BZIP2: {
        unsigned int n = (unsigned int)(cap - CKD_HA_SIZE);
        if (BZ2_bzBuffToBuffDecompress((char *)out + CKD_HA_SIZE, &n, (char *)stored + CKD_HA_SIZE,
                                       (unsigned int)(slen - CKD_HA_SIZE), 0, 0) != BZ_OK) {
            *why = "bzip2-compressed track image fails to decompress";
            return -1;
        }
        return (long)(CKD_HA_SIZE + n);
    }
    default:
        *why = "unknown compression code in stored track image";
        return -1;
    }
}
