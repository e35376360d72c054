// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Head-of-line blocking between devices of one ccwpassd (issue 10, item 4):
 * the round-trip latency of device B's Sense ID (SSCH region write, the
 * interrupt on the eventfd, IRB region read) with `ccwpass status` asked
 * before each round, while
 *  - every other device is idle;
 *  - device A (3390) is stuck in a write (fault knob stuck=1);
 *  - a 3490 waits on its image storage in a block write (its cartridge on
 *    a FUSE file that holds writes: tests/daemon/slowfs.c);
 *  - a `tape load` reads a cartridge whose storage holds the reads.
 * Prints median and max in microseconds; a round not answered within
 * GUARD_S seconds is reported as held, never asserted.
 * usage: bench_hol [CCWPASSD]   (default $CCWPASSD)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "slowfs.h"
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

#define ROUNDS    500
#define RAM       (1u << 20)
#define GUARD_S   5
#define SCH_A     "0.0.16ca"
#define SCH_B     "0.0.16cb"
#define SCH_T     "0.0.0580"
#define UUID_T    "5d6c7b8a-1e2f-4a3b-8c4d-e5f60718293a"
#define STATUS    "{\"op\":\"status\"}"
#define DEVNO_T   "0.0.0580"

static double now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int open_vmm(struct dproc *d, struct vmm *v, const char *uuid)
{
    struct timeval g = { .tv_sec = GUARD_S };

    return vmm_connect(v, d->sock) || setsockopt(v->fd, SOL_SOCKET, SO_RCVTIMEO, &g, sizeof g) ||
           vmm_map_ram(v, RAM) || vmm_attach(v, uuid) || vmm_setup_irqs(v) ? -1 : 0;
}

/* Status asked on a fresh connection, B's Sense ID timed, then the status
 * answer collected: both must come while the slow device stays slow. */
static int one_round(struct dproc *d, struct vmm *b, double *us)
{
    struct {
        struct ccwp_hdr h;
        char json[sizeof STATUS];
    } req = { .h = { .msg_id = 1, .command = CCWP_CMD_CONTROL, .size = sizeof req, .flags = CCWP_F_COMMAND },
              .json = STATUS };
    struct timeval g = { .tv_sec = GUARD_S };
    struct ccwp_hdr rh;
    struct vmm adm;
    struct irb irb;
    int rc;

    if (vmm_connect(&adm, d->sock) || setsockopt(adm.fd, SOL_SOCKET, SO_RCVTIMEO, &g, sizeof g) ||
        vmm_send_raw(&adm, &req, sizeof req))
        return -1;
    vmm_put_ccw(b, 0x1000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x2000);
    double t0 = now_us();
    rc = vmm_run(b, 0x1000, &irb);
    *us = now_us() - t0;
    if (rc == 0)
        rc = vmm_recv_reply(&adm, &rh, NULL, 0, NULL) || rh.error ? -1 : 0;
    vmm_close(&adm);
    return rc == 0 && irb.scsw.dstat == (DEV_STAT_CHN_END | DEV_STAT_DEV_END) ? 0 : -1;
}

static int measure(struct dproc *d, struct vmm *b, const char *what)
{
    static double us[ROUNDS];

    for (unsigned i = 0; i < ROUNDS; i++)
        if (one_round(d, b, &us[i])) {
            printf("B's Sense ID + status, %s: held (no answer within %d s)\n", what, GUARD_S);
            return -1;
        }
    qsort(us, ROUNDS, sizeof us[0], cmp_double);
    printf("B's Sense ID + status, %s: median %.0f us, max %.0f us (%u rounds)\n", what, us[ROUNDS / 2],
           us[ROUNDS - 1], ROUNDS);
    return 0;
}

static int fault(struct dproc *d, bool stuck)
{
    return dp_control(d, stuck ? "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":600000,\"stuck\":1}"
                               : "{\"op\":\"fault\",\"sch\":\"" SCH_A "\",\"delay_ms\":0,\"stuck\":0}", NULL);
}

/* tape_load of the drive's cartridge sent; reads of it wait at the gate. */
static int load_sent(struct dproc *d, struct slowfs *fs, struct vmm *adm)
{
    struct timeval g = { .tv_sec = 60 };
    char json[512];
    uint8_t msg[sizeof(struct ccwp_hdr) + sizeof json];
    struct ccwp_hdr h = { .msg_id = 2, .command = CCWP_CMD_CONTROL, .flags = CCWP_F_COMMAND };
    size_t n = (size_t)snprintf(json, sizeof json,
                                "{\"op\":\"tape_load\",\"devno\":\"" DEVNO_T "\",\"path\":\"%s/slow/t.aws\"}",
                                d->dir) + 1;

    h.size = (uint32_t)(sizeof h + n);
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, json, n);
    if (vmm_connect(adm, d->sock) || setsockopt(adm->fd, SOL_SOCKET, SO_RCVTIMEO, &g, sizeof g))
        return -1;
    slowfs_gate_reads(fs, false);
    return vmm_send_raw(adm, msg, sizeof h + n);
}

