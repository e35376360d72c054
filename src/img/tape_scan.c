// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole-tape work for `ccwpass tape info|check|copy`: per-file statistics
 * like Hercules' hetmap/tapemap, a full read that expands every compressed
 * block, and a block-by-block copy like hetupd (docs/tape.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/img_internal.h"
#include "img/tape_internal.h"

/* Report progress every this many bytes of file. */
#define TAPE_PROGRESS_STEP (4u * 1024 * 1024)

static int grow(struct tape_scan *s, char *err, size_t errlen, const char *path)
{
    struct tape_file_stats *f = realloc(s->file, (s->files + 2) * sizeof *f);
    if (!f)
        return img_fail(err, errlen, ENOMEM, "tape %s: out of memory", path);
    s->file = f;
    memset(&f[s->files + 1], 0, sizeof *f);
    return 0;
}

static void account(struct tape_file_stats *f, uint32_t len, uint64_t stored)
{
    if (f->blocks == 0 || len < f->min_block)
        f->min_block = len;
    if (len > f->max_block)
        f->max_block = len;
    f->blocks++;
    f->bytes += len;
    f->stored += stored;
}

static void progress_step(struct tape *t, uint64_t *next, tape_progress_fn *progress, void *opaque)
{
    if (progress && t->pos >= *next) {
        progress(opaque, t->pos, t->size);
        *next = t->pos + TAPE_PROGRESS_STEP;
    }
}

int tape_scan(const char *path, struct tape_scan *s, tape_progress_fn *progress, void *opaque,
              char *err, size_t errlen)
{
    struct tape_open_opts o = { .readonly = true };
    struct tape_open_ex x = { .nolock = true };
    *s = (struct tape_scan){ .torn = -1 };
    struct tape *t = tape_open_ex(path, &o, &x, err, errlen);
    if (!t)
        return -EINVAL;
    s->format = t->fmt;
    s->comp = t->fmt == TAPE_HET ? t->comp : TAPE_COMP_NONE;
    s->torn = t->torn;
    s->size = t->torn >= 0 ? (uint64_t)t->torn : t->size;
    int rc = grow(s, err, errlen, path);
    if (rc == 0)
        s->file[0] = (struct tape_file_stats){ 0 };
    uint64_t next = 0;
    while (rc == 0) {
        uint64_t at = t->pos;
        uint32_t len;
        int r = tape_read_block(t, t->plain, 0, &len);
        progress_step(t, &next, progress, opaque);
        if (r == TAPE_EOD)
            break;
        if (r < 0)
            rc = img_fail(err, errlen, -r, "%s", tape_error(t));
        else if (r == TAPE_TAPEMARK) {
            s->file[s->files].stored += TAPE_HDR_SIZE;
            s->files++;
            rc = grow(s, err, errlen, path);
        } else
            account(&s->file[s->files], len, t->pos - at);
    }
    if (progress)
        progress(opaque, t->size, t->size);
    tape_close(t, NULL, 0);
    if (rc < 0)
        tape_scan_free(s);
    return rc;
}

void tape_scan_free(struct tape_scan *s)
{
    free(s->file);
    s->file = NULL;
}

static int copy_elems(struct tape *in, struct tape *out, uint8_t *buf, tape_progress_fn *progress, void *opaque,
                      char *err, size_t errlen)
{
    uint64_t next = 0;
    for (;;) {
        uint64_t at = in->pos;
        uint32_t len;
        int r = tape_read_block(in, buf, TAPE_MAX_STORED, &len);
        progress_step(in, &next, progress, opaque);
        if (r == TAPE_EOD)
            return 0;
        if (r < 0)
            return img_fail(err, errlen, -r, "%s", tape_error(in));
        if (r == TAPE_OK && len > TAPE_MAX_BLOCK)
            return img_fail(err, errlen, EFBIG, "tape %s: offset %llu: block of %u bytes (blocks up to %u bytes "
                            "are supported)", in->path, (unsigned long long)at, len, TAPE_MAX_BLOCK);
        int w = r == TAPE_TAPEMARK ? tape_write_tapemark(out) : tape_write_block(out, buf, len);
        if (w < 0)
            return img_fail(err, errlen, -w, "%s", tape_error(out));
    }
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int tape_copy(const char *in, const char *out, const struct tape_create_opts *o, tape_progress_fn *progress,
              void *opaque, char *err, size_t errlen)
{
    if (same_file(in, out))
        return img_fail(err, errlen, EINVAL, "tape %s: input and output are the same file", out);
    struct tape_open_opts ro = { .readonly = true };
    struct tape *ti = tape_open(in, &ro, err, errlen);
    if (!ti)
        return -EINVAL;
    uint8_t *buf = malloc(TAPE_MAX_STORED);
    int fd = buf ? tape_create_empty(out, err, errlen) : img_fail(err, errlen, ENOMEM, "out of memory");
    if (fd < 0) {
        free(buf);
        tape_close(ti, NULL, 0);
        return fd;
    }
    struct tape_open_opts wo = { .capacity = UINT64_MAX, .comp = o->comp == TAPE_COMP_NONE ? TAPE_COMP_ZLIB : o->comp };
    struct tape_open_ex x = { .nolock = true, .force_format = true, .format = o->format };
    struct tape *to = tape_open_ex(out, &wo, &x, err, errlen);
    int rc = to ? copy_elems(ti, to, buf, progress, opaque, err, errlen) : -EINVAL;
    if (progress && rc == 0)
        progress(opaque, ti->size, ti->size);
    if (to) {
        int crc = tape_close(to, rc < 0 ? NULL : err, rc < 0 ? 0 : errlen);
        rc = rc < 0 ? rc : crc;
    }
    close(fd);
    tape_close(ti, NULL, 0);
    free(buf);
    return rc;
}
