// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ccwpass-qemu-system-s390x [QEMU options...]
 *
 * qemu-system-s390x with the ccwpass adapter preloaded, for programs that
 * run QEMU themselves with a command line of their own: libvirt's
 * <emulator> (docs/libvirt.md).  Unlike `ccwpass qemu` nothing is rewritten
 * or added, so libvirt's capability probe (-machine none -qmp ...) and its
 * domain command line reach QEMU exactly as libvirt built them; the domain
 * provides shared memfd RAM itself (<memoryBacking>).
 *
 * libvirt starts QEMU with a cleared environment, so the adapter finds
 * ccwpassd at its default socket, and the sysfs paths QEMU reads at /sys
 * (`ccwpass host`, in which libvirtd runs).  $CCWPASS_SOCKET,
 * $CCWPASS_VIEW, $CCWPASS_ADAPTER and $CCWPASS_QEMU are honoured when set.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/adapter_path.h"
#include "daemon/config.h"

#define EMU_NAME      "ccwpass-qemu-system-s390x"
#define EMU_QEMU      "qemu-system-s390x"
#define EMU_EXIT_FAIL 1
#define EMU_EXEC_FAIL 127

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool has_css(const char *root)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/sys/bus/css", root);
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * QEMU's path: $CCWPASS_QEMU, else the first qemu-system-s390x in $PATH that
 * is not this program (one installed under QEMU's name must not exec itself).
 */
static int find_qemu(char *out, size_t outsz)
{
    const char *q = getenv("CCWPASS_QEMU");
    const char *path = getenv("PATH");
    if (q && *q && strchr(q, '/')) {
        snprintf(out, outsz, "%s", q);
        return access(out, X_OK);
    }
    if (!q || !*q)
        q = EMU_QEMU;
    char *dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    if (!dirs)
        return -1;
    int rc = -1;
    for (char *d = strtok_r(dirs, ":", &save); d && rc; d = strtok_r(NULL, ":", &save)) {
        if ((size_t)snprintf(out, outsz, "%s/%s", *d ? d : ".", q) < outsz && !access(out, X_OK) &&
            !same_file(out, "/proc/self/exe"))
            rc = 0;
    }
    free(dirs);
    return rc;
}

/* LD_PRELOAD=ADAPTER[:what was there], and the view where the paths are. */
static int set_env(const char *adapter, const char *qemu)
{
    const char *pre = getenv("LD_PRELOAD");
    size_t len = strlen(adapter) + (pre ? strlen(pre) : 0) + 2;
    char *val = malloc(len);
    if (!val)
        return -1;
    snprintf(val, len, "%s%s%s", adapter, pre && *pre ? ":" : "", pre && *pre ? pre : "");
    int rc = setenv("LD_PRELOAD", val, 1);
    free(val);
    /* outside `ccwpass host`, the view ccwpassd mounts by default */
    const char *view = getenv("CCWPASS_VIEW");
    if ((!view || !*view) && !has_css("") && has_css(CFG_DEFAULT_VIEW))
        rc |= setenv("CCWPASS_VIEW", CFG_DEFAULT_VIEW, 1);
    const char *base = strrchr(qemu, '/');
    if (strncmp(base ? base + 1 : qemu, EMU_QEMU, strlen(EMU_QEMU)))
        rc |= setenv("CCWPASS_ADAPTER_FORCE", "1", 1);  /* the adapter would not know it by name */
    return rc;
}

int main(int argc, char **argv)
{
    char adapter[PATH_MAX], qemu[PATH_MAX];
    (void)argc;
    if (cli_find_adapter(adapter, sizeof adapter)) {
        fprintf(stderr, EMU_NAME ": cannot find the adapter ccwpass-qemu.so (set CCWPASS_ADAPTER)\n");
        return EMU_EXIT_FAIL;
    }
    if (find_qemu(qemu, sizeof qemu)) {
        fprintf(stderr, EMU_NAME ": cannot find %s in PATH (set CCWPASS_QEMU)\n",
                getenv("CCWPASS_QEMU") && *getenv("CCWPASS_QEMU") ? getenv("CCWPASS_QEMU") : EMU_QEMU);
        return EMU_EXIT_FAIL;
    }
    if (set_env(adapter, qemu)) {
        fprintf(stderr, EMU_NAME ": cannot set the environment: %s\n", strerror(errno));
        return EMU_EXIT_FAIL;
    }
    argv[0] = qemu;
    execv(qemu, argv);
    fprintf(stderr, EMU_NAME ": cannot start %s: %s\n", qemu, strerror(errno));
    return EMU_EXEC_FAIL;
}
