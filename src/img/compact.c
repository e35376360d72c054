// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compaction of a CCKD image (what Hercules' cckdcomp does): rewrite the
 * file so that it holds no free space.  The headers and L1 table come
 * first, then each L2 table followed by the track images it points at, in
 * track order, each stored image copied as it is (no recompression) and
 * given exactly its length.  An L2 table that only holds null tracks of the
 * image's null format is dropped (L1 entry 0 means the same).
 *
 * Crash safety: the compacted image is written to a temporary file in the
 * same directory, completed by a clean open/close of the image layer
 * (header totals, no free list), synced, and renamed over the original;
 * then the directory is synced.  A crash at any point leaves either the old
 * or the new file under the name, never a mixture.  The original stays
 * open read-write (exclusive OFD lock) until the rename, so a running
 * ccwpassd that serves it makes the compaction fail with "in use", and no
 * daemon can open it while it is being copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/cckd.h"

#define COMPACT_SUFFIX ".compact-XXXXXX"

/* Is every entry of table l1x a null track of the image's null format? */
static bool l2_all_default(const struct cckd *c, uint32_t l1x, uint64_t tracks)
{
    for (uint32_t j = 0; j < CCKD_L2_ENTRIES; j++) {
        const struct cckd_l2ent *e = &c->l2[l1x][j];
        uint64_t trk = (uint64_t)l1x * CCKD_L2_ENTRIES + j;
        if (trk < tracks && (e->pos != 0 || e->len != c->nullfmt))
            return false;
    }
    return true;
}

/* Write the packed image of im into fd; *end gets its length. */
static int write_packed(struct img *im, int fd, const char *tmp, uint64_t *end, char *err, size_t errlen)
{
    struct cckd *c = im->cckd;
    uint64_t tracks = (uint64_t)im->geo.cyls * im->geo.heads;
    uint8_t head[CCKD_L1_POS], l2raw[CCKD_L2TAB_SIZE];
    uint8_t *l1raw = calloc(c->num_l1, 4), *buf = malloc(CKD_MAX_TRACK_IMAGE);
    int rc = l1raw && buf ? 0 : img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->path);
    uint64_t pos = cckd_l1_end(c);
    for (uint32_t i = 0; rc == 0 && i < c->num_l1; i++) {
        if (!c->l2[i] || l2_all_default(c, i, tracks))
            continue;               /* L1 entry stays 0 */
        uint64_t l2pos = pos;
        pos += CCKD_L2TAB_SIZE;
        for (uint32_t j = 0; rc == 0 && j < CCKD_L2_ENTRIES; j++) {
            struct cckd_l2ent e = c->l2[i][j];
            uint64_t trk = (uint64_t)i * CCKD_L2_ENTRIES + j;
            if (trk >= tracks)
                e = (struct cckd_l2ent){ 0, c->nullfmt, c->nullfmt };
            if (e.pos) {
                rc = img_pread_full(im->file[0].fd, buf, e.len, e.pos);
                if (rc < 0)
                    rc = img_fail(err, errlen, EIO, "image %s: track %llu: cannot read %u bytes at offset %u",
                                  im->path, (unsigned long long)trk, e.len, e.pos);
                else if ((rc = img_pwrite_full(fd, buf, e.len, (off_t)pos)) < 0)
                    rc = img_fail(err, errlen, -rc, "%s: cannot write: %s", tmp, strerror(-rc));
                e.pos = (uint32_t)pos;
                e.size = e.len;
                pos += e.len;
            }
            cckd_l2ent_encode(c, l2raw + j * CCKD_L2ENT_SIZE, &e);
        }
        if (rc == 0 && (rc = img_pwrite_full(fd, l2raw, sizeof l2raw, (off_t)l2pos)) < 0)
            rc = img_fail(err, errlen, -rc, "%s: cannot write: %s", tmp, strerror(-rc));
        cckd_put32(c, l1raw + i * 4, (uint32_t)l2pos);
    }
    if (rc == 0 && (rc = img_pread_full(im->file[0].fd, head, CCKD_HDR_POS, 0)) < 0)
        rc = img_fail(err, errlen, EIO, "image %s: cannot read the device header", im->path);
    if (rc == 0) {
        memcpy(head + CCKD_HDR_POS, c->hdr, sizeof c->hdr);
        /* a consistent, closed image; the clean open/close that follows
         * fills in the totals */
        head[CCKD_HDR_POS + CH_OPTS] &= (uint8_t)~CCKD_OPT_OPENED;
        cckd_put32(c, head + CCKD_HDR_POS + CH_SIZE, (uint32_t)pos);
        cckd_put32(c, head + CCKD_HDR_POS + CH_FREE, 0);
        cckd_put32(c, head + CCKD_HDR_POS + CH_FREE_NUM, 0);
        if ((rc = img_pwrite_full(fd, head, sizeof head, 0)) < 0 ||
            (rc = img_pwrite_full(fd, l1raw, (size_t)c->num_l1 * 4, CCKD_L1_POS)) < 0)
            rc = img_fail(err, errlen, -rc, "%s: cannot write: %s", tmp, strerror(-rc));
    }
    if (rc == 0 && ftruncate(fd, (off_t)pos) < 0)
        rc = img_fail(err, errlen, errno, "%s: cannot set the size: %s", tmp, strerror(errno));
    if (rc == 0 && fsync(fd) < 0)
        rc = img_fail(err, errlen, errno, "%s: cannot sync: %s", tmp, strerror(errno));
    free(l1raw);
    free(buf);
    *end = pos;
    return rc;
}

