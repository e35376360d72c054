// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed inputs of the fuzz targets: mkcorpus <tests/fuzz/corpus>.
 * The seeds are checked in; rerun this after changing an input layout
 * (docs/fuzzing.md).  Each seed is a small valid case of what the target
 * parses, so that libFuzzer starts from the interesting paths: Linux-style
 * ECKD channel programs, translatable programs with IDALs and TICs, CKD and
 * CCKD volumes, and a VMM session that maps memory, attaches, sets up the
 * interrupt and starts I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "arch/cio.h"
#include "daemon/proto.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "vfio/vfio_ccw.h"

#define UUID       "0f0f0f0f-0000-4000-8000-00000000f022"
#define CCW_AT     8          /* interpreter/ECKD layout: program at 8 */
#define DATA_AT    0x200
#define BUF_AT     0x1000
#define SEED_MAX   (256u << 10)

static const char *root;
static uint8_t seed[SEED_MAX];
static size_t seed_len;

static void put(const char *target, const char *name, const void *p, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, target);
    if (mkdir(path, 0755) && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s/seed-%s", root, target, name);
    f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* ---- channel programs in a flat storage image ------------------------------------ */

static unsigned nccw;
static uint32_t prog_at;

static void begin(uint8_t orb_flags, uint32_t at)
{
    memset(seed, 0, sizeof(seed));
    seed[0] = orb_flags;
    seed_len = 8;
    nccw = 0;
    prog_at = at;
}

static void grow(size_t to)
{
    if (to > seed_len)
        seed_len = to;
}

static void ccw(uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
    struct ccw1 c = { cmd, flags, count, cda };
    uint32_t at = prog_at + 8 * nccw++;

    ccw1_encode(&c, seed + at);
    grow(at + 8);
}

static void data(uint32_t at, const void *p, size_t len)
{
    memcpy(seed + at, p, len);
    grow(at + len);
}

static void define_extent(uint32_t at, uint8_t mask, uint16_t end_head)
{
    uint8_t de[16] = { mask, 0xC0 };

    be16_put(de + 14, end_head);
    data(at, de, sizeof(de));
}

static void locate(uint32_t at, uint8_t op, uint8_t count, uint16_t head, uint8_t rec, uint16_t tlf)
{
    uint8_t lr[16] = { op, (uint8_t)(tlf ? 0x80 : 0), 0, count };

    be16_put(lr + 6, head);
    be16_put(lr + 10, head);
    lr[12] = rec;
    lr[13] = 0xFF;
    be16_put(lr + 14, tlf);
    data(at, lr, sizeof(lr));
}

static void eckd_seeds(void)
{
    static const uint8_t fmt1_idaw64 = 0x02;
    uint8_t prssd[12] = { 0x18, 0, 0, 0, 0, 0, 0x0E };
    uint8_t block[4096];

    begin(fmt1_idaw64, CCW_AT);
    ccw(0xE4, CCW_FLAG_SLI, 40, BUF_AT);                     /* Sense ID */
    put("eckd", "sense-id", seed, seed_len);

    begin(fmt1_idaw64, CCW_AT);
    ccw(0xFA, CCW_FLAG_CC, 256, BUF_AT);                     /* RCD, RDC, PSF/RSSD RUAC */
    ccw(0x64, CCW_FLAG_CC, 64, BUF_AT + 0x100);
    ccw(0x27, CCW_FLAG_CC, 12, DATA_AT);
    data(DATA_AT, prssd, sizeof(prssd));
    ccw(0x3E, 0, 512, BUF_AT + 0x200);
    put("eckd", "identify", seed, seed_len);

    begin(fmt1_idaw64, CCW_AT);                              /* read VOL1 (track 0 record 3) */
    define_extent(DATA_AT, 0x00, 14);
    locate(DATA_AT + 16, 0x06, 1, 0, 3, 0);
    ccw(0x63, CCW_FLAG_CC, 16, DATA_AT);
    ccw(0x47, CCW_FLAG_CC, 16, DATA_AT + 16);
    ccw(0x86, CCW_FLAG_SLI, 84, BUF_AT);
    put("eckd", "read-vol1", seed, seed_len);

    begin(fmt1_idaw64, CCW_AT);                              /* write a 4 KiB block on track 2 */
    define_extent(DATA_AT, 0x80, 14);
    locate(DATA_AT + 16, 0x01, 1, 2, 1, 4096);
    ccw(0x63, CCW_FLAG_CC, 16, DATA_AT);
    ccw(0x47, CCW_FLAG_CC, 16, DATA_AT + 16);
    memset(block, 0xA5, sizeof(block));
    ccw(0x85, 0, 4096, BUF_AT);
    data(BUF_AT, block, sizeof(block));
    put("eckd", "write-block", seed, seed_len);

    begin(fmt1_idaw64, CCW_AT);                              /* read count, read track */
    define_extent(DATA_AT, 0x00, 14);
    locate(DATA_AT + 16, 0x0C, 1, 1, 0, 0);
    ccw(0x63, CCW_FLAG_CC, 16, DATA_AT);
    ccw(0x92, CCW_FLAG_CC, 8, BUF_AT);
    ccw(0x47, CCW_FLAG_CC, 16, DATA_AT + 16);
    ccw(0xDE, CCW_FLAG_SLI, 0xC000, BUF_AT + 0x10);
    put("eckd", "read-track", seed, seed_len);

    begin(fmt1_idaw64, CCW_AT);                              /* sense, NOP, suspend */
    ccw(0x04, CCW_FLAG_CC | CCW_FLAG_SLI, 32, BUF_AT);
    ccw(0x03, CCW_FLAG_CC | CCW_FLAG_SUSPEND, 0, 0);
    ccw(0x03, 0, 0, 0);
    seed[0] |= 0x08;                                         /* ORB suspend control */
    put("eckd", "sense-suspend", seed, seed_len);
}

static void interp_seeds(void)
{
    uint8_t idal[16];

    begin(0x02, CCW_AT);                                     /* read, write, NOP chained */
    ccw(0x02, CCW_FLAG_CC, 100, BUF_AT);
    ccw(0x01, CCW_FLAG_CC, 64, BUF_AT + 0x100);
    ccw(0x03, 0, 0, 0);
    put("interp", "chain", seed, seed_len);

    begin(0x02, CCW_AT);                                     /* data chaining through IDA, TIC */
    idaw2_encode(0x2000, idal);
    idaw2_encode(0x3000, idal + 8);
    data(DATA_AT, idal, sizeof(idal));
    ccw(0x02, CCW_FLAG_CD | CCW_FLAG_IDA, 0x1000, DATA_AT);
    ccw(0x02, CCW_FLAG_CC, 0x80, BUF_AT);
    ccw(0x08, 0, 0, CCW_AT + 8 * 4);
    ccw(0x00, 0, 0, 0);
    ccw(0x04, CCW_FLAG_SLI, 32, BUF_AT);
    put("interp", "ida-tic", seed, seed_len);

    begin(0x09, CCW_AT);                                     /* format 0, suspend */
    seed_len = 8;
    {
        struct ccw1 c = { 0x02, CCW_FLAG_CC | CCW_FLAG_SUSPEND, 16, BUF_AT };
        ccw0_encode(&c, seed + CCW_AT);
        c = (struct ccw1){ 0xE6, CCW_FLAG_PCI, 8, BUF_AT };
        ccw0_encode(&c, seed + CCW_AT + 8);
        grow(CCW_AT + 16);
    }
    seed[1] = 1;
    put("interp", "fmt0-suspend-pci", seed, seed_len);
}

/* ---- translation: ORB (4 bytes), then areas A, B, C ------------------------------ */

static void cp_seeds(void)
{
    static uint8_t in[4 + 0x10000 + 0x4000 + 0x2000];
    uint8_t *a = in + 4;
    struct ccw1 c;
    size_t len = 4 + 0x4000;

    in[0] = 0x08;                                           /* format 1, 64-bit IDAWs, prefetch */
    in[1] = 0x00;
    in[2] = 0x01;                                           /* CPA 0x100 */
    in[3] = 0x00;
    c = (struct ccw1){ 0x02, CCW_FLAG_CC, 512, 0x2000 };
    ccw1_encode(&c, a + 0x100);
    c = (struct ccw1){ 0x01, CCW_FLAG_CC, 256, 0x11000 };   /* output from the read-only area */
    ccw1_encode(&c, a + 0x108);
    c = (struct ccw1){ 0x02, CCW_FLAG_CC | CCW_FLAG_IDA, 0x1800, 0x3000 };
    ccw1_encode(&c, a + 0x110);
    idaw2_encode(0x2800, a + 0x3000);
    idaw2_encode(0x20000000, a + 0x3008);
    c = (struct ccw1){ 0x08, 0, 0, 0x200 };                 /* TIC */
    ccw1_encode(&c, a + 0x118);
    c = (struct ccw1){ 0x04, CCW_FLAG_SLI, 32, 0x2100 };
    ccw1_encode(&c, a + 0x200);
    put("cp", "read-write-ida-tic", in, len);

    memset(in, 0, sizeof(in));
    in[0] = 0x06 | 0x01;                                    /* format 0, 2K format-1 IDAWs */
    in[2] = 0x01;
    c = (struct ccw1){ 0x02, CCW_FLAG_IDA | CCW_FLAG_CC, 0x1000, 0x3000 };
    ccw0_encode(&c, a + 0x100);
    c = (struct ccw1){ 0x02, 0, 64, 0x11800 };              /* input into read-only: refused */
    ccw0_encode(&c, a + 0x108);
    idaw1_encode(0x4000, a + 0x3000);
    idaw1_encode(0x4800, a + 0x3004);
    put("cp", "fmt0-idaw1-readonly", in, len);
}

/* ---- images ------------------------------------------------------------------ */

static void image_seed(const char *name, enum img_format f, enum img_compress comp, uint8_t mode,
                       size_t keep)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 1, .format = f, .compress = comp,
                                 .linux_null = true, .volser = "SEED01" };
    char path[] = "/tmp/ccwpass-mkcorpus-XXXXXX", err[512];
    static uint8_t trk[CKD_MAX_TRACK_IMAGE];
    int fd = mkstemp(path);
    struct img *im;

    if (fd < 0 || img_create(path, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "mkcorpus: %s\n", err);
        exit(1);
    }
    im = img_open(path, false, err, sizeof(err));
    for (uint32_t h = 2; im && h < 15; h += 5) {
        size_t n = ckd_track_null(trk, 0, h, 2);
        for (size_t i = 5 + 16 + 8; i < n - 8 && i < 5 + 16 + 8 + 4096; i++)
            trk[i] = (uint8_t)(i * h);
        img_write_track(im, 0, h, trk, n);
    }
    if (im)
        img_close(im);
    off_t size = lseek(fd, 0, SEEK_END);
    size_t len = keep && keep < (size_t)size ? keep : (size_t)size;
    if ((size_t)size > SEED_MAX - 1 && !keep) {
        fprintf(stderr, "mkcorpus: %s seed too large (%lld)\n", name, (long long)size);
        exit(1);
    }
    seed[0] = mode;
    if (pread(fd, seed + 1, len, 0) != (ssize_t)len)
        exit(1);
    close(fd);
    unlink(path);
    put("img", name, seed, len + 1);
}

