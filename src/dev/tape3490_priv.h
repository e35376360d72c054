/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the 3490 tape drive model (tape3490.h), shared by the
 * tape3490*.c files.  The drive keeps:
 *  - identity (Sense ID: CU 3490 model 50, device 3490 model 50);
 *  - state that outlives a channel program: the cartridge (a struct tape, or
 *    none), path group, assignment, Mode Set byte, Load Display message and
 *    the pending sense;
 *  - nothing per program: Linux's chains carry no state between commands
 *    except that Data Security Erase must follow Erase Gap (ccw_cmd.prev_code).
 * docs/tape.md "## The 3490 device" gives the facts and their sources.
 */
#ifndef CCWPASS_DEV_TAPE3490_PRIV_H
#define CCWPASS_DEV_TAPE3490_PRIV_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "arch/cio.h"
#include "chan/chan.h"
#include "dev/pathgroup.h"
#include "dev/tape3490.h"
#include "img/tape.h"

#define T3490_TYPE        0x3490
#define T3490_MODEL       0x50
#define T3490_SENSEID_LEN 7
#define T3490_SENSE_SIZE  32
#define T3490_ASSIGN_LEN  11      /* Assign / Unassign data: a PGID or zeros */
#define T3490_DISPLAY_LEN 17      /* Load Display: format byte + 2 x 8 characters */
#define T3490_BLOCKID_LEN 8       /* Read Block ID: channel + device block ID */
#define T3490_LOCATE_LEN  4
#define T3490_BLOCKID_MASK 0x3FFFFFu   /* 22-bit block number */
#define T3490_BLOCKID_SEG1 0x01   /* byte 0 of a block ID: wrap 0, segment 1 */
#define T3490_BLOCKID_FMT_SHIFT 22
#define T3490_BLOCKID_FMT_INVALID 3

/* Command codes (names as in Linux's tape_std.h). */
#define T_WRITE_CMD      0x01
#define T_READ_FORWARD   0x02
#define T_NOP            0x03
#define T_SENSE          0x04
#define T_REWIND         0x07
#define T_READ_BACKWARD  0x0C
#define T_REWIND_UNLOAD  0x0F
#define T_ERASE_GAP      0x17
#define T_WRITETAPEMARK  0x1F
#define T_READ_BLOCK_ID  0x22
#define T_BACKSPACEBLOCK 0x27
#define T_BACKSPACEFILE  0x2F
#define T_SENSE_GROUP_ID 0x34
#define T_FORSPACEBLOCK  0x37
#define T_FORSPACEFILE   0x3F
#define T_SYNCHRONIZE    0x43
#define T_LOCATE         0x4F
#define T_DATA_SEC_ERASE 0x97
#define T_LOAD_DISPLAY   0x9F
#define T_SET_GROUP_ID   0xAF
#define T_ASSIGN         0xB7
#define T_UNASSIGN       0xC7
#define T_MODE_SET_DB    0xDB
#define T_SENSE_ID       0xE4

/* Mode Set byte bits a 3490 knows (Hercules tapeccws.c). */
#define MODESET_INHIBIT_CU_RECOVERY 0x80
#define MODESET_WRITE_IMMEDIATE     0x20
#define MODESET_SUPERVISOR_INHIBIT  0x10
#define MODESET_IDRC                0x08
#define MODESET_KNOWN (MODESET_INHIBIT_CU_RECOVERY | MODESET_WRITE_IMMEDIATE | \
                       MODESET_SUPERVISOR_INHIBIT | MODESET_IDRC)

/* ---- sense (Linux tape_std.h bit names) --------------------------------- */
#define TS0_CMD_REJECT   0x80
#define TS0_INTERV_REQ   0x40
#define TS0_BUS_OUT      0x20
#define TS0_EQUIP_CHECK  0x10
#define TS0_DATA_CHECK   0x08
#define TS1_DRIVE_ONLINE 0x40
#define TS1_LOAD_POINT   0x08
#define TS1_WRITE_MODE   0x04
#define TS1_WRITE_PROT   0x02
#define TS7_FORMAT_ERR   0x20     /* drive/CU error information */
#define TS7_FORMAT_EOV   0x22     /* end-of-volume statistics (Rewind-Unload) */

