/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Work that waits on a device, kept off the event loop (issue 7, item 5).
 *
 * Closing an mdev (a VMM left), DEVICE_RESET and a DMA_UNMAP of pinned
 * memory quiesce the subchannel: CSCH, then wait for its interrupt, which a
 * device in the middle of slow storage I/O may give only seconds later.
 * Such a job runs on a thread of its own queue, one queue per key (the mdev
 * it waits on; for a `tape load`, which reads the cartridge file, the
 * drive), in submission order; its `done` then runs back on the event
 * loop, which learns of it through an eventfd it watches.  While a
 * connection has a job in flight the loop reads nothing more from it, so a
 * VMM's commands still complete in order, and every other VMM and the
 * control socket are served meanwhile.
 */
#ifndef CCWPASS_DAEMON_OFFLOAD_H
#define CCWPASS_DAEMON_OFFLOAD_H

#include <stdbool.h>

struct server;

struct offload_job {
    struct offload_job *next;
    const void *key;                          /* jobs of one key run in order */
    void (*run)(struct offload_job *j);       /* on the queue's thread */
    void (*done)(struct offload_job *j);      /* on the event loop, after run */
};

/**
 * offload_init() - the completion eventfd, watched by the server's loop
 * @s: the server (its epoll must exist)
 *
 * Return: 0, or -1 with errno set.
 */
int  offload_init(struct server *s);
/**
 * offload_submit() - run @j->run on @j->key's queue, then @j->done on the loop
 * @s: the server
 * @j: the job (owned by the caller until done runs)
 *
 * If no thread can be started the job runs inline, as before this existed;
 * without offload_init() both run inline, at once.
 */
void offload_submit(struct server *s, struct offload_job *j);
/**
 * offload_drain() - wait until every job ran and its done was called
 * @s: the server
 */
void offload_drain(struct server *s);
/** offload_fini() - drain, then free the completion channel. */
void offload_fini(struct server *s);

#endif
