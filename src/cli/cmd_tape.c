// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass tape: tools for Hercules AWSTAPE/HET tape images, in the spirit of
 * Hercules' hetinit, hetmap/tapemap and hetupd (docs/tape.md).
 *
 *   create FILE [--het[=zlib|bzip2] | --aws] [--label VOLSER [--owner NAME]] [--force]
 *   info   FILE
 *   check  FILE
 *   copy   IN OUT [--het[=zlib|bzip2] | --aws] [--force]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/progress.h"
#include "img/tape.h"

#define ERRLEN 512

static const char *const usage_lines[] = {
    "tape create FILE [--het[=zlib|bzip2] | --aws] [--label VOLSER [--owner NAME]] [--force]",
    "tape info FILE",
    "tape check FILE",
    "tape copy IN OUT [--het[=zlib|bzip2] | --aws] [--force]",
    "tape load DEVNO FILE [--ro]      (through ccwpassd; see ccwpass tape load --help)",
    "tape unload DEVNO                (through ccwpassd)",
};

static int usage(void)
{
    cli_usage(stderr, usage_lines, sizeof usage_lines / sizeof usage_lines[0], "tape", NULL);
    return 2;
}

static const char *format_name(enum tape_format f, enum tape_comp c)
{
    if (f == TAPE_AWS)
        return "AWSTAPE";
    return c == TAPE_COMP_BZIP2 ? "HET (bzip2)" : c == TAPE_COMP_ZLIB ? "HET (zlib)" : "HET";
}

/* --het[=ALGO] / --aws; without either the suffix of the name decides (.het: HET zlib). */
static int parse_het(const char *arg, struct tape_create_opts *o)
{
    o->format = TAPE_HET;
    if (!arg || !strcmp(arg, "zlib"))
        o->comp = TAPE_COMP_ZLIB;
    else if (!strcmp(arg, "bzip2") || !strcmp(arg, "bz2"))
        o->comp = TAPE_COMP_BZIP2;
    else {
        fprintf(stderr, "ccwpass tape: unknown compression '%s' (zlib or bzip2)\n", arg);
        return -1;
    }
    return 0;
}

static void format_from_name(const char *path, bool chosen, struct tape_create_opts *o)
{
    size_t n = strlen(path);
    if (chosen)
        return;
    bool het = n >= 4 && !strcasecmp(path + n - 4, ".het");
    o->format = het ? TAPE_HET : TAPE_AWS;
    o->comp = het ? TAPE_COMP_ZLIB : TAPE_COMP_NONE;
}

/*
 * The output options create and copy share: --het[=LEVEL], --aws, --force.
 * 1 when c was one of them, 0 when not, -1 after a bad --het argument.
 */
struct out_opts {
    struct tape_create_opts o;
    bool chosen;    /* --het or --aws given: the file name does not decide */
    bool force;
};

static int out_option(int c, struct out_opts *f)
{
    switch (c) {
    case 'z':
        if (parse_het(optarg, &f->o) < 0)
            return -1;
        f->chosen = true;
        return 1;
    case 'a':
        f->o.format = TAPE_AWS;
        f->o.comp = TAPE_COMP_NONE;
        f->chosen = true;
        return 1;
    case 'f':
        f->force = true;
        return 1;
    default:
        return 0;
    }
}

static bool exists(const char *path, bool force)
{
    struct stat st;
    if (force || stat(path, &st) != 0)
        return false;
    fprintf(stderr, "ccwpass tape: %s exists (use --force to overwrite it)\n", path);
    return true;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Progress on a terminal: a bar over the bytes of the input file. */
static tape_progress_fn *progress_if_tty(void)
{
    return cli_progress_wanted() ? cli_progress_show : NULL;
}

/* ---- create ----------------------------------------------------------------------- */

static int create_main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "het", optional_argument, 0, 'z' }, { "aws", no_argument, 0, 'a' },
        { "label", required_argument, 0, 'l' }, { "owner", required_argument, 0, 'o' },
        { "force", no_argument, 0, 'f' }, { 0, 0, 0, 0 },
    };
    struct out_opts f = { .o = { .format = TAPE_AWS } };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        int handled = out_option(c, &f);

        if (handled < 0)
            return 2;
        if (handled)
            continue;
        switch (c) {
        case 'l': f.o.volser = optarg; break;
        case 'o': f.o.owner = optarg; break;
        default: return usage();
        }
    }
    if (optind + 1 != argc || (f.o.owner && !f.o.volser))
        return usage();
    const char *path = argv[optind];
    format_from_name(path, f.chosen, &f.o);
    if (exists(path, f.force))
        return 1;
    char err[ERRLEN];
    if (tape_create(path, &f.o, err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass tape create: %s\n", err);
        return 1;
    }
    printf("created %s: %s, %s%s, %lld bytes\n", path, format_name(f.o.format, f.o.comp),
           f.o.volser ? "labelled " : "unlabelled", f.o.volser ? f.o.volser : "", file_size(path));
    return 0;
}

/* ---- info / check ------------------------------------------------------------------ */

