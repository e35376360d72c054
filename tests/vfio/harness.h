/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test harness for the css and vfio_ccw tests: a small test device behind a
 * subchannel, guest memory mapped through a vfio_dma, an mdev opened on it,
 * and helpers to build channel programs and run them through the I/O region.
 * Completion is awaited on the eventfds / a semaphore (with a generous guard
 * timeout that fails the test), never by sleeping.
 */
#ifndef CCWPASS_TESTS_VFIO_HARNESS_H
#define CCWPASS_TESTS_VFIO_HARNESS_H

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "chan/css.h"
#include "vfio/vfio_ccw.h"

/* Test device commands */
#define TD_WRITE   0x01
#define TD_READ    0x02
#define TD_NOP     0x03
#define TD_SENSE   0x04
#define TD_RDBACK  0x0C
#define TD_REJECT  0x13   /* control: always unit check, command reject */

struct testdev {
    struct ccw_dev base;
    struct ccw_dev_ops ops;  /* its own copy: a test may change e.g. short_programs */
    uint8_t rec[8192];      /* what READ returns, WRITE stores */
    uint32_t rec_len;       /* natural length of the record */
    uint8_t sense[32];
    bool sense_pending;
    unsigned resets, starts, ends, execs;
    uint8_t last_cmd;
    bool busy;              /* ops->busy answers this (atomic) ... */
    sem_t *busy_asked;      /* ... and posts this, if set, each time it answers true */
};
struct testdev *testdev_new(void);

#define GUEST_SIZE (1u << 20)   /* 1 MiB of guest memory at iova 0 */

struct vt {
    struct css *css;
    struct subchannel *sch[2];
    struct testdev *td[2];
    struct vfio_dma *dma;
    uint8_t *mem;
    struct vfio_ccw_parent *p[2];
    struct vfio_ccw_mdev *m[2];
    int efd[2][3];          /* IO, CRW, REQ eventfds per mdev */
};

/* css only: one or two subchannels 0.0.0000/0.0.0001 on chpids 0x40/0x41. */
void vt_css(struct vt *t, unsigned nsch);
/* css + mapped guest memory + vfio parent/mdev opened with eventfds. */
void vt_setup(struct vt *t, unsigned nsch);
void vt_teardown(struct vt *t);

/* Guest memory helpers */
void put_ccw1(struct vt *t, uint32_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
void put_ccw0(struct vt *t, uint32_t addr, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda);
void put_idaw1(struct vt *t, uint32_t addr, uint32_t v);
void put_idaw2(struct vt *t, uint32_t addr, uint64_t v);
struct orb orb_fmt1(uint32_t cpa);

/* Start through the I/O region: returns the region write's result (vt_start
 * retries -EAGAIN like QEMU, vt_start_once does not). */
ssize_t vt_start(struct vt *t, unsigned i, const struct orb *orb);
ssize_t vt_start_once(struct vt *t, unsigned i, const struct orb *orb);
/* Wait for the IO eventfd of mdev i (fails the test after 30 s). */
void vt_wait_io(struct vt *t, unsigned i);
/* Read the IRB from the I/O region. */
void vt_irb(struct vt *t, unsigned i, struct irb *irb);
/* Start, wait, read IRB; asserts the start returned the full region size. */
void vt_run(struct vt *t, unsigned i, const struct orb *orb, struct irb *irb);
ssize_t vt_async(struct vt *t, unsigned i, uint32_t cmd);
ssize_t vt_async_once(struct vt *t, unsigned i, uint32_t cmd);
/* Subchannel i's next command waits (until HSCH/CSCH or a new fault
 * setting ends it) and posts sem when the wait begins. */
void vt_slow(struct vt *t, unsigned i, sem_t *sem);
/* Wait for sem; fails the test if it is not posted within 30 s. */
void sem_wait_guarded(sem_t *s);
bool efd_wait(int fd, int ms);     /* true if signalled within ms */
bool efd_pending(int fd);          /* signalled already (no waiting) */
/* Every interrupt mdev i raised so far is in its eventfds: the driver
 * writes them on threads of its own (src/vfio/notify.c). */
void vt_settle(struct vt *t, unsigned i);
/* vt_settle, then efd_pending of eventfd `index` of mdev i. */
bool vt_irq_pending(struct vt *t, unsigned i, unsigned index);

/* css-level interrupt capture */
struct irq_sem {
    sem_t sem;
    unsigned count;
};
void irq_sem_handler(void *opaque, struct subchannel *sch);
void irq_sem_wait(struct irq_sem *s);

#endif
