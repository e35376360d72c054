// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The adapter driven the way qemu-system-s390x 7.2 drives a vfio-ccw device
 * (hw/s390x/s390-ccw.c, css.c, hw/vfio/common.c, hw/vfio/ccw.c), through the
 * same libc entry points, against the fake ccwpassd.  The adapter's sources
 * are linked into this program, so its open/fopen/readlink/ioctl/pread/pwrite/
 * close definitions interpose exactly as they do when preloaded into QEMU;
 * CCWPASS_ADAPTER_FORCE=1 (set by meson) activates it outside QEMU.
 *
 * This program also exports the two QEMU functions the adapter uses for TCG
 * invalidation, to observe which guest ranges it invalidates.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>
#include "arch/cio.h"
#include "fake_ccwpassd.h"
#include "qemu/client.h"

#define RAM_SIZE  (2u << 20)
#define RAM_ADDR_BASE 0x40000ull    /* where "QEMU" keeps guest RAM in ram_addr space */
#define GROUP     7
#define IO_OFF    ((off_t)VFIO_CCW_CONFIG_REGION_INDEX << 10)

static struct fake_daemon fake;
static char tmpdir[64];
static uint8_t *ram;
static int ram_fd;

/* ---- the two QEMU symbols the adapter resolves with dlsym -------------------- */

static struct { uint64_t start, end; } inval[16];
static int ninval;

uint64_t qemu_ram_addr_from_host(void *ptr);
void tb_invalidate_phys_range(uint64_t start, uint64_t end);

uint64_t qemu_ram_addr_from_host(void *ptr)
{
    uint8_t *p = ptr;
    return p >= ram && p < ram + RAM_SIZE ? RAM_ADDR_BASE + (uint64_t)(p - ram) : ~0ull;
}

void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    if (ninval < 16)
        inval[ninval++] = (typeof(inval[0])){ start, end };
}

/* ---- fixture ------------------------------------------------------------------ */

