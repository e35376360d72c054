// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Volumes in Ceph RBD images through librbd (docs/images.md "Volumes on
 * Ceph RBD").  The image holds what a single-file CKD image holds: a
 * CKD_DEVHDR, then one fixed slot of trksize bytes per track.  A slot whose
 * home address and R0 count are all zero (never written: RBD images are
 * thin) reads as the null track of the volume's null format (header byte
 * DH_NULLFMT); writing that null track zeroes the slot again.
 *
 * Durability: the client runs with rbd_cache off, so a write is complete
 * once the OSD has the data.  On an unshared volume opened read-write,
 * track writes are pipelined (rbd_aio.c): img_write_track() copies the
 * track and starts the write; img_settle(), img_flush() and img_close()
 * wait for every write in flight and report the first that failed, with
 * the message a synchronous write gives; a read of a track with a write in
 * flight waits for it.  A shared volume writes synchronously (other hosts
 * read it; docs/shared-dasd.md).  img_flush() still calls rbd_flush().
 * Read-ahead (rbd_ahead.c), on the same volumes only: reads that follow
 * each other slot by slot start reads of the next slots; a slot is
 * forgotten before it is written, and everything at img_settle() (the end
 * of each channel program), so what is served is what this client last
 * wrote or what the image held during this program.
 * Locking: a read-write open of an image with the exclusive-lock feature
 * takes RBD's managed exclusive lock (rbd_lock_acquire), which its holder
 * does not give up on request: a second client's read-write open fails with
 * "in use by another client".  Advisory locks (rbd_lock_exclusive) are never
 * used here: on such an image they make other writers wait for ever.
 * Bounds: client_mount_timeout, rados_mon_op_timeout and
 * rados_osd_op_timeout are at most RBD_TIMEOUT_MAX_S (a 0 or larger value
 * becomes RBD_TIMEOUT_S), so a dead cluster gives an error, not a hang.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rados/librados.h>
#include <rbd/librbd.h>
#include "img/ckdtrack.h"
#include "img/img_internal.h"
#include "img/rbd.h"
#include "img/rbd_aio.h"
#include "img/rbd_ahead.h"

#define RBD_TIMEOUT_S      30      /* s, a Ceph wait ccwpass allows when the configuration sets none */
#define RBD_TIMEOUT_MAX_S  60      /* s, a larger configured bound is cut to RBD_TIMEOUT_S */
#define RBD_UNSHARED_FEATURES (RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_OBJECT_MAP | \
                               RBD_FEATURE_FAST_DIFF | RBD_FEATURE_DEEP_FLATTEN)
#define RBD_SHARED_FEATURES   (RBD_FEATURE_LAYERING | RBD_FEATURE_DEEP_FLATTEN)
#define RBD_UNWRITTEN_BYTES (CKD_HA_SIZE + CKD_COUNT_SIZE) /* zero home address + R0 count: never written */
#define RBD_NULLFMT_LINUX  2

struct img_rbd {
    struct img_rbd_name name;
    rados_t cluster;
    rados_ioctx_t io;
    rbd_image_t image;
    bool connected, shared, locked;
    int nullfmt;
    uint8_t *null;              /* null track scratch */
    struct rbd_aio *aio;        /* track writes in flight; NULL: synchronous writes */
    struct rbd_ahead *ahead;    /* sequential read-ahead; NULL without aio */
};

static const char *const bounded_options[] = {
    "client_mount_timeout", "rados_mon_op_timeout", "rados_osd_op_timeout",
};

bool img_rbd_supported(void)
{
    return true;
}

/* Every wait on the cluster gets a bound (see the top of the file). */
static int bound_waits(rados_t cl, const char *name, char *err, size_t errlen)
{
    char val[64], bound[16];
    snprintf(bound, sizeof bound, "%d", RBD_TIMEOUT_S);
    for (size_t i = 0; i < sizeof bounded_options / sizeof bounded_options[0]; i++) {
        const char *k = bounded_options[i];
        double v = rados_conf_get(cl, k, val, sizeof val) == 0 ? strtod(val, NULL) : 0;
        if (v > 0 && v <= RBD_TIMEOUT_MAX_S)
            continue;
        int rc = rados_conf_set(cl, k, bound);
        if (rc < 0)
            return img_fail(err, errlen, -rc, "image %s: cannot set Ceph option %s: %s", name, k, strerror(-rc));
    }
    return 0;
}

