// SPDX-License-Identifier: GPL-2.0-or-later
/* The body of the interpreter fuzzer (see fuzz_interp.h). */
#include "fuzz_interp.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_RESUMES 4

/* Length and status derived from the command so that runs are repeatable:
 * some commands transfer everything, some less, some more; a few end in
 * unit check / exception or status modifier. */
static void fz_exec(struct ccw_dev *d, const struct ccw_cmd *cmd, struct ccw_result *res)
{
    struct fuzz_dev *fd = (struct fuzz_dev *)d;
    uint32_t len = cmd->count;

    fd->out->calls++;
    if (cmd->count > fd->out->max_count)
        fd->out->max_count = cmd->count;
    switch (cmd->code >> 6) {
    case 1: len = cmd->count / 2; break;
    case 2: len = cmd->count + 7; break;
    default: break;
    }
    res->unitstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
    if ((cmd->code & 0x30) == 0x30)
        res->unitstat |= DEV_STAT_STAT_MOD;
    if (cmd->code == 0xE6)
        res->unitstat |= DEV_STAT_UNIT_CHECK;
    if (cmd->code == 0xD6)
        res->unitstat |= DEV_STAT_UNIT_EXCEP;
    if (len > CHAN_IOBUF_SIZE)
        len = CHAN_IOBUF_SIZE;
    memset(cmd->buf, cmd->code, len);
    res->len = len;
}

static const struct ccw_dev_ops fz_ops = { .name = "fuzz", .exec = fz_exec };

void fuzz_dev_init(struct fuzz_dev *d, struct fuzz_outcome *out)
{
    memset(d, 0, sizeof(*d));
    d->dev.ops = &fz_ops;
    d->out = out;
}

static void fz_pci(void *opaque, const struct chan_status *st) { (void)opaque; (void)st; }

static void orb_from_input(const uint8_t *data, size_t size, struct orb *orb)
{
    uint8_t a = size > 0 ? data[0] : 0;

    memset(orb, 0, sizeof(*orb));
    orb->fmt = !(a & 0x01);
    orb->c64 = a & 0x02;
    orb->i2k = a & 0x04;
    orb->spnd = a & 0x08;
    orb->ils = a & 0x10;
    orb->key = a >> 5;
    orb->lpm = 0x80;
    orb->cpa = 8;
}

int fuzz_chan_run(const uint8_t *data, size_t size, struct ccw_dev *dev, struct fuzz_outcome *out)
{
    uint8_t *mem = calloc(1, FUZZ_MEM_SIZE);
    struct chan_flatmem fm;
    struct chan_mem cm;
    struct chan_hooks hooks = { .pci = size > 1 && (data[1] & 1) ? fz_pci : NULL };
    struct chan_prog p;
    struct orb orb;

    if (!mem)
        return -1;
    memcpy(mem, data, size < FUZZ_MEM_SIZE ? size : FUZZ_MEM_SIZE);
    chan_mem_flat_init(&cm, &fm, mem, FUZZ_MEM_SIZE);
    if (size > 2 && (data[2] & 1)) {
        fm.prot_lo = 0x8000;   /* a protected page in the middle */
        fm.prot_hi = 0x9000;
    }
    orb_from_input(data, size, &orb);
    if (chan_prog_init(&p, &orb, &cm, dev, &hooks) != 0) {
        free(mem);
        return -1;
    }
    out->state = chan_run(&p);
    while (out->state == CHAN_SUSPENDED && out->resumes < FUZZ_MAX_RESUMES) {
        /* the program takes the S flag off the suspended CCW, then RSCH */
        uint64_t flag_at = (uint64_t)p.status.cpa - 8 + (orb.fmt ? 1 : 4);
        if (flag_at < FUZZ_MEM_SIZE)
            mem[flag_at] &= (uint8_t)~CCW_FLAG_SUSPEND;
        out->resumes++;
        out->state = chan_resume(&p);
    }
    out->status = p.status;
    chan_prog_free(&p);
    free(mem);
    return 0;
}

int fuzz_interp_run(const uint8_t *data, size_t size, struct fuzz_outcome *out)
{
    struct fuzz_dev dev;

    memset(out, 0, sizeof(*out));
    fuzz_dev_init(&dev, out);
    return fuzz_chan_run(data, size, &dev.dev, out);
}
