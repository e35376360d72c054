// SPDX-License-Identifier: GPL-2.0-or-later
/* Test tool for tests/img/tape_cli.sh: writes a tape through the image
 * layer so that Hercules' tools can read what we write.
 *
 *   tape_writer OUT aws|zlib|bzip2 DATA SPEC...
 *
 * SPEC: N (a block of the next N bytes of DATA), NxK (K such blocks), tm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "img/tape.h"

static uint8_t *data;
static size_t data_len, data_pos;

static int block(struct tape *t, unsigned long n)
{
    if (n == 0 || n > TAPE_MAX_BLOCK || data_pos + n > data_len) {
        fprintf(stderr, "tape_writer: block of %lu bytes: bad size or DATA too short\n", n);
        return -1;
    }
    int rc = tape_write_block(t, data + data_pos, (uint32_t)n);
    data_pos += n;
    if (rc != TAPE_OK)
        fprintf(stderr, "tape_writer: write: %d %s\n", rc, tape_error(t));
    return rc == TAPE_OK ? 0 : -1;
}

static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    data_len = (size_t)ftell(f);
    rewind(f);
    data = malloc(data_len + 1);
    size_t got = data ? fread(data, 1, data_len, f) : 0;
    fclose(f);
    return got == data_len ? 0 : -1;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc < 5 || load(argv[3]) < 0) {
        fprintf(stderr, "usage: tape_writer OUT aws|zlib|bzip2 DATA SPEC...\n");
        return 2;
    }
    struct tape_create_opts co = { .format = strcmp(argv[2], "aws") ? TAPE_HET : TAPE_AWS };
    co.comp = !strcmp(argv[2], "bzip2") ? TAPE_COMP_BZIP2 : co.format == TAPE_HET ? TAPE_COMP_ZLIB : TAPE_COMP_NONE;
    struct tape_open_opts oo = { .comp = co.comp };
    if (tape_create(argv[1], &co, err, sizeof err) < 0 || truncate(argv[1], 0) < 0) {
        fprintf(stderr, "tape_writer: %s\n", err);
        return 1;
    }
    struct tape *t = tape_open(argv[1], &oo, err, sizeof err);
    if (!t) {
        fprintf(stderr, "tape_writer: %s\n", err);
        return 1;
    }
    int rc = 0;
    for (int i = 4; i < argc && rc == 0; i++) {
        char *x;
        unsigned long n = strtoul(argv[i], &x, 10), k = *x == 'x' ? strtoul(x + 1, NULL, 10) : 1;
        if (!strcmp(argv[i], "tm"))
            rc = tape_write_tapemark(t) == TAPE_OK ? 0 : -1;
        else
            for (unsigned long j = 0; j < k && rc == 0; j++)
                rc = block(t, n);
    }
    if (tape_close(t, err, sizeof err) < 0)
        rc = -1;
    free(data);
    return rc < 0 ? 1 : 0;
}
