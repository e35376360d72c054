// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tape images: opening, validation of the chunk chain, positioning, reading
 * and writing blocks and tapemarks (src/img/tape.h, docs/tape.md).
 *
 * Crash safety.  An element is written by first cutting the file at the
 * position (if anything follows) and then appending header and data with one
 * pwrite, so a crash leaves either the old tape up to the position or a
 * partial element at the end of the file: a torn tail, which the next open
 * finds (tape_elem_parse says TAPE_ELEM_TORN) and cuts off again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/img_internal.h"
#include "img/tape_internal.h"

#define TAPE_HET_SUFFIX ".het"
/* A zeroed tail no longer than this is a torn element (size grown before its bytes landed). */
#define TAPE_ZERO_TAIL_MAX (TAPE_HDR_SIZE + TAPE_MAX_STORED)

int tape_set_error(struct tape *t, int errno_val, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
    return -errno_val;
}

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Refuse a special file by its name first (opening a FIFO would block), then
 * open without blocking and check again what was opened. */
static int open_regular(const char *path, int flags, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return img_fail(err, errlen, EINVAL, "tape %s is %s, not a regular file", path, file_kind(st.st_mode));
    int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0666);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return img_fail(err, errlen, e, "tape %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return img_fail(err, errlen, EINVAL, "tape %s is %s, not a regular file", path, file_kind(st.st_mode));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        return img_fail(err, errlen, e, "tape %s: %s", path, strerror(e));
    }
    return fd;
}

