// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Round trips through ccwpassd: a real daemon, the VMM socket, the vfio_ccw
 * translation and the ECKD device.  Prints numbers only:
 *  - round trip of a SCHIB region read (socket + daemon, no channel program);
 *  - latency of one 4 KiB read (DE + LR + one Read Data CCW): SSCH region
 *    write, interrupt on the eventfd, IRB region read;
 *  - MB/s of full-track reads (DE + LR + 12 x 4 KiB Read Data 0x86),
 *  - both next to memcpy bandwidth measured in the same run;
 *  - per stage, medians of one 4 KiB read program on the socket path (SSCH
 *    REGION_WRITE, eventfd, IRB REGION_READ, DIRTY: what the adapter does
 *    without the shared I/O area) and on the fast path (the SSCH through the
 *    shared area's doorbell, the IRB and the dirty ranges from the area,
 *    CCWP_CMD_SHM_IO).
 * usage: bench_daemon [CCWPASSD]   (default $CCWPASSD)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define RAM     (4u << 20)
#define CYLS    10
#define ROUNDS  2000
#define TRACKS  300     /* track-read programs */
#define IO_IRB  24      /* the IRB inside the I/O region */

enum stage { ST_SSCH, ST_IRQ, ST_IRB, ST_DIRTY, ST_TOTAL, NSTAGES };
static const char *const stage_names[NSTAGES] = { "ssch", "irq wait", "irb read", "dirty", "total" };

/* The doorbell path by stage, from the client's clock and the daemon's
 * stamps in the shared area (the same CLOCK_MONOTONIC). */
