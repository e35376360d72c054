// SPDX-License-Identifier: GPL-2.0-or-later
/* VTOC decoding, Linux partitions (CDL via F1, LDL via LNX1) and export of
 * blocks to a flat file that host tools (e2fsck, debugfs) read. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "arch/cio.h"
#include "img/ckdtrack.h"
#include "img/image.h"
#include "img/vtoc.h"
#include "testutil.h"

#define CYLS 20
static char err[512];
static uint8_t trk[CKD_MAX_TRACK_IMAGE];
static struct vtoc_info vi;

static void recs_per_track(void **s)
{
    (void)s;
    assert_int_equal(vtoc_recs_per_track_3390(0, 512), 49);
    assert_int_equal(vtoc_recs_per_track_3390(0, 1024), 33);
    assert_int_equal(vtoc_recs_per_track_3390(0, 2048), 21);
    assert_int_equal(vtoc_recs_per_track_3390(0, 4096), 12);
    assert_int_equal(vtoc_recs_per_track_3390(44, 96), 50);
    assert_int_equal(vtoc_recs_per_track_3390(0, 56664), 1);
    assert_int_equal(vtoc_recs_per_track_3390(0, 56665), 0);
}

/* Track (cyl, head) as 12 records of 4 KiB taken from src (NULL: zeros). */
static size_t blocks_track(uint32_t cyl, uint32_t head, const uint8_t *src)
{
    size_t n = ckd_track_null(trk, cyl, head, 2);
    for (unsigned r = 0; r < 12 && src; r++)
        memcpy(trk + 5 + 16 + r * 4104 + 8, src + r * 4096, 4096);
    return n;
}

/* fdasd's F1 DSCB for one partition on tracks 2 .. last, in track 1
 * record rec. */
static void write_f1_at(struct img *im, const char *dsn, unsigned rec)
{
    size_t len;
    struct ckd_track t;
    assert_int_equal(img_read_track(im, 0, 1, trk, sizeof trk, &len), 0);
    assert_int_equal(ckd_track_parse(trk, len, &t, NULL), 0);
    uint8_t *d = trk + t.rec[rec].off + 8;
    memset(d, 0, 140);
    ebcdic_put(d, dsn, 44);
    d[44] = 0xF1;
    ebcdic_put(d + 45, "LNX001", 6);
    uint8_t *x = d + 105;
    x[0] = 0x01;
    be16_put(x + 2, 0);
    be16_put(x + 4, 2);
    be16_put(x + 6, CYLS - 1);
    be16_put(x + 8, 14);
    assert_int_equal(img_write_track(im, 0, 1, trk, len), 0);
}

