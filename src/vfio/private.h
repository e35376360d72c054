/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the vfio_ccw driver (Linux vfio_ccw_private.h): the parent
 * (a subchannel bound to vfio_ccw), the mdev with its regions, IRQ eventfds
 * and FSM state, and the internal interfaces between drv.c, ops.c, fsm.c,
 * async.c, chp.c, dma.c, dirty.c and cp.c.
 *
 * Locking: m->open_lock serialises open/close/reset; m->io_mutex guards the
 * regions, the FSM state and the channel program (region writes take it with
 * trylock → -EAGAIN, like the kernel) and the interrupt sequence number a
 * quiescing close waits on (irq_cond, with io_mutex); m->crw_lock guards the
 * CRW list; m->irq_lock the eventfds.  Order: open_lock → dma users →
 * io_mutex → crw_lock / irq_lock.
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

    pthread_mutex_t irq_lock;
    int irq_fd[VFIO_CCW_NUM_IRQS];

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

/* ops.c */
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
