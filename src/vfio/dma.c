// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest-memory map of one VMM (what VFIO_IOMMU_MAP_DMA established on the
 * kernel's type1 IOMMU): guest IOVA ranges → host memory that the daemon
 * mmapped from the VMM's memory fd.  Reads for the translator (the kernel's
 * vfio_dma_rw) and pins of data areas (vfio_pin_pages) go through here and
 * nowhere else.  An unmap first lets every registered device drop pins in the
 * range (the kernel's dma_unmap callback resets such a device) and refuses to
 * remove a mapping that is still pinned, so the daemon can munmap safely.
 *
 * Maps are kept sorted by IOVA (lookups are a binary search) and bounded by
 * VFIO_DMA_MAX_MAPS.  The object lives as long as its owner or any pin: when
 * the owner lets go (vfio_dma_free) while a program still pins pages, the
 * pinned mappings stay until the last unpin, which releases them.
 *
 * A bus error (SIGBUS) while touching guest memory — the file behind it was
 * cut short, or a hugetlbfs page could not be allocated — is absorbed by a
 * process-wide handler: the whole mapping is replaced by anonymous zero pages,
 * marked poisoned and never read or pinned again, so the copy in progress ends
 * harmlessly and its request can be failed (vfio_dma_faults, vfio_dma_poisoned).
 * A SIGBUS anywhere else keeps its default action.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vfio/private.h"

#define DMA_INITIAL_SLOTS 8
#define DMA_INITIAL_USERS 4
#define GUARD_INITIAL_SLOTS 64

struct dma_map {
    uint64_t iova, size;
    uint8_t *host;
    bool writable;
    unsigned pins;
    atomic_bool poisoned;          /* set by the SIGBUS handler */
};

struct dma_user {
    vfio_dma_unmap_fn fn;
    void *opaque;
};

struct vfio_dma {
    pthread_mutex_t lock;          /* the maps, their pin counts, owned/pins */
    struct dma_map **map;          /* sorted by iova, no overlaps */
    unsigned n, cap;
    bool owned;                    /* vfio_dma_free not called yet */
    unsigned long pins;            /* outstanding pins over all maps */
    vfio_dma_release_fn release;
    atomic_uint faults;            /* bus errors absorbed on this map's memory */
    pthread_mutex_t users_lock;    /* held across unmap callbacks */
    struct dma_user *user;
    unsigned nuser, ucap;
    vfio_dma_read_hook hook;
    void *hook_opaque;
};

/* ---- the SIGBUS guard: every host range of every map, for the handler ------ */

struct guard_entry {
    uintptr_t lo, hi;              /* [lo, hi) host addresses */
    int prot;
    struct dma_map *map;
    struct vfio_dma *dma;
};

/*
 * The handler cannot take a mutex (the faulting thread may hold any), so the
 * table has a spinlock that the handler also takes.  Writers never touch
 * guest memory while holding it, so a SIGBUS never arrives on a thread that
 * holds it, and the handler's spin always ends.
 */
static atomic_flag guard_busy = ATOMIC_FLAG_INIT;
static struct guard_entry *guard_tab;
static unsigned guard_n, guard_cap;

static const char guard_msg[] =
    "ccwpass: bus error on guest memory (its file shrank or could not be backed); "
    "the mapping now reads as zeros and is refused from here on\n";

static void guard_lock(void)
{
    while (atomic_flag_test_and_set_explicit(&guard_busy, memory_order_acquire))
        ;
}

static void guard_unlock(void)
{
    atomic_flag_clear_explicit(&guard_busy, memory_order_release);
}

/* Index of the first entry with lo > addr (guard_lock held). */
static unsigned guard_upper(uintptr_t addr)
{
    unsigned lo = 0, hi = guard_n;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (guard_tab[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int guard_add(struct vfio_dma *dma, struct dma_map *m)
{
    struct guard_entry e = { (uintptr_t)m->host, (uintptr_t)m->host + m->size,
                             PROT_READ | (m->writable ? PROT_WRITE : 0), m, dma };
    int rc = 0;

    guard_lock();
    if (guard_n == guard_cap) {
        unsigned cap = guard_cap ? guard_cap * 2 : GUARD_INITIAL_SLOTS;
        struct guard_entry *t = realloc(guard_tab, cap * sizeof(*t));
        if (t) {
            guard_tab = t;
            guard_cap = cap;
        } else {
            rc = -ENOMEM;
        }
    }
    if (!rc) {
        unsigned i = guard_upper(e.lo);
        memmove(&guard_tab[i + 1], &guard_tab[i], (guard_n - i) * sizeof(*guard_tab));
        guard_tab[i] = e;
        guard_n++;
    }
    guard_unlock();
    return rc;
}

static void guard_remove(struct dma_map *m)
{
    guard_lock();
    unsigned i = guard_upper((uintptr_t)m->host);
    /* host ranges of different maps may coincide (one buffer mapped twice) */
    while (i > 0 && guard_tab[i - 1].lo == (uintptr_t)m->host && guard_tab[i - 1].map != m)
        i--;
    if (i > 0 && guard_tab[i - 1].map == m) {
        memmove(&guard_tab[i - 1], &guard_tab[i], (guard_n - i) * sizeof(*guard_tab));
        guard_n--;
    }
    guard_unlock();
}

/* Replace the faulting mapping by zero pages; false if addr is not guest memory. */
static bool guard_absorb(uintptr_t addr)
{
    bool absorbed = false;

    guard_lock();
    for (unsigned i = guard_upper(addr); i > 0 && !absorbed; i--) {
        struct guard_entry *e = &guard_tab[i - 1];
        if (addr >= e->hi)
            continue;
        void *p = mmap((void *)e->lo, e->hi - e->lo, e->prot, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (p == MAP_FAILED)
            break;
        atomic_store(&e->map->poisoned, true);
        atomic_fetch_add(&e->dma->faults, 1);
        absorbed = true;
    }
    guard_unlock();
    return absorbed;
}

static void guard_sigbus(int sig, siginfo_t *si, void *uctx)
{
    (void)uctx;
    /* si_code > 0: raised by the kernel for this access, not sent by kill */
    if (si->si_code > 0 && guard_absorb((uintptr_t)si->si_addr)) {
        ssize_t r = write(STDERR_FILENO, guard_msg, sizeof(guard_msg) - 1);
        (void)r;
        return;   /* the access is retried and now meets the zero pages */
    }
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    if (si->si_code <= 0)
        raise(sig);   /* delivered with the default action once we return */
    /* a real fault simply happens again, now with the default action */
}

/* Install the handler unless it is in place (a test framework may have
 * replaced it between tests). */
static void guard_install(void)
{
    struct sigaction cur, sa = { .sa_sigaction = guard_sigbus, .sa_flags = SA_SIGINFO };

    if (sigaction(SIGBUS, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == guard_sigbus)
        return;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* ---- the map ------------------------------------------------------------------- */

struct vfio_dma *vfio_dma_new(void)
{
    struct vfio_dma *dma = calloc(1, sizeof(*dma));

    if (!dma)
        return NULL;
    pthread_mutex_init(&dma->lock, NULL);
    pthread_mutex_init(&dma->users_lock, NULL);
    dma->owned = true;
    guard_install();
    return dma;
}

void vfio_dma_set_release(struct vfio_dma *dma, vfio_dma_release_fn fn)
{
    pthread_mutex_lock(&dma->lock);
    dma->release = fn;
    pthread_mutex_unlock(&dma->lock);
}

/* Forget a map: out of the guard table, then its memory goes back. */
static void release_map(struct vfio_dma *dma, struct dma_map *m)
{
    guard_remove(m);
    if (dma->release)
        dma->release(m->host, m->size);
    free(m);
}

static void destroy(struct vfio_dma *dma)
{
    pthread_mutex_destroy(&dma->lock);
    pthread_mutex_destroy(&dma->users_lock);
    free(dma->map);
    free(dma->user);
    free(dma);
}

/* Drop map i from the sorted array (lock held); the caller releases it. */
static struct dma_map *take_locked(struct vfio_dma *dma, unsigned i)
{
    struct dma_map *m = dma->map[i];

    memmove(&dma->map[i], &dma->map[i + 1], (dma->n - i - 1) * sizeof(*dma->map));
    dma->n--;
    return m;
}

unsigned vfio_dma_free(struct vfio_dma *dma)
{
    unsigned kept = 0;
    bool gone;

    if (!dma)
        return 0;
    pthread_mutex_lock(&dma->lock);
    dma->owned = false;
    for (unsigned i = dma->n; i-- > 0;) {
        if (dma->map[i]->pins)
            kept++;
        else
            release_map(dma, take_locked(dma, i));
    }
    gone = dma->pins == 0;
    pthread_mutex_unlock(&dma->lock);
    if (gone)
        destroy(dma);
    return kept;
}

/* Index of the first map with iova > addr (lock held). */
static unsigned upper_locked(struct vfio_dma *dma, uint64_t addr)
{
    unsigned lo = 0, hi = dma->n;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (dma->map[mid]->iova <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The map holding iova, poisoned or not (lock held). */
static struct dma_map *find_locked(struct vfio_dma *dma, uint64_t iova)
{
    unsigned i = upper_locked(dma, iova);

    if (i == 0)
        return NULL;
    struct dma_map *m = dma->map[i - 1];
    return iova - m->iova < m->size ? m : NULL;
}

/* A map the translator may use: owned, holding iova, not poisoned. */
static struct dma_map *usable_locked(struct vfio_dma *dma, uint64_t iova)
{
    struct dma_map *m = dma->owned ? find_locked(dma, iova) : NULL;

    return m && !atomic_load(&m->poisoned) ? m : NULL;
}

static bool overlaps_locked(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    unsigned i = upper_locked(dma, iova);

    if (i > 0 && iova - dma->map[i - 1]->iova < dma->map[i - 1]->size)
        return true;
    return i < dma->n && dma->map[i]->iova < iova + size;
}

int vfio_dma_map(struct vfio_dma *dma, uint64_t iova, uint64_t size, void *host, bool writable)
{
    struct dma_map *m;
    int rc = 0;

    if (!dma || !host || !size || (iova | size) % VFIO_DMA_PAGE || iova + size < iova)
        return -EINVAL;
    m = calloc(1, sizeof(*m));
    if (!m)
        return -ENOMEM;
    *m = (struct dma_map){ .iova = iova, .size = size, .host = host, .writable = writable };
    pthread_mutex_lock(&dma->lock);
    if (!dma->owned) {
        rc = -EINVAL;
    } else if (overlaps_locked(dma, iova, size)) {
        rc = -EEXIST;
    } else if (dma->n >= VFIO_DMA_MAX_MAPS) {
        rc = -ENOSPC;
    } else if (dma->n == dma->cap) {
        unsigned cap = dma->cap ? dma->cap * 2 : DMA_INITIAL_SLOTS;
        struct dma_map **t = realloc(dma->map, cap * sizeof(*t));
        if (!t) {
            rc = -ENOMEM;
        } else {
            dma->map = t;
            dma->cap = cap;
        }
    }
    if (!rc)
        rc = guard_add(dma, m);
    if (!rc) {
        unsigned i = upper_locked(dma, iova);
        memmove(&dma->map[i + 1], &dma->map[i], (dma->n - i) * sizeof(*dma->map));
        dma->map[i] = m;
        dma->n++;
    }
    pthread_mutex_unlock(&dma->lock);
    if (rc)
        free(m);
    return rc;
}

static int exact_index_locked(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    unsigned i = upper_locked(dma, iova);

    if (i > 0 && dma->map[i - 1]->iova == iova && dma->map[i - 1]->size == size)
        return (int)(i - 1);
    return -1;
}

static void notify_users(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    pthread_mutex_lock(&dma->users_lock);
    for (unsigned i = 0; i < dma->nuser; i++)
        dma->user[i].fn(dma->user[i].opaque, iova, size);
    pthread_mutex_unlock(&dma->users_lock);
}

int vfio_dma_unmap(struct vfio_dma *dma, uint64_t iova, uint64_t size)
{
    int idx, rc = 0;

    if (!dma)
        return -EINVAL;
    pthread_mutex_lock(&dma->lock);
    idx = dma->owned ? exact_index_locked(dma, iova, size) : -1;
    pthread_mutex_unlock(&dma->lock);
    if (idx < 0)
        return -EINVAL;
    notify_users(dma, iova, size);
    pthread_mutex_lock(&dma->lock);
    idx = exact_index_locked(dma, iova, size);
    if (idx < 0)
        rc = -EINVAL;
    else if (dma->map[idx]->pins)
        rc = -EBUSY;
    else
        release_map(dma, take_locked(dma, (unsigned)idx));
    pthread_mutex_unlock(&dma->lock);
    return rc;
}

uint64_t vfio_dma_read_prefix(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len)
{
    uint64_t done = 0;

    pthread_mutex_lock(&dma->lock);
    while (done < len) {
        struct dma_map *m = usable_locked(dma, iova + done);
        uint64_t off, n;
        if (!m || iova + done < iova)
            break;
        off = iova + done - m->iova;
        n = m->size - off;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)buf + done, m->host + off, n);
        if (atomic_load(&m->poisoned))
            break;   /* what was copied is zeros, not guest memory */
        done += n;
    }
    pthread_mutex_unlock(&dma->lock);
    if (dma->hook && done)
        dma->hook(dma->hook_opaque, iova, done);
    return done;
}

int vfio_dma_read(struct vfio_dma *dma, uint64_t iova, void *buf, uint64_t len)
{
    unsigned faults = vfio_dma_faults(dma);

    if (vfio_dma_read_prefix(dma, iova, buf, len) == len)
        return 0;
    return vfio_dma_faults(dma) != faults || vfio_dma_poisoned(dma, iova, len) ? -EFAULT : -EINVAL;
}

int vfio_dma_pin(struct vfio_dma *dma, uint64_t iova, uint64_t len, uint8_t **host, bool *writable)
{
    struct dma_map *m;
    int rc = -EINVAL;

    pthread_mutex_lock(&dma->lock);
    m = usable_locked(dma, iova);
    if (m && len <= m->size - (iova - m->iova)) {
        m->pins++;
        dma->pins++;
        *host = m->host + (iova - m->iova);
        *writable = m->writable;
        rc = 0;
    }
    pthread_mutex_unlock(&dma->lock);
    return rc;
}

void vfio_dma_unpin(struct vfio_dma *dma, uint64_t iova)
{
    struct dma_map *m;
    bool gone = false;

    pthread_mutex_lock(&dma->lock);
    m = find_locked(dma, iova);
    if (m && m->pins) {
        m->pins--;
        dma->pins--;
        if (!dma->owned && !m->pins)
            release_map(dma, take_locked(dma, upper_locked(dma, m->iova) - 1));
        gone = !dma->owned && !dma->pins;
    }
    pthread_mutex_unlock(&dma->lock);
    if (gone)
        destroy(dma);
}

unsigned vfio_dma_count(struct vfio_dma *dma)
{
    pthread_mutex_lock(&dma->lock);
    unsigned n = dma->owned ? dma->n : 0;
    pthread_mutex_unlock(&dma->lock);
    return n;
}

unsigned vfio_dma_faults(struct vfio_dma *dma)
{
    return atomic_load(&dma->faults);
}

bool vfio_dma_poisoned(struct vfio_dma *dma, uint64_t iova, uint64_t len)
{
    bool hit = false;

    pthread_mutex_lock(&dma->lock);
    unsigned i = upper_locked(dma, iova);
    /* the map below iova may reach into the range; then those starting in it */
    if (i > 0 && iova - dma->map[i - 1]->iova < dma->map[i - 1]->size)
        i--;
    for (; i < dma->n && !hit; i++) {
        const struct dma_map *m = dma->map[i];
        if (m->iova >= iova && m->iova - iova >= len)
            break;
        hit = atomic_load(&m->poisoned);
    }
    pthread_mutex_unlock(&dma->lock);
    return hit;
}

void vfio_dma_set_read_hook(struct vfio_dma *dma, vfio_dma_read_hook fn, void *opaque)
{
    pthread_mutex_lock(&dma->lock);
    dma->hook = fn;
    dma->hook_opaque = opaque;
    pthread_mutex_unlock(&dma->lock);
}

int vfio_dma_register_user(struct vfio_dma *dma, vfio_dma_unmap_fn fn, void *opaque)
{
    int rc = 0;

    pthread_mutex_lock(&dma->users_lock);
    if (dma->nuser == dma->ucap) {
        unsigned cap = dma->ucap ? dma->ucap * 2 : DMA_INITIAL_USERS;
        struct dma_user *u = realloc(dma->user, cap * sizeof(*u));
        if (!u)
            rc = -ENOMEM;
        else {
            dma->user = u;
            dma->ucap = cap;
        }
    }
    if (!rc)
        dma->user[dma->nuser++] = (struct dma_user){ fn, opaque };
    pthread_mutex_unlock(&dma->users_lock);
    return rc;
}

void vfio_dma_unregister_user(struct vfio_dma *dma, void *opaque)
{
    pthread_mutex_lock(&dma->users_lock);
    for (unsigned i = 0; i < dma->nuser; i++)
        if (dma->user[i].opaque == opaque) {
            dma->user[i] = dma->user[--dma->nuser];
            break;
        }
    pthread_mutex_unlock(&dma->users_lock);
}
