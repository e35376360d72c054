// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mdev's interrupt notifier: the only place the driver writes the
 * eventfds a VMM passed with SET_IRQS (where the kernel's vfio_ccw calls
 * eventfd_signal on the trigger that vfio_ccw_mdev_set_irqs stored).
 *
 * Why threads of its own: our dup of a VMM's eventfd shares the VMM's open
 * file description, O_NONBLOCK included.  A VMM that clears O_NONBLOCK and
 * fills the counter (0xfffffffffffffffe) makes a write of 1 block until it
 * reads -- the kernel's eventfd_signal never blocks, a userspace write can,
 * and setting O_NONBLOCK before each write would race with the VMM.  So
 * raising an interrupt only counts it pending and wakes that index's writer
 * thread, under a short lock nobody holds across a write; the writer adds
 * what is pending to the eventfd in one write (an eventfd is a counter the
 * VMM drains: it sees one per interrupt, as from the kernel).  One writer
 * per index: a write that blocks holds up only that eventfd of that VMM --
 * not the event loop, not the subchannel's worker, not the VMM's other
 * interrupts.
 *
 * A writer exists while its index has an fd.  Replacing or de-assigning the
 * fd (SET_IRQS, close, remove) stops the writer: if it is inside write() it
 * is cancelled there (write() is a cancellation point, and cancellation is
 * enabled around it and nowhere else, so the writer holds no lock when it
 * ends), and the fd is closed only after the writer is joined.
 *
 * Locks: ctl_lock serialises the setters (set_fd, release, destroy) and the
 * writers' start and stop; lock (a leaf: raise takes it under any of the
 * mdev's locks) guards fd, pending, stop and writing of every index; the
 * settled condition (with lock) tells the in-process tests when every raised
 * interrupt has been written.
 */
#include <errno.h>
#include <unistd.h>
#include "vfio/private.h"

#define NO_FD (-1)

/**
 * vfio_ccw_notifier_init() - a notifier with no eventfds and no threads
 * @n: the mdev's notifier
 */
void vfio_ccw_notifier_init(struct vfio_ccw_notifier *n)
{
    pthread_mutex_init(&n->ctl_lock, NULL);
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->settled, NULL);
    for (unsigned i = 0; i < VFIO_CCW_NUM_IRQS; i++) {
        struct vfio_ccw_irq_writer *w = &n->w[i];
        w->n = n;
        w->fd = NO_FD;
        pthread_cond_init(&w->wake, NULL);
    }
}

