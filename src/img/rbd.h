/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Volumes in Ceph RBD images (docs/images.md "Volumes on Ceph RBD").  A name
 *
 *   rbd:POOL/IMAGE[@SNAP][:conf=PATH][:id=USER][:keyring=PATH][:OPTION=VALUE...]
 *
 * (as QEMU spells it; a backslash quotes the next character) works wherever
 * a file name does: img_open(), img_create(), img_copy().  conf is the
 * ceph.conf to read (default: Ceph's usual places), id the client name
 * without "client."; every other key=value is a Ceph option set on the
 * client (keyring, mon_host, rados_osd_op_timeout, ...).  The calls below
 * are the RBD-only verbs.  Built without librbd, every one of them (and an
 * open of an rbd: name) fails with -ENOTSUP and "built without Ceph RBD
 * support".  All return 0 or a negative errno with a message in err.
 */
#ifndef CCWPASS_IMG_RBD_H
#define CCWPASS_IMG_RBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMG_RBD_PREFIX    "rbd:"
#define IMG_RBD_NAME_MAX  256     /* pool, image, snapshot, id */
#define IMG_RBD_VALUE_MAX 1024    /* conf path, option values */
#define IMG_RBD_MAX_OPTS  16

struct img;

struct img_rbd_option {
    char key[IMG_RBD_NAME_MAX];
    char value[IMG_RBD_VALUE_MAX];
};

struct img_rbd_name {
    char pool[IMG_RBD_NAME_MAX];
    char image[IMG_RBD_NAME_MAX];
    char snap[IMG_RBD_NAME_MAX];      /* "" without @SNAP */
    char conf[IMG_RBD_VALUE_MAX];     /* "" : Ceph's default search */
    char id[IMG_RBD_NAME_MAX];        /* "" : admin */
    unsigned nopts;
    struct img_rbd_option opt[IMG_RBD_MAX_OPTS];
};

/* True when name starts with "rbd:". */
bool img_is_rbd(const char *name);
/* True when this build has librbd. */
bool img_rbd_supported(void);
/* Split an rbd: name; -EINVAL with a message saying what is wrong. */
int img_rbd_parse(const char *name, struct img_rbd_name *n, char *err, size_t errlen);

/* 1 when the image (or, with @SNAP, the snapshot) exists, 0 when not. */
int img_rbd_exists(const char *name, char *err, size_t errlen);
/* Remove an image (not a snapshot); -EBUSY while a client has it open. */
int img_rbd_remove(const char *name, char *err, size_t errlen);
/* Make snapshot SNAP of rbd:POOL/IMAGE@SNAP and protect it (a clone's
 * parent must be protected); -EBUSY while a daemon has the volume open
 * read-write. */
int img_rbd_snapshot(const char *name, char *err, size_t errlen);
/* Copy-on-write clone of the protected snapshot parent (rbd:P/I@SNAP) as
 * child (rbd:P2/NEW, no @SNAP), with the parent's features; the cluster
 * options are the parent's. */
int img_rbd_clone(const char *parent, const char *child, char *err, size_t errlen);

/* What `ccwpass dasd info` shows of an open RBD volume. */
struct img_rbd_info {
    bool shared;                      /* no exclusive-lock feature */
    bool locked;                      /* this open holds the exclusive lock */
    uint64_t size;                    /* bytes provisioned */
    unsigned object_size;             /* bytes per RADOS object */
    int nullfmt;                      /* what an unwritten slot reads as (1, or 2: linux) */
    uint64_t readahead_hits;          /* track reads served by read-ahead since the open */
    char features[IMG_RBD_VALUE_MAX]; /* comma-separated feature names */
    char parent[3 * IMG_RBD_NAME_MAX + 8]; /* POOL/IMAGE@SNAP of a clone, else "" */
};
/* -ENOTSUP for an image that is not on RBD. */
int img_rbd_info(const struct img *im, struct img_rbd_info *info);

#endif
