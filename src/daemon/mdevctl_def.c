// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mdevctl's persistent definitions (mdevctl(8), its /etc/mdevctl.d layout):
 * read-only here; mdevctl define/modify/undefine write them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "daemon/mdevctl_def.h"

#define DEF_MAX_BYTES   (64 * 1024)     /* a definition is a few hundred bytes */
#define DEF_UUID_LEN    36
#define DEF_SCRIPTS_DIR "scripts.d"     /* mdevctl's callouts and notifiers, not a parent */
#define DEF_START_AUTO  "auto"
#define DEF_START_MAN   "manual"
#define DEF_PATH_MAX    8192
#define DEF_WHY_MAX     256
#define JSON_SPACE      " \t\r\n"     /* RFC 8259 whitespace */

enum scan_mode {
    SCAN_COUNT,     /* count the startable definitions, log nothing */
    SCAN_REPORT,    /* log what is wrong, start nothing */
    SCAN_START,     /* log, and start the startable ones */
};

/* The contents of path, NUL-terminated, in *out (free() it): a regular
 * file (a FIFO would block, a device never end) of at most DEF_MAX_BYTES.
 * The length, or -1 with the reason in why. */
static ssize_t read_small_file(const char *path, char **out, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st))
        snprintf(why, whylen, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(why, whylen, "not a regular file");
    else if (st.st_size > DEF_MAX_BYTES)
        snprintf(why, whylen, "larger than %d bytes", DEF_MAX_BYTES);
    else
        why[0] = 0;
    if (why[0]) {
        close(fd);
        return -1;
    }
    char *buf = malloc(DEF_MAX_BYTES + 1);
    size_t len = 0;
    ssize_t r = 0;
    int rerr = 0;
    if (!buf) {
        snprintf(why, whylen, "out of memory");
        close(fd);
        return -1;
    }
    do {    /* the file may have grown since fstat */
        r = read(fd, buf + len, DEF_MAX_BYTES + 1 - len);
        if (r > 0)
            len += (size_t)r;
    } while (r > 0 && len <= DEF_MAX_BYTES);
    rerr = errno;
    close(fd);
    if (r < 0 || len > DEF_MAX_BYTES) {
        if (r < 0)
            snprintf(why, whylen, "cannot read: %s", strerror(rerr));
        else
            snprintf(why, whylen, "larger than %d bytes", DEF_MAX_BYTES);
        free(buf);
        return -1;
    }
    buf[len] = 0;
    *out = buf;
    return (ssize_t)len;
}

/* A definition file's one JSON value, or NULL with the reason in why. */
static json_object *read_def(const char *path, char *why, size_t whylen)
{
    char *buf;
    ssize_t len = read_small_file(path, &buf, why, whylen);
    if (len < 0)
        return NULL;
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(why, whylen, "out of memory");
        free(buf);
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    bool trailing = e == json_tokener_success && end + strspn(buf + end, JSON_SPACE) < (size_t)len;
    if (e != json_tokener_success)
        snprintf(why, whylen, "malformed: %s",
                 e == json_tokener_continue ? "unexpected end of file" : json_tokener_error_desc(e));
    else if (trailing)
        snprintf(why, whylen, "malformed: text after the JSON value");
    else if (!o)
        snprintf(why, whylen, "malformed: not a JSON object");   /* the file is "null" */
    if (e != json_tokener_success || trailing) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    free(buf);
    return o;
}

/* A string member of o, or NULL. */
static const char *member_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/*
 * Is the definition o one to start?  1 yes, 0 no (why says so, or is ""
 * for a manual definition, which is nobody's mistake).
 */
