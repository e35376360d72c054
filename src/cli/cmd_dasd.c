// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass dasd: tools for Hercules CKD/CCKD DASD images, in the spirit of
 * Hercules' dasdinit, dasdls, cckdcdsk and dasdcopy, plus `export` of a
 * Linux partition to a flat file for host-side checks.
 *
 *   create FILE [-m 3390-N | -c CYLS] [--cckd[=zlib|bzip2|none]] [--linux] [--raw] [--volser V] [--lfs]
 *          [--force]
 *   info   FILE
 *   check  FILE [-v]
 *   copy   IN OUT [--cckd[=ALGO] | --ckd] [--shared] [--force]
 *   export FILE OUT [--partition N | --all]
 *   compact FILE
 *   snapshot rbd:POOL/IMAGE@SNAP
 *   clone  rbd:POOL/IMAGE@SNAP rbd:POOL/NEW
 *
 * FILE may be an rbd:POOL/IMAGE[@SNAP][:conf=PATH]... name (img/rbd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/progress.h"
#include "img/image.h"
#include "img/rbd.h"
#include "img/vtoc.h"

#define ERRLEN 512

static const struct { const char *name; uint32_t cyls; } models[] = {
    { "3390-1", 1113 }, { "3390-2", 2226 }, { "3390-3", 3339 }, { "3390-9", 10017 },
    { "3390-27", 32760 }, { "3390-54", 65520 },
};

static const char *const usage_lines[] = {
    "dasd create FILE [-m 3390-1|-2|-3|-9|-27|-54 | -c CYLS] [--cckd[=zlib|bzip2|none]]\n"
    "                           [--linux] [--raw] [--volser V] [--lfs] [--shared] [--force]",
    "dasd info FILE",
    "dasd check FILE [-v]",
    "dasd copy IN OUT [--cckd[=zlib|bzip2|none] | --ckd] [--shared] [--force]",
    "dasd export FILE OUT [--partition N | --all]",
    "dasd compact FILE",
    "dasd snapshot rbd:POOL/IMAGE@SNAP",
    "dasd clone rbd:POOL/IMAGE@SNAP rbd:POOL/NEW",
};

static int usage(void)
{
    cli_usage(stderr, usage_lines, sizeof usage_lines / sizeof usage_lines[0], "dasd", NULL);
    return 2;
}

static const char *model_name(uint32_t cyls)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (cyls <= models[i].cyls)
            return models[i].name;
    return "3390-A";
}

static const char *comp_name(enum img_compress c)
{
    return c == IMG_COMP_ZLIB ? "zlib" : c == IMG_COMP_BZIP2 ? "bzip2" : "none";
}

