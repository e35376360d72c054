// SPDX-License-Identifier: GPL-2.0-or-later
/* Linux 6.1 dasd_eckd channel programs for the device tests (lxcp.h). */
#include "lxcp.h"

#include <string.h>
#include "dev/eckd.h"

static void put_ch(uint8_t *p, uint32_t trk)
{
    uint32_t cyl = trk / LX_HEADS, head = trk % LX_HEADS;
    be16_put(p, (uint16_t)cyl);
    be16_put(p + 2, (uint16_t)(((cyl >> 16) << 4) | head));
}

void lx_define_extent(uint8_t de[16], uint32_t beg, uint32_t end, uint8_t cmd, bool cdl_special)
{
    memset(de, 0, 16);
    de[1] = 0xC0 | (0x3 << 2);              /* ECKD, sequential access */
    switch (cmd) {
    case LX_CMD_READ_MT: case LX_CMD_READ_KD_MT:
        de[0] = 0x40;                       /* inhibit writes */
        break;
    case LX_CMD_READ_COUNT:
        de[0] = 0x40;
        de[1] = 0xC0 | (0x1 << 2);          /* bypass cache */
        break;
    case LX_CMD_WRITE_MT: case LX_CMD_WRITE_KD_MT:
        de[0] = 0x80;                       /* update writes only */
        break;
    case LX_CMD_WRITE_CKD: case LX_CMD_WRITE_CKD_MT:
        de[0] = 0x00;
        de[1] = 0xC0 | (0x1 << 2);
        de[7] |= 0x04;                      /* permit R0 format */
        break;
    case LX_CMD_WRITE_R0:
        de[0] = 0xC2;
        de[1] = 0xC0 | (0x1 << 2);
        break;
    }
    if (!cdl_special)
        de[7] |= 0x40;                      /* regular data format (2105/2107 only in Linux) */
    de[7] &= (uint8_t)~0x40;                /* our CU is a 3990: Linux leaves it off */
    put_ch(de + 8, beg);
    put_ch(de + 12, end);
}

/* Linux's sector computation for 3390 record r. */
static uint8_t lx_sector(unsigned rec, unsigned dl)
{
    unsigned dn = (dl + 6 + 231) / 232 + 1;
    unsigned d = 9 + (dl + 6 * dn + 33) / 34;
    return rec ? (uint8_t)((49 + (rec - 1) * (10 + d)) / 8) : 0;
}

/* Feature-code bits dasd_eckd tests (dasd_eckd_build_cp, docs/eckd.md). */
static bool use_prefix(const struct dfx *f) { return f->features[8] & 0x01; }
static bool cmd_rtd(const struct dfx *f) { return f->features[9] & 0x20; }
static bool cmd_wtd(const struct dfx *f) { return f->features[12] & 0x40; }

/* The extent part of a program: Prefix format 0 (DE only) when the Prefix
 * feature is there (Linux's prefix()), else Define Extent. */
static void extent_ccw(struct dfx *f, const uint8_t de[16])
{
    uint8_t pfx[LX_PFX_SIZE] = { 0x00, 0x80 };

    if (!use_prefix(f)) {
        dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
        return;
    }
    pfx[2] = f->cfg.unit_addr;
    memcpy(pfx + 12, de, 16);
    dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, pfx);
}

void lx_locate_record(uint8_t lr[16], uint32_t trk, unsigned rec_on_trk, unsigned no_rec,
                      uint8_t cmd, unsigned reclen, unsigned blksize)
{
    memset(lr, 0, 16);
    switch (cmd) {
    case LX_CMD_READ_MT: case LX_CMD_READ_KD_MT:
        lr[0] = 0x06; lr[1] = 0x80; break;
    case LX_CMD_WRITE_MT: case LX_CMD_WRITE_KD_MT:
        lr[0] = 0x01; lr[1] = 0x80; break;
    case LX_CMD_WRITE_CKD: case LX_CMD_WRITE_CKD_MT:
        lr[0] = 0x03; lr[1] = 0x80; break;
    case LX_CMD_READ_COUNT:
        lr[0] = 0x06; reclen = 0; break;
    case LX_CMD_WRITE_R0:
        lr[0] = 0x43; lr[1] = 0x80; no_rec++; break;
    }
    lr[3] = (uint8_t)no_rec;
    put_ch(lr + 4, trk);
    put_ch(lr + 8, trk);
    lr[12] = (uint8_t)rec_on_trk;
    lr[13] = lx_sector(rec_on_trk, blksize);
    be16_put(lr + 14, (uint16_t)reclen);
}

enum chan_state lx_analysis(struct dfx *f, uint8_t counts[5][8])
{
    uint8_t de[16], lr[16];
    unsigned rc[5];