static int def_startable(json_object *o, char *why, size_t whylen)
{
    json_object *attrs;
    why[0] = 0;
    if (!json_object_is_type(o, json_type_object)) {
        snprintf(why, whylen, "malformed: not a JSON object");
        return 0;
    }
    const char *type = member_str(o, "mdev_type");
    const char *start = member_str(o, "start");
    bool have_attrs = json_object_object_get_ex(o, "attrs", &attrs);
    if (!type) {
        snprintf(why, whylen, "malformed: no \"mdev_type\" string");
        return 0;
    }
    if (!start || (strcmp(start, DEF_START_AUTO) && strcmp(start, DEF_START_MAN))) {
        snprintf(why, whylen, "malformed: \"start\" is neither \"%s\" nor \"%s\"", DEF_START_AUTO, DEF_START_MAN);
        return 0;
    }
    if (have_attrs && !json_object_is_type(attrs, json_type_array)) {
        snprintf(why, whylen, "malformed: \"attrs\" is not an array");
        return 0;
    }
    if (strcmp(type, HOST_MDEV_TYPE)) {
        snprintf(why, whylen, "skipped: type %.64s is not %s", type, HOST_MDEV_TYPE);
        return 0;
    }
    if (strcmp(start, DEF_START_AUTO))
        return 0;
    if (have_attrs && json_object_array_length(attrs) > 0) {
        /* mdevctl writes each {"name": "value"} into the mdev's sysfs
         * directory; a vfio_ccw-io mdev has no attribute to write */
        json_object *a = json_object_array_get_idx(attrs, 0);
        if (json_object_is_type(a, json_type_object) && json_object_object_length(a) > 0) {
            struct json_object_iterator it = json_object_iter_begin(a);
            snprintf(why, whylen, "skipped: attribute \"%.64s\" does not exist on a %s mdev",
                     json_object_iter_peek_name(&it), HOST_MDEV_TYPE);
        } else {
            snprintf(why, whylen, "malformed: \"attrs\" holds something other than {\"name\": value}");
        }
        return 0;
    }
    return 1;
}

/* A canonical (lower-case) UUID as mdevctl names its files, or -1. */
static int file_uuid(const char *name, char out[DEF_UUID_LEN + 1])
{
    uuid_t u;
    if (strlen(name) != DEF_UUID_LEN || uuid_parse(name, u))
        return -1;
    uuid_unparse_lower(u, out);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* scandir filter: not ".", "..", nor a hidden file (an editor's or mdevctl's temporary) */
static int visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Start the definition path (uuid) on hs, bound to vfio_ccw.  1 if started. */
static int start_def(struct host *h, struct host_sch *hs, const char *path, const char *uuid)
{
    char err[256], sch[16];
    struct vfio_ccw_mdev *m = vfio_ccw_parent_mdev(hs->parent);
    format_schid(hs->cfg.schid, sch);
    if (m) {
        if (strcmp(vfio_ccw_mdev_uuid(m), uuid))
            log_warn("mdevctl definition %s: not started: subchannel %s already has mdev %s "
                     "(one per subchannel)", path, sch, vfio_ccw_mdev_uuid(m));
        return 0;
    }
    if (host_mdev_create(h, hs, uuid, NULL, err, sizeof err) < 0) {
        log_warn("mdevctl definition %s: not started: %s", path, err);
        return 0;
    }
    log_info("mdevctl definition %s: started", path);
    return 1;
}

/*
 * Go through the definitions in dir (the parent directory of hs, or of a
 * parent that is not ours when hs is NULL).  Returns the number startable
 * (SCAN_COUNT, SCAN_REPORT) or started (SCAN_START).
 */
static int scan_parent(struct host *h, struct host_sch *hs, const char *dir, const char *parent,
                       enum scan_mode mode)
{
    struct dirent **ents;
    int nent = scandir(dir, &ents, visible, by_name);
    int n = 0;
    bool quiet = mode == SCAN_COUNT;
    if (nent < 0) {
        if (errno != ENOENT && !quiet)
            log_warn("mdevctl definitions %s: cannot read: %s", dir, strerror(errno));
        return 0;
    }
    for (int i = 0; i < nent; i++) {
        char path[DEF_PATH_MAX], why[DEF_WHY_MAX], uuid[DEF_UUID_LEN + 1];
        if (snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name) >= (int)sizeof path)
            continue;
        json_object *o = NULL;
        int ok = 0;
        if (!hs)
            snprintf(why, sizeof why, "skipped: %s is not a subchannel of this ccwpassd", parent);
        else if (file_uuid(ents[i]->d_name, uuid))
            snprintf(why, sizeof why, "skipped: the file name is not a UUID");
        else
            o = read_def(path, why, sizeof why);
        if (o)
            ok = def_startable(o, why, sizeof why);
        json_object_put(o);
        if (!ok && why[0] && !quiet)
            log_warn("mdevctl definition %s: %s", path, why);
        if (ok)
            n += mode == SCAN_START ? start_def(h, hs, path, uuid) : 1;
    }
    for (int i = 0; i < nent; i++)
        free(ents[i]);
    free(ents);
    return n;
}

