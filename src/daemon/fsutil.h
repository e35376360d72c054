/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file-system helpers of ccwpassd (state dir, view mount point, socket dir). */
#ifndef CCWPASS_DAEMON_FSUTIL_H
#define CCWPASS_DAEMON_FSUTIL_H

/* mkdir -p: 0 once PATH is a directory, or a negative errno (errno is set too; ENOTDIR for a file). */
int mkdir_p(const char *path);
/* mkdir -p of the directory that contains `path`: 0, or a negative errno. */
int mkdir_parent(const char *path);

#endif