static int configure(rados_t cl, const struct img_rbd_name *n, const char *name, char *err, size_t errlen)
{
    int rc = rados_conf_read_file(cl, n->conf[0] ? n->conf : NULL);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot read the Ceph configuration %s: %s", name,
                        n->conf[0] ? n->conf : "(none in Ceph's default places; give :conf=PATH)", strerror(-rc));
    rc = rados_conf_set(cl, "rbd_cache", "false");
    for (unsigned i = 0; rc == 0 && i < n->nopts; i++) {
        rc = rados_conf_set(cl, n->opt[i].key, n->opt[i].value);
        if (rc < 0)
            return img_fail(err, errlen, -rc, "image %s: Ceph option %s=%s: %s", name, n->opt[i].key,
                            n->opt[i].value, strerror(-rc));
    }
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot turn the RBD cache off: %s", name, strerror(-rc));
    return bound_waits(cl, name, err, errlen);
}

static void disconnect(struct img_rbd *r)
{
    if (r->image)
        rbd_close(r->image);
    r->image = NULL;
    if (r->io)
        rados_ioctx_destroy(r->io);
    r->io = NULL;
    if (r->connected)
        rados_shutdown(r->cluster);
    r->connected = false;
}

/* Parse name into r->name, connect to its cluster and open its pool. */
static int connect_pool(struct img_rbd *r, const char *name, char *err, size_t errlen)
{
    int rc = img_rbd_parse(name, &r->name, err, errlen);
    if (rc < 0)
        return rc;
    rc = rados_create(&r->cluster, r->name.id[0] ? r->name.id : NULL);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot make a Ceph client: %s", name, strerror(-rc));
    r->connected = true;        /* rados_shutdown frees it from here on */
    rc = configure(r->cluster, &r->name, name, err, errlen);
    if (rc < 0)
        return rc;
    rc = rados_connect(r->cluster);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot connect to the Ceph cluster: %s", name, strerror(-rc));
    rc = rados_ioctx_create(r->cluster, r->name.pool, &r->io);
    if (rc == -ENOENT)
        return img_fail(err, errlen, ENOENT, "image %s: pool %s does not exist", name, r->name.pool);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot open pool %s: %s", name, r->name.pool, strerror(-rc));
    return 0;
}

static int open_image(struct img_rbd *r, const char *name, bool ro, char *err, size_t errlen)
{
    const char *snap = r->name.snap[0] ? r->name.snap : NULL;
    if (snap && !ro)
        return img_fail(err, errlen, EROFS, "image %s: a snapshot can only be opened read-only", name);
    int rc = ro ? rbd_open_read_only(r->io, r->name.image, &r->image, snap)
                : rbd_open(r->io, r->name.image, &r->image, NULL);
    if (rc == -ENOENT)
        return img_fail(err, errlen, ENOENT, "image %s does not exist", name);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot open: %s", name, strerror(-rc));
    uint64_t f = 0;
    rc = rbd_get_features(r->image, &f);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot read its features: %s", name, strerror(-rc));
    r->shared = !(f & RBD_FEATURE_EXCLUSIVE_LOCK);
    return 0;
}

/* The managed exclusive lock; its holder refuses to hand it over, so a
 * second client gets an error at once instead of waiting. */
static int take_lock(struct img_rbd *r, const char *name, char *err, size_t errlen)
{
    int rc = rbd_lock_acquire(r->image, RBD_LOCK_MODE_EXCLUSIVE);
    if (rc == -EROFS || rc == -EBUSY || rc == -EAGAIN)
        return img_fail(err, errlen, EBUSY, "image %s is in use by another client", name);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot take the exclusive lock: %s", name, strerror(-rc));
    r->locked = true;
    return 0;
}

static uint64_t slot_offset(const struct img *im, uint32_t cyl, uint32_t head)
{
    return CKD_DEVHDR_SIZE + ((uint64_t)cyl * im->geo.heads + head) * im->geo.trksize;
}

static bool unwritten(const uint8_t *slot)
{
    for (size_t i = 0; i < RBD_UNWRITTEN_BYTES; i++)
        if (slot[i])
            return false;
    return true;
}

