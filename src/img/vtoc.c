// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoding a volume's Linux layout and VTOC the way the kernel does it
 * (dasd_eckd analysis of track 0/1 record shapes, block/partitions/ibm.c
 * for the label and the F1/F8 extents) and the way dasdls lists it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/img_internal.h"
#include "img/vtoc.h"

unsigned vtoc_recs_per_track_3390(unsigned kl, unsigned dl)
{
    unsigned dn = (dl + 6 + 231) / 232 + 1;
    unsigned need = 10 + 9 + (dl + 6 * dn + 33) / 34;
    if (kl) {
        unsigned kn = (kl + 6 + 231) / 232 + 1;
        need += 9 + (kl + 6 * kn + 33) / 34;
    }
    return 1729 / need;
}

struct trkbuf {
    uint8_t data[CKD_MAX_TRACK_IMAGE];
    size_t len;
    struct ckd_track t;
};

static int load(struct img *im, uint32_t cyl, uint32_t head, struct trkbuf *b, char *err, size_t errlen)
{
    int rc = img_read_track(im, cyl, head, b->data, sizeof b->data, &b->len);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "%s", img_error(im));
    const char *why = NULL;
    if (ckd_track_parse(b->data, b->len, &b->t, &why) < 0)
        return img_fail(err, errlen, EIO, "image %s: track cyl %u head %u: %s", img_path(im), cyl, head, why);
    return 0;
}

static const uint8_t *rec_key(const struct trkbuf *b, unsigned i) { return b->data + b->t.rec[i].off + 8; }
static const uint8_t *rec_data(const struct trkbuf *b, unsigned i) { return rec_key(b, i) + b->t.rec[i].kl; }

static bool key_is(const struct trkbuf *b, unsigned i, const char *ascii)
{
    uint8_t k[4];
    ebcdic_put(k, ascii, 4);
    return b->t.rec[i].kl == 4 && memcmp(rec_key(b, i), k, 4) == 0;
}

/* Records 1..n of a track all KL 0 with one Linux block size: that size. */
static unsigned uniform_blksize(const struct trkbuf *b, unsigned from)
{
    if (b->t.nrecs <= from)
        return 0;
    unsigned dl = b->t.rec[from].dl;
    for (unsigned i = from; i < b->t.nrecs; i++)
        if (b->t.rec[i].kl != 0 || b->t.rec[i].dl != dl)
            return 0;
    return dl == 512 || dl == 1024 || dl == 2048 || dl == 4096 ? dl : 0;
}

static bool is_cdl(const struct trkbuf *t0)
{
    static const uint16_t dl[4] = { 0, 24, 144, 80 };
    if (t0->t.nrecs < 4)
        return false;
    for (unsigned i = 1; i <= 3; i++)
        if (t0->t.rec[i].kl != 4 || t0->t.rec[i].dl != dl[i] || t0->t.rec[i].rec != i)
            return false;
    return true;
}

static void decode_layout(const struct trkbuf *t0, const struct trkbuf *t1, const struct trkbuf *t2,
                          struct vtoc_info *vi)
{
    if (is_cdl(t0)) {
        vi->layout = LAYOUT_CDL;
        vi->blksize = uniform_blksize(t2, 1);
        if (!vi->blksize && t0->t.nrecs > 4)
            vi->blksize = uniform_blksize(t0, 4);
    } else if (t0->t.nrecs >= 5 && uniform_blksize(t0, 1) && t1->t.nrecs >= 2 &&
               t1->t.rec[1].kl == 0 && t1->t.rec[1].dl == t0->t.rec[1].dl) {
        vi->layout = LAYOUT_LDL;
        vi->blksize = uniform_blksize(t0, 1);
    }
    vi->rpt = vi->blksize ? vtoc_recs_per_track_3390(0, vi->blksize) : 0;
}

static void decode_label(const struct trkbuf *t0, struct vtoc_info *vi)
{
    const uint8_t *d = NULL;
    if (vi->layout == LAYOUT_CDL && key_is(t0, 3, "VOL1"))
        d = rec_data(t0, 3);
    else if (vi->layout == LAYOUT_LDL && t0->t.rec[3].dl >= 16)
        d = rec_data(t0, 3);
    if (!d)
        return;
    ebcdic_get(vi->label, d, 4);
    if (strcmp(vi->label, "VOL1") && strcmp(vi->label, "LNX1") && strcmp(vi->label, "CMS1")) {
        vi->label[0] = 0;
        return;
    }
    ebcdic_get(vi->volser, d + 4, 6);
    if (!strcmp(vi->label, "LNX1") && t0->t.rec[3].dl >= 88 && d[79] == 0xF2)
        vi->ldl_blocks = be64_get(d + 80);
    if (!strcmp(vi->label, "VOL1")) {
        vi->vtoc_cyl = ckd_cyl(be16_get(d + 11), be16_get(d + 13));
        vi->vtoc_head = ckd_head(be16_get(d + 13));
        vi->vtoc_rec = d[15];
        vi->has_vtoc = vi->vtoc_rec != 0;
    }
}

static void decode_extent(const uint8_t *p, uint32_t heads, struct vtoc_extent *e)
{
    e->start_cyl = ckd_cyl(be16_get(p + 2), be16_get(p + 4));
    e->start_head = ckd_head(be16_get(p + 4));
    e->end_cyl = ckd_cyl(be16_get(p + 6), be16_get(p + 8));
    e->end_head = ckd_head(be16_get(p + 8));
    e->start_trk = (uint64_t)e->start_cyl * heads + e->start_head;
    e->end_trk = (uint64_t)e->end_cyl * heads + e->end_head;
}

