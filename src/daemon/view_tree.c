// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysfs layout the view presents (Linux drivers/s390/cio/css.c,
 * device.c, chp.c, vfio_ccw_drv.c and drivers/vfio/mdev): which
 * directories, attributes and links exist for the host's current state, and
 * what the attributes print and accept.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "daemon/host.h"
#include "daemon/view_tree.h"

/* ---- attribute show/store ------------------------------------------------------- */

#define SHOW(fn, ...) \
    static int fn(const struct vctx *x, char *b, size_t cap) { (void)x; return snprintf(b, cap, __VA_ARGS__); }

SHOW(show_sch_type, "%01x\n", SCH_TYPE_IO)
SHOW(show_sch_modalias, "css:t%01X\n", SCH_TYPE_IO)
/* cio device.c: the Sense ID values of the device, "%04x/%02x". */
SHOW(show_cutype, "%04x/%02x\n", x->hs->dev->cu_type, x->hs->dev->cu_model)
SHOW(show_devtype, "%04x/%02x\n", x->hs->dev->dev_type, x->hs->dev->dev_model)
SHOW(show_ccw_modalias, "ccw:t%04Xm%02Xdt%04Xdm%02X\n", x->hs->dev->cu_type, x->hs->dev->cu_model,
     x->hs->dev->dev_type, x->hs->dev->dev_model)
SHOW(show_availability, "good\n")
SHOW(show_online, "%d\n", x->hs->ccw_online)
SHOW(show_type_name, "%s\n", HOST_MDEV_TYPE_NAME)
SHOW(show_device_api, "vfio-ccw\n")
SHOW(show_chp_type, "%x\n", x->chp->type)
/* chp.c chp_status_show: the logical (vary) state only; a path the machine
 * took away still shows "online" until it is varied off. */
SHOW(show_chp_status, "%s\n", host_chp_varied_on(x->h, x->chp->cssid, x->chp->chpid) ? "online" : "offline")
/* chp.c chp_configure_show: the SCLP state, 1 = configured, 0 = standby (2 reserved, 3 not recognized). */
#define CHP_STANDBY 0
#define CHP_CONFIGURED 1
SHOW(show_chp_configure, "%d\n", host_chp_online(x->h, x->chp->cssid, x->chp->chpid) ? CHP_CONFIGURED : CHP_STANDBY)
/* chp.c chp_cmg_show/chp_shared_show: "unknown" without channel measurement (the daemon has none). */
SHOW(show_chp_unknown, "unknown\n")
/* chp.c chp_chid_show/chp_chid_external_show: empty without a format-1 description (flag 0x10). */
SHOW(show_chp_nochid, "%s", "")
/* kernel/module/main.c show_initstate: a loaded module is "live". */
SHOW(show_initstate, "live\n")
SHOW(show_override, "%s\n", x->hs->override[0] ? x->hs->override : "(null)")

static int show_pimpampom(const struct vctx *x, char *b, size_t cap)
{
    uint8_t pim, pam, pom;
    host_sch_masks(x->hs, &pim, &pam, &pom);
    return snprintf(b, cap, "%02x %02x %02x\n", pim, pam, pom);
}

/* As css.c chpids_show: one "%02x " per path, 00 where the PIM bit is off.
 * QEMU's css_sch_build_schib scans eight hex numbers from it. */
static int show_chpids(const struct vctx *x, char *b, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < 8 && n < cap; i++)
        n += (size_t)snprintf(b + n, cap - n, "%02x ", x->hs->cfg.pim & (0x80 >> i) ? x->hs->cfg.chpids[i] : 0);
    return (int)n + snprintf(b + n, cap - n, "\n");
}

/* device.c vpm_show, while io_subchannel drives the subchannel: the paths path
 * verification found usable; the emulated device answers on every path the
 * masks allow, so pim & pam & pom. */
