// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmmhold SOCKET UUID: a VMM that opens an mdev and holds it, for shell
 * tests.  Prints "attached" (or "error N"), then "req" if the daemon asks
 * for the device back (REQ interrupt); exits when stdin reaches EOF.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>
#include "vfio/vfio_ccw.h"
#include "vmmclient.h"

int main(int argc, char **argv)
{
    struct vmm v;
    if (argc != 3 || vmm_connect(&v, argv[1])) {
        printf("error connect\n");
        return 1;
    }
    int rc = vmm_map_ram(&v, 1u << 20);
    if (!rc)
        rc = vmm_attach(&v, argv[2]);
    if (!rc)
        rc = vmm_setup_irqs(&v);
    if (rc) {
        printf("error %d\n", rc);
        return 1;
    }
    printf("attached\n");
    fflush(stdout);
    struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = v.efd[VFIO_CCW_REQ_IRQ_INDEX], .events = POLLIN } };
    for (;;) {
        if (poll(p, 2, -1) < 0)
            break;
        if (p[1].revents & POLLIN) {
            uint64_t n;
            if (read(p[1].fd, &n, sizeof n) == (ssize_t)sizeof n)
                printf("req\n");
            fflush(stdout);
        }
        char c;
        if ((p[0].revents & (POLLIN | POLLHUP)) && read(0, &c, 1) <= 0)
            break;
    }
    vmm_close(&v);
    return 0;
}
