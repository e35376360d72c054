/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the file that backs QEMU's guest RAM.  VFIO_IOMMU_MAP_DMA hands the
 * adapter a virtual address; ccwpassd lives in another process and needs a
 * file descriptor it can mmap.  The launcher makes RAM a shared memfd
 * (memory-backend-memfd,share=on), so the mapping in /proc/self/maps names a
 * device and inode, and one of QEMU's open fds refers to that inode.
 */
#ifndef CCWPASS_QEMU_RAMFD_H
#define CCWPASS_QEMU_RAMFD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ccwq_mapping {
    uint64_t start, end;        /* [start, end) */
    uint64_t pgoff;             /* file offset of start */
    unsigned dev_major, dev_minor;
    uint64_t inode;             /* 0: anonymous memory */
    char perms[5];              /* "rw-s" */
    char path[256];
};

/* Parses one /proc/<pid>/maps line; 0 on success, -1 if malformed. */
int ccwq_maps_parse_line(const char *line, struct ccwq_mapping *m);

/*
 * Looks up [vaddr, vaddr + size) in a maps listing.  The range may span
 * several consecutive lines that map one file contiguously (madvise can split
 * a VMA).  Fills *m with the first line, its end extended to cover the range.
 * Returns 0, -ENOENT if vaddr is unmapped, -EFAULT if the range is not one
 * contiguous file mapping.
 */
int ccwq_maps_lookup(FILE *maps, uint64_t vaddr, uint64_t size, struct ccwq_mapping *m);

/*
 * For the live process: a new fd (close-on-exec) for the shared file mapping
 * that holds [vaddr, vaddr + size), and the file offset of vaddr.  Returns 0
 * or a negative errno with a human-readable reason in err.
 */
int ccwq_ram_fd(uint64_t vaddr, uint64_t size, int *fd, uint64_t *offset, char *err, size_t errsz);

#endif