    dfx_begin(f);
    lx_define_extent(de, 0, 1, LX_CMD_READ_COUNT, true);
    dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
    lx_locate_record(lr, 0, 0, 4, LX_CMD_READ_COUNT, 0, 0);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    for (unsigned i = 0; i < 4; i++)
        rc[i] = dfx_ccw(f, 0x12, CCW_FLAG_CC, 8, NULL);
    lx_locate_record(lr, 1, 0, 1, LX_CMD_READ_COUNT, 0, 0);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    rc[4] = dfx_ccw(f, 0x12, 0, 8, NULL);
    enum chan_state s = dfx_run(f);
    for (unsigned i = 0; i < 5; i++)
        memcpy(counts[i], dfx_data(f, rc[i]), 8);
    return s;
}

/* Record shape on a track: CDL tracks 0 and 1 differ. */
static void rec_shape(uint32_t trk, unsigned i, unsigned blksize, bool cdl, uint8_t *kl, uint16_t *dl)
{
    static const unsigned trk0[3] = { 28, 148, 84 };

    *kl = 0;
    *dl = (uint16_t)blksize;
    if (cdl && trk == 0 && i < 3) {
        *kl = 4;
        *dl = (uint16_t)(trk0[i] - 4);
    } else if (cdl && trk == 1) {
        *kl = 44;
        *dl = 96;
    }
}

enum chan_state lx_format(struct dfx *f, uint32_t start, uint32_t stop, unsigned blksize,
                          unsigned intensity)
{
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    bool cdl = intensity & 0x08, inval = intensity & 0x04, r0 = intensity & 0x01;
    unsigned ntrk = stop - start + 1;
    uint8_t de[16], lr[16], cnt[8];

    dfx_begin(f);
    lx_define_extent(de, start, stop, r0 ? LX_CMD_WRITE_R0 : LX_CMD_WRITE_CKD, true);
    extent_ccw(f, de);
    if (inval) {
        lx_locate_record(lr, start, 0, 1, LX_CMD_WRITE_CKD, 8, blksize);
        dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
        uint8_t c[8] = { 0 };
        be16_put(c, (uint16_t)(start / LX_HEADS));
        be16_put(c + 2, (uint16_t)(start % LX_HEADS));
        c[4] = 1;
        dfx_ccw(f, 0x1D, CCW_FLAG_SLI, 8, c);
        return dfx_run(f);
    }
    lx_locate_record(lr, start, 0, rpt * ntrk, r0 ? LX_CMD_WRITE_R0 : LX_CMD_WRITE_CKD, blksize, blksize);
    dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
    for (uint32_t t = start; t <= stop; t++) {
        if (r0) {
            uint8_t c0[8] = { 0 };
            be16_put(c0, (uint16_t)(t / LX_HEADS));
            be16_put(c0 + 2, (uint16_t)(t % LX_HEADS));
            c0[7] = 8;
            dfx_ccw(f, 0x15, CCW_FLAG_CC | CCW_FLAG_SLI, 8, c0);
        }
        for (unsigned i = 0; i < rpt; i++) {
            uint8_t kl;
            uint16_t dl;
            rec_shape(t, i, blksize, cdl, &kl, &dl);
            be16_put(cnt, (uint16_t)(t / LX_HEADS));
            be16_put(cnt + 2, (uint16_t)(t % LX_HEADS));
            cnt[4] = (uint8_t)(i + 1);
            cnt[5] = kl;
            be16_put(cnt + 6, dl);
            bool last = t == stop && i == rpt - 1;
            uint8_t code = (i != 0 || t == start) ? 0x1D : 0x9D;   /* as Linux */
            dfx_ccw(f, code, (last ? 0 : CCW_FLAG_CC) | CCW_FLAG_SLI, 8, cnt);
        }
    }
    return dfx_run(f);
}

int lx_dasdfmt(struct dfx *f, unsigned blksize, bool cdl)
{
    uint32_t ntrk = (uint32_t)img_geometry(f->im)->cyls * LX_HEADS;
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    unsigned step = 255 / rpt;
    unsigned fmt = cdl ? 0x08 : 0x00;

    if (lx_format(f, 0, 0, blksize, fmt | 0x04) != CHAN_DONE || f->st.dstat != CE_DE)
        return -1;
    for (uint32_t t = 1; t < ntrk; t += step) {
        uint32_t stop = t + step - 1 < ntrk - 1 ? t + step - 1 : ntrk - 1;
        if (lx_format(f, t, stop, blksize, fmt) != CHAN_DONE || f->st.dstat != CE_DE)
            return -1;
    }
    if (lx_format(f, 0, 0, blksize, fmt) != CHAN_DONE || f->st.dstat != CE_DE)
        return -1;
    return 0;
}

