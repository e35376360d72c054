// SPDX-License-Identifier: GPL-2.0-or-later
/* The ECKD device test fixture (dfx.h). */
#include "dfx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void dev_open(struct dfx *f, bool readonly)
{
    char err[256];

    f->im = img_open(f->path, readonly, err, sizeof(err));
    if (!f->im) {
        fprintf(stderr, "dfx: %s\n", err);
        abort();
    }
    f->cfg.readonly = readonly;
    f->dev = eckd_new(f->im, &f->cfg, err, sizeof(err));
    if (!f->dev) {
        fprintf(stderr, "dfx: %s\n", err);
        abort();
    }
}

struct dfx *dfx_new(const struct dfx_opts *o)
{
    struct dfx *f = calloc(1, sizeof(*f));
    char err[256];

    snprintf(f->dir, sizeof(f->dir), "/tmp/ccwpass-dev-XXXXXX");
    if (!mkdtemp(f->dir))
        abort();
    snprintf(f->path, sizeof(f->path), "%s/vol.3390", f->dir);
    struct img_create_opts co = {
        .devtype = 0x3390, .cyls = o->cyls, .format = o->cckd ? IMG_CCKD : IMG_CKD,
        .compress = o->cckd ? IMG_COMP_ZLIB : IMG_COMP_NONE, .linux_null = o->linux_null,
        .raw = o->raw, .volser = o->raw ? NULL : "TST001",
    };
    if (img_create(f->path, &co, err, sizeof(err)) < 0) {
        fprintf(stderr, "dfx: %s\n", err);
        abort();
    }
    f->cfg.devno = o->devno ? o->devno : 0x1234;
    f->cfg.unit_addr = o->unit_addr;
    f->cfg.ssid = 0x0100;
    dev_open(f, o->readonly);
    dfx_channel_init(f);
    return f;
}

void dfx_channel_init(struct dfx *f)
{
    f->mem = calloc(1, DFX_MEM_SIZE);
    if (!f->mem) {
        fprintf(stderr, "dfx: out of memory\n");
        abort();
    }
    chan_mem_flat_init(&f->cm, &f->fm, f->mem, DFX_MEM_SIZE);
    f->orb.fmt = true;
    f->orb.pfch = true;
    f->orb.c64 = true;
    f->orb.lpm = 0x80;
    f->orb.cpa = DFX_CCW_AT;
    dfx_begin(f);
}

void dfx_reopen(struct dfx *f, bool readonly)
{
    f->dev->ops->destroy(f->dev);
    img_close(f->im);
    dev_open(f, readonly);
}

void dfx_free(struct dfx *f)
{
    char cmd[128];

    f->dev->ops->destroy(f->dev);
    img_close(f->im);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "dfx: cannot remove %s\n", f->dir);
    free(f->mem);
    free(f);
}

void dfx_begin(struct dfx *f)
{
    f->ccw_at = DFX_CCW_AT;
    f->data_at = DFX_DATA_AT;
    f->nccw = 0;
    f->nsense = 0;
    memset(f->sense, 0, sizeof(f->sense));
}

unsigned dfx_ccw_at(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };

    ccw1_encode(&c, f->mem + f->ccw_at);
    f->ccw_at += 8;
    f->data_addr[f->nccw] = cda;
    return f->nccw++;
}

unsigned dfx_ccw(struct dfx *f, uint8_t cmd, uint8_t flags, uint16_t count, const void *data)
{
    uint32_t at = f->data_at;

    if (data)
        memcpy(f->mem + at, data, count);
    else
        memset(f->mem + at, 0, count);
    f->data_at = (f->data_at + count + 7) & ~7u;
    return dfx_ccw_at(f, cmd, flags, count, at);
}

uint32_t dfx_ccw_addr(const struct dfx *f, unsigned idx) { return DFX_CCW_AT + 8 * idx; }
uint8_t *dfx_data(struct dfx *f, unsigned idx) { return f->mem + f->data_addr[idx]; }

enum chan_state dfx_run(struct dfx *f)
{
    struct chan_prog p;
    struct chan_hooks hooks = { 0 };

    if (chan_prog_init(&p, &f->orb, &f->cm, f->dev, &hooks) != 0)
        abort();
    enum chan_state s = chan_run(&p);
    f->st = p.status;
    chan_prog_free(&p);
    f->nsense = 0;
    if (f->st.dstat & DEV_STAT_UNIT_CHECK)
        f->nsense = f->dev->ops->sense(f->dev, f->sense);
    return s;
}

unsigned dfx_last_ccw(const struct dfx *f)
{
    return (f->st.cpa - 8 - DFX_CCW_AT) / 8;
}

size_t dfx_track(struct dfx *f, uint32_t cyl, uint32_t head, uint8_t *buf)
{
    size_t len = 0;

    if (img_read_track(f->im, cyl, head, buf, CKD_MAX_TRACK_IMAGE, &len) < 0)
        return 0;
    return len;
}
