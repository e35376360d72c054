// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest-memory (DMA) map on its own: the lifetime of a mapping that is
 * still pinned when its owner goes away, a bus error (SIGBUS) on guest memory
 * whose file shrank under the mapping, and the per-client map limit with
 * its sorted lookup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "vfio/private.h"

#define PAGE 4096u
#define FILE_SIZE (16u * PAGE)

/* A shared mapping of an unsealed memfd: the file can shrink under it. */
static uint8_t *shrinkable(int *fd)
{
    *fd = memfd_create("dma-test", MFD_CLOEXEC);
    assert_true(*fd >= 0);
    assert_int_equal(ftruncate(*fd, FILE_SIZE), 0);
    uint8_t *p = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
    assert_true(p != MAP_FAILED);
    memset(p, 0x5A, FILE_SIZE);
    return p;
}

/* What the map handed back, and when. */
static unsigned released;
static void *released_host;

static void on_release(void *host, uint64_t size)
{
    (void)size;
    released++;
    released_host = host;
}

/* Item 9 of issue 7: the owner frees the map while a channel program still
 * holds a pin; the later unpin must not touch freed memory (ASan build), and
 * the pinned mapping is handed back only then. */
static void test_free_while_pinned(void **st)
{
    (void)st;
    uint8_t *mem = aligned_alloc(PAGE, 8 * PAGE);
    struct vfio_dma *dma = vfio_dma_new();
    uint8_t *host;
    bool wr;

    assert_non_null(dma);
    released = 0;
    vfio_dma_set_release(dma, on_release);
    assert_int_equal(vfio_dma_map(dma, 0x10000, 4 * PAGE, mem, true), 0);
    assert_int_equal(vfio_dma_map(dma, 0x20000, 4 * PAGE, mem + 4 * PAGE, true), 0);
    assert_int_equal(vfio_dma_pin(dma, 0x11000, 64, &host, &wr), 0);
    assert_ptr_equal(host, mem + PAGE);
    assert_int_equal(vfio_dma_unmap(dma, 0x10000, 4 * PAGE), -EBUSY);   /* pinned: stays */
    assert_int_equal(vfio_dma_free(dma), 1);    /* the connection goes; the pin stays */
    assert_int_equal(released, 1);              /* the unpinned mapping went at once */
    assert_ptr_equal(released_host, mem + 4 * PAGE);
    vfio_dma_unpin(dma, 0x11000);               /* the program ends later */
    assert_int_equal(released, 2);
    assert_ptr_equal(released_host, mem);
    free(mem);
}

/* The translator reads guest memory whose file was cut short: an error for
 * that read, not a dead process; the mapping is refused from then on. */
static void test_sigbus_on_read_is_an_error(void **st)
{
    (void)st;
    int fd;
    uint8_t *mem = shrinkable(&fd);
    struct vfio_dma *dma = vfio_dma_new();
    uint8_t buf[64], *host;
    bool wr;

    assert_int_equal(vfio_dma_map(dma, 0, FILE_SIZE, mem, true), 0);
    assert_int_equal(vfio_dma_read(dma, 0x3000, buf, sizeof buf), 0);
    assert_int_equal(buf[0], 0x5A);
    assert_int_equal(vfio_dma_faults(dma), 0);
    assert_int_equal(ftruncate(fd, PAGE), 0);      /* pages 1.. are gone */
    assert_int_equal(vfio_dma_read(dma, 0x3000, buf, sizeof buf), -EFAULT);
    assert_int_equal(vfio_dma_faults(dma), 1);
    assert_true(vfio_dma_poisoned(dma, 0x3000, 1));
    assert_true(vfio_dma_poisoned(dma, 0, 1));    /* the whole mapping */
    assert_false(vfio_dma_poisoned(dma, FILE_SIZE, PAGE));
    assert_int_equal(vfio_dma_read(dma, 0, buf, 8), -EFAULT);   /* even the page that is left */
    assert_int_equal(vfio_dma_pin(dma, 0, 8, &host, &wr), -EINVAL);
    assert_int_equal(vfio_dma_unmap(dma, 0, FILE_SIZE), 0);
    vfio_dma_free(dma);
    munmap(mem, FILE_SIZE);
    close(fd);
}

/* The channel stores device input into pinned guest pages (the worker
 * thread): the store that faults completes harmlessly, the map counts it, and
 * the next program touching that memory is refused. */
