// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compressed Hercules CKD images (CCKD, CKD_C370): CKD_DEVHDR at 0,
 * CCKD_DEVHDR at 512, L1 table at 1024, then L2 tables, track images and
 * free space in any order.  Track t is L1[t >> 8], entry t & 0xFF; an L2
 * entry with offset 0 is a null track whose format is in its length.
 *
 * Crash safety: a track image always goes to space that no table points
 * at, then its L2 entry (and, for a new table, the table before its L1
 * entry) is written, and only then is the old space freed.  Space freed
 * since the last flush is not reused until img_flush() has synced, so a
 * machine crash cannot leave an entry pointing at overwritten data.  The
 * header carries the OPENED bit while the image is open read-write; the
 * free-space list is written at close, and an image found OPENED (not
 * closed cleanly) has its free space rebuilt from the tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/cckd.h"
#include "img/ckdtrack.h"

/* Sync once this much freed space is held back: a quarter of the file, so
 * repeated rewrites without a flush from the caller (a guest reformatting
 * its volume) reuse space and the file stays near its data's size, but at
 * least 1 MiB (small rewrites stay cheap) and at most 64 MiB. */
#define PENDING_FLUSH_MIN   (1u << 20)
#define PENDING_FLUSH_MAX   (64u << 20)
#define PENDING_FLUSH_SHARE 4             /* 1/4 of the file */

uint32_t cckd_get32(const struct cckd *c, const uint8_t *p)
{
    return c->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : le32_get(p);
}

void cckd_put32(const struct cckd *c, uint8_t *p, uint32_t v)
{
    if (!c->be) {
        le32_put(p, v);
        return;
    }
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

uint16_t cckd_get16(const struct cckd *c, const uint8_t *p)
{
    return c->be ? (uint16_t)(p[0] << 8 | p[1]) : le16_get(p);
}

void cckd_put16(const struct cckd *c, uint8_t *p, uint16_t v)
{
    if (c->be) {
        p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
    } else
        le16_put(p, v);
}

int cckd_resolve_nullfmt(const struct cckd *c, unsigned len)
{
    if (len > 2)
        return c->nullfmt;
    if (len == 0 && c->nullfmt == 2)
        return 2;
    return (int)len;
}

uint64_t cckd_l1_end(const struct cckd *c)
{
    return CCKD_L1_POS + (uint64_t)c->num_l1 * 4;
}

struct cckd_l2ent cckd_l2_get(const struct cckd *c, uint32_t trk)
{
    uint32_t l1x = trk >> 8;
    if (c->l2[l1x])
        return c->l2[l1x][trk & 0xFF];
    struct cckd_l2ent e = { 0, c->nullfmt, c->nullfmt };   /* table absent: all null */
    return e;
}

/* ---- opening ------------------------------------------------------------ */

static int read_header(struct img *im, struct cckd *c, char *err, size_t errlen)
{
    const char *path = im->file[0].path;
    int rc = img_read_header(im->file[0].fd, c->hdr, sizeof c->hdr, CCKD_HDR_POS, path,
                             "no compressed device header at 512", err, errlen);
    if (rc < 0)
        return rc;
    c->be = c->hdr[CH_OPTS] & CCKD_OPT_BIGEND;
    c->opts_at_open = c->hdr[CH_OPTS];
    c->num_l1 = cckd_get32(c, c->hdr + CH_NUML1);
    /* cdh_cyls is a little-endian byte array even in a BIGEND file (cckdswap
     * leaves it alone) */
    uint32_t cyls = le32_get(c->hdr + CH_CYLS);
    uint64_t tracks = (uint64_t)cyls * im->geo.heads;
    if (cyls == 0 || cyls > 65536)
        return img_fail(err, errlen, EINVAL, "image %s: compressed header gives %u cylinders", path, cyls);
    if (cckd_get32(c, c->hdr + CH_NUML2) != CCKD_L2_ENTRIES || c->num_l1 < (tracks + 255) / 256 ||
        c->num_l1 > (tracks + 255) / 256 + 1)
        return img_fail(err, errlen, EINVAL, "image %s: compressed header: %u L1 / %u L2 entries do not fit %u cylinders",
                        path, c->num_l1, cckd_get32(c, c->hdr + CH_NUML2), cyls);
    im->geo.cyls = cyls;
    c->nullfmt = c->hdr[CH_NULLFMT] <= 2 ? c->hdr[CH_NULLFMT] : 0;
    c->algo = c->hdr[CH_ALGO] & 0x03;
    c->parm = (int16_t)cckd_get16(c, c->hdr + CH_PARM);
    c->size = cckd_get32(c, c->hdr + CH_SIZE);
    return 0;
}

static int read_l2(struct img *im, struct cckd *c, uint32_t l1x, char *err, size_t errlen)
{
    uint8_t raw[CCKD_L2TAB_SIZE];
    uint32_t off = c->l1[l1x];
    if ((uint64_t)off < cckd_l1_end(c))
        return img_fail(err, errlen, EINVAL, "image %s: L2 table for tracks %u-%u at offset %u points into the header and L1 table (which end at offset %llu)",
                        im->file[0].path, l1x * 256, l1x * 256 + 255, off, (unsigned long long)cckd_l1_end(c));
    if ((uint64_t)off + CCKD_L2TAB_SIZE > c->file_size)
        return img_fail(err, errlen, EINVAL, "image %s: L2 table for tracks %u-%u at offset %u lies past the end of the file (size %llu)",
                        im->file[0].path, l1x * 256, l1x * 256 + 255, off, (unsigned long long)c->file_size);
    if (img_pread_full(im->file[0].fd, raw, sizeof raw, off) < 0)
        return img_fail(err, errlen, EIO, "image %s: cannot read L2 table at offset %u", im->file[0].path, off);
    c->l2[l1x] = malloc(CCKD_L2_ENTRIES * sizeof(struct cckd_l2ent));
    if (!c->l2[l1x])
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->file[0].path);
    for (unsigned i = 0; i < CCKD_L2_ENTRIES; i++) {
        const uint8_t *p = raw + i * CCKD_L2ENT_SIZE;
        c->l2[l1x][i] = (struct cckd_l2ent){ cckd_get32(c, p), cckd_get16(c, p + 4), cckd_get16(c, p + 6) };
    }
    return 0;
}