static int parse_comp(const char *s, enum img_compress *c)
{
    if (!s || !strcmp(s, "zlib"))
        *c = IMG_COMP_ZLIB;
    else if (!strcmp(s, "bzip2") || !strcmp(s, "bz2"))
        *c = IMG_COMP_BZIP2;
    else if (!strcmp(s, "none"))
        *c = IMG_COMP_NONE;
    else {
        fprintf(stderr, "ccwpass dasd: unknown compression '%s' (zlib, bzip2 or none)\n", s);
        return -1;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- progress bar (only on a terminal) ----------------------------------- */

/* img_create_opts.progress counts cylinders in 32 bits */
static void cyl_progress(void *opaque, uint32_t done, uint32_t total)
{
    cli_progress_show(opaque, done, total);
}

/* Total size of an image on disk, all members of a multi-file set; for
 * RBD the bytes provisioned. */
static uint64_t image_bytes(const char *path)
{
    char err[ERRLEN];
    struct img *im = img_open(path, true, err, sizeof err);
    uint64_t sum = 0;
    struct img_rbd_info ri;
    if (im && img_rbd_info(im, &ri) == 0)
        sum = ri.size;
    uint32_t first, n;
    const char *f;
    struct stat st;
    for (unsigned i = 0; im && (f = img_file_info(im, i, &first, &n)); i++)
        if (stat(f, &st) == 0)
            sum += (uint64_t)st.st_size;
    img_close(im);
    return sum;
}

/* Close im; a volume that could not be closed cleanly is reported and
 * makes the exit status 1. */
static int close_image(const char *verb, struct img *im, int status)
{
    char err[ERRLEN];
    if (img_close_err(im, err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass dasd %s: %s\n", verb, err);
        return 1;
    }
    return status;
}

/* ---- create --------------------------------------------------------------- */

static int parse_size(const char *model, const char *cyls, uint32_t *out)
{
    if (cyls) {
        char *end;
        unsigned long v = strtoul(cyls, &end, 10);
        if (*end || v == 0 || v > 65536) {
            fprintf(stderr, "ccwpass dasd create: -c %s: cylinders must be 1 to 65536\n", cyls);
            return -1;
        }
        *out = (uint32_t)v;
        return 0;
    }
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (!strcmp(model, models[i].name) || !strcmp(model, models[i].name + 4)) {
            *out = models[i].cyls;
            return 0;
        }
    fprintf(stderr, "ccwpass dasd create: unknown model '%s' (3390-1, -2, -3, -9, -27, -54)\n", model);
    return -1;
}

/* Like dasdinit, never overwrite a volume by accident (multi-file sets
 * included: x.3390 may live as x_1.3390). */
static bool image_exists(const char *path)
{
    struct stat st;
    char err[ERRLEN];
    if (img_is_rbd(path)) {
        int rc = img_rbd_exists(path, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "ccwpass dasd: %s\n", err);
        else if (rc > 0)
            fprintf(stderr, "ccwpass dasd: %s exists (use --force to overwrite it)\n", path);
        return rc != 0;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strchr(base, '.');
    size_t pos = dot ? (size_t)(dot - path) : strlen(path);
    char first[4096];
    snprintf(first, sizeof first, "%.*s_1%s", (int)pos, path, path + pos);
    const char *hit = stat(path, &st) == 0 ? path : stat(first, &st) == 0 ? first : NULL;
    if (hit)
        fprintf(stderr, "ccwpass dasd: %s exists (use --force to overwrite it)\n", hit);
    return hit != NULL;
}

static int create_main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "model", required_argument, 0, 'm' }, { "cyls", required_argument, 0, 'c' },
        { "cckd", optional_argument, 0, 'z' }, { "linux", no_argument, 0, 'l' }, { "raw", no_argument, 0, 'r' },
        { "volser", required_argument, 0, 'v' }, { "lfs", no_argument, 0, 'L' },
        { "force", no_argument, 0, 'f' }, { "shared", no_argument, 0, 's' }, { 0, 0, 0, 0 },
    };
    bool force = false;
    struct img_create_opts o = { .devtype = 0x3390, .format = IMG_CKD };
    const char *model = "3390-1", *cyls = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "m:c:", lo, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'c': cyls = optarg; break;
        case 'z':
            o.format = IMG_CCKD;
            if (parse_comp(optarg, &o.compress) < 0)
                return 2;
            break;
        case 'l': o.linux_null = true; break;
        case 'r': o.raw = true; break;
        case 'v': o.volser = optarg; break;
        case 'L': o.lfs = true; break;
        case 'f': force = true; break;
        case 's': o.shared = true; break;
        default: return usage();
        }
    }
    if (optind + 1 != argc || parse_size(model, cyls, &o.cyls) < 0)
        return usage();
    const char *path = argv[optind];
    if (o.shared && !img_is_rbd(path)) {
        fprintf(stderr, "ccwpass dasd create: --shared applies to volumes on RBD (rbd:POOL/IMAGE)\n");
        return 2;
    }
    if (!force && image_exists(path))
        return 1;
    struct cli_progress bar = { "creating", "cyl", 1, 0, false };
    if (cli_progress_wanted()) {
        o.progress = cyl_progress;
        o.progress_opaque = &bar;
    }
    char err[ERRLEN];
    double t0 = now();
    if (img_create(path, &o, err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass dasd create: %s\n", err);
        return 1;
    }
    double dt = now() - t0;
    uint64_t bytes = image_bytes(path);
    printf("created %s: %s, %u cylinders, %s%s%s, %.1f MB in %.2f s (%.1f MB/s)\n", path, model_name(o.cyls),
           o.cyls, img_is_rbd(path) ? (o.shared ? "RBD shared" : "RBD") : o.format == IMG_CCKD ? "CCKD " : "CKD",
           o.format == IMG_CCKD ? comp_name(o.compress) : "",
           o.linux_null ? ", linux null tracks" : "", bytes / 1e6, dt, dt > 0 ? bytes / 1e6 / dt : 0.0);
    return 0;
}

