// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image layer entry points: open (an rbd: name goes to rbd.c, a file gets
 * its format from the CKD_DEVHDR), close, flush, and track read/write
 * dispatch through the backend's ops table (CKD, CCKD, RBD).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/ckdtrack.h"
#include "img/cckd.h"
#include "img/rbd.h"

/* Track slot size Hercules uses for a device type (HY dasdtab/create_ckd). */
uint32_t img_trksize_for(uint16_t devtype)
{
    switch (devtype) {
    case 0x3390: return CKD_TRKSIZE_3390;
    case 0x3380: return 47616;
    default:     return 0;
    }
}

int img_check_devhdr(const uint8_t *hdr, const char *path, struct img_geometry *g, char *err, size_t errlen)
{
    switch (hdr[DH_DEVTYP]) {
    case 0x90: g->devtype = 0x3390; break;
    case 0x80: g->devtype = 0x3380; break;
    default:
        return img_fail(err, errlen, EINVAL, "image %s: unsupported device type byte 0x%02X in header",
                        path, hdr[DH_DEVTYP]);
    }
    g->heads = le32_get(hdr + DH_HEADS);
    g->trksize = le32_get(hdr + DH_TRKSIZE);
    if (g->heads != 15)
        return img_fail(err, errlen, EINVAL, "image %s: %u heads in header, a %04X has 15", path, g->heads,
                        g->devtype);
    if (g->trksize != img_trksize_for(g->devtype))
        return img_fail(err, errlen, EINVAL, "image %s: wrong track size %u in header (a %04X image uses %u)",
                        path, g->trksize, g->devtype, img_trksize_for(g->devtype));
    return 0;
}

static int detect_format(const uint8_t *hdr, const char *path, enum img_format *fmt, char *err, size_t errlen)
{
    if (memcmp(hdr, "CKD_P370", 8) == 0)
        *fmt = IMG_CKD;
    else if (memcmp(hdr, "CKD_C370", 8) == 0)
        *fmt = IMG_CCKD;
    else if (memcmp(hdr, "CKD_S370", 8) == 0)
        return img_fail(err, errlen, ENOTSUP, "image %s: CCKD shadow files are not supported", path);
    else if (memcmp(hdr, "CKD_", 4) == 0 && memcmp(hdr + 5, "064", 3) == 0)
        return img_fail(err, errlen, ENOTSUP, "image %s: 64-bit CKD64/CCKD64 images are not supported", path);
    else if (memcmp(hdr, "FBA_", 4) == 0)
        return img_fail(err, errlen, ENOTSUP, "image %s: FBA images are not supported", path);
    else
        return img_fail(err, errlen, EINVAL, "image %s: bad magic (not a Hercules CKD_P370/CKD_C370 image)", path);
    return 0;
}

/* Opens path, or for a multi-file volume named without suffix, its _1 file. */
static int open_first(const char *path, bool ro, bool shared, char **used, char *err, size_t errlen)
{
    int fd = img_open_file(path, ro, shared, err, errlen);
    if (fd != -ENOENT) {
        *used = strdup(path);
        return fd;
    }
    char *first = ckd_member_name(path, 1);
    char err2[256];
    int fd1 = first ? img_open_file(first, ro, shared, err2, sizeof err2) : -ENOMEM;
    if (fd1 == -ENOENT || fd1 == -ENOMEM) {
        free(first);
        return fd;
    }
    if (fd1 < 0)
        img_fail(err, errlen, -fd1, "%s", err2);
    *used = first;
    return fd1;
}

/* fdatasync of every file of the volume */
static int files_sync(struct img *im)
{
    for (unsigned i = 0; i < im->nfiles; i++)
        if (fdatasync(im->file[i].fd) < 0)
            return img_set_error(im, errno, "image %s: fdatasync failed: %s", im->file[i].path, strerror(errno));
    return 0;
}

static int cckd_sync(struct img *im)
{
    int rc = files_sync(im);
    return rc < 0 ? rc : cckd_flush(im);
}