static int write_failed(struct img *im, uint32_t cyl, uint32_t head, ssize_t n);

/* A write in flight that failed, reported as its synchronous write would
 * have been: 0, or -errno with the message in im->err. */
static int aio_error(struct img *im)
{
    uint32_t cyl, head;
    ssize_t res;
    if (!im->rbd->aio || !rbd_aio_take_error(im->rbd->aio, &cyl, &head, &res))
        return 0;
    return write_failed(im, cyl, head, res);
}

/* rbd_ahead_note's skip: no read-ahead of a slot with a write in flight. */
static bool write_in_flight(void *opaque, uint64_t off)
{
    const struct img_rbd *r = opaque;
    return rbd_aio_has_slot(r->aio, off);
}

static int rbd_read_track(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len)
{
    struct img_rbd *r = im->rbd;
    uint8_t *dst = cap >= im->geo.trksize ? buf : im->slot;
    uint64_t off = slot_offset(im, cyl, head);
    if (r->aio) {               /* a write of this track in flight: the read sees it */
        rbd_aio_wait_slot(r->aio, off);
        int rc = aio_error(im);
        if (rc < 0)
            return rc;
        rbd_ahead_note(r->ahead, off, write_in_flight, r);
    }
    ssize_t n;
    if (r->ahead && rbd_ahead_take(r->ahead, off, dst))
        n = (ssize_t)im->geo.trksize;
    else
        n = rbd_read(r->image, off, im->geo.trksize, (char *)dst);
    if (n < 0)
        return img_set_error(im, (int)-n, "image %s: track cyl %u head %u: read failed: %s", im->path, cyl, head,
                             strerror((int)-n));
    if ((size_t)n != im->geo.trksize)
        return img_set_error(im, EIO, "image %s: track cyl %u head %u: read failed: image ends early", im->path,
                             cyl, head);
    if (unwritten(dst)) {
        size_t nl = ckd_track_null(r->null, cyl, head, r->nullfmt);
        if (nl > cap)
            return img_set_error(im, ENOBUFS, "image %s: track cyl %u head %u: %zu bytes do not fit a %zu-byte buffer",
                                 im->path, cyl, head, nl, cap);
        memcpy(buf, r->null, nl);
        *len = nl;
        return 0;
    }
    return ckd_slot_finish(im, im->path, cyl, head, dst, buf, cap, len);
}

static int write_failed(struct img *im, uint32_t cyl, uint32_t head, ssize_t n)
{
    int e = n < 0 ? (int)-n : EIO;
    if (e == EROFS || e == ESHUTDOWN)   /* ESHUTDOWN: Ceph's EBLOCKLISTED, this client was fenced */
        return img_set_error(im, EROFS, "image %s: track cyl %u head %u: write refused: another client took the "
                             "volume's lock", im->path, cyl, head);
    return img_set_error(im, e, "image %s: track cyl %u head %u: write failed: %s", im->path, cyl, head,
                         n < 0 ? strerror(e) : "short write");
}

/* Pipelined: start the write of a copy (see the top of the file). */
static int aio_write_track(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len, bool null)
{
    struct img_rbd *r = im->rbd;
    uint64_t off = slot_offset(im, cyl, head);
    rbd_ahead_forget(r->ahead, off);    /* what was read ahead of it is old */
    rbd_aio_wait_slot(r->aio, off);     /* writes of one slot land in order */
    uint8_t *copy = rbd_aio_buf(r->aio);
    int rc = aio_error(im);
    if (rc < 0)
        return rc;
    if (!null) {
        memcpy(copy, buf, len);
        memset(copy + len, 0, im->geo.trksize - len);
    }
    rc = rbd_aio_submit(r->aio, cyl, head, off, null);
    if (rc < 0)
        return write_failed(im, cyl, head, rc);
    return 0;
}

