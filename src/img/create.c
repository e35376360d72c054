// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * img_create: a new volume as Hercules' dasdinit makes it.  Track 0 holds
 * IPL1, IPL2 and VOL1 (unless raw); with linux_null every other track is a
 * CDL-shaped 12 x 4 KiB null track and track 1 carries the F4/F5 VTOC, as
 * after `dasdinit -linux`.  Uncompressed volumes above 2 GiB are split into
 * x_1.ext, x_2.ext, ... of at most 2519 cylinders unless lfs is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"
#include "img/img_internal.h"
#include "img/rbd.h"
#include "img/vtoc.h"

static uint8_t *put_rec(uint8_t *p, uint32_t cyl, uint32_t head, uint8_t r, const uint8_t *key, uint8_t kl,
                        const uint8_t *data, uint16_t dl)
{
    be16_put(p, ckd_cc(cyl));
    be16_put(p + 2, ckd_hh(cyl, head));
    p[4] = r;
    p[5] = kl;
    be16_put(p + 6, dl);
    p += CKD_COUNT_SIZE;
    if (kl)
        memcpy(p, key, kl);
    p += kl;
    if (data)
        memcpy(p, data, dl);
    else
        memset(p, 0, dl);
    return p + dl;
}

/* Track 0: R0, IPL1, IPL2, VOL1, and for linux R4-R12 of 4 KiB. */
static size_t build_track0(uint8_t *buf, const struct img_create_opts *o)
{
    uint8_t key[4], ipl1[IPL1_DATA_LEN], vol1[VOL1_DATA_LEN];
    size_t n = ckd_track_null(buf, 0, 0, 1) - CKD_EOT_SIZE;
    uint8_t *p = buf + n;
    vtoc_ipl1_data(ipl1);
    vtoc_vol1_data(vol1, o->volser ? o->volser : "VOL001");
    ebcdic_put(key, "IPL1", 4);
    p = put_rec(p, 0, 0, 1, key, 4, ipl1, IPL1_DATA_LEN);
    ebcdic_put(key, "IPL2", 4);
    p = put_rec(p, 0, 0, 2, key, 4, NULL, IPL2_DATA_LEN);
    ebcdic_put(key, "VOL1", 4);
    p = put_rec(p, 0, 0, 3, key, 4, vol1, VOL1_DATA_LEN);
    for (unsigned r = 4; o->linux_null && r <= 12; r++)
        p = put_rec(p, 0, 0, (uint8_t)r, NULL, 0, NULL, 4096);
    memset(p, 0xFF, CKD_EOT_SIZE);
    return (size_t)(p + CKD_EOT_SIZE - buf);
}

/* Track 1 of a linux volume: 12 DSCB-sized records, F4, F5 (and F7). */
static size_t build_track1(uint8_t *buf, uint32_t cyls, uint32_t heads)
{
    uint8_t dscb[DSCB_SIZE];
    uint64_t tracks = (uint64_t)cyls * heads;
    bool f7 = vtoc_needs_f7(tracks);
    uint8_t *p = buf + ckd_track_null(buf, 0, 1, 1) - CKD_EOT_SIZE;
    for (unsigned r = 1; r <= 12; r++) {
        memset(dscb, 0, sizeof dscb);
        if (r == 1)
            vtoc_f4(dscb, cyls, heads, 12, f7);
        else if (r == 2)
            vtoc_f5(dscb, (uint32_t)tracks, heads);
        else if (r == 3 && f7)
            vtoc_f7(dscb, (uint32_t)tracks);
        p = put_rec(p, 0, 1, (uint8_t)r, dscb, DSCB_KEY_LEN, dscb + DSCB_KEY_LEN, DSCB_DATA_LEN);
    }
    memset(p, 0xFF, CKD_EOT_SIZE);
    return (size_t)(p + CKD_EOT_SIZE - buf);
}

size_t img_build_initial_track(uint8_t *buf, const struct img_create_opts *o, uint32_t cyl, uint32_t head)
{
    if (cyl == 0 && head == 0 && !o->raw)
        return build_track0(buf, o);
    if (cyl == 0 && head == 1 && !o->raw && o->linux_null)
        return build_track1(buf, o->cyls, 15);
    return ckd_track_null(buf, cyl, head, o->linux_null ? 2 : 1);
}

/* Rewrite the CCHH of the home address and of every count of a track image
 * (a template null track moved to another position). */
static void relocate_track(uint8_t *buf, size_t len, uint32_t cyl, uint32_t head)
{
    uint16_t cc = ckd_cc(cyl), hh = ckd_hh(cyl, head);
    be16_put(buf + 1, cc);
    be16_put(buf + 3, hh);
    static const uint8_t eot[CKD_EOT_SIZE] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    for (size_t off = CKD_HA_SIZE; off + CKD_COUNT_SIZE <= len && memcmp(buf + off, eot, CKD_EOT_SIZE) != 0;) {
        be16_put(buf + off, cc);
        be16_put(buf + off + 2, hh);
        off += CKD_COUNT_SIZE + buf[off + 5] + be16_get(buf + off + 6);
    }
}