static int parent_dir(const struct host *h, const char *parent, char *out, size_t cap)
{
    return snprintf(out, cap, "%s/%s", h->mdevctl_dir, parent) >= (int)cap ? -1 : 0;
}

int mdevctl_def_start_parent(struct host *h, struct host_sch *hs)
{
    char dir[DEF_PATH_MAX], sch[16];
    if (!h->mdevctl_dir[0] || hs->driver != HOST_DRV_VFIO)
        return 0;
    format_schid(hs->cfg.schid, sch);
    if (parent_dir(h, sch, dir, sizeof dir))
        return 0;
    return scan_parent(h, hs, dir, sch, SCAN_START);
}

/* At startup: hs has definitions in dir; move it to vfio_ccw if one is
 * startable (the bind starts it), else log what is wrong with them. */
static int autostart_parent(struct host *h, struct host_sch *hs, const char *dir, const char *parent)
{
    char err[256];
    if (hs->driver == HOST_DRV_VFIO)
        return mdevctl_def_start_parent(h, hs);
    if (scan_parent(h, hs, dir, parent, SCAN_COUNT) == 0) {
        scan_parent(h, hs, dir, parent, SCAN_REPORT);
        return 0;
    }
    if (hs->driver == HOST_DRV_IO && host_sch_unbind(h, hs, err, sizeof err) < 0) {
        log_warn("mdevctl definitions %s: cannot unbind %s from %s: %s", dir, parent, HOST_DRV_IO_NAME, err);
        return 0;
    }
    if (host_sch_bind(h, hs, HOST_DRV_VFIO_NAME, err, sizeof err) < 0) {
        log_warn("mdevctl definitions %s: cannot bind %s to %s: %s", dir, parent, HOST_DRV_VFIO_NAME, err);
        return 0;
    }
    return vfio_ccw_parent_mdev(hs->parent) ? 1 : 0;
}

int mdevctl_def_autostart(struct host *h)
{
    struct dirent **ents;
    char path[DEF_PATH_MAX];
    int n = 0;
    if (!h->mdevctl_dir[0])
        return 0;
    int nent = scandir(h->mdevctl_dir, &ents, visible, by_name);
    if (nent < 0) {
        if (errno != ENOENT)
            log_warn("mdevctl definitions %s: cannot read: %s", h->mdevctl_dir, strerror(errno));
        return 0;
    }
    for (int i = 0; i < nent; i++) {
        const char *parent = ents[i]->d_name;
        struct stat st;
        if (!strcmp(parent, DEF_SCRIPTS_DIR) || parent_dir(h, parent, path, sizeof path))
            continue;
        if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
            log_warn("mdevctl definition %s: skipped: not a parent directory", path);
            continue;
        }
        /* the kernel's name of the subchannel, as mdevctl names the directory */
        struct host_sch *hs = host_find_sch_str(h, parent);
        char sch[16] = "";
        if (hs)
            format_schid(hs->cfg.schid, sch);
        if (hs && !strcmp(sch, parent))
            n += autostart_parent(h, hs, path, parent);
        else
            scan_parent(h, NULL, path, parent, SCAN_REPORT);
    }
    for (int i = 0; i < nent; i++)
        free(ents[i]);
    free(ents);
    return n;
}
