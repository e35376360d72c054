// SPDX-License-Identifier: GPL-2.0-or-later
/* Linux 6.1 tape_34xx channel programs and error decisions (tlx.h). */
#include "tlx.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define DB   0xDB
#define NOP  0x03
#define TIC  0x08
#define CC   CCW_FLAG_CC

int tlx_medium_state;

static bool s0_exact(uint8_t s0) { return s0 == 0x08 || s0 == 0x10 || s0 == 0x12; }
static bool s1_exact(uint8_t s1) { return s1 == 0x40 || s1 == 0x0C; }

/* Step 7 of tape_34xx_unit_check: the ERA switch (3490 rules). */
static int era_action(enum tlx_op op, const uint8_t *s, int *ms)
{
    switch (s[3]) {
    case 0x00: case 0x24:
        return 0;
    case 0x21: case 0x27: case 0x2A: case 0x42: case 0x48: case 0x4C: case 0x4D: case 0x50:
    case 0x51: case 0x53: case 0x54: case 0x57:
        return TLX_RETRY;
    case 0x2B: case 0x52:
        if (op != TLX_RUN)
            return -EIO;
        *ms = TLX_MS_UNLOADED;
        return 0;
    case 0x2E: case 0x5D: case 0x5E:
        return -EMEDIUMTYPE;
    case 0x30:
        return -EACCES;
    case 0x38:
        return op == TLX_WRITE || op == TLX_DSE || op == TLX_WTM ? -ENOSPC : -EIO;
    case 0x43:
        *ms = TLX_MS_UNLOADED;
        if ((s[1] & 0x40) && (op == TLX_ASSIGN || op == TLX_UNASSIGN || op == TLX_DISPLAY ||
                              op == TLX_NOP))
            return 0;
        return -ENOMEDIUM;
    case 0x4E:
        return -ENOBUFS;
    default:
        return -EIO;
    }
}

static int unit_check(enum tlx_op op, const uint8_t *s, int *ms)
{
    if ((s[0] & 0x80) && (s[1] & 0x02))
        return op == TLX_WRITE || op == TLX_WTM || op == TLX_DSE ? -EACCES : -EIO;
    if (s0_exact(s[0]) && s1_exact(s[1])) {
        switch (op) {
        case TLX_FSF: case TLX_FSB: case TLX_WRITE:
            return -ENOSPC;
        case TLX_BSB:
            return TLX_RETRY;
        case TLX_LOCATE:
            return -EIO;
        default:
            return 0;           /* Read: end of data; others: success */
        }
    }
    if (s[0] & 0x20)
        return TLX_RETRY;
    if (s[0] & 0x08) {
        switch (s[3]) {
        case 0x23: case 0x25: case 0x26: case 0x28: case 0x41:
            return -EIO;
        case 0x31:
            return -ENOSPC;
        default:
            break;              /* 3490: on to the ERA switch */
        }
    }
    if (s[0] & 0x04)
        return -EIO;
    if (s[1] & 0x10)
        return -EIO;
    return era_action(op, s, ms);
}

int tlx_decide(enum tlx_op op, uint8_t dstat, const uint8_t *sense, int *ms)
{
    if ((dstat & DEV_STAT_UNIT_EXCEP) && (dstat & DEV_STAT_DEV_END) && op == TLX_WRITE)
        return -ENOSPC;
    if (dstat & DEV_STAT_UNIT_CHECK)
        return unit_check(op, sense, ms);
    if (dstat & DEV_STAT_DEV_END)
        return (dstat & DEV_STAT_UNIT_EXCEP) && (op == TLX_FSB || op == TLX_BSB) ? 1 : 0;
    return -EIO;
}

/* Run the laid-out program; the driver's result (never a retry). */
static int run(struct tfx *f, enum tlx_op op)
{
    dfx_run(&f->x);
    int rc = tlx_decide(op, f->x.st.dstat, f->x.sense, &tlx_medium_state);
    if (rc == TLX_RETRY)
        fail_msg("tape_34xx would retry op %d forever: status %02x sense %02x %02x %02x %02x",
                 op, f->x.st.dstat, f->x.sense[0], f->x.sense[1], f->x.sense[2], f->x.sense[3]);
    return rc;
}

static void modeset(struct tfx *f, uint8_t mode)
{
    dfx_ccw(&f->x, DB, CC, 1, &mode);
}