static void test_sigbus_on_device_store(void **st)
{
    (void)st;
    struct vt t;
    struct irb irb;
    int fd;
    uint8_t *file = shrinkable(&fd);
    struct orb o = orb_fmt1(0x100);

    vt_setup(&t, 1);
    assert_int_equal(vfio_dma_map(t.dma, 0x200000, FILE_SIZE, file, true), 0);
    unsigned before = vfio_dma_faults(t.dma);
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x203000);
    assert_int_equal(ftruncate(fd, 0), 0);
    vt_run(&t, 0, &o, &irb);                       /* the process is still here */
    /* and that one program ends in channel-data check at its READ */
    assert_int_equal(irb.scsw.cstat & SCHN_STAT_CHN_DATA_CHK, SCHN_STAT_CHN_DATA_CHK);
    assert_int_equal(irb.scsw.cpa, 0x108);
    assert_int_equal(vfio_dma_faults(t.dma), before + 1);
    assert_true(vfio_dma_poisoned(t.dma, 0x203000, 64));
    assert_int_equal(vt_start(&t, 0, &o), -EINVAL); /* as if unmapped */
    /* guest memory elsewhere works as before */
    put_ccw1(&t, 0x100, TD_READ, CCW_FLAG_SLI, 64, 0x2000);
    vt_run(&t, 0, &o, &irb);
    assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
    assert_int_equal(t.mem[0x2000], t.td[0]->rec[0]);
    assert_int_equal(vfio_dma_unmap(t.dma, 0x200000, FILE_SIZE), 0);
    vt_teardown(&t);
    munmap(file, FILE_SIZE);
    close(fd);
}

/* A bus error on memory that is not guest memory keeps its default action. */
static void test_sigbus_elsewhere_kills(void **st)
{
    (void)st;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd;
        uint8_t *other = shrinkable(&fd);
        struct vfio_dma *dma = vfio_dma_new();          /* the guard is installed */
        if (!dma || ftruncate(fd, 0))
            _exit(2);
        volatile uint8_t x = other[PAGE];
        (void)x;
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGBUS);
}

/* Maps are bounded per map object; lookups stay right with many maps. */
static void test_map_limit_and_lookup(void **st)
{
    (void)st;
    uint8_t *mem = aligned_alloc(PAGE, (VFIO_DMA_MAX_MAPS + 1) * (size_t)PAGE);
    struct vfio_dma *dma = vfio_dma_new();
    uint8_t buf[8];

    for (unsigned i = 0; i < VFIO_DMA_MAX_MAPS * (size_t)PAGE; i++)
        mem[i] = (uint8_t)(i / PAGE);
    /* every other page, mapped in a scrambled order */
    for (unsigned k = 0; k < VFIO_DMA_MAX_MAPS; k++) {
        unsigned i = (k * 97) % VFIO_DMA_MAX_MAPS;
        assert_int_equal(vfio_dma_map(dma, 2ull * i * PAGE, PAGE, mem + (size_t)i * PAGE, false), 0);
    }
    assert_int_equal(vfio_dma_map(dma, 1ull << 32, PAGE, mem + VFIO_DMA_MAX_MAPS * (size_t)PAGE, false), -ENOSPC);
    assert_int_equal(vfio_dma_map(dma, 0, PAGE, mem, false), -EEXIST);
    assert_int_equal(vfio_dma_map(dma, PAGE * 2, PAGE * 2, mem, false), -EEXIST);   /* overlaps the next */
    for (unsigned i = 0; i < VFIO_DMA_MAX_MAPS; i++) {
        assert_int_equal(vfio_dma_read(dma, 2ull * i * PAGE + 100, buf, 8), 0);
        assert_int_equal(buf[0], (uint8_t)i);
        assert_int_equal(vfio_dma_read(dma, (2ull * i + 1) * PAGE, buf, 8), -EINVAL);   /* the gaps */
    }
    assert_int_equal(vfio_dma_unmap(dma, 2ull * 5 * PAGE, PAGE), 0);
    assert_int_equal(vfio_dma_map(dma, 1ull << 32, PAGE, mem, false), 0);   /* room again */
    assert_int_equal(vfio_dma_free(dma), 0);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_while_pinned),
        cmocka_unit_test(test_sigbus_on_read_is_an_error),
        cmocka_unit_test(test_sigbus_on_device_store),
        cmocka_unit_test(test_sigbus_elsewhere_kills),
        cmocka_unit_test(test_map_limit_and_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
