// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 3490 tape drives in the host's channel subsystem: creating the drive
 * behind its subchannel (empty, or with the configured cartridge), loading
 * and unloading cartridges from the host, and the drive's unsolicited
 * "cartridge mounted" status.  The drive itself is src/dev/tape3490.c; the
 * images are src/img/tape.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "daemon/host.h"
#include "daemon/log.h"
#include "dev/tape3490.h"
#include "img/tape.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__))

/*
 * The drive asks for unsolicited status (0x85 after a load).  Architecturally
 * the channel subsystem presents it as alert status once the subchannel is
 * idle with nothing pending, which is the css's job (src/chan/css.c).
 */
static void host_tape_attention(void *opaque, uint8_t dstat)
{
    struct host_sch *hs = opaque;
    log_info("tape %x.%x.%04x: unsolicited device status %02x", hs->cfg.cssid, hs->cfg.ssid,
             hs->cfg.devno, dstat);
    /* "Cartridge mounted" (0x85) for the program, as soon as the subchannel
     * is enabled and idle; a drive loaded before its subchannel exists needs
     * none: Linux senses the medium when it sets the drive online. */
    if (hs->sch)
        sch_unsolicited(hs->sch, dstat);
}

/* Open `path` as a cartridge with the drive's configured capacity. */
static struct tape *open_cartridge(const struct host_sch *hs, const char *path, bool readonly, char *err,
                                   size_t errlen)
{
    struct tape_open_opts o = { .readonly = readonly, .capacity = hs->cfg.capacity };
    struct tape *t = tape_open(path, &o, err, errlen);
    if (t && tape_torn_offset(t) >= 0)
        log_warn("tape %s: torn tail at offset %lld (a crash while writing?); usable up to there", path,
                 (long long)tape_torn_offset(t));
    return t;
}

int host_tape_create(struct host_sch *hs, char *err, size_t errlen)
{
    const struct cfg_device *d = &hs->cfg;
    struct tape3490_config tc = { .devno = d->devno };
    hs->dev = tape3490_new(&tc, err, errlen);
    if (!hs->dev)
        return -1;
    if (d->image[0]) {
        struct tape *t = open_cartridge(hs, d->image, d->readonly, err, errlen);
        if (!t)
            return -1;
        tape3490_load(hs->dev, t);     /* an empty drive: cannot be busy */
    }
    tape3490_set_attention(hs->dev, host_tape_attention, hs);
    return 0;
}

static int tape_of(struct host_sch *hs, char *err, size_t errlen)
{
    if (hs->dev && tape3490_is(hs->dev))
        return 0;
    ERR("device %x.%x.%04x is not a tape drive", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno);
    return -ENOTTY;
}

int host_tape_load(struct host_sch *hs, const char *path, bool readonly, char *err, size_t errlen)
{
    int rc = tape_of(hs, err, errlen);
    if (rc)
        return rc;
    struct tape3490_status st;
    tape3490_status(hs->dev, &st);
    if (st.loaded) {
        ERR("drive %x.%x.%04x has a cartridge (%s); unload it first", hs->cfg.cssid, hs->cfg.ssid,
            hs->cfg.devno, st.path);
        return -EBUSY;
    }
    struct tape *t = open_cartridge(hs, path, readonly, err, errlen);
    if (!t)
        return -EINVAL;     /* the tape layer's message says why (file, offset) */
    bool wp = tape_readonly(t);
    rc = tape3490_load(hs->dev, t);
    if (rc < 0) {
        char cerr[256];
        tape_close(t, cerr, sizeof cerr);
        ERR("drive %x.%x.%04x has a cartridge; unload it first", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno);
        return rc;
    }
    log_info("tape %x.%x.%04x: loaded %s%s", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno, path,
             wp ? " (write-protected)" : "");
    return 0;
}

int host_tape_unload(struct host_sch *hs, char *err, size_t errlen)
{
    int rc = tape_of(hs, err, errlen);
    if (rc)
        return rc;
    rc = tape3490_unload(hs->dev, err, errlen);
    if (rc == 0)
        log_info("tape %x.%x.%04x: unloaded", hs->cfg.cssid, hs->cfg.ssid, hs->cfg.devno);
    return rc;
}
