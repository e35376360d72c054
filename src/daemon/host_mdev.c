// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio_ccw-io mediated devices (drivers/vfio/mdev create_store/remove_store):
 * UUID rules, one instance per subchannel, no removal while open.  They are
 * transient, as in the kernel: mdevctl's definitions (mdevctl_def.h) are
 * what makes one come back after a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include <uuid/uuid.h>

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

/* ---- mdevs ------------------------------------------------------------------------- */

static int canonical_uuid(const char *in, char out[37])
{
    size_t n = strcspn(in, "\n");
    char buf[40];
    uuid_t u;
    if (n != 36)
        return -1;
    memcpy(buf, in, 36);
    buf[36] = 0;
    if (uuid_parse(buf, u))
        return -1;
    uuid_unparse_lower(u, out);
    return 0;
}

int host_mdev_create(struct host *h, struct host_sch *hs, const char *uuid, char out_uuid[37],
                     char *err, size_t errlen)
{
    char u[37];
    if (hs->driver != HOST_DRV_VFIO) {
        ERR("subchannel is not bound to vfio_ccw");
        return -ENODEV;
    }
    if (!uuid || !uuid[0] || !strcmp(uuid, "\n")) {
        uuid_t g;
        uuid_generate_random(g);
        uuid_unparse_lower(g, u);
    } else if (canonical_uuid(uuid, u)) {
        ERR("'%.*s' is not a UUID", (int)strcspn(uuid, "\n"), uuid);
        return -EINVAL;
    }
    if (host_find_mdev(h, u, NULL)) {
        ERR("mdev %s already exists", u);
        return -EEXIST;
    }
    struct vfio_ccw_mdev *m;
    int rc = vfio_ccw_mdev_create(hs->parent, u, &m);
    if (rc == -ENOSPC)
        rc = -EUSERS;   /* mdev core: no instance available */
    if (rc < 0) {
        if (rc == -EUSERS)
            ERR("no available instance (one mdev per subchannel)");
        else
            ERR("%s", strerror(-rc));
        return rc;
    }
    if (out_uuid)
        memcpy(out_uuid, u, 37);
    log_info("mdev %s created on subchannel %x.%x.%04x", u, hs->cfg.schid.cssid, hs->cfg.schid.ssid,
             hs->cfg.schid.schno);
    return 0;
}

int host_mdev_remove(struct host *h, const char *uuid, char *err, size_t errlen)
{
    char u[37];
    struct vfio_ccw_mdev *m;
    struct host_sch *hs;
    if (canonical_uuid(uuid, u) || !(hs = host_find_mdev(h, u, &m))) {
        ERR("no mdev %.*s", (int)strcspn(uuid, "\n"), uuid);
        return -ENODEV;
    }
    if (hs->jobs) {
        ERR("mdev %s is being released or reset by its VMM; try again", u);
        return -EBUSY;
    }
    int rc = vfio_ccw_mdev_remove(m);
    if (rc < 0) {
        if (rc == -EBUSY)
            ERR("mdev %s is open by a VMM (pid %d)", u, hs->vmm_pid);
        else
            ERR("mdev %s: %s", u, strerror(-rc));
        return rc;
    }
    log_info("mdev %s removed", u);
    return 0;
}

