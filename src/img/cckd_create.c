// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating a compressed CCKD volume the way Hercules' `dasdinit -z` /
 * `-bz2` / `-0` does: headers, a one-entry-per-256-tracks L1 table, the L2
 * table of the first 256 tracks, tracks 0 and 1 stored, everything else a
 * null track of the volume's null format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/cckd.h"
#include "img/ckdtrack.h"

static void build_cckd_header(struct cckd *c, const struct img_create_opts *o, uint32_t num_l1)
{
    memset(c->hdr, 0, sizeof c->hdr);
    c->hdr[CH_VRM + 1] = 3;
    c->hdr[CH_VRM + 2] = 1;
    c->hdr[CH_OPTS] = CCKD_OPT_NOFUDGE | CCKD_OPT_ORDWR;
    cckd_put32(c, c->hdr + CH_NUML1, num_l1);
    cckd_put32(c, c->hdr + CH_NUML2, CCKD_L2_ENTRIES);
    le32_put(c->hdr + CH_CYLS, o->cyls);
    c->hdr[CH_NULLFMT] = o->linux_null ? 2 : 1;
    c->hdr[CH_ALGO] = (uint8_t)o->compress;
    cckd_put16(c, c->hdr + CH_PARM, 0xFFFF);
}

/* Like dasdinit -z: tracks 0 and 1 stored uncompressed, every other track
 * null (so the file is byte for byte what dasdinit makes). */
int cckd_create(const char *path, const struct img_create_opts *o, const struct img_geometry *g,
                char *err, size_t errlen)
{
    struct cckd c = { .be = false };
    uint32_t num_l1 = (uint32_t)(((uint64_t)o->cyls * g->heads + 255) / 256);
    size_t l1len = (size_t)num_l1 * 4;
    size_t cap = CKD_DEVHDR_SIZE * 2 + l1len + CCKD_L2TAB_SIZE + 2 * (CKD_MAX_TRACK_IMAGE + 64);
    uint8_t *file = calloc(1, cap), *trk = malloc(CKD_MAX_TRACK_IMAGE);
    int rc = file && trk ? 0 : img_fail(err, errlen, ENOMEM, "image %s: out of memory", path);
    if (rc == 0) {
        build_cckd_header(&c, o, num_l1);
        ckd_devhdr_build(file, "CKD_C370", g, 0, 0);
        uint64_t l2pos = CCKD_L1_POS + l1len, pos = l2pos + CCKD_L2TAB_SIZE;
        cckd_put32(&c, file + CCKD_L1_POS, (uint32_t)l2pos);
        for (uint32_t t = 0; t < 2; t++) {
            size_t n = img_build_initial_track(trk, o, 0, t);
            size_t s = cckd_compress(trk, n, IMG_COMP_NONE, -1, file + pos, CKD_MAX_TRACK_IMAGE + 64);
            struct cckd_l2ent e = { (uint32_t)pos, (uint16_t)s, (uint16_t)s };
            cckd_l2ent_encode(&c, file + l2pos + t * CCKD_L2ENT_SIZE, &e);
            pos += s;
        }
        cckd_put32(&c, c.hdr + CH_SIZE, (uint32_t)pos);
        cckd_put32(&c, c.hdr + CH_USED, (uint32_t)pos);
        memcpy(file + CCKD_HDR_POS, c.hdr, sizeof c.hdr);
        int fd = create_open_locked(path, err, errlen);
        rc = fd < 0 ? fd : img_pwrite_full(fd, file, pos, 0);
        if (rc == 0 && fdatasync(fd) < 0)
            rc = -errno;
        if (fd >= 0)
            close(fd);
        if (rc < 0 && fd >= 0)
            img_fail(err, errlen, -rc, "image %s: write failed: %s", path, strerror(-rc));
        if (o->progress && rc == 0)
            o->progress(o->progress_opaque, o->cyls, o->cyls);
    }
    free(file);
    free(trk);
    return rc;
}