static int show_vpm(const struct vctx *x, char *b, size_t cap)
{
    uint8_t pim, pam, pom;
    host_sch_masks(x->hs, &pim, &pam, &pom);
    return snprintf(b, cap, "%02x\n", pim & pam & pom & (uint8_t)~host_sch_varied_off_mask(x->h, x->hs));
}

static int show_dev_busid(const struct vctx *x, char *b, size_t cap)
{
    const struct cfg_device *d = &x->hs->cfg;
    return snprintf(b, cap, "%x.%x.%04x\n", d->cssid, d->ssid, d->devno);
}

static int show_available(const struct vctx *x, char *b, size_t cap)
{
    return snprintf(b, cap, "%u\n", x->hs->parent ? vfio_ccw_available_instances(x->hs->parent) : 0);
}

static int store_override(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    (void)len;
    return host_sch_set_override(x->hs, buf, err, sizeof err);
}

static int store_online(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    (void)len;
    if (!strcmp(buf, "1") || !strcmp(buf, "1\n"))
        return host_ccw_set_online(x->hs, true, err, sizeof err);
    if (!strcmp(buf, "0") || !strcmp(buf, "0\n"))
        return host_ccw_set_online(x->hs, false, err, sizeof err);
    return -EINVAL;
}

/* drivers/base/bus.c bind_store/unbind_store: the name of a device on the bus. */
static int store_css_bind(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    struct host_sch *hs = host_find_sch_str(x->h, buf);
    (void)len;
    if (!hs)
        return -ENODEV;
    return host_sch_bind(x->h, hs, x->drv, err, sizeof err);
}

static int store_css_unbind(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    struct host_sch *hs = host_find_sch_str(x->h, buf);
    (void)len;
    if (!hs || strcmp(host_driver_name(hs->driver), x->drv))
        return -ENODEV;
    return host_sch_unbind(x->h, hs, err, sizeof err);
}

/* drivers_probe: attach an unbound device to its driver_override, else to
 * io_subchannel (how driverctl re-probes after setting an override). */
static int store_drivers_probe(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    struct host_sch *hs = host_find_sch_str(x->h, buf);
    (void)len;
    if (!hs)
        return -ENODEV;
    if (hs->driver != HOST_DRV_NONE)
        return 0;
    return host_sch_bind(x->h, hs, hs->override[0] ? hs->override : HOST_DRV_IO_NAME, err, sizeof err);
}

/* The ccw device of `buf` if the driver x->drv is the one for its type
 * (bind_store: a driver that does not match the device gives -ENODEV). */
static struct host_sch *ccwdev_for_driver(const struct vctx *x, const char *buf)
{
    struct host_sch *hs = host_find_ccwdev(x->h, buf);
    return hs && !strcmp(host_ccw_driver(hs), x->drv) ? hs : NULL;
}

static int store_ccw_bind(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    struct host_sch *hs = ccwdev_for_driver(x, buf);
    (void)len;
    return hs ? host_ccw_bind(hs, err, sizeof err) : -ENODEV;
}

static int store_ccw_unbind(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    struct host_sch *hs = ccwdev_for_driver(x, buf);
    (void)len;
    return hs ? host_ccw_unbind(hs, err, sizeof err) : -ENODEV;
}

/* mdev create_store: exactly a UUID, optionally followed by a newline. */
static int store_create(const struct vctx *x, const char *buf, size_t len)
{
    char err[128], out[37];
    if (len < 36 || len > 37)
        return -EINVAL;
    return host_mdev_create(x->h, x->hs, buf, out, err, sizeof err);
}

/* mdev remove_store: a number; nonzero removes. */
static int store_remove(const struct vctx *x, const char *buf, size_t len)
{
    char err[128], *end;
    (void)len;
    unsigned long v = strtoul(buf, &end, 0);
    if (end == buf || (*end && strcmp(end, "\n")))
        return -EINVAL;
    struct vfio_ccw_mdev *m = x->hs->parent ? vfio_ccw_parent_mdev(x->hs->parent) : NULL;
    if (!v || !m)
        return m ? 0 : -ENODEV;
    return host_mdev_remove(x->h, vfio_ccw_mdev_uuid(m), err, sizeof err);
}