static void write_f1(struct img *im, const char *dsn)
{
    write_f1_at(im, dsn, 3);
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(*n);
    assert_int_equal(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

/* A CDL volume with an ext2 file system in partition 1, as a guest's
 * dasdfmt + fdasd + mke2fs would leave it. */
static void make_cdl_volume(const char *name)
{
    struct img_create_opts o = { .devtype = 0x3390, .cyls = CYLS, .linux_null = true, .volser = "LNX001" };
    assert_int_equal(img_create(tu_path(name), &o, err, sizeof err), 0);
    uint64_t nblk = (CYLS * 15 - 2) * 12;
    assert_int_equal(tu_sh("cd %s && mke2fs -q -F -b 4096 fs.img %llu >/dev/null 2>&1 && "
                           "echo 'written by the guest' > hello.txt && "
                           "debugfs -w -R 'write hello.txt hello' fs.img >/dev/null 2>&1",
                           tu_tmpdir(), (unsigned long long)nblk), 0);
    size_t fslen;
    uint8_t *fs = read_file(tu_path("fs.img"), &fslen);
    assert_int_equal(fslen, nblk * 4096);
    struct img *im = img_open(tu_path(name), false, err, sizeof err);
    assert_non_null(im);
    write_f1(im, "LINUX.VLNX001.PART0001.NATIVE");
    for (uint32_t t = 2; t < CYLS * 15; t++)
        assert_int_equal(img_write_track(im, t / 15, t % 15, trk, blocks_track(t / 15, t % 15, fs + (t - 2) * 49152)), 0);
    img_close(im);
    free(fs);
}

static void cdl_vtoc_and_partition(void **s)
{
    (void)s;
    make_cdl_volume("cdl.3390");
    struct img *im = img_open(tu_path("cdl.3390"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    assert_int_equal(vi.layout, LAYOUT_CDL);
    assert_int_equal(vi.blksize, 4096);
    assert_int_equal(vi.rpt, 12);
    assert_string_equal(vi.label, "VOL1");
    assert_string_equal(vi.volser, "LNX001");
    assert_true(vi.has_f4);
    assert_int_equal(vi.nfree, 1);
    assert_int_equal(vi.free[0].start_trk, 2);
    assert_int_equal(vi.free[0].ntrks, CYLS * 15 - 2);
    assert_int_equal(vi.nds, 1);
    assert_string_equal(vi.ds[0].name, "LINUX.VLNX001.PART0001.NATIVE");
    assert_int_equal(vi.ds[0].ext[0].start_trk, 2);
    assert_int_equal(vi.ds[0].ext[0].end_cyl, CYLS - 1);
    assert_int_equal(vi.ds[0].tracks, CYLS * 15 - 2);
    struct vtoc_partition p[4];
    assert_int_equal(vtoc_partitions(im, &vi, p, 4), 1);
    assert_int_equal(p[0].start_blk, 24);
    assert_int_equal(p[0].nblks, (CYLS * 15 - 2) * 12);
    img_close(im);
    /* Hercules lists the data set from the same VTOC */
    assert_int_equal(tu_sh("dasdls %s 2>&1 | grep -q 'LINUX.VLNX001.PART0001.NATIVE'", tu_path("cdl.3390")), 0);
}

/* ibm.c stops at the first DSCB that is not F1/F4/F5/F7/F8/F9: a data set
 * behind an empty DSCB is listed but is no partition. */
static void partition_scan_stops_at_a_gap(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = CYLS, .linux_null = true, .volser = "GAP001" };
    assert_int_equal(img_create(tu_path("gap.3390"), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path("gap.3390"), false, err, sizeof err);
    assert_non_null(im);
    write_f1_at(im, "LINUX.VGAP001.PART0001.NATIVE", 3);
    write_f1_at(im, "LINUX.VGAP001.PART0002.NATIVE", 5);
    img_close(im);
    im = img_open(tu_path("gap.3390"), true, err, sizeof err);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    assert_int_equal(vi.nds, 2);
    assert_false(vi.ds[0].after_gap);
    assert_true(vi.ds[1].after_gap);
    struct vtoc_partition p[4];
    assert_int_equal(vtoc_partitions(im, &vi, p, 4), 1);
    assert_string_equal(p[0].name, "LINUX.VGAP001.PART0001.NATIVE");
    img_close(im);
}

static void export_partition_is_the_file_system(void **s)
{
    (void)s;
    make_cdl_volume("exp.3390");
    struct img *im = img_open(tu_path("exp.3390"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    struct vtoc_partition p[4];
    assert_int_equal(vtoc_partitions(im, &vi, p, 4), 1);
    int fd = open(tu_path("part1.img"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct vtoc_export_stats st;
    assert_int_equal(vtoc_export(im, &vi, p[0].start_blk, p[0].nblks, fd, &st, err, sizeof err), 0);
    close(fd);
    assert_int_equal(st.blocks, p[0].nblks);
    assert_int_equal(st.missing, 0);
    assert_int_equal(st.odd, 0);
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("fs.img"), tu_path("part1.img")), 0);
    assert_int_equal(tu_sh("e2fsck -n -f %s >/dev/null 2>&1", tu_path("part1.img")), 0);
    assert_int_equal(tu_sh("debugfs -R 'cat hello' %s 2>/dev/null | grep -q 'written by the guest'",
                           tu_path("part1.img")), 0);
    img_close(im);
}

static void export_whole_volume_pads_cdl_records(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 3, .linux_null = true, .volser = "LNX002" };
    assert_int_equal(img_create(tu_path("all.3390"), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path("all.3390"), true, err, sizeof err);
    assert_non_null(im);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    int fd = open(tu_path("all.img"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct vtoc_export_stats st;
    assert_int_equal(vtoc_export(im, &vi, 0, 45 * 12, fd, &st, err, sizeof err), 0);
    uint8_t b[4096];
    /* block 0: key IPL1 + 24 data bytes, then 0xE5 */
    assert_int_equal(pread(fd, b, 4096, 0), 4096);
    assert_memory_equal(b, "\xC9\xD7\xD3\xF1", 4);
    assert_int_equal(b[28], 0xE5);
    assert_int_equal(b[4095], 0xE5);
    /* block 2: the VOL1 label as ibm.c reads it */
    assert_int_equal(pread(fd, b, 4096, 2 * 4096), 4096);
    assert_memory_equal(b, "\xE5\xD6\xD3\xF1\xE5\xD6\xD3\xF1", 8);
    assert_memory_equal(b + 8, "\xD3\xD5\xE7\xF0\xF0\xF2", 6);
    assert_int_equal(b[84], 0xE5);
    /* block 12: track 1 R1, the F4 DSCB (140 bytes) */
    assert_int_equal(pread(fd, b, 4096, 12 * 4096), 4096);
    assert_int_equal(b[0], 0x04);
    assert_int_equal(b[44], 0xF4);
    assert_int_equal(b[140], 0xE5);
    /* block 3: a plain 4 KiB data record of zeros */
    assert_int_equal(pread(fd, b, 4096, 3 * 4096), 4096);
    assert_int_equal(b[0] | b[4095], 0);
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    assert_int_equal(sb.st_size, 45 * 12 * 4096);
    close(fd);
    img_close(im);
}

static void ldl_volume(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 5, .raw = true };
    assert_int_equal(img_create(tu_path("ldl.3390"), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path("ldl.3390"), false, err, sizeof err);
    assert_non_null(im);
    for (uint32_t t = 0; t < 75; t++) {
        size_t n = blocks_track(t / 15, t % 15, NULL);
        if (t == 0) {                /* block 2: LNX1 label, ldl_version 0xF2, formatted blocks */
            uint8_t *d = trk + 5 + 16 + 2 * 4104 + 8;
            ebcdic_put(d, "LNX1", 4);
            ebcdic_put(d + 4, "LDL001", 6);
            d[79] = 0xF2;
            be64_put(d + 80, 75 * 12);
        }
        assert_int_equal(img_write_track(im, t / 15, t % 15, trk, n), 0);
    }
    img_close(im);
    im = img_open(tu_path("ldl.3390"), true, err, sizeof err);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    assert_int_equal(vi.layout, LAYOUT_LDL);
    assert_int_equal(vi.blksize, 4096);
    assert_string_equal(vi.label, "LNX1");
    assert_string_equal(vi.volser, "LDL001");
    assert_int_equal(vi.ldl_blocks, 900);
    struct vtoc_partition p[2];
    assert_int_equal(vtoc_partitions(im, &vi, p, 2), 1);
    assert_int_equal(p[0].start_blk, 3);
    assert_int_equal(p[0].nblks, 897);
    img_close(im);
}

/* LDL: the partition is blocks 3 .. formatted_blocks - 1; an ext2 written
 * there comes back through export. */
static void ldl_export_round_trip(void **s)
{
    (void)s;
    uint64_t total = CYLS * 15 * 12, nblk = total - 3;
    assert_int_equal(tu_sh("cd %s && rm -f ldlfs.img && mke2fs -q -F -b 4096 ldlfs.img %llu >/dev/null 2>&1",
                           tu_tmpdir(), (unsigned long long)nblk), 0);
    size_t fslen;
    uint8_t *fs = read_file(tu_path("ldlfs.img"), &fslen);
    uint8_t *vol = calloc(total, 4096);
    assert_non_null(vol);
    memcpy(vol + 3 * 4096, fs, fslen);
    ebcdic_put(vol + 2 * 4096, "LNX1", 4);
    ebcdic_put(vol + 2 * 4096 + 4, "LDL002", 6);
    vol[2 * 4096 + 79] = 0xF2;
    be64_put(vol + 2 * 4096 + 80, total);
    struct img_create_opts o = { .devtype = 0x3390, .cyls = CYLS, .raw = true };
    assert_int_equal(img_create(tu_path("ldl2.3390"), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path("ldl2.3390"), false, err, sizeof err);
    assert_non_null(im);
    for (uint32_t t = 0; t < CYLS * 15; t++)
        assert_int_equal(img_write_track(im, t / 15, t % 15, trk, blocks_track(t / 15, t % 15, vol + t * 49152)), 0);
    img_close(im);
    im = img_open(tu_path("ldl2.3390"), true, err, sizeof err);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    assert_int_equal(vi.layout, LAYOUT_LDL);
    struct vtoc_partition p[2];
    assert_int_equal(vtoc_partitions(im, &vi, p, 2), 1);
    int fd = open(tu_path("ldlpart.img"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct vtoc_export_stats st;
    assert_int_equal(vtoc_export(im, &vi, p[0].start_blk, p[0].nblks, fd, &st, err, sizeof err), 0);
    close(fd);
    assert_int_equal(tu_sh("cmp -s %s %s", tu_path("ldlfs.img"), tu_path("ldlpart.img")), 0);
    assert_int_equal(tu_sh("e2fsck -n -f %s >/dev/null 2>&1", tu_path("ldlpart.img")), 0);
    img_close(im);
    free(vol);
    free(fs);
}

static void unformatted_volume_has_no_blocks(void **s)
{
    (void)s;
    struct img_create_opts o = { .devtype = 0x3390, .cyls = 2, .volser = "PLAIN1" };
    assert_int_equal(img_create(tu_path("plain.3390"), &o, err, sizeof err), 0);
    struct img *im = img_open(tu_path("plain.3390"), true, err, sizeof err);
    assert_int_equal(vtoc_read(im, &vi, err, sizeof err), 0);
    assert_int_equal(vi.layout, LAYOUT_CDL);
    assert_int_equal(vi.blksize, 0);
    assert_string_equal(vi.volser, "PLAIN1");
    struct vtoc_export_stats st;
    assert_true(vtoc_export(im, &vi, 0, 10, 1, &st, err, sizeof err) < 0);
    assert_non_null(strstr(err, "plain.3390"));
    img_close(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recs_per_track),
        cmocka_unit_test(cdl_vtoc_and_partition),
        cmocka_unit_test(partition_scan_stops_at_a_gap),
        cmocka_unit_test(export_partition_is_the_file_system),
        cmocka_unit_test(export_whole_volume_pads_cdl_records),
        cmocka_unit_test(ldl_volume),
        cmocka_unit_test(ldl_export_round_trip),
        cmocka_unit_test(unformatted_volume_has_no_blocks),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
