// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Track throughput of the ECKD device through the channel interpreter, the
 * way Linux drives it: per track one channel program of Define Extent,
 * Locate Record and 12 x Read Data MT (0x86) or Write Update Data (0x85) of
 * 4 KiB, on a CKD image shaped like `dasdinit -linux`.  Prints MB/s and the
 * ratio to memcpy bandwidth measured in the same run; the same with the
 * track-level programs Linux builds when the feature codes allow them
 * (Prefix format 1 + one Read/Write Track Data 0xA6/0xA5 of 48 KiB per
 * track, dasd_eckd_build_cp_cmd_track).  Then a format the
 * way dasdfmt drives Linux 6.1 (requests of 21 tracks: DE + LR op 0x03 +
 * 12 x Write CKD of 4 KiB per track) of a 100-cylinder CKD and CCKD volume:
 * tracks/s and image track writes per track (img_track_writes).  Numbers
 * only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "chan/chan.h"
#include "dev/eckd.h"
#include "img/image.h"

#define CYLS   20
#define HEADS  15
#define RPT    12
#define BLK    4096u
#define MEMSZ  (1u << 20)
#define CCW_AT 0x1000u
#define DATA_AT 0x10000u
#define FMT_CYLS 100
#define FMT_STEP 21             /* tracks per request: 255 / 12 records, as Linux */
#define FMT_DE_AT  0x8000u
#define FMT_LR_AT  0x8100u
#define FMT_CNT_AT 0x9000u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_ccw(uint8_t *mem, unsigned i, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    ccw1_encode(&c, mem + CCW_AT + 8 * i);
}

/* DE + LR + 12 data CCWs for track `trk`. */
static void build(uint8_t *mem, uint32_t trk, bool write)
{
    uint8_t *de = mem + 0x8000, *lr = mem + 0x8100;
    uint16_t cyl = (uint16_t)(trk / HEADS), head = (uint16_t)(trk % HEADS);

    memset(de, 0, 16);
    de[0] = write ? 0x80 : 0x40;
    de[1] = 0xCC;
    be16_put(de + 8, cyl); be16_put(de + 10, head);
    be16_put(de + 12, cyl); be16_put(de + 14, head);
    memset(lr, 0, 16);
    lr[0] = write ? 0x01 : 0x06;
    lr[1] = 0x80;
    lr[3] = RPT;
    be16_put(lr + 4, cyl); be16_put(lr + 6, head);
    be16_put(lr + 8, cyl); be16_put(lr + 10, head);
    lr[12] = 1;
    lr[13] = 6;
    be16_put(lr + 14, BLK);
    put_ccw(mem, 0, 0x63, CCW_FLAG_CC, 16, 0x8000);
    put_ccw(mem, 1, 0x47, CCW_FLAG_CC, 16, 0x8100);
    for (unsigned i = 0; i < RPT; i++)
        put_ccw(mem, 2 + i, write ? 0x85 : 0x86, i == RPT - 1 ? 0 : CCW_FLAG_CC, BLK, DATA_AT + i * BLK);
}

/* Prefix (DE + LRE read tracks / write track data) + one Read/Write Track
 * Data CCW for the 12 records of track `trk`. */
#define PFX_LEN 64
#define PFX_DE  12
#define PFX_LRE 44
static void build_trackdata(uint8_t *mem, uint32_t trk, bool write)
{
    uint8_t *pfx = mem + 0x8000, *de = pfx + PFX_DE, *lre = pfx + PFX_LRE;
    uint16_t cyl = (uint16_t)(trk / HEADS), head = (uint16_t)(trk % HEADS);

    memset(pfx, 0, PFX_LEN);
    pfx[0] = 0x01;
    pfx[1] = 0x80;
    de[0] = write ? 0x80 : 0x40;
    de[1] = 0xCC;
    if (write)
        be16_put(de + 2, BLK);
    be16_put(de + 8, cyl); be16_put(de + 10, head);
    be16_put(de + 12, cyl); be16_put(de + 14, head);
    lre[0] = write ? 0x3F : 0x0C;
    lre[1] = 0x80;
    lre[3] = 1;
    be16_put(lre + 4, cyl); be16_put(lre + 6, head);
    be16_put(lre + 8, cyl); be16_put(lre + 10, head);
    lre[12] = 1;
    lre[13] = 6;
    be16_put(lre + 14, (uint16_t)(write ? BLK : RPT * BLK));
    lre[17] = write ? 0x23 : 0x00;
    put_ccw(mem, 0, 0xE7, CCW_FLAG_CC, PFX_LEN, 0x8000);
    put_ccw(mem, 1, write ? 0xA5 : 0xA6, 0, RPT * BLK, DATA_AT);
}