static int lock_fd(int fd, const char *path, bool rw, char *err, size_t errlen)
{
    struct flock fl = { .l_type = rw ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return 0;
    int e = errno;
    if (e == EAGAIN || e == EACCES)
        return img_fail(err, errlen, EBUSY, "tape %s is in use by another process", path);
    return img_fail(err, errlen, e, "tape %s: cannot lock: %s", path, strerror(e));
}

int tape_create_empty(const char *path, char *err, size_t errlen)
{
    int fd = open_regular(path, O_RDWR | O_CREAT, err, errlen);
    if (fd < 0) {
        if (fd == -EINVAL)
            return fd;
        return img_fail(err, errlen, -fd, "tape %s: cannot create: %s", path, strerror(-fd));
    }
    int rc = lock_fd(fd, path, true, err, errlen);
    if (rc == 0 && ftruncate(fd, 0) < 0)
        rc = img_fail(err, errlen, errno, "tape %s: cannot truncate: %s", path, strerror(errno));
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* ---- the chunk chain -------------------------------------------------------- */

static enum tape_comp hdr_comp(const uint8_t *h)
{
    unsigned c = h[TAPE_HDR_FLAGS1] & TAPE_F1_COMP_MASK;
    if (c == TAPE_F1_ZLIB || (c == 0 && h[TAPE_HDR_FLAGS2] == TAPE_F2_BUSTECH_ZLIB))
        return TAPE_COMP_ZLIB;
    return c == TAPE_F1_BZIP2 ? TAPE_COMP_BZIP2 : TAPE_COMP_NONE;
}

/* true if every byte from off to the end of the file is zero */
static bool zero_tail(int fd, uint64_t off, uint64_t size)
{
    if (size - off > TAPE_ZERO_TAIL_MAX)
        return false;
    uint8_t *b = malloc(size - off + 1);
    bool zero = b && img_pread_full(fd, b, size - off, (off_t)off) == 0;
    for (uint64_t i = 0; zero && i < size - off; i++)
        zero = b[i] == 0;
    free(b);
    return zero;
}

static int damaged(int fd, const char *path, const struct tape_elem *e, uint64_t size, uint64_t at,
                   char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* A chunk header that cannot be right: damage (-EINVAL with a message naming
 * file and offset), unless everything from the element on is zeros. */
static int damaged(int fd, const char *path, const struct tape_elem *e, uint64_t size, uint64_t at,
                   char *err, size_t errlen, const char *fmt, ...)
{
    if (zero_tail(fd, e->off, size))
        return TAPE_ELEM_TORN;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return img_fail(err, errlen, EINVAL, "tape %s: offset %llu: %s", path, (unsigned long long)at, msg);
}

int tape_elem_parse(int fd, const char *path, uint64_t off, uint64_t size, uint16_t prev, struct tape_elem *e,
                    char *err, size_t errlen)
{
    *e = (struct tape_elem){ .off = off, .prev = prev };
    uint64_t at = off;
    uint16_t want_prev = prev;
    for (;;) {
        uint8_t h[TAPE_HDR_SIZE];
        if (size - at < TAPE_HDR_SIZE)
            return TAPE_ELEM_TORN;
        int rc = img_pread_full(fd, h, sizeof h, (off_t)at);
        if (rc < 0)
            return img_fail(err, errlen, -rc, "tape %s: offset %llu: cannot read: %s", path,
                            (unsigned long long)at, strerror(-rc));
        uint16_t len = le16_get(h + TAPE_HDR_CURLEN), hprev = le16_get(h + TAPE_HDR_PRVLEN);
        uint8_t f1 = h[TAPE_HDR_FLAGS1], f2 = h[TAPE_HDR_FLAGS2];
        if (hprev != want_prev)
            return damaged(fd, path, e, size, at, err, errlen,
                           "broken header chain: previous length %u, expected %u", hprev, want_prev);
        if ((f1 & TAPE_F1_UNKNOWN) || (f2 & ~TAPE_F2_BUSTECH_ZLIB))
            return damaged(fd, path, e, size, at, err, errlen, "unknown header flags %02X %02X", f1, f2);
        bool first = at == off;
        if (f1 & TAPE_F1_TAPEMARK) {
            if (!first || len != 0 || f1 != TAPE_F1_TAPEMARK)
                return damaged(fd, path, e, size, at, err, errlen,
                               first ? "bad tapemark header (length %u, flags %02X)"
                                     : "tapemark inside a block (length %u, flags %02X)", len, f1);
            e->tapemark = true;
            e->end = at + TAPE_HDR_SIZE;
            return 0;
        }
        if (len == 0)
            return damaged(fd, path, e, size, at, err, errlen, "empty chunk (flags %02X)", f1);
        if (first != !!(f1 & TAPE_F1_BOR))
            return damaged(fd, path, e, size, at, err, errlen,
                           first ? "block does not begin with a first-chunk flag (flags %02X)"
                                 : "first-chunk flag inside a block (flags %02X)", f1);
        enum tape_comp c = hdr_comp(h);
        if (first)
            e->comp = c;
        else if (c != e->comp)
            return damaged(fd, path, e, size, at, err, errlen,
                           "compression changes inside a block (flags %02X)", f1);
        if (e->stored + len > TAPE_MAX_STORED)
            return damaged(fd, path, e, size, at, err, errlen, "block longer than %u bytes",
                           TAPE_MAX_STORED);
        if (size - at - TAPE_HDR_SIZE < len)
            return TAPE_ELEM_TORN;
        e->stored += len;
        e->chunks++;
        e->last_len = len;
        at += TAPE_HDR_SIZE + len;
        want_prev = len;
        if (f1 & TAPE_F1_EOR) {
            e->end = at;
            return 0;
        }
    }
}

/* The element that ends at t->pos: walk back through the prev lengths to
 * its first chunk, then parse it forward (which validates it again). */
static int elem_before(struct tape *t, struct tape_elem *e)
{
    uint64_t end = t->pos;
    uint16_t len = t->prev;
    for (;;) {
        uint8_t h[TAPE_HDR_SIZE];
        if (end < (uint64_t)TAPE_HDR_SIZE + len)
            return tape_set_error(t, EINVAL, "tape %s: offset %llu: broken header chain backwards", t->path,
                                  (unsigned long long)end);
        uint64_t at = end - TAPE_HDR_SIZE - len;
        int rc = img_pread_full(t->fd, h, sizeof h, (off_t)at);
        if (rc < 0)
            return tape_set_error(t, -rc, "tape %s: offset %llu: cannot read: %s", t->path,
                                  (unsigned long long)at, strerror(-rc));
        if (le16_get(h + TAPE_HDR_CURLEN) != len)
            return tape_set_error(t, EINVAL, "tape %s: offset %llu: broken header chain backwards", t->path,
                                  (unsigned long long)at);
        if (h[TAPE_HDR_FLAGS1] & (TAPE_F1_BOR | TAPE_F1_TAPEMARK)) {
            rc = tape_elem_parse(t->fd, t->path, at, t->size, le16_get(h + TAPE_HDR_PRVLEN), e, t->err,
                                 sizeof t->err);
            if (rc == 0 && e->end != t->pos)
                return tape_set_error(t, EINVAL, "tape %s: offset %llu: broken header chain backwards",
                                      t->path, (unsigned long long)at);
            return rc == TAPE_ELEM_TORN ? tape_set_error(t, EIO, "tape %s: offset %llu: file shrank", t->path,
                                                         (unsigned long long)at) : rc;
        }
        end = at;
        len = le16_get(h + TAPE_HDR_PRVLEN);
    }
}

static int elem_here(struct tape *t, struct tape_elem *e)
{
    int rc = tape_elem_parse(t->fd, t->path, t->pos, t->size, t->prev, e, t->err, sizeof t->err);
    if (rc == TAPE_ELEM_TORN)
        return tape_set_error(t, EIO, "tape %s: offset %llu: block runs past the end of the file", t->path,
                              (unsigned long long)t->pos);
    return rc;
}

static void move_past(struct tape *t, const struct tape_elem *e)
{
    t->pos = e->end;
    t->prev = e->last_len;
    t->blockid++;
}

static void move_before(struct tape *t, const struct tape_elem *e)
{
    t->pos = e->off;
    t->prev = e->prev;
    t->blockid--;
}

/* ---- open / close ------------------------------------------------------------- */

static bool has_het_suffix(const char *path)
{
    size_t n = strlen(path), s = strlen(TAPE_HET_SUFFIX);
    return n >= s && !strcasecmp(path + n - s, TAPE_HET_SUFFIX);
}

/* Walk the whole chain once: damage fails the open, a torn tail is noted. */
static int scan_chain(struct tape *t, enum tape_comp *first_comp, char *err, size_t errlen)
{
    uint64_t off = 0;
    uint16_t prev = 0;
    *first_comp = TAPE_COMP_NONE;
    while (off < t->size) {
        struct tape_elem e;
        int rc = tape_elem_parse(t->fd, t->path, off, t->size, prev, &e, err, errlen);
        if (rc == TAPE_ELEM_TORN) {
            t->torn = (int64_t)off;
            return 0;
        }
        if (rc < 0)
            return rc;
        if (*first_comp == TAPE_COMP_NONE)
            *first_comp = e.comp;
        off = e.end;
        prev = e.last_len;
    }
    return 0;
}

static int cut_torn_tail(struct tape *t, uint64_t file_size, char *err, size_t errlen)
{
    tape_set_error(t, 0, "tape %s: torn tail at offset %llu (%llu bytes of a partly written block)%s", t->path,
                   (unsigned long long)t->torn, (unsigned long long)(file_size - (uint64_t)t->torn),
                   t->ro ? " ignored: end of data there" : " cut off");
    t->size = (uint64_t)t->torn;
    if (t->ro)
        return 0;
    if (ftruncate(t->fd, (off_t)t->size) < 0 || fdatasync(t->fd) < 0)
        return img_fail(err, errlen, errno, "tape %s: cannot cut the torn tail at offset %llu: %s", t->path,
                        (unsigned long long)t->torn, strerror(errno));
    return 0;
}

static void tape_free(struct tape *t)
{
    if (t->fd >= 0)
        close(t->fd);
    free(t->path);
    free(t->stored);
    free(t->plain);
    free(t);
}

static int open_fd(struct tape *t, const struct tape_open_ex *x, char *err, size_t errlen)
{
    int fd = open_regular(t->path, t->ro ? O_RDONLY : O_RDWR, err, errlen);
    if (fd < 0 && !t->ro && (fd == -EACCES || fd == -EROFS)) {
        t->ro = true;           /* no write permission: a write-protected cartridge */
        fd = open_regular(t->path, O_RDONLY, err, errlen);
    }
    if (fd == -EINVAL)
        return fd;
    if (fd < 0)
        return img_fail(err, errlen, -fd, "tape %s: cannot open: %s", t->path, strerror(-fd));
    t->fd = fd;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return img_fail(err, errlen, errno, "tape %s: %s", t->path, strerror(errno));
    if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
        t->ro = true;           /* even root honours a file nobody may write */
    if (!x->nolock) {
        int rc = lock_fd(fd, t->path, !t->ro, err, errlen);
        if (rc < 0)
            return rc;
    }
    t->size = (uint64_t)st.st_size;
    return 0;
}

struct tape *tape_open_ex(const char *path, const struct tape_open_opts *o, const struct tape_open_ex *x,
                          char *err, size_t errlen)
{
    static const struct tape_open_opts defaults;
    if (!o)
        o = &defaults;
    struct tape *t = calloc(1, sizeof *t);
    if (t)
        t->path = strdup(path);
    if (!t || !t->path) {
        free(t);
        img_fail(err, errlen, ENOMEM, "tape %s: out of memory", path);
        return NULL;
    }
    t->fd = -1;
    t->torn = -1;
    t->ro = o->readonly;
    t->capacity = o->capacity ? o->capacity : TAPE_DEFAULT_CAPACITY;
    t->margin = o->eot_margin ? o->eot_margin : TAPE_DEFAULT_EOT_MARGIN;
    enum tape_comp first_comp;
    uint64_t file_size;
    if (open_fd(t, x, err, errlen) < 0)
        goto fail;
    file_size = t->size;
    if (scan_chain(t, &first_comp, err, errlen) < 0)
        goto fail;
    if (t->torn >= 0 && cut_torn_tail(t, file_size, err, errlen) < 0)
        goto fail;
    if (x->force_format)
        t->fmt = x->format;
    else
        t->fmt = first_comp != TAPE_COMP_NONE || has_het_suffix(path) ? TAPE_HET : TAPE_AWS;
    t->comp = TAPE_COMP_NONE;
    if (t->fmt == TAPE_HET)
        t->comp = o->comp != TAPE_COMP_NONE ? o->comp : first_comp != TAPE_COMP_NONE ? first_comp : TAPE_COMP_ZLIB;
    t->stored = malloc(TAPE_HDR_SIZE + TAPE_MAX_STORED);
    t->plain = malloc(TAPE_MAX_STORED);
    if (!t->stored || !t->plain) {
        img_fail(err, errlen, ENOMEM, "tape %s: out of memory", path);
        goto fail;
    }
    return t;
fail:
    tape_free(t);
    return NULL;
}

struct tape *tape_open(const char *path, const struct tape_open_opts *o, char *err, size_t errlen)
{
    static const struct tape_open_ex x;
    return tape_open_ex(path, o, &x, err, errlen);
}

int tape_close(struct tape *t, char *err, size_t errlen)
{
    if (!t)
        return 0;
    int rc = 0;
    if (!t->ro && fdatasync(t->fd) < 0)
        rc = img_fail(err, errlen, errno, "tape %s: cannot sync: %s", t->path, strerror(errno));
    if (close(t->fd) < 0 && rc == 0)
        rc = img_fail(err, errlen, errno, "tape %s: close: %s", t->path, strerror(errno));
    t->fd = -1;
    tape_free(t);
    return rc;
}

const char *tape_path(const struct tape *t) { return t->path; }
const char *tape_error(const struct tape *t) { return t->err; }
bool tape_readonly(const struct tape *t) { return t->ro; }
enum tape_format tape_format(const struct tape *t) { return t->fmt; }
int64_t tape_torn_offset(const struct tape *t) { return t->torn; }
uint32_t tape_blockid(const struct tape *t) { return t->blockid; }
bool tape_at_bot(const struct tape *t) { return t->pos == 0; }
uint64_t tape_used_bytes(const struct tape *t) { return t->size; }

/* ---- reading and spacing ---------------------------------------------------- */

/* Gather the data bytes of a block's chunks into t->stored. */
static int gather(struct tape *t, const struct tape_elem *e)
{
    uint64_t at = e->off;
    uint32_t done = 0;
    for (uint32_t i = 0; i < e->chunks; i++) {
        uint8_t h[TAPE_HDR_SIZE];
        int rc = img_pread_full(t->fd, h, sizeof h, (off_t)at);
        uint16_t len = rc == 0 ? le16_get(h + TAPE_HDR_CURLEN) : 0;
        if (rc == 0 && done + len <= e->stored)
            rc = img_pread_full(t->fd, t->stored + done, len, (off_t)(at + TAPE_HDR_SIZE));
        if (rc == 0 && done + len > e->stored)
            rc = -EIO;          /* the file changed under us */
        if (rc < 0)
            return tape_set_error(t, -rc, "tape %s: offset %llu: cannot read the block: %s", t->path,
                                  (unsigned long long)at, strerror(-rc));
        done += len;
        at += TAPE_HDR_SIZE + len;
    }
    return 0;
}

int tape_read_block(struct tape *t, uint8_t *buf, uint32_t cap, uint32_t *len)
{
    struct tape_elem e;
    *len = 0;
    if (t->pos >= t->size)
        return TAPE_EOD;
    int rc = elem_here(t, &e);
    if (rc < 0)
        return rc;
    if (e.tapemark) {
        move_past(t, &e);
        return TAPE_TAPEMARK;
    }
    rc = gather(t, &e);
    if (rc < 0)
        return rc;
    const uint8_t *data = t->stored;
    uint32_t n = e.stored;
    if (e.comp != TAPE_COMP_NONE) {
        const char *why = "";
        rc = tape_inflate(e.comp, t->stored, e.stored, t->plain, TAPE_MAX_STORED, &n, &why);
        if (rc < 0)
            return tape_set_error(t, -rc, "tape %s: offset %llu: %s block cannot be expanded: %s", t->path,
                                  (unsigned long long)e.off, tape_comp_name(e.comp), why);
        data = t->plain;
    }
    if (buf && cap)
        memcpy(buf, data, n < cap ? n : cap);
    *len = n;
    move_past(t, &e);
    return TAPE_OK;
}

int tape_space_block(struct tape *t, bool forward)
{
    struct tape_elem e;
    if (forward ? t->pos >= t->size : t->pos == 0)
        return forward ? TAPE_EOD : TAPE_BOT;
    int rc = forward ? elem_here(t, &e) : elem_before(t, &e);
    if (rc < 0)
        return rc;
    if (forward)
        move_past(t, &e);
    else
        move_before(t, &e);
    return e.tapemark ? TAPE_TAPEMARK : TAPE_OK;
}

int tape_space_file(struct tape *t, bool forward)
{
    for (;;) {
        int rc = tape_space_block(t, forward);
        if (rc != TAPE_OK)
            return rc == TAPE_TAPEMARK ? TAPE_OK : rc;
    }
}

int tape_rewind(struct tape *t)
{
    t->pos = 0;
    t->prev = 0;
    t->blockid = 0;
    return TAPE_OK;
}

int tape_locate(struct tape *t, uint32_t id)
{
    uint64_t pos = t->pos;
    uint16_t prev = t->prev;
    uint32_t blockid = t->blockid;
    if (id < t->blockid / 2)
        tape_rewind(t);         /* nearer to load point than to here */
    while (t->blockid != id) {
        int rc = tape_space_block(t, id > t->blockid);
        if (rc < 0 || rc == TAPE_EOD || rc == TAPE_BOT) {
            t->pos = pos;
            t->prev = prev;
            t->blockid = blockid;
            return rc < 0 ? rc : TAPE_EOD;
        }
    }
    return TAPE_OK;
}

/* ---- writing -------------------------------------------------------------------- */

static int write_elem(struct tape *t, uint32_t stored, uint8_t flags1)
{
    if (t->ro)
        return tape_set_error(t, EROFS, "tape %s is write-protected", t->path);
    uint64_t end = t->pos + TAPE_HDR_SIZE + stored;
    if (end > t->capacity)
        return TAPE_EOT;
    if (t->size > t->pos && ftruncate(t->fd, (off_t)t->pos) < 0)
        return tape_set_error(t, errno, "tape %s: offset %llu: cannot truncate: %s", t->path,
                              (unsigned long long)t->pos, strerror(errno));
    t->size = t->pos;
    uint8_t *h = t->stored;
    le16_put(h + TAPE_HDR_CURLEN, (uint16_t)stored);
    le16_put(h + TAPE_HDR_PRVLEN, t->prev);
    h[TAPE_HDR_FLAGS1] = flags1;
    h[TAPE_HDR_FLAGS2] = 0;
    int rc = img_pwrite_full(t->fd, h, TAPE_HDR_SIZE + stored, (off_t)t->pos);
    if (rc < 0) {
        int cut = ftruncate(t->fd, (off_t)t->pos);   /* if this fails too, the next open finds a torn tail */
        (void)cut;
        return tape_set_error(t, -rc, "tape %s: offset %llu: cannot write: %s", t->path,
                              (unsigned long long)t->pos, strerror(-rc));
    }
    t->size = end;
    t->pos = end;
    t->prev = (uint16_t)stored;
    t->blockid++;
    return end + t->margin > t->capacity ? TAPE_EOT_WARNING : TAPE_OK;
}

int tape_write_block(struct tape *t, const uint8_t *buf, uint32_t len)
{
    if (len == 0 || len > TAPE_MAX_BLOCK)
        return tape_set_error(t, EINVAL, "tape %s: block of %u bytes (1 to %u)", t->path, len, TAPE_MAX_BLOCK);
    uint8_t flags1 = TAPE_F1_BOR | TAPE_F1_EOR;
    uint32_t n = 0;
    if (t->fmt == TAPE_HET)
        n = tape_deflate(t->comp, buf, len, t->stored + TAPE_HDR_SIZE, TAPE_MAX_STORED);
    if (n) {
        flags1 |= t->comp == TAPE_COMP_ZLIB ? TAPE_F1_ZLIB : TAPE_F1_BZIP2;
    } else {
        n = len;
        memcpy(t->stored + TAPE_HDR_SIZE, buf, len);
    }
    return write_elem(t, n, flags1);
}

int tape_write_tapemark(struct tape *t)
{
    return write_elem(t, 0, TAPE_F1_TAPEMARK);
}

int tape_erase(struct tape *t)
{
    if (t->ro)
        return tape_set_error(t, EROFS, "tape %s is write-protected", t->path);
    if (ftruncate(t->fd, (off_t)t->pos) < 0)
        return tape_set_error(t, errno, "tape %s: offset %llu: cannot erase: %s", t->path,
                              (unsigned long long)t->pos, strerror(errno));
    t->size = t->pos;
    return TAPE_OK;
}

int tape_sync(struct tape *t)
{
    if (!t->ro && fdatasync(t->fd) < 0)
        return tape_set_error(t, errno, "tape %s: cannot sync: %s", t->path, strerror(errno));
    return TAPE_OK;
}
