/*
 * The host's channel subsystem and its Linux driver-model state (css bus,
 * ccw bus, mdev bus), with the rules of drivers/base/bus.c bind/unbind,
 * drivers/s390/cio/css.c driver_override, device.c online, and
 * drivers/vfio/mdev create/remove.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uuid/uuid.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/persist.h"
#include "dev/eckd.h"
#include "img/image.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

const char *host_driver_name(enum host_driver d)
{
    return d == HOST_DRV_IO ? HOST_DRV_IO_NAME : d == HOST_DRV_VFIO ? HOST_DRV_VFIO_NAME : "";
}

/* ---- building the css --------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, 0755) && errno != EEXIST)
        return -errno;
    return 0;
}

/* The seed's "volume it creates": a CCKD (zlib) 3390 in the state dir. */
static int default_image(struct host *h, struct cfg_device *d, char *path, size_t cap, char *err,
                         size_t errlen)
{
    if (snprintf(path, cap, "%s/dasd-%x.%x.%04x.cckd", h->state_dir, d->cssid, d->ssid, d->devno) >= (int)cap) {
        ERR("state directory path too long");
        return -1;
    }
    struct stat st;
    if (!stat(path, &st))
        return 0;
    int rc = mkdir_p(h->state_dir);
    if (rc) {
        ERR("%s: %s", h->state_dir, strerror(-rc));
        return -1;
    }
    struct img_create_opts o = { .devtype = 0x3390, .cyls = d->cyls, .format = IMG_CCKD,
                                 .compress = IMG_COMP_ZLIB };
    if (img_create(path, &o, err, errlen) < 0)
        return -1;
    log_info("created %u-cylinder 3390 volume %s", d->cyls, path);
    return 0;
}

static int open_device(struct host *h, struct host_sch *hs, char *err, size_t errlen)
{
    struct cfg_device *d = &hs->cfg;
    char path[4096];
    if (d->image[0])
        snprintf(path, sizeof path, "%s", d->image);
    else if (default_image(h, d, path, sizeof path, err, errlen))
        return -1;
    hs->img = img_open(path, d->readonly, err, errlen);
    if (!hs->img)
        return -1;
    struct eckd_config ec = { .devno = d->devno, .cu_type = 0x3990, .cu_model = 0xE9,
                              .unit_addr = d->unit_addr, .ssid = d->cu_ssid, .readonly = d->readonly };
    hs->dev = eckd_new(hs->img, &ec, err, errlen);
    if (!hs->dev)
        return -1;
    hs->sch = css_add_io_subchannel(h->css, d->schid, d->devno, hs->dev, d->chpids, d->pim);
    if (!hs->sch) {
        ERR("device %x.%x.%04x: cannot add subchannel %x.%x.%04x", d->cssid, d->ssid, d->devno,
            d->schid.cssid, d->schid.ssid, d->schid.schno);
        return -1;
    }
    log_info("subchannel %x.%x.%04x: device %x.%x.%04x (3390, %s%s) chpid %02x", d->schid.cssid,
             d->schid.ssid, d->schid.schno, d->cssid, d->ssid, d->devno, path,
             d->readonly ? ", read-only" : "", d->chpids[0]);
    return 0;
}

int host_init(struct host *h, const struct daemon_config *c, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    snprintf(h->state_dir, sizeof h->state_dir, "%s", c->state_dir);
    h->css = css_new();
    if (!h->css) {
        ERR("out of memory");
        return -1;
    }
    for (unsigned i = 0; i < c->nchp; i++) {
        const struct cfg_chpid *p = &c->chp[i];
        if (css_add_chpid(h->css, p->cssid, p->chpid, p->type) < 0) {
            ERR("cannot add chpid %x.%02x", p->cssid, p->chpid);
            return -1;
        }
        h->chp[h->nchp++] = *p;
    }
    for (unsigned i = 0; i < c->ndev; i++) {
        struct host_sch *hs = &h->sch[h->nsch++];
        hs->cfg = c->dev[i];
        hs->iommu_group = i;
        if (open_device(h, hs, err, errlen))
            return -1;
        /* as on a host where the DASD is online: io_subchannel + dasd-eckd */
        hs->driver = HOST_DRV_IO;
        hs->ccw_bound = true;
        hs->ccw_online = true;
    }
    return 0;
}

void host_fini(struct host *h)
{
    for (unsigned i = 0; i < h->nsch; i++) {
        struct host_sch *hs = &h->sch[i];
        if (hs->parent && vfio_ccw_remove(hs->parent) == 0)
            hs->parent = NULL;
    }
    if (h->css)
        css_free(h->css);      /* destroys the devices of its subchannels too */
    for (unsigned i = 0; i < h->nsch; i++) {
        struct host_sch *hs = &h->sch[i];
        if (hs->dev && !hs->sch && hs->dev->ops->destroy)
            hs->dev->ops->destroy(hs->dev);   /* never reached a subchannel */
        if (hs->img)
            img_close(hs->img);
    }
    memset(h, 0, sizeof *h);
}

/* ---- lookups ------------------------------------------------------------------ */

struct host_sch *host_find_sch(struct host *h, struct schid id)
{
    for (unsigned i = 0; i < h->nsch; i++)
        if (!memcmp(&h->sch[i].cfg.schid, &id, sizeof id))
            return &h->sch[i];
    return NULL;
}

