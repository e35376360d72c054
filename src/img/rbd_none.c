// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The RBD calls of a build without librbd (meson found no librbd): every
 * one fails with -ENOTSUP and says so.
 */
#include <errno.h>
#include "img/img_internal.h"
#include "img/rbd.h"

static int unsupported(const char *name, char *err, size_t errlen)
{
    return img_fail(err, errlen, ENOTSUP, "image %s: ccwpass was built without Ceph RBD support "
                    "(install librbd-dev, scripts/setup.sh, and rebuild)", name);
}

bool img_rbd_supported(void)
{
    return false;
}

int rbd_open_img(struct img *im, char *err, size_t errlen)
{
    return unsupported(im->path, err, errlen);
}

int rbd_create_img(const char *name, const struct img_create_opts *o, const struct img_geometry *g, bool skeleton,
                   char *err, size_t errlen)
{
    return unsupported(name, err, errlen);
}

int img_rbd_exists(const char *name, char *err, size_t errlen)
{
    return unsupported(name, err, errlen);
}

int img_rbd_remove(const char *name, char *err, size_t errlen)
{
    return unsupported(name, err, errlen);
}

int img_rbd_snapshot(const char *name, char *err, size_t errlen)
{
    return unsupported(name, err, errlen);
}

int img_rbd_clone(const char *parent, const char *child, char *err, size_t errlen)
{
    return unsupported(parent, err, errlen);
}

int rbd_img_handles(const struct img *im, struct img_rbd_handles *h)
{
    return -ENOTSUP;
}

int img_rbd_info(const struct img *im, struct img_rbd_info *info)
{
    return -ENOTSUP;
}
