// SPDX-License-Identifier: GPL-2.0-or-later
/* ccwpassd configuration: INI file (libinih) and defaults. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/config.h"
#include "dev/eckd.h"
#include "daemon/proto.h"
#include "img/rbd.h"

void cfg_init(struct daemon_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->socket_path, sizeof c->socket_path, "%s", CCWP_DEFAULT_SOCKET);
    snprintf(c->view_dir, sizeof c->view_dir, "%s", CFG_DEFAULT_VIEW);
    snprintf(c->state_dir, sizeof c->state_dir, "%s", CFG_DEFAULT_STATE);
    snprintf(c->mdevctl_dir, sizeof c->mdevctl_dir, "%s", CFG_DEFAULT_MDEVCTL);
}

static size_t strip_len(const char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n')
        n--;
    return n;
}

/* Strict hex number of at most `maxdigits` digits, whole string. */
static int parse_hex(const char *s, size_t len, unsigned maxdigits, unsigned long *out)
{
    if (len == 0 || len > maxdigits)
        return -1;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return 0;
}

int parse_busid(const char *s, uint8_t *cssid, uint8_t *ssid, uint16_t *num)
{
    size_t len = strip_len(s);
    const char *d1 = memchr(s, '.', len);
    if (!d1)
        return -1;
    const char *d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s));
    if (!d2)
        return -1;
    unsigned long a, b, c;
    if (parse_hex(s, (size_t)(d1 - s), 2, &a) || parse_hex(d1 + 1, (size_t)(d2 - d1 - 1), 1, &b)
        || parse_hex(d2 + 1, len - (size_t)(d2 + 1 - s), 4, &c))
        return -1;
    if (a > CSS_MAX_CSSID || b > CSS_MAX_SSID || len - (size_t)(d2 + 1 - s) != 4)
        return -1;
    *cssid = (uint8_t)a;
    *ssid = (uint8_t)b;
    *num = (uint16_t)c;
    return 0;
}

int parse_schid(const char *s, struct schid *id)
{
    return parse_busid(s, &id->cssid, &id->ssid, &id->schno);
}

int parse_chpid(const char *s, uint8_t *cssid, uint8_t *chpid)
{
    size_t len = strip_len(s);
    const char *dot = memchr(s, '.', len);
    unsigned long a = 0, b;
    if (dot) {
        if (parse_hex(s, (size_t)(dot - s), 2, &a) || parse_hex(dot + 1, len - (size_t)(dot + 1 - s), 2, &b))
            return -1;
    } else if (parse_hex(s, len, 2, &b)) {
        return -1;
    }
    if (a > CSS_MAX_CSSID)
        return -1;
    *cssid = (uint8_t)a;
    *chpid = (uint8_t)b;
    return 0;
}

void format_schid(struct schid id, char out[16])
{
    snprintf(out, 16, "%x.%x.%04x", id.cssid, id.ssid, id.schno);
}

void cfg_device_defaults(struct cfg_device *d, uint16_t devno, struct schid schid)
{
    memset(d, 0, sizeof *d);
    d->cssid = schid.cssid;
    d->ssid = schid.ssid;
    d->devno = devno;
    d->schid = schid;
    d->cyls = CFG_DEFAULT_CYLS;
    d->chpids[0] = CFG_DEFAULT_CHPID;
    d->pim = 0x80;
    d->cu_ssid = 0x0100 | (uint16_t)(devno >> 8);
    d->unit_addr = (uint8_t)devno;
}

/* ---- the INI file ----------------------------------------------------------- */

/*
 * libinih reports keys only, with the name of their section: a section
 * without keys never reaches the handler, and two adjacent sections of the
 * same name look like one.  So the lines reach libinih through our reader
 * (cfg_read_line), which sees every section header as libinih will parse
 * it and opens the section there; the handler only fills in keys.
 */
#define INI_UTF8_BOM      "\xEF\xBB\xBF"
#define INI_COMMENT_CHARS ";#"     /* libinih's start-of-line comments */
#define INI_LINE_RESERVE  3        /* libinih's line buffer holds \r, \n and \0 too */
#define SECTION_MAX       128
#define KEY_MAX           32