/* a CCKD open that failed early has no state to write back */
static int cckd_close_any(struct img *im)
{
    return im->cckd ? cckd_close(im) : 0;
}

static const struct img_ops ckd_ops = {
    .read = ckd_read, .write = ckd_write, .flush = files_sync, .close = NULL,
};
static const struct img_ops cckd_ops = {
    .read = cckd_read, .write = cckd_write, .flush = cckd_sync, .close = cckd_close_any,
};

static int open_body(struct img *im, char *err, size_t errlen)
{
    uint8_t hdr[CKD_DEVHDR_SIZE];
    struct img_file *f = &im->file[0];
    int rc = img_read_header(f->fd, hdr, sizeof hdr, 0, f->path, "shorter than 512 bytes", err, errlen);
    if (rc < 0)
        return rc;
    rc = detect_format(hdr, f->path, &im->fmt, err, errlen);
    if (rc == 0)
        rc = img_check_devhdr(hdr, f->path, &im->geo, err, errlen);
    if (rc < 0)
        return rc;
    im->slot = malloc(im->geo.trksize > CKD_MAX_TRACK_IMAGE ? im->geo.trksize : CKD_MAX_TRACK_IMAGE);
    if (!im->slot)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", f->path);
    if (im->fmt == IMG_CCKD && im->shared)
        return img_fail(err, errlen, ENOTSUP, "image %s: a shared volume must be uncompressed CKD (CCKD keeps "
                        "its allocation tables in memory)", f->path);
    if (im->fmt == IMG_CCKD) {
        if (hdr[DH_FILESEQ] != 0)
            return img_fail(err, errlen, EINVAL, "image %s: compressed image with file sequence %u", f->path,
                            hdr[DH_FILESEQ]);
        im->nfiles = 1;
        im->ops = &cckd_ops;
        return cckd_open(im, err, errlen);
    }
    im->ops = &ckd_ops;
    return ckd_open_set(im, f->path, err, errlen);
}

static struct img *open_volume(const char *path, bool readonly, bool shared, char *err, size_t errlen)
{
    struct img *im = calloc(1, sizeof *im);
    if (!im || !(im->path = strdup(path))) {
        free(im);
        img_fail(err, errlen, ENOMEM, "image %s: out of memory", path);
        return NULL;
    }
    im->ro = readonly;
    im->shared = shared;
    for (unsigned i = 0; i < CKD_MAXFILES; i++)
        im->file[i].fd = -1;
    int rc;
    if (img_is_rbd(path)) {
        im->nfiles = 0;
        rc = rbd_open_img(im, err, errlen);
    } else {
        im->nfiles = 1;
        int fd = open_first(path, readonly, shared, &im->file[0].path, err, errlen);
        im->file[0].fd = fd;
        rc = fd < 0 ? fd : open_body(im, err, errlen);
    }
    if (rc < 0) {
        img_close(im);
        errno = -rc;            /* e.g. EBUSY when another process has it */
        return NULL;
    }
    return im;
}

struct img *img_open(const char *path, bool readonly, char *err, size_t errlen)
{
    return open_volume(path, readonly, false, err, errlen);
}

struct img *img_open_shared(const char *path, bool readonly, char *err, size_t errlen)
{
    return open_volume(path, readonly, true, err, errlen);
}

int img_close_err(struct img *im, char *err, size_t errlen)
{
    if (!im)
        return 0;
    int rc = im->ops && im->ops->close ? im->ops->close(im) : 0;
    if (rc < 0)
        img_fail(err, errlen, -rc, "%s", im->err);
    for (unsigned i = 0; i < CKD_MAXFILES; i++) {
        /* a failed close of a file written to may have lost data (NFS) */
        if (im->file[i].fd >= 0 && close(im->file[i].fd) < 0 && rc == 0 && !im->ro)
            rc = img_fail(err, errlen, errno, "image %s: close failed: %s", im->file[i].path, strerror(errno));
        free(im->file[i].path);
    }
    free(im->slot);
    free(im->path);
    free(im);
    return rc;
}