static void put_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/view/%s", tmpdir, rel);
    for (char *s = strchr(path + strlen(tmpdir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static int setup_view(void)
{
    char path[256], link[256];
    put_file("sys/bus/css/devices/0.0.16ca/pimpampom", "80 80 ff\n");
    put_file("sys/bus/css/devices/0.0.16ca/chpids", "50 00 00 00 00 00 00 00\n");
    put_file("sys/devices/css0/chp0.50/type", "1a\n");
    put_file("sys/bus/css/devices/0.0.16ca/" FAKE_UUID "/name", "");
    put_file("sys/devices/css0/0.0.16ca/" FAKE_UUID "/name", "");
    put_file("sys/bus/mdev/devices/.keep", "");
    snprintf(path, sizeof path, "%s/view/sys/bus/mdev/devices/" FAKE_UUID, tmpdir);
    if (symlink("../../../devices/css0/0.0.16ca/" FAKE_UUID, path))
        return -1;
    snprintf(path, sizeof path, "%s/view/sys/bus/css/devices/0.0.16ca/" FAKE_UUID "/iommu_group", tmpdir);
    snprintf(link, sizeof link, "../../../../../kernel/iommu_groups/%d", GROUP);
    return symlink(link, path);
}

static int group_setup(void **state)
{
    char view[128];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ccwq-adapter-XXXXXX");
    if (!mkdtemp(tmpdir) || setup_view() || fake_daemon_start(&fake, tmpdir))
        return -1;
    snprintf(view, sizeof view, "%s/view", tmpdir);
    setenv("CCWPASS_VIEW", view, 1);
    setenv("CCWPASS_SOCKET", fake.path, 1);
    /* QEMU's memory-backend-memfd,share=on (seal=on by default) */
    ram_fd = memfd_create("ccwpass-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (ram_fd < 0 || ftruncate(ram_fd, RAM_SIZE)
        || fcntl(ram_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
        return -1;
    ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
    return ram == MAP_FAILED ? -1 : 0;
}

static int group_teardown(void **state)
{
    char cmd[128];
    fake_daemon_stop(&fake);
    munmap(ram, RAM_SIZE);
    close(ram_fd);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- QEMU's sequence ------------------------------------------------------------ */

struct vfio {
    int container, group, device;
};

/* hw/vfio/common.c vfio_get_group + vfio_connect_container + the RAM listener. */
static void connect_container(struct vfio *v, void *vaddr, uint64_t size)
{
    struct vfio_group_status st = { .argsz = sizeof st };
    struct vfio_iommu_type1_info info = { .argsz = sizeof info };
    struct vfio_iommu_type1_dma_map map = { .argsz = sizeof map,
        .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, .vaddr = (uintptr_t)vaddr, .iova = 0, .size = size };
    char path[32];

    snprintf(path, sizeof path, "/dev/vfio/%d", GROUP);
    v->group = open(path, O_RDWR | O_CLOEXEC);
    assert_true(v->group >= 0);
    assert_int_equal(ioctl(v->group, VFIO_GROUP_GET_STATUS, &st), 0);
    assert_true(st.flags & VFIO_GROUP_FLAGS_VIABLE);
    v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
    assert_true(v->container >= 0);
    assert_int_equal(ioctl(v->container, VFIO_GET_API_VERSION), VFIO_API_VERSION);
    assert_int_equal(ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
    assert_int_equal(ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU), 0);
    assert_int_equal(ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container), 0);
    assert_int_equal(ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
    assert_int_equal(ioctl(v->container, VFIO_IOMMU_GET_INFO, &info), 0);
    assert_true((info.flags & VFIO_IOMMU_INFO_PGSIZES) && (info.iova_pgsizes & 4096));
    assert_int_equal(ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map), 0);
}

static int get_device(struct vfio *v, const char *uuid)
{
    v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
    return v->device;
}

static void open_all(struct vfio *v)
{
    connect_container(v, ram, RAM_SIZE);
    assert_true(get_device(v, FAKE_UUID) >= 0);
}

static void close_all(struct vfio *v)
{
    if (v->device >= 0)
        close(v->device);
    ioctl(v->group, VFIO_GROUP_UNSET_CONTAINER);
    close(v->group);
    close(v->container);
}

/* Runs fn with stderr captured into buf. */
static void capture_stderr(char *buf, size_t size, void (*fn)(void *), void *arg)
{
    char path[128];
    snprintf(path, sizeof path, "%s/stderr", tmpdir);
    int saved = dup(2), fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    fn(arg);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
}

/* ---- tests ----------------------------------------------------------------------- */

static void read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_sysfs_reads_come_from_the_view(void **state)
{
    char buf[64], link[256];
    read_file("/sys/bus/css/devices/0.0.16ca/pimpampom", buf, sizeof buf);
    assert_string_equal(buf, "80 80 ff\n");
    read_file("/sys/bus/css/devices/0.0.16ca/chpids", buf, sizeof buf);
    assert_string_equal(buf, "50 00 00 00 00 00 00 00\n");
    read_file("/sys/devices/css0/chp0.50/type", buf, sizeof buf);
    assert_string_equal(buf, "1a\n");
    ssize_t n = readlink("/sys/bus/css/devices/0.0.16ca/" FAKE_UUID "/iommu_group", link, sizeof link - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_string_equal(strrchr(link, '/') + 1, "7");
    /* QEMU's realpath(sysfsdev): resolved in the view, answered as the host's /sys */
    char *rp = realpath("/sys/bus/mdev/devices/" FAKE_UUID, NULL);
    assert_non_null(rp);
    assert_string_equal(rp, "/sys/devices/css0/0.0.16ca/" FAKE_UUID);
    free(rp);
    /* paths outside the css/mdev trees are untouched */
    read_file("/proc/self/comm", buf, sizeof buf);
    assert_true(strlen(buf) > 0);
}

static void test_realize_sequence(void **state)
{
    struct vfio v;
    struct vfio_device_info di = { .argsz = sizeof di };
    open_all(&v);
    assert_int_equal(fake.attaches, 1);
    assert_int_equal(fake.dma_maps, 1);             /* replayed to the device's connection */
    assert_true(fake.ram_size == RAM_SIZE && fake.ram_iova == 0);
    fake.ram[0x1234] = 0x5a;                        /* the daemon's mapping is guest RAM itself */
    assert_int_equal(ram[0x1234], 0x5a);
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_GET_INFO, &di), 0);
    assert_true((di.flags & VFIO_DEVICE_FLAGS_CCW) && (di.flags & VFIO_DEVICE_FLAGS_RESET));
    assert_int_equal(di.num_regions, 4);
    assert_int_equal(di.num_irqs, 3);
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_RESET), 0);
    assert_int_equal(fake.resets, 1);
    close_all(&v);
}

static void region_info_case(uint16_t wire_cap_id)
{
    struct vfio v;
    fake.cap_id = wire_cap_id;
    struct { struct vfio_region_info i; struct vfio_region_info_cap_type c; } r;
    open_all(&v);
    memset(&r, 0, sizeof r);
    r.i = (struct vfio_region_info){ .argsz = sizeof r.i, .index = 0 };
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_GET_REGION_INFO, &r), 0);
    assert_true(r.i.size == sizeof(struct ccw_io_region) && r.i.offset == 0);
    for (uint32_t idx = 1; idx <= 3; idx++) {
        /* QEMU asks with argsz 32, learns the needed size, asks again */
        memset(&r, 0, sizeof r);
        r.i = (struct vfio_region_info){ .argsz = sizeof r.i, .index = idx };
        assert_int_equal(ioctl(v.device, VFIO_DEVICE_GET_REGION_INFO, &r), 0);
        assert_true(r.i.flags & VFIO_REGION_INFO_FLAG_CAPS);
        assert_int_equal(r.i.argsz, sizeof r);
        assert_int_equal(r.i.cap_offset, 0);
        r.i.argsz = sizeof r;
        assert_int_equal(ioctl(v.device, VFIO_DEVICE_GET_REGION_INFO, &r), 0);
        assert_int_equal(r.i.cap_offset, sizeof r.i);
        assert_int_equal(r.c.header.id, VFIO_REGION_INFO_CAP_TYPE);
        assert_int_equal(r.c.type, VFIO_REGION_TYPE_CCW);
        assert_int_equal(r.c.subtype, idx);
        assert_true(r.i.offset == (uint64_t)idx << 10);
    }
    close_all(&v);
    fake.cap_id = 0;
}