struct host_sch *host_find_sch_str(struct host *h, const char *busid)
{
    struct schid id;
    return parse_schid(busid, &id) ? NULL : host_find_sch(h, id);
}

bool host_has_ccwdev(const struct host_sch *hs)
{
    return hs->driver == HOST_DRV_IO;
}

struct host_sch *host_find_ccwdev(struct host *h, const char *busid)
{
    uint8_t cssid, ssid;
    uint16_t devno;
    if (parse_busid(busid, &cssid, &ssid, &devno))
        return NULL;
    for (unsigned i = 0; i < h->nsch; i++) {
        struct host_sch *hs = &h->sch[i];
        if (hs->cfg.cssid == cssid && hs->cfg.ssid == ssid && hs->cfg.devno == devno && host_has_ccwdev(hs))
            return hs;
    }
    return NULL;
}

struct host_sch *host_find_mdev(struct host *h, const char *uuid, struct vfio_ccw_mdev **m)
{
    for (unsigned i = 0; i < h->nsch; i++) {
        struct host_sch *hs = &h->sch[i];
        struct vfio_ccw_mdev *md = hs->parent ? vfio_ccw_parent_mdev(hs->parent) : NULL;
        if (md && !strcasecmp(vfio_ccw_mdev_uuid(md), uuid)) {
            if (m)
                *m = md;
            return hs;
        }
    }
    return NULL;
}

const struct cfg_chpid *host_find_chp(const struct host *h, uint8_t cssid, uint8_t chpid)
{
    for (unsigned i = 0; i < h->nchp; i++)
        if (h->chp[i].cssid == cssid && h->chp[i].chpid == chpid)
            return &h->chp[i];
    return NULL;
}

void host_sch_masks(struct host_sch *hs, uint8_t *pim, uint8_t *pam, uint8_t *pom)
{
    struct schib s;
    memset(&s, 0, sizeof s);
    if (sch_stsch(hs->sch, &s) == 0) {
        *pim = s.pmcw.pim;
        *pam = s.pmcw.pam;
        *pom = s.pmcw.pom;
    } else {
        *pim = hs->cfg.pim;
        *pam = 0;
        *pom = 0xff;
    }
}

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
    (void)h;
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
        /* io_subchannel registers the ccw device; dasd-eckd binds, offline */
        hs->ccw_bound = true;
        hs->ccw_online = false;
    }
    hs->driver = d;
    log_info("subchannel %x.%x.%04x bound to %s", hs->cfg.schid.cssid, hs->cfg.schid.ssid,
             hs->cfg.schid.schno, host_driver_name(d));
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
        int rc = vfio_ccw_remove(hs->parent);
        if (rc < 0) {
            if (rc == -EBUSY)
                ERR("mdev %s is in use; the VMM was asked to release it", uuid);
            else
                ERR("vfio_ccw: %s", strerror(-rc));
            return rc;
        }
        hs->parent = NULL;
        if (uuid[0])
            persist_mdev_forget(h->state_dir, hs->cfg.schid, uuid);
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

/* ---- ccw bus: dasd-eckd ---------------------------------------------------------- */

int host_ccw_unbind(struct host_sch *hs, char *err, size_t errlen)
{
    if (!host_has_ccwdev(hs) || !hs->ccw_bound) {
        ERR("ccw device is not bound to %s", HOST_CCW_DRV_NAME);
        return -ENODEV;
    }
    hs->ccw_bound = false;
    hs->ccw_online = false;    /* removing the driver sets the device offline */
    log_info("ccw device %x.%x.%04x unbound from %s", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno,
             HOST_CCW_DRV_NAME);
    return 0;
}

int host_ccw_bind(struct host_sch *hs, char *err, size_t errlen)
{
    if (!host_has_ccwdev(hs)) {
        ERR("no such ccw device");
        return -ENODEV;
    }
    if (hs->ccw_bound) {
        ERR("ccw device is already bound to %s", HOST_CCW_DRV_NAME);
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
    persist_mdev_save(h->state_dir, hs->cfg.schid, u);
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
    int rc = vfio_ccw_mdev_remove(m);
    if (rc < 0) {
        if (rc == -EBUSY)
            ERR("mdev %s is open by a VMM", u);
        else
            ERR("mdev %s: %s", u, strerror(-rc));
        return rc;
    }
    persist_mdev_forget(h->state_dir, hs->cfg.schid, u);
    log_info("mdev %s removed", u);
    return 0;
}

/* ---- faults and channel paths ---------------------------------------------------------- */

int host_set_fault(struct host_sch *hs, const struct sch_fault *f)
{
    hs->fault = *f;
    sch_set_fault(hs->sch, f);
    return 0;
}

int host_chp_set_online(struct host *h, uint8_t cssid, uint8_t chpid, bool online, char *err, size_t errlen)
{
    if (!host_find_chp(h, cssid, chpid)) {
        ERR("no channel path %x.%02x", cssid, chpid);
        return -ENODEV;
    }
    int rc = css_chpid_set_online(h->css, cssid, chpid, online);
    if (rc < 0) {
        ERR("%s", strerror(-rc));
        return rc;
    }
    log_info("channel path %x.%02x varied %s", cssid, chpid, online ? "online" : "offline");
    return 0;
}

bool host_chp_online(struct host *h, uint8_t cssid, uint8_t chpid)
{
    return css_chpid_online(h->css, cssid, chpid);
}
