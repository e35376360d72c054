/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the 3990/3390 ECKD device model, shared by the files of
 * src/dev/.  The device keeps three kinds of state:
 *  - identity (Sense ID, RDC, RCD), built once by eckd_new();
 *  - state that outlives a channel program: path group, reservation, pending
 *    sense, the current track (a copy of one track image, stored once when
 *    dirty: see eckd_track.c);
 *  - per-program state (struct eckd_prog): Define Extent, the Locate Record
 *    domain, the chaining flags a 3990 checks.  ops->start and the first
 *    command of a program clear it.
 */
#ifndef CCWPASS_DEV_ECKD_PRIV_H
#define CCWPASS_DEV_ECKD_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/cio.h"
#include "chan/chan.h"
#include "dev/eckd.h"
#include "dev/pathgroup.h"
#include "img/ckdtrack.h"
#include "img/image.h"

/* ---- sense (docs/eckd.md "Sense choices": 24-byte compatible in 32) ---- */
#define ECKD_SENSE_SIZE 32
#define SNS0_CMD_REJECT   0x80
#define SNS0_INTERV_REQ   0x40
#define SNS0_EQUIP_CHECK  0x10
#define SNS0_DATA_CHECK   0x08
#define SNS0_INCOMPL_DOM  0x01
#define SNS1_INV_TRK_FMT  0x40
#define SNS1_END_OF_CYL   0x20
#define SNS1_NO_REC_FOUND 0x08
#define SNS1_FILE_PROT    0x04
#define SNS1_WRITE_INHIB  0x02
#define SNS1_IMPRECISE    0x01
/* byte 7: format (high nibble) and message (low nibble) */
#define SNS7_F0(msg) ((uint8_t)(msg))
#define SNS7_F1(msg) ((uint8_t)(0x10 | (msg)))
#define MSG_INVALID_CMD   0x1
#define MSG_INVALID_SEQ   0x2
#define MSG_COUNT_SHORT   0x3
#define MSG_INVALID_PARM  0x4
#define MSG_FILE_MASK     0x5
/* byte 7 of the unsolicited "reservation lost" unit check, as Linux's
 * dasd_eckd_check_for_device_change tests it (with byte 27 bit 0) */
#define SNS7_RSV_LOST     0x3F

/* ---- Define Extent file mask and global attributes --------------------- */
#define DE_WRCTL          0xC0
#define DE_WRCTL_INH_R0   0x00   /* all writes but HA/R0 */
#define DE_WRCTL_INH_ALL  0x40
#define DE_WRCTL_UPDATE   0x80   /* update writes only */
#define DE_WRCTL_ALL      0xC0
#define DE_MASK_RESV      0x20
#define DE_SKCTL          0x18
#define DE_SKCTL_INH_MT   0x18
#define DE_AUTH           0x06
#define DE_GATTR_ARCH     0xC0
#define DE_GATTR_ECKD     0xC0
#define DE_GATTR_CKDCONV  0x20
#define DE_GEXT_EXTPARM   0x02

/* ---- Locate Record operation byte and auxiliary byte ------------------- */
#define LR_ORIENT         0xC0
#define LR_ORIENT_COUNT   0x00
#define LR_ORIENT_HOME    0x40
#define LR_ORIENT_DATA    0x80
#define LR_ORIENT_INDEX   0xC0
#define LR_OP             0x3F
#define LR_OP_ORIENT      0x00
#define LR_OP_WRITE       0x01
#define LR_OP_FORMAT      0x03
#define LR_OP_READ        0x06
#define LR_OP_WRITE_TRK   0x0B
#define LR_OP_READ_TRKS   0x0C
#define LR_OP_READ_TSET   0x0E
#define LR_OP_READ16      0x16
#define LR_OP_EXTENDED    0x3F
#define LR_AUX_TLF        0x80
#define LR_AUX_RESV       0x7E
#define LR_AUX_RDCNT      0x01
#define LRE_EXT_WFT       0x11   /* extended op: write full track */
#define LRE_EXT_WTD       0x23   /* extended op: write track data */

/* ---- command table ------------------------------------------------------ */
enum eckd_dir { DIR_IN, DIR_OUT, DIR_CTL };

#define REQ_FIRST      0x0001  /* must be the first command of the program */
#define REQ_NOT_IN_LR  0x0002  /* rejected inside a Locate Record domain */
#define REQ_IN_LR      0x0004  /* only inside a Locate Record domain */
#define REQ_ORIENTED   0x0008  /* needs a prior Seek, Locate Record or Read IPL */
#define REQ_WRITE      0x0010  /* changes the volume: read-only check */
#define REQ_NOT_AFTER_DE 0x0020 /* rejected after Define Extent / Read IPL */
#define REQ_LAST       0x0040  /* nothing may be chained after it */

