// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lookups in the guest-memory map with many maps: ns per 8-byte read
 * (vfio_dma_read, what the translator does for CCWs and IDAWs) and per
 * pin/unpin pair, with 1, 16 and VFIO_DMA_MAX_MAPS one-page maps, the reads
 * spread over all maps.  Prints numbers only.
 * usage: bench_dma
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vfio/dma.h"

#define PAGE    4096u
#define ROUNDS  2000000u
#define STRIDE  7919u     /* a prime: visits every map in a scattered order */
#define NS_PER_S 1e9

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / NS_PER_S;
}

static void run(unsigned nmaps, uint8_t *mem)
{
    struct vfio_dma *dma = vfio_dma_new();
    uint8_t buf[8], *host;
    bool wr;
    unsigned long sum = 0;
    if (!dma)
        exit(1);
    for (unsigned i = 0; i < nmaps; i++)   /* every other page: gaps between maps */
        if (vfio_dma_map(dma, 2ull * i * PAGE, PAGE, mem + (size_t)i * PAGE, true))
            exit(1);
    double t0 = now();
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned i = (r * STRIDE) % nmaps;
        if (vfio_dma_read(dma, 2ull * i * PAGE + 64, buf, sizeof buf))
            exit(1);
        sum += buf[0];
    }
    double t1 = now();
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned i = (r * STRIDE) % nmaps;
        if (vfio_dma_pin(dma, 2ull * i * PAGE + 64, 64, &host, &wr))
            exit(1);
        vfio_dma_unpin(dma, 2ull * i * PAGE + 64);
    }
    double t2 = now();
    printf("%5u maps: read 8 B %6.1f ns, pin+unpin %6.1f ns  (checksum %lu)\n", nmaps,
           (t1 - t0) * NS_PER_S / ROUNDS, (t2 - t1) * NS_PER_S / ROUNDS, sum);
    vfio_dma_free(dma);
}

int main(void)
{
    static const unsigned counts[] = { 1, 16, VFIO_DMA_MAX_MAPS };
    uint8_t *mem = calloc(VFIO_DMA_MAX_MAPS, PAGE);
    if (!mem)
        return 1;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        run(counts[i], mem);
    free(mem);
    return 0;
}
