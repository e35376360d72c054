// SPDX-License-Identifier: GPL-2.0-or-later
/* CCWP_CMD_CONTROL: JSON verbs onto the host's driver-model operations. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/control.h"
#include "daemon/host.h"
#include "dev/eckd.h"
#include "dev/tape3490.h"
#include "img/image.h"

#define CONTROL_MAX_REQ 65536   /* bytes of JSON in one request */

struct ctl {
    struct host *h;
    json_object *req, *rep;
    char err[256];
};

static const char *str_arg(struct ctl *c, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(c->req, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static struct host_sch *sch_arg(struct ctl *c, int *rc)
{
    const char *s = str_arg(c, "sch");
    struct host_sch *hs = s ? host_find_sch_str(c->h, s) : NULL;
    if (!hs) {
        if (s)
            snprintf(c->err, sizeof c->err, "no subchannel %s", s);
        else
            snprintf(c->err, sizeof c->err, "missing \"sch\"");
        *rc = s ? -ENODEV : -EINVAL;
    }
    return hs;
}

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

static bool jtrue(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static int op_bind(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = sch_arg(c, &rc);
    const char *drv = str_arg(c, "driver");
    if (!hs)
        return rc;
    if (!drv) {
        snprintf(c->err, sizeof c->err, "missing \"driver\"");
        return -EINVAL;
    }
    return host_sch_bind(c->h, hs, drv, c->err, sizeof c->err);
}

static int op_unbind(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = sch_arg(c, &rc);
    return hs ? host_sch_unbind(c->h, hs, c->err, sizeof c->err) : rc;
}

static struct host_sch *devno_arg(struct ctl *c, int *rc)
{
    const char *s = str_arg(c, "devno");
    struct host_sch *hs = s ? host_find_dev(c->h, s) : NULL;
    if (!hs) {
        if (s)
            snprintf(c->err, sizeof c->err, "no device %s", s);
        else
            snprintf(c->err, sizeof c->err, "missing \"devno\"");
        *rc = s ? -ENODEV : -EINVAL;
    }
    return hs;
}

static int op_tape_load(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = devno_arg(c, &rc);
    const char *path = str_arg(c, "path");
    json_object *v;
    bool ro = false;
    if (!hs)
        return rc;
    if (!path || !*path) {
        snprintf(c->err, sizeof c->err, "missing \"path\"");
        return -EINVAL;
    }
    if (json_object_object_get_ex(c->req, "readonly", &v)) {
        if (!json_object_is_type(v, json_type_boolean)) {
            snprintf(c->err, sizeof c->err, "\"readonly\" must be true or false");
            return -EINVAL;
        }
        ro = json_object_get_boolean(v);
    }
    return host_tape_load(hs, path, ro, c->err, sizeof c->err);
}

static int op_tape_unload(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = devno_arg(c, &rc);
    return hs ? host_tape_unload(hs, c->err, sizeof c->err) : rc;
}

static int op_mdev_create(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = sch_arg(c, &rc);
    char uuid[37];
    if (!hs)
        return rc;
    rc = host_mdev_create(c->h, hs, str_arg(c, "uuid"), uuid, c->err, sizeof c->err);
    if (rc == 0)
        add_str(c->rep, "uuid", uuid);
    return rc;
}

static int op_mdev_remove(struct ctl *c)
{
    const char *u = str_arg(c, "uuid");
    if (!u) {
        snprintf(c->err, sizeof c->err, "missing \"uuid\"");
        return -EINVAL;
    }
    return host_mdev_remove(c->h, u, c->err, sizeof c->err);
}

static void fmt_schid(char *out, size_t cap, struct schid id)
{
    snprintf(out, cap, "%x.%x.%04x", id.cssid, id.ssid, id.schno);
}

static json_object *mdev_json(struct host_sch *hs)
{
    struct vfio_ccw_mdev *m = hs->parent ? vfio_ccw_parent_mdev(hs->parent) : NULL;
    char b[16];
    if (!m)
        return NULL;
    json_object *o = json_object_new_object();
    add_str(o, "uuid", vfio_ccw_mdev_uuid(m));
    fmt_schid(b, sizeof b, hs->cfg.schid);
    add_str(o, "parent", b);
    add_str(o, "type", HOST_MDEV_TYPE);
    json_object_object_add(o, "open", json_object_new_boolean(vfio_ccw_mdev_is_open(m)));
    if (hs->vmm_pid)
        json_object_object_add(o, "vmm_pid", json_object_new_int(hs->vmm_pid));
    json_object_object_add(o, "iommu_group", json_object_new_int((int)hs->iommu_group));
    return o;
}

static int op_mdev_list(struct ctl *c)
{
    json_object *a = json_object_new_array();
    for (unsigned i = 0; i < c->h->nsch; i++) {
        json_object *m = mdev_json(&c->h->sch[i]);
        if (m)
            json_object_array_add(a, m);
    }
    json_object_object_add(c->rep, "mdevs", a);
    return 0;
}

static json_object *ccwdev_json(struct host_sch *hs)
{
    char b[16];
    json_object *o = json_object_new_object();
    snprintf(b, sizeof b, "%x.%x.%04x", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno);
    add_str(o, "busid", b);
    add_str(o, "driver", hs->ccw_bound ? host_ccw_driver(hs) : "");
    json_object_object_add(o, "online", json_object_new_boolean(hs->ccw_online));
    snprintf(b, sizeof b, "%04x/%02x", hs->dev->cu_type, hs->dev->cu_model);
    add_str(o, "cutype", b);
    snprintf(b, sizeof b, "%04x/%02x", hs->dev->dev_type, hs->dev->dev_model);
    add_str(o, "devtype", b);
    return o;
}

/* The drive, its cartridge and the position (block ID of the next block). */
static json_object *tape_json(struct host_sch *hs)
{
    struct tape3490_status st;
    json_object *o = json_object_new_object();
    tape3490_status(hs->dev, &st);
    json_object_object_add(o, "loaded", json_object_new_boolean(st.loaded));
    if (st.loaded) {
        add_str(o, "path", st.path);
        add_str(o, "format", st.format == TAPE_HET ? "het" : "aws");
        json_object_object_add(o, "readonly", json_object_new_boolean(st.readonly));
        json_object_object_add(o, "blockid", json_object_new_int64(st.blockid));
    }
    return o;
}

/* A shared volume's reserve as the device last saw it (docs/shared-dasd.md). */
static json_object *reserve_json(struct host_sch *hs)
{
    struct eckd_reserve_status st;
    json_object *o = json_object_new_object();

    eckd_reserve_status(hs->dev, &st);
    add_str(o, "state", reserve_state_name(st.state));
    json_object_object_add(o, "held", json_object_new_int64((int64_t)st.held));
    json_object_object_add(o, "lost", json_object_new_int64((int64_t)st.lost));
    return o;
}

static json_object *fault_json(const struct host_sch *hs)
{
    const struct sch_fault *f = &hs->fault;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "delay_ms", json_object_new_int64(f->delay_ms));
    json_object_object_add(o, "eqc", json_object_new_int64(f->eqc_count));
    json_object_object_add(o, "not_oper", json_object_new_boolean(f->not_oper));
    json_object_object_add(o, "stuck", json_object_new_boolean(f->stuck));
    json_object_object_add(o, "delays", json_object_new_int64((int64_t)host_fault_delays(hs)));
    return o;
}

static json_object *sch_json(struct host_sch *hs)
{
    char b[40];
    uint8_t pim, pam, pom;
    json_object *o = json_object_new_object();
    fmt_schid(b, sizeof b, hs->cfg.schid);
    add_str(o, "sch", b);
    snprintf(b, sizeof b, "%x.%x.%04x", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno);
    add_str(o, "devno", b);
    add_str(o, "driver", host_driver_name(hs->driver));
    add_str(o, "driver_override", hs->override);
    host_sch_masks(hs, &pim, &pam, &pom);
    snprintf(b, sizeof b, "%02x %02x %02x", pim, pam, pom);
    add_str(o, "pimpampom", b);
    const uint8_t *p = hs->cfg.chpids;
    snprintf(b, sizeof b, "%02x%02x%02x%02x %02x%02x%02x%02x", p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    add_str(o, "chpids", b);
    snprintf(b, sizeof b, "%04x", hs->dev->dev_type);
    add_str(o, "type", b);
    if (tape3490_is(hs->dev)) {
        json_object *t = tape_json(hs);
        json_object *tp;
        add_str(o, "image", json_object_object_get_ex(t, "path", &tp) ? json_object_get_string(tp) : "");
        json_object_object_add(o, "readonly", json_object_new_boolean(jtrue(t, "readonly")));
        json_object_object_add(o, "tape", t);
    } else {
        add_str(o, "image", hs->img ? img_path(hs->img) : "");
        json_object_object_add(o, "readonly", json_object_new_boolean(hs->cfg.readonly));
        json_object_object_add(o, "shared", json_object_new_boolean(hs->cfg.shared));
        if (hs->rsv)
            json_object_object_add(o, "reserve", reserve_json(hs));
    }
    if (host_has_ccwdev(hs))
        json_object_object_add(o, "ccwdev", ccwdev_json(hs));
    json_object *m = mdev_json(hs);
    if (m)
        json_object_object_add(o, "mdev", m);
    json_object_object_add(o, "fault", fault_json(hs));
    return o;
}

static int op_status(struct ctl *c)
{
    json_object *chps = json_object_new_array(), *schs = json_object_new_array();
    for (unsigned i = 0; i < c->h->nchp; i++) {
        const struct cfg_chpid *p = &c->h->chp[i];
        json_object *o = json_object_new_object();
        char b[16];
        snprintf(b, sizeof b, "%x.%02x", p->cssid, p->chpid);
        add_str(o, "chpid", b);
        snprintf(b, sizeof b, "%x", p->type);
        add_str(o, "type", b);
        json_object_object_add(o, "online", json_object_new_boolean(host_chp_online(c->h, p->cssid, p->chpid)));
        json_object_object_add(o, "varied_on", json_object_new_boolean(host_chp_varied_on(c->h, p->cssid, p->chpid)));
        json_object_array_add(chps, o);
    }
    for (unsigned i = 0; i < c->h->nsch; i++)
        json_object_array_add(schs, sch_json(&c->h->sch[i]));
    json_object_object_add(c->rep, "chpids", chps);
    json_object_object_add(c->rep, "subchannels", schs);
    return 0;
}

/* Integer knob: absent keeps the current value; present must be 0..max. */
static int int_knob(struct ctl *c, const char *key, uint32_t max, uint32_t *val)
{
    json_object *v;
    if (!json_object_object_get_ex(c->req, key, &v))
        return 0;
    int64_t x = json_object_get_int64(v);
    if ((!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_boolean)) || x < 0
        || x > (int64_t)max) {
        snprintf(c->err, sizeof c->err, "bad value for %s (0..%u)", key, max);
        return -EINVAL;
    }
    *val = (uint32_t)x;
    return 0;
}

static int op_fault(struct ctl *c)
{
    int rc = 0;
    struct host_sch *hs = sch_arg(c, &rc);
    if (!hs)
        return rc;
    struct sch_fault f = hs->fault;
    uint32_t not_oper = f.not_oper, stuck = f.stuck;
    if ((rc = int_knob(c, "delay_ms", 600000, &f.delay_ms)) || (rc = int_knob(c, "eqc", 1000000, &f.eqc_count))
        || (rc = int_knob(c, "not_oper", 1, &not_oper)) || (rc = int_knob(c, "stuck", 1, &stuck)))
        return rc;
    f.not_oper = not_oper;
    f.stuck = stuck;
    host_set_fault(hs, &f);
    json_object_object_add(c->rep, "fault", fault_json(hs));
    return 0;
}

static int op_chp(struct ctl *c)
{
    const char *s = str_arg(c, "chpid");
    json_object *v;
    uint8_t cssid, chpid;
    if (!s || parse_chpid(s, &cssid, &chpid)) {
        snprintf(c->err, sizeof c->err, "missing or malformed \"chpid\" (e.g. \"0.50\")");
        return -EINVAL;
    }
    if (!json_object_object_get_ex(c->req, "online", &v) || !json_object_is_type(v, json_type_boolean)) {
        snprintf(c->err, sizeof c->err, "missing \"online\": true|false");
        return -EINVAL;
    }
    return host_chp_set_online(c->h, cssid, chpid, json_object_get_boolean(v), c->err, sizeof c->err);
}

static const struct {
    const char *op;
    int (*fn)(struct ctl *c);
} ops[] = {
    { "bind", op_bind },           { "unbind", op_unbind },
    { "mdev_create", op_mdev_create }, { "mdev_remove", op_mdev_remove },
    { "mdev_list", op_mdev_list }, { "status", op_status },
    { "fault", op_fault },         { "chp", op_chp },
    { "tape_load", op_tape_load }, { "tape_unload", op_tape_unload },
};

/* c->req from the request text; NULL if it is not JSON. */
static void parse(struct ctl *c, const char *req, size_t len)
{
    json_tokener *tok = json_tokener_new();
    c->req = tok ? json_tokener_parse_ex(tok, req, (int)len) : NULL;
    if (tok)
        json_tokener_free(tok);
}

static int dispatch(struct ctl *c, const char *req, size_t len)
{
    parse(c, req, len);
    if (!c->req || !json_object_is_type(c->req, json_type_object)) {
        snprintf(c->err, sizeof c->err, "request is not a JSON object");
        return -EINVAL;
    }
    const char *op = str_arg(c, "op");
    for (size_t i = 0; op && i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i].op))
            return ops[i].fn(c);
    snprintf(c->err, sizeof c->err, "unknown op '%s'", op ? op : "(none)");
    return -EOPNOTSUPP;
}

