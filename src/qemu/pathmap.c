// SPDX-License-Identifier: GPL-2.0-or-later
/* Path classification for the interposed open/fopen/readlink calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu/pathmap.h"

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* /sys/devices/css0/..., /sys/devices/css1 ... but not /sys/devices/cssfoo */
static int is_css_devices(const char *path)
{
    const char *p = path + strlen("/sys/devices/css");
    if (!has_prefix(path, "/sys/devices/css") || *p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '/' || *p == '\0';
}

static int is_view_path(const char *path)
{
    static const char *const trees[] = {
        "/sys/bus/css/", "/sys/bus/mdev/", "/sys/kernel/iommu_groups/",
    };
    for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++)
        if (has_prefix(path, trees[i]))
            return 1;
    return is_css_devices(path);
}

int ccwq_path_map(const char *view, const char *path, char *out, size_t outsz)
{
    if (!view || !*view || !path || !is_view_path(path))
        return 0;
    size_t vl = strlen(view);
    while (vl > 1 && view[vl - 1] == '/')   /* "/run/view/" + "/sys" */
        vl--;
    int n = snprintf(out, outsz, "%.*s%s", (int)vl, view, path);
    return n < 0 || (size_t)n >= outsz ? -1 : 1;
}

enum ccwq_vfio_node ccwq_vfio_node(const char *path, int *group)
{
    if (!path || !has_prefix(path, "/dev/vfio/"))
        return CCWQ_NODE_NONE;
    const char *name = path + strlen("/dev/vfio/");
    if (!strcmp(name, "vfio"))
        return CCWQ_NODE_CONTAINER;
    if (*name < '0' || *name > '9')
        return CCWQ_NODE_NONE;
    char *end;
    long n = strtol(name, &end, 10);
    if (*end || n < 0 || n > 0x7fffffff)
        return CCWQ_NODE_NONE;
    if (group)
        *group = (int)n;
    return CCWQ_NODE_GROUP;
}