enum section_kind { SEC_CHPID, SEC_DEVICE, SEC_DAEMON };

struct ini_ctx {
    struct daemon_config *c;
    FILE *f;
    unsigned lineno;                /* of the line libinih is parsing */
    unsigned dev0, chp0;            /* the first entries this file adds */
    unsigned dev_line[CFG_MAX_DEVICES], chp_line[CFG_MAX_CHPIDS];
    char section[SECTION_MAX];      /* the open section, as written */
    void *cur;                      /* struct cfg_chpid / cfg_device / daemon_config being filled */
    enum section_kind kind;         /* ... which of them */
    unsigned section_line;          /* the open section's header line */
    unsigned nkeys;                 /* keys the open section has had */
    unsigned nsections;             /* sections this file has opened */
    char key[KEY_MAX];              /* the last key of the open section, "" if none */
    char err[256];                  /* the first error ... */
    unsigned err_line;              /* ... and its line */
    int read_errno;                 /* why fgets failed, 0 at the end of the file */
};

/* Record the first error, at `line` (later ones would be about a config
 * already wrong). */
__attribute__((format(printf, 3, 0))) static void ini_vfail(struct ini_ctx *x, unsigned line, const char *fmt,
                                                             va_list ap)
{
    if (x->err[0])
        return;
    vsnprintf(x->err, sizeof x->err, fmt, ap);
    x->err_line = line;
}

/* A mistake on the line being read. */
__attribute__((format(printf, 2, 3))) static void ini_fail(struct ini_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ini_vfail(x, x->lineno, fmt, ap);
    va_end(ap);
}

/* A mistake on an earlier line than the one being read. */
__attribute__((format(printf, 3, 4))) static void ini_fail_at(struct ini_ctx *x, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ini_vfail(x, line, fmt, ap);
    va_end(ap);
}

/* The keys a section may have: anything else is named as unknown. */
static const char *const device_keys[] = {
    "type", "image", "capacity", "model", "cyls", "readonly", "sync", "shared", "subchannel", "chpids", "pim",
    "ssid", "unit_addr",
};
static const char *const chpid_keys[] = { "type" };
static const char *const daemon_keys[] = { "mdevctl_dir", "socket_group" };

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

static bool known_key(const struct ini_ctx *x, const char *name)
{
    const char *const *keys = daemon_keys;
    size_t n = NKEYS(daemon_keys);
    if (x->kind == SEC_DEVICE) {
        keys = device_keys;
        n = NKEYS(device_keys);
    } else if (x->kind == SEC_CHPID) {
        keys = chpid_keys;
        n = NKEYS(chpid_keys);
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], name))
            return true;
    return false;
}

/* A [device] section without keys: a device whose keys were forgotten or
 * commented out, so not silently one with every default.  0, or -1 with
 * the error recorded at the section's line. */
static int close_section(struct ini_ctx *x)
{
    if (x->cur && x->kind == SEC_DEVICE && x->nkeys == 0) {
        ini_fail_at(x, x->section_line, "empty section [%s] (give it its keys, e.g. image = FILE)", x->section);
        return -1;
    }
    return 0;
}