/* ---- info ----------------------------------------------------------------- */

static void print_rbd(struct img *im)
{
    struct img_rbd_info ri;
    if (img_rbd_info(im, &ri) < 0)
        return;
    printf("format:    CKD track slots in a Ceph RBD image, null track format %d\n", ri.nullfmt);
    printf("rbd:       %llu bytes in objects of %u KiB; features %s; %s\n", (unsigned long long)ri.size,
           ri.object_size / 1024, ri.features[0] ? ri.features : "none",
           ri.shared ? "shared (no exclusive lock)" : ri.locked ? "exclusive lock held" : "exclusive-lock volume");
    if (ri.parent[0])
        printf("parent:    rbd:%s (copy-on-write clone)\n", ri.parent);
}

static void print_geometry(struct img *im)
{
    const struct img_geometry *g = img_geometry(im);
    printf("image:     %s\n", img_path(im));
    printf("device:    %04X model %s, %u cylinders x %u heads (%llu tracks), track size %u\n", g->devtype,
           model_name(g->cyls), g->cyls, g->heads, (unsigned long long)g->cyls * g->heads, g->trksize);
    struct img_space sp;
    if (img_format(im) == IMG_CCKD) {
        printf("format:    CCKD (compressed), %s, null track format %d\n", comp_name(img_compression(im)),
               img_nullfmt(im));
        if (img_space(im, &sp) == 0)
            printf("space:     %llu bytes, %llu used, %llu free (%u%%, %llu imbedded) in %u blocks%s\n",
                   (unsigned long long)sp.size, (unsigned long long)sp.used, (unsigned long long)sp.free_total,
                   sp.size ? (unsigned)(sp.free_total * 100 / sp.size) : 0, (unsigned long long)sp.free_imbed,
                   sp.free_blocks,
                   sp.closed_cleanly ? "" : "; NOT closed cleanly");
    } else if (img_is_rbd(img_path(im)))
        print_rbd(im);
    else
        printf("format:    CKD (uncompressed)\n");
    uint32_t first, n;
    const char *f;
    for (unsigned i = 0; img_file_count(im) > 1 && (f = img_file_info(im, i, &first, &n)); i++)
        printf("file %u:    %s (cylinders %u-%u)\n", i + 1, f, first, first + n - 1);
}

static void print_layout(const struct img *im, const struct vtoc_info *vi)
{
    const struct img_geometry *g = img_geometry(im);
    printf("volser:    %s%s%s%s\n", vi->volser[0] ? vi->volser : "(none)", vi->label[0] ? " (label " : "",
           vi->label, vi->label[0] ? ")" : "");
    const char *lay = vi->layout == LAYOUT_CDL ? "CDL (compatible disk layout)"
                    : vi->layout == LAYOUT_LDL ? "LDL (Linux disk layout)" : "unknown";
    if (vi->blksize)
        printf("layout:    %s, block size %u, %u blocks per track, %llu blocks\n", lay, vi->blksize, vi->rpt,
               (unsigned long long)g->cyls * g->heads * vi->rpt);
    else
        printf("layout:    %s, not formatted for Linux (no uniform data records on track 2)\n", lay);
}

static void print_extent(const struct vtoc_extent *e)
{
    printf(" %u:%u-%u:%u", e->start_cyl, e->start_head, e->end_cyl, e->end_head);
}

