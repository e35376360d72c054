// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checking an image track by track (what cckdcdsk level 1 and Hercules'
 * cckd_validate look at, for CKD and CCKD alike) plus the CCKD tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/cio.h"
#include "img/cckd.h"
#include "img/ckdtrack.h"

struct checker {
    struct img *im;
    bool verbose;
    img_report_fn report;
    void *opaque;
    long errors;
};

static void say(struct checker *k, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct checker *k, bool error, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    if (error)
        k->errors++;
    else if (!k->verbose)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    k->report(k->opaque, error, msg);
}

static void check_records(struct checker *k, const uint8_t *trk, const struct ckd_track *t, uint32_t cyl,
                          uint32_t head)
{
    const char *p = img_path(k->im);
    uint16_t cc = ckd_cc(cyl), hh = ckd_hh(cyl, head);
    bool ovfl_bit = k->im->geo.cyls < 32768;     /* bit 0x8000 of CC flags track overflow */
    unsigned last = 0;
    for (unsigned i = 0; i < t->nrecs; i++) {
        const struct ckd_rec *r = &t->rec[i];
        uint16_t rcc = ovfl_bit ? r->cyl & 0x7FFF : r->cyl;
        if (i > 0 && r->rec == 0)
            say(k, true, "image %s: track cyl %u head %u: record %u has record number 0", p, cyl, head, i);
        if (rcc != cc || r->head != hh)
            say(k, false, "image %s: track cyl %u head %u: record %u count says CC %04X HH %04X", p, cyl, head,
                r->rec, r->cyl, r->head);
        if (i > 1 && r->rec <= last)
            say(k, false, "image %s: track cyl %u head %u: record %u follows record %u", p, cyl, head, r->rec, last);
        last = r->rec;
    }
    (void)trk;
}

static void check_track(struct checker *k, uint8_t *buf, struct ckd_track *t, uint32_t cyl, uint32_t head)
{
    const char *p = img_path(k->im), *why = NULL;
    size_t len;
    if (img_read_track(k->im, cyl, head, buf, CKD_MAX_TRACK_IMAGE, &len) < 0) {
        say(k, true, "%s", img_error(k->im));
        return;
    }
    if (ckd_track_parse(buf, len, t, &why) < 0) {
        say(k, true, "image %s: track cyl %u head %u: %s", p, cyl, head, why);
        return;
    }
    if (buf[0] != 0 || be16_get(buf + 1) != ckd_cc(cyl) || be16_get(buf + 3) != ckd_hh(cyl, head)) {
        say(k, true, "image %s: track cyl %u head %u: home address %02X %04X %04X does not match its position", p,
            cyl, head, buf[0], be16_get(buf + 1), be16_get(buf + 3));
        return;
    }
    if (len > k->im->geo.trksize)
        say(k, true, "image %s: track cyl %u head %u: %zu bytes exceed the track size %u", p, cyl, head, len,
            k->im->geo.trksize);
    check_records(k, buf, t, cyl, head);
}

