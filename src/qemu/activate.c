// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Activation of the preloaded adapter.  It is active only in
 * qemu-system-s390x (or when CCWPASS_ADAPTER_FORCE=1), so a wrapper such as
 * timeout(1) that inherits LD_PRELOAD is not affected; once active it removes
 * itself from LD_PRELOAD so QEMU's children run clean.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/proto.h"
#include "qemu/adapter.h"
#include "qemu/interpose.h"

static bool active;

bool ccwq_active(void)
{
    return active;
}

const char *ccwq_socket_path(void)
{
    const char *s = getenv("CCWPASS_SOCKET");
    return s && *s ? s : CCWP_DEFAULT_SOCKET;
}

/* Removes every LD_PRELOAD entry that names this library. */
static void drop_self_from_preload(void)
{
    Dl_info self;
    const char *pre = getenv("LD_PRELOAD");
    if (!pre || !dladdr((void *)drop_self_from_preload, &self) || !self.dli_fname)
        return;
    const char *base = strrchr(self.dli_fname, '/');
    base = base ? base + 1 : self.dli_fname;
    char *copy = strdup(pre), *out = calloc(1, strlen(pre) + 1), *save = NULL;
    if (!copy || !out)
        goto done;
    for (char *tok = strtok_r(copy, ": ", &save); tok; tok = strtok_r(NULL, ": ", &save)) {
        const char *tb = strrchr(tok, '/');
        if (!strcmp(tb ? tb + 1 : tok, base))
            continue;
        if (*out)
            strcat(out, ":");
        strcat(out, tok);
    }
    if (*out)
        setenv("LD_PRELOAD", out, 1);
    else
        unsetenv("LD_PRELOAD");
done:
    free(copy);
    free(out);
}

static bool is_qemu_s390x(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    const char *base = strrchr(exe, '/');
    return !strncmp(base ? base + 1 : exe, "qemu-system-s390x", strlen("qemu-system-s390x"));
}

__attribute__((constructor)) static void adapter_init(void)
{
    const char *force = getenv("CCWPASS_ADAPTER_FORCE");
    active = (force && !strcmp(force, "1")) || is_qemu_s390x();
    if (!active)
        return;
    drop_self_from_preload();
    unsetenv("CCWPASS_ADAPTER_FORCE");
    ccwq_debug("active; view %s, socket %s", getenv("CCWPASS_VIEW") ? getenv("CCWPASS_VIEW") : "(none)",
               ccwq_socket_path());
}

