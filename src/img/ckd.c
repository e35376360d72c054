// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Uncompressed Hercules CKD images (CKD_P370): one 512-byte CKD_DEVHDR, then
 * fixed-size track slots.  A volume larger than 2 GiB may be split into
 * files x_1.ext, x_2.ext, ...; each file carries its own header with its
 * sequence number and highest cylinder (0 in the last file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "img/ckdtrack.h"
#include "img/img_internal.h"

static char seq_char(unsigned n)
{
    return (char)(n <= 9 ? '0' + n : 'A' + (n - 10));
}

static int seq_value(char c)
{
    if (c >= '1' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return -1;
}

/* Where the "_n" suffix goes: before the first dot of the last path element. */
static size_t suffix_pos(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strchr(base, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

char *ckd_member_name(const char *base, unsigned n)
{
    size_t pos = suffix_pos(base), len = strlen(base);
    char *s = malloc(len + 3);
    if (!s)
        return NULL;
    memcpy(s, base, pos);
    s[pos] = '_';
    s[pos + 1] = seq_char(n);
    memcpy(s + pos + 2, base + pos, len - pos + 1);
    return s;
}

/* The logical name (without "_n") of member n, or NULL if the name does not
 * carry that suffix. */
static char *logical_name(const char *member, unsigned n)
{
    size_t pos = suffix_pos(member);
    if (pos < 2 || member[pos - 2] != '_' || seq_value(member[pos - 1]) != (int)n)
        return NULL;
    char *s = strdup(member);
    if (s)
        memmove(s + pos - 2, s + pos, strlen(s + pos) + 1);
    return s;
}

void ckd_devhdr_build(uint8_t hdr[CKD_DEVHDR_SIZE], const char *devid, const struct img_geometry *g,
                      unsigned fileseq, uint32_t highcyl)
{
    memset(hdr, 0, CKD_DEVHDR_SIZE);
    memcpy(hdr + DH_DEVID, devid, 8);
    le32_put(hdr + DH_HEADS, g->heads);
    le32_put(hdr + DH_TRKSIZE, g->trksize);
    hdr[DH_DEVTYP] = (uint8_t)g->devtype;
    hdr[DH_FILESEQ] = (uint8_t)fileseq;
    le16_put(hdr + DH_HIGHCYL, (uint16_t)highcyl);
}

/* Cylinders in one file, from its size; checks the size is exactly
 * 512 + n * trksize with whole cylinders. */
static int file_cyls(int fd, const char *path, const struct img_geometry *g, uint32_t *ncyls,
                     char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return img_fail(err, errlen, errno, "image %s: %s", path, strerror(errno));
    uint64_t cyl_bytes = (uint64_t)g->trksize * g->heads;
    uint64_t body = (uint64_t)st.st_size - CKD_DEVHDR_SIZE;
    if ((uint64_t)st.st_size < CKD_DEVHDR_SIZE || body % cyl_bytes != 0 || body == 0)
        return img_fail(err, errlen, EINVAL,
                        "image %s: size %lld is not 512 + a whole number of cylinders of %u tracks x %u bytes",
                        path, (long long)st.st_size, g->heads, g->trksize);
    *ncyls = (uint32_t)(body / cyl_bytes);
    return 0;
}

static int check_member_header(const uint8_t *hdr, const struct img_geometry *g, unsigned n,
                               const char *path, char *err, size_t errlen)
{
    if (memcmp(hdr + DH_DEVID, "CKD_P370", 8) != 0)
        return img_fail(err, errlen, EINVAL, "image %s: bad magic (not CKD_P370) in file %u of a multi-file volume",
                        path, n);
    if (hdr[DH_FILESEQ] != n)
        return img_fail(err, errlen, EINVAL,
                        "image %s: inconsistent multi-file set: file sequence %u where %u was expected",
                        path, hdr[DH_FILESEQ], n);
    if (le32_get(hdr + DH_HEADS) != g->heads || le32_get(hdr + DH_TRKSIZE) != g->trksize ||
        hdr[DH_DEVTYP] != (uint8_t)g->devtype)
        return img_fail(err, errlen, EINVAL,
                        "image %s: inconsistent multi-file set: heads/track size/device type differ from file 1",
                        path);
    return 0;
}

/* Adds file n of the set (already opened as fd) and checks it. */
static int add_member(struct img *im, int fd, char *name, unsigned n, uint32_t *next_cyl, bool *last,
                      char *err, size_t errlen)
{
    uint8_t hdr[CKD_DEVHDR_SIZE];
    struct img_file *f = &im->file[im->nfiles++];
    f->fd = fd;
    f->path = name;
    f->first_cyl = *next_cyl;
    int rc = img_read_header(fd, hdr, sizeof hdr, 0, name, "shorter than 512 bytes", err, errlen);
    if (rc < 0)
        return rc;
    rc = check_member_header(hdr, &im->geo, n, name, err, errlen);
    if (rc < 0)
        return rc;
    rc = file_cyls(fd, name, &im->geo, &f->ncyls, err, errlen);
    if (rc < 0)
        return rc;
    uint32_t high = le16_get(hdr + DH_HIGHCYL);
    *last = high == 0;
    if (!*last && high != f->first_cyl + f->ncyls - 1)
        return img_fail(err, errlen, EINVAL,
                        "image %s: inconsistent multi-file set: highest cylinder %u but the file holds cylinders %u-%u",
                        name, high, f->first_cyl, f->first_cyl + f->ncyls - 1);
    *next_cyl = f->first_cyl + f->ncyls;
    return 0;
}

static int open_members(struct img *im, const char *logical, int fd1, char *err, size_t errlen)
{
    uint32_t next_cyl = 0;
    bool last = false;
    for (unsigned n = 1; !last; n++) {
        if (n > CKD_MAXFILES)
            return img_fail(err, errlen, EINVAL, "image %s: inconsistent multi-file set: more than %d files",
                            logical, CKD_MAXFILES);
        char *name = ckd_member_name(logical, n);
        if (!name)
            return img_fail(err, errlen, ENOMEM, "image %s: out of memory", logical);
        int fd = n == 1 ? fd1 : img_open_file(name, im->ro, im->shared, err, errlen);
        if (fd < 0) {
            if (fd == -ENOENT)
                img_fail(err, errlen, ENOENT, "image %s: inconsistent multi-file set: file %s is missing",
                         logical, name);
            free(name);
            return fd;
        }
        int rc = add_member(im, fd, name, n, &next_cyl, &last, err, errlen);
        if (rc < 0)
            return rc;
    }
    im->geo.cyls = next_cyl;
    return 0;
}

/* im->file[0] is open (fd, path) with its header in hdr; geometry heads,
 * trksize and devtype are set. */
int ckd_open_set(struct img *im, const char *path, char *err, size_t errlen)
{
    struct img_file *f = &im->file[0];
    uint8_t hdr[CKD_DEVHDR_SIZE];
    int hrc = img_read_header(f->fd, hdr, sizeof hdr, 0, path, "shorter than 512 bytes", err, errlen);
    if (hrc < 0)
        return hrc;
    unsigned seq = hdr[DH_FILESEQ];
    if (seq == 0) {
        im->nfiles = 1;
        f->first_cyl = 0;
        int rc = file_cyls(f->fd, path, &im->geo, &f->ncyls, err, errlen);
        im->geo.cyls = f->ncyls;
        return rc;
    }
    char *logical = logical_name(path, seq);
    if (!logical)
        return img_fail(err, errlen, EINVAL,
                        "image %s: inconsistent multi-file set: file sequence %u but the name lacks the _%c suffix",
                        path, seq, seq_char(seq));
    int fd = f->fd;
    free(f->path);
    f->path = NULL;
    f->fd = -1;
    im->nfiles = 0;             /* open_members fills file[0..] from _1 on */
    int rc = 0;
    if (seq != 1) {             /* opened from a later member: start at _1 */
        close(fd);
        char *first = ckd_member_name(logical, 1);
        fd = first ? img_open_file(first, im->ro, im->shared, err, errlen) : -ENOMEM;
        free(first);
    }
    rc = fd < 0 ? fd : open_members(im, logical, fd, err, errlen);
    free(logical);
    return rc;
}

static struct img_file *file_of(struct img *im, uint32_t cyl)
{
    for (unsigned i = 0; i < im->nfiles; i++)
        if (cyl >= im->file[i].first_cyl && cyl - im->file[i].first_cyl < im->file[i].ncyls)
            return &im->file[i];
    return NULL;
}

static off_t slot_offset(const struct img *im, const struct img_file *f, uint32_t cyl, uint32_t head)
{
    uint64_t trk = (uint64_t)(cyl - f->first_cyl) * im->geo.heads + head;
    return (off_t)(CKD_DEVHDR_SIZE + trk * im->geo.trksize);
}

int ckd_slot_finish(struct img *im, const char *name, uint32_t cyl, uint32_t head, const uint8_t *slot,
                    uint8_t *buf, size_t cap, size_t *len)
{
    const char *why;
    struct ckd_track *t = malloc(sizeof *t);
    if (!t)
        return img_set_error(im, ENOMEM, "image %s: out of memory", name);
    int rc = ckd_track_parse(slot, im->geo.trksize, t, &why);
    size_t n = rc == 0 ? t->eot + CKD_EOT_SIZE : 0;
    free(t);
    if (rc < 0)
        return img_set_error(im, EIO, "image %s: track cyl %u head %u: %s", name, cyl, head, why);
    if (n > cap)
        return img_set_error(im, ENOBUFS, "image %s: track cyl %u head %u: %zu bytes do not fit a %zu-byte buffer",
                             name, cyl, head, n, cap);
    if (slot != buf)
        memcpy(buf, slot, n);
    *len = n;
    return 0;
}

int ckd_read(struct img *im, uint32_t cyl, uint32_t head, uint8_t *buf, size_t cap, size_t *len)
{
    struct img_file *f = file_of(im, cyl);
    uint8_t *dst = cap >= im->geo.trksize ? buf : im->slot;
    int rc = img_pread_full(f->fd, dst, im->geo.trksize, slot_offset(im, f, cyl, head));
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: track cyl %u head %u: read failed: %s", f->path, cyl, head,
                             rc == -EIO && errno == 0 ? "file ends early" : strerror(-rc));
    return ckd_slot_finish(im, f->path, cyl, head, dst, buf, cap, len);
}

int ckd_write(struct img *im, uint32_t cyl, uint32_t head, const uint8_t *buf, size_t len)
{
    struct img_file *f = file_of(im, cyl);
    if (len > im->geo.trksize)
        return img_set_error(im, EFBIG, "image %s: track cyl %u head %u: %zu bytes exceed the %u-byte track slot",
                             f->path, cyl, head, len, im->geo.trksize);
    memcpy(im->slot, buf, len);
    memset(im->slot + len, 0, im->geo.trksize - len);
    int rc = img_pwrite_full(f->fd, im->slot, im->geo.trksize, slot_offset(im, f, cyl, head));
    if (rc < 0)
        return img_set_error(im, -rc, "image %s: track cyl %u head %u: write failed: %s", f->path, cyl, head,
                             strerror(-rc));
    return 0;
}
