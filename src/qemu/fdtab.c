/*
 * The emulated VFIO file descriptors.  Each container, group and device fd is
 * a real eventfd, so QEMU can poll, dup-check and close it like any fd; this
 * table says which VFIO object stands behind it.  Lookups from the hot path
 * (every pread/pwrite/ioctl in QEMU) are a single atomic load.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "qemu/adapter.h"

#define FDTAB_SIZE 65536

static _Atomic(void *) objs[FDTAB_SIZE];
static unsigned char types[FDTAB_SIZE];
static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void ccwq_lock(void)   { pthread_mutex_lock(&lock); }
void ccwq_unlock(void) { pthread_mutex_unlock(&lock); }

bool ccwq_fd_is_emulated(int fd)
{
    return fd >= 0 && fd < FDTAB_SIZE && atomic_load_explicit(&objs[fd], memory_order_acquire);
}

void *ccwq_fd_get(int fd, enum ccwq_obj_type type)
{
    if (!ccwq_fd_is_emulated(fd) || types[fd] != type)
        return NULL;
    return atomic_load_explicit(&objs[fd], memory_order_acquire);
}

int ccwq_fd_new(enum ccwq_obj_type type, void *obj)
{
    int fd = eventfd(0, EFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fd >= FDTAB_SIZE) {
        close(fd);
        return -EMFILE;
    }
    ccwq_lock();
    types[fd] = (unsigned char)type;
    atomic_store_explicit(&objs[fd], obj, memory_order_release);
    ccwq_unlock();
    return fd;
}

enum ccwq_obj_type ccwq_fd_forget(int fd, void **obj)
{
    enum ccwq_obj_type t = 0;
    if (fd < 0 || fd >= FDTAB_SIZE)
        return 0;
    ccwq_lock();
    *obj = atomic_exchange(&objs[fd], NULL);
    if (*obj)
        t = types[fd];
    types[fd] = 0;
    ccwq_unlock();
    return t;
}
