/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reserve arbiter of a shared RBD volume (reserve.h): RBD advisory
 * image locks, on images made without the exclusive-lock feature.
 * Built when librbd is (src/img/meson.build).
 */
#ifndef CCWPASS_IMG_RESERVE_RBD_H
#define CCWPASS_IMG_RESERVE_RBD_H

#include <stddef.h>
#include <rados/librados.h>
#include "img/reserve.h"

/**
 * reserve_open_rbd() - the arbiter of a shared RBD image
 * @io:     an I/O context of the image's pool (connected; the caller's)
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
struct reserve *reserve_open_rbd(rados_ioctx_t io, const char *image, const char *id, char *err, size_t errlen);

#endif
