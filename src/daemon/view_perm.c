// SPDX-License-Identifier: GPL-2.0-or-later
/* The view's permission rule (see view_perm.h). */
#include <sys/stat.h>
#include "daemon/view_perm.h"

#define ROOT_UID      0
#define OWNER_SHIFT   6   /* rwx of the owner class: mode bits 8..6 */
#define GROUP_SHIFT   3
#define OTHER_SHIFT   0
#define CLASS_BITS    07

/* The rwx bits granted to any class: what root may use. */
static int any_class(mode_t mode)
{
    return (int)((mode >> OWNER_SHIFT | mode >> GROUP_SHIFT | mode >> OTHER_SHIFT) & CLASS_BITS);
}

bool view_may(mode_t mode, struct view_cred owner, struct view_cred caller, int want)
{
    int granted;
    want &= CLASS_BITS;
    if (caller.uid == ROOT_UID)
        granted = any_class(mode);
    else if (caller.uid == owner.uid)
        granted = (int)(mode >> OWNER_SHIFT) & CLASS_BITS;
    else if (caller.gid == owner.gid)
        granted = (int)(mode >> GROUP_SHIFT) & CLASS_BITS;
    else
        granted = (int)(mode >> OTHER_SHIFT) & CLASS_BITS;
    return (granted & want) == want;
}