static int bench(struct dproc *d, struct slowfs *fs)
{
    struct vmm a, b, t, adm;
    struct ccwp_hdr rh;
    struct orb o;
    int rc = 0;

    if (open_vmm(d, &a, TEST_UUID1) || open_vmm(d, &b, TEST_UUID2) || open_vmm(d, &t, UUID_T))
        return -1;
    measure(d, &b, "others idle");

    /* A: a NOOP program, stuck before its command as in the middle of a write */
    vmm_put_ccw(&a, 0x1000, CCW_CMD_NOOP, 0, 1, 0);
    vmm_orb(&o, 0x1000, 1);
    if (fault(d, true) || vmm_ssch(&a, &o))
        return -1;
    measure(d, &b, "A stuck (fault stuck=1)");
    if (fault(d, false) || vmm_wait_irq(&a, VFIO_CCW_IO_IRQ_INDEX))
        rc = -1;

    /* the tape: a block write held by its image storage */
    slowfs_gate(fs, false);
    memset(t.ram + 0x4000, 0x5a, 80);
    vmm_put_ccw(&t, 0x1000, 0x01, 0, 80, 0x4000);
    if (vmm_ssch(&t, &o) || slowfs_wait_writer(fs))
        return -1;
    measure(d, &b, "3490 write held by its storage");
    slowfs_gate(fs, true);
    if (vmm_wait_irq(&t, VFIO_CCW_IO_IRQ_INDEX))
        rc = -1;

    /* a tape load whose cartridge reads are held by their storage */
    if (rc || dp_control(d, "{\"op\":\"tape_unload\",\"devno\":\"" DEVNO_T "\"}", NULL) || load_sent(d, fs, &adm))
        return -1;
    if (slowfs_wait_reader(fs) == 0)
        measure(d, &b, "tape load reading a cartridge held by its storage");
    slowfs_gate_reads(fs, true);
    if (vmm_recv_reply(&adm, &rh, NULL, 0, NULL) || rh.error)
        rc = -1;
    vmm_close(&adm);
    vmm_close(&t);
    vmm_close(&b);
    vmm_close(&a);
    return rc;
}

int main(int argc, char **argv)
{
    struct dproc d;
    struct slowfs *fs = NULL;
    char a[256], b[256], conf[256], back[256], mnt[256];
    FILE *fp;
    int fd, rc = 1;

    if (argc > 1)
        setenv("CCWPASSD", argv[1], 1);
    if (!getenv("CCWPASSD")) {
        fprintf(stderr, "usage: bench_hol CCWPASSD (or set $CCWPASSD)\n");
        return 2;
    }
    if (dp_init(&d) || dp_make_image(&d, "a.3390", 1, a, sizeof a) || dp_make_image(&d, "b.3390", 1, b, sizeof b))
        return 1;
    snprintf(back, sizeof back, "%s/tape.back", d.dir);
    snprintf(mnt, sizeof mnt, "%s/slow", d.dir);
    snprintf(conf, sizeof conf, "%s/hol.conf", d.dir);
    fd = open(back, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0 && close(fd) == 0 && mkdir(mnt, 0755) == 0)
        fs = slowfs_mount(mnt, "t.aws", back);
    fp = fs ? fopen(conf, "w") : NULL;
    if (fp) {
        fprintf(fp, "[device 0.0.7e52]\nimage = %s\nsubchannel = %s\nchpids = 50\n\n"
                    "[device 0.0.7e53]\nimage = %s\nsubchannel = %s\nchpids = 50\n\n"
                    "[device 0.0.0580]\ntype = 3490\nimage = %s/t.aws\nchpids = 51\n", a, SCH_A, b, SCH_B, mnt);
        fclose(fp);
        const char *args[] = { "--config", conf, NULL };
        rc = dp_start(&d, args, false) || dp_make_mdev(&d, SCH_A, TEST_UUID1) ||
             dp_make_mdev(&d, SCH_B, TEST_UUID2) || dp_make_mdev(&d, SCH_T, UUID_T) || bench(&d, fs);
    }
    if (rc)
        fprintf(stderr, "bench_hol: failed (log in %s)\n", d.log);
    if (fs)
        slowfs_gate(fs, true);   /* a daemon held in a write can stop */
    dp_stop(&d);
    slowfs_unmount(fs);
    dp_cleanup(&d);
    return rc ? 1 : 0;
}
