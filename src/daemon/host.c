// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host's channel subsystem: building it from the configuration (images,
 * ECKD devices and 3490 drives (host_tape.c), subchannels, chpids), lookups, path masks, fault injection
 * and channel paths.  Binding rules are in host_bind.c, mdevs in
 * host_mdev.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/fsutil.h"
#include "dev/eckd.h"
#include "img/image.h"
#include "img/rbd.h"
#include "img/reserve.h"
#include "img/reserve_rbd.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

const char *host_driver_name(enum host_driver d)
{
    return d == HOST_DRV_IO ? HOST_DRV_IO_NAME : d == HOST_DRV_VFIO ? HOST_DRV_VFIO_NAME : "";
}

/* ---- building the css --------------------------------------------------------- */

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
        ERR("state directory %s: %s (give --state-dir a directory ccwpassd can write, or an image)",
            h->state_dir, strerror(-rc));
        return -1;
    }
    struct img_create_opts o = { .devtype = 0x3390, .cyls = d->cyls, .format = IMG_CCKD,
                                 .compress = IMG_COMP_ZLIB };
    if (img_create(path, &o, err, errlen) < 0)
        return -1;
    log_info("created %u-cylinder 3390 volume %s", d->cyls, path);
    return 0;
}

static int add_subchannel(struct host *h, struct host_sch *hs, char *err, size_t errlen)
{
    struct cfg_device *d = &hs->cfg;
    hs->sch = css_add_io_subchannel(h->css, d->schid, d->devno, hs->dev, d->chpids, d->pim);
    if (!hs->sch) {
        ERR("device %x.%x.%04x: cannot add subchannel %x.%x.%04x", d->cssid, d->ssid, d->devno,
            d->schid.cssid, d->schid.ssid, d->schid.schno);
        return -1;
    }
    return 0;
}

/* A 3390's image, opened as the device will use it; a shared volume also
 * gets its reserve arbiter, with this daemon as the host. */
static int open_image(struct host *h, struct host_sch *hs, const char *path, char *err, size_t errlen)
{
    if (hs->cfg.shared) {
        hs->img = img_open_shared(path, hs->cfg.readonly, err, errlen);
        if (hs->img)
            hs->rsv = img_is_rbd(path) ? reserve_open_rbd_name(path, h->host_id, err, errlen)
                                       : reserve_open_file(path, h->host_id, err, errlen);
        if (!hs->rsv)
            return -1;
    } else {
        hs->img = img_open(path, hs->cfg.readonly, err, errlen);
    }
    if (!hs->img)
        return -1;
    /* Without sync an acknowledged write is in the host page cache: it
     * survives the guest, QEMU and ccwpassd, and reaches the disk when the
     * kernel writes it back or the image is closed. */
    img_set_writethrough(hs->img, hs->cfg.sync);
    return 0;
}

/*
 * What the config names for a device: a 3390's image, a 3490 drive with
 * its cartridge.  Done for every device before the first default volume is
 * created, so a bad image later in the list leaves no new volume behind.
 */
static int open_named(struct host *h, struct host_sch *hs, char *err, size_t errlen)
{
    if (hs->cfg.type == CFG_DEV_3490)
        return host_tape_create(hs, err, errlen);
    return hs->cfg.image[0] ? open_image(h, hs, hs->cfg.image, err, errlen) : 0;
}

/* The device behind its subchannel; a 3390 without an image gets the default volume. */
static int open_device(struct host *h, struct host_sch *hs, char *err, size_t errlen)
{
    struct cfg_device *d = &hs->cfg;
    char path[4096];
    if (d->type == CFG_DEV_3490) {
        if (add_subchannel(h, hs, err, errlen))
            return -1;
        log_info("subchannel %x.%x.%04x: device %x.%x.%04x (3490, %s%s) chpid %02x", d->schid.cssid,
                 d->schid.ssid, d->schid.schno, d->cssid, d->ssid, d->devno, d->image[0] ? d->image : "empty",
                 d->readonly ? ", write-protected" : "", d->chpids[0]);
        return 0;
    }
    if (d->image[0])
        snprintf(path, sizeof path, "%s", d->image);
    else if (default_image(h, d, path, sizeof path, err, errlen) || open_image(h, hs, path, err, errlen))
        return -1;
    struct eckd_config ec = { .devno = d->devno, .cu_type = 0x3990, .cu_model = 0xE9,
                              .unit_addr = d->unit_addr, .ssid = d->cu_ssid, .readonly = d->readonly,
                              .reserve = hs->rsv };
    hs->dev = eckd_new(hs->img, &ec, err, errlen);
    if (!hs->dev || add_subchannel(h, hs, err, errlen))
        return -1;
    if (hs->rsv && host_reserve_watch_start(hs, err, errlen))
        return -1;
    log_info("subchannel %x.%x.%04x: device %x.%x.%04x (3390, %s%s%s%s) chpid %02x", d->schid.cssid,
             d->schid.ssid, d->schid.schno, d->cssid, d->ssid, d->devno, path,
             (d->readonly ? ", read-only" : d->sync ? ", write-through" : ""), d->shared ? ", shared as host " : "",
             d->shared ? h->host_id : "", d->chpids[0]);
    return 0;
}