struct eckd;
typedef void eckd_handler(struct eckd *e, const struct ccw_cmd *c, struct ccw_result *r);

struct eckd_cmd {
    uint8_t code;
    const char *name;
    enum eckd_dir dir;
    uint16_t req;
    eckd_handler *fn;
};
const struct eckd_cmd *eckd_cmd_find(uint8_t code);
void eckd_exec(struct ccw_dev *d, const struct ccw_cmd *c, struct ccw_result *r);
void eckd_prog_reset(struct eckd *e);
/* The whole table, for docs and tests (terminated by a NULL name). */
extern const struct eckd_cmd eckd_cmd_table[];

/* ---- state --------------------------------------------------------------- */
enum eckd_orient { OR_NONE, OR_INDEX, OR_COUNT, OR_KEY, OR_DATA, OR_EOT };

struct eckd_trk {
    bool valid;
    bool dirty;                 /* changed since it was loaded or stored */
    uint32_t cyl, head;
    size_t len;                 /* bytes of the image, EOT marker included */
    uint8_t *img;               /* CKD_MAX_TRACK_IMAGE bytes */
    struct ckd_track t;
};

struct eckd_prog {
    bool xtdef, locat, seek, rdipl, wckd, ideq, xmark, uc_next;
    bool nocount;               /* this command does not use up the LR domain */
    bool setfm, kyeq;           /* Set File Mask given; Search Key Equal matched */
    uint8_t fmask, gattr, gext;
    uint32_t blksz;
    uint32_t xbeg, xend;        /* extent, absolute track numbers */
    uint8_t loper, laux, extop;
    unsigned lcount;
    uint32_t tlf;
    uint32_t ssd_len;           /* prepared subsystem data (PSF -> RSSD) */
};

struct eckd {
    struct ccw_dev dev;         /* first: ops->x(d) casts back */
    struct img *im;
    struct eckd_config cfg;
    uint16_t devtype;
    uint32_t cyls, heads, trksize;
    int model;
    uint8_t senseid[SENSEID_SIZE];
    unsigned senseid_len;
    uint8_t rdc[64];
    uint8_t rcd[256];
    struct pathgroup pg;
    bool reserved;              /* this host's path group holds the reserve (as far as the device knows) */
    /* shared volumes (cfg.reserve): the snapshot eckd_reserve_status() reads
     * (atomics), and whether this start was counted as held */
    int rsv_state;
    unsigned long rsv_held, rsv_lost;
    bool held_counted;
    bool lost_notice;           /* eckd_reserve_watch saw the loss: the next sense reports it (atomic) */
    /* eckd_busy's answer for the program about to start: its first command
     * takes it instead of asking the arbiter again (eckd_reserve_check) */
    bool sel_fresh;
    enum reserve_state sel_state;
    uint8_t sense[ECKD_SENSE_SIZE];
    bool sense_pending;
    struct eckd_trk trk;
    bool store_lost;            /* a store at a suspend point failed: the
                                   resumed program's next command reports it */
    enum eckd_orient orient;
    unsigned cur;               /* index of the current record in trk.t */
    struct eckd_prog p;
    uint8_t ssd[512];
};

static inline struct eckd *to_eckd(struct ccw_dev *d) { return (struct eckd *)d; }
static inline bool eckd_is_mt(uint8_t code) { return (code & 0x80) != 0; }

/* eckd_sense.c */
void eckd_sense_build(struct eckd *e, uint8_t s0, uint8_t s1, uint8_t s2, uint8_t s7);
/* Unit check with the given sense; always returns -1 for `return eckd_fail(...)`. */
int  eckd_fail(struct eckd *e, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t s7);
int  eckd_reject(struct eckd *e, struct ccw_result *r, uint8_t msg);
unsigned eckd_sense_fetch(struct eckd *e, uint8_t out[ECKD_SENSE_SIZE]);

/* eckd_pgid.c: shared volumes */
/* ops->busy: another host holds the reserve and `code` is not one executed
 * regardless (SNID, Unconditional Reserve, Sense), and this host has no
 * lost reserve to report first.  Counts the start as held once. */
bool eckd_busy(struct ccw_dev *d, uint8_t code);
/* First command of a program on a shared volume: a reserve this host lost
 * is reported (unit check, SNS7_RSV_LOST); an arbiter that cannot be asked
 * is an equipment check.  0 to go on, -1 when r holds the unit check. */
int  eckd_reserve_check(struct eckd *e, uint8_t code, struct ccw_result *r);
/* The loss eckd_reserve_watch() noticed becomes the pending sense (for the
 * guest's sense of the unsolicited unit check) unless another sense is
 * pending; true if it did. */
bool eckd_take_lost_notice(struct eckd *e);