static int rbd_write_track(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len)
{
    struct img_rbd *r = im->rbd;
    uint32_t sz = im->geo.trksize;
    if (len > sz)
        return img_set_error(im, EFBIG, "image %s: track cyl %u head %u: %zu bytes exceed the %u-byte track slot",
                             im->path, cyl, head, len, sz);
    size_t nl = ckd_track_null(r->null, cyl, head, r->nullfmt);
    bool null = nl == len && !memcmp(buf, r->null, len);
    if (r->aio)
        return aio_write_track(im, cyl, head, buf, len, null);
    ssize_t n;
    if (null) {
        n = rbd_write_zeroes(r->image, slot_offset(im, cyl, head), sz, 0, 0);  /* back to unwritten */
    } else {
        memcpy(im->slot, buf, len);
        memset(im->slot + len, 0, sz - len);
        n = rbd_write(r->image, slot_offset(im, cyl, head), sz, (const char *)im->slot);
    }
    if (n != (ssize_t)sz)
        return write_failed(im, cyl, head, n);
    return 0;
}

static int rbd_settle(struct img *im)
{
    struct img_rbd *r = im->rbd;
    if (!r->aio)
        return 0;
    rbd_ahead_drop(r->ahead);   /* nothing read ahead outlives a program */
    rbd_aio_drain(r->aio);
    return aio_error(im);
}

static int rbd_flush_image(struct img *im)
{
    int rc = rbd_settle(im);
    if (rc < 0)
        return rc;
    rc = rbd_flush(im->rbd->image);
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: flush failed: %s", im->path, strerror(-rc));
    return 0;
}

static int rbd_close_image(struct img *im)
{
    struct img_rbd *r = im->rbd;
    if (!r)
        return 0;
    int werr = r->aio ? rbd_settle(im) : 0;
    rbd_aio_free(r->aio);
    r->aio = NULL;
    rbd_ahead_free(r->ahead);
    r->ahead = NULL;
    int rc = r->image ? rbd_close(r->image) : 0;
    r->image = NULL;
    disconnect(r);
    free(r->null);
    free(r);
    im->rbd = NULL;
    if (werr < 0)
        return werr;            /* the message is in im->err */
    if (rc < 0 && !im->ro)
        return img_set_error(im, -rc, "image %s: close failed: %s", im->path, strerror(-rc));
    return 0;
}

static const struct img_ops rbd_ops = {
    .read = rbd_read_track, .write = rbd_write_track, .flush = rbd_flush_image, .settle = rbd_settle,
    .close = rbd_close_image,
};

/* Header and size: geometry of the volume. */
static int read_layout(struct img *im, char *err, size_t errlen)
{
    struct img_rbd *r = im->rbd;
    uint8_t hdr[CKD_DEVHDR_SIZE];
    uint64_t size = 0;
    int rc = rbd_get_size(r->image, &size);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: cannot read its size: %s", im->path, strerror(-rc));
    ssize_t n = size >= CKD_DEVHDR_SIZE ? rbd_read(r->image, 0, sizeof hdr, (char *)hdr) : 0;
    if (n < 0)
        return img_fail(err, errlen, (int)-n, "image %s: cannot read the header: %s", im->path, strerror((int)-n));
    if (n != (ssize_t)sizeof hdr || memcmp(hdr, "CKD_P370", 8) != 0)
        return img_fail(err, errlen, EINVAL, "image %s: not a ccwpass volume (no CKD_P370 header; make one with "
                        "ccwpass dasd create or copy)", im->path);
    rc = img_check_devhdr(hdr, im->path, &im->geo, err, errlen);
    if (rc < 0)
        return rc;
    if (hdr[DH_FILESEQ] != 0 || hdr[DH_NULLFMT] > RBD_NULLFMT_LINUX)
        return img_fail(err, errlen, EINVAL, "image %s: header with file sequence %u, null format %u (0, 0-2 expected)",
                        im->path, hdr[DH_FILESEQ], hdr[DH_NULLFMT]);
    r->nullfmt = hdr[DH_NULLFMT] == RBD_NULLFMT_LINUX ? RBD_NULLFMT_LINUX : 1;
    uint64_t cyl_bytes = (uint64_t)im->geo.trksize * im->geo.heads, body = size - CKD_DEVHDR_SIZE;
    if (body == 0 || body % cyl_bytes != 0 || body / cyl_bytes > UINT16_MAX + 1u)
        return img_fail(err, errlen, EINVAL,
                        "image %s: size %" PRIu64 " is not 512 + 1 to 65536 cylinders of %u tracks x %u bytes",
                        im->path, size, im->geo.heads, im->geo.trksize);
    im->geo.cyls = (uint32_t)(body / cyl_bytes);
    return 0;
}