static bool truthy(const char *v, bool *ok)
{
    *ok = true;
    if (!strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on"))
        return true;
    if (!strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off"))
        return false;
    *ok = false;
    return false;
}

/* "50" or "50,51" or "50 51": up to 8 chpids; sets pim if not given later. */
static int parse_chpid_list(struct cfg_device *d, const char *v)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", v);
    unsigned n = 0;
    memset(d->chpids, 0, sizeof d->chpids);
    for (char *save, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        unsigned long x;
        if (n == 8 || parse_hex(t, strlen(t), 2, &x))
            return -1;
        d->chpids[n++] = (uint8_t)x;
    }
    if (n == 0)
        return -1;
    d->pim = (uint8_t)(0xff00 >> n);
    return 0;
}

static int model_cyls(const char *v, uint32_t *cyls)
{
    int m;
    char tail;
    if (sscanf(v, "3390-%d%c", &m, &tail) != 1 || !eckd_cyls_for_model(m))
        return -1;
    *cyls = eckd_cyls_for_model(m);
    return 0;
}

#define SIZE_SHIFT_K 10
#define SIZE_SHIFT_M 20
#define SIZE_SHIFT_G 30

int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned shift = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    switch (*end) {
    case 'k': case 'K': shift = SIZE_SHIFT_K; end++; break;
    case 'm': case 'M': shift = SIZE_SHIFT_M; end++; break;
    case 'g': case 'G': shift = SIZE_SHIFT_G; end++; break;
    default: break;
    }
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int dev_type(struct cfg_device *d, const char *v)
{
    if (!strcmp(v, "3390"))
        d->type = CFG_DEV_3390;
    else if (!strcmp(v, "3490"))
        d->type = CFG_DEV_3490;
    else
        return -1;
    return 0;
}

static int dev_key(struct cfg_device *d, const char *k, const char *v)
{
    unsigned long x;
    bool ok = true;
    if (!strcmp(k, "type"))
        return dev_type(d, v);
    if (!strcmp(k, "image"))
        return snprintf(d->image, sizeof d->image, "%s", v) >= (int)sizeof d->image ? -1 : 0;
    if (!strcmp(k, "capacity"))
        return parse_size(v, &d->capacity);
    if (!strcmp(k, "model")) {
        d->cyls_given = true;
        return model_cyls(v, &d->cyls);
    }
    if (!strcmp(k, "cyls")) {
        char *end;
        x = strtoul(v, &end, 10);
        d->cyls = (uint32_t)x;
        d->cyls_given = true;
        return *end || x == 0 || x > 65520 ? -1 : 0;
    }
    if (!strcmp(k, "readonly")) {
        d->readonly = truthy(v, &ok);
        return ok ? 0 : -1;
    }
    if (!strcmp(k, "sync")) {
        d->sync = truthy(v, &ok);
        return ok ? 0 : -1;
    }
    if (!strcmp(k, "shared")) {
        d->shared = truthy(v, &ok);
        return ok ? 0 : -1;
    }
    if (!strcmp(k, "subchannel"))
        return parse_schid(v, &d->schid);
    if (!strcmp(k, "chpids"))
        return parse_chpid_list(d, v);
    if (!strcmp(k, "pim") && !parse_hex(v, strlen(v), 2, &x) && x)
        return d->pim = (uint8_t)x, 0;
    if (!strcmp(k, "ssid") && !parse_hex(v, strlen(v), 4, &x))
        return d->cu_ssid = (uint16_t)x, 0;
    if (!strcmp(k, "unit_addr") && !parse_hex(v, strlen(v), 2, &x))
        return d->unit_addr = (uint8_t)x, 0;
    return -1;
}

static int chp_key(struct cfg_chpid *p, const char *k, const char *v)
{
    unsigned long x;
    if (!strcmp(k, "type") && !parse_hex(v, strlen(v), 2, &x))
        return p->type = (uint8_t)x, 0;
    return -1;
}

static int open_chpid(struct ini_ctx *x, const char *id)
{
    struct daemon_config *c = x->c;
    uint8_t cssid, chpid;
    if (parse_chpid(id, &cssid, &chpid)) {
        ini_fail(x, "[%s]: '%s' is not a channel-path id like 0.50", x->section, id);
        return -1;
    }
    for (unsigned i = x->chp0; i < c->nchp; i++) {
        if (c->chp[i].cssid == cssid && c->chp[i].chpid == chpid) {
            ini_fail(x, "duplicate section [%s] (first at line %u)", x->section, x->chp_line[i]);
            return -1;
        }
    }
    if (c->nchp == CFG_MAX_CHPIDS) {
        ini_fail(x, "[%s]: too many channel paths (at most %d)", x->section, CFG_MAX_CHPIDS);
        return -1;
    }
    x->chp_line[c->nchp] = x->lineno;
    struct cfg_chpid *p = &c->chp[c->nchp++];
    *p = (struct cfg_chpid){ cssid, chpid, CHP_TYPE_FC };
    x->cur = p;
    x->kind = SEC_CHPID;
    return 0;
}

static int open_device(struct ini_ctx *x, const char *id)
{
    struct daemon_config *c = x->c;
    uint8_t cssid, ssid;
    uint16_t devno;
    if (parse_busid(id, &cssid, &ssid, &devno)) {
        ini_fail(x, "[%s]: '%s' is not a device number like 0.0.7e52", x->section, id);
        return -1;
    }
    for (unsigned i = x->dev0; i < c->ndev; i++) {
        const struct cfg_device *e = &c->dev[i];
        if (e->cssid == cssid && e->ssid == ssid && e->devno == devno) {
            ini_fail(x, "duplicate section [%s] (first at line %u)", x->section, x->dev_line[i]);
            return -1;
        }
    }
    if (c->ndev == CFG_MAX_DEVICES) {
        ini_fail(x, "[%s]: too many devices (at most %d)", x->section, CFG_MAX_DEVICES);
        return -1;
    }
    x->dev_line[c->ndev] = x->lineno;
    struct cfg_device *d = &c->dev[c->ndev++];
    /* the subchannel defaults to the device number until subchannel= says otherwise */
    cfg_device_defaults(d, devno, (struct schid){ cssid, ssid, devno });
    x->cur = d;
    x->kind = SEC_DEVICE;
    return 0;
}

/* [daemon]: settings of ccwpassd itself (a flag given on the command line wins) */
static int open_daemon(struct ini_ctx *x)
{
    x->cur = x->c;
    x->kind = SEC_DAEMON;
    return 0;
}

static int daemon_key(struct daemon_config *c, const char *k, const char *v)
{
    if (!strcmp(k, "mdevctl_dir") && v[0] == '/' && strlen(v) < sizeof c->mdevctl_dir) {
        snprintf(c->mdevctl_dir, sizeof c->mdevctl_dir, "%s", v);
        return 0;
    }
    if (!strcmp(k, "socket_group") && v[0] && strlen(v) < sizeof c->socket_group) {
        snprintf(c->socket_group, sizeof c->socket_group, "%s", v);
        return 0;
    }
    return -1;
}

/* A header line "[kind id]" (hdr points at '['), optionally followed by a
 * comment; 0, or -1 with the error recorded. */
static int open_section(struct ini_ctx *x, const char *hdr)
{
    const char *end = strchr(hdr, ']');
    if (!end) {
        ini_fail(x, "section header without ']'");
        return -1;
    }
    if (close_section(x))
        return -1;
    snprintf(x->section, sizeof x->section, "%.*s", (int)(end - hdr - 1), hdr + 1);
    x->cur = NULL;
    x->key[0] = 0;
    x->section_line = x->lineno;
    x->nkeys = 0;
    x->nsections++;
    const char *rest = end + 1;
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest && !strchr(INI_COMMENT_CHARS, *rest)) {
        ini_fail(x, "text after the section header [%s]", x->section);
        return -1;
    }
    char words[SECTION_MAX], *save;
    snprintf(words, sizeof words, "%s", x->section);
    const char *kind = strtok_r(words, " \t", &save);
    const char *id = kind ? strtok_r(NULL, " \t", &save) : NULL;
    bool two_words = id && !strtok_r(NULL, " \t", &save);
    if (two_words && !strcmp(kind, "chpid"))
        return open_chpid(x, id);
    if (two_words && !strcmp(kind, "device"))
        return open_device(x, id);
    if (kind && !id && !strcmp(kind, "daemon"))
        return open_daemon(x);
    ini_fail(x, "unknown section [%s] (expected [chpid C.XX], [device C.S.DDDD] or [daemon])", x->section);
    return -1;
}

