/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IBM 3490 tape drive (control unit 3490, device 3490 model 50), as Linux
 * 6.1's tape_34xx/tape_std drivers use it, on a tape image (img/tape.h).
 * Commands are a table, one row per command code (tape3490_cmds.c, names as
 * in Linux's tape_std.h).  See docs/tape.md.
 *
 * The drive may be empty.  tape3490_load() inserts a cartridge and asks for
 * the unsolicited status Linux reads as "cartridge mounted" (attention +
 * device end + unit exception, 0x85) through the attention callback;
 * Rewind-Unload from the guest empties the drive (the device closes the
 * image); tape3490_unload() does it from the host.
 *
 * Threads: exec/start/end/sense/reset run on the subchannel's worker; load,
 * unload and tape3490_status may come from another thread (the device locks).
 */
#ifndef CCWPASS_DEV_TAPE3490_H
#define CCWPASS_DEV_TAPE3490_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chan/chan.h"
#include "img/tape.h"

struct tape3490_config {
    uint16_t devno;
};

/* An empty drive.  NULL + message on error. */
struct ccw_dev *tape3490_new(const struct tape3490_config *cfg, char *err, size_t errlen);
/* Insert a cartridge: the device owns `t` from now on (closes it on unload or
 * destroy).  -EBUSY if a cartridge is loaded. */
int  tape3490_load(struct ccw_dev *d, struct tape *t);
/* Host-side unload: closes the image.  -ENOMEDIUM if empty, -EBUSY while a
 * channel program runs (retry). */
int  tape3490_unload(struct ccw_dev *d, char *err, size_t errlen);

/* Unsolicited device status (e.g. 0x85 after a load): the owner (the css)
 * presents it when the subchannel is idle. Called without device locks held. */
typedef void (*tape3490_attn_fn)(void *opaque, uint8_t dstat);
void tape3490_set_attention(struct ccw_dev *d, tape3490_attn_fn fn, void *opaque);

struct tape3490_status {
    bool loaded;
    bool readonly;
    char path[4096];
    uint32_t blockid;
    enum tape_format format;
};
void tape3490_status(struct ccw_dev *d, struct tape3490_status *st);
bool tape3490_is(const struct ccw_dev *d);   /* is this ccw_dev a 3490? */

#endif