/* The daemon sends the kernel's capability chain; QEMU must see it unchanged. */
static void test_region_info_and_cap_chain_like_the_kernel(void **state)
{
    region_info_case(VFIO_REGION_INFO_CAP_TYPE);
}

static void test_irqs_pass_the_eventfd(void **state)
{
    struct vfio v;
    struct vfio_irq_info ii = { .argsz = sizeof ii, .index = VFIO_CCW_IO_IRQ_INDEX };
    struct { struct vfio_irq_set s; int32_t fd; } set;
    uint64_t one = 1, got = 0;
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    open_all(&v);
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_GET_IRQ_INFO, &ii), 0);
    assert_true(ii.count == 1 && (ii.flags & VFIO_IRQ_INFO_EVENTFD));
    set.s = (struct vfio_irq_set){ .argsz = sizeof set, .index = VFIO_CCW_IO_IRQ_INDEX, .count = 1,
        .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER };
    set.fd = efd;
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_SET_IRQS, &set), 0);
    assert_true(fake.irq_fd[0] >= 0);
    assert_int_equal(write(fake.irq_fd[0], &one, sizeof one), sizeof one);  /* the daemon signals */
    assert_int_equal(read(efd, &got, sizeof got), sizeof got);               /* QEMU wakes */
    assert_true(got == 1);
    set.fd = -1;                                                             /* de-assign */
    assert_int_equal(ioctl(v.device, VFIO_DEVICE_SET_IRQS, &set), 0);
    assert_int_equal(fake.irq_fd[0], -1);
    close(efd);
    close_all(&v);
}

