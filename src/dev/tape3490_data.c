// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Data transfer on the 3490: Read Forward, Read Backward, Write and Write
 * Tapemark.  No tape CCW of Linux carries SLI, so the channel reports the
 * residual count from the length returned here: a block's natural length on
 * input (a longer block transfers `count` bytes, residual 0), the bytes
 * written on output.  Status per condition (docs/tape.md):
 *  - tapemark read: CE DE UX, nothing transferred (residual = count);
 *  - end of data: UC, 0x08/0x40 exactly/ERA 0x31 (Linux: read() = 0);
 *  - beyond early warning: CE DE UX, the block IS written (Linux: -ENOSPC);
 *  - physical end: UC, 0x10/0x40/ERA 0x38 for Write, nothing written;
 *  - host I/O error: UC, 0x18/ERA 0x23 (read) or 0x25 (write).
 */
#include <string.h>
#include "dev/tape3490_priv.h"

/* End of data on a forward motion.  s1 is exactly "drive online": only then
 * does Linux's exact-value rule make a read return 0 (end of data) rather
 * than -ENOSPC, whatever the load-point or write-protect state. */
void t3490_end_of_data(struct t3490 *t, struct ccw_result *r)
{
    r->len = 0;
    t3490_fail_exact(t, r, TS0_DATA_CHECK, TS1_DRIVE_ONLINE, ERA_END_OF_DATA);
}

void t3490_cmd_read(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t len = 0;
    int rc = tape_read_block(t->tape, c->buf, CHAN_IOBUF_SIZE, &len);

    switch (rc) {
    case TAPE_OK:
        r->len = len;
        break;
    case TAPE_TAPEMARK:
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        break;
    case TAPE_EOD:
        t3490_end_of_data(t, r);
        break;
    default:
        t3490_host_error(t, r, rc, ERA_READ_DATA_CHECK);
        break;
    }
}

/* The block before the position, sent last byte first; the tape ends up
 * before it.  A tapemark: CE DE UX, positioned before it. */
void t3490_cmd_read_backward(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    uint32_t len = 0;
    int rc = tape_space_block(t->tape, false);

    if (rc == TAPE_TAPEMARK) {
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        return;
    }
    if (rc == TAPE_BOT) {
        t3490_fail(t, r, 0, 0, ERA_BACKWARD_AT_BOT);
        return;
    }
    if (rc == TAPE_OK)
        rc = tape_read_block(t->tape, c->buf, CHAN_IOBUF_SIZE, &len);
    if (rc == TAPE_OK)
        rc = tape_space_block(t->tape, false);
    if (rc != TAPE_OK) {
        t3490_host_error(t, r, rc < 0 ? rc : -EIO, ERA_READ_DATA_CHECK);
        return;
    }
    uint32_t have = len < CHAN_IOBUF_SIZE ? len : CHAN_IOBUF_SIZE;
    for (uint32_t i = 0; i < have / 2; i++) {
        uint8_t x = c->buf[i];
        c->buf[i] = c->buf[have - 1 - i];
        c->buf[have - 1 - i] = x;
    }
    r->len = len;
}

/* Common ending of Write and Write Tapemark. */
static void write_status(struct t3490 *t, struct ccw_result *r, int rc, uint32_t len, uint8_t eot_s1)
{
    switch (rc) {
    case TAPE_OK:
        r->len = len;
        break;
    case TAPE_EOT_WARNING:
        r->len = len;
        r->unitstat |= DEV_STAT_UNIT_EXCEP;
        break;
    case TAPE_EOT:
        r->len = 0;
        t3490_fail_exact(t, r, TS0_EQUIP_CHECK, eot_s1, ERA_PHYSICAL_EOT);
        break;
    case -EROFS:
        t3490_fail(t, r, TS0_CMD_REJECT, TS1_WRITE_PROT, ERA_WRITE_PROTECT);
        break;
    default:
        t3490_host_error(t, r, rc, ERA_WRITE_DATA_CHECK);
        break;
    }
}

/* A block of 1..65535 bytes.  A longer one (a data chain, never sent by
 * Linux 6.1) gets ERA 0x4E "maximum block size exceeded" (Linux: -ENOBUFS). */
void t3490_cmd_write(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    if (c->count == 0) {
        t3490_reject(t, r, ERA_INCOMPATIBLE);
        return;
    }
    if (c->count > TAPE_MAX_BLOCK) {
        t3490_fail(t, r, TS0_CMD_REJECT, 0, ERA_MAX_BLOCKSIZE);
        return;
    }
    write_status(t, r, tape_write_block(t->tape, c->buf, c->count), c->count, TS1_DRIVE_ONLINE);
}

/* Physical end on a tapemark: s1 also says "write mode", so that Linux's
 * exact-value rule (s0 0x10, s1 0x40 => success) cannot report a tapemark
 * that was not written as written; ERA 0x38 then gives -ENOSPC. */
void t3490_cmd_wtm(struct t3490 *t, const struct ccw_cmd *c, struct ccw_result *r)
{
    write_status(t, r, tape_write_tapemark(t->tape), 0, TS1_DRIVE_ONLINE | TS1_WRITE_MODE);
}