/*
 * chp.c chp_status_write: the first word (at most CHP_WORD_MAX characters)
 * varies the path on if it starts with "on" or is "1", off if it starts
 * with "off" or is "0" (chchp -v writes 1/0); anything else is EINVAL.
 * Logical only (host_chp_vary): the guest sees no change.
 */
#define CHP_WORD_MAX 5
static int store_chp_status(const struct vctx *x, const char *buf, size_t len)
{
    char err[128], word[CHP_WORD_MAX + 1];
    (void)len;
    buf += strspn(buf, " \t\n");
    snprintf(word, sizeof word, "%.*s", (int)strcspn(buf, " \t\n"), buf);
    bool on = !strncasecmp(word, "on", 2) || !strcmp(word, "1");
    bool off = !strncasecmp(word, "off", 3) || !strcmp(word, "0");
    if (!on && !off)
        return -EINVAL;
    return host_chp_vary(x->h, x->chp->cssid, x->chp->chpid, on, err, sizeof err);
}

/*
 * chp.c chp_configure_write: one number, 0 or 1, else EINVAL.  On a real
 * machine SCLP then configures the path to standby (or back) and the
 * channel subsystem reports it with a CRW: the path is physically gone
 * (or back), as `ccwpass chp off|on` makes it, and a guest using a
 * subchannel on it gets the CRW through vfio_ccw.
 */
static int store_chp_configure(const struct vctx *x, const char *buf, size_t len)
{
    char err[128];
    int val;
    char extra;
    (void)len;
    if (sscanf(buf, "%d %c", &val, &extra) != 1 || (val != CHP_STANDBY && val != CHP_CONFIGURED))
        return -EINVAL;
    return host_chp_set_online(x->h, x->chp->cssid, x->chp->chpid, val == CHP_CONFIGURED, err, sizeof err);
}

#define ATTR_RO(n, s) static const struct vattr a_##n = { #n, s, NULL }
#define ATTR_RW(n, s, t) static const struct vattr a_##n = { #n, s, t }
#define ATTR_WO(n, t) static const struct vattr a_##n = { #n, NULL, t }

ATTR_RO(type, show_sch_type);
ATTR_RO(modalias, show_sch_modalias);
ATTR_RO(pimpampom, show_pimpampom);
ATTR_RO(chpids, show_chpids);
ATTR_RO(dev_busid, show_dev_busid);
ATTR_RW(driver_override, show_override, store_override);
ATTR_RO(cutype, show_cutype);
ATTR_RO(devtype, show_devtype);
ATTR_RO(availability, show_availability);
ATTR_RW(online, show_online, store_online);
static const struct vattr a_ccw_modalias = { "modalias", show_ccw_modalias, NULL };
ATTR_WO(bind, store_css_bind);
ATTR_WO(unbind, store_css_unbind);
ATTR_WO(drivers_probe, store_drivers_probe);
static const struct vattr a_ccw_bind = { "bind", NULL, store_ccw_bind };
static const struct vattr a_ccw_unbind = { "unbind", NULL, store_ccw_unbind };
static const struct vattr a_name = { "name", show_type_name, NULL };
ATTR_RO(device_api, show_device_api);
static const struct vattr a_available = { "available_instances", show_available, NULL };
ATTR_WO(create, store_create);
ATTR_WO(remove, store_remove);
static const struct vattr a_chp_type = { "type", show_chp_type, NULL };
static const struct vattr a_chp_status = { "status", show_chp_status, store_chp_status };
static const struct vattr a_chp_configure = { "configure", show_chp_configure, store_chp_configure };
static const struct vattr a_chp_cmg = { "cmg", show_chp_unknown, NULL };
static const struct vattr a_chp_shared = { "shared", show_chp_unknown, NULL };
static const struct vattr a_chp_chid = { "chid", show_chp_nochid, NULL };
static const struct vattr a_chp_chid_external = { "chid_external", show_chp_nochid, NULL };
ATTR_RO(vpm, show_vpm);
ATTR_RO(initstate, show_initstate);