/* QEMU's host-order ORB and SCSW of a START. */
static void qemu_io_request(struct ccw_io_region *r)
{
    uint32_t intparm = 0xfeed0001, cpa = 0x2000;
    uint16_t ctrl0 = 0x00c2, sflags = 0x00c0, sctrl = 0x4400;   /* FMT|PFCH|C64; START|START_PEND */
    memset(r, 0, sizeof *r);
    memcpy(r->orb_area, &intparm, 4);
    memcpy(r->orb_area + 4, &ctrl0, 2);
    r->orb_area[6] = 0x80;
    memcpy(r->orb_area + 8, &cpa, 4);
    memcpy(r->scsw_area, &sflags, 2);
    memcpy(r->scsw_area + 2, &sctrl, 2);
}

static void test_io_region_write_reaches_daemon_in_arch_order(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    uint8_t want[ORB_SIZE];
    struct orb o = { .intparm = 0xfeed0001, .fmt = true, .pfch = true, .c64 = true, .lpm = 0x80, .cpa = 0x2000 };
    struct scsw s;
    open_all(&v);
    qemu_io_request(&r);
    assert_int_equal(pwrite(v.device, &r, sizeof r, IO_OFF), sizeof r);
    orb_encode(&o, want);
    assert_memory_equal(fake.io_written, want, ORB_SIZE);
    scsw_decode(fake.io_written + ORB_SIZE, &s);
    assert_int_equal(s.fctl, SCSW_FCTL_START);
    assert_int_equal(s.actl, SCSW_ACTL_START_PEND);
    assert_true(s.fmt && s.pfch);
    close_all(&v);
}

static void test_io_region_read_irb_stays_arch(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    struct irb irb = { .scsw = { .fctl = SCSW_FCTL_START, .stctl = SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND,
                                 .cpa = 0x2008, .dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END } };
    uint8_t irbb[IRB_SIZE];
    uint32_t intparm;
    open_all(&v);
    irb_encode(&irb, irbb);
    memcpy(fake.io_region + 24, irbb, IRB_SIZE);
    be32_put(fake.io_region, 0xfeed0001);
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_memory_equal(r.irb_area, irbb, IRB_SIZE);
    memcpy(&intparm, r.orb_area, 4);
    assert_int_equal(intparm, 0xfeed0001);
    close_all(&v);
}

static void write_errno_case(struct vfio *v, int err)
{
    struct ccw_io_region r;
    qemu_io_request(&r);
    fake.io_write_errno = err;
    errno = 0;
    assert_int_equal(pwrite(v->device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, err);
}

static void test_region_errors_reach_qemu_as_errno(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    open_all(&v);
    write_errno_case(&v, EBUSY);        /* QEMU: cc 2 */
    write_errno_case(&v, ENODEV);       /* cc 3 */
    write_errno_case(&v, EACCES);       /* cc 3 */
    write_errno_case(&v, EAGAIN);       /* QEMU retries */
    write_errno_case(&v, EOPNOTSUPP);
    fake.io_read_errno = EFAULT;        /* QEMU: channel data check */
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, EFAULT);
    fake.io_read_errno = 0;
    /* beyond the last region: EINVAL, as the kernel */
    assert_int_equal(pread(v.device, &r, 8, (off_t)4 << 10), -1);
    assert_int_equal(errno, EINVAL);
    close_all(&v);
}