/* A NUL-terminated request is fine too. */
static size_t text_len(const char *req, size_t len)
{
    return len && req[len - 1] == 0 ? len - 1 : len;
}

const void *control_wait_key(struct host *h, const char *req, size_t len)
{
    struct ctl c = { .h = h };
    const char *op;
    struct host_sch *hs = NULL;
    int rc = 0;

    len = text_len(req, len);
    if (len > CONTROL_MAX_REQ)
        return NULL;
    parse(&c, req, len);
    if (!c.req)
        return NULL;
    op = json_object_is_type(c.req, json_type_object) ? str_arg(&c, "op") : NULL;
    if (op && !strcmp(op, "tape_load"))
        hs = devno_arg(&c, &rc);
    json_object_put(c.req);
    return hs;
}

char *control_handle(struct host *h, const char *req, size_t len, int *err_out)
{
    struct ctl c = { .h = h, .rep = json_object_new_object() };
    len = text_len(req, len);
    int rc = len > CONTROL_MAX_REQ ? (snprintf(c.err, sizeof c.err, "request too long"), -EINVAL) : dispatch(&c, req, len);
    json_object_object_add(c.rep, "ok", json_object_new_boolean(rc == 0));
    if (rc) {
        json_object_object_add(c.rep, "errno", json_object_new_int(-rc));
        add_str(c.rep, "error", c.err[0] ? c.err : strerror(-rc));
    }
    char *out = strdup(json_object_to_json_string_ext(c.rep, JSON_C_TO_STRING_PLAIN));
    json_object_put(c.rep);
    if (c.req)
        json_object_put(c.req);
    *err_out = -rc;
    return out;
}