int create_open_locked(const char *path, char *err, size_t errlen)
{
    int fd = img_open_nonblock(path, O_RDWR | O_CREAT, "create", err, errlen);
    if (fd < 0)
        return fd;
    int rc = img_lock_file(fd, path, true, err, errlen);
    if (rc == 0 && ftruncate(fd, 0) < 0)
        rc = img_fail(err, errlen, errno, "image %s: cannot truncate: %s", path, strerror(errno));
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

struct ckd_writer {
    const struct img_create_opts *o;
    struct img_geometry g;
    uint8_t *cylbuf;            /* one cylinder of slots */
    uint8_t *tmpl;              /* the null track, built once */
    size_t tmpl_len;
    uint32_t done;
    bool skeleton;              /* headers and file sizes only (img_copy fills every track) */
};

static void fill_cylinder(struct ckd_writer *w, uint32_t cyl)
{
    memset(w->cylbuf, 0, (size_t)w->g.heads * w->g.trksize);
    for (uint32_t h = 0; h < w->g.heads; h++) {
        uint8_t *slot = w->cylbuf + (size_t)h * w->g.trksize;
        if (cyl == 0 && h < 2) {
            img_build_initial_track(slot, w->o, cyl, h);
            continue;
        }
        memcpy(slot, w->tmpl, w->tmpl_len);
        relocate_track(slot, w->tmpl_len, cyl, h);
    }
}

static int write_ckd_file(struct ckd_writer *w, const char *name, unsigned seq, uint32_t first, uint32_t n,
                          bool last, char *err, size_t errlen)
{
    uint8_t hdr[CKD_DEVHDR_SIZE];
    int fd = create_open_locked(name, err, errlen);
    if (fd < 0)
        return fd;
    ckd_devhdr_build(hdr, "CKD_P370", &w->g, seq, seq && !last ? first + n - 1 : 0);
    int rc = img_pwrite_full(fd, hdr, sizeof hdr, 0);
    size_t cylbytes = (size_t)w->g.heads * w->g.trksize;
    if (rc == 0 && w->skeleton && ftruncate(fd, (off_t)(CKD_DEVHDR_SIZE + (uint64_t)n * cylbytes)) < 0)
        rc = -errno;
    for (uint32_t c = 0; rc == 0 && !w->skeleton && c < n; c++) {
        fill_cylinder(w, first + c);
        rc = img_pwrite_full(fd, w->cylbuf, cylbytes, (off_t)(CKD_DEVHDR_SIZE + (uint64_t)c * cylbytes));
        if (w->o->progress)
            w->o->progress(w->o->progress_opaque, ++w->done, w->o->cyls);
    }
    if (rc == 0 && fdatasync(fd) < 0)
        rc = -errno;
    close(fd);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: write failed: %s", name, strerror(-rc));
    return 0;
}

static int create_ckd(const char *path, const struct img_create_opts *o, const struct img_geometry *g,
                      bool skeleton, char *err, size_t errlen)
{
    uint32_t per_file = (uint32_t)((CKD_FILE_LIMIT - CKD_DEVHDR_SIZE + 1) / ((uint64_t)g->trksize * g->heads));
    if (o->cyls_per_file && o->cyls_per_file < per_file)
        per_file = o->cyls_per_file;
    unsigned nfiles = o->lfs || o->cyls <= per_file ? 1 : (o->cyls + per_file - 1) / per_file;
    if (nfiles > CKD_MAXFILES)
        return img_fail(err, errlen, EFBIG, "image %s: %u cylinders need more than %d files (use lfs)", path,
                        o->cyls, CKD_MAXFILES);
    struct ckd_writer w = { .o = o, .g = *g, .skeleton = skeleton };
    w.cylbuf = malloc((size_t)g->heads * g->trksize);
    w.tmpl = malloc(CKD_MAX_TRACK_IMAGE);
    int rc = w.cylbuf && w.tmpl ? 0 : img_fail(err, errlen, ENOMEM, "image %s: out of memory", path);
    if (rc == 0)
        w.tmpl_len = ckd_track_null(w.tmpl, 0, 0, o->linux_null ? 2 : 1);
    for (unsigned i = 0; rc == 0 && i < nfiles; i++) {
        uint32_t first = i * per_file;
        uint32_t n = nfiles == 1 ? o->cyls : (i + 1 == nfiles ? o->cyls - first : per_file);
        char *name = nfiles == 1 ? strdup(path) : ckd_member_name(path, i + 1);
        rc = name ? write_ckd_file(&w, name, nfiles == 1 ? 0 : i + 1, first, n, i + 1 == nfiles, err, errlen)
                  : img_fail(err, errlen, ENOMEM, "image %s: out of memory", path);
        free(name);
    }
    free(w.cylbuf);
    free(w.tmpl);
    return rc;
}

int img_create_files(const char *path, const struct img_create_opts *o, bool skeleton, char *err, size_t errlen)
{
    struct img_geometry g = { .devtype = o->devtype ? o->devtype : 0x3390, .cyls = o->cyls, .heads = 15 };
    g.trksize = img_trksize_for(g.devtype);
    if (!g.trksize)
        return img_fail(err, errlen, EINVAL, "image %s: unsupported device type %04X", path, g.devtype);
    if (o->cyls == 0 || o->cyls > 65536)
        return img_fail(err, errlen, EINVAL, "image %s: %u cylinders: a Hercules CKD image holds 1 to 65536",
                        path, o->cyls);
    if (o->linux_null && g.devtype != 0x3390)
        return img_fail(err, errlen, EINVAL, "image %s: linux null tracks exist only for a 3390", path);
    if (o->volser && (strlen(o->volser) == 0 || strlen(o->volser) > 6))
        return img_fail(err, errlen, EINVAL, "image %s: volser '%s' must be 1 to 6 characters", path, o->volser);
    if (img_is_rbd(path))
        return rbd_create_img(path, o, &g, skeleton, err, errlen);
    if (o->format == IMG_CCKD)
        return cckd_create(path, o, &g, err, errlen);
    return create_ckd(path, o, &g, skeleton, err, errlen);
}

int img_create(const char *path, const struct img_create_opts *o, char *err, size_t errlen)
{
    return img_create_files(path, o, false, err, errlen);
}