static void print_vtoc(const struct img *im, const struct vtoc_info *vi)
{
    if (!vi->has_vtoc)
        return;
    printf("vtoc:      cyl %u head %u record %u%s", vi->vtoc_cyl, vi->vtoc_head, vi->vtoc_rec,
           vi->has_f4 ? "" : ", no F4 DSCB found\n");
    if (vi->has_f4)
        printf(", F4: %u free DSCBs\n", vi->f4_free_dscbs);
    for (unsigned i = 0; i < vi->nfree; i++)
        printf("free:      track %llu, %llu tracks\n", (unsigned long long)vi->free[i].start_trk,
               (unsigned long long)vi->free[i].ntrks);
    for (unsigned i = 0; i < vi->nds; i++) {
        const struct vtoc_dataset *ds = &vi->ds[i];
        printf("dataset:   %-44s F%X extents", ds->name, ds->fmt & 0x0F);
        for (unsigned e = 0; e < ds->nextents; e++)
            print_extent(&ds->ext[e]);
        printf(", %llu tracks\n", (unsigned long long)ds->tracks);
    }
    struct vtoc_partition p[VTOC_MAX_DS];
    unsigned np = vtoc_partitions(im, vi, p, VTOC_MAX_DS);
    for (unsigned i = 0; i < np; i++)
        printf("partition: %u: blocks %llu-%llu (%llu x %u bytes)\n", i + 1, (unsigned long long)p[i].start_blk,
               (unsigned long long)(p[i].start_blk + p[i].nblks - 1), (unsigned long long)p[i].nblks, vi->blksize);
}

static int info_main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    char err[ERRLEN];
    struct img *im = img_open(argv[1], true, err, sizeof err);
    if (!im) {
        fprintf(stderr, "ccwpass dasd info: %s\n", err);
        return 1;
    }
    struct vtoc_info *vi = malloc(sizeof *vi);
    int rc = vi ? vtoc_read(im, vi, err, sizeof err) : -ENOMEM;
    print_geometry(im);
    if (rc == 0) {
        print_layout(im, vi);
        print_vtoc(im, vi);
    } else
        fprintf(stderr, "ccwpass dasd info: %s\n", vi ? err : "out of memory");
    free(vi);
    return close_image("info", im, rc == 0 ? 0 : 1);
}

/* ---- check ---------------------------------------------------------------- */

static void report(void *opaque, bool error, const char *msg)
{
    (void)opaque;
    fprintf(error ? stderr : stdout, "%s%s\n", error ? "error: " : "note: ", msg);
}

static int check_main(int argc, char **argv)
{
    bool verbose = false;
    int c;
    while ((c = getopt(argc, argv, "v")) != -1) {
        if (c != 'v')
            return usage();
        verbose = true;
    }
    if (optind + 1 != argc)
        return usage();
    char err[ERRLEN];
    struct img *im = img_open(argv[optind], true, err, sizeof err);
    if (!im) {
        fprintf(stderr, "ccwpass dasd check: %s\n", err);
        return 1;
    }
    const struct img_geometry *g = img_geometry(im);
    struct cli_progress bar = { "checking", "cyl", 1, 0, false };
    long n = img_check_progress(im, verbose, report, NULL, cli_progress_wanted() ? cli_progress_show : NULL, &bar);
    printf("%s: %llu tracks checked, %ld error%s\n", argv[optind], (unsigned long long)g->cyls * g->heads,
           n < 0 ? 1 : n, n == 1 ? "" : "s");
    return close_image("check", im, n == 0 ? 0 : 1);
}

/* ---- copy ----------------------------------------------------------------- */

