// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 3390 (and 3380) geometry: models and their cylinder counts, and the track
 * capacity formula in "cells", the same arithmetic as Linux's
 * recs_per_track() (drivers/s390/block/dasd_eckd.c) and Hercules' CKDIOT.
 * A track holds records R1..Rn as long as the sum of their cells does not
 * exceed the cells of a track (R0 and the home address are outside it).
 */
#include "dev/eckd_priv.h"

struct model3390 {
    int model;
    uint32_t cyls;
    uint8_t model_code;   /* RDC byte 5 */
    uint8_t unit_type;    /* RDC byte 11 */
};

static const struct model3390 models[] = {
    { 1, 1113, 0x02, 0x26 },
    { 2, 2226, 0x06, 0x27 },
    { 3, 3339, 0x0A, 0x24 },
    { 9, 10017, 0x0C, 0x32 },
    { 27, 32760, 0x0C, 0x32 },
    { 54, 65520, 0x0C, 0x32 },
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

static const struct model3390 *model_find(int model)
{
    for (unsigned i = 0; i < NMODELS; i++)
        if (models[i].model == model)
            return &models[i];
    return NULL;
}

int eckd_model_for_cyls(uint32_t cyls)
{
    for (unsigned i = 0; i < NMODELS; i++)
        if (models[i].cyls == cyls)
            return models[i].model;
    return 0;
}

uint32_t eckd_cyls_for_model(int model)
{
    const struct model3390 *m = model_find(model);
    return m ? m->cyls : 0;
}

/* Custom sizes and EAV volumes present themselves as a 3390-9 family member. */
uint8_t eckd_model_code(int model)
{
    const struct model3390 *m = model_find(model);
    return m ? m->model_code : 0x0C;
}

uint8_t eckd_unit_type(int model)
{
    const struct model3390 *m = model_find(model);
    return m ? m->unit_type : 0x32;
}

static unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

unsigned eckd_rec_cells(uint16_t devtype, unsigned kl, unsigned dl)
{
    if (devtype == 0x3380) {
        unsigned c = 15 + ceil_div(dl + 12, 32);
        return kl ? c + 7 + ceil_div(kl + 12, 32) : c;
    }
    unsigned dn = ceil_div(dl + 6, 232) + 1;
    unsigned c = 10 + 9 + ceil_div(dl + 6 * dn, 34);
    if (kl) {
        unsigned kn = ceil_div(kl + 6, 232) + 1;
        c += 9 + ceil_div(kl + 6 * kn, 34);
    }
    return c;
}

unsigned eckd_track_cells(uint16_t devtype)
{
    return devtype == 0x3380 ? 1499 : 1729;
}

unsigned eckd_recs_per_track(uint16_t devtype, unsigned kl, unsigned dl)
{
    return eckd_track_cells(devtype) / eckd_rec_cells(devtype, kl, dl);
}

/* Largest R0 data length (RDC bytes 44-45). */
uint32_t eckd_r0_max(uint16_t devtype)
{
    return devtype == 0x3380 ? 47988 : 57326;
}
