// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ECKD device object: creation on an opened CKD/CCKD image, and the
 * struct ccw_dev_ops the channel calls (start, exec, end, sense, reset,
 * destroy).  A program that ends without the device seeing its last
 * command (halt, a channel-detected error, an injected status) or that
 * suspends may leave the current track dirty (and earlier tracks' writes in
 * flight): end, suspend, reset and destroy store it and wait for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev/eckd_priv.h"

static void eckd_start(struct ccw_dev *d, const struct orb *orb)
{
    struct eckd *e = to_eckd(d);

    eckd_prog_reset(e);
    e->store_lost = false;      /* it belonged to a program that was ended */
    e->held_counted = false;
    /* a shared volume: other hosts write it, so no track outlives a program */
    if (e->cfg.reserve) {
        eckd_trk_settle(e, NULL);
        eckd_trk_invalidate(e);
    }
}

/* Normally the command that ended the chain stored the track already
 * (eckd_exec).  Here the status is already decided (halted, or an error the
 * channel found), so a failed store can only be logged: nothing that failed
 * to reach the image was presented as complete without error. */
static void eckd_end(struct ccw_dev *d)
{
    eckd_trk_settle(to_eckd(d), NULL);
}

/* The program suspended: store now, since HSCH or XSCH may end it without
 * another call.  If that fails, the program's next command (after RSCH)
 * ends in equipment check, so it never completes without error. */
static void eckd_suspend(struct ccw_dev *d)
{
    struct eckd *e = to_eckd(d);

    if (eckd_trk_settle(e, NULL) < 0)
        e->store_lost = true;
}

static unsigned eckd_sense_op(struct ccw_dev *d, uint8_t sense[32])
{
    struct eckd *e = to_eckd(d);

    eckd_take_lost_notice(e);   /* concurrent sense of the unsolicited unit check */
    if (!e->sense_pending)
        return 0;
    return eckd_sense_fetch(e, sense);
}

/* The unsolicited unit check's sense, left pending for the guest's Sense. */
static unsigned eckd_peek_sense_op(struct ccw_dev *d, uint8_t sense[32])
{
    struct eckd *e = to_eckd(d);

    eckd_take_lost_notice(e);
    if (!e->sense_pending)
        return 0;
    memcpy(sense, e->sense, ECKD_SENSE_SIZE);
    return ECKD_SENSE_SIZE;
}

static void eckd_reset(struct ccw_dev *d)
{
    struct eckd *e = to_eckd(d);

    eckd_trk_settle(e, NULL);    /* writes that completed are on the media */
    e->store_lost = false;
    eckd_prog_reset(e);
    e->sense_pending = false;
    memset(e->sense, 0, sizeof(e->sense));
    e->sel_fresh = false;
    eckd_trk_invalidate(e);
}

static void eckd_destroy(struct ccw_dev *d)
{
    struct eckd *e = to_eckd(d);

    if (!e)
        return;
    if (e->trk.img)
        eckd_trk_settle(e, NULL);
    free(e->trk.img);
    free(e);
}

static const struct ccw_dev_ops eckd_ops = {
    .name = "3390",
    .start = eckd_start,
    .exec = eckd_exec,
    .end = eckd_end,
    .suspend = eckd_suspend,
    .sense = eckd_sense_op,
    .peek_sense = eckd_peek_sense_op,
    .reset = eckd_reset,
    .destroy = eckd_destroy,
    .busy = eckd_busy,
    .short_programs = true,
};

static int config_fill(struct eckd *e, const struct eckd_config *cfg, char *err, size_t errlen)
{
    const struct img_geometry *g = img_geometry(e->im);

    e->cfg = *cfg;
    if (!e->cfg.cu_type)
        e->cfg.cu_type = 0x3990;
    if (!e->cfg.cu_model)
        e->cfg.cu_model = 0xE9;
    if (!e->cfg.serial[0])
        snprintf(e->cfg.serial, sizeof(e->cfg.serial), "CCWP0000%04X", cfg->devno);
    if (g->devtype != 0x3390 && g->devtype != 0x3380) {
        snprintf(err, errlen, "%s: device type %04X is not an ECKD 3390/3380", img_path(e->im), g->devtype);
        return -1;
    }
    if (g->heads == 0 || g->heads > 15 || g->cyls == 0) {
        snprintf(err, errlen, "%s: geometry %u cylinders x %u heads is not a 3390", img_path(e->im),
                 g->cyls, g->heads);
        return -1;
    }
    e->devtype = g->devtype;
    e->cyls = g->cyls;
    e->heads = g->heads;
    e->trksize = g->trksize ? g->trksize : CKD_TRKSIZE_3390;
    if (e->trksize > CKD_MAX_TRACK_IMAGE)
        e->trksize = CKD_MAX_TRACK_IMAGE;
    e->model = eckd_model_for_cyls(e->cyls);
    if (img_readonly(e->im))
        e->cfg.readonly = true;
    return 0;
}

struct ccw_dev *eckd_new(struct img *im, const struct eckd_config *cfg, char *err, size_t errlen)
{
    struct eckd *e = calloc(1, sizeof(*e));

    if (!e || !im || !cfg) {
        snprintf(err, errlen, "eckd: %s", !e ? "out of memory" : "no image or configuration");
        free(e);
        return NULL;
    }
    e->im = im;
    e->trk.img = malloc(CKD_MAX_TRACK_IMAGE);
    if (!e->trk.img) {
        snprintf(err, errlen, "eckd: out of memory");
        free(e);
        return NULL;
    }
    if (config_fill(e, cfg, err, errlen) < 0) {
        eckd_destroy(&e->dev);
        return NULL;
    }
    eckd_ident_build(e);
    eckd_prog_reset(e);
    e->dev.ops = &eckd_ops;
    e->dev.cu_type = e->cfg.cu_type;
    e->dev.cu_model = e->cfg.cu_model;
    e->dev.dev_type = e->devtype;
    e->dev.dev_model = e->rdc[5];
    return &e->dev;
}