/* ---- building ---------------------------------------------------------------------- */

static struct vnode *add(struct vnode *parent, const char *name, enum vkind kind)
{
    struct vnode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    snprintf(n->name, sizeof n->name, "%s", name);
    n->kind = kind;
    if (parent) {
        n->ctx = parent->ctx;
        if (parent->last)
            parent->last->next = n;
        else
            parent->kids = n;
        parent->last = n;
    }
    return n;
}

/* mkdir -p style: find or create the directory chain under parent. */
static struct vnode *dir(struct vnode *parent, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    struct vnode *cur = parent;
    for (char *save, *t = strtok_r(buf, "/", &save); t && cur; t = strtok_r(NULL, "/", &save)) {
        struct vnode *k = cur->kids;
        while (k && strcmp(k->name, t))
            k = k->next;
        cur = k ? k : add(cur, t, VN_DIR);
    }
    return cur;
}

static void file(struct vnode *d, const struct vattr *a, const struct vctx *ctx)
{
    struct vnode *n = d ? add(d, a->name, VN_FILE) : NULL;
    if (n) {
        n->attr = a;
        n->ctx = *ctx;
    }
}

__attribute__((format(printf, 3, 4))) static void link_(struct vnode *d, const char *name, const char *fmt, ...)
{
    struct vnode *n = d ? add(d, name, VN_LINK) : NULL;
    va_list ap;
    if (!n)
        return;
    va_start(ap, fmt);
    if (vasprintf(&n->target, fmt, ap) < 0)
        n->target = NULL;
    va_end(ap);
}

/*
 * /sys/module/vfio_ccw as for a loaded module (driverctl checks that the
 * directory exists before it sets an override): initstate, and the
 * "BUS:DRIVER" links to its drivers with a "module" link back from each
 * (drivers/base/module.c module_add_driver).  io_subchannel is built in.
 */
static void build_module(struct vnode *sys, struct vctx *c)
{
    static const struct {
        const char *bus, *drv;
    } mdrv[] = { { "css", HOST_DRV_VFIO_NAME }, { "mdev", "vfio_ccw_mdev" } };
    struct vnode *m = dir(sys, "module/" HOST_DRV_VFIO_NAME);
    file(m, &a_initstate, c);
    struct vnode *md = dir(m, "drivers");
    for (size_t i = 0; i < sizeof mdrv / sizeof mdrv[0]; i++) {
        char name[64], p[64];
        snprintf(name, sizeof name, "%s:%s", mdrv[i].bus, mdrv[i].drv);
        link_(md, name, "../../../bus/%s/drivers/%s", mdrv[i].bus, mdrv[i].drv);
        snprintf(p, sizeof p, "bus/%s/drivers/%s", mdrv[i].bus, mdrv[i].drv);
        link_(dir(sys, p), "module", "../../../../module/%s", HOST_DRV_VFIO_NAME);
    }
}