static int copy_main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "cckd", optional_argument, 0, 'z' }, { "ckd", no_argument, 0, 'k' }, { "force", no_argument, 0, 'f' },
        { "shared", no_argument, 0, 's' }, { 0, 0, 0, 0 },
    };
    struct img_create_opts o = { .compress = IMG_COMP_ZLIB };
    int c, chosen = 0;
    bool force = false;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c == 'z') {
            o.format = IMG_CCKD;
            if (parse_comp(optarg, &o.compress) < 0)
                return 2;
        } else if (c == 'k')
            o.format = IMG_CKD;
        else if (c == 'f') {
            force = true;
            continue;
        } else if (c == 's') {
            o.shared = true;
            continue;
        } else
            return usage();
        chosen = 1;
    }
    if (optind + 2 != argc)
        return usage();
    if (o.shared && !img_is_rbd(argv[optind + 1])) {
        fprintf(stderr, "ccwpass dasd copy: --shared applies to volumes on RBD (rbd:POOL/IMAGE)\n");
        return 2;
    }
    if (!force && image_exists(argv[optind + 1]))
        return 1;
    char err[ERRLEN];
    struct img *in = img_open(argv[optind], true, err, sizeof err);
    if (!in) {
        fprintf(stderr, "ccwpass dasd copy: %s\n", err);
        return 1;
    }
    /* RBD holds CKD slots; a file copied from RBD stays CKD unless told */
    if (!chosen)
        o.format = img_format(in) == IMG_CKD && !img_is_rbd(argv[optind]) ? IMG_CCKD : IMG_CKD;
    if (!chosen && img_is_rbd(argv[optind + 1]))
        o.format = IMG_CKD;
    o.lfs = true;
    struct cli_progress bar = { "copying", "cyl", 1, 0, false };
    if (cli_progress_wanted()) {
        o.progress = cyl_progress;
        o.progress_opaque = &bar;
    }
    double t0 = now();
    int rc = img_copy(in, argv[optind + 1], &o, err, sizeof err);
    double dt = now() - t0;
    if (rc < 0)
        fprintf(stderr, "ccwpass dasd copy: %s\n", err);
    else
        printf("copied %s to %s (%s%s%s), %u cylinders in %.2f s\n", argv[optind], argv[optind + 1],
               img_is_rbd(argv[optind + 1]) ? (o.shared ? "RBD shared" : "RBD") : o.format == IMG_CCKD ? "CCKD " : "CKD",
               o.format == IMG_CCKD ? comp_name(o.compress) : "", "",
               img_geometry(in)->cyls, dt);
    return close_image("copy", in, rc < 0 ? 1 : 0);
}

/* ---- export --------------------------------------------------------------- */

static int export_range(struct img *im, const struct vtoc_info *vi, int part, uint64_t *start, uint64_t *n,
                        char *name, size_t namelen)
{
    if (part == 0) {
        const struct img_geometry *g = img_geometry(im);
        *start = 0;
        *n = (uint64_t)g->cyls * g->heads * vi->rpt;
        snprintf(name, namelen, "whole volume");
        return 0;
    }
    struct vtoc_partition p[VTOC_MAX_DS];
    unsigned np = vtoc_partitions(im, vi, p, VTOC_MAX_DS);
    if (part < 1 || (unsigned)part > np) {
        fprintf(stderr, "ccwpass dasd export: %s has %u partition%s, no partition %d\n", img_path(im), np,
                np == 1 ? "" : "s", part);
        return -1;
    }
    *start = p[part - 1].start_blk;
    *n = p[part - 1].nblks;
    snprintf(name, namelen, "partition %d%s%s", part, p[part - 1].name[0] ? " " : "", p[part - 1].name);
    return 0;
}

/* The output of export: a regular file (written with holes and sized with
 * ftruncate).  A FIFO or device is refused before anything blocks on it. */
static int open_output(const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "ccwpass dasd export: %s: not a regular file\n", out);
        return -1;
    }
    int fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) {
        fprintf(stderr, "ccwpass dasd export: %s: %s\n", out, strerror(errno));
        return -1;
    }
    const char *why = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (ftruncate(fd, 0) < 0)
        why = strerror(errno);
    if (why) {
        fprintf(stderr, "ccwpass dasd export: %s: %s\n", out, why);
        close(fd);
        return -1;
    }
    return fd;
}

static int export_to(struct img *im, const struct vtoc_info *vi, int part, const char *out)
{
    uint64_t start, n;
    char name[80], err[ERRLEN];
    if (export_range(im, vi, part, &start, &n, name, sizeof name) < 0)
        return 1;
    int fd = open_output(out);
    if (fd < 0)
        return 1;
    struct vtoc_export_stats st;
    struct cli_progress bar = { "exporting", "MiB", vi->blksize / CLI_MIB, 0, false };
    int rc = vtoc_export_progress(im, vi, start, n, fd, &st, cli_progress_wanted() ? cli_progress_show : NULL, &bar,
                                  err, sizeof err);
    close(fd);
    if (rc < 0) {
        fprintf(stderr, "ccwpass dasd export: %s\n", err);
        return 1;
    }
    printf("exported %s of %s: blocks %llu-%llu, %llu blocks of %u bytes (%.1f MB) to %s", name, img_path(im),
           (unsigned long long)start, (unsigned long long)(start + n - 1), (unsigned long long)st.blocks,
           vi->blksize, (double)st.blocks * vi->blksize / 1e6, out);
    printf("; %llu missing, %llu of another length\n", (unsigned long long)st.missing, (unsigned long long)st.odd);
    return 0;
}