enum dstage { DS_WAKE, DS_START, DS_ANSWER, DS_DEVICE, DS_IRQ, DS_IRB, DS_DIRTY, DS_TOTAL, NDSTAGES };
static const char *const dstage_names[NDSTAGES] = {
    "post->daemon wake", "translate+ssch", "answer->client", "ssch->irb published",
    "irb->client wake", "irb copy", "dirty ring", "total",
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* DE over the whole volume, LR for `n` records from record 1 of (cyl, head),
 * then n Read Data CCWs of 4 KiB into consecutive buffers at 0x100000. */
static void read_program(struct vmm *v, uint32_t cyl, uint32_t head, unsigned n)
{
    vmm_define_extent(v->ram + 0x3000, 0x40, 0, 0, CYLS - 1, 14);
    vmm_locate_record(v->ram + 0x3010, 0x06, (uint8_t)n, cyl, head, 1, 4096);
    vmm_put_ccw(v, 0x1000, 0x63, CCW_FLAG_CC, 16, 0x3000);
    vmm_put_ccw(v, 0x1008, 0x47, CCW_FLAG_CC, 16, 0x3010);
    for (unsigned i = 0; i < n; i++)
        vmm_put_ccw(v, 0x1010 + 8 * i, 0x86, i + 1 < n ? CCW_FLAG_CC : 0, 4096, 0x100000 + 4096 * i);
}

static int run_ok(struct vmm *v)
{
    struct irb irb;
    return vmm_run(v, 0x1000, &irb) == 0 && irb.scsw.dstat == (DEV_STAT_CHN_END | DEV_STAT_DEV_END)
           && irb.scsw.cstat == 0 ? 0 : -1;
}

static double memcpy_mbs(void)
{
    size_t len = 12 * 4096;
    uint8_t *a = malloc(len), *b = malloc(len);
    if (!a || !b)
        return 0;
    memset(a, 0x5a, len);
    unsigned iters = 20000;
    double t0 = now();
    for (unsigned i = 0; i < iters; i++) {
        a[i % len] = (uint8_t)i;          /* keep the copies from being folded away */
        memcpy(b, a, len);
    }
    double t = now() - t0;
    volatile uint8_t sink = b[len - 1];
    (void)sink;
    free(a);
    free(b);
    return (double)len * iters / t / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return v[n / 2];
}

/* The I/O region's IRB: from the shared area (fast) or a REGION_READ. */
static int read_irb(struct vmm *v, bool fast, struct irb *irb)
{
    uint8_t io[CCW_IO_REGION_BYTES];
    int rc = fast ? vmm_shm_read_io(v, io)
                  : vmm_region_read(v, VFIO_CCW_CONFIG_REGION_INDEX, 0, io, sizeof io, NULL);
    if (!rc)
        irb_decode(io + IO_IRB, irb);
    return rc;
}

/* The ranges written: the ring (fast; consumed like the adapter does) or DIRTY. */
static int take_dirty(struct vmm *v, bool fast)
{
    static uint8_t rep[sizeof(struct ccwp_dirty) + CCWP_DIRTY_MAX * sizeof(struct ccwp_range)];
    if (!fast)
        return vmm_call(v, CCWP_CMD_DIRTY, NULL, 0, NULL, 0, rep, sizeof rep, NULL);
    uint64_t head = __atomic_load_n(&v->shm->dirty_head, __ATOMIC_ACQUIRE);
    uint64_t sum = 0;
    for (uint64_t i = v->shm->dirty_tail; i < head; i++)
        sum += v->shm->ring[i % CCWP_SHM_RING].len;
    __atomic_store_n(&v->shm->dirty_tail, head, __ATOMIC_RELEASE);
    return sum ? 0 : -1;
}

/* One 4 KiB read program per round, each stage timed; prints the medians. */
static double stamp_s(const struct vmm *v, enum ccwp_stamp which)
{
    return (double)__atomic_load_n(&v->shm->stamp[which], __ATOMIC_RELAXED) / 1e9;
}

/* Round i of the doorbell path, split by the daemon's stamps. */
static void split(const struct vmm *v, double d[NDSTAGES][ROUNDS], unsigned i, const double c[5])
{
    double wake = stamp_s(v, CCWP_STAMP_WAKE), started = stamp_s(v, CCWP_STAMP_STARTED);
    double irq = stamp_s(v, CCWP_STAMP_IRQ);

    d[DS_WAKE][i] = wake - c[0];
    d[DS_START][i] = started - wake;
    d[DS_ANSWER][i] = c[1] - started;
    d[DS_DEVICE][i] = irq - started;
    d[DS_IRQ][i] = c[2] - (irq > c[1] ? irq : c[1]);
    d[DS_IRB][i] = c[3] - c[2];
    d[DS_DIRTY][i] = c[4] - c[3];
    d[DS_TOTAL][i] = c[4] - c[0];
}

static int stages(struct vmm *v, bool fast)
{
    static double t[NSTAGES][ROUNDS], d[NDSTAGES][ROUNDS];
    bool doorbell = fast && (v->shm_flags & CCWP_SHM_DOORBELL);
    struct irb irb;
    struct orb o;
    vmm_orb(&o, 0x1000, 1);
    read_program(v, 0, 2, 1);
    for (unsigned i = 0; i < ROUNDS; i++) {
        double t0 = now(), t1, t2, t3, t4;
        int rc;
        int32_t ret = 0;
        if (doorbell) {
            rc = vmm_ssch_doorbell(v, &o, &ret);   /* retries -EAGAIN itself */
            rc = rc ? rc : ret < 0 ? -ret : 0;
        } else {
            while ((rc = vmm_ssch(v, &o)) == EAGAIN)
                ;   /* the interrupt handler still holds the region: retry, as QEMU does */
        }
        t1 = now();
        if (rc || vmm_wait_irq(v, VFIO_CCW_IO_IRQ_INDEX))
            return -1;
        t2 = now();
        if (read_irb(v, fast, &irb) || irb.scsw.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
            return -1;
        t3 = now();
        if (take_dirty(v, fast))
            return -1;
        t4 = now();
        t[ST_SSCH][i] = t1 - t0;
        t[ST_IRQ][i] = t2 - t1;
        t[ST_IRB][i] = t3 - t2;
        t[ST_DIRTY][i] = t4 - t3;
        t[ST_TOTAL][i] = t4 - t0;
        if (doorbell)
            split(v, d, i, (const double[5]){ t0, t1, t2, t3, t4 });
    }
    printf("%s path, 4k-read program, median us per stage:", fast ? "fast (shm_io)" : "socket");
    for (unsigned s = 0; s < NSTAGES; s++)
        printf(" %s %.1f%s", stage_names[s], median(t[s], ROUNDS) * 1e6, s + 1 < NSTAGES ? "," : "\n");
    if (!doorbell)
        return 0;
    printf("doorbell path by stage, median us:");
    for (unsigned s = 0; s < NDSTAGES; s++)
        printf(" %s %.1f%s", dstage_names[s], median(d[s], ROUNDS) * 1e6, s + 1 < NDSTAGES ? "," : "\n");
    return 0;
}

static int bench_stages(struct dproc *d)
{
    struct vmm v;
    if (vmm_connect(&v, d->sock) || vmm_map_ram(&v, RAM) || vmm_attach(&v, TEST_UUID1) || vmm_setup_irqs(&v))
        return -1;
    int rc = stages(&v, false);
    if (!rc && vmm_shm_io(&v) == 0)
        rc = stages(&v, true);
    else if (!rc)
        printf("fast (shm_io) path: not offered by this ccwpassd\n");
    vmm_close(&v);
    return rc;
}

static int bench(struct dproc *d)
{
    struct vmm v;
    if (vmm_connect(&v, d->sock) || vmm_map_ram(&v, RAM) || vmm_attach(&v, TEST_UUID1) || vmm_setup_irqs(&v))
        return -1;
    /* the socket and daemon alone: a SCHIB region read (a STSCH, no I/O) */
    struct schib sb;
    double t0 = now();
    for (unsigned i = 0; i < ROUNDS; i++)
        if (vmm_stsch(&v, &sb))
            return -1;
    double stsch = (now() - t0) / ROUNDS;

    read_program(&v, 0, 2, 1);
    t0 = now();
    for (unsigned i = 0; i < ROUNDS; i++)
        if (run_ok(&v))
            return -1;
    double lat = (now() - t0) / ROUNDS;

    double bytes = 0;
    t0 = now();
    for (unsigned i = 0; i < TRACKS; i++) {
        uint32_t trk = 2 + i % (CYLS * 15 - 2);
        read_program(&v, trk / 15, trk % 15, 12);
        if (run_ok(&v))
            return -1;
        bytes += 12 * 4096;
    }
    double mbs = bytes / (now() - t0) / 1e6;
    double mc = memcpy_mbs();
    printf("daemon STSCH (SCHIB region read) round trip: %.1f us (%u rounds)\n", stsch * 1e6, ROUNDS);
    printf("daemon 4k-read round trip: %.1f us (%u rounds)\n", lat * 1e6, ROUNDS);
    printf("daemon track reads (DE/LR + 12 x 4 KiB): %.1f MB/s (%u tracks)\n", mbs, TRACKS);
    printf("memcpy (48 KiB blocks): %.1f MB/s\n", mc);
    printf("track-read / memcpy ratio: %.4f\n", mc > 0 ? mbs / mc : 0.0);
    vmm_close(&v);
    return 0;
}

int main(int argc, char **argv)
{
    struct dproc d;
    char image[256];
    if (argc > 1)
        setenv("CCWPASSD", argv[1], 1);
    if (!getenv("CCWPASSD")) {
        fprintf(stderr, "usage: bench_daemon CCWPASSD (or set $CCWPASSD)\n");
        return 2;
    }
    if (dp_init(&d) || dp_make_image(&d, "bench.3390", CYLS, image, sizeof image))
        return 1;
    const char *args[] = { "--image", image, NULL };
    int rc = dp_start(&d, args, false) || dp_make_mdev(&d, "0.0.16ca", TEST_UUID1) || bench(&d)
             || bench_stages(&d);
    if (rc)
        fprintf(stderr, "bench_daemon: failed (log in %s)\n", d.log);
    dp_cleanup(&d);
    return rc ? 1 : 0;
}