static int read_tables(struct img *im, struct cckd *c, char *err, size_t errlen)
{
    uint8_t *raw = malloc((size_t)c->num_l1 * 4);
    c->l1 = calloc(c->num_l1, sizeof *c->l1);
    c->l2 = calloc(c->num_l1, sizeof *c->l2);
    if (!raw || !c->l1 || !c->l2) {
        free(raw);
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->file[0].path);
    }
    if (img_pread_full(im->file[0].fd, raw, (size_t)c->num_l1 * 4, CCKD_L1_POS) < 0) {
        free(raw);
        return img_fail(err, errlen, EINVAL, "image %s: truncated L1 table", im->file[0].path);
    }
    int rc = 0;
    for (uint32_t i = 0; i < c->num_l1 && rc == 0; i++) {
        c->l1[i] = cckd_get32(c, raw + i * 4);
        if (c->l1[i] == 0xFFFFFFFF)     /* "not in this file": only shadows use it */
            c->l1[i] = 0;
        if (c->l1[i])
            rc = read_l2(im, c, i, err, errlen);
    }
    free(raw);
    return rc;
}

static int mark_opened(struct img *im, struct cckd *c, char *err, size_t errlen)
{
    c->hdr[CH_OPTS] |= CCKD_OPT_OPENED | CCKD_OPT_ORDWR;
    int rc = img_pwrite_full(im->file[0].fd, c->hdr, sizeof c->hdr, CCKD_HDR_POS);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot write header: %s", im->file[0].path, strerror(-rc));
    return 0;
}