static void test_schib_crw_async_regions(void **state)
{
    struct vfio v;
    struct schib s = { .pmcw = { .dnv = true, .dev = 0x1234, .pnom = 0x80, .pim = 0x80, .pam = 0x80, .pom = 0xff },
                       .scsw = { .pno = true } };
    struct crw c = { .rsc = CRW_RSC_CPATH, .erc = CRW_ERC_PERRN, .rsid = 0x50 };
    uint8_t schib[52], crw[8];
    uint16_t devno, sflags, cflags, rsid;
    uint32_t hsch = VFIO_CCW_ASYNC_CMD_HSCH;
    open_all(&v);
    schib_encode(&s, fake.schib);
    assert_int_equal(pread(v.device, schib, sizeof schib, (off_t)2 << 10), sizeof schib);
    memcpy(&devno, schib + 6, 2);
    memcpy(&sflags, schib + 28, 2);
    assert_int_equal(devno, 0x1234);
    assert_int_equal(schib[9], 0x80);               /* pnom, as QEMU's handle_store copies it */
    assert_true(sflags & 0x0001);                   /* SCSW_FLAGS_MASK_PNO */
    be32_put(fake.crw, crw_encode(&c));
    assert_int_equal(pread(v.device, crw, sizeof crw, (off_t)3 << 10), sizeof crw);
    memcpy(&cflags, crw, 2);
    memcpy(&rsid, crw + 2, 2);
    assert_int_equal(cflags, 0x0406);
    assert_int_equal(rsid, 0x50);
    uint8_t cmd[8] = { 0 };
    memcpy(cmd, &hsch, 4);
    assert_int_equal(pwrite(v.device, cmd, sizeof cmd, (off_t)1 << 10), sizeof cmd);
    assert_int_equal(be32_get(fake.async_written), VFIO_CCW_ASYNC_CMD_HSCH);
    close_all(&v);
}

static void test_completion_invalidates_written_code(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    open_all(&v);
    ninval = 0;
    fake.dirty[0] = (struct ccwp_range){ 0x3000, 0x800 };
    fake.dirty[1] = (struct ccwp_range){ 0x10000, 0x2000 };
    fake.ndirty = 2;
    int q = fake.dirty_queries;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(fake.dirty_queries, q + 1);
    assert_int_equal(ninval, 2);
    assert_true(inval[0].start == RAM_ADDR_BASE + 0x3000 && inval[0].end == RAM_ADDR_BASE + 0x3800);
    assert_true(inval[1].start == RAM_ADDR_BASE + 0x10000 && inval[1].end == RAM_ADDR_BASE + 0x12000);
    /* too many ranges for the daemon to list: all of guest RAM */
    ninval = 0;
    fake.dirty_flags = CCWP_DIRTY_OVERFLOW;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(ninval, 1);
    assert_true(inval[0].start == RAM_ADDR_BASE && inval[0].end == RAM_ADDR_BASE + RAM_SIZE);
    /* a daemon that cannot say what it wrote: everything, to be safe */
    ninval = 0;
    fake.dirty_errno = ENOSYS;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    fake.dirty_errno = 0;
    assert_int_equal(ninval, 1);
    assert_true(inval[0].start == RAM_ADDR_BASE && inval[0].end == RAM_ADDR_BASE + RAM_SIZE);
    /* reading the schib is no completion */
    ninval = 0;
    q = fake.dirty_queries;
    assert_int_equal(pread(v.device, &r, 52, (off_t)2 << 10), 52);
    assert_int_equal(fake.dirty_queries, q);
    close_all(&v);
}

/* Publish the I/O region into the fake's shared area as ccwpassd does. */
static void shm_publish_io(const uint8_t *io, size_t len)
{
    __atomic_store_n(&fake.shm->io_seq, fake.shm->io_seq + 1, __ATOMIC_RELEASE);
    memcpy(fake.shm->io, io, len);
    __atomic_store_n(&fake.shm->io_seq, fake.shm->io_seq + 1, __ATOMIC_RELEASE);
}

/* With the shared I/O area, the pread after an interrupt takes the IRB and
 * the dirty ranges from memory: no REGION_READ, no DIRTY on the socket, and
 * still exactly the right TCG invalidations. */