/*
 * libinih's reader: one line as fgets gives it, looked at before libinih
 * parses it.  Ends the parse (NULL) at the first error.  Mirrors libinih's
 * classification: comment or blank, continuation of the last key's value
 * (an indented line after a key), section header, key.
 */
static char *cfg_read_line(char *str, int num, void *stream)
{
    struct ini_ctx *x = stream;
    if (x->err[0])
        return NULL;
    if (!fgets(str, num, x->f)) {
        x->read_errno = ferror(x->f) ? errno : 0;
        return NULL;
    }
    x->lineno++;
    if (!strchr(str, '\n') && !feof(x->f)) {
        ini_fail(x, "line longer than %d characters", num - INI_LINE_RESERVE);
        return NULL;
    }
    const char *start = str;
    if (x->lineno == 1 && !strncmp(start, INI_UTF8_BOM, strlen(INI_UTF8_BOM)))
        start += strlen(INI_UTF8_BOM);
    while (isspace((unsigned char)*start))
        start++;
    if (!*start || strchr(INI_COMMENT_CHARS, *start))
        return str;
    if (start > str && x->key[0]) {
        /* libinih would append it to the key's value: "  model = 3390-3"
         * after "image = x" silently becomes part of the image path */
        ini_fail(x, "indented line would continue the value of '%s' (remove the indentation)", x->key);
        return NULL;
    }
    if (*start == '[' && open_section(x, start))
        return NULL;
    return str;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *x = user;
    (void)section;     /* cfg_read_line opened it */
    if (!x->cur) {
        ini_fail(x, "'%s' outside a [chpid], [device] or [daemon] section", name);
        return 0;
    }
    snprintf(x->key, sizeof x->key, "%s", name);
    x->nkeys++;
    if (!known_key(x, name)) {
        ini_fail(x, "unknown key '%s' in [%s]", name, x->section);
        return 0;
    }
    int rc = x->kind == SEC_DEVICE ? dev_key(x->cur, name, value)
           : x->kind == SEC_CHPID  ? chp_key(x->cur, name, value) : daemon_key(x->cur, name, value);
    if (rc) {
        ini_fail(x, "[%s] bad value for %s: '%s'%s", x->section, name, value,
                 x->kind == SEC_DAEMON ? " (an absolute directory)" : "");
        return 0;
    }
    return 1;
}