static void build_drivers(struct vnode *sys, struct vctx *c)
{
    static const char *const drv[] = { HOST_DRV_IO_NAME, HOST_DRV_VFIO_NAME };
    for (int i = 0; i < 2; i++) {
        char p[64];
        struct vctx dc = *c;
        dc.drv = drv[i];
        snprintf(p, sizeof p, "bus/css/drivers/%s", drv[i]);
        struct vnode *d = dir(sys, p);
        file(d, &a_bind, &dc);
        file(d, &a_unbind, &dc);
    }
    file(dir(sys, "bus/css"), &a_drivers_probe, c);
    static const char *const ccwdrv[] = { HOST_CCW_DRV_NAME, HOST_CCW_TAPE_DRV_NAME };
    for (int i = 0; i < 2; i++) {
        char p[64];
        struct vctx dc = *c;
        dc.drv = ccwdrv[i];
        snprintf(p, sizeof p, "bus/ccw/drivers/%s", ccwdrv[i]);
        struct vnode *d = dir(sys, p);
        file(d, &a_ccw_bind, &dc);
        file(d, &a_ccw_unbind, &dc);
    }
    dir(sys, "bus/css/devices");
    dir(sys, "bus/ccw/devices");
    dir(sys, "bus/mdev/devices");
    dir(sys, "bus/mdev/drivers/vfio_ccw_mdev");
    dir(sys, "kernel/iommu_groups");
    dir(sys, "class/mdev_bus");     /* the class exists while the mdev core is loaded */
    build_module(sys, c);
}

static void build_chps(struct vnode *sys, struct vctx *c)
{
    for (unsigned i = 0; i < c->h->nchp; i++) {
        const struct cfg_chpid *p = &c->h->chp[i];
        char path[64];
        struct vctx cc = *c;
        cc.chp = p;
        snprintf(path, sizeof path, "devices/css%x/chp%x.%02x", p->cssid, p->cssid, p->chpid);
        struct vnode *d = dir(sys, path);
        file(d, &a_chp_status, &cc);
        file(d, &a_chp_configure, &cc);
        file(d, &a_chp_type, &cc);
        file(d, &a_chp_cmg, &cc);
        file(d, &a_chp_shared, &cc);
        file(d, &a_chp_chid, &cc);
        file(d, &a_chp_chid_external, &cc);
    }
}

static void build_ccwdev(struct vnode *sys, struct vnode *sd, const char *sch, const struct vctx *c)
{
    const struct cfg_device *cfg = &c->hs->cfg;
    char busid[16], p[96];
    snprintf(busid, sizeof busid, "%x.%x.%04x", cfg->cssid, cfg->ssid, cfg->devno);
    struct vnode *d = dir(sd, busid);
    file(d, &a_online, c);
    file(d, &a_cutype, c);
    file(d, &a_devtype, c);
    file(d, &a_availability, c);
    file(d, &a_ccw_modalias, c);
    link_(dir(sys, "bus/ccw/devices"), busid, "../../../devices/css%x/%s/%s", cfg->schid.cssid, sch, busid);
    if (!c->hs->ccw_bound)
        return;
    link_(d, "driver", "../../../../bus/ccw/drivers/%s", host_ccw_driver(c->hs));
    snprintf(p, sizeof p, "bus/ccw/drivers/%s", host_ccw_driver(c->hs));
    link_(dir(sys, p), busid, "../../../../devices/css%x/%s/%s", cfg->schid.cssid, sch, busid);
}

static void build_mdev(struct vnode *sys, struct vnode *sd, const char *sch, const struct vctx *c)
{
    struct host_sch *hs = c->hs;
    struct vnode *t = dir(sd, "mdev_supported_types/" HOST_MDEV_TYPE);
    file(t, &a_name, c);
    file(t, &a_device_api, c);
    file(t, &a_available, c);
    file(t, &a_create, c);
    struct vnode *tdev = dir(t, "devices");
    /* a registered mdev parent (drivers/vfio/mdev/mdev_core.c mdev_register_parent) */
    link_(dir(sys, "class/mdev_bus"), sch, "../../devices/css%x/%s", hs->cfg.schid.cssid, sch);
    struct vfio_ccw_mdev *m = vfio_ccw_parent_mdev(hs->parent);
    if (!m)
        return;
    const char *u = vfio_ccw_mdev_uuid(m);
    unsigned cssid = hs->cfg.schid.cssid;
    char g[64];
    struct vnode *md = dir(sd, u);
    file(md, &a_remove, c);
    link_(md, "iommu_group", "../../../../kernel/iommu_groups/%u", hs->iommu_group);
    link_(md, "mdev_type", "../mdev_supported_types/%s", HOST_MDEV_TYPE);
    link_(md, "driver", "../../../../bus/mdev/drivers/vfio_ccw_mdev");
    link_(dir(sys, "bus/mdev/drivers/vfio_ccw_mdev"), u, "../../../../devices/css%x/%s/%s", cssid, sch, u);
    link_(tdev, u, "../../../%s", u);
    link_(dir(sys, "bus/mdev/devices"), u, "../../../devices/css%x/%s/%s", cssid, sch, u);
    snprintf(g, sizeof g, "kernel/iommu_groups/%u/devices", hs->iommu_group);
    link_(dir(sys, g), u, "../../../../devices/css%x/%s/%s", cssid, sch, u);
}