int rbd_open_img(struct img *im, char *err, size_t errlen)
{
    struct img_rbd *r = calloc(1, sizeof *r);
    if (!r)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->path);
    im->rbd = r;
    im->ops = &rbd_ops;
    im->fmt = IMG_CKD;
    int rc = connect_pool(r, im->path, err, errlen);
    if (rc == 0)
        rc = open_image(r, im->path, im->ro, err, errlen);
    if (rc == 0 && !im->ro && !r->shared)
        rc = take_lock(r, im->path, err, errlen);
    if (rc == 0)
        rc = read_layout(im, err, errlen);
    if (rc < 0)
        return rc;
    im->slot = malloc(im->geo.trksize > CKD_MAX_TRACK_IMAGE ? im->geo.trksize : CKD_MAX_TRACK_IMAGE);
    r->null = malloc(CKD_MAX_TRACK_IMAGE);
    bool pipelined = !im->ro && !r->shared;     /* see the top of the file */
    if (pipelined) {
        r->aio = rbd_aio_new(r->image, im->geo.trksize);
        r->ahead = rbd_ahead_new(r->image, im->geo.trksize,
                                 CKD_DEVHDR_SIZE + (uint64_t)im->geo.cyls * im->geo.heads * im->geo.trksize);
    }
    if (!im->slot || !r->null || (pipelined && (!r->aio || !r->ahead)))
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", im->path);
    return 0;
}

/* ---- creating, snapshots, clones ------------------------------------------- */

static int make_image(struct img_rbd *r, const char *name, uint64_t size, bool shared, char *err, size_t errlen)
{
    rbd_image_options_t opts;
    rbd_image_options_create(&opts);
    int rc = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES,
                                          shared ? RBD_SHARED_FEATURES : RBD_UNSHARED_FEATURES);
    if (rc == 0)
        rc = rbd_create4(r->io, r->name.image, size, opts);
    if (rc == -EEXIST) {        /* replace it, as img_create replaces a file */
        rc = rbd_remove(r->io, r->name.image);
        if (rc == -EBUSY)
            rc = img_fail(err, errlen, EBUSY, "image %s is in use by another client", name);
        else if (rc == -ENOTEMPTY)
            rc = img_fail(err, errlen, ENOTEMPTY, "image %s has snapshots: it cannot be replaced", name);
        else if (rc == 0)
            rc = rbd_create4(r->io, r->name.image, size, opts);
        if (rc < 0 && rc != -EBUSY && rc != -ENOTEMPTY)
            rc = img_fail(err, errlen, -rc, "image %s: cannot replace it: %s", name, strerror(-rc));
    } else if (rc < 0)
        rc = img_fail(err, errlen, -rc, "image %s: cannot create: %s", name, strerror(-rc));
    rbd_image_options_destroy(opts);
    return rc;
}

static int write_slot(struct img_rbd *r, const char *name, uint64_t off, const uint8_t *slot, size_t len,
                      char *err, size_t errlen)
{
    ssize_t n = rbd_write(r->image, off, len, (const char *)slot);
    if (n != (ssize_t)len)
        return img_fail(err, errlen, n < 0 ? (int)-n : EIO, "image %s: write failed: %s", name,
                        n < 0 ? strerror((int)-n) : "short write");
    return 0;
}

/* Header, then (unless skeleton) the tracks that differ from null tracks:
 * track 0 (IPL records, VOL1) and, for linux, track 1 (VTOC). */
static int write_initial(struct img_rbd *r, const char *name, const struct img_create_opts *o,
                         const struct img_geometry *g, bool skeleton, char *err, size_t errlen)
{
    uint8_t hdr[CKD_DEVHDR_SIZE];
    ckd_devhdr_build(hdr, "CKD_P370", g, 0, 0);
    hdr[DH_NULLFMT] = o->linux_null ? RBD_NULLFMT_LINUX : 1;
    int rc = write_slot(r, name, 0, hdr, sizeof hdr, err, errlen);
    uint8_t *slot = calloc(1, g->trksize > CKD_MAX_TRACK_IMAGE ? g->trksize : CKD_MAX_TRACK_IMAGE);
    if (!slot)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", name);
    unsigned ntracks = skeleton || o->raw ? 0 : o->linux_null ? 2 : 1;
    for (unsigned head = 0; rc == 0 && head < ntracks; head++) {
        memset(slot, 0, g->trksize);
        img_build_initial_track(slot, o, 0, head);
        rc = write_slot(r, name, CKD_DEVHDR_SIZE + (uint64_t)head * g->trksize, slot, g->trksize, err, errlen);
    }
    free(slot);
    if (rc < 0)
        return rc;
    rc = rbd_flush(r->image);
    if (rc < 0)
        return img_fail(err, errlen, -rc, "image %s: flush failed: %s", name, strerror(-rc));
    return 0;
}