int cckd_open(struct img *im, char *err, size_t errlen)
{
    struct cckd *c = calloc(1, sizeof *c);
    struct stat st;
    if (!c || !(c->zbuf = malloc(CKD_MAX_TRACK_IMAGE + 1024))) {
        free(c);
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->file[0].path);
    }
    im->cckd = c;
    if (fstat(im->file[0].fd, &st) < 0)
        return img_fail(err, errlen, errno, "image %s: %s", im->file[0].path, strerror(errno));
    c->file_size = (uint64_t)st.st_size;
    int rc = read_header(im, c, err, errlen);
    if (rc == 0)
        rc = read_tables(im, c, err, errlen);
    im->file[0].ncyls = im->geo.cyls;
    if (rc == 0 && !im->ro)
        rc = cckd_space_rebuild(im, err, errlen);
    /* nothing in the file changes before the header says OPENED: a failed
     * open leaves it as it was */
    if (rc == 0 && !im->ro)
        rc = mark_opened(im, c, err, errlen);
    c->opened_rw = rc == 0 && !im->ro;
    if (c->opened_rw)
        cckd_space_trim(im);
    return rc;
}

/* ---- reading -------------------------------------------------------------- */

int cckd_read(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len)
{
    struct cckd *c = im->cckd;
    uint32_t trk = cyl * im->geo.heads + head;
    struct cckd_l2ent e = cckd_l2_get(c, trk);
    const char *path = im->file[0].path, *why = NULL;
    if (e.pos == 0) {
        int f = cckd_resolve_nullfmt(c, e.len);
        size_t need = f == 0 ? 37 : f == 1 ? 29 : 49277;
        if (cap < need)
            return img_set_error(im, ENOBUFS, "image %s: track cyl %u head %u: %zu bytes do not fit a %zu-byte buffer",
                                 path, cyl, head, need, cap);
        *len = ckd_track_null(buf, cyl, head, f);
        return 0;
    }
    if (e.pos < cckd_l1_end(c))
        return img_set_error(im, EIO, "image %s: track cyl %u head %u: L2 entry (offset %u, length %u) points into the header and L1 table (which end at offset %llu)",
                             path, cyl, head, e.pos, e.len, (unsigned long long)cckd_l1_end(c));
    if ((uint64_t)e.pos + e.len > c->file_size || e.len < CKD_HA_SIZE)
        return img_set_error(im, EIO, "image %s: track cyl %u head %u: L2 entry (offset %u, length %u) points past the end of the file (size %llu)",
                             path, cyl, head, e.pos, e.len, (unsigned long long)c->file_size);
    int rc = img_pread_full(im->file[0].fd, c->zbuf, e.len, e.pos);
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: track cyl %u head %u: read failed: %s", path, cyl, head,
                             strerror(-rc));
    long n = cckd_uncompress(c->zbuf, e.len, im->slot, im->geo.trksize, &why);
    struct ckd_track *t = n < 0 ? NULL : malloc(sizeof *t);
    if (n >= 0 && (!t || ckd_track_parse(im->slot, (size_t)n, t, &why) < 0 || t->eot + CKD_EOT_SIZE != (size_t)n)) {
        if (!why)
            why = t ? "track image does not end at its end-of-track marker" : "out of memory";
        n = -1;
    }
    free(t);
    if (n < 0)
        return img_set_error(im, EIO, "image %s: track cyl %u head %u: %s", path, cyl, head, why);
    if ((size_t)n > cap)
        return img_set_error(im, ENOBUFS, "image %s: track cyl %u head %u: %ld bytes do not fit a %zu-byte buffer",
                             path, cyl, head, n, cap);
    memcpy(buf, im->slot, (size_t)n);
    *len = (size_t)n;
    return 0;
}

/* ---- writing -------------------------------------------------------------- */

/* Null format this image can be stored as, or -1. */
static int null_format_of(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len)
{
    for (int f = 0; f <= 2; f++) {
        if (len != (f == 0 ? 37u : f == 1 ? 29u : 49277u))
            continue;
        if (f == 2 && im->cckd->nullfmt != 2)
            return -1;
        if (cckd_resolve_nullfmt(im->cckd, (unsigned)f) != f)
            return -1;
        size_t n = ckd_track_null(im->slot, cyl, head, f);
        return n == len && memcmp(im->slot, buf, len) == 0 ? f : -1;
    }
    return -1;
}