/* ERA codes, sense byte 3 (tape_34xx.c) */
#define ERA_NONE            0x00
#define ERA_READ_DATA_CHECK 0x23
#define ERA_WRITE_DATA_CHECK 0x25
#define ERA_CMD_REJECT      0x27
#define ERA_INCOMPATIBLE    0x29
#define ERA_ENV_DATA        0x2B  /* Rewind-Unload complete */
#define ERA_EQUIP_CHECK     0x2C
#define ERA_WRITE_PROTECT   0x30
#define ERA_END_OF_DATA     0x31  /* read beyond the recorded area */
#define ERA_UNLOAD_FAILURE  0x34
#define ERA_PHYSICAL_EOT    0x38
#define ERA_BACKWARD_AT_BOT 0x39
#define ERA_NOT_READY       0x43
#define ERA_LOCATE_FAILURE  0x44
#define ERA_MAX_BLOCKSIZE   0x4E

/* Bits of a sense the builder adds from the drive's state. */
enum t3490_sense_flags {
    TSF_NONE = 0,
    TSF_EXACT_S1 = 1,   /* s1 exactly as given: Linux's exact-value cases */
};

/* ---- command table ------------------------------------------------------ */
#define TREQ_MEDIUM 0x01   /* needs a cartridge: empty drive -> UC, ERA 0x43 */
#define TREQ_WRITE  0x02   /* changes the tape: write-protected -> 0x80/0x42/0x30 */
#define TREQ_ALONE  0x04   /* must be the only command of its program (SNID, SPID) */

struct t3490;
typedef void t3490_handler(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r);

struct t3490_cmd {
    uint8_t code;
    const char *name;
    uint8_t req;
    t3490_handler *fn;
};
/* The table, sorted by code, terminated by a NULL name. */
extern const struct t3490_cmd t3490_cmd_table[];
/**
 * t3490_cmd_find() - the table row of a command code
 * @code: CCW command code
 *
 * Return: the row, or NULL for a code the 3490 does not know.
 */
const struct t3490_cmd *t3490_cmd_find(uint8_t code);
/**
 * t3490_exec() - ccw_dev_ops.exec of the 3490: check and run one command
 * @d: the drive  @c: the command from the channel  @r: its result
 */
void t3490_exec(struct ccw_dev *d, const struct ccw_cmd *c, struct ccw_result *r);

/* ---- state --------------------------------------------------------------- */
struct t3490 {
    struct ccw_dev dev;         /* first: ops->x(d) casts back */
    pthread_mutex_t lock;       /* all fields below */
    struct tape3490_config cfg;
    struct tape *tape;          /* the cartridge; NULL: drive empty */
    bool running;               /* a channel program is between start and end */
    bool assigned;
    struct pathgroup pg;
    uint8_t modeset;
    uint8_t display[T3490_DISPLAY_LEN];
    uint8_t sense[T3490_SENSE_SIZE];
    bool sense_pending;
    tape3490_attn_fn attn;
    void *attn_opaque;
    /* What tape3490_status() shows, copied under `lock` by t3490_snap() and
     * read under `snap_lock` alone: a command holds `lock` across its image
     * I/O, which on slow storage may take seconds, and the host's status
     * must not wait for that. */
    pthread_mutex_t snap_lock;
    struct tape3490_status snap;
};

static inline struct t3490 *to_t3490(struct ccw_dev *d) { return (struct t3490 *)d; }

/**
 * t3490_snap() - publish the cartridge and position for tape3490_status()
 * @t: the drive (locked)
 */
void t3490_snap(struct t3490 *t);

/* ---- tape3490_sense.c ----------------------------------------------------- */