static void test_shm_io_completion_without_round_trips(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    struct irb irb = { .scsw = { .fctl = SCSW_FCTL_START, .stctl = SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND,
                                 .cpa = 0x2008, .dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END } };
    uint8_t io[124] = { 0 };
    fake.offer_shm = true;
    int req = fake.shm_requests;
    open_all(&v);
    assert_int_equal(fake.shm_requests, req + 1);
    assert_non_null(fake.shm);
    irb_encode(&irb, io + 24);
    be32_put(io, 0xfeed0002);
    fake.shm->ring[0] = (struct ccwp_range){ 0x3000, 0x800 };
    fake.shm->ring[1] = (struct ccwp_range){ 0x10000, 0x2000 };
    __atomic_store_n(&fake.shm->dirty_head, 2, __ATOMIC_RELEASE);
    shm_publish_io(io, sizeof io);
    int reads = fake.io_reads, q = fake.dirty_queries;
    ninval = 0;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(fake.io_reads, reads);
    assert_int_equal(fake.dirty_queries, q);
    assert_memory_equal(r.irb_area, io + 24, IRB_SIZE);   /* the IRB stays in architecture order */
    uint32_t intparm;
    memcpy(&intparm, r.orb_area, 4);
    assert_int_equal(intparm, 0xfeed0002);                /* the ORB to host order */
    assert_int_equal(ninval, 2);
    assert_true(inval[0].start == RAM_ADDR_BASE + 0x3000 && inval[0].end == RAM_ADDR_BASE + 0x3800);
    assert_true(inval[1].start == RAM_ADDR_BASE + 0x10000 && inval[1].end == RAM_ADDR_BASE + 0x12000);
    assert_int_equal(fake.shm->dirty_tail, 2);            /* consumed */
    /* past the region's end: the daemon's answer (EINVAL), as without the area */
    uint8_t big[128];
    errno = 0;
    assert_int_equal(pread(v.device, big, sizeof big, IO_OFF), -1);
    assert_int_equal(errno, EINVAL);
    /* ranges lost: all of guest RAM */
    ninval = 0;
    __atomic_store_n(&fake.shm->dirty_lost, 1, __ATOMIC_RELEASE);
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(ninval, 1);
    assert_true(inval[0].start == RAM_ADDR_BASE && inval[0].end == RAM_ADDR_BASE + RAM_SIZE);
    /* a mirror that stays mid-update (the daemon died writing it): the socket, no hang */
    __atomic_store_n(&fake.shm->io_seq, fake.shm->io_seq + 1, __ATOMIC_RELEASE);
    memcpy(fake.io_region, io, sizeof io);
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(fake.io_reads, reads + 1);
    assert_memory_equal(r.irb_area, io + 24, IRB_SIZE);
    close_all(&v);
    fake.offer_shm = false;
}

/* With the doorbell the SSCH goes through the area too: the daemon gets the
 * request in architecture order and its errno reaches QEMU; a daemon that
 * dies while the adapter waits makes the device not operational (ENODEV)
 * instead of a hang. */