void cckd_l2ent_encode(const struct cckd *c, uint8_t *p, const struct cckd_l2ent *e)
{
    cckd_put32(c, p, e->pos);
    cckd_put16(c, p + 4, e->len);
    cckd_put16(c, p + 6, e->size);
}

/* Put a new L2 table for l1x into the file, then point L1 at it.  On any
 * failure nothing in the file points at the new table, so memory goes back
 * to "no table" and its space is given back: a later write in the group
 * tries again (and never writes an entry through an L1 offset of 0). */
static int create_l2(struct img *im, uint32_t l1x)
{
    struct cckd *c = im->cckd;
    uint8_t raw[CCKD_L2TAB_SIZE], l1e[4];
    uint32_t size;
    struct cckd_l2ent *tab = malloc(CCKD_L2_ENTRIES * sizeof *tab);
    if (!tab)
        return img_set_error(im, ENOMEM, "image %s: out of memory", im->path);
    for (unsigned i = 0; i < CCKD_L2_ENTRIES; i++) {
        tab[i] = (struct cckd_l2ent){ 0, c->nullfmt, c->nullfmt };
        cckd_l2ent_encode(c, raw + i * CCKD_L2ENT_SIZE, &tab[i]);
    }
    int64_t off = cckd_space_get(c, CCKD_L2TAB_SIZE, &size, true);
    if (off < 0) {
        free(tab);
        return img_set_error(im, (int)-off, "image %s: cannot write L2 table for tracks %u-%u: %s", im->path,
                             l1x * 256, l1x * 256 + 255, strerror((int)-off));
    }
    int rc = img_pwrite_full(im->file[0].fd, raw, sizeof raw, off);
    const char *what = "write L2 table";
    if (rc == 0) {
        cckd_put32(c, l1e, (uint32_t)off);
        rc = img_pwrite_full(im->file[0].fd, l1e, 4, CCKD_L1_POS + (off_t)l1x * 4);
        what = "point the L1 table at the new L2 table";
    }
    if (rc < 0) {
        free(tab);
        cckd_space_unget(c, (uint64_t)off, size);
        return img_set_error(im, -rc, "image %s: cannot %s for tracks %u-%u: %s", im->path, what, l1x * 256,
                             l1x * 256 + 255, strerror(-rc));
    }
    c->l2[l1x] = tab;
    c->l1[l1x] = (uint32_t)off;
    return 0;
}

static int write_l2ent(struct img *im, uint32_t trk, const struct cckd_l2ent *e)
{
    struct cckd *c = im->cckd;
    uint32_t l1x = trk >> 8;
    int rc = c->l2[l1x] ? 0 : create_l2(im, l1x);
    if (rc < 0)
        return rc;
    if (c->l1[l1x] < cckd_l1_end(c))   /* a table always lies past the headers: never write into them */
        return img_set_error(im, EIO, "image %s: L2 table for tracks %u-%u at offset %u points into the header",
                             im->path, l1x * 256, l1x * 256 + 255, c->l1[l1x]);
    uint8_t raw[CCKD_L2ENT_SIZE];
    cckd_l2ent_encode(c, raw, e);
    rc = img_pwrite_full(im->file[0].fd, raw, sizeof raw, (off_t)c->l1[l1x] + (off_t)(trk & 0xFF) * CCKD_L2ENT_SIZE);
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: cannot write L2 entry of track %u: %s", im->path, trk, strerror(-rc));
    c->l2[l1x][trk & 0xFF] = *e;
    return 0;
}