int host_init(struct host *h, const struct daemon_config *c, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    snprintf(h->state_dir, sizeof h->state_dir, "%s", c->state_dir);
    snprintf(h->mdevctl_dir, sizeof h->mdevctl_dir, "%s", c->mdevctl_dir);
    reserve_host_id(h->host_id);
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
    h->nsch = c->ndev;
    for (unsigned i = 0; i < c->ndev; i++) {
        struct host_sch *hs = &h->sch[i];
        hs->cfg = c->dev[i];
        hs->cfg.sync |= c->sync;
        hs->iommu_group = i;
        if (open_named(h, hs, err, errlen))
            return -1;
    }
    for (unsigned i = 0; i < c->ndev; i++) {
        struct host_sch *hs = &h->sch[i];
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
    for (unsigned i = 0; i < h->nsch; i++)
        host_reserve_watch_stop(&h->sch[i]);
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
        char err[512];
        /* a daemon that stops cleanly gives up its host's reserve; one that
         * dies leaves it to a steal */
        if (hs->rsv && reserve_release(hs->rsv) < 0)
            log_error("%s", hs->rsv->err);
        reserve_close(hs->rsv);
        if (hs->img && img_close_err(hs->img, err, sizeof err) < 0)
            log_error("%s; the volume stays marked open: its next open recovers it (free space rebuilt from "
                      "its tables), `ccwpass dasd check` shows it", err);
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

const char *host_ccw_driver(const struct host_sch *hs)
{
    return hs->cfg.type == CFG_DEV_3490 ? HOST_CCW_TAPE_DRV_NAME : HOST_CCW_DRV_NAME;
}

struct host_sch *host_find_dev(struct host *h, const char *busid)
{
    uint8_t cssid, ssid;
    uint16_t devno;
    if (parse_busid(busid, &cssid, &ssid, &devno))
        return NULL;
    for (unsigned i = 0; i < h->nsch; i++) {
        struct host_sch *hs = &h->sch[i];
        if (hs->cfg.cssid == cssid && hs->cfg.ssid == ssid && hs->cfg.devno == devno)
            return hs;
    }
    return NULL;
}

bool host_has_ccwdev(const struct host_sch *hs)
{
    return hs->driver == HOST_DRV_IO;
}

struct host_sch *host_find_ccwdev(struct host *h, const char *busid)
{
    struct host_sch *hs = host_find_dev(h, busid);   /* device numbers are unique (config) */
    return hs && host_has_ccwdev(hs) ? hs : NULL;
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

/* ---- faults and channel paths ---------------------------------------------------------- */

/* On the worker, as a delay begins: a test waits for this instead of a clock. */
static void count_delay(void *opaque)
{
    struct host_sch *hs = opaque;

    __atomic_add_fetch(&hs->delays, 1, __ATOMIC_RELEASE);
}

int host_set_fault(struct host_sch *hs, const struct sch_fault *f)
{
    hs->fault = *f;
    hs->fault.delay_entered = count_delay;
    hs->fault.opaque = hs;
    sch_set_fault(hs->sch, &hs->fault);
    return 0;
}

unsigned long host_fault_delays(const struct host_sch *hs)
{
    return __atomic_load_n(&hs->delays, __ATOMIC_ACQUIRE);
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

/* The path's index in h->chp (and h->chp_varied_off), or -1. */
static int chp_index(const struct host *h, uint8_t cssid, uint8_t chpid)
{
    const struct cfg_chpid *p = host_find_chp(h, cssid, chpid);
    return p ? (int)(p - h->chp) : -1;
}

int host_chp_vary(struct host *h, uint8_t cssid, uint8_t chpid, bool on, char *err, size_t errlen)
{
    int i = chp_index(h, cssid, chpid);
    if (i < 0) {
        ERR("no channel path %x.%02x", cssid, chpid);
        return -ENODEV;
    }
    if (h->chp_varied_off[i] != !on)
        log_info("channel path %x.%02x logically varied %s", cssid, chpid, on ? "online" : "offline");
    h->chp_varied_off[i] = !on;
    return 0;
}

bool host_chp_varied_on(const struct host *h, uint8_t cssid, uint8_t chpid)
{
    int i = chp_index(h, cssid, chpid);
    return i >= 0 && !h->chp_varied_off[i];
}

uint8_t host_sch_varied_off_mask(const struct host *h, const struct host_sch *hs)
{
    uint8_t mask = 0;
    for (unsigned p = 0; p < 8; p++) {
        uint8_t bit = (uint8_t)(0x80 >> p);
        if ((hs->cfg.pim & bit) && !host_chp_varied_on(h, hs->cfg.cssid, hs->cfg.chpids[p]))
            mask |= bit;
    }
    return mask;
}

bool host_chp_online(struct host *h, uint8_t cssid, uint8_t chpid)
{
    return css_chpid_online(h->css, cssid, chpid);
}