/* The config file, opened without blocking on a FIFO; only a regular file is
 * read (a FIFO, /dev/zero or a directory would hang or read as empty). */
static FILE *open_config(const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st)) {
        snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, not a config file", path);
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (a config file cannot be a FIFO, socket or device)", path);
    } else {
        int fl = fcntl(fd, F_GETFL);
        FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) ? NULL : fdopen(fd, "r");
        if (f)
            return f;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    }
    close(fd);
    return NULL;
}

int cfg_load_file(struct daemon_config *c, const char *path, char *err, size_t errlen)
{
    struct ini_ctx x = { .c = c, .dev0 = c->ndev, .chp0 = c->nchp };
    x.f = open_config(path, err, errlen);
    if (!x.f)
        return -1;
    int rc = ini_parse_stream(cfg_read_line, &x, on_ini, &x);
    fclose(x.f);
    if (rc == 0 && !x.read_errno)
        close_section(&x);      /* the last section ends with the file */
    if (x.err[0] && (rc <= 0 || (unsigned)rc >= x.err_line)) {
        snprintf(err, errlen, "%s:%u: %s", path, x.err_line, x.err);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected name = value or a [section] header)", path, rc);
        return -1;
    }
    if (rc < 0 || x.read_errno) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(rc < 0 ? ENOMEM : x.read_errno));
        return -1;
    }
    /* without this, the built-in default would start instead */
    if (x.nsections == 0) {
        snprintf(err, errlen, "%s: empty config file: no [device C.S.DDDD] section "
                 "(leave out --config for the built-in default)", path);
        return -1;
    }
    if (c->ndev == x.dev0) {
        snprintf(err, errlen, "%s: no [device C.S.DDDD] section (only channel paths)", path);
        return -1;
    }
    return 0;
}

static bool have_chpid(const struct daemon_config *c, uint8_t cssid, uint8_t chpid)
{
    for (unsigned i = 0; i < c->nchp; i++)
        if (c->chp[i].cssid == cssid && c->chp[i].chpid == chpid)
            return true;
    return false;
}

