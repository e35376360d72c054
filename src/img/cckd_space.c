// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CCKD free space.  The authoritative picture is the complement of what the
 * tables reference (headers, L1, L2 tables, track images); it is rebuilt
 * from the tables on every read-write open, which also recovers an image
 * that was not closed cleanly.  The list stored in the file -- Hercules'
 * new format ("FREE_BLK" then {offset, length} pairs, written past the end
 * at close) or the old chain of {next, length} blocks -- is read for
 * checking and written back in the new format at close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/cckd.h"

#define SPLIT_MIN 64      /* smaller leftovers stay imbedded in the image */


static int cmp_extent(const void *a, const void *b)
{
    const struct extent *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int describe(struct img *im, const struct extent *e, char *buf, size_t len)
{
    if (e->kind == EXT_HDR)
        return snprintf(buf, len, "headers and L1 table");
    if (e->kind == EXT_L2)
        return snprintf(buf, len, "L2 table %u", e->trk);
    return snprintf(buf, len, "track cyl %u head %u", e->trk / im->geo.heads, e->trk % im->geo.heads);
}

/* All referenced extents, sorted; checks each lies inside the file and
 * none overlap. */
int cckd_extents(struct img *im, struct extent **out, size_t *n, uint64_t *imbed, char *err, size_t errlen)
{
    struct cckd *c = im->cckd;
    size_t cap = 1 + c->num_l1, k = 0;
    for (uint32_t i = 0; i < c->num_l1; i++)
        cap += c->l2[i] ? CCKD_L2_ENTRIES : 0;
    struct extent *x = malloc(cap * sizeof *x);
    if (!x)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->path);
    *imbed = 0;
    x[k++] = (struct extent){ 0, cckd_l1_end(c), 0, EXT_HDR };
    uint64_t tracks = (uint64_t)im->geo.cyls * im->geo.heads;
    for (uint32_t i = 0; i < c->num_l1; i++) {
        if (!c->l2[i])
            continue;
        x[k++] = (struct extent){ c->l1[i], (uint64_t)c->l1[i] + CCKD_L2TAB_SIZE, i, EXT_L2 };
        for (uint32_t j = 0; j < CCKD_L2_ENTRIES; j++) {
            const struct cckd_l2ent *e = &c->l2[i][j];
            uint32_t trk = i * 256 + j;
            if (e->pos == 0 || trk >= tracks)
                continue;
            if (e->pos < cckd_l1_end(c)) {
                free(x);
                return img_fail(err, errlen, EINVAL,
                                "image %s: track cyl %u head %u: L2 entry (offset %u, length %u, size %u) points into the header and L1 table (which end at offset %llu)",
                                im->path, trk / im->geo.heads, trk % im->geo.heads, e->pos, e->len, e->size,
                                (unsigned long long)cckd_l1_end(c));
            }
            if (e->size < e->len || (uint64_t)e->pos + e->size > c->file_size) {
                free(x);
                return img_fail(err, errlen, EINVAL,
                                "image %s: track cyl %u head %u: L2 entry (offset %u, length %u, size %u) points past the end of the file (size %llu)",
                                im->path, trk / im->geo.heads, trk % im->geo.heads, e->pos, e->len, e->size,
                                (unsigned long long)c->file_size);
            }
            *imbed += e->size - e->len;
            x[k++] = (struct extent){ e->pos, (uint64_t)e->pos + e->size, trk, EXT_TRK };
        }
    }
    qsort(x, k, sizeof *x, cmp_extent);
    for (size_t i = 1; i < k; i++) {
        if (x[i].off < x[i - 1].end) {
            char a[64], b[64];
            describe(im, &x[i - 1], a, sizeof a);
            describe(im, &x[i], b, sizeof b);
            free(x);
            return img_fail(err, errlen, EINVAL, "image %s: %s and %s overlap in the file", im->path, a, b);
        }
    }
    *out = x;
    *n = k;
    return 0;
}

static int push_free(struct cckd *c, uint64_t off, uint64_t len, bool pending)
{
    if (c->nfree == c->capfree) {
        unsigned ncap = c->capfree ? c->capfree * 2 : 64;
        struct cckd_space *p = realloc(c->free, ncap * sizeof *p);
        if (!p)
            return -ENOMEM;
        c->free = p;
        c->capfree = ncap;
    }
    c->free[c->nfree++] = (struct cckd_space){ off, len, pending };
    return 0;
}

int cckd_space_rebuild(struct img *im, char *err, size_t errlen)
{
    struct cckd *c = im->cckd;
    struct extent *x;
    size_t n;
    int rc = cckd_extents(im, &x, &n, &c->imbed, err, errlen);
    if (rc < 0)
        return rc;
    uint64_t end = x[n - 1].end;
    for (size_t i = 0; i < n; i++)
        end = x[i].end > end ? x[i].end : end;
    /* not closed cleanly: the header's size may be stale either way */
    bool clean = !(c->opts_at_open & CCKD_OPT_OPENED);
    uint64_t size = clean && c->size > end && c->size <= c->file_size ? c->size : end;
    c->nfree = 0;
    uint64_t pos = x[0].end;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        uint64_t next = i < n ? x[i].off : size;
        if (next > pos)
            rc = push_free(c, pos, next - pos, false);
        if (i < n && x[i].end > pos)
            pos = x[i].end;
    }
    free(x);
    if (rc < 0)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->path);
    c->size = size;
    return 0;
}

void cckd_space_trim(struct img *im)
{
    struct cckd *c = im->cckd;
    if (c->file_size > c->size && ftruncate(im->file[0].fd, (off_t)c->size) == 0)
        c->file_size = c->size;  /* drop the FREE_BLK list written past the end */
}

