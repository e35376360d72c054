// SPDX-License-Identifier: GPL-2.0-or-later
/* The RBD reserve arbiter in a build without librbd: a clear refusal. */
#include <stdio.h>
#include "img/reserve_rbd.h"

static struct reserve *refuse(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "reserve of %s: built without Ceph RBD support", what);
    return NULL;
}

struct reserve *reserve_open_rbd_name(const char *name, const char *id, char *err, size_t errlen)
{
    (void)id;
    return refuse(name, err, errlen);
}

struct reserve *reserve_open_rbd(void *io, const char *image, const char *id, char *err, size_t errlen)
{
    (void)io;
    (void)id;
    return refuse(image, err, errlen);
}
