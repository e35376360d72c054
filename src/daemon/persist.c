// SPDX-License-Identifier: GPL-2.0-or-later
/* mdevctl-style saved mdev definitions (mdevctl's /etc/mdevctl.d layout). */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/persist.h"
#include "daemon/fsutil.h"

static void parent_dir(const char *state_dir, struct schid p, char *out, size_t cap)
{
    snprintf(out, cap, "%s/mdevctl.d/%x.%x.%04x", state_dir, p.cssid, p.ssid, p.schno);
}

int persist_mdev_save(const char *state_dir, struct schid parent, const char *uuid)
{
    char dir[4200], path[4300], tmp[4310];
    parent_dir(state_dir, parent, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, uuid);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (access(path, F_OK) == 0)
        return 0;   /* already saved (a restore re-creating its own definition) */
    if (mkdir_p(dir)) {
        log_warn("cannot save mdev %s: %s: %s", uuid, dir, strerror(errno));
        return -1;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "mdev_type", json_object_new_string(HOST_MDEV_TYPE));
    json_object_object_add(o, "start", json_object_new_string("auto"));
    json_object_object_add(o, "attrs", json_object_new_array());
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        /* write-then-rename: a crash leaves the old definition or the new one */
        if (fclose(f) == 0 && rename(tmp, path) == 0)
            rc = 0;
    }
    if (rc)
        log_warn("cannot save mdev %s: %s: %s", uuid, path, strerror(errno));
    json_object_put(o);
    return rc;
}

void persist_mdev_forget(const char *state_dir, struct schid parent, const char *uuid)
{
    char dir[4200], path[4300];
    parent_dir(state_dir, parent, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, uuid);
    if (unlink(path) && errno != ENOENT)
        log_warn("cannot forget mdev %s: %s: %s", uuid, path, strerror(errno));
    rmdir(dir);   /* only succeeds when empty; mdevctl leaves no empty parents either */
}

/* Is this a definition we should start?  Only vfio_ccw-io with start "auto". */
static bool auto_start(const char *path)
{
    json_object *o = json_object_from_file(path);
    if (!o) {
        log_warn("%s: not a JSON mdev definition, ignored", path);
        return false;
    }
    json_object *t, *s;
    bool ok = json_object_object_get_ex(o, "mdev_type", &t) && json_object_is_type(t, json_type_string)
              && !strcmp(json_object_get_string(t), HOST_MDEV_TYPE);
    if (!ok)
        log_warn("%s: mdev_type is not %s, ignored", path, HOST_MDEV_TYPE);
    ok = ok && json_object_object_get_ex(o, "start", &s) && json_object_is_type(s, json_type_string)
         && !strcmp(json_object_get_string(s), "auto");
    json_object_put(o);
    return ok;
}

static int restore_one(struct host *h, struct host_sch *hs, const char *uuid)
{
    char err[256], out[37];
    if (hs->driver == HOST_DRV_IO && host_sch_unbind(h, hs, err, sizeof err) < 0) {
        log_warn("restore mdev %s: %s", uuid, err);
        return 0;
    }
    if (hs->driver == HOST_DRV_NONE && host_sch_bind(h, hs, HOST_DRV_VFIO_NAME, err, sizeof err) < 0) {
        log_warn("restore mdev %s: %s", uuid, err);
        return 0;
    }
    if (host_mdev_create(h, hs, uuid, out, err, sizeof err) < 0) {
        log_warn("restore mdev %s: %s", uuid, err);
        return 0;
    }
    log_info("restored mdev %s", out);
    return 1;
}

static int restore_parent(struct host *h, const char *top, const char *parent)
{
    struct host_sch *hs = host_find_sch_str(h, parent);
    char dir[4400];
    if (snprintf(dir, sizeof dir, "%s/%s", top, parent) >= (int)sizeof dir)
        return 0;
    if (!hs) {
        log_warn("%s: no subchannel %s in this configuration, ignored", dir, parent);
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char path[4700];
        if (e->d_name[0] == '.' || strlen(e->d_name) != 36)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        if (auto_start(path))
            n += restore_one(h, hs, e->d_name);
    }
    closedir(d);
    return n;
}

int persist_restore(struct host *h)
{
    char top[4200];
    snprintf(top, sizeof top, "%s/mdevctl.d", h->state_dir);
    DIR *d = opendir(top);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n += restore_parent(h, top, e->d_name);
    closedir(d);
    return n;
}