static void img_seeds(void)
{
    image_seed("cckd-zlib", IMG_CCKD, IMG_COMP_ZLIB, 0, 0);
    image_seed("cckd-bzip2-ro", IMG_CCKD, IMG_COMP_BZIP2, 1, 0);
    /* CKD: header + track 0 + part of track 1, padded to the cylinder by the target */
    image_seed("ckd-padded", IMG_CKD, IMG_COMP_NONE, 2, CKD_DEVHDR_SIZE + CKD_TRKSIZE_3390 + 1024);
}

/* ---- VMM protocol: a session ------------------------------------------------ */

static size_t msg(uint8_t *out, uint16_t id, uint16_t cmd, uint32_t fdbits, const void *p, size_t len)
{
    struct ccwp_hdr h = { .msg_id = id, .command = cmd, .size = (uint32_t)(sizeof(h) + len), .error = fdbits };

    memcpy(out, &h, sizeof(h));
    if (len)
        memcpy(out + sizeof(h), p, len);
    return sizeof(h) + len;
}

static void vmm_seeds(void)
{
    static uint8_t s[8192], ram[0x400];
    struct ccwp_version v = { CCWP_PROTO_MAJOR, CCWP_PROTO_MINOR };
    struct ccwp_dma_map m = { sizeof(m), 3, 0, 0, 1u << 20 };
    struct ccwp_attach at = { UUID };
    struct {
        struct ccwp_irq_set s;
        int32_t fd;
    } irq = { { sizeof(irq), CCWP_IRQ_SET_DATA_EVENTFD | CCWP_IRQ_SET_ACTION_TRIGGER, 0, 0, 1 }, -1 };
    struct ccwp_region_info ri = { .argsz = 64, .index = 1 };
    struct {
        struct ccwp_region_access a;
        uint8_t io[CCW_IO_REGION_SIZE];
    } w = { .a = { 0, VFIO_CCW_CONFIG_REGION_INDEX, CCW_IO_REGION_SIZE } };
    struct ccwp_region_access rd = { 24, VFIO_CCW_CONFIG_REGION_INDEX, 96 };
    struct orb o = { .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = 0x100, .intparm = 1 };
    struct scsw sc = { .fctl = SCSW_FCTL_START };
    struct ccw1 c = { 0xE4, CCW_FLAG_SLI, 40, 0x800 };
    size_t n = 0;

    /* guest RAM = the DMA_MAP message's bytes: a Sense ID program at 0x100 */
    memcpy(ram, &m, sizeof(m));
    ccw1_encode(&c, ram + 0x100 - sizeof(struct ccwp_hdr));
    orb_encode(&o, w.io);
    scsw_encode(&sc, w.io + 12);
    n += msg(s + n, 1, CCWP_CMD_VERSION, 0, &v, sizeof(v));
    n += msg(s + n, 2, CCWP_CMD_DMA_MAP, 1, ram, sizeof(ram));
    n += msg(s + n, 3, CCWP_CMD_ATTACH, 0, &at, sizeof(at));
    n += msg(s + n, 4, CCWP_CMD_DEVICE_GET_INFO, 0, NULL, 0);
    n += msg(s + n, 5, CCWP_CMD_GET_REGION_INFO, 0, &ri, sizeof(ri));
    n += msg(s + n, 6, CCWP_CMD_SET_IRQS, 2, &irq, sizeof(irq));
    n += msg(s + n, 7, CCWP_CMD_REGION_WRITE, 0, &w, sizeof(w.a) + sizeof(w.io));   /* no tail padding */
    n += msg(s + n, 8, CCWP_CMD_REGION_READ, 0, &rd, sizeof(rd));
    n += msg(s + n, 9, CCWP_CMD_DIRTY, 0, NULL, 0);
    n += msg(s + n, 10, CCWP_CMD_DEVICE_RESET, 0, NULL, 0);
    put("vmm", "session", s, n);

    n = 0;
    n += msg(s + n, 1, CCWP_CMD_CONTROL, 0, "{\"op\":\"status\"}", 15);
    n += msg(s + n, 2, CCWP_CMD_CONTROL, 0, "{\"op\":\"mdev_list\"}", 18);
    n += msg(s + n, 3, CCWP_CMD_DMA_UNMAP, 0, &(struct ccwp_dma_unmap){ 24, 0, 0, 4096 }, 24);
    put("vmm", "control", s, n);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkcorpus <corpus dir>\n");
        return 2;
    }
    root = argv[1];
    eckd_seeds();
    interp_seeds();
    cp_seeds();
    img_seeds();
    vmm_seeds();
    return 0;
}