/* The same file, by name or (when both exist) by inode.  An rbd: name is
 * no path: only the name compares (RBD's exclusive lock refuses a second
 * read-write open of one image under another spelling). */
static bool same_image(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a[0] || !b[0])
        return false;       /* "" is <state>/dasd-<busid>.cckd, one per device */
    if (!strcmp(a, b))
        return true;
    if (img_is_rbd(a) || img_is_rbd(b))
        return false;
    return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int check_unique(const struct daemon_config *c, unsigned i, char *err, size_t errlen)
{
    const struct cfg_device *d = &c->dev[i];
    for (unsigned j = 0; j < i; j++) {
        const struct cfg_device *e = &c->dev[j];
        if (same_image(e->image, d->image)) {
            snprintf(err, errlen, "image %s is listed twice: devices %x.%x.%04x and %x.%x.%04x "
                     "(each device needs its own image file)", d->image, e->cssid, e->ssid, e->devno,
                     d->cssid, d->ssid, d->devno);
            return -1;
        }
        if (e->cssid == d->cssid && e->ssid == d->ssid && e->devno == d->devno) {
            snprintf(err, errlen, "device %x.%x.%04x configured twice", d->cssid, d->ssid, d->devno);
            return -1;
        }
        if (!memcmp(&e->schid, &d->schid, sizeof d->schid)) {
            snprintf(err, errlen, "subchannel %x.%x.%04x used by two devices", d->schid.cssid,
                     d->schid.ssid, d->schid.schno);
            return -1;
        }
    }
    return 0;
}

/* Keys that belong to the other device type are a mistake worth a message. */
static int check_type_keys(const struct cfg_device *d, char *err, size_t errlen)
{
    if (d->type == CFG_DEV_3490 && d->cyls_given) {
        snprintf(err, errlen, "device %x.%x.%04x: model/cyls are 3390 keys; a 3490 takes capacity = SIZE",
                 d->cssid, d->ssid, d->devno);
        return -1;
    }
    if (d->type == CFG_DEV_3490 && d->shared) {
        snprintf(err, errlen, "device %x.%x.%04x: shared is a 3390 key (a 3490 is not shared)", d->cssid,
                 d->ssid, d->devno);
        return -1;
    }
    if (d->shared && !d->image[0]) {
        snprintf(err, errlen, "device %x.%x.%04x: shared = yes needs image = FILE (the volume the hosts share)",
                 d->cssid, d->ssid, d->devno);
        return -1;
    }
    if (d->type == CFG_DEV_3390 && d->capacity) {
        snprintf(err, errlen, "device %x.%x.%04x: capacity is a 3490 key; a 3390 takes model or cyls",
                 d->cssid, d->ssid, d->devno);
        return -1;
    }
    return 0;
}

int cfg_finish(struct daemon_config *c, char *err, size_t errlen)
{
    if (c->ndev == 0) {
        cfg_device_defaults(&c->dev[0], CFG_DEFAULT_DEVNO, (struct schid){ 0, 0, CFG_DEFAULT_SCHNO });
        c->ndev = 1;
    }
    for (unsigned i = 0; i < c->ndev; i++) {
        struct cfg_device *d = &c->dev[i];
        if (check_unique(c, i, err, errlen) || check_type_keys(d, err, errlen))
            return -1;
        if (d->schid.cssid != d->cssid || d->schid.ssid != d->ssid) {
            snprintf(err, errlen, "device %x.%x.%04x: subchannel must be in the same css and subchannel set",
                     d->cssid, d->ssid, d->devno);
            return -1;
        }
        for (unsigned p = 0; p < 8; p++) {
            if (!(d->pim & (0x80 >> p)) || have_chpid(c, d->cssid, d->chpids[p]))
                continue;
            if (c->nchp == CFG_MAX_CHPIDS) {
                snprintf(err, errlen, "too many channel paths");
                return -1;
            }
            c->chp[c->nchp++] = (struct cfg_chpid){ d->cssid, d->chpids[p], CHP_TYPE_FC };
        }
    }
    return 0;
}