int img_close(struct img *im)
{
    return img_close_err(im, NULL, 0);
}

const struct img_geometry *img_geometry(const struct img *im) { return &im->geo; }
enum img_format img_format(const struct img *im) { return im->fmt; }
bool img_readonly(const struct img *im) { return im->ro; }
const char *img_path(const struct img *im) { return im->path; }
const char *img_error(const struct img *im) { return im->err; }
unsigned img_file_count(const struct img *im) { return im->nfiles; }

const char *img_file_info(const struct img *im, unsigned i, uint32_t *first_cyl, uint32_t *ncyls)
{
    if (i >= im->nfiles)
        return NULL;
    *first_cyl = im->file[i].first_cyl;
    *ncyls = im->file[i].ncyls;
    return im->file[i].path;
}

enum img_compress img_compression(const struct img *im)
{
    return im->cckd ? (enum img_compress)im->cckd->algo : IMG_COMP_NONE;
}

int img_space(const struct img *im, struct img_space *sp)
{
    const struct cckd *c = im->cckd;
    if (!c)
        return -ENOTSUP;
    sp->size = cckd_get32(c, c->hdr + CH_SIZE);
    sp->used = cckd_get32(c, c->hdr + CH_USED);
    sp->free_total = cckd_get32(c, c->hdr + CH_FREE_TOT);
    sp->free_imbed = cckd_get32(c, c->hdr + CH_FREE_IMB);
    sp->free_blocks = cckd_get32(c, c->hdr + CH_FREE_NUM);
    sp->closed_cleanly = !(c->opts_at_open & CCKD_OPT_OPENED);
    return 0;
}

int img_nullfmt(const struct img *im)
{
    return im->cckd ? im->cckd->nullfmt : 1;
}

static int check_address(struct img *im, uint32_t cyl, uint32_t head)
{
    if (cyl >= im->geo.cyls || head >= im->geo.heads)
        return img_set_error(im, EINVAL, "image %s: track cyl %u head %u is outside the volume (%u cylinders, %u heads)",
                             im->path, cyl, head, im->geo.cyls, im->geo.heads);
    return 0;
}

int img_read_track(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len)
{
    int rc = check_address(im, cyl, head);
    if (rc < 0)
        return rc;
    return im->ops->read(im, cyl, head, buf, cap, len);
}

int img_write_track(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len)
{
    int rc = check_address(im, cyl, head);
    if (rc < 0)
        return rc;
    if (im->ro)
        return img_set_error(im, EROFS, "image %s: track cyl %u head %u: image is open read-only", im->path, cyl,
                             head);
    const char *why;
    struct ckd_track *t = malloc(sizeof *t);
    if (!t)
        return img_set_error(im, ENOMEM, "image %s: out of memory", im->path);
    rc = ckd_track_parse(buf, len, t, &why);
    bool exact = rc == 0 && t->eot + CKD_EOT_SIZE == len;
    free(t);
    if (rc < 0 || !exact)
        return img_set_error(im, EINVAL, "image %s: track cyl %u head %u: refusing to write a bad track image: %s",
                             im->path, cyl, head, rc < 0 ? why : "length does not end at the end-of-track marker");
    rc = im->ops->write(im, cyl, head, buf, len);
    if (rc == 0 && im->writethrough)
        rc = img_flush(im);
    if (rc == 0)
        im->track_writes++;
    return rc;
}

uint64_t img_track_writes(const struct img *im)
{
    return im->track_writes;
}

void img_set_writethrough(struct img *im, bool on)
{
    im->writethrough = on;
}

int img_settle(struct img *im)
{
    if (im->ro || !im->ops->settle)
        return 0;
    return im->ops->settle(im);
}

int img_flush(struct img *im)
{
    if (im->ro)
        return 0;
    return im->ops->flush(im);
}