static void *writer_thread(void *arg)
{
    struct vfio_ccw_irq_writer *w = arg;
    struct vfio_ccw_notifier *n = w->n;

    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    pthread_mutex_lock(&n->lock);
    while (!w->stop) {
        uint64_t count;
        ssize_t r;

        if (!w->pending) {
            pthread_cond_wait(&w->wake, &n->lock);
            continue;
        }
        count = w->pending;
        w->pending = 0;
        w->writing = true;
        pthread_mutex_unlock(&n->lock);
        /* the only cancellation point: the setter that stops us ends a write that blocks */
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
        r = write(w->fd, &count, sizeof(count));
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
        (void)r;   /* EAGAIN: the counter is full, the VMM has interrupts to read */
        pthread_mutex_lock(&n->lock);
        w->writing = false;
        pthread_cond_broadcast(&n->settled);
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

/* With ctl_lock: the writer of an index that has an fd runs (what was
 * raised since the fd was assigned is written at once). */
static int start_locked(struct vfio_ccw_irq_writer *w)
{
    if (w->running || w->fd == NO_FD)
        return 0;
    pthread_mutex_lock(&w->n->lock);
    w->stop = false;
    pthread_mutex_unlock(&w->n->lock);
    if (pthread_create(&w->thread, NULL, writer_thread, w))
        return -EAGAIN;
    w->running = true;
    return 0;
}

/* With ctl_lock: the writer is gone (a write it was blocked in, cancelled). */
static void stop_locked(struct vfio_ccw_irq_writer *w)
{
    struct vfio_ccw_notifier *n = w->n;

    if (!w->running)
        return;
    pthread_mutex_lock(&n->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    if (w->writing)
        pthread_cancel(w->thread);   /* takes effect only inside write(), where it holds no lock */
    pthread_mutex_unlock(&n->lock);
    pthread_join(w->thread, NULL);
    w->running = false;
    pthread_mutex_lock(&n->lock);
    w->writing = false;   /* if it was cancelled in its write */
    pthread_mutex_unlock(&n->lock);
}

/* With ctl_lock: the writer stopped, then `fd` in place of the old fd,
 * which is closed. */
static void swap_locked(struct vfio_ccw_irq_writer *w, int fd)
{
    struct vfio_ccw_notifier *n = w->n;
    int old;

    stop_locked(w);
    pthread_mutex_lock(&n->lock);
    old = w->fd;
    w->fd = fd;
    w->pending = 0;   /* what was pending was meant for the old fd */
    pthread_cond_broadcast(&n->settled);
    pthread_mutex_unlock(&n->lock);
    if (old != NO_FD)
        close(old);
}

/**
 * vfio_ccw_notifier_set_fd() - assign the eventfd of one IRQ index
 * @n: the mdev's notifier
 * @index: VFIO_CCW_*_IRQ_INDEX (checked by the caller)
 * @fd: an fd the notifier owns from now on (it closes it), or -1 to de-assign
 *
 * The index's writer is stopped (a write blocked on the previous fd is
 * cancelled), the previous fd closed, and a writer started for the new one.
 * A signal still pending for the index is dropped.  Never waits on the VMM.
 *
 * Return: 0, or -EAGAIN if no thread could be started (the index then has
 * no fd; @fd is closed).
 */
int vfio_ccw_notifier_set_fd(struct vfio_ccw_notifier *n, uint32_t index, int fd)
{
    struct vfio_ccw_irq_writer *w = &n->w[index];
    int ret;

    pthread_mutex_lock(&n->ctl_lock);
    swap_locked(w, fd);
    ret = start_locked(w);
    if (ret)
        swap_locked(w, NO_FD);
    pthread_mutex_unlock(&n->ctl_lock);
    return ret;
}

/**
 * vfio_ccw_notifier_raise() - signal an IRQ index's eventfd, without waiting
 * @n: the mdev's notifier
 * @index: VFIO_CCW_*_IRQ_INDEX (checked by the caller)
 *
 * Counts one more interrupt pending and wakes its writer, which adds it to
 * the eventfd.  Callable from any thread with any of the mdev's locks held: it
 * takes only the notifier's leaf lock, never held across a write.  Nothing
 * happens while the index has no fd.
 */
void vfio_ccw_notifier_raise(struct vfio_ccw_notifier *n, uint32_t index)
{
    struct vfio_ccw_irq_writer *w = &n->w[index];

    pthread_mutex_lock(&n->lock);
    if (w->fd != NO_FD) {
        w->pending++;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&n->lock);
}

static bool settled(const struct vfio_ccw_notifier *n)
{
    for (unsigned i = 0; i < VFIO_CCW_NUM_IRQS; i++)
        if (n->w[i].pending || n->w[i].writing)
            return false;
    return true;
}

/**
 * vfio_ccw_notifier_settle() - wait until what was raised has been written
 * @n: the mdev's notifier
 *
 * For the in-process tests, which check an eventfd right after the event
 * that raises it.  Waits for the writers: only for eventfds whose writes
 * cannot block (the tests' own, O_NONBLOCK); never call it on a VMM's.
 */
void vfio_ccw_notifier_settle(struct vfio_ccw_notifier *n)
{
    pthread_mutex_lock(&n->lock);
    while (!settled(n))
        pthread_cond_wait(&n->settled, &n->lock);
    pthread_mutex_unlock(&n->lock);
}

/**
 * vfio_ccw_notifier_release() - de-assign every eventfd (mdev close)
 * @n: the mdev's notifier
 *
 * Stops the writers (cancelling writes that block), closes the fds and
 * drops what is pending; returns promptly whatever the VMM did to its
 * eventfds.
 */
void vfio_ccw_notifier_release(struct vfio_ccw_notifier *n)
{
    pthread_mutex_lock(&n->ctl_lock);
    for (unsigned i = 0; i < VFIO_CCW_NUM_IRQS; i++)
        swap_locked(&n->w[i], NO_FD);
    pthread_mutex_unlock(&n->ctl_lock);
}

/**
 * vfio_ccw_notifier_destroy() - release, then free the notifier's locks
 * @n: the mdev's notifier (not used again)
 */
void vfio_ccw_notifier_destroy(struct vfio_ccw_notifier *n)
{
    vfio_ccw_notifier_release(n);
    for (unsigned i = 0; i < VFIO_CCW_NUM_IRQS; i++)
        pthread_cond_destroy(&n->w[i].wake);
    pthread_cond_destroy(&n->settled);
    pthread_mutex_destroy(&n->lock);
    pthread_mutex_destroy(&n->ctl_lock);
}
