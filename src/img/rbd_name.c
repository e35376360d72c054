// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing rbd:POOL/IMAGE[@SNAP][:key=value...] names (img/rbd.h), with or
 * without librbd in the build.
 */
#include <errno.h>
#include <string.h>
#include "img/img_internal.h"
#include "img/rbd.h"

bool img_is_rbd(const char *name)
{
    return name && !strncmp(name, IMG_RBD_PREFIX, strlen(IMG_RBD_PREFIX));
}

/* Copies the text up to the first unquoted character of stop (or the end)
 * into out (cap bytes) without the quoting backslashes; *pp moves past it.
 * 0, or -ENAMETOOLONG when it does not fit. */
static int take(const char **pp, const char *stop, char *out, size_t cap)
{
    const char *p = *pp;
    size_t n = 0;
    while (*p && !strchr(stop, *p)) {
        if (*p == '\\' && p[1])
            p++;
        if (n + 1 >= cap)
            return -ENAMETOOLONG;
        out[n++] = *p++;
    }
    out[n] = 0;
    *pp = p;
    return 0;
}

static int parse_option(const char *name, const char **pp, struct img_rbd_name *n, char *err, size_t errlen)
{
    char key[IMG_RBD_NAME_MAX], value[IMG_RBD_VALUE_MAX];
    if (take(pp, "=:", key, sizeof key) < 0)
        return img_fail(err, errlen, EINVAL, "image %s: option name too long", name);
    if (**pp != '=' || !key[0])
        return img_fail(err, errlen, EINVAL, "image %s: option '%s' is not KEY=VALUE", name, key);
    (*pp)++;
    if (take(pp, ":", value, sizeof value) < 0)
        return img_fail(err, errlen, EINVAL, "image %s: value of option %s too long", name, key);
    if (!strcmp(key, "conf"))
        memcpy(n->conf, value, sizeof n->conf);
    else if (!strcmp(key, "id")) {
        if (strlen(value) >= sizeof n->id)
            return img_fail(err, errlen, EINVAL, "image %s: id too long", name);
        strcpy(n->id, value);
    } else {
        if (n->nopts == IMG_RBD_MAX_OPTS)
            return img_fail(err, errlen, EINVAL, "image %s: more than %d options", name, IMG_RBD_MAX_OPTS);
        struct img_rbd_option *o = &n->opt[n->nopts++];
        memcpy(o->key, key, sizeof o->key);
        memcpy(o->value, value, sizeof o->value);
    }
    return 0;
}

int img_rbd_parse(const char *name, struct img_rbd_name *n, char *err, size_t errlen)
{
    memset(n, 0, sizeof *n);
    if (!img_is_rbd(name))
        return img_fail(err, errlen, EINVAL, "image %s: not an rbd: name", name);
    const char *p = name + strlen(IMG_RBD_PREFIX);
    int rc = take(&p, "/:@", n->pool, sizeof n->pool);
    if (rc == 0 && *p == '/') {
        p++;
        rc = take(&p, "/:@", n->image, sizeof n->image);
    }
    if (rc < 0)
        return img_fail(err, errlen, EINVAL, "image %s: pool or image name too long", name);
    if (!n->pool[0] || !n->image[0] || *p == '/')
        return img_fail(err, errlen, EINVAL, "image %s: give rbd:POOL/IMAGE[@SNAP][:conf=PATH][:id=USER][:keyring=PATH]",
                        name);
    if (*p == '@') {
        p++;
        if (take(&p, ":", n->snap, sizeof n->snap) < 0)
            return img_fail(err, errlen, EINVAL, "image %s: snapshot name too long", name);
        if (!n->snap[0])
            return img_fail(err, errlen, EINVAL, "image %s: empty snapshot name after @", name);
    }
    while (*p == ':') {
        p++;
        rc = parse_option(name, &p, n, err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}
