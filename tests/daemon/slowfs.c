// SPDX-License-Identifier: GPL-2.0-or-later
/* A FUSE file whose writes, reads and flushes wait at gates (see slowfs.h). */
#define FUSE_USE_VERSION 35
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "slowfs.h"

#define GUARD_S 20

struct slowfs {
    struct fuse *fuse;
    pthread_t thread;
    int fd;                  /* the backing file */
    char name[64];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct gate {
        bool open;
        unsigned waiting;    /* requests waiting at it */
    } wr, rd, fl;
};

static struct slowfs *me(void)
{
    return fuse_get_context()->private_data;
}

static bool is_file(const char *path)
{
    return path[0] == '/' && !strcmp(path + 1, me()->name);
}

static int sf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    (void)fi;
    if (!strcmp(path, "/")) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    if (!is_file(path))
        return -ENOENT;
    if (fstat(me()->fd, st) < 0)
        return -errno;
    st->st_mode = S_IFREG | 0644;
    return 0;
}

static int sf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)off, (void)fi, (void)flags;
    if (strcmp(path, "/"))
        return -ENOENT;
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    fill(buf, me()->name, NULL, 0, 0);
    return 0;
}

static int sf_open(const char *path, struct fuse_file_info *fi)
{
    if (!is_file(path))
        return -ENOENT;
    fi->direct_io = 1;   /* every write reaches us, none is cached */
    return 0;
}

/* Pass the gate: wait while it is closed, counted as waiting. */
static void pass(struct slowfs *fs, struct gate *g)
{
    pthread_mutex_lock(&fs->lock);
    if (!g->open) {
        g->waiting++;
        pthread_cond_broadcast(&fs->cond);
        while (!g->open)
            pthread_cond_wait(&fs->cond, &fs->lock);
        g->waiting--;
    }
    pthread_mutex_unlock(&fs->lock);
}

static int sf_read(const char *path, char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
    struct slowfs *fs = me();
    (void)path, (void)fi;
    pass(fs, &fs->rd);
    ssize_t r = pread(fs->fd, buf, n, off);
    return r < 0 ? -errno : (int)r;
}

static int sf_write(const char *path, const char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
    struct slowfs *fs = me();
    (void)path, (void)fi;
    pass(fs, &fs->wr);
    ssize_t r = pwrite(fs->fd, buf, n, off);
    return r < 0 ? -errno : (int)r;
}

static int sf_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    (void)fi;
    if (!is_file(path))
        return -ENOENT;
    return ftruncate(me()->fd, size) < 0 ? -errno : 0;
}

/* FLUSH: sent by every close() of the file, by whichever process closes it. */
static int sf_flush(const char *path, struct fuse_file_info *fi)
{
    struct slowfs *fs = me();
    (void)path, (void)fi;
    pass(fs, &fs->fl);
    return 0;
}

static int sf_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path, (void)datasync, (void)fi;
    return 0;
}

static const struct fuse_operations ops = {
    .getattr = sf_getattr, .readdir = sf_readdir, .open = sf_open, .read = sf_read,
    .write = sf_write, .truncate = sf_truncate, .fsync = sf_fsync, .flush = sf_flush,
};

static void *serve(void *arg)
{
    struct slowfs *fs = arg;
    struct fuse_loop_config cfg = { .clone_fd = 0, .max_idle_threads = 4 };

    fuse_loop_mt(fs->fuse, &cfg);
    return NULL;
}

struct slowfs *slowfs_mount(const char *mnt, const char *name, const char *backing)
{
    char *argv[] = { "slowfs", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(1, argv);
    struct slowfs *fs = calloc(1, sizeof *fs);

    if (!fs)
        return NULL;
    fs->fd = open(backing, O_RDWR | O_CLOEXEC);
    snprintf(fs->name, sizeof fs->name, "%s", name);
    fs->wr.open = fs->rd.open = fs->fl.open = true;
    pthread_mutex_init(&fs->lock, NULL);
    pthread_cond_init(&fs->cond, NULL);
    if (fs->fd >= 0)
        fs->fuse = fuse_new(&args, &ops, sizeof ops, fs);
    fuse_opt_free_args(&args);
    if (!fs->fuse || fuse_mount(fs->fuse, mnt) || pthread_create(&fs->thread, NULL, serve, fs)) {
        if (fs->fuse)
            fuse_destroy(fs->fuse);
        if (fs->fd >= 0)
            close(fs->fd);
        free(fs);
        return NULL;
    }
    return fs;
}

static void set_gate(struct slowfs *fs, struct gate *g, bool open)
{
    pthread_mutex_lock(&fs->lock);
    g->open = open;
    pthread_cond_broadcast(&fs->cond);
    pthread_mutex_unlock(&fs->lock);
}

void slowfs_gate(struct slowfs *fs, bool open)
{
    set_gate(fs, &fs->wr, open);
}

void slowfs_gate_reads(struct slowfs *fs, bool open)
{
    set_gate(fs, &fs->rd, open);
}

static int wait_at(struct slowfs *fs, struct gate *g)
{
    struct timespec until;
    bool waiting;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += GUARD_S;
    pthread_mutex_lock(&fs->lock);
    while (!g->waiting && rc == 0)
        rc = pthread_cond_timedwait(&fs->cond, &fs->lock, &until);
    waiting = g->waiting > 0;
    pthread_mutex_unlock(&fs->lock);
    return waiting ? 0 : -1;
}

int slowfs_wait_writer(struct slowfs *fs)
{
    return wait_at(fs, &fs->wr);
}

int slowfs_wait_reader(struct slowfs *fs)
{
    return wait_at(fs, &fs->rd);
}

void slowfs_gate_flushes(struct slowfs *fs, bool open)
{
    set_gate(fs, &fs->fl, open);
}

int slowfs_wait_flusher(struct slowfs *fs)
{
    return wait_at(fs, &fs->fl);
}

void slowfs_unmount(struct slowfs *fs)
{
    if (!fs)
        return;
    slowfs_gate(fs, true);
    slowfs_gate_reads(fs, true);
    slowfs_gate_flushes(fs, true);
    fuse_exit(fs->fuse);
    fuse_unmount(fs->fuse);
    pthread_join(fs->thread, NULL);
    fuse_destroy(fs->fuse);
    close(fs->fd);
    pthread_cond_destroy(&fs->cond);
    pthread_mutex_destroy(&fs->lock);
    free(fs);
}
