/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host as ccwpassd models it: the channel subsystem (css, chpids,
 * subchannels with their devices and images) plus the Linux driver-model
 * state around it — which css driver a subchannel is bound to (io_subchannel
 * or vfio_ccw), its driver_override, the ccw device that io_subchannel
 * creates and whether dasd-eckd has it online, and the vfio_ccw-io mdevs.
 *
 * Every operation returns 0 or the negative errno the kernel's sysfs store
 * would return, with a human-readable reason in err.  The FUSE view, the
 * CONTROL verbs and the mdev restore at startup all go through these calls,
 * so the kernel's rules hold whichever way the admin comes in.  Single
 * threaded: called from the daemon's event loop only.
 */
#ifndef CCWPASS_DAEMON_HOST_H
#define CCWPASS_DAEMON_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chan/css.h"
#include "daemon/config.h"
#include "img/reserve.h"
#include "vfio/vfio_ccw.h"

enum host_driver { HOST_DRV_NONE, HOST_DRV_IO, HOST_DRV_VFIO };

#define HOST_DRV_IO_NAME   "io_subchannel"
#define HOST_DRV_VFIO_NAME "vfio_ccw"
#define HOST_CCW_DRV_NAME  "dasd-eckd"
#define HOST_CCW_TAPE_DRV_NAME "tape_34xx"
#define HOST_MDEV_TYPE     "vfio_ccw-io"
#define HOST_MDEV_TYPE_NAME "I/O subchannel (Non-QDIO)"

struct img;
struct ccw_dev;
struct reserve;
struct host_rsv_watch;

struct host_sch {
    struct cfg_device cfg;
    struct img *img;
    struct reserve *rsv;     /* shared = yes: the volume's reserve arbiter, else NULL */
    struct host_rsv_watch *rsv_watch; /* ... and the thread that watches it for a loss */
    struct ccw_dev *dev;
    struct subchannel *sch;
    enum host_driver driver;
    bool ccw_bound;          /* the ccw device is bound to dasd-eckd */
    bool ccw_online;
    char override[32];       /* driver_override; "" = none */
    struct vfio_ccw_parent *parent;
    struct sch_fault fault;
    unsigned iommu_group;    /* group number of this subchannel's mdev */
    int      vmm_pid;        /* pid of the VMM that has the mdev open, 0 if none */
    unsigned jobs;           /* device jobs of its mdev off the event loop (offload.h) */
    unsigned long delays;    /* fault delays begun (counted by the worker: atomic) */
};

struct host {
    struct css *css;
    struct host_sch sch[CFG_MAX_DEVICES];
    unsigned nsch;
    struct cfg_chpid chp[CFG_MAX_CHPIDS];
    bool chp_varied_off[CFG_MAX_CHPIDS];   /* logically offline (chchp -v 0), by chp[] index */
    unsigned nchp;
    char state_dir[4096];
    char mdevctl_dir[4096];  /* mdevctl's definitions (mdevctl_def.h); "" = none */
    char host_id[RESERVE_ID_MAX]; /* this daemon instance as a holder of shared volumes' reserves */
};

/* Build the css from the configuration: open (or create) the images, make
 * the devices and subchannels, bind every subchannel to io_subchannel with
 * its ccw device online.  0 or -1 with a message. */
int  host_init(struct host *h, const struct daemon_config *c, char *err, size_t errlen);
/* Tear down: mdevs must be closed (host_close_all in the server first). */
void host_fini(struct host *h);

/**
 * host_reserve_watch_start() - watch a shared 3390's reserve for a loss
 * @hs:     a subchannel whose device is on a shared volume
 * @err:    message on failure
 * @errlen: size of @err
 *
 * A thread (host_reserve.c) presents an unsolicited unit check on the
 * subchannel when another host steals the reserve this host held.
 *
 * Return: 0, or -1 with a message.
 */
int  host_reserve_watch_start(struct host_sch *hs, char *err, size_t errlen);
/**
 * host_reserve_watch_stop() - end the watcher (nothing when there is none)
 * @hs: the subchannel
 */
void host_reserve_watch_stop(struct host_sch *hs);

struct host_sch *host_find_sch(struct host *h, struct schid id);
struct host_sch *host_find_sch_str(struct host *h, const char *busid);
/* The subchannel whose ccw device is `busid` (devno form); NULL if none. */
struct host_sch *host_find_ccwdev(struct host *h, const char *busid);
struct host_sch *host_find_mdev(struct host *h, const char *uuid, struct vfio_ccw_mdev **m);
const char *host_driver_name(enum host_driver d);
/* Does the ccw device exist (it does while io_subchannel is bound)? */
bool host_has_ccwdev(const struct host_sch *hs);

