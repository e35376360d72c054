/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reserve arbiter of a shared RBD volume (reserve.h): RBD advisory
 * image locks, on images made without the exclusive-lock feature
 * (reserve_rbd.c; without librbd, reserve_rbd_none.c refuses).
 */
#ifndef CCWPASS_IMG_RESERVE_RBD_H
#define CCWPASS_IMG_RESERVE_RBD_H

#include <stddef.h>
#include "img/reserve.h"

/**
 * reserve_open_rbd_name() - the arbiter of the shared volume rbd:POOL/IMAGE...
 * @name:   the volume's name as img_open takes it (img/rbd.h)
 * @id:     this host's identity (reserve_host_id()), the lock cookie
 * @err:    message on failure
 * @errlen: size of @err
 *
 * Connects its own client to the volume's cluster (the name's conf, id and
 * options; every wait bounded), then as reserve_open_rbd().
 *
 * Return: the arbiter, or NULL with a message naming the volume.
 */
struct reserve *reserve_open_rbd_name(const char *name, const char *id, char *err, size_t errlen);

/**
 * reserve_open_rbd() - the arbiter of a shared RBD image
 * @io:     a rados_ioctx_t of the image's pool (connected; the caller's)
 * @image:  the image's name in that pool
 * @id:     this host's identity (reserve_host_id()), the lock cookie
 * @err:    message on failure
 * @errlen: size of @err
 *
 * Refuses an image with the exclusive-lock feature: with it, an advisory
 * lock makes every other writer of the image wait for ever (issue 11's
 * trap), so a shared image is created without it.  Breaking another
 * host's lock does not blocklist that host's client (the steal is the
 * 3990's unconditional reserve, not a fence of the whole client).
 *
 * Return: the arbiter, or NULL with a message naming the image.
 */
struct reserve *reserve_open_rbd(void *io, const char *image, const char *id, char *err, size_t errlen);

#endif