static void add_dataset(const uint8_t *dscb, uint32_t heads, struct vtoc_info *vi, bool after_gap)
{
    if (vi->nds == VTOC_MAX_DS)
        return;
    struct vtoc_dataset *ds = &vi->ds[vi->nds++];
    memset(ds, 0, sizeof *ds);
    ebcdic_get(ds->name, dscb, DSCB_KEY_LEN);
    ds->fmt = dscb[44];
    ds->after_gap = after_gap;
    for (unsigned i = 0; i < 3; i++) {
        const uint8_t *x = dscb + 105 + i * 10;
        if (x[0] == 0)
            continue;
        struct vtoc_extent *e = &ds->ext[ds->nextents++];
        decode_extent(x, heads, e);
        if (e->end_trk >= e->start_trk)
            ds->tracks += e->end_trk - e->start_trk + 1;
    }
}

static void add_free(struct vtoc_info *vi, uint64_t start, uint64_t n)
{
    if (n && vi->nfree < VTOC_MAX_FREE)
        vi->free[vi->nfree++] = (struct vtoc_free){ start, n };
}

static void decode_f5(const uint8_t *d, uint32_t heads, struct vtoc_info *vi)
{
    for (unsigned i = 0; i < 26; i++) {
        const uint8_t *x = i < 8 ? d + 4 + i * 5 : d + 45 + (i - 8) * 5;
        uint64_t n = (uint64_t)be16_get(x + 2) * heads + x[4];
        add_free(vi, be16_get(x), n);
    }
}

static void decode_f7(const uint8_t *d, struct vtoc_info *vi)
{
    for (unsigned i = 0; i < 15; i++) {
        const uint8_t *x = i < 5 ? d + 4 + i * 8 : d + 45 + (i - 5) * 8;
        uint32_t s = be32_get(x), e = be32_get(x + 4);     /* inclusive, as libvtoc keeps them */
        if (e >= s && (s || e))
            add_free(vi, s, (uint64_t)e - s + 1);
    }
}

static int decode_vtoc(struct img *im, struct trkbuf *b, struct vtoc_info *vi, char *err, size_t errlen)
{
    uint32_t heads = img_geometry(im)->heads;
    if (vi->vtoc_cyl >= img_geometry(im)->cyls || vi->vtoc_head >= heads)
        return 0;
    int rc = load(im, vi->vtoc_cyl, vi->vtoc_head, b, err, errlen);
    if (rc < 0)
        return rc;
    bool gap = false;
    for (unsigned i = 1; i < b->t.nrecs; i++) {
        if (b->t.rec[i].rec < vi->vtoc_rec)
            continue;
        if (b->t.rec[i].kl != DSCB_KEY_LEN || b->t.rec[i].dl != DSCB_DATA_LEN) {
            gap = true;
            continue;
        }
        const uint8_t *d = rec_key(b, i);
        switch (d[44]) {
        case 0xF4:
            vi->has_f4 = true;
            vi->f4_free_dscbs = be16_get(d + 44 + 6);
            break;
        case 0xF5: decode_f5(d, heads, vi); break;
        case 0xF7: decode_f7(d, vi); break;
        case 0xF1: case 0xF8:
            add_dataset(d, heads, vi, gap);
            break;
        case 0xF9: break;
        default: gap = true; break;          /* ibm.c stops at the first other DSCB */
        }
    }
    return 0;
}

int vtoc_read(struct img *im, struct vtoc_info *vi, char *err, size_t errlen)
{
    memset(vi, 0, sizeof *vi);
    struct trkbuf *b = malloc(3 * sizeof *b);
    if (!b)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", img_path(im));
    const struct img_geometry *g = img_geometry(im);
    int rc = 0;
    for (unsigned h = 0; h < 3 && rc == 0; h++) {
        if (h < g->heads * g->cyls)
            rc = load(im, h / g->heads, h % g->heads, &b[h], err, errlen);
        else
            b[h].t.nrecs = 0;
    }
    if (rc == 0) {
        decode_layout(&b[0], &b[1], &b[2], vi);
        decode_label(&b[0], vi);
        if (vi->has_vtoc)
            rc = decode_vtoc(im, &b[1], vi, err, errlen);
    }
    free(b);
    return rc;
}

unsigned vtoc_partitions(const struct img *im, const struct vtoc_info *vi, struct vtoc_partition *p, unsigned max)
{
    const struct img_geometry *g = img_geometry(im);
    uint64_t total = (uint64_t)g->cyls * g->heads * vi->rpt;
    unsigned n = 0;
    if (!vi->blksize)
        return 0;
    if (!strcmp(vi->label, "LNX1") || (vi->layout == LAYOUT_LDL && !vi->label[0])) {
        /* one partition after the label block (ibm.c find_lnx1_partitions) */
        uint64_t fmt = vi->ldl_blocks && vi->ldl_blocks < total ? vi->ldl_blocks : total;
        if (max && fmt > 3) {
            p[0] = (struct vtoc_partition){ 3, fmt - 3, "" };
            n = 1;
        }
        return n;
    }
    for (unsigned i = 0; i < vi->nds && n < max; i++) {
        const struct vtoc_dataset *ds = &vi->ds[i];
        if (ds->after_gap)
            break;
        if (!ds->nextents)
            continue;
        uint64_t start = ds->ext[0].start_trk * vi->rpt;
        uint64_t end = ds->ext[0].end_trk * vi->rpt + vi->rpt;
        if (end <= start || end > total)
            continue;
        p[n] = (struct vtoc_partition){ start, end - start, "" };
        memcpy(p[n].name, ds->name, sizeof p[n].name);
        n++;
    }
    return n;
}