/**
 * t3490_sense_build() - make the drive's sense pending
 * @t:   the drive (locked)
 * @s0:  byte 0 (TS0_*)
 * @s1:  byte 1 (TS1_*); unless @fl has TSF_EXACT_S1, drive online, load
 *       point and write protect are added from the drive's state
 * @era: byte 3, the error recovery action
 * @s7:  byte 7, the sense format
 * @fl:  TSF_* flags
 *
 * Bytes 4-6 get the block ID.  The sense stays pending until fetched.
 */
void t3490_sense_build(struct t3490 *t, uint8_t s0, uint8_t s1, uint8_t era, uint8_t s7,
                       enum t3490_sense_flags fl);
/**
 * t3490_fail() - end the command in CE DE UC with the given sense
 * @t: the drive (locked)  @r: the command's result  @s0, @s1, @era: as t3490_sense_build()
 */
void t3490_fail(struct t3490 *t, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t era);
/**
 * t3490_fail_exact() - like t3490_fail(), with s1 exactly @s1
 * @t: the drive (locked)  @r: the command's result  @s0, @s1, @era: the sense
 *
 * For the conditions where tape_34xx compares s1 with exact values.
 */
void t3490_fail_exact(struct t3490 *t, struct ccw_result *r, uint8_t s0, uint8_t s1, uint8_t era);
/**
 * t3490_reject() - command reject: unit check alone, s0 0x80
 * @t: the drive (locked)  @r: the command's result  @era: ERA_CMD_REJECT for a
 * code or sequence Linux never sends, ERA_INCOMPATIBLE for bad parameters
 */
void t3490_reject(struct t3490 *t, struct ccw_result *r, uint8_t era);
/**
 * t3490_not_ready() - drive empty: unit check alone, 0x40/0x40/ERA 0x43
 * @t: the drive (locked)  @r: the command's result
 */
void t3490_not_ready(struct t3490 *t, struct ccw_result *r);
/**
 * t3490_host_error() - a host I/O error or damaged image under a command
 * @t: the drive (locked)  @r: the command's result  @rc: the image layer's -errno
 * @era: ERA_READ_DATA_CHECK, ERA_WRITE_DATA_CHECK or ERA_EQUIP_CHECK
 *
 * Logs the image layer's message; CE DE UC with s0 0x18, nothing transferred.
 */
void t3490_host_error(struct t3490 *t, struct ccw_result *r, int rc, uint8_t era);
/**
 * t3490_sense_fetch() - the pending sense, or the medium sense if none
 * @t: the drive (locked)  @out: T3490_SENSE_SIZE bytes
 *
 * Return: T3490_SENSE_SIZE.  Nothing is pending afterwards.
 */
unsigned t3490_sense_fetch(struct t3490 *t, uint8_t out[T3490_SENSE_SIZE]);

/* handlers: tape3490_ctl.c (no motion) and tape3490_motion.c / tape3490_data.c */
t3490_handler t3490_cmd_sense_id, t3490_cmd_sense, t3490_cmd_snid, t3490_cmd_spid,
              t3490_cmd_nop, t3490_cmd_assign, t3490_cmd_unassign, t3490_cmd_mode_set,
              t3490_cmd_load_display, t3490_cmd_sync,
              t3490_cmd_read, t3490_cmd_read_backward, t3490_cmd_write, t3490_cmd_wtm,
              t3490_cmd_erase_gap, t3490_cmd_dse,
              t3490_cmd_rewind, t3490_cmd_rewind_unload, t3490_cmd_fsb, t3490_cmd_bsb,
              t3490_cmd_fsf, t3490_cmd_bsf, t3490_cmd_read_block_id, t3490_cmd_locate;

/**
 * t3490_end_of_data() - end of data on a forward motion (tape3490_data.c)
 * @t: the drive (locked)  @r: the command's result
 *
 * CE DE UC, 0x08 / exactly 0x40 / ERA 0x31, nothing transferred.
 */
void t3490_end_of_data(struct t3490 *t, struct ccw_result *r);

/**
 * t3490_unload_locked() - close the cartridge; the drive is empty afterwards
 * @t: the drive (locked)
 *
 * Return: 0, -ENOMEDIUM if empty, or the -errno of tape_close (logged).
 */
int t3490_unload_locked(struct t3490 *t);

#endif
