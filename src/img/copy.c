// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Copying a volume track by track into a new image of another format
 * (CKD <-> CCKD, another compression), like Hercules' dasdcopy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/ckdtrack.h"
#include "img/cckd.h"
#include "img/rbd.h"

/* The null format the source volume uses: 2 when its tracks are Linux
 * 12 x 4 KiB null tracks (dasdinit -linux), else 1. */
static bool linux_shaped(struct img *in, uint8_t *buf)
{
    size_t len;
    uint32_t cyl = in->geo.cyls - 1, head = in->geo.heads - 1;
    if (in->cckd)
        return in->cckd->nullfmt == 2;
    return img_read_track(in, cyl, head, buf, CKD_MAX_TRACK_IMAGE, &len) == 0 && len == 49277;
}

int img_copy(struct img *in, const char *out_path, const struct img_create_opts *o, char *err, size_t errlen)
{
    uint8_t *buf = malloc(CKD_MAX_TRACK_IMAGE);
    if (!buf)
        return img_fail(err, errlen, ENOMEM, "image %s: out of memory", out_path);
    struct img_create_opts co = *o;
    co.devtype = in->geo.devtype;
    co.cyls = in->geo.cyls;
    co.raw = true;
    co.linux_null = linux_shaped(in, buf);
    co.progress = NULL;
    int rc = img_create_files(out_path, &co, true, err, errlen);
    struct img *out = rc == 0 ? img_open(out_path, false, err, errlen) : NULL;
    if (rc == 0 && !out)
        rc = -EIO;
    for (uint32_t cyl = 0; out && rc == 0 && cyl < in->geo.cyls; cyl++) {
        for (uint32_t head = 0; rc == 0 && head < in->geo.heads; head++) {
            size_t len;
            rc = img_read_track(in, cyl, head, buf, CKD_MAX_TRACK_IMAGE, &len);
            if (rc < 0)
                img_fail(err, errlen, -rc, "%s", img_error(in));
            else if ((rc = img_write_track(out, cyl, head, buf, len)) < 0)
                img_fail(err, errlen, -rc, "%s", img_error(out));
        }
        if (o->progress)
            o->progress(o->progress_opaque, cyl + 1, in->geo.cyls);
    }
    if (out && rc == 0)
        rc = img_close_err(out, err, errlen);     /* the output is complete only once closed cleanly */
    else if (out)
        img_close(out);
    if (rc < 0 && out && img_is_rbd(out_path))
        img_rbd_remove(out_path, NULL, 0);
    else if (rc < 0 && out)
        unlink(out_path);   /* a half-copied volume is worse than none */
    free(buf);
    return rc;
}