/* css bus: bind/unbind a subchannel (by driver name). */
int  host_sch_bind(struct host *h, struct host_sch *hs, const char *driver, char *err, size_t errlen);
int  host_sch_unbind(struct host *h, struct host_sch *hs, char *err, size_t errlen);
int  host_sch_set_override(struct host_sch *hs, const char *drv, char *err, size_t errlen);
/* ccw bus: dasd-eckd bind/unbind and online. */
int  host_ccw_unbind(struct host_sch *hs, char *err, size_t errlen);
int  host_ccw_bind(struct host_sch *hs, char *err, size_t errlen);
int  host_ccw_set_online(struct host_sch *hs, bool online, char *err, size_t errlen);
/* mdevs.  uuid NULL or "" on create: generate one; the result goes to out_uuid. */
int  host_mdev_create(struct host *h, struct host_sch *hs, const char *uuid, char out_uuid[37],
                      char *err, size_t errlen);
int  host_mdev_remove(struct host *h, const char *uuid, char *err, size_t errlen);
/* Fault injection and channel paths. */
/* The fault knobs of `f`; each delay the worker begins counts in hs->delays. */
int  host_set_fault(struct host_sch *hs, const struct sch_fault *f);
/* How many fault delays the subchannel's worker has begun. */
unsigned long host_fault_delays(const struct host_sch *hs);
int  host_chp_set_online(struct host *h, uint8_t cssid, uint8_t chpid, bool online, char *err, size_t errlen);
bool host_chp_online(struct host *h, uint8_t cssid, uint8_t chpid);

/**
 * host_chp_vary() - vary a channel path logically on or off (the chp's sysfs
 * "status", chchp -v): only the host's own use of the path changes, as with
 * Linux's s390_vary_chpid().  The path stays physically available — PAM,
 * the schib and the guest see nothing, no CRW is made (vfio_ccw's chp_event
 * for CHP_VARY_OFF only narrows the host's opm/lpm) — unlike
 * host_chp_set_online(), which is the machine configuring the path off.
 * @h:      the host
 * @cssid:  channel subsystem of the path
 * @chpid:  the path
 * @on:     vary on (true) or off
 * @err:    message on failure
 * @errlen: size of @err
 *
 * Return: 0, or -ENODEV for a path the host does not have.
 */
int  host_chp_vary(struct host *h, uint8_t cssid, uint8_t chpid, bool on, char *err, size_t errlen);

/**
 * host_chp_varied_on() - whether a path is logically online (host_chp_vary())
 * @h:     the host
 * @cssid: channel subsystem of the path
 * @chpid: the path
 *
 * Return: true unless the path was varied off (or does not exist).
 */
bool host_chp_varied_on(const struct host *h, uint8_t cssid, uint8_t chpid);

/**
 * host_sch_varied_off_mask() - the path mask bits of a subchannel whose
 * channel paths are varied off (to narrow the host-side vpm)
 * @h:  the host
 * @hs: the subchannel
 *
 * Return: one bit per varied-off path, 0x80 = the first chpid.
 */
uint8_t host_sch_varied_off_mask(const struct host *h, const struct host_sch *hs);
const struct cfg_chpid *host_find_chp(const struct host *h, uint8_t cssid, uint8_t chpid);

/* The ccw driver of the device type: dasd-eckd or tape_34xx. */
const char *host_ccw_driver(const struct host_sch *hs);
/* The subchannel of device `busid` ("0.0.0580"), bound or not; NULL if none. */
struct host_sch *host_find_dev(struct host *h, const char *busid);

/* 3490 drives (host_tape.c).  host_tape_create makes the drive of hs->cfg,
 * loaded with its configured image if any: 0 or -1 + message.  Load opens
 * `path` as a cartridge (write-protected if readonly or the file is not
 * writable) and makes the drive ask for its "cartridge mounted" status:
 * -EBUSY if one is loaded, -EINVAL if the image cannot be opened (message
 * names file and offset), -ENOTTY if hs is no tape drive.  Unload:
 * -ENOMEDIUM if empty, -EBUSY while a channel program runs. */
int  host_tape_create(struct host_sch *hs, char *err, size_t errlen);
int  host_tape_load(struct host_sch *hs, const char *path, bool readonly, char *err, size_t errlen);
int  host_tape_unload(struct host_sch *hs, char *err, size_t errlen);

/* Path masks as the kernel shows them in pimpampom. */
void host_sch_masks(struct host_sch *hs, uint8_t *pim, uint8_t *pam, uint8_t *pom);

#endif