int tlx_online(struct tfx *f)
{
    static const uint8_t zero[11];
    uint8_t spid[12] = { 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A };

    tfx_single(f, 0xE4, CCW_FLAG_SLI, 40, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    tfx_single(f, 0x34, CCW_FLAG_SLI, 12, NULL);
    assert_int_equal(f->x.st.dstat, CE_DE);
    tfx_single(f, 0xAF, CCW_FLAG_SLI, 12, spid);
    assert_int_equal(f->x.st.dstat, CE_DE);
    dfx_begin(&f->x);
    dfx_ccw(&f->x, 0xB7, CC, 11, zero);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    if (run(f, TLX_ASSIGN) != 0)
        return -EIO;
    dfx_begin(&f->x);
    unsigned i = dfx_ccw(&f->x, 0x04, 0, 32, NULL);
    if (run(f, TLX_MSEN) != 0)
        return -EIO;
    tlx_medium_state = (dfx_data(&f->x, i)[0] & 0x40) ? TLX_MS_UNLOADED : TLX_MS_LOADED;
    return tlx_medium_state;
}

int tlx_offline(struct tfx *f)
{
    static const uint8_t zero[11];

    dfx_begin(&f->x);
    dfx_ccw(&f->x, 0xC7, CC, 11, zero);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    return run(f, TLX_UNASSIGN);
}

int tlx_write(struct tfx *f, const uint8_t *buf, uint32_t n, uint8_t mode)
{
    dfx_begin(&f->x);
    modeset(f, mode);
    dfx_ccw(&f->x, 0x01, 0, (uint16_t)n, buf);
    int rc = run(f, TLX_WRITE);
    return rc < 0 ? rc : (int)(n - f->x.st.count);
}

int tlx_read(struct tfx *f, uint8_t *buf, uint32_t count)
{
    dfx_begin(&f->x);
    modeset(f, 0);
    unsigned i = dfx_ccw(&f->x, 0x02, 0, (uint16_t)count, NULL);
    int rc = run(f, TLX_READ);
    if (rc < 0)
        return rc;
    memcpy(buf, dfx_data(&f->x, i), count);
    return (int)(count - f->x.st.count);
}

/* DB, cmd x n, NOP. */
static int repeat(struct tfx *f, uint8_t cmd, unsigned n, enum tlx_op op)
{
    dfx_begin(&f->x);
    modeset(f, 0);
    for (unsigned k = 0; k < n; k++)
        tfx_zero(f, cmd, CC);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    return run(f, op);
}

int tlx_weof(struct tfx *f, unsigned n) { return repeat(f, 0x1F, n, TLX_WTM); }
int tlx_rewind(struct tfx *f) { return repeat(f, 0x07, 1, TLX_REW); }
int tlx_fsf(struct tfx *f, unsigned n) { return repeat(f, 0x3F, n, TLX_FSF); }
int tlx_fsr(struct tfx *f, unsigned n) { return repeat(f, 0x37, n, TLX_FSB); }
int tlx_bsr(struct tfx *f, unsigned n) { return repeat(f, 0x27, n, TLX_BSB); }
int tlx_unload(struct tfx *f) { return repeat(f, 0x0F, 1, TLX_RUN); }
int tlx_nop(struct tfx *f) { return repeat(f, NOP, 0, TLX_NOP); }

int tlx_bsf(struct tfx *f, unsigned n)
{
    int rc = repeat(f, 0x2F, n, TLX_BSF);
    if (rc < 0)
        return rc;
    rc = tlx_fsr(f, 1);
    return rc < 0 ? rc : 0;
}

int tlx_tell(struct tfx *f)
{
    dfx_begin(&f->x);
    modeset(f, 0);
    unsigned i = dfx_ccw(&f->x, 0x22, CC, 8, NULL);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    int rc = run(f, TLX_RBI);
    if (rc < 0)
        return rc;
    return (int)(be32_get(dfx_data(&f->x, i)) & 0x3FFFFF);
}

int tlx_seek(struct tfx *f, uint32_t block, uint8_t mode)
{
    uint8_t bid[4];

    /* tape_34xx_mtseek: wrap 0, segment 1 (no hints), format 2 with IDRC */
    be32_put(bid, (1u << 24) | ((mode & 0x08) ? 2u << 22 : 0) | block);
    dfx_begin(&f->x);
    modeset(f, mode);
    dfx_ccw(&f->x, 0x4F, CC, 4, bid);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    return run(f, TLX_LOCATE);
}

int tlx_retension(struct tfx *f)
{
    dfx_begin(&f->x);
    modeset(f, 0);
    tfx_zero(f, 0x3F, CC);
    dfx_ccw_at(&f->x, NOP, CC, 0, 0);
    dfx_ccw_at(&f->x, TIC, 0, 0, DFX_CCW_AT);
    dfx_run(&f->x);
    int rc = tlx_decide(TLX_FSF, f->x.st.dstat, f->x.sense, &tlx_medium_state);
    tlx_rewind(f);
    return rc;
}

int tlx_erase(struct tfx *f)
{
    dfx_begin(&f->x);
    modeset(f, 0);
    dfx_ccw_at(&f->x, 0x07, CC, 0, 0);
    tfx_zero(f, 0x17, CC);
    tfx_zero(f, 0x97, CC);
    dfx_ccw_at(&f->x, 0x07, CC, 0, 0);
    dfx_ccw_at(&f->x, NOP, 0, 0, 0);
    return run(f, TLX_DSE);
}

int tlx_eom(struct tfx *f)
{
    int rc = tlx_rewind(f);

    while (rc == 0) {
        rc = tlx_fsf(f, 1);
        if (rc < 0)
            return rc;
        rc = tlx_fsr(f, 1);
        if (rc < 0)
            return rc;
    }
    return tlx_bsr(f, 1) < 0 ? -EIO : 0;
}
