// SPDX-License-Identifier: GPL-2.0-or-later
/* The 3490 tape drive test fixture (tfx.h). */
#include "tfx.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AWS_HDR 6
#define AWS_F1_BOR 0x80
#define AWS_F1_TM  0x40
#define AWS_F1_EOR 0x20

static void on_attention(void *opaque, uint8_t dstat)
{
    struct tfx *f = opaque;
    struct tape3490_status st;

    /* called without the drive's lock: its owner may look at the drive */
    tape3490_status(f->x.dev, &st);
    f->attn_loaded = st.loaded;
    if (f->nattn < sizeof(f->attn))
        f->attn[f->nattn] = dstat;
    f->nattn++;
}

int tfx_load(struct tfx *f, const struct tfx_opts *o)
{
    struct tape_open_opts oo = {
        .readonly = o->readonly, .capacity = o->capacity, .eot_margin = o->eot_margin,
    };
    char err[512];
    struct tape *t = tape_open(f->path, &oo, err, sizeof(err));

    if (!t) {
        fprintf(stderr, "tfx: %s\n", err);
        abort();
    }
    int rc = tape3490_load(f->x.dev, t);
    if (rc < 0)
        tape_close(t, err, sizeof(err));
    return rc;
}

struct tfx *tfx_new(const struct tfx_opts *o)
{
    struct tfx *f = calloc(1, sizeof(*f));
    struct tape3490_config cfg = { .devno = TFX_DEVNO };
    char err[256];
    int fd;

    snprintf(f->dir, sizeof(f->dir), "/tmp/ccwpass-tape-XXXXXX");
    if (!mkdtemp(f->dir))
        abort();
    snprintf(f->path, sizeof(f->path), "%s/t.aws", f->dir);
    fd = open(f->path, O_CREAT | O_WRONLY | O_TRUNC, 0644);   /* a blank tape */
    if (fd < 0)
        abort();
    close(fd);
    f->x.dev = tape3490_new(&cfg, err, sizeof(err));
    if (!f->x.dev) {
        fprintf(stderr, "tfx: %s\n", err);
        abort();
    }
    tape3490_set_attention(f->x.dev, on_attention, f);
    if (!o->empty)
        tfx_load(f, o);
    f->nattn = 0;
    f->x.mem = calloc(1, DFX_MEM_SIZE);
    chan_mem_flat_init(&f->x.cm, &f->x.fm, f->x.mem, DFX_MEM_SIZE);
    f->x.orb.fmt = true;
    f->x.orb.pfch = true;
    f->x.orb.c64 = true;
    f->x.orb.lpm = 0x80;
    f->x.orb.cpa = DFX_CCW_AT;
    dfx_begin(&f->x);
    return f;
}

void tfx_free(struct tfx *f)
{
    char cmd[128];

    f->x.dev->ops->destroy(f->x.dev);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "tfx: cannot remove %s\n", f->dir);
    free(f->x.mem);
    free(f);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int tfx_aws(const struct tfx *f, struct tfx_elem *e, int max)
{
    FILE *fp = fopen(f->path, "rb");
    uint8_t h[AWS_HDR];
    uint64_t off = 0;
    uint16_t prev = 0;
    int n = 0;

    if (!fp)
        return -1;
    while (fread(h, 1, AWS_HDR, fp) == AWS_HDR) {
        uint16_t len = le16(h);
        if (le16(h + 2) != prev || n >= max || !(h[4] & (AWS_F1_BOR | AWS_F1_TM))) {
            n = -1;
            break;
        }
        e[n] = (struct tfx_elem){ .tapemark = (h[4] & AWS_F1_TM) != 0, .len = len, .off = off };
        n++;
        off += AWS_HDR + len;
        prev = len;
        if (fseek(fp, (long)off, SEEK_SET) != 0) {
            n = -1;
            break;
        }
    }
    fclose(fp);
    return n;
}

uint32_t tfx_aws_block(const struct tfx *f, int idx, uint8_t *buf, uint32_t cap)
{
    struct tfx_elem e[256];
    int n = tfx_aws(f, e, 256);
    FILE *fp;
    uint32_t len;

    if (idx >= n || e[idx].tapemark)
        return 0;
    fp = fopen(f->path, "rb");
    len = e[idx].len < cap ? e[idx].len : cap;
    if (!fp || fseek(fp, (long)(e[idx].off + AWS_HDR), SEEK_SET) != 0 || fread(buf, 1, len, fp) != len)
        len = 0;
    if (fp)
        fclose(fp);
    return len;
}

unsigned tfx_single(struct tfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data)
{
    dfx_begin(&f->x);
    unsigned i = dfx_ccw(&f->x, cmd, flags, count, data);
    dfx_run(&f->x);
    return i;
}

unsigned tfx_zero(struct tfx *f, uint8_t cmd, uint8_t flags)
{
    return dfx_ccw_at(&f->x, cmd, flags, 0, dfx_ccw_addr(&f->x, f->x.nccw));
}

void tfx_pattern(uint8_t *buf, uint32_t n, unsigned seed)
{
    for (uint32_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}