static bool cdl_special(uint64_t blk, unsigned rpt)
{
    return blk < 3 || (blk >= rpt && blk < 2 * (uint64_t)rpt);
}

static unsigned cdl_size(uint64_t blk, unsigned rpt)
{
    static const unsigned trk0[3] = { 28, 148, 84 };
    return blk < 3 ? trk0[blk] : (blk >= rpt ? 140 : 0);
}

static enum chan_state blocks_single(struct dfx *f, bool write, uint64_t first, unsigned nblocks,
                                     unsigned blksize, bool cdl, uint8_t *buf)
{
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    uint64_t last = first + nblocks - 1;
    uint32_t ftrk = (uint32_t)(first / rpt), ltrk = (uint32_t)(last / rpt);
    uint8_t de[16], lr[16];
    uint8_t cmd = write ? LX_CMD_WRITE_MT : LX_CMD_READ_MT;
    unsigned idx[256];

    dfx_begin(f);
    lx_define_extent(de, ftrk, ltrk, cmd, cdl && ftrk < 2);
    extent_ccw(f, de);
    bool need_lr = true;
    for (uint64_t b = first; b <= last; b++) {
        unsigned i = (unsigned)(b - first);
        uint32_t trk = (uint32_t)(b / rpt);
        unsigned rec = (unsigned)(b % rpt) + 1;
        bool special = cdl && cdl_special(b, rpt);
        uint8_t flags = b == last ? 0 : CCW_FLAG_CC;
        if (special) {
            unsigned sz = cdl_size(b, rpt);
            lx_locate_record(lr, trk, rec, 1, write ? LX_CMD_WRITE_KD_MT : LX_CMD_READ_KD_MT, sz, blksize);
            dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
            idx[i] = dfx_ccw(f, write ? LX_CMD_WRITE_KD_MT : LX_CMD_READ_KD_MT, flags, (uint16_t)sz,
                             write ? buf + (uint64_t)i * blksize : NULL);
            need_lr = true;
            continue;
        }
        if (need_lr) {
            uint64_t end = b;
            while (end < last && !(cdl && cdl_special(end + 1, rpt)))
                end++;
            lx_locate_record(lr, trk, rec, (unsigned)(end - b + 1), cmd, blksize, blksize);
            dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
            need_lr = false;
        }
        idx[i] = dfx_ccw(f, cmd, flags, (uint16_t)blksize, write ? buf + (uint64_t)i * blksize : NULL);
    }
    enum chan_state s = dfx_run(f);
    if (!write) {
        for (unsigned i = 0; i < nblocks; i++) {
            uint64_t b = first + i;
            unsigned sz = cdl && cdl_special(b, rpt) ? cdl_size(b, rpt) : blksize;
            memcpy(buf + (uint64_t)i * blksize, dfx_data(f, idx[i]), sz);
            memset(buf + (uint64_t)i * blksize + sz, 0xE5, blksize - sz);
        }
    }
    return s;
}

/*
 * dasd_eckd_build_cp: CDL tracks 0-1 always go the single way; otherwise
 * Prefix + Read/Write Track Data when the feature codes offer Prefix and
 * the command-mode track commands (zHPF is never offered).
 */
enum chan_state lx_blocks(struct dfx *f, bool write, uint64_t first, unsigned nblocks,
                          unsigned blksize, bool cdl, uint8_t *buf)
{
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    bool cdlspecial = cdl && first < 2 * (uint64_t)rpt;

    if (!cdlspecial && use_prefix(f) && (write ? cmd_wtd(f) : cmd_rtd(f)))
        return lx_track(f, write, first, nblocks, blksize, buf);
    return blocks_single(f, write, first, nblocks, blksize, cdl, buf);
}

/* dasd_eckd_build_check: Prefix format 1 (LRE read count) or DE + LR. */
unsigned lx_check_format(struct dfx *f, uint32_t trk, uint8_t counts[50][8])
{
    uint8_t de[16], lr[16], pfx[LX_PFX_SIZE] = { 0x01, 0x80 };
    unsigned idx[50], before;

    dfx_begin(f);
    lx_define_extent(de, trk, trk, LX_CMD_READ_COUNT, true);
    lx_locate_record(lr, trk, 0, 50, LX_CMD_READ_COUNT, 0, 0);
    if (use_prefix(f)) {
        pfx[2] = f->cfg.unit_addr;
        memcpy(pfx + 12, de, 16);
        memcpy(pfx + 44, lr, 16);           /* the LR fields; LRE 16-19 zero */
        dfx_ccw(f, LX_CMD_PFX, CCW_FLAG_CC, LX_PFX_SIZE, pfx);
        before = 1;
    } else {
        dfx_ccw(f, 0x63, CCW_FLAG_CC, 16, de);
        dfx_ccw(f, 0x47, CCW_FLAG_CC, 16, lr);
        before = 2;
    }
    for (unsigned i = 0; i < 50; i++)
        idx[i] = dfx_ccw(f, 0x12, (i == 49 ? 0 : CCW_FLAG_CC) | CCW_FLAG_SLI, 8, NULL);
    dfx_run(f);
    unsigned n = f->st.dstat & DEV_STAT_UNIT_CHECK ? dfx_last_ccw(f) - before : 50;
    for (unsigned i = 0; i < n; i++)
        memcpy(counts[i], dfx_data(f, idx[i]), 8);
    return n;
}

