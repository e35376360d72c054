// SPDX-License-Identifier: GPL-2.0-or-later
/* The reserve arbiter of a shared RBD image (src/img/reserve_rbd.h) on the
 * test cluster ($CEPH_CONF, started by with_cluster.sh): two hosts agree on
 * one holder through RBD's advisory lock; Release frees it, a steal breaks
 * it; a holder process SIGKILLed while it holds the lock leaves it held
 * until a steal; a steal that sends no header-update notification is still
 * seen by the former holder; an image with the exclusive-lock feature is
 * refused (with it an advisory lock hangs other writers). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <rados/librados.h>
#include <rbd/librbd.h>
#include "img/reserve_rbd.h"
#include "reserve_tu.h"

#define POOL "rbd"
#define SIZE (16ull << 20)
#define ID_A "hosta:1:0000000a"
#define ID_B "hostb:2:0000000b"
#define LOCK_NAME "rbd_lock"      /* librbd's advisory lock of an image header */
#define LIST_BUF 1024

static char err[512];

static int connect_pool(rados_t *cl, rados_ioctx_t *io)
{
    const char *conf = getenv("CEPH_CONF");

    if (!conf || rados_create(cl, NULL) < 0)
        return -1;
    if (rados_conf_read_file(*cl, conf) < 0 || rados_connect(*cl) < 0) {
        rados_shutdown(*cl);
        return -1;
    }
    if (rados_ioctx_create(*cl, POOL, io) < 0) {
        rados_shutdown(*cl);
        return -1;
    }
    return 0;
}

struct fx {
    rados_t cl;
    rados_ioctx_t io;
};

static int setup(void **state)
{
    static struct fx f;

    if (connect_pool(&f.cl, &f.io))
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    rados_ioctx_destroy(f->io);
    rados_shutdown(f->cl);
    return 0;
}

/* A shared image: layering only, no exclusive-lock. */
static void make_image(struct fx *f, const char *name, uint64_t features)
{
    int order = 0;

    rbd_remove(f->io, name);
    assert_int_equal(rbd_create2(f->io, name, SIZE, features, &order), 0);
}

static struct reserve *open_as(struct fx *f, const char *name, const char *id)
{
    return tu_reserve_opened(reserve_open_rbd(f->io, name, id, err, sizeof err), err);
}

static void test_one_holder_and_steal(void **s)
{
    struct fx *f = *s;
    char holder[RESERVE_ID_MAX];

    make_image(f, "shared1", RBD_FEATURE_LAYERING);
    struct reserve *a = open_as(f, "shared1", ID_A), *b = open_as(f, "shared1", ID_B);
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_NONE);
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(tu_reserve_state(b, holder, sizeof holder), RESERVE_OTHER);
    assert_string_equal(holder, ID_A);
    assert_int_equal(reserve_acquire(b), -EBUSY);
    assert_int_equal(reserve_release(b), 0);          /* not b's */
    assert_true(reserve_held(a));
    assert_int_equal(reserve_release(a), 0);
    assert_int_equal(tu_reserve_state(b, NULL, 0), RESERVE_NONE);
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(reserve_steal(b), 0);            /* b breaks a's lock */
    assert_false(reserve_held(a));
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_OTHER);
    assert_true(reserve_held(b));
    assert_int_equal(reserve_release(b), 0);
    reserve_close(a);
    reserve_close(b);
}

/* Another host steals the reserve without librbd, so no header-update
 * notification reaches the holder's image handle: the holder must still see
 * that it lost the reserve (it asks the OSD, not librbd's cached header). */
static void test_unannounced_steal_seen_by_holder(void **s)
{
    struct fx *f = *s;
    char id[64], header[128], holder[RESERVE_ID_MAX];
    char tag[LIST_BUF], clients[LIST_BUF], cookies[LIST_BUF], addrs[LIST_BUF];
    size_t tl = sizeof tag, cl = sizeof clients, kl = sizeof cookies, al = sizeof addrs;
    int excl = 0;
    rbd_image_t img;

    make_image(f, "shared4", RBD_FEATURE_LAYERING);
    assert_int_equal(rbd_open(f->io, "shared4", &img, NULL), 0);
    assert_int_equal(rbd_get_id(img, id, sizeof id), 0);
    rbd_close(img);
    snprintf(header, sizeof header, "rbd_header.%s", id);
    struct reserve *a = open_as(f, "shared4", ID_A);
    assert_int_equal(reserve_acquire(a), 0);
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_SELF);
    assert_int_equal(rados_list_lockers(f->io, header, LOCK_NAME, &excl, tag, &tl, clients, &cl, cookies, &kl,
                                        addrs, &al), 1);
    assert_int_equal(rados_break_lock(f->io, header, LOCK_NAME, clients, ID_A), 0);
    assert_int_equal(rados_lock_exclusive(f->io, header, LOCK_NAME, ID_B, "", NULL, 0), 0);
    assert_int_equal(tu_reserve_state(a, holder, sizeof holder), RESERVE_OTHER);
    assert_string_equal(holder, ID_B);
    assert_int_equal(reserve_acquire(a), -EBUSY);
    assert_int_equal(rados_unlock(f->io, header, LOCK_NAME, ID_B), 0);
    assert_int_equal(tu_reserve_state(a, NULL, 0), RESERVE_NONE);
    reserve_close(a);
}

/* Another process (its own client) takes the lock and is SIGKILLed. */
static void test_killed_holder_broken_by_steal(void **s)
{
    struct fx *f = *s;
    int pfd[2], status;
    char c = 0;

    make_image(f, "shared2", RBD_FEATURE_LAYERING);
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        rados_t cl;
        rados_ioctx_t io;
        struct reserve *a = NULL;
        char ok = 0;

        if (connect_pool(&cl, &io) == 0)
            a = reserve_open_rbd(io, "shared2", ID_A, err, sizeof err);
        if (a)
            ok = reserve_acquire(a) == 0;
        if (write(pfd[1], &ok, 1) != 1)
            _exit(1);
        pause();                /* holds it until killed */
        _exit(0);
    }
    close(pfd[1]);
    assert_int_equal(read(pfd[0], &c, 1), 1);
    assert_int_equal(c, 1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(pfd[0]);
    struct reserve *b = open_as(f, "shared2", ID_B);
    char holder[RESERVE_ID_MAX];
    assert_int_equal(tu_reserve_state(b, holder, sizeof holder), RESERVE_OTHER);   /* the dead host still holds it */
    assert_string_equal(holder, ID_A);
    assert_int_equal(reserve_acquire(b), -EBUSY);
    assert_int_equal(reserve_steal(b), 0);
    assert_true(reserve_held(b));
    reserve_close(b);
}

static void test_exclusive_lock_image_refused(void **s)
{
    struct fx *f = *s;

    make_image(f, "unshared", RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK);
    assert_null(reserve_open_rbd(f->io, "unshared", ID_A, err, sizeof err));
    assert_non_null(strstr(err, "rbd image unshared has the exclusive-lock feature"));
    assert_null(reserve_open_rbd(f->io, "missing", ID_A, err, sizeof err));
    assert_non_null(strstr(err, "rbd image missing: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_holder_and_steal),
        cmocka_unit_test(test_killed_holder_broken_by_steal),
        cmocka_unit_test(test_unannounced_steal_seen_by_holder),
        cmocka_unit_test(test_exclusive_lock_image_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