int rbd_create_img(const char *name, const struct img_create_opts *o, const struct img_geometry *g, bool skeleton,
                   char *err, size_t errlen)
{
    if (o->format == IMG_CCKD)
        return img_fail(err, errlen, EINVAL, "image %s: a volume on RBD holds uncompressed CKD track slots "
                        "(no CCKD)", name);
    struct img_rbd *r = calloc(1, sizeof *r);
    if (!r)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", name);
    int rc = connect_pool(r, name, err, errlen);
    if (rc == 0 && r->name.snap[0])
        rc = img_fail(err, errlen, EINVAL, "image %s: a snapshot is made with ccwpass dasd snapshot", name);
    uint64_t size = CKD_DEVHDR_SIZE + (uint64_t)g->cyls * g->heads * g->trksize;
    if (rc == 0)
        rc = make_image(r, name, size, o->shared, err, errlen);
    if (rc == 0)
        rc = open_image(r, name, false, err, errlen);
    if (rc == 0)
        rc = write_initial(r, name, o, g, skeleton, err, errlen);
    disconnect(r);
    free(r);
    return rc;
}

/* Connect to name's cluster and open it (read-only when ro). */
static int open_named(struct img_rbd *r, const char *name, bool ro, char *err, size_t errlen)
{
    int rc = connect_pool(r, name, err, errlen);
    return rc < 0 ? rc : open_image(r, name, ro, err, errlen);
}

int img_rbd_exists(const char *name, char *err, size_t errlen)
{
    struct img_rbd *r = calloc(1, sizeof *r);
    if (!r)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", name);
    int rc = open_named(r, name, true, err, errlen);
    disconnect(r);
    free(r);
    return rc == -ENOENT ? 0 : rc < 0 ? rc : 1;
}

int img_rbd_remove(const char *name, char *err, size_t errlen)
{
    struct img_rbd *r = calloc(1, sizeof *r);
    if (!r)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", name);
    int rc = connect_pool(r, name, err, errlen);
    if (rc == 0) {
        rc = rbd_remove(r->io, r->name.image);
        if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot remove: %s", name, strerror(-rc));
    }
    disconnect(r);
    free(r);
    return rc;
}

int img_rbd_snapshot(const char *name, char *err, size_t errlen)
{
    struct img_rbd *r = calloc(1, sizeof *r);
    if (!r)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", name);
    int rc = connect_pool(r, name, err, errlen);
    char snap[IMG_RBD_NAME_MAX];
    memcpy(snap, r->name.snap, sizeof snap);
    if (rc == 0 && !snap[0])
        rc = img_fail(err, errlen, EINVAL, "image %s: give the snapshot as rbd:POOL/IMAGE@SNAP", name);
    r->name.snap[0] = 0;        /* the image itself is opened read-write */
    if (rc == 0)
        rc = open_image(r, name, false, err, errlen);
    if (rc == 0 && !r->shared)  /* not under a running daemon */
        rc = take_lock(r, name, err, errlen);
    if (rc == 0) {
        rc = rbd_snap_create(r->image, snap);
        if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot make the snapshot: %s", name,
                          rc == -EEXIST ? "it exists" : strerror(-rc));
    }
    if (rc == 0) {
        rc = rbd_snap_protect(r->image, snap);
        if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot protect the snapshot: %s", name, strerror(-rc));
    }
    disconnect(r);
    free(r);
    return rc;
}

