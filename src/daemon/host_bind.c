// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Driver binding on the css and ccw buses, as drivers/base/bus.c
 * bind_store/unbind_store, drivers/s390/cio/css.c driver_override and
 * device.c online_store behave: which driver owns a subchannel, and the ccw
 * device io_subchannel creates for it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/mdevctl_def.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

/* ---- css bus: bind / unbind / driver_override ---------------------------------- */

static enum host_driver driver_by_name(const char *name)
{
    size_t n = strcspn(name, "\n");
    if (n == strlen(HOST_DRV_IO_NAME) && !strncmp(name, HOST_DRV_IO_NAME, n))
        return HOST_DRV_IO;
    if (n == strlen(HOST_DRV_VFIO_NAME) && !strncmp(name, HOST_DRV_VFIO_NAME, n))
        return HOST_DRV_VFIO;
    return HOST_DRV_NONE;
}

int host_sch_bind(struct host *h, struct host_sch *hs, const char *driver, char *err, size_t errlen)
{
    enum host_driver d = driver_by_name(driver);
    if (d == HOST_DRV_NONE) {
        ERR("no such css driver '%s' (io_subchannel or vfio_ccw)", driver);
        return -EINVAL;
    }
    if (hs->driver != HOST_DRV_NONE) {
        ERR("subchannel is bound to %s; unbind it first", host_driver_name(hs->driver));
        return -EBUSY;
    }
    if (hs->override[0] && strcmp(hs->override, host_driver_name(d))) {
        ERR("driver_override is '%s'", hs->override);
        return -ENODEV;
    }
    if (d == HOST_DRV_VFIO) {
        int rc = vfio_ccw_probe(hs->sch, &hs->parent);
        if (rc < 0) {
            ERR("vfio_ccw refuses the subchannel: %s", strerror(-rc));
            hs->parent = NULL;
            return rc;
        }
    } else {
        /* io_subchannel registers the ccw device; dasd-eckd or tape_34xx binds, offline */
        hs->ccw_bound = true;
        hs->ccw_online = false;
    }
    hs->driver = d;
    log_info("subchannel %x.%x.%04x bound to %s", hs->cfg.schid.cssid, hs->cfg.schid.ssid,
             hs->cfg.schid.schno, host_driver_name(d));
    if (d == HOST_DRV_VFIO)
        mdevctl_def_start_parent(h, hs);   /* a new mdev parent: mdevctl's udev rule */
    return 0;
}

int host_sch_unbind(struct host *h, struct host_sch *hs, char *err, size_t errlen)
{
    if (hs->driver == HOST_DRV_NONE) {
        ERR("subchannel is not bound to a driver");
        return -ENODEV;
    }
    if (hs->driver == HOST_DRV_VFIO) {
        struct vfio_ccw_mdev *m = vfio_ccw_parent_mdev(hs->parent);
        char uuid[37] = "";
        if (m)
            snprintf(uuid, sizeof uuid, "%s", vfio_ccw_mdev_uuid(m));
        if (hs->jobs) {
            /* a close or reset off the loop holds the mdev (maybe for as long
             * as slow storage keeps the device busy): removing it would wait */
            ERR("mdev %s is being released or reset by its VMM; try again", uuid);
            return -EBUSY;
        }
        int rc = vfio_ccw_remove(hs->parent);
        if (rc < 0) {
            if (rc == -EBUSY)
                ERR("mdev %s is in use by a VMM (pid %d); the VMM was asked to release it", uuid,
                    hs->vmm_pid);
            else
                ERR("vfio_ccw: %s", strerror(-rc));
            return rc;
        }
        hs->parent = NULL;
    } else {
        hs->ccw_bound = false;     /* the ccw device goes away with io_subchannel */
        hs->ccw_online = false;
    }
    log_info("subchannel %x.%x.%04x unbound from %s", hs->cfg.schid.cssid, hs->cfg.schid.ssid,
             hs->cfg.schid.schno, host_driver_name(hs->driver));
    hs->driver = HOST_DRV_NONE;
    return 0;
}

int host_sch_set_override(struct host_sch *hs, const char *drv, char *err, size_t errlen)
{
    size_t n = strcspn(drv, "\n");
    if (n >= sizeof hs->override) {
        ERR("driver name too long");
        return -EINVAL;
    }
    memcpy(hs->override, drv, n);   /* an empty write clears it, as in the kernel */
    hs->override[n] = 0;
    return 0;
}

/* ---- ccw bus: dasd-eckd / tape_34xx ---------------------------------------------------------- */

int host_ccw_unbind(struct host_sch *hs, char *err, size_t errlen)
{
    if (!host_has_ccwdev(hs) || !hs->ccw_bound) {
        ERR("ccw device is not bound to %s", host_ccw_driver(hs));
        return -ENODEV;
    }
    hs->ccw_bound = false;
    hs->ccw_online = false;    /* removing the driver sets the device offline */
    log_info("ccw device %x.%x.%04x unbound from %s", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno,
             host_ccw_driver(hs));
    return 0;
}

int host_ccw_bind(struct host_sch *hs, char *err, size_t errlen)
{
    if (!host_has_ccwdev(hs)) {
        ERR("no such ccw device");
        return -ENODEV;
    }
    if (hs->ccw_bound) {
        ERR("ccw device is already bound to %s", host_ccw_driver(hs));
        return -EBUSY;
    }
    hs->ccw_bound = true;
    return 0;
}

int host_ccw_set_online(struct host_sch *hs, bool online, char *err, size_t errlen)
{
    if (online && !hs->ccw_bound) {
        ERR("ccw device has no driver");   /* ccw_device_set_online: -EINVAL without a driver */
        return -EINVAL;
    }
    hs->ccw_online = online;
    return 0;
}