static double run(struct ccw_dev *dev, uint8_t *mem, const struct chan_mem *cm, bool write, unsigned passes,
                  bool trackdata)
{
    struct orb orb = { .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = CCW_AT };
    struct chan_hooks hooks = { 0 };
    double t0 = now();
    uint64_t bytes = 0;

    for (unsigned p = 0; p < passes; p++)
        for (uint32_t trk = 2; trk < CYLS * HEADS; trk++) {
            struct chan_prog prog;
            if (trackdata)
                build_trackdata(mem, trk, write);
            else
                build(mem, trk, write);
            if (chan_prog_init(&prog, &orb, cm, dev, &hooks) != 0)
                exit(1);
            chan_run(&prog);
            if (prog.status.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END)) {
                fprintf(stderr, "bench: unexpected status %02x on track %u\n", prog.status.dstat, trk);
                exit(1);
            }
            chan_prog_free(&prog);
            bytes += RPT * BLK;
        }
    return bytes / (now() - t0) / 1e6;
}

/* One format request for tracks [start, stop]: DE (Write CKD mask) + LR
 * (format write, one domain for every record) + Write CKD per record, the
 * first record of each later track by Write CKD Next Track. */
static void build_format(uint8_t *mem, uint32_t start, uint32_t stop)
{
    uint8_t *de = mem + FMT_DE_AT, *lr = mem + FMT_LR_AT;
    unsigned n = 0, nrec = (stop - start + 1) * RPT;

    memset(de, 0, 16);
    de[1] = 0xC4;
    de[7] = 0x04;
    be16_put(de + 8, (uint16_t)(start / HEADS)); be16_put(de + 10, (uint16_t)(start % HEADS));
    be16_put(de + 12, (uint16_t)(stop / HEADS)); be16_put(de + 14, (uint16_t)(stop % HEADS));
    memset(lr, 0, 16);
    lr[0] = 0x03;
    lr[1] = 0x80;
    lr[3] = (uint8_t)nrec;
    be16_put(lr + 4, (uint16_t)(start / HEADS)); be16_put(lr + 6, (uint16_t)(start % HEADS));
    be16_put(lr + 8, (uint16_t)(start / HEADS)); be16_put(lr + 10, (uint16_t)(start % HEADS));
    be16_put(lr + 14, BLK);
    put_ccw(mem, n++, 0x63, CCW_FLAG_CC, 16, FMT_DE_AT);
    put_ccw(mem, n++, 0x47, CCW_FLAG_CC, 16, FMT_LR_AT);
    for (uint32_t t = start; t <= stop; t++)
        for (unsigned i = 0; i < RPT; i++) {
            uint8_t *cnt = mem + FMT_CNT_AT + 8 * (n - 2);
            bool last = t == stop && i == RPT - 1;
            be16_put(cnt, (uint16_t)(t / HEADS));
            be16_put(cnt + 2, (uint16_t)(t % HEADS));
            cnt[4] = (uint8_t)(i + 1);
            cnt[5] = 0;
            be16_put(cnt + 6, BLK);
            put_ccw(mem, n, (i != 0 || t == start) ? 0x1D : 0x9D,
                    (uint8_t)((last ? 0 : CCW_FLAG_CC) | CCW_FLAG_SLI), 8, FMT_CNT_AT + 8 * (n - 2));
            n++;
        }
}

/* Format every track of a fresh FMT_CYLS volume; prints tracks/s and image
 * track writes per track. */
