// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The records of a freshly initialised volume: IPL1/IPL2/VOL1 as Hercules'
 * dasdinit writes them, and the VTOC (F4 VTOC descriptor, F5 free space, F7
 * extended free space) as s390-tools' libvtoc lays out a Linux CDL volume.
 */
#include <string.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"
#include "img/vtoc.h"

void vtoc_ipl1_data(uint8_t data[IPL1_DATA_LEN])
{
    /* dasdinit's IPL1: a PSW and a CCW that make an IPL of an empty
     * volume end in a disabled wait instead of running garbage. */
    static const uint8_t ipl1[IPL1_DATA_LEN] = {
        0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0F,
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    };
    memcpy(data, ipl1, IPL1_DATA_LEN);
}

void vtoc_vol1_data(uint8_t data[VOL1_DATA_LEN], const char *volser)
{
    memset(data, 0x40, VOL1_DATA_LEN);
    ebcdic_put(data, "VOL1", 4);
    ebcdic_put(data + 4, volser, 6);
    /* VTOC at cyl 0 head 1 record 1 */
    memset(data + 11, 0, 5);
    data[14] = 1;
    data[15] = 1;
    ebcdic_put(data + 41, "HERCULES", 8);
}

bool vtoc_needs_f7(uint64_t tracks)
{
    return tracks > 65535;
}

static void put_cchh(uint8_t *p, uint32_t cyl, uint32_t head)
{
    be16_put(p, ckd_cc(cyl));
    be16_put(p + 2, ckd_hh(cyl, head));
}

void vtoc_f4(uint8_t d[DSCB_SIZE], uint32_t cyls, uint32_t heads, unsigned rpt, bool f7)
{
    uint8_t *x = d + DSCB_KEY_LEN;          /* data part, offsets relative to 44 */
    memset(d, 0, DSCB_SIZE);
    memset(d, 0x04, DSCB_KEY_LEN);
    x[0] = 0xF4;
    be16_put(x + 6, (uint16_t)(rpt - 2));   /* DS4DSREC: free DSCBs on the VTOC track */
    x[14] = f7 ? 0xA0 : 0;                  /* DS4VTOCI */
    x[15] = 1;                              /* DS4NOEXT */
    be16_put(x + 18, cyls > 65520 ? 0xFFFE : (uint16_t)cyls);  /* DS4DSCYL */
    be16_put(x + 20, (uint16_t)heads);      /* DS4DSTRK */
    be16_put(x + 22, 0xE5A2);               /* DS4DEVTK: 3390 track length */
    x[27] = 0x30;                           /* DS4DEVFG */
    x[30] = (uint8_t)rpt;                   /* DS4DEVDT: DSCBs per track */
    x[61] = 0x01;                           /* DS4VTOCE: VTOC extent = track 1 */
    put_cchh(x + 63, 0, 1);
    put_cchh(x + 67, 0, 1);
    if (f7) {
        x[81] = 0x07;                       /* DS4EFLVL */
        x[85] = 1;                          /* DS4EFPTR: cyl 0 head 1 record 3 */
        x[86] = 3;
    }
    if (cyls > 65520) {                     /* EAV: dasdinit never goes here */
        be32_put(x + 88, cyls);             /* DS4DCYL */
        x[94] = 0x40;                       /* DS4DEVF2: F8/F9 allowed */
    }
}

void vtoc_f5(uint8_t d[DSCB_SIZE], uint32_t tracks, uint32_t heads)
{
    memset(d, 0, DSCB_SIZE);
    memset(d, 0x05, 4);
    d[DSCB_KEY_LEN] = 0xF5;
    if (vtoc_needs_f7(tracks))
        return;                             /* the free space lives in the F7 */
    uint32_t n = tracks - 2;
    be16_put(d + 4, 2);
    be16_put(d + 6, (uint16_t)(n / heads));
    d[8] = (uint8_t)(n % heads);
}

void vtoc_f7(uint8_t d[DSCB_SIZE], uint32_t tracks)
{
    memset(d, 0, DSCB_SIZE);
    memset(d, 0x07, 4);
    d[DSCB_KEY_LEN] = 0xF7;
    be32_put(d + 4, 2);                     /* extents are inclusive: 2 .. last track */
    be32_put(d + 8, tracks - 1);
}