static void print_file(const char *prefix, unsigned n, const struct tape_file_stats *f, const char *suffix)
{
    printf("%s%u%s: Blocks=%u, block size min=%u, max=%u, bytes=%llu, stored=%llu\n", prefix, n, suffix, f->blocks,
           f->min_block, f->max_block, (unsigned long long)f->bytes, (unsigned long long)f->stored);
}

static void totals(const struct tape_scan *s, uint32_t *blocks, uint64_t *bytes)
{
    *blocks = 0;
    *bytes = 0;
    for (uint32_t i = 0; i <= s->files; i++) {
        *blocks += s->file[i].blocks;
        *bytes += s->file[i].bytes;
    }
}

static int scan(const char *verb, const char *path, struct tape_scan *s)
{
    char err[ERRLEN];
    struct cli_progress bar = { "reading", "MiB", 1 / CLI_MIB, 0, false };
    int rc = tape_scan(path, s, progress_if_tty(), &bar, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "ccwpass tape %s: %s\n", verb, err);
    return rc;
}

static int info_main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct tape_scan s;
    if (scan("info", argv[1], &s) < 0)
        return 1;
    uint32_t blocks;
    uint64_t bytes;
    totals(&s, &blocks, &bytes);
    printf("%s: %s, %llu bytes on file, %u file%s, %u blocks, %llu bytes of data\n", argv[1],
           format_name(s.format, s.comp), (unsigned long long)s.size, s.files, s.files == 1 ? "" : "s", blocks,
           (unsigned long long)bytes);
    for (uint32_t i = 0; i < s.files; i++)
        print_file("File ", i + 1, &s.file[i], "");
    if (s.file[s.files].blocks)
        print_file("File ", s.files + 1, &s.file[s.files], " (no tapemark)");
    if (s.torn >= 0)
        printf("Torn tail at offset %lld: ignored, the tape ends there.\n", (long long)s.torn);
    printf("End of tape.\n");
    tape_scan_free(&s);
    return 0;
}

static int check_main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct tape_scan s;
    if (scan("check", argv[1], &s) < 0)
        return 1;
    uint32_t blocks;
    uint64_t bytes;
    totals(&s, &blocks, &bytes);
    int rc = 0;
    if (s.torn >= 0) {
        fprintf(stderr, "ccwpass tape check: tape %s: offset %lld: torn tail (%lld bytes of a partly written "
                "block); the tape is whole up to there\n", argv[1], (long long)s.torn,
                file_size(argv[1]) - (long long)s.torn);
        rc = 1;
    } else
        printf("%s: ok: %s, %u file%s, %u blocks, %llu bytes of data, every header chains%s\n", argv[1],
               format_name(s.format, s.comp), s.files, s.files == 1 ? "" : "s", blocks, (unsigned long long)bytes,
               s.format == TAPE_HET ? ", every block expands" : "");
    tape_scan_free(&s);
    return rc;
}

/* ---- copy ------------------------------------------------------------------------------ */

static int copy_main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "het", optional_argument, 0, 'z' }, { "aws", no_argument, 0, 'a' },
        { "force", no_argument, 0, 'f' }, { 0, 0, 0, 0 },
    };
    struct out_opts f = { .o = { .format = TAPE_AWS } };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        int handled = out_option(c, &f);

        if (handled < 0)
            return 2;
        if (!handled)
            return usage();
    }
    if (optind + 2 != argc)
        return usage();
    const char *in = argv[optind], *out = argv[optind + 1];
    format_from_name(out, f.chosen, &f.o);
    if (exists(out, f.force))
        return 1;
    char err[ERRLEN];
    struct cli_progress bar = { "copying", "MiB", 1 / CLI_MIB, 0, false };
    if (tape_copy(in, out, &f.o, progress_if_tty(), &bar, err, sizeof err) < 0) {
        fprintf(stderr, "ccwpass tape copy: %s\n", err);
        return 1;
    }
    printf("copied %s to %s: %s, %lld bytes\n", in, out, format_name(f.o.format, f.o.comp), file_size(out));
    return 0;
}

int cmd_tape(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } sub[] = {
        { "create", create_main }, { "info", info_main }, { "check", check_main }, { "copy", copy_main },
        { "load", cmd_tapectl }, { "unload", cmd_tapectl },   /* cmd_ctl.c: through ccwpassd */
    };
    const size_t nlines = sizeof usage_lines / sizeof usage_lines[0];
    if (argc < 2)
        return usage();
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        if (strcmp(argv[1], sub[i].name))
            continue;
        /* load|unload: cmd_tapectl answers --help with the daemon verbs' usage */
        if (sub[i].fn != cmd_tapectl && cli_wants_help(argc - 2, argv + 2)) {
            cli_usage(stdout, usage_lines, nlines, "tape", sub[i].name);
            return 0;
        }
        optind = 1;
        return sub[i].fn(argc - 1, argv + 1);
    }
    if (cli_wants_help(1, argv + 1)) {
        cli_usage(stdout, usage_lines, nlines, "tape", NULL);
        return 0;
    }
    fprintf(stderr, "ccwpass tape: unknown verb '%s'\n", argv[1]);
    return usage();
}
