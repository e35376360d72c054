// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the fd behind guest RAM: what MAP_DMA needs so that ccwpassd can map
 * the memory QEMU gave the guest, and the clear refusal when RAM is not a
 * shared file mapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "qemu/ramfd.h"

#define MAPS \
    "55d0c0000000-55d0c0100000 r-xp 00000000 08:01 1234 /usr/bin/qemu-system-s390x\n" \
    "7f0000000000-7f0010000000 rw-s 00000000 00:01 4242 /memfd:ccwpass-ram (deleted)\n" \
    "7f0010000000-7f0020000000 rw-s 10000000 00:01 4242 /memfd:ccwpass-ram (deleted)\n" \
    "7f0020000000-7f0020001000 ---p 00000000 00:00 0 \n" \
    "7f0030000000-7f0031000000 rw-p 00000000 00:00 0 \n"

static int lookup(uint64_t vaddr, uint64_t size, struct ccwq_mapping *m)
{
    FILE *f = fmemopen((void *)MAPS, strlen(MAPS), "r");
    int rc = ccwq_maps_lookup(f, vaddr, size, m);
    fclose(f);
    return rc;
}

static void test_parse_line(void **state)
{
    struct ccwq_mapping m;
    assert_int_equal(ccwq_maps_parse_line("7f0000000000-7f0010000000 rw-s 00002000 00:01 4242 /memfd:ram (deleted)\n", &m), 0);
    assert_true(m.start == 0x7f0000000000ull && m.end == 0x7f0010000000ull && m.pgoff == 0x2000);
    assert_int_equal(m.dev_major, 0);
    assert_int_equal(m.dev_minor, 1);
    assert_true(m.inode == 4242);
    assert_string_equal(m.perms, "rw-s");
    assert_string_equal(m.path, "/memfd:ram (deleted)");
    assert_int_equal(ccwq_maps_parse_line("7f0030000000-7f0031000000 rw-p 00000000 00:00 0 \n", &m), 0);
    assert_true(m.inode == 0);
    assert_int_equal(ccwq_maps_parse_line("garbage\n", &m), -1);
}

static void test_lookup_spans_split_vmas(void **state)
{
    struct ccwq_mapping m;
    /* 512 MiB of RAM that madvise split into two VMAs of one memfd */
    assert_int_equal(lookup(0x7f0000000000ull, 0x20000000ull, &m), 0);
    assert_true(m.inode == 4242 && m.end == 0x7f0020000000ull);
    assert_int_equal(lookup(0x7f0008000000ull, 0x1000, &m), 0);
    assert_true(m.pgoff == 0);
}

static void test_lookup_failures(void **state)
{
    struct ccwq_mapping m;
    assert_int_equal(lookup(0x1000, 0x1000, &m), -ENOENT);
    assert_int_equal(lookup(0x7f0000000000ull, 0x20001000ull, &m), -EFAULT);   /* runs into the guard */
}

static void test_live_memfd_found(void **state)
{
    const size_t size = 4 << 20;
    int mfd = memfd_create("test-ram", MFD_CLOEXEC), fd = -1;
    char err[512];
    uint64_t off = 0;
    assert_true(mfd >= 0 && ftruncate(mfd, (off_t)size) == 0);
    uint8_t *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    assert_true(ram != MAP_FAILED);
    assert_int_equal(ccwq_ram_fd((uintptr_t)ram + 0x200000, 0x100000, &fd, &off, err, sizeof err), 0);
    assert_true(off == 0x200000);
    /* the fd is the same memory: a write through a second mapping is seen */
    uint8_t *other = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
    assert_true(other != MAP_FAILED);
    other[5] = 0xa5;
    assert_int_equal(ram[0x200005], 0xa5);
    munmap(other, 4096);
    close(fd);
    munmap(ram, size);
    close(mfd);
}

static void test_anonymous_ram_refused_with_reason(void **state)
{
    const size_t size = 1 << 20;
    char err[512] = "";
    int fd = -1;
    uint64_t off;
    void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(ram != MAP_FAILED);
    assert_int_equal(ccwq_ram_fd((uintptr_t)ram, size, &fd, &off, err, sizeof err), -EFAULT);
    assert_non_null(strstr(err, "not fd-backed"));
    assert_non_null(strstr(err, "memory-backend-memfd"));
    munmap(ram, size);
}

static void test_private_file_mapping_refused(void **state)
{
    const size_t size = 1 << 20;
    char err[512] = "";
    int mfd = memfd_create("priv", MFD_CLOEXEC), fd = -1;
    uint64_t off;
    assert_true(mfd >= 0 && ftruncate(mfd, (off_t)size) == 0);
    void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, mfd, 0);
    assert_true(ram != MAP_FAILED);
    /* the daemon's writes would not reach a private (copy-on-write) mapping */
    assert_int_equal(ccwq_ram_fd((uintptr_t)ram, size, &fd, &off, err, sizeof err), -EFAULT);
    munmap(ram, size);
    close(mfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_line),
        cmocka_unit_test(test_lookup_spans_split_vmas),
        cmocka_unit_test(test_lookup_failures),
        cmocka_unit_test(test_live_memfd_found),
        cmocka_unit_test(test_anonymous_ram_refused_with_reason),
        cmocka_unit_test(test_private_file_mapping_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
