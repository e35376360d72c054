/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the vfio_ccw driver (Linux vfio_ccw_private.h): the parent
 * (a subchannel bound to vfio_ccw), the mdev with its regions, IRQ eventfds
 * and FSM state, and the internal interfaces between drv.c, ops.c, fsm.c,
 * async.c, chp.c, notify.c, dma.c, dirty.c and cp.c.
 *
 * Locking: m->open_lock serialises open/close/reset; m->io_mutex guards the
 * regions, the FSM state and the channel program (region writes take it with
 * trylock → -EAGAIN, like the kernel) and the interrupt sequence number a
 * quiescing close waits on (irq_cond, with io_mutex); m->crw_lock guards the
 * CRW list; the notifier (notify.c) owns the eventfds.  Order: open_lock →
 * dma users → io_mutex → crw_lock → notifier.lock (a leaf, never held across
 * an eventfd write); notifier.ctl_lock is taken only by its setters, never
 * under io_mutex or crw_lock.
 */
#ifndef CCWPASS_VFIO_PRIVATE_H
#define CCWPASS_VFIO_PRIVATE_H

#include <pthread.h>
#include "vfio/vfio_ccw.h"
#include "vfio/cp.h"

#define VFIO_CCW_ISC 3   /* IO_SCH_ISC */
#define VFIO_CCW_CRW_MAX 64

enum vfio_ccw_state {
    VFIO_CCW_STATE_NOT_OPER,
    VFIO_CCW_STATE_STANDBY,
    VFIO_CCW_STATE_IDLE,
    VFIO_CCW_STATE_CP_PROCESSING,
    VFIO_CCW_STATE_CP_PENDING,
    NR_VFIO_CCW_STATES
};

enum vfio_ccw_event {
    VFIO_CCW_EVENT_NOT_OPER,
    VFIO_CCW_EVENT_IO_REQ,
    VFIO_CCW_EVENT_INTERRUPT,
    VFIO_CCW_EVENT_ASYNC_REQ,
    VFIO_CCW_EVENT_OPEN,
    VFIO_CCW_EVENT_CLOSE,
    NR_VFIO_CCW_EVENTS
};

struct vfio_ccw_parent {
    struct subchannel *sch;
    pthread_mutex_t lock;          /* guards mdev */
    struct vfio_ccw_mdev *mdev;    /* at most one (max_instances 1) */
};

/* The eventfd writers of one mdev (notify.c): a thread per IRQ index that
 * has an fd; fd, pending, stop and writing under the notifier's lock,
 * thread and running under its ctl_lock. */
struct vfio_ccw_notifier;
struct vfio_ccw_irq_writer {
    struct vfio_ccw_notifier *n;
    int fd;                        /* our dup of the VMM's eventfd, -1 if none */
    uint64_t pending;              /* raised, not yet added to the eventfd */
    bool stop;
    bool writing;                  /* inside write(): a stop cancels it */
    pthread_cond_t wake;           /* with n->lock: pending or stop */
    pthread_t thread;
    bool running;
};

struct vfio_ccw_notifier {
    pthread_mutex_t ctl_lock;      /* setters: fd changes, writers' start/stop */
    pthread_mutex_t lock;          /* leaf, never held across a write */
    pthread_cond_t settled;        /* with lock: a write or a drop happened */
    struct vfio_ccw_irq_writer w[VFIO_CCW_NUM_IRQS];
};

struct vfio_ccw_mdev {
    struct vfio_ccw_parent *parent;
    struct subchannel *sch;
    char uuid[37];

    pthread_mutex_t open_lock;
    bool open;                     /* written under open_lock; read atomically */
    bool removed;                  /* being removed: open fails */
    struct vfio_dma *dma;