static int cmp_space(const void *a, const void *b)
{
    const struct cckd_space *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The free space the tables imply: gaps between referenced extents. */
static void check_cckd_free(struct checker *k, const struct extent *x, size_t n, uint64_t size)
{
    struct cckd *c = k->im->cckd;
    const char *p = img_path(k->im);
    struct cckd_space *disk;
    unsigned nd;
    char why[200];
    if (cckd_space_read_disk(k->im, &disk, &nd, why, sizeof why) < 0) {
        say(k, true, "image %s: %s", p, why);
        return;
    }
    if (nd)
        qsort(disk, nd, sizeof *disk, cmp_space);
    uint64_t pos = x[0].end, listed = 0, expected = 0;
    unsigned di = 0, ngaps = 0;
    bool match = true;
    for (size_t i = 1; i <= n; i++) {
        uint64_t next = i < n ? x[i].off : size;
        if (next > pos) {
            ngaps++;
            expected += next - pos;
            if (di >= nd || disk[di].off != pos || disk[di].len != next - pos)
                match = false;
            di++;
        }
        if (i < n && x[i].end > pos)
            pos = x[i].end;
    }
    for (unsigned i = 0; i < nd; i++)
        listed += disk[i].len;
    if (!match || nd != ngaps)
        say(k, true, "image %s: free space in the file (%u blocks, %llu bytes) does not match the gaps between tables and tracks (%u blocks, %llu bytes)",
            p, nd, (unsigned long long)listed, ngaps, (unsigned long long)expected);
    free(disk);
    uint32_t tot = cckd_get32(c, c->hdr + CH_FREE_TOT), imb = cckd_get32(c, c->hdr + CH_FREE_IMB);
    uint32_t used = cckd_get32(c, c->hdr + CH_USED);
    if (cckd_get32(c, c->hdr + CH_FREE_NUM) != nd || tot != listed + imb || used + tot != size)
        say(k, true, "image %s: header totals inconsistent: size %llu used %u free %u (imbedded %u) in %u blocks",
            p, (unsigned long long)size, used, tot, imb, cckd_get32(c, c->hdr + CH_FREE_NUM));
}

static void check_cckd(struct checker *k)
{
    struct cckd *c = k->im->cckd;
    const char *p = img_path(k->im);
    char err[512];
    struct extent *x;
    size_t n;
    uint64_t imbed;
    bool clean = !(c->opts_at_open & CCKD_OPT_OPENED);
    /* Not an error: tracks and tables are consistent by construction after
     * a crash; only the header totals and the stored free list are stale,
     * and the next read-write open rebuilds them.  Always shown. */
    if (!clean) {
        snprintf(err, sizeof err, "image %s: not closed cleanly (OPENED bit set): header totals and free list "
                 "not checked; the next read-write open rebuilds them", p);
        k->report(k->opaque, false, err);
    }
    if (cckd_extents(k->im, &x, &n, &imbed, err, sizeof err) < 0) {
        say(k, true, "%s", err);
        return;
    }
    uint64_t end = 0;
    for (size_t i = 0; i < n; i++)
        end = x[i].end > end ? x[i].end : end;
    uint64_t size = cckd_get32(c, c->hdr + CH_SIZE);
    if (clean && (size < end || size > c->file_size))
        say(k, true, "image %s: header size %llu but tables reach %llu and the file has %llu bytes", p,
            (unsigned long long)size, (unsigned long long)end, (unsigned long long)c->file_size);
    else if (clean)
        check_cckd_free(k, x, n, size);
    for (uint32_t i = 0; i < c->num_l1; i++)
        for (uint32_t j = 0; c->l2[i] && j < CCKD_L2_ENTRIES; j++)
            if (c->l2[i][j].pos == 0 && c->l2[i][j].len > 2)
                say(k, true, "image %s: L2 entry of track %u: null track of unknown format %u", p, i * 256 + j,
                    c->l2[i][j].len);
    say(k, false, "image %s: %zu tables and tracks stored, %llu bytes imbedded free space", p, n,
        (unsigned long long)imbed);
    free(x);
}

long img_check(struct img *im, bool verbose, img_report_fn report, void *opaque)
{
    return img_check_progress(im, verbose, report, opaque, NULL, NULL);
}

long img_check_progress(struct img *im, bool verbose, img_report_fn report, void *opaque,
                        img_progress_fn *progress, void *progress_opaque)
{
    struct checker k = { im, verbose, report, opaque, 0 };
    uint8_t *buf = malloc(CKD_MAX_TRACK_IMAGE);
    struct ckd_track *t = malloc(sizeof *t);
    if (!buf || !t) {
        free(buf);
        free(t);
        return -ENOMEM;
    }
    if (im->cckd)
        check_cckd(&k);
    for (uint32_t cyl = 0; cyl < im->geo.cyls; cyl++) {
        for (uint32_t head = 0; head < im->geo.heads; head++)
            check_track(&k, buf, t, cyl, head);
        if (progress)
            progress(progress_opaque, cyl + 1, im->geo.cyls);
    }
    free(buf);
    free(t);
    return k.errors;
}