/* eckd_ident.c */
void eckd_ident_build(struct eckd *e);

/* eckd_geom.c */
unsigned eckd_rec_cells(uint16_t devtype, unsigned kl, unsigned dl);
unsigned eckd_track_cells(uint16_t devtype);
uint8_t  eckd_model_code(int model);
uint8_t  eckd_unit_type(int model);
uint32_t eckd_r0_max(uint16_t devtype);

/* eckd_track.c: the current track and orientation on it */
static inline uint32_t eckd_trkno(const struct eckd *e, uint32_t cyl, uint32_t head)
{
    return cyl * e->heads + head;
}
int  eckd_seek(struct eckd *e, uint32_t cyl, uint32_t head, struct ccw_result *r);
int  eckd_read_count(struct eckd *e, uint8_t code, struct ccw_result *r);
int  eckd_mt_advance(struct eckd *e, uint8_t code, struct ccw_result *r);
/* A write changed the current track: it is stored by eckd_trk_flush(). */
void eckd_trk_mark_dirty(struct eckd *e);
/* Store the current track if it is dirty.  0, or -1 after a failed store:
 * the copy is dropped and, with r, the command ends in unit check with
 * equipment check (without r the failure is only logged). */
int  eckd_trk_flush(struct eckd *e, struct ccw_result *r);
/* eckd_trk_flush(), then wait until every track the program stored is
 * complete on the image (img_settle: RBD writes in flight).  Called where
 * a program's writes must be durable: before the status that ends the
 * chain, and at end, suspend, reset, destroy.  0, or -1 as for
 * eckd_trk_flush() when a store failed. */
int  eckd_trk_settle(struct eckd *e, struct ccw_result *r);
/* Forget the current track (a dirty copy is lost: callers flush first). */
void eckd_trk_invalidate(struct eckd *e);
const struct ckd_rec *eckd_cur(const struct eckd *e);
uint8_t *eckd_rec_key(struct eckd *e, const struct ckd_rec *rec);
uint8_t *eckd_rec_data(struct eckd *e, const struct ckd_rec *rec);
/* Offset in the track image where a record written now would start. */
uint32_t eckd_write_offset(const struct eckd *e, unsigned *keep);
/* Replace everything after the first `keep` records with one record
 * (count[8] + key + data, zero-padded from `have` bytes).  ITF if it does not
 * fit the 3390 track.  0 or -1 (unit check set). */
int  eckd_trk_put_record(struct eckd *e, unsigned keep, const uint8_t *rec, uint32_t have,
                         struct ccw_result *r);
int  eckd_trk_erase_after(struct eckd *e, unsigned keep, struct ccw_result *r);
bool eckd_in_extent(const struct eckd *e, uint32_t cyl, uint32_t head);

/* handlers, one file per family */
eckd_handler eckd_cmd_sense, eckd_cmd_sense_id, eckd_cmd_snid, eckd_cmd_spid, eckd_cmd_rdc,
             eckd_cmd_rcd, eckd_cmd_psf, eckd_cmd_rssd, eckd_cmd_nop, eckd_cmd_reserve, eckd_cmd_slck,
             eckd_cmd_release, eckd_cmd_diag_ctl, eckd_cmd_define_extent, eckd_cmd_locate,
             eckd_cmd_locate_ext, eckd_cmd_prefix, eckd_cmd_seek, eckd_cmd_search_id,
             eckd_cmd_read_data, eckd_cmd_read_kd, eckd_cmd_read_count, eckd_cmd_read_ckd,
             eckd_cmd_read_r0, eckd_cmd_read_ha, eckd_cmd_read_track, eckd_cmd_read_ipl,
             eckd_cmd_write_data, eckd_cmd_write_kd, eckd_cmd_write_upd_data, eckd_cmd_write_upd_kd,
             eckd_cmd_write_ckd, eckd_cmd_write_ckd_next, eckd_cmd_write_r0, eckd_cmd_write_full_track,
             eckd_cmd_erase, eckd_cmd_set_file_mask, eckd_cmd_read_sector, eckd_cmd_set_sector,
             eckd_cmd_search_key, eckd_cmd_search_ha, eckd_cmd_read_multiple_ckd,
             eckd_cmd_reset_allegiance, eckd_cmd_read_buffered_log, eckd_cmd_read_track_data,
             eckd_cmd_write_track_data;

/* eckd_extent.c shared parsers (Prefix reuses them) */
int eckd_parse_de(struct eckd *e, const uint8_t *p, uint32_t count, uint32_t *used, struct ccw_result *r);
int eckd_parse_lr(struct eckd *e, uint8_t code, const uint8_t *p, uint32_t count, uint32_t *used,
                  struct ccw_result *r);

#endif