int cckd_write(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len)
{
    struct cckd *c = im->cckd;
    uint32_t trk = cyl * im->geo.heads + head;
    struct cckd_l2ent old = cckd_l2_get(c, trk), e = { 0, 0, 0 };
    if (len > im->geo.trksize)
        return img_set_error(im, EFBIG, "image %s: track cyl %u head %u: %zu bytes exceed the %u-byte track size",
                             im->path, cyl, head, len, im->geo.trksize);
    int nf = null_format_of(im, cyl, head, buf, len);
    if (nf >= 0) {
        e.len = e.size = (uint16_t)nf;
    } else {
        size_t n = cckd_compress(buf, len, c->algo, c->parm, c->zbuf, CKD_MAX_TRACK_IMAGE);
        uint32_t size;
        int64_t off = cckd_space_get(c, (uint32_t)n, &size, false);
        int rc = off < 0 ? (int)off : img_pwrite_full(im->file[0].fd, c->zbuf, n, off);
        if (rc < 0 && off >= 0)
            cckd_space_unget(c, (uint64_t)off, size);
        if (rc < 0)
            return img_set_error(im, -rc, "image %s: track cyl %u head %u: write failed: %s", im->path, cyl, head,
                                 strerror(-rc));
        e = (struct cckd_l2ent){ (uint32_t)off, (uint16_t)n, (uint16_t)size };
    }
    int rc = write_l2ent(im, trk, &e);
    if (rc < 0) {
        if (e.pos)              /* the new image stays unreferenced: the old one is still the track */
            cckd_space_unget(c, e.pos, e.size);
        return rc;
    }
    c->imbed += e.size - e.len;
    if (old.pos) {
        c->imbed -= old.size - old.len;
        cckd_space_release(c, old.pos, old.size);
    }
    uint64_t limit = c->size / PENDING_FLUSH_SHARE;
    if (limit < PENDING_FLUSH_MIN)
        limit = PENDING_FLUSH_MIN;
    if (limit > PENDING_FLUSH_MAX)
        limit = PENDING_FLUSH_MAX;
    if (c->pending >= limit)
        return img_flush(im);
    return 0;
}

/* ---- flush and close ------------------------------------------------------ */

int cckd_flush(struct img *im)
{
    cckd_space_flushed(im->cckd);   /* the sync made the new entries durable */
    return 0;
}

static void fill_header(struct img *im)
{
    struct cckd *c = im->cckd;
    uint64_t total, largest;
    unsigned num;
    cckd_space_totals(c, &total, &largest, &num);
    cckd_put32(c, c->hdr + CH_SIZE, (uint32_t)c->size);
    cckd_put32(c, c->hdr + CH_USED, (uint32_t)(c->size - total - c->imbed));
    cckd_put32(c, c->hdr + CH_FREE_TOT, (uint32_t)(total + c->imbed));
    cckd_put32(c, c->hdr + CH_FREE_BIG, (uint32_t)largest);
    cckd_put32(c, c->hdr + CH_FREE_NUM, num);
    cckd_put32(c, c->hdr + CH_FREE_IMB, (uint32_t)c->imbed);
}

/* Free list, header totals, sync, then the header without OPENED, sync.
 * On failure the file keeps OPENED (the header that clears it is written
 * last), so the next read-write open rebuilds the free space. */
static int close_rw(struct img *im)
{
    struct cckd *c = im->cckd;
    int fd = im->file[0].fd;
    int rc = cckd_space_write(im);       /* sets CH_FREE */
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: cannot write the free-space list: %s", im->path, strerror(-rc));
    fill_header(im);
    if (fdatasync(fd) < 0)
        return img_set_error(im, errno, "image %s: cannot sync before clearing the OPENED bit: %s", im->path,
                             strerror(errno));
    c->hdr[CH_OPTS] &= (uint8_t)~CCKD_OPT_OPENED;
    rc = img_pwrite_full(fd, c->hdr, sizeof c->hdr, CCKD_HDR_POS);
    if (rc < 0) {
        c->hdr[CH_OPTS] |= CCKD_OPT_OPENED;
        return img_set_error(im, -rc, "image %s: cannot write the header: %s", im->path, strerror(-rc));
    }
    if (fdatasync(fd) < 0)
        return img_set_error(im, errno, "image %s: cannot sync the header: %s", im->path, strerror(errno));
    return 0;
}

int cckd_close(struct img *im)
{
    struct cckd *c = im->cckd;
    int rc = 0;
    /* only an open that completed writes back: a half-open image (damaged
     * tables, say) has no free-space picture to write */
    if (c->opened_rw)
        rc = close_rw(im);
    for (uint32_t i = 0; c->l2 && i < c->num_l1; i++)
        free(c->l2[i]);
    free(c->l2);
    free(c->l1);
    free(c->free);
    free(c->zbuf);
    free(c);
    im->cckd = NULL;
    return rc;
}
