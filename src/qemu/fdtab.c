// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The emulated VFIO file descriptors.  Each container, group and device fd is
 * a real file (an empty memfd), so QEMU can close it like any fd; this table
 * says which VFIO object stands behind it.  Lookups from the hot path (every
 * pread/pwrite/ioctl/close in QEMU) are a single atomic load.
 *
 * Each entry also remembers its memfd's inode: should the fd ever be closed
 * behind the adapter's back (a path that does not go through close()) and its
 * number reused for a real file, the mismatch is noticed and the entry
 * dropped instead of routing that file's I/O to the emulation.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "qemu/adapter.h"

#define FDTAB_SIZE 65536

static _Atomic(void *) objs[FDTAB_SIZE];
static unsigned char types[FDTAB_SIZE];
static ino_t inodes[FDTAB_SIZE];
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

bool ccwq_fd_inode_matches(int fd)
{
    struct stat st;
    return !fstat(fd, &st) && st.st_ino == inodes[fd];
}

int ccwq_fd_new(enum ccwq_obj_type type, void *obj)
{
    static const char *const names[] = { "", "vfio-container", "vfio-group", "vfio-ccw-device" };
    struct stat st;
    int fd = memfd_create(names[type], MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fd >= FDTAB_SIZE || fstat(fd, &st)) {
        close(fd);
        return -EMFILE;
    }
    ccwq_lock();
    types[fd] = (unsigned char)type;
    inodes[fd] = st.st_ino;
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