    pthread_mutex_t io_mutex;
    enum vfio_ccw_state state;
    uint8_t io_region[CCW_IO_REGION_SIZE];
    uint8_t cmd_region[CCW_CMD_REGION_SIZE];
    uint8_t crw_region[CCW_CRW_REGION_SIZE];
    struct irb irb;                /* the interrupt being handled */
    struct channel_program *cp;    /* the program in progress (a reference), or NULL */
    uint8_t lpm;                   /* the driver's logical path mask (sch->lpm) */
    bool quiescing;                /* close waits for a clear: writers get -EAGAIN */
    pthread_cond_t irq_cond;       /* with io_mutex: an interrupt was handled */
    uint64_t irq_seq;
    bool want_here;                /* under io_mutex: this I/O request's writer runs its start */
    bool run_here;                 /* under io_mutex: ... and it was left to the writer */
    vfio_ccw_io_observer_fn io_observer;   /* under io_mutex */
    void *io_observer_opaque;

    pthread_mutex_t crw_lock;
    uint32_t crw[VFIO_CCW_CRW_MAX];
    unsigned crw_head, crw_n;

    struct vfio_ccw_notifier notifier;

    struct vfio_ccw_dirty dirty;
};

/* fsm.c */
typedef void (*fsm_func_t)(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev);
extern const fsm_func_t vfio_ccw_jumptable[NR_VFIO_CCW_STATES][NR_VFIO_CCW_EVENTS];
/* Fire an event (m->io_mutex held). */
void vfio_ccw_fsm_event(struct vfio_ccw_mdev *m, enum vfio_ccw_event ev);
const char *vfio_ccw_state_name(enum vfio_ccw_state s);
/* The subchannel's interrupt handler (css worker thread). */
void vfio_ccw_sch_irq(void *opaque, struct subchannel *sch);

/* notify.c: the eventfd writer (see there) */
void vfio_ccw_notifier_init(struct vfio_ccw_notifier *n);
int  vfio_ccw_notifier_set_fd(struct vfio_ccw_notifier *n, uint32_t index, int fd);
void vfio_ccw_notifier_raise(struct vfio_ccw_notifier *n, uint32_t index);
void vfio_ccw_notifier_release(struct vfio_ccw_notifier *n);
/* Tests only: wait until every raised interrupt is written (never on a VMM's eventfd). */
void vfio_ccw_notifier_settle(struct vfio_ccw_notifier *n);
void vfio_ccw_notifier_destroy(struct vfio_ccw_notifier *n);

/* ops.c */
/* Raise IRQ `index`: never blocks, any thread, any lock held. */
void vfio_ccw_signal(struct vfio_ccw_mdev *m, uint32_t index);
/* The I/O region changed (io_mutex held): tell its observer. */
void vfio_ccw_io_changed(struct vfio_ccw_mdev *m);
int  vfio_ccw_dma_unmap_cb(void *opaque, uint64_t iova, uint64_t size);

/* async.c: the async command region */
ssize_t vfio_ccw_async_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len);
ssize_t vfio_ccw_async_write(struct vfio_ccw_mdev *m, uint64_t off, const void *buf, size_t len);
ssize_t vfio_ccw_request_write(struct vfio_ccw_mdev *m, uint8_t *region, size_t ret_off, uint64_t off,
                               const void *buf, size_t len, enum vfio_ccw_event ev);

/* chp.c: the SCHIB and CRW regions, channel-path events */
ssize_t vfio_ccw_schib_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len);
ssize_t vfio_ccw_crw_read(struct vfio_ccw_mdev *m, uint64_t off, void *buf, size_t len);
void vfio_ccw_queue_crw(struct vfio_ccw_mdev *m, uint8_t rsc, uint8_t erc, uint16_t rsid);
void vfio_ccw_chp_event(void *opaque, struct subchannel *sch, uint8_t chpid, bool online);
void vfio_ccw_crw_flush(struct vfio_ccw_mdev *m);

/* dma.c: internal interface of the guest-memory map */
typedef int (*vfio_dma_unmap_fn)(void *opaque, uint64_t iova, uint64_t size);
int  vfio_dma_register_user(struct vfio_dma *dma, vfio_dma_unmap_fn fn, void *opaque);
void vfio_dma_unregister_user(struct vfio_dma *dma, void *opaque);

#endif
