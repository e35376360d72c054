// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Export of Linux blocks from a CKD volume to a flat file: the host-side
 * view of what the guest's dasd driver sees as /dev/dasdX (or a partition
 * of it), so host tools can check what a guest wrote.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/img_internal.h"
#include "img/vtoc.h"

struct exporter {
    struct img *im;
    const struct vtoc_info *vi;
    uint8_t trk[CKD_MAX_TRACK_IMAGE];
    size_t len;
    struct ckd_track t;
    uint64_t cur;               /* track in trk, or UINT64_MAX */
    uint8_t *blk;
};

static int load_track(struct exporter *x, uint64_t trk, char *err, size_t errlen)
{
    const struct img_geometry *g = img_geometry(x->im);
    const char *why = NULL;
    uint32_t cyl = (uint32_t)(trk / g->heads), head = (uint32_t)(trk % g->heads);
    int rc = img_read_track(x->im, cyl, head, x->trk, sizeof x->trk, &x->len);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "%s", img_error(x->im));
    if (ckd_track_parse(x->trk, x->len, &x->t, &why) < 0)
        return img_fail(err, errlen, EIO, "image %s: track cyl %u head %u: %s", img_path(x->im), cyl, head, why);
    x->cur = trk;
    return 0;
}

static bool cdl_special(const struct vtoc_info *vi, uint64_t trk, unsigned r)
{
    return vi->layout == LAYOUT_CDL && ((trk == 0 && r <= 3) || trk == 1);
}

/* Fill x->blk with block idx (0-based record index) of the loaded track. */
static void fill_block(struct exporter *x, unsigned idx, struct vtoc_export_stats *st)
{
    unsigned bs = x->vi->blksize, r = idx + 1;
    const struct ckd_rec *rec = NULL;
    for (unsigned i = 1; i < x->t.nrecs; i++)
        if (x->t.rec[i].rec == r) {
            rec = &x->t.rec[i];
            break;
        }
    memset(x->blk, 0, bs);
    if (!rec) {
        st->missing++;
        return;
    }
    const uint8_t *key = x->trk + rec->off + CKD_COUNT_SIZE;
    if (cdl_special(x->vi, x->cur, r)) {
        size_t n = (size_t)rec->kl + rec->dl < bs ? (size_t)rec->kl + rec->dl : bs;
        memcpy(x->blk, key, n);
        memset(x->blk + n, 0xE5, bs - n);
        return;
    }
    if (rec->dl != bs)
        st->odd++;
    memcpy(x->blk, key + rec->kl, rec->dl < bs ? rec->dl : bs);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int vtoc_export(struct img *im, const struct vtoc_info *vi, uint64_t start, uint64_t n, int outfd,
                struct vtoc_export_stats *st, char *err, size_t errlen)
{
    return vtoc_export_progress(im, vi, start, n, outfd, st, NULL, NULL, err, errlen);
}

int vtoc_export_progress(struct img *im, const struct vtoc_info *vi, uint64_t start, uint64_t n, int outfd,
                         struct vtoc_export_stats *st, img_progress_fn *progress, void *progress_opaque,
                         char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    if (!vi->blksize || !vi->rpt)
        return img_fail(err, errlen, EINVAL, "image %s: no Linux block size recognised (not formatted with dasdfmt?)",
                        img_path(im));
    struct exporter *x = calloc(1, sizeof *x);
    uint8_t *blk = malloc(vi->blksize);
    if (!x || !blk) {
        free(x);
        free(blk);
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", img_path(im));
    }
    *x = (struct exporter){ .im = im, .vi = vi, .cur = UINT64_MAX, .blk = blk };
    int rc = 0;
    for (uint64_t b = start; b < start + n && rc == 0; b++) {
        uint64_t trk = b / vi->rpt;
        if (trk != x->cur && progress)
            progress(progress_opaque, b - start, n);
        if (trk != x->cur)
            rc = load_track(x, trk, err, errlen);
        if (rc < 0)
            break;
        fill_block(x, (unsigned)(b % vi->rpt), st);
        st->blocks++;
        if (all_zero(blk, vi->blksize))
            continue;               /* leave a hole */
        rc = img_pwrite_full(outfd, blk, vi->blksize, (off_t)((b - start) * vi->blksize));
        if (rc < 0)
            img_fail(err, errlen, -rc, "export: write failed: %s", strerror(-rc));
    }
    if (rc == 0 && ftruncate(outfd, (off_t)(n * vi->blksize)) < 0)
        rc = img_fail(err, errlen, errno, "export: cannot size the output: %s", strerror(errno));
    if (rc == 0 && progress)
        progress(progress_opaque, n, n);
    free(x);
    free(blk);
    return rc;
}