static void test_shm_doorbell_ssch(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    fake.offer_shm = fake.offer_doorbell = true;
    open_all(&v);
    qemu_io_request(&r);
    int writes = fake.io_writes, bells = fake.doorbell_writes;
    assert_int_equal(pwrite(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(fake.doorbell_writes, bells + 1);
    assert_int_equal(fake.io_writes, writes + 1);
    assert_int_equal(be32_get(fake.io_written), 0xfeed0001);   /* ORB intparm to architecture order */
    fake.io_write_errno = EBUSY;
    errno = 0;
    assert_int_equal(pwrite(v.device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, EBUSY);
    fake.doorbell_hangup = true;
    errno = 0;
    assert_int_equal(pwrite(v.device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, ENODEV);
    fake.doorbell_hangup = false;
    close_all(&v);
    fake.offer_shm = fake.offer_doorbell = false;
}

/* CCWPASS_NO_SHM_IO=1: the adapter does not ask for the area even from a
 * daemon that offers it; the IRB and the ranges come over the socket. */
static void test_no_shm_io_keeps_the_socket_path(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    fake.offer_shm = true;
    setenv("CCWPASS_NO_SHM_IO", "1", 1);
    int req = fake.shm_requests;
    open_all(&v);
    unsetenv("CCWPASS_NO_SHM_IO");
    assert_int_equal(fake.shm_requests, req);
    int reads = fake.io_reads, q = fake.dirty_queries;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), sizeof r);
    assert_int_equal(fake.io_reads, reads + 1);
    assert_int_equal(fake.dirty_queries, q + 1);
    close_all(&v);
    fake.offer_shm = false;
}

static void open_unknown(void *arg)
{
    struct vfio *v = arg;
    errno = 0;
    v->device = get_device(v, "00000000-0000-0000-0000-000000000000");
}

static void test_unknown_uuid_is_a_clear_error(void **state)
{
    struct vfio v;
    char msg[1024];
    connect_container(&v, ram, RAM_SIZE);
    capture_stderr(msg, sizeof msg, open_unknown, &v);
    assert_int_equal(v.device, -1);
    assert_non_null(strstr(msg, "00000000-0000-0000-0000-000000000000"));
    assert_non_null(strstr(msg, "No such file or directory"));
    close_all(&v);
}

static void test_daemon_down_names_the_socket(void **state)
{
    struct vfio v;
    char msg[1024], sock[128];
    snprintf(sock, sizeof sock, "%s/nobody-listens.sock", tmpdir);
    setenv("CCWPASS_SOCKET", sock, 1);
    connect_container(&v, ram, RAM_SIZE);
    capture_stderr(msg, sizeof msg, open_unknown, &v);
    setenv("CCWPASS_SOCKET", fake.path, 1);
    assert_int_equal(v.device, -1);
    assert_non_null(strstr(msg, sock));
    assert_non_null(strstr(msg, "is ccwpassd running"));
    close_all(&v);
}

static void test_daemon_gone_means_not_operational(void **state)
{
    struct vfio v;
    struct ccw_io_region r;
    open_all(&v);
    qemu_io_request(&r);
    fake.hangup_on_write = true;
    assert_int_equal(pwrite(v.device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, ENODEV);                /* QEMU: cc 3 */
    fake.hangup_on_write = false;
    assert_int_equal(pread(v.device, &r, sizeof r, IO_OFF), -1);
    assert_int_equal(errno, ENODEV);                /* QEMU: deferred cc 3 */
    close_all(&v);
}

static void map_anonymous(void *arg)
{
    struct vfio *v = arg;
    struct vfio_iommu_type1_dma_map map = { .argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ,
                                            .iova = 1ull << 32, .size = 1 << 20 };
    void *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    map.vaddr = (uintptr_t)anon;
    errno = 0;
    v->device = ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
    munmap(anon, 1 << 20);
}

static void test_anonymous_ram_refused(void **state)
{
    struct vfio v;
    char msg[1024];
    open_all(&v);
    int dev = v.device;
    capture_stderr(msg, sizeof msg, map_anonymous, &v);
    assert_int_equal(v.device, -EFAULT);
    assert_non_null(strstr(msg, "memory-backend-memfd"));
    v.device = dev;
    close_all(&v);
}

static void test_map_rules_and_unmap(void **state)
{
    struct vfio v;
    struct vfio_iommu_type1_dma_map map = { .argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ,
                                            .vaddr = (uintptr_t)ram, .iova = 0x100000, .size = 4096 };
    struct vfio_iommu_type1_dma_unmap un = { .argsz = sizeof un, .iova = 0, .size = RAM_SIZE };
    open_all(&v);
    assert_int_equal(ioctl(v.container, VFIO_IOMMU_MAP_DMA, &map), -1);    /* overlaps */
    assert_int_equal(errno, EEXIST);
    map.iova = 0x1000001;
    assert_int_equal(ioctl(v.container, VFIO_IOMMU_MAP_DMA, &map), -1);    /* not page aligned */
    assert_int_equal(errno, EINVAL);
    un.size = 4096;
    assert_int_equal(ioctl(v.container, VFIO_IOMMU_UNMAP_DMA, &un), -1);   /* would split the map */
    assert_int_equal(errno, EINVAL);
    un.size = RAM_SIZE;
    assert_int_equal(ioctl(v.container, VFIO_IOMMU_UNMAP_DMA, &un), 0);
    assert_true(un.size == RAM_SIZE);
    assert_int_equal(fake.dma_unmaps, 1);
    fake.dma_unmaps = 0;
    close_all(&v);
}

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

/*
 * Counts fds once the fake has finished with every earlier connection: it
 * serves one connection at a time, so answering a new handshake means it has
 * closed its end of the previous ones.
 */
static int count_fds_synced(void)
{
    struct ccwq_conn c;
    char err[256];
    assert_int_equal(ccwq_conn_open(&c, fake.path, err, sizeof err), 0);
    int n = count_fds();
    ccwq_conn_close(&c);
    return n;
}

static void test_close_releases_everything(void **state)
{
    int before = count_fds_synced(), versions = fake.versions;
    for (int i = 0; i < 3; i++) {
        struct vfio v;
        open_all(&v);
        close_all(&v);
    }
    assert_int_equal(count_fds_synced(), before);
    assert_int_equal(fake.versions, versions + 4);  /* one connection per device open, + the sync */
}

static void test_ordinary_fds_pass_through(void **state)
{
    char path[128], buf[8] = { 0 };
    snprintf(path, sizeof path, "%s/plain", tmpdir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "abc", 3, 2), 3);
    assert_int_equal(pread(fd, buf, 5, 0), 5);
    assert_memory_equal(buf + 2, "abc", 3);
    int n = 0;
    assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
    assert_int_equal(close(fd), 0);
    assert_int_equal(close(fd), -1);
    assert_int_equal(errno, EBADF);
}

static void test_fd_closed_behind_our_back_is_forgotten(void **state)
{
    char path[128], buf[4] = { 0 }, msg[512];
    struct vfio v;
    open_all(&v);
    int dev = v.device;
    syscall(SYS_close, dev);                /* not through close(): the table is stale */
    snprintf(path, sizeof path, "%s/reuse", tmpdir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_int_equal(fd, dev);              /* the lowest free number comes back */
    assert_int_equal(write(fd, "data", 4), 4);
    assert_int_equal(pread(fd, buf, 4, 0), 4);  /* a real file read, not a region read */
    assert_memory_equal(buf, "data", 4);
    close(fd);
    v.device = -1;
    close_all(&v);
    (void)msg;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysfs_reads_come_from_the_view),
        cmocka_unit_test(test_realize_sequence),
        cmocka_unit_test(test_region_info_and_cap_chain_like_the_kernel),
        cmocka_unit_test(test_irqs_pass_the_eventfd),
        cmocka_unit_test(test_io_region_write_reaches_daemon_in_arch_order),
        cmocka_unit_test(test_io_region_read_irb_stays_arch),
        cmocka_unit_test(test_region_errors_reach_qemu_as_errno),
        cmocka_unit_test(test_schib_crw_async_regions),
        cmocka_unit_test(test_completion_invalidates_written_code),
        cmocka_unit_test(test_shm_io_completion_without_round_trips),
        cmocka_unit_test(test_shm_doorbell_ssch),
        cmocka_unit_test(test_no_shm_io_keeps_the_socket_path),
        cmocka_unit_test(test_unknown_uuid_is_a_clear_error),
        cmocka_unit_test(test_daemon_down_names_the_socket),
        cmocka_unit_test(test_daemon_gone_means_not_operational),
        cmocka_unit_test(test_anonymous_ram_refused),
        cmocka_unit_test(test_map_rules_and_unmap),
        cmocka_unit_test(test_close_releases_everything),
        cmocka_unit_test(test_ordinary_fds_pass_through),
        cmocka_unit_test(test_fd_closed_behind_our_back_is_forgotten),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