static int export_main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "partition", required_argument, 0, 'p' }, { "all", no_argument, 0, 'a' }, { 0, 0, 0, 0 },
    };
    int c, part = 1;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c == 'p')
            part = atoi(optarg) > 0 ? atoi(optarg) : -1;
        else if (c == 'a')
            part = 0;
        else
            return usage();
    }
    if (optind + 2 != argc || part < 0)
        return usage();
    char err[ERRLEN];
    struct img *im = img_open(argv[optind], true, err, sizeof err);
    if (!im) {
        fprintf(stderr, "ccwpass dasd export: %s\n", err);
        return 1;
    }
    struct vtoc_info *vi = malloc(sizeof *vi);
    int rc = vi ? vtoc_read(im, vi, err, sizeof err) : -ENOMEM;
    if (rc < 0)
        fprintf(stderr, "ccwpass dasd export: %s\n", vi ? err : "out of memory");
    else if (!vi->blksize) {
        fprintf(stderr, "ccwpass dasd export: %s: no Linux block size recognised (not formatted with dasdfmt?)\n",
                argv[optind]);
        rc = -1;
    } else
        rc = export_to(im, vi, part, argv[optind + 1]) ? -1 : 0;
    free(vi);
    return close_image("export", im, rc < 0 ? 1 : 0);
}

/* ---- compact -------------------------------------------------------------- */

static int compact_main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    char err[ERRLEN];
    if (img_is_rbd(argv[1])) {
        fprintf(stderr, "ccwpass dasd compact: %s: compact applies to CCKD files (RBD images are thin already)\n",
                argv[1]);
        return 1;
    }
    struct img_compact_result res;
    if (img_compact(argv[1], &res, err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass dasd compact: %s\n", err);
        return 1;
    }
    printf("compacted %s: %llu -> %llu bytes (%llu freed)\n", argv[1], (unsigned long long)res.before,
           (unsigned long long)res.after, (unsigned long long)(res.before > res.after ? res.before - res.after : 0));
    return 0;
}

/* ---- snapshot, clone (RBD) ---------------------------------------------- */

static int snapshot_main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    char err[ERRLEN];
    if (!img_is_rbd(argv[1])) {
        fprintf(stderr, "ccwpass dasd snapshot: %s: snapshots are of volumes on RBD (rbd:POOL/IMAGE@SNAP)\n",
                argv[1]);
        return 1;
    }
    if (img_rbd_snapshot(argv[1], err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass dasd snapshot: %s\n", err);
        return 1;
    }
    printf("snapshot %s made and protected\n", argv[1]);
    return 0;
}

static int clone_main(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    char err[ERRLEN];
    if (!img_is_rbd(argv[1]) || !img_is_rbd(argv[2])) {
        fprintf(stderr, "ccwpass dasd clone: clones are of volumes on RBD: rbd:POOL/IMAGE@SNAP rbd:POOL/NEW\n");
        return 1;
    }
    double t0 = now();
    if (img_rbd_clone(argv[1], argv[2], err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass dasd clone: %s\n", err);
        return 1;
    }
    printf("cloned %s to %s in %.2f s\n", argv[1], argv[2], now() - t0);
    return 0;
}

int cmd_dasd(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } sub[] = {
        { "create", create_main }, { "info", info_main }, { "check", check_main },
        { "copy", copy_main }, { "export", export_main }, { "compact", compact_main },
        { "snapshot", snapshot_main }, { "clone", clone_main },
    };
    const size_t nlines = sizeof usage_lines / sizeof usage_lines[0];
    if (argc < 2)
        return usage();
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        if (strcmp(argv[1], sub[i].name))
            continue;
        if (cli_wants_help(argc - 2, argv + 2)) {
            cli_usage(stdout, usage_lines, nlines, "dasd", sub[i].name);
            return 0;
        }
        optind = 1;
        return sub[i].fn(argc - 1, argv + 1);
    }
    if (cli_wants_help(1, argv + 1)) {
        cli_usage(stdout, usage_lines, nlines, "dasd", NULL);
        return 0;
    }
    fprintf(stderr, "ccwpass dasd: unknown verb '%s'\n", argv[1]);
    return usage();
}