static void build_sch(struct vnode *sys, struct vctx *c)
{
    struct host_sch *hs = c->hs;
    char sch[16], p[64];
    snprintf(sch, sizeof sch, "%x.%x.%04x", hs->cfg.schid.cssid, hs->cfg.schid.ssid, hs->cfg.schid.schno);
    snprintf(p, sizeof p, "devices/css%x/%s", hs->cfg.schid.cssid, sch);
    struct vnode *sd = dir(sys, p);
    /* css.c setup_css: every channel subsystem has the pseudo subchannel
     * "defunct" for disconnected ccw devices; the daemon never has one. */
    snprintf(p, sizeof p, "devices/css%x/defunct", hs->cfg.schid.cssid);
    dir(sys, p);
    file(sd, &a_type, c);
    file(sd, &a_modalias, c);
    file(sd, &a_pimpampom, c);
    file(sd, &a_chpids, c);
    file(sd, &a_dev_busid, c);
    file(sd, &a_driver_override, c);
    link_(dir(sys, "bus/css/devices"), sch, "../../../devices/css%x/%s", hs->cfg.schid.cssid, sch);
    if (hs->driver == HOST_DRV_IO)
        file(sd, &a_vpm, c);
    if (hs->driver != HOST_DRV_NONE) {
        const char *drv = host_driver_name(hs->driver);
        link_(sd, "driver", "../../../bus/css/drivers/%s", drv);
        snprintf(p, sizeof p, "bus/css/drivers/%s", drv);
        link_(dir(sys, p), sch, "../../../../devices/css%x/%s", hs->cfg.schid.cssid, sch);
    }
    if (host_has_ccwdev(hs))
        build_ccwdev(sys, sd, sch, c);
    if (hs->driver == HOST_DRV_VFIO && hs->parent)
        build_mdev(sys, sd, sch, c);
}

struct vnode *vtree_build(struct host *h)
{
    struct vnode *root = add(NULL, "", VN_DIR);
    if (!root)
        return NULL;
    root->ctx.h = h;
    struct vnode *sys = dir(root, "sys");
    build_drivers(sys, &root->ctx);
    build_chps(sys, &root->ctx);
    for (unsigned i = 0; i < h->nsch; i++) {
        struct vctx c = root->ctx;
        c.hs = &h->sch[i];
        build_sch(sys, &c);
    }
    return root;
}

void vtree_free(struct vnode *n)
{
    while (n) {
        struct vnode *next = n->next;
        vtree_free(n->kids);
        free(n->target);
        free(n);
        n = next;
    }
}

struct vnode *vtree_lookup(struct vnode *root, const char *path)
{
    char buf[1024];
    if (strlen(path) >= sizeof buf)
        return NULL;
    snprintf(buf, sizeof buf, "%s", path);
    struct vnode *cur = root;
    for (char *save, *t = strtok_r(buf, "/", &save); t && cur; t = strtok_r(NULL, "/", &save)) {
        if (cur->kind != VN_DIR)
            return NULL;
        struct vnode *k = cur->kids;
        while (k && strcmp(k->name, t))
            k = k->next;
        cur = k;
    }
    return cur;
}
