/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which paths QEMU's vfio-ccw code touches and where the adapter sends them:
 * the sysfs files of the css and mdev buses go to ccwpassd's sysfs-shaped view
 * (a FUSE mount under a root of the user's choice), and the VFIO character
 * devices /dev/vfio/vfio (container) and /dev/vfio/<group> become emulated fds.
 */
#ifndef CCWPASS_QEMU_PATHMAP_H
#define CCWPASS_QEMU_PATHMAP_H

#include <stddef.h>

/*
 * Writes view + path to out if path is one the view serves (/sys/bus/css/...,
 * /sys/bus/mdev/..., /sys/devices/css<N>/..., /sys/kernel/iommu_groups/...).
 * Returns 1 if redirected, 0 if the path is not for the view (or view is
 * NULL/empty), -1 if out is too small.
 */
int ccwq_path_map(const char *view, const char *path, char *out, size_t outsz);

enum ccwq_vfio_node {
    CCWQ_NODE_NONE,         /* not a VFIO device node */
    CCWQ_NODE_CONTAINER,    /* /dev/vfio/vfio */
    CCWQ_NODE_GROUP,        /* /dev/vfio/<decimal group number> */
};
enum ccwq_vfio_node ccwq_vfio_node(const char *path, int *group);

#endif