/* Open/close the new file through the image layer: header totals and an
 * empty free list, written the way every clean close writes them. */
static int finish_packed(const char *tmp, char *err, size_t errlen)
{
    struct img *im = img_open(tmp, false, err, errlen);
    if (!im)
        return -(errno ? errno : EIO);
    return img_close_err(im, err, errlen);
}

static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -ENOMEM;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

int img_compact(const char *path, struct img_compact_result *res, char *err, size_t errlen)
{
    struct stat st;
    res->before = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;   /* before the open trims it */
    struct img *im = img_open(path, false, err, errlen);
    if (!im)
        return -(errno ? errno : EIO);
    if (im->fmt != IMG_CCKD) {
        img_close(im);
        return img_fail(err, errlen, EINVAL, "image %s: not a compressed (CCKD) image: nothing to compact", path);
    }
    char *tmp = malloc(strlen(path) + sizeof COMPACT_SUFFIX);
    if (!tmp || fstat(im->file[0].fd, &st) < 0) {
        free(tmp);
        img_close(im);
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", path);
    }
    strcpy(tmp, path);
    strcat(tmp, COMPACT_SUFFIX);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        img_close(im);
        return img_fail(err, errlen, e, "image %s: cannot create a temporary file beside it: %s", path, strerror(e));
    }
    if (fchmod(fd, st.st_mode & 07777) < 0 || fchown(fd, st.st_uid, st.st_gid) < 0) {
        /* best effort: an unprivileged user keeps the file as their own */
    }
    int rc = write_packed(im, fd, tmp, &res->after, err, errlen);
    close(fd);
    if (rc == 0)
        rc = finish_packed(tmp, err, errlen);
    if (rc == 0 && rename(tmp, path) < 0)
        rc = img_fail(err, errlen, errno, "image %s: cannot rename %s over it: %s", path, tmp, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    else if ((rc = sync_dir(path)) < 0)
        rc = img_fail(err, errlen, -rc, "image %s: cannot sync its directory: %s", path, strerror(-rc));
    if (rc == 0 && stat(path, &st) == 0)
        res->after = (uint64_t)st.st_size;
    free(tmp);
    /* after a rename this closes the old, now nameless file */
    img_close(im);
    return rc;
}