int img_rbd_clone(const char *parent, const char *child, char *err, size_t errlen)
{
    struct img_rbd *r = calloc(1, sizeof *r);
    struct img_rbd_name *c = malloc(sizeof *c);
    if (!r || !c) {
        free(r);
        free(c);
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", child);
    }
    rados_ioctx_t cio = NULL;
    int rc = img_rbd_parse(child, c, err, errlen);
    if (rc == 0 && c->snap[0])
        rc = img_fail(err, errlen, EINVAL, "image %s: a clone is an image, not a snapshot (no @)", child);
    if (rc == 0)
        rc = img_rbd_parse(parent, &r->name, err, errlen);
    if (rc == 0 && !r->name.snap[0])
        rc = img_fail(err, errlen, EINVAL, "image %s: a clone's parent is a snapshot, rbd:POOL/IMAGE@SNAP", parent);
    if (rc == 0)
        rc = open_named(r, parent, true, err, errlen);
    if (rc == 0) {
        rc = rados_ioctx_create(r->cluster, c->pool, &cio);
        if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot open pool %s: %s", child, c->pool, strerror(-rc));
    }
    uint64_t features = 0;
    if (rc == 0) {
        rc = rbd_get_features(r->image, &features);
        if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot read its features: %s", parent, strerror(-rc));
    }
    if (rc == 0) {
        rbd_image_options_t opts;
        rbd_image_options_create(&opts);
        rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES, features);
        rc = rbd_clone3(r->io, r->name.image, r->name.snap, cio, c->image, opts);
        rbd_image_options_destroy(opts);
        if (rc == -EEXIST)
            rc = img_fail(err, errlen, EEXIST, "image %s exists", child);
        else if (rc == -EINVAL)
            rc = img_fail(err, errlen, EINVAL, "image %s: cannot clone %s: is the snapshot protected (ccwpass dasd "
                          "snapshot protects it)?", child, parent);
        else if (rc < 0)
            rc = img_fail(err, errlen, -rc, "image %s: cannot clone %s: %s", child, parent, strerror(-rc));
    }
    if (cio)
        rados_ioctx_destroy(cio);
    disconnect(r);
    free(r);
    free(c);
    return rc;
}

int rbd_img_handles(const struct img *im, struct img_rbd_handles *h)
{
    const struct img_rbd *r = im->rbd;
    if (!r)
        return -ENOTSUP;
    *h = (struct img_rbd_handles){ .cluster = r->cluster, .io = r->io, .image = r->image, .shared = r->shared };
    return 0;
}

int img_rbd_info(const struct img *im, struct img_rbd_info *info)
{
    const struct img_rbd *r = im->rbd;
    if (!r)
        return -ENOTSUP;
    memset(info, 0, sizeof *info);
    info->shared = r->shared;
    info->locked = r->locked;
    info->nullfmt = r->nullfmt;
    info->readahead_hits = r->ahead ? rbd_ahead_hits(r->ahead) : 0;
    rbd_image_info_t ii;
    if (rbd_stat(r->image, &ii, sizeof ii) == 0) {
        info->size = ii.size;
        info->object_size = (unsigned)ii.obj_size;
    }
    size_t len = sizeof info->features;
    uint64_t f = 0;
    if (rbd_get_features(r->image, &f) == 0) {
        static const struct { uint64_t bit; const char *name; } names[] = {
            { RBD_FEATURE_LAYERING, "layering" }, { RBD_FEATURE_EXCLUSIVE_LOCK, "exclusive-lock" },
            { RBD_FEATURE_OBJECT_MAP, "object-map" }, { RBD_FEATURE_FAST_DIFF, "fast-diff" },
            { RBD_FEATURE_DEEP_FLATTEN, "deep-flatten" }, { RBD_FEATURE_JOURNALING, "journaling" },
        };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (f & names[i].bit) {
                size_t used = strlen(info->features);
                snprintf(info->features + used, len - used, "%s%s", used ? ", " : "", names[i].name);
            }
    }
    rbd_linked_image_spec_t pi;
    rbd_snap_spec_t ps;
    if (rbd_get_parent(r->image, &pi, &ps) == 0) {
        snprintf(info->parent, sizeof info->parent, "%s/%s@%s", pi.pool_name, pi.image_name, ps.name);
        rbd_linked_image_spec_cleanup(&pi);
        rbd_snap_spec_cleanup(&ps);
    }
    return 0;
}
