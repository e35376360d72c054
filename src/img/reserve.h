/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reserve arbiter of a shared volume: the one place that knows which
 * host holds a 3990 Device Reserve (0xB4) on a volume that several ccwpassd
 * attach at once (docs/shared-dasd.md).  A host is one daemon, named by its
 * identity string; the path group id its guest set is kept in the record
 * for the operator.  There is at most one holder; Release by the holder
 * frees it, an unconditional reserve (steal, 0x14) takes it from anyone, and
 * the holder of a record whose daemon died stays the holder until a steal.
 *
 * Backends fill `struct reserve_ops`: the file arbiter here (a sidecar
 * IMAGE.reserve beside the image, read and rewritten under an OFD lock, so
 * daemons of one machine share a file volume) and the RBD one
 * (reserve_rbd.c, advisory image locks on shared RBD images).
 *
 * Threads: the calls below may come from several threads (the device's
 * worker and the daemon's watcher of a lost reserve): they serialise on
 * the arbiter's mutex.
 */
#ifndef CCWPASS_IMG_RESERVE_H
#define CCWPASS_IMG_RESERVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESERVE_ID_MAX     128      /* a host identity, NUL included */
#define RESERVE_PGID_LEN   11       /* a path group id (SNID/SPID bytes 1-11) */
#define RESERVE_SUFFIX     ".reserve"

enum reserve_state {
    RESERVE_NONE,       /* nobody holds the volume */
    RESERVE_SELF,       /* this host holds it */
    RESERVE_OTHER,      /* another host holds it */
};

struct reserve;

struct reserve_ops {
    /* Take the reserve; with steal, whoever holds it.  0, -EBUSY when
     * another host holds it (and !steal), or another negative errno. */
    int (*acquire)(struct reserve *r, bool steal);
    /* Give it up if this host holds it (else nothing changes).  0 or -errno. */
    int (*release)(struct reserve *r);
    /* Who holds it: *st, and the holder's identity into holder (may be NULL). */
    int (*query)(struct reserve *r, enum reserve_state *st, char *holder, size_t cap);
    /* Free the backend's state (the record is not touched). */
    void (*close)(struct reserve *r);
};

struct reserve {
    const struct reserve_ops *ops;
    pthread_mutex_t lock;                   /* serialises the calls (reserve_init) */
    char id[RESERVE_ID_MAX];                /* this host */
    uint8_t pgid[RESERVE_PGID_LEN];         /* its path group, written with a reserve */
    char err[256];                          /* message of the last failed call */
    unsigned long queries;                  /* reserve_query calls made (under lock) */
    void *priv;                             /* the backend's */
};

/**
 * reserve_init() - the common part of a new arbiter, for backends
 * @r:   the backend's struct reserve, zeroed
 * @ops: the backend's ops
 * @id:  this host's identity
 */
void reserve_init(struct reserve *r, const struct reserve_ops *ops, const char *id);

/**
 * reserve_fail() - put a backend's message into r->err, for backends
 * @r:   the arbiter
 * @e:   the positive errno to return negated
 * @fmt: printf format of the message
 *
 * Return: -@e, so that a backend can "return reserve_fail(...)".
 */
int reserve_fail(struct reserve *r, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * reserve_open_file() - the arbiter of a file volume
 * @image: path of the volume's (first) image file; the record is
 *         @image RESERVE_SUFFIX, created when missing
 * @id:    this host's identity (see reserve_host_id())
 * @err:   message on failure
 * @errlen: size of @err
 *
 * Return: the arbiter, or NULL with a message naming the record file.
 */
struct reserve *reserve_open_file(const char *image, const char *id, char *err, size_t errlen);

/**
 * reserve_host_id() - a host identity for this daemon instance
 * @out: RESERVE_ID_MAX bytes: "HOSTNAME:PID:RANDOM"
 *
 * A restarted daemon is a new host: the reserve of the one before it
 * stays until it is stolen, as a dead system's reserve does.
 */
void reserve_host_id(char out[RESERVE_ID_MAX]);

/**
 * reserve_acquire() - Device Reserve: take the volume unless another host has it
 * @r: the arbiter
 *
 * Return: 0 (also when this host holds it already), -EBUSY when another
 * host holds it, another negative errno (message in r->err).
 */
int reserve_acquire(struct reserve *r);

/**
 * reserve_steal() - Unconditional Reserve: take the volume from whoever holds it
 * @r: the arbiter
 *
 * Return: 0 or a negative errno (message in r->err).
 */
int reserve_steal(struct reserve *r);

/**
 * reserve_release() - Device Release: free the volume if this host holds it
 * @r: the arbiter
 *
 * Return: 0 or a negative errno (message in r->err).
 */
int reserve_release(struct reserve *r);

/**
 * reserve_query() - who holds the volume
 * @r:      the arbiter
 * @st:     RESERVE_NONE, RESERVE_SELF or RESERVE_OTHER
 * @holder: the holder's identity ("" when none); may be NULL
 * @cap:    size of @holder
 *
 * Return: 0 or a negative errno (message in r->err).
 */
int reserve_query(struct reserve *r, enum reserve_state *st, char *holder, size_t cap);

/**
 * reserve_queries() - how often the arbiter was asked who holds the volume
 * @r: the arbiter
 *
 * Each question may be a round trip to a cluster (RBD), so the device asks
 * once per program; tests count them.
 *
 * Return: the number of reserve_query() calls so far.
 */
unsigned long reserve_queries(struct reserve *r);

/**
 * reserve_held() - does this host still hold the volume?
 * @r: the arbiter
 *
 * Return: true only when the arbiter answers and names this host.
 */
bool reserve_held(struct reserve *r);

/**
 * reserve_set_pgid() - the path group id written with this host's reserves
 * @r:    the arbiter
 * @pgid: RESERVE_PGID_LEN bytes
 */
void reserve_set_pgid(struct reserve *r, const uint8_t pgid[RESERVE_PGID_LEN]);

/**
 * reserve_state_name() - "none", "self" or "other"
 * @st: the state
 *
 * Return: a static string.
 */
const char *reserve_state_name(enum reserve_state st);

/**
 * reserve_close() - free the arbiter (NULL is fine); the record stays
 * @r: the arbiter
 */
void reserve_close(struct reserve *r);

#endif
