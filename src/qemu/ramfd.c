// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/self/maps parsing and fd lookup for the guest-RAM DMA map. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "qemu/ramfd.h"

int ccwq_maps_parse_line(const char *line, struct ccwq_mapping *m)
{
    int pathpos = 0;
    memset(m, 0, sizeof *m);
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n",
               &m->start, &m->end, m->perms, &m->pgoff, &m->dev_major, &m->dev_minor,
               &m->inode, &pathpos) < 7 || m->end <= m->start)
        return -1;
    if (pathpos > 0) {
        snprintf(m->path, sizeof m->path, "%s", line + pathpos);
        m->path[strcspn(m->path, "\n")] = '\0';
    }
    return 0;
}

/* Does `next` continue `cur` as the same file, contiguous in memory and file? */
static int continues(const struct ccwq_mapping *cur, const struct ccwq_mapping *next)
{
    return next->start == cur->end && next->inode == cur->inode && cur->inode &&
           next->dev_major == cur->dev_major && next->dev_minor == cur->dev_minor &&
           next->pgoff == cur->pgoff + (cur->end - cur->start) &&
           next->perms[3] == cur->perms[3];
}

int ccwq_maps_lookup(FILE *maps, uint64_t vaddr, uint64_t size, struct ccwq_mapping *m)
{
    char line[512];
    struct ccwq_mapping cur = { 0 }, next;
    int found = 0;

    while (fgets(line, sizeof line, maps)) {
        if (ccwq_maps_parse_line(line, &next))
            continue;
        if (!found) {
            if (vaddr < next.start || vaddr >= next.end)
                continue;
            cur = *m = next;
            found = 1;
        } else if (continues(&cur, &next)) {
            m->end = next.end;
            cur = next;
        } else {
            break;
        }
        if (vaddr + size <= m->end)
            return 0;
    }
    return found ? -EFAULT : -ENOENT;
}

/* Scans /proc/self/fd for an fd on the given inode and duplicates it. */
static int fd_for_inode(unsigned maj, unsigned min, uint64_t ino)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int found = -1;

    if (!d)
        return -1;
    while (found < 0 && (e = readdir(d))) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        struct stat st;
        if (*end || fd == dirfd(d) || fstat((int)fd, &st))
            continue;
        if (st.st_ino == ino && st.st_dev == makedev(maj, min))
            found = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
    }
    closedir(d);
    return found;
}

/* Fallback when no fd is open on the file any more (needs CAP_CHECKPOINT_RESTORE). */
static int fd_from_map_files(const struct ccwq_mapping *m)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/self/map_files/%" PRIx64 "-%" PRIx64, m->start, m->end);
    return open(path, O_RDWR | O_CLOEXEC);
}

static int lookup_self(uint64_t vaddr, uint64_t size, struct ccwq_mapping *m)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return -errno;
    int rc = ccwq_maps_lookup(f, vaddr, size, m);
    fclose(f);
    return rc;
}

int ccwq_ram_fd(uint64_t vaddr, uint64_t size, int *fd, uint64_t *offset, char *err, size_t errsz)
{
    struct ccwq_mapping m;
    int rc = lookup_self(vaddr, size, &m);

    if (rc) {
        snprintf(err, errsz, "guest RAM at 0x%" PRIx64 "+0x%" PRIx64 " is not one mapping (%s)",
                 vaddr, size, strerror(-rc));
        return rc;
    }
    if (!m.inode || m.perms[3] != 's') {
        snprintf(err, errsz, "guest RAM is not fd-backed shared memory (mapping '%s' %s); "
                 "start QEMU with 'ccwpass qemu' or give it "
                 "-object memory-backend-memfd,id=ram,size=...,share=on -machine memory-backend=ram",
                 m.path[0] ? m.path : "[anonymous]", m.perms);
        return -EFAULT;
    }
    *fd = fd_for_inode(m.dev_major, m.dev_minor, m.inode);
    if (*fd < 0)
        *fd = fd_from_map_files(&m);
    if (*fd < 0) {
        snprintf(err, errsz, "no open file descriptor refers to guest RAM '%s'", m.path);
        return -EBADF;
    }
    *offset = m.pgoff + (vaddr - m.start);
    return 0;
}
