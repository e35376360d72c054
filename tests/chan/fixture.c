// SPDX-License-Identifier: GPL-2.0-or-later
/* The scripted device and flat memory of the interpreter tests (fixture.h). */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static bool dir_is_input(uint8_t code)
{
    enum ccw_dir d = ccw_cmd_dir(code);
    return d == CCW_DIR_READ || d == CCW_DIR_READ_BACKWARD || d == CCW_DIR_SENSE;
}

static void fx_start(struct ccw_dev *d, const struct orb *orb)
{
    ((struct fx_dev *)d)->starts++;
}

static void fx_end(struct ccw_dev *d)
{
    ((struct fx_dev *)d)->ends++;
}

static void fx_record(struct fx_dev *fd, const struct ccw_cmd *cmd)
{
    struct fx_call *c;

    if (fd->ncalls >= FX_MAX_CALLS)
        return;
    c = &fd->calls[fd->ncalls];
    c->code = cmd->code;
    c->flags = cmd->flags;
    c->prev_code = cmd->prev_code;
    c->chained = cmd->chained;
    c->seq = cmd->seq;
    c->count = cmd->count;
    if (!dir_is_input(cmd->code))
        memcpy(c->data, cmd->buf, cmd->count < FX_REC_BYTES ? cmd->count : FX_REC_BYTES);
}

static void fx_exec(struct ccw_dev *d, const struct ccw_cmd *cmd, struct ccw_result *res)
{
    struct fx_dev *fd = (struct fx_dev *)d;
    unsigned n = fd->ncalls;
    const struct fx_resp *r = n < FX_MAX_CALLS ? &fd->script[n] : NULL;

    fx_record(fd, cmd);
    fd->ncalls++;
    res->len = cmd->count;
    res->unitstat = CE_DE;
    if (r && r->set) {
        res->len = r->len;
        res->unitstat = r->unitstat;
    }
    if (dir_is_input(cmd->code)) {
        uint32_t len = res->len < CHAN_IOBUF_SIZE ? res->len : CHAN_IOBUF_SIZE;
        for (uint32_t i = 0; i < len; i++)
            cmd->buf[i] = (r && r->data) ? r->data[i] : fx_pattern(i);
    }
}

static unsigned fx_sense(struct ccw_dev *d, uint8_t sense[32])
{
    return 0;
}

static const struct ccw_dev_ops fx_ops = {
    .name = "fx", .start = fx_start, .exec = fx_exec, .end = fx_end, .sense = fx_sense,
};

static void fx_pci(void *opaque, const struct chan_status *st)
{
    struct fx *f = opaque;
    if (f->npci < 8)
        f->pci[f->npci] = *st;
    f->npci++;
}

struct fx *fx_new(bool fmt1)
{
    struct fx *f = calloc(1, sizeof(*f));

    f->mem = calloc(1, FX_MEM_SIZE);
    chan_mem_flat_init(&f->cm, &f->fm, f->mem, FX_MEM_SIZE);
    f->dev.dev.ops = &fx_ops;
    f->orb.fmt = fmt1;
    f->orb.pfch = true;
    f->orb.lpm = 0x80;
    f->orb.cpa = 0x1000;
    f->hooks.opaque = f;
    f->hooks.pci = fx_pci;
    return f;
}

void fx_free(struct fx *f)
{
    chan_prog_free(&f->p);
    free(f->mem);
    free(f);
}

void fx_ccw1(struct fx *f, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw1_encode(&c, f->mem + at);
}

void fx_ccw0(struct fx *f, uint64_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw0_encode(&c, f->mem + at);
}

void fx_idaw1(struct fx *f, uint64_t at, uint32_t addr) { idaw1_encode(addr, f->mem + at); }
void fx_idaw2(struct fx *f, uint64_t at, uint64_t addr) { idaw2_encode(addr, f->mem + at); }

void fx_respond(struct fx *f, unsigned n, uint32_t len, uint8_t unitstat)
{
    f->dev.script[n] = (struct fx_resp){ .set = true, .len = len, .unitstat = unitstat };
}

enum chan_state fx_run(struct fx *f)
{
    if (chan_prog_init(&f->p, &f->orb, &f->cm, &f->dev.dev, &f->hooks) != 0)
        return CHAN_DONE;
    return chan_run(&f->p);
}
