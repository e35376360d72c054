/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Slow image storage for the head-of-line tests: a FUSE file system, served
 * by a thread of the test process, that shows one regular file backed by a
 * file elsewhere.  While the gate is closed every write to it waits inside
 * the file system, as a write to a hung NFS server or a failing disk would;
 * reads have a gate of their own, and so have flushes (the FLUSH request
 * every close() of the file sends: a hostile FUSE server can hold it).  The test learns by an event (not a
 * clock) that a writer or reader is waiting.
 */
#ifndef CCWPASS_TESTS_SLOWFS_H
#define CCWPASS_TESTS_SLOWFS_H

#include <stdbool.h>

struct slowfs;

/* Mount at `mnt` (an existing directory) a file `name` backed by `backing`. */
struct slowfs *slowfs_mount(const char *mnt, const char *name, const char *backing);
/* Close (writes wait) or open (waiting writes go on) the write gate. */
void slowfs_gate(struct slowfs *fs, bool open);
/* The same for reads (a gate of their own). */
void slowfs_gate_reads(struct slowfs *fs, bool open);
/* Wait until a write waits at the closed gate; 0, or -1 after a 20 s guard. */
int  slowfs_wait_writer(struct slowfs *fs);
/* Wait until a read waits at its closed gate; 0, or -1 after a 20 s guard. */
int  slowfs_wait_reader(struct slowfs *fs);
/* The same for flushes, i.e. for every close() of the file. */
void slowfs_gate_flushes(struct slowfs *fs, bool open);
/* Wait until a flush waits at its closed gate; 0, or -1 after a 20 s guard. */
int  slowfs_wait_flusher(struct slowfs *fs);
/* Open the gates, unmount, free. */
void slowfs_unmount(struct slowfs *fs);

#endif