int64_t cckd_space_get(struct cckd *c, uint32_t len, uint32_t *size, bool exact)
{
    for (unsigned i = 0; i < c->nfree; i++) {
        struct cckd_space *f = &c->free[i];
        if (f->pending || f->len < len)
            continue;
        uint64_t off = f->off;
        if (!exact && f->len - len < SPLIT_MIN && f->len <= 0xFFFF) {
            *size = (uint32_t)f->len;
            memmove(f, f + 1, (c->nfree - i - 1) * sizeof *f);
            c->nfree--;
        } else {
            *size = len;
            f->off += len;
            f->len -= len;
        }
        return (int64_t)off;
    }
    if (c->size + len > 0xFFFFFFFFull)
        return -EFBIG;          /* 32-bit offsets: a CCKD file stops at 4 GiB */
    int64_t off = (int64_t)c->size;
    c->size += len;
    if (c->size > c->file_size)
        c->file_size = c->size;
    *size = len;
    return off;
}

/* Merge neighbours of equal pending state; give back a free tail. */
static void tidy(struct cckd *c)
{
    unsigned k = 0;
    for (unsigned i = 0; i < c->nfree; i++) {
        if (k && c->free[k - 1].off + c->free[k - 1].len == c->free[i].off &&
            c->free[k - 1].pending == c->free[i].pending)
            c->free[k - 1].len += c->free[i].len;
        else
            c->free[k++] = c->free[i];
    }
    c->nfree = k;
    if (k && !c->free[k - 1].pending && c->free[k - 1].off + c->free[k - 1].len == c->size) {
        c->size = c->free[k - 1].off;
        c->nfree--;
    }
}

int cckd_space_release(struct cckd *c, uint64_t off, uint64_t size)
{
    unsigned i = 0;
    while (i < c->nfree && c->free[i].off < off)
        i++;
    if (push_free(c, 0, 0, false) < 0)
        return -ENOMEM;         /* the space leaks until the next open */
    memmove(&c->free[i + 1], &c->free[i], (c->nfree - 1 - i) * sizeof *c->free);
    c->free[i] = (struct cckd_space){ off, size, true };
    c->pending += size;
    tidy(c);
    return 0;
}

void cckd_space_unget(struct cckd *c, uint64_t off, uint64_t size)
{
    unsigned i = 0;
    while (i < c->nfree && c->free[i].off < off)
        i++;
    if (push_free(c, 0, 0, false) < 0)
        return;                 /* the space leaks until the next open */
    memmove(&c->free[i + 1], &c->free[i], (c->nfree - 1 - i) * sizeof *c->free);
    c->free[i] = (struct cckd_space){ off, size, false };
    tidy(c);                    /* at the end of the file: the file shrinks back */
}

void cckd_space_flushed(struct cckd *c)
{
    for (unsigned i = 0; i < c->nfree; i++)
        c->free[i].pending = false;
    c->pending = 0;
    tidy(c);
}

void cckd_space_totals(const struct cckd *c, uint64_t *total, uint64_t *largest, unsigned *num)
{
    *total = *largest = 0;
    for (unsigned i = 0; i < c->nfree; i++) {
        *total += c->free[i].len;
        if (c->free[i].len > *largest)
            *largest = c->free[i].len;
    }
    *num = c->nfree;
}

int cckd_space_write(struct img *im)
{
    struct cckd *c = im->cckd;
    cckd_space_flushed(c);      /* closing: nothing is pending any more */
    size_t n = 8 + (size_t)c->nfree * 8;
    uint8_t *list = malloc(n);
    if (!list)
        return -ENOMEM;
    memcpy(list, "FREE_BLK", 8);
    for (unsigned i = 0; i < c->nfree; i++) {
        cckd_put32(c, list + 8 + i * 8, (uint32_t)c->free[i].off);
        cckd_put32(c, list + 12 + i * 8, (uint32_t)c->free[i].len);
    }
    int rc = c->nfree ? img_pwrite_full(im->file[0].fd, list, n, (off_t)c->size) : 0;
    free(list);
    cckd_put32(c, c->hdr + CH_FREE, c->nfree ? (uint32_t)c->size : 0);
    if (rc == 0 && ftruncate(im->file[0].fd, (off_t)(c->size + (c->nfree ? n : 0))) < 0)
        rc = -errno;
    return rc;
}

int cckd_space_read_disk(struct img *im, struct cckd_space **list, unsigned *n, char *why, size_t whylen)
{
    struct cckd *c = im->cckd;
    uint32_t off = cckd_get32(c, c->hdr + CH_FREE), num = cckd_get32(c, c->hdr + CH_FREE_NUM);
    uint8_t b[8];
    *list = NULL;
    *n = 0;
    if (off == 0 || num == 0)
        return 0;
    if (num > c->file_size / 8 || img_pread_full(im->file[0].fd, b, 8, off) < 0) {
        snprintf(why, whylen, "free space at offset %u (%u entries) lies outside the file", off, num);
        return -1;
    }
    struct cckd_space *l = calloc(num, sizeof *l);
    if (!l) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    bool newfmt = memcmp(b, "FREE_BLK", 8) == 0;
    uint64_t pos = newfmt ? (uint64_t)off + 8 : off;
    for (uint32_t i = 0; i < num; i++) {
        if (img_pread_full(im->file[0].fd, b, 8, (off_t)pos) < 0) {
            snprintf(why, whylen, "free space entry %u at offset %llu lies outside the file", i,
                     (unsigned long long)pos);
            free(l);
            return -1;
        }
        l[i].len = cckd_get32(c, b + 4);
        l[i].off = newfmt ? cckd_get32(c, b) : pos;
        pos = newfmt ? pos + 8 : cckd_get32(c, b);   /* old format: chain to the next block */
    }
    *list = l;
    *n = num;
    return 0;
}
