/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd's configuration: the host channel subsystem it owns (channel
 * paths and I/O devices on subchannels, like an IOCDS) and where it lives
 * (socket, FUSE view, state directory).  Read from an INI file (libinih) and
 * command-line flags; the built-in default is the seed's example.
 */
#ifndef CCWPASS_DAEMON_CONFIG_H
#define CCWPASS_DAEMON_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chan/css.h"

#define CFG_MAX_CHPIDS  32
#define CFG_MAX_DEVICES 32

/* Built-in default: the seed's DASD 0.0.7e52 on subchannel 0.0.16ca behind
 * FICON chpid 0x50, on a 200-cylinder 3390 CCKD volume in the state dir. */
#define CFG_DEFAULT_DEVNO    0x7e52
#define CFG_DEFAULT_SCHNO    0x16ca
#define CFG_DEFAULT_CHPID    0x50
#define CFG_DEFAULT_CYLS     200
#define CFG_DEFAULT_VIEW     "/run/ccwpass/view"
#define CFG_DEFAULT_STATE    "/var/lib/ccwpass"
#define CFG_DEFAULT_MDEVCTL  "/etc/mdevctl.d"   /* mdevctl's persistent definitions */

/* What sits behind a subchannel: `type = 3390` (the default) or `type = 3490`. */
enum cfg_devtype { CFG_DEV_3390, CFG_DEV_3490 };
#define CFG_DEVTYPE_3390 0x3390
#define CFG_DEVTYPE_3490 0x3490

struct cfg_chpid {
    uint8_t cssid, chpid, type;
};

struct cfg_device {
    uint8_t  cssid, ssid;       /* of the device number and the subchannel */
    uint16_t devno;
    struct schid schid;
    enum cfg_devtype type;
    /* 3390: "" = <state>/dasd-<busid>.cckd, created if absent.
     * 3490: the cartridge loaded at startup; "" = an empty drive. */
    char     image[PATH_MAX];
    uint32_t cyls;              /* size of a created image */
    bool     cyls_given;        /* model= or cyls= was set (a 3390 key) */
    uint64_t capacity;          /* 3490: cartridge capacity in bytes, 0 = the tape layer's default */
    bool     readonly;
    bool     sync;              /* write-through: fdatasync every track write */
    bool     shared;            /* 3390: attached by other hosts too (reserve/release, no cache) */
    uint8_t  chpids[8];
    uint8_t  pim;
    uint16_t cu_ssid;           /* the control unit's subsystem id */
    uint8_t  unit_addr;
};

struct daemon_config {
    char socket_path[PATH_MAX];
    char view_dir[PATH_MAX];
    char state_dir[PATH_MAX];
    char mdevctl_dir[PATH_MAX];     /* mdevctl's definitions, read at start; "" = none */
    char socket_group[64];          /* group given the socket (0660), e.g. libvirt-qemu; "" = root's */
    bool foreground, no_fuse, verbose;
    bool sync;                  /* --sync: every device write-through */
    struct cfg_chpid chp[CFG_MAX_CHPIDS];
    unsigned nchp;
    struct cfg_device dev[CFG_MAX_DEVICES];
    unsigned ndev;
};

/* Defaults for the paths; no devices yet. */
void cfg_init(struct daemon_config *c);
/* Parse an INI file into c (appending chpids and devices).  0, or -1 with a
 * message naming the file and line in err. */
int  cfg_load_file(struct daemon_config *c, const char *path, char *err, size_t errlen);
/* A device with everything defaulted around devno/schid. */
void cfg_device_defaults(struct cfg_device *d, uint16_t devno, struct schid schid);
/* If no device was configured, add the seed's; add any chpid a device names
 * that no [chpid] section declared (as FICON).  0 or -1 + message. */
int  cfg_finish(struct daemon_config *c, char *err, size_t errlen);

/* A size "800M", "64K", "2G" or bytes "65536" (K/M/G = 1024-based; k/m/g
 * accepted too).  0 on success, -1 if malformed, zero or too large. */
int parse_size(const char *s, uint64_t *out);

/* Bus ids as Linux prints them: "0.0.16ca" (cssid.ssid.schno),
 * "0.0.7e52" (cssid.ssid.devno), chpid "0.50".  0 on success, -1 if malformed.
 * A single trailing newline is accepted (sysfs writes from echo). */
int parse_busid(const char *s, uint8_t *cssid, uint8_t *ssid, uint16_t *num);
int parse_schid(const char *s, struct schid *id);
int parse_chpid(const char *s, uint8_t *cssid, uint8_t *chpid);
void format_schid(struct schid id, char out[16]);

#endif