static int bench_format(const char *dir, bool cckd, uint8_t *mem, const struct chan_mem *cm)
{
    char path[160], err[256];
    struct orb orb = { .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = CCW_AT };
    struct chan_hooks hooks = { 0 };
    uint32_t ntrk = FMT_CYLS * HEADS;

    snprintf(path, sizeof(path), "%s/fmt.%s", dir, cckd ? "cckd" : "ckd");
    struct img_create_opts co = { .devtype = 0x3390, .cyls = FMT_CYLS, .format = cckd ? IMG_CCKD : IMG_CKD,
                                  .compress = cckd ? IMG_COMP_ZLIB : IMG_COMP_NONE, .linux_null = true,
                                  .volser = "BENCH2" };
    if (img_create(path, &co, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    struct img *im = img_open(path, false, err, sizeof(err));
    struct eckd_config cfg = { .devno = 0x0201 };
    struct ccw_dev *dev = im ? eckd_new(im, &cfg, err, sizeof(err)) : NULL;
    if (!dev) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    uint64_t w0 = img_track_writes(im);
    double t0 = now();
    for (uint32_t t = 0; t < ntrk; t += FMT_STEP) {
        uint32_t stop = t + FMT_STEP - 1 < ntrk - 1 ? t + FMT_STEP - 1 : ntrk - 1;
        struct chan_prog prog;
        build_format(mem, t, stop);
        if (chan_prog_init(&prog, &orb, cm, dev, &hooks) != 0)
            exit(1);
        chan_run(&prog);
        if (prog.status.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || prog.status.cstat) {
            fprintf(stderr, "bench: format status %02x/%02x at tracks %u-%u\n", prog.status.dstat,
                    prog.status.cstat, t, stop);
            exit(1);
        }
        chan_prog_free(&prog);
    }
    double dt = now() - t0;
    uint64_t writes = img_track_writes(im) - w0;
    printf("eckd format %3u cyl %-4s (21-track requests, 12 x 4 KiB): %8.0f tracks/s  %5.2f track writes/track (%llu for %u tracks)\n",
           FMT_CYLS, cckd ? "CCKD" : "CKD", ntrk / dt, (double)writes / ntrk, (unsigned long long)writes, ntrk);
    dev->ops->destroy(dev);
    img_close(im);
    unlink(path);
    return 0;
}

static double memcpy_bw(uint64_t total)
{
    size_t n = RPT * BLK;
    uint8_t *a = malloc(n), *b = malloc(n);
    memset(a, 1, n);
    double t0 = now();
    for (uint64_t done = 0; done < total; done += n) {
        memcpy(b, a, n);
        a[done % n] ^= b[(done + 1) % n];   /* keep the copies observable */
    }
    double bw = total / (now() - t0) / 1e6;
    free(a);
    free(b);
    return bw;
}

int main(void)
{
    char dir[] = "/tmp/ccwpass-bench-XXXXXX", path[128], err[256];
    struct chan_flatmem fm;
    struct chan_mem cm;

    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof(path), "%s/bench.3390", dir);
    struct img_create_opts co = { .devtype = 0x3390, .cyls = CYLS, .linux_null = true, .volser = "BENCH1" };
    if (img_create(path, &co, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    struct img *im = img_open(path, false, err, sizeof(err));
    struct eckd_config cfg = { .devno = 0x0200 };
    struct ccw_dev *dev = im ? eckd_new(im, &cfg, err, sizeof(err)) : NULL;
    if (!dev) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    uint8_t *mem = calloc(1, MEMSZ);
    chan_mem_flat_init(&cm, &fm, mem, MEMSZ);
    unsigned passes = 5;
    double rd = run(dev, mem, &cm, false, passes, false);
    double wr = run(dev, mem, &cm, true, passes, false);
    double trd = run(dev, mem, &cm, false, passes, true);
    double twr = run(dev, mem, &cm, true, passes, true);
    double mc = memcpy_bw((uint64_t)passes * (CYLS * HEADS - 2) * RPT * BLK);
    printf("eckd track read  (DE/LR + 12 x 0x86 4 KiB): %8.1f MB/s  %.4f of memcpy\n", rd, rd / mc);
    printf("eckd track write (DE/LR + 12 x 0x85 4 KiB): %8.1f MB/s  %.4f of memcpy\n", wr, wr / mc);
    printf("eckd track read  (Prefix + 0xA6 48 KiB):    %8.1f MB/s  %.4f of memcpy\n", trd, trd / mc);
    printf("eckd track write (Prefix + 0xA5 48 KiB):    %8.1f MB/s  %.4f of memcpy\n", twr, twr / mc);
    printf("memcpy (48 KiB blocks):                     %8.1f MB/s\n", mc);
    if (bench_format(dir, false, mem, &cm) < 0 || bench_format(dir, true, mem, &cm) < 0)
        return 1;
    dev->ops->destroy(dev);
    img_close(im);
    unlink(path);
    rmdir(dir);
    free(mem);
    return 0;
}