/*
 * dasd_eckd_build_cp_cmd_track / prefix_LRE / fill_LRE_data (Linux 6.1):
 * Prefix format 1, validity "DE valid", base UA; DE file mask "inhibit
 * writes" (read) or "update writes only" (write), block size 0 (read) or
 * the block size (write); LRE orientation count, operation 0x0C read
 * tracks (length = bytes of the last track, "tlf") or 0x3F extended with
 * extended operation 0x23 write track data (length = block size), count =
 * tracks, search argument = first record, sector of that record.
 */
void lx_track_build(struct lx_track_prog *p, bool write, uint64_t first, unsigned nblocks,
                    unsigned blksize, uint8_t unit_addr)
{
    unsigned rpt = eckd_recs_per_track(0x3390, 0, blksize);
    uint64_t last = first + nblocks - 1;
    uint32_t ftrk = (uint32_t)(first / rpt), ltrk = (uint32_t)(last / rpt);
    unsigned foffs = (unsigned)(first % rpt), loffs = (unsigned)(last % rpt);
    uint8_t *de = p->pfx + 12, *lre = p->pfx + 44;
    unsigned tlf = (ftrk == ltrk ? loffs - foffs + 1 : loffs + 1) * blksize;

    memset(p, 0, sizeof(*p));
    p->pfx[0] = 0x01;                       /* format 1: DE + LRE */
    p->pfx[1] = 0x80;                       /* define extent valid */
    p->pfx[2] = unit_addr;
    lx_define_extent(de, ftrk, ltrk, write ? LX_CMD_WRITE_MT : LX_CMD_READ_MT, false);
    if (write)
        be16_put(de + 2, (uint16_t)blksize);
    lre[0] = write ? 0x3F : 0x0C;
    lre[1] = 0x80;                          /* length valid */
    lre[3] = (uint8_t)(ltrk - ftrk + 1);
    put_ch(lre + 4, ftrk);
    put_ch(lre + 8, ftrk);
    lre[12] = (uint8_t)(foffs + 1);
    lre[13] = lx_sector(foffs + 1, blksize);
    be16_put(lre + 14, (uint16_t)(write ? blksize : tlf));
    lre[17] = write ? 0x23 : 0x00;
    for (uint64_t rec = first; rec <= last; p->ntrk++) {
        unsigned left = rpt - (unsigned)(rec % rpt);
        uint64_t n = last - rec + 1 < left ? last - rec + 1 : left;
        p->count[p->ntrk] = (uint32_t)n * blksize;
        rec += n;
    }
}

enum chan_state lx_track_run(struct dfx *f, const struct lx_track_prog *p, bool write, uint8_t *buf)
{
    uint8_t cmd = write ? LX_CMD_WRITE_TRK_DATA : LX_CMD_READ_TRK_DATA;
    unsigned idx[256];
    uint64_t off = 0;

    dfx_begin(f);
    dfx_ccw(f, LX_CMD_PFX, p->ntrk ? CCW_FLAG_CC : 0, LX_PFX_SIZE, p->pfx);
    for (unsigned t = 0; t < p->ntrk; t++) {
        uint8_t flags = t + 1 < p->ntrk ? CCW_FLAG_CC : 0;
        idx[t] = dfx_ccw(f, cmd, flags, (uint16_t)p->count[t], write ? buf + off : NULL);
        off += p->count[t];
    }
    enum chan_state s = dfx_run(f);
    if (!write) {
        off = 0;
        for (unsigned t = 0; t < p->ntrk; t++) {
            memcpy(buf + off, dfx_data(f, idx[t]), p->count[t]);
            off += p->count[t];
        }
    }
    return s;
}

enum chan_state lx_track(struct dfx *f, bool write, uint64_t first, unsigned nblocks,
                         unsigned blksize, uint8_t *buf)
{
    static struct lx_track_prog p;

    lx_track_build(&p, write, first, nblocks, blksize, f->cfg.unit_addr);
    return lx_track_run(f, &p, write, buf);
}
