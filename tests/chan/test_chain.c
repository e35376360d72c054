// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel-program interpreter: command chaining, CCW formats, data chaining,
 * SLI / incorrect length, status modifier, and the status that ends a chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

/* Write 4 bytes, then read 16 bytes, command-chained (format 1). */
static void test_command_chain_fmt1(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x2000, "\xC1\xC2\xC3\xC4", 4);
    fx_ccw1(f, 0x1000, 0x01, CCW_FLAG_CC, 4, 0x2000);
    fx_ccw1(f, 0x1008, 0x02, 0, 16, 0x3000);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.starts, 1);
    assert_int_equal(f->dev.ends, 1);
    assert_int_equal(f->dev.ncalls, 2);
    assert_int_equal(f->dev.calls[0].code, 0x01);
    assert_false(f->dev.calls[0].chained);
    assert_int_equal(f->dev.calls[0].seq, 0);
    assert_int_equal(f->dev.calls[0].count, 4);
    assert_memory_equal(f->dev.calls[0].data, "\xC1\xC2\xC3\xC4", 4);
    assert_true(f->dev.calls[1].chained);
    assert_int_equal(f->dev.calls[1].prev_code, 0x01);
    assert_int_equal(f->dev.calls[1].seq, 1);
    for (int i = 0; i < 16; i++)
        assert_int_equal(f->mem[0x3000 + i], fx_pattern(i));
    assert_int_equal(f->mem[0x3010], 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.dstat, CE_DE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);
}

/* The same program in format-0 CCWs: 24-bit addresses, flags in byte 4. */
static void test_command_chain_fmt0(void **state)
{
    struct fx *f = fx_new(false);
    memcpy(f->mem + 0x2000, "\x01\x02", 2);
    fx_ccw0(f, 0x1000, 0x01, CCW_FLAG_CC, 2, 0x2000);
    fx_ccw0(f, 0x1008, 0x02, 0, 8, 0x3000);
    assert_int_equal(f->mem[0x1004], CCW_FLAG_CC); /* format-0 flag byte */

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 2);
    assert_memory_equal(f->dev.calls[0].data, "\x01\x02", 2);
    assert_int_equal(f->mem[0x3007], fx_pattern(7));
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.dstat, CE_DE);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);
}

/* No CC on the last CCW: the chain ends there even if more CCWs follow. */
static void test_chain_ends_without_cc(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_SLI, 1, 0);
    fx_ccw1(f, 0x1008, 0x02, 0, 8, 0x3000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_free(f);
}

/* Data chaining, output: 3 CCWs gathered into one device call. */
static void test_data_chain_write(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x2000, "ABC", 3);
    memcpy(f->mem + 0x4000, "DEFGH", 5);
    memcpy(f->mem + 0x6000, "IJ", 2);
    fx_ccw1(f, 0x1000, 0x05, CCW_FLAG_CD, 3, 0x2000);
    fx_ccw1(f, 0x1008, 0xFF, CCW_FLAG_CD, 5, 0x4000); /* command code ignored */
    fx_ccw1(f, 0x1010, 0x00, 0, 2, 0x6000);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->dev.calls[0].code, 0x05);
    assert_int_equal(f->dev.calls[0].count, 10);
    assert_memory_equal(f->dev.calls[0].data, "ABCDEFGHIJ", 10);
    assert_int_equal(f->p.status.cpa, 0x1018);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);
}

/* Data chaining, input: the record is scattered over 3 areas. */
static void test_data_chain_read(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_CD, 3, 0x2000);
    fx_ccw1(f, 0x1008, 0x06, CCW_FLAG_CD, 5, 0x4000);
    fx_ccw1(f, 0x1010, 0x06, 0, 2, 0x6000);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->dev.calls[0].count, 10);
    for (int i = 0; i < 3; i++)
        assert_int_equal(f->mem[0x2000 + i], fx_pattern(i));
    for (int i = 0; i < 5; i++)
        assert_int_equal(f->mem[0x4000 + i], fx_pattern(3 + i));
    for (int i = 0; i < 2; i++)
        assert_int_equal(f->mem[0x6000 + i], fx_pattern(8 + i));
    assert_int_equal(f->mem[0x2003], 0);
    assert_int_equal(f->mem[0x4005], 0);
    assert_int_equal(f->mem[0x6002], 0);
    assert_int_equal(f->p.status.cpa, 0x1018);
    assert_int_equal(f->p.status.count, 0);
    assert_int_equal(f->p.status.cstat, 0);
    fx_free(f);
}

/* The record ends inside the 2nd CCW of a data chain: incorrect length even
 * with SLI (SLI counts only without CD), CPA and residual of that CCW. */
static void test_data_chain_short_record(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_CD | CCW_FLAG_SLI | CCW_FLAG_CC, 3, 0x2000);
    fx_ccw1(f, 0x1008, 0x06, CCW_FLAG_CD | CCW_FLAG_SLI | CCW_FLAG_CC, 5, 0x4000);
    fx_ccw1(f, 0x1010, 0x06, CCW_FLAG_SLI | CCW_FLAG_CC, 2, 0x6000);
    fx_ccw1(f, 0x1018, 0x03, 0, 0, 0);
    fx_respond(f, 0, 6, CE_DE);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1); /* IL suppresses command chaining */
    assert_int_equal(f->mem[0x4002], fx_pattern(5));
    assert_int_equal(f->mem[0x4003], 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.count, 2);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_INCORR_LEN);
    fx_free(f);
}

/* A short record that ends exactly at the end of the 1st CCW: the 2nd CCW
 * has been fetched and is the last used, with its whole count residual. */
static void test_data_chain_ends_at_boundary(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_CD, 3, 0x2000);
    fx_ccw1(f, 0x1008, 0x06, CCW_FLAG_SLI, 5, 0x4000);
    fx_respond(f, 0, 3, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.count, 5);
    assert_int_equal(f->p.status.cstat, 0); /* SLI on the CCW that ended it */
    fx_free(f);
}

/* SLI: a short record is not incorrect length and chaining goes on. */
static void test_sli_suppresses_il(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_SLI | CCW_FLAG_CC, 100, 0x2000);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_respond(f, 0, 80, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 2);
    assert_int_equal(f->mem[0x2000 + 79], fx_pattern(79));
    assert_int_equal(f->mem[0x2000 + 80], 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);
}

/* Without SLI: IL, residual 20, and the chain ends at the short CCW. */
static void test_il_short_record(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_CC, 100, 0x2000);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_respond(f, 0, 80, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->p.status.cpa, 0x1008);
    assert_int_equal(f->p.status.dstat, CE_DE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_INCORR_LEN);
    assert_int_equal(f->p.status.count, 20);
    fx_free(f);
}

/* The record is longer than the count: only count bytes are stored, IL
 * (residual 0), and SLI suppresses it. */
static void test_il_long_record(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, 0, 8, 0x2000);
    fx_respond(f, 0, 12, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->mem[0x2007], fx_pattern(7));
    assert_int_equal(f->mem[0x2008], 0);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_INCORR_LEN);
    assert_int_equal(f->p.status.count, 0);
    fx_free(f);

    f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, CCW_FLAG_SLI, 8, 0x2000);
    fx_respond(f, 0, 12, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->mem[0x2008], 0);
    fx_free(f);
}

/* Output: the device consumed fewer bytes than the count. */
static void test_il_write_short(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x01, 0, 10, 0x2000);
    fx_respond(f, 0, 4, CE_DE);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_INCORR_LEN);
    assert_int_equal(f->p.status.count, 6);
    fx_free(f);
}

/* Immediate operation (control, nothing transferred, count 8, no SLI):
 * IL for format 1, not in incorrect-length-suppression mode or format 0. */
static void test_immediate_operation_ils(void **state)
{
    for (int mode = 0; mode < 3; mode++) {
        struct fx *f = fx_new(mode != 2);
        f->orb.ils = mode == 1;
        if (mode == 2)
            fx_ccw0(f, 0x1000, 0x0B, 0, 8, 0x2000);
        else
            fx_ccw1(f, 0x1000, 0x0B, 0, 8, 0x2000);
        fx_respond(f, 0, 0, CE_DE);
        assert_int_equal(fx_run(f), CHAN_DONE);
        assert_int_equal(f->p.status.cstat, mode == 0 ? SCHN_STAT_INCORR_LEN : 0);
        assert_int_equal(f->p.status.count, 8);
        fx_free(f);
    }
}

/* Count 0 in a format-1 CCW without data chaining is a valid zero-length
 * command (e.g. the NOP of the Linux DASD ERP program). */
static void test_count_zero_valid(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC, 0, 0);
    fx_ccw1(f, 0x1008, 0x02, 0, 0, 0x2000);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 2);
    assert_int_equal(f->dev.calls[1].count, 0);
    assert_int_equal(f->p.status.cstat, 0);
    assert_int_equal(f->p.status.cpa, 0x1010);
    fx_free(f);
}

/* IPL pattern: SEARCH ID EQUAL; TIC *-8; READ.  A mismatch (CE+DE) falls
 * through to the TIC and searches again; a match (CE+DE+SM) skips the TIC. */
static void test_status_modifier_skips_tic(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x2000, "\x00\x00\x00\x00\x03", 5);
    fx_ccw1(f, 0x1000, 0x31, CCW_FLAG_CC, 5, 0x2000);
    fx_ccw1(f, 0x1008, CCW_CMD_TIC, 0, 0, 0x1000);
    fx_ccw1(f, 0x1010, 0x06, CCW_FLAG_SLI, 64, 0x3000);
    fx_respond(f, 0, 5, CE_DE);
    fx_respond(f, 1, 5, CE_DE);
    fx_respond(f, 2, 5, CE_DE | DEV_STAT_STAT_MOD);

    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 4);
    assert_int_equal(f->dev.calls[0].code, 0x31);
    assert_int_equal(f->dev.calls[1].code, 0x31);
    assert_int_equal(f->dev.calls[2].code, 0x31);
    assert_int_equal(f->dev.calls[3].code, 0x06);
    assert_int_equal(f->dev.calls[3].prev_code, 0x31);
    assert_int_equal(f->dev.calls[3].seq, 3);
    assert_memory_equal(f->dev.calls[2].data, "\x00\x00\x00\x00\x03", 5);
    assert_int_equal(f->mem[0x3000 + 63], fx_pattern(63));
    assert_int_equal(f->p.status.cpa, 0x1018);
    assert_int_equal(f->p.status.dstat, CE_DE);
    fx_free(f);
}

/* Status modifier on the last CCW (no CC) just ends the program with it. */
static void test_status_modifier_without_cc(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x31, 0, 5, 0x2000);
    fx_respond(f, 0, 5, CE_DE | DEV_STAT_STAT_MOD);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cpa, 0x1008);
    assert_int_equal(f->p.status.dstat, CE_DE | DEV_STAT_STAT_MOD);
    fx_free(f);
}

/* A command rejected during initiation (unit check or busy, nothing
 * transferred) is not incorrect length, even without SLI. */
static void test_rejected_command_not_il(void **state)
{
    static const uint8_t st[] = { CE_DE | DEV_STAT_UNIT_CHECK, DEV_STAT_BUSY };
    for (unsigned k = 0; k < sizeof(st); k++) {
        struct fx *f = fx_new(true);
        fx_ccw1(f, 0x1000, 0x02, 0, 16, 0x2000);
        fx_respond(f, 0, 0, st[k]);
        assert_int_equal(fx_run(f), CHAN_DONE);
        assert_int_equal(f->p.status.cstat, 0);
        assert_int_equal(f->p.status.dstat, st[k]);
        assert_int_equal(f->p.status.count, 16);
        fx_free(f);
    }
    /* a unit check after some data is still a short record */
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x02, 0, 16, 0x2000);
    fx_respond(f, 0, 4, CE_DE | DEV_STAT_UNIT_CHECK);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_INCORR_LEN);
    assert_int_equal(f->p.status.count, 12);
    fx_free(f);
}

/* Unit check, unit exception, attention and busy end the chain; the sense
 * stays on the device (the interpreter never asks for it). */
static void test_unusual_status_ends_chain(void **state)
{
    static const uint8_t st[] = {
        CE_DE | DEV_STAT_UNIT_CHECK, CE_DE | DEV_STAT_UNIT_EXCEP,
        CE_DE | DEV_STAT_ATTENTION, DEV_STAT_BUSY, DEV_STAT_CHN_END,
    };
    for (unsigned k = 0; k < sizeof(st); k++) {
        struct fx *f = fx_new(true);
        fx_ccw1(f, 0x1000, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
        fx_ccw1(f, 0x1008, 0x02, CCW_FLAG_CC, 16, 0x2000);
        fx_ccw1(f, 0x1010, 0x03, CCW_FLAG_SLI, 0, 0);
        f->dev.script[1] = (struct fx_resp){ .set = true, .len = 0, .unitstat = st[k] };
        assert_int_equal(fx_run(f), CHAN_DONE);
        assert_int_equal(f->dev.ncalls, 2);
        assert_int_equal(f->p.status.cpa, 0x1010);
        assert_int_equal(f->p.status.dstat, st[k]);
        assert_int_equal(f->p.status.count, 16);
        assert_int_equal(f->mem[0x2000], 0);
        fx_free(f);
    }
}

/* A unit check with data: the data the device produced is still stored. */
static void test_unit_check_keeps_data(void **state)
{
    struct fx *f = fx_new(true);
    fx_ccw1(f, 0x1000, 0x06, CCW_FLAG_CC | CCW_FLAG_SLI, 16, 0x2000);
    fx_ccw1(f, 0x1008, 0x03, CCW_FLAG_SLI, 0, 0);
    fx_respond(f, 0, 4, CE_DE | DEV_STAT_UNIT_CHECK);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->mem[0x2003], fx_pattern(3));
    assert_int_equal(f->mem[0x2004], 0);
    assert_int_equal(f->p.status.count, 12);
    assert_int_equal(f->p.status.cpa, 0x1008);
    fx_free(f);
}

/* A long data chain: 300 one-byte areas gathered in order. */
static void test_data_chain_long(void **state)
{
    struct fx *f = fx_new(true);
    for (unsigned i = 0; i < 300; i++) {
        f->mem[0x20000 + 16 * i] = (uint8_t)(i * 5);
        fx_ccw1(f, 0x1000 + 8 * i, 0x01, i < 299 ? CCW_FLAG_CD : 0, 1, 0x20000 + 16 * i);
    }
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 1);
    assert_int_equal(f->dev.calls[0].count, 300);
    for (unsigned i = 0; i < 256; i++)
        assert_int_equal(f->dev.calls[0].data[i], (uint8_t)(i * 5));
    assert_int_equal(f->p.status.cpa, 0x1000 + 8 * 300);
    assert_int_equal(f->p.status.cstat, 0);
    fx_free(f);
}

/* More than CHAN_MAX_DC_CCWS CCWs in one data chain: program check at the
 * CCW that exceeds the limit, the device never runs. */
static void test_data_chain_ccw_limit(void **state)
{
    struct fx *f = fx_new(true);
    for (unsigned i = 0; i <= CHAN_MAX_DC_CCWS; i++)
        fx_ccw1(f, 0x10000 + 8 * i, 0x01, CCW_FLAG_CD, 1, 0x2000);
    f->orb.cpa = 0x10000;
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 0);
    assert_int_equal(f->p.status.cstat, SCHN_STAT_PROG_CHECK);
    assert_int_equal(f->p.status.cpa, 0x10000 + 8 * CHAN_MAX_DC_CCWS);
    fx_free(f);
}

/* Status modifier after a data-chained command skips the CCW that follows
 * the last CCW of the chain. */
static void test_status_modifier_after_data_chain(void **state)
{
    struct fx *f = fx_new(true);
    memcpy(f->mem + 0x2000, "\x01\x02\x03\x04\x05", 5);
    fx_ccw1(f, 0x1000, 0x31, CCW_FLAG_CD, 2, 0x2000);
    fx_ccw1(f, 0x1008, 0x31, CCW_FLAG_CC, 3, 0x2002);
    fx_ccw1(f, 0x1010, CCW_CMD_TIC, 0, 0, 0x1000);
    fx_ccw1(f, 0x1018, 0x06, CCW_FLAG_SLI, 4, 0x3000);
    fx_respond(f, 0, 5, CE_DE | DEV_STAT_STAT_MOD);
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 2);
    assert_memory_equal(f->dev.calls[0].data, "\x01\x02\x03\x04\x05", 5);
    assert_int_equal(f->dev.calls[1].code, 0x06);
    assert_int_equal(f->p.status.cpa, 0x1020);
    fx_free(f);
}

/* IPL style: the first command reads 24 bytes over its own program (a PSW
 * and two format-0 CCWs at 8 and 16); command chaining then fetches the CCW
 * at 8 as it is after the read, not as it was before. */
static void test_program_reads_its_next_ccws(void **state)
{
    static const uint8_t ipl1[24] = {
        0x00, 0x08, 0x00, 0x00, 0x80, 0x00, 0x0F, 0x00,   /* PSW */
        0x06, 0x00, 0x20, 0x00, 0x60, 0x00, 0x00, 0x04,   /* read 4 -> 0x2000, CC|SLI */
        0x03, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x01,   /* NOP, SLI */
    };
    struct fx *f = fx_new(false);
    f->orb.cpa = 0;
    fx_ccw0(f, 0x0, 0x02, CCW_FLAG_CC | CCW_FLAG_SLI, 24, 0x0);
    fx_ccw0(f, 0x8, 0x0C, 0, 1, 0x3000);   /* replaced by the read */
    f->dev.script[0] = (struct fx_resp){ .set = true, .len = 24, .unitstat = CE_DE, .data = ipl1 };
    assert_int_equal(fx_run(f), CHAN_DONE);
    assert_int_equal(f->dev.ncalls, 3);
    assert_int_equal(f->dev.calls[1].code, 0x06);
    assert_int_equal(f->dev.calls[2].code, 0x03);
    assert_memory_equal(f->mem, ipl1, 24);
    assert_int_equal(f->mem[0x2003], fx_pattern(3));
    assert_int_equal(f->p.status.cpa, 0x18);
    assert_int_equal(f->p.status.cstat, 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_chain_fmt1),
        cmocka_unit_test(test_command_chain_fmt0),
        cmocka_unit_test(test_chain_ends_without_cc),
        cmocka_unit_test(test_data_chain_write),
        cmocka_unit_test(test_data_chain_read),
        cmocka_unit_test(test_data_chain_short_record),
        cmocka_unit_test(test_data_chain_ends_at_boundary),
        cmocka_unit_test(test_sli_suppresses_il),
        cmocka_unit_test(test_il_short_record),
        cmocka_unit_test(test_il_long_record),
        cmocka_unit_test(test_il_write_short),
        cmocka_unit_test(test_immediate_operation_ils),
        cmocka_unit_test(test_count_zero_valid),
        cmocka_unit_test(test_status_modifier_skips_tic),
        cmocka_unit_test(test_status_modifier_without_cc),
        cmocka_unit_test(test_rejected_command_not_il),
        cmocka_unit_test(test_unusual_status_ends_chain),
        cmocka_unit_test(test_unit_check_keeps_data),
        cmocka_unit_test(test_data_chain_long),
        cmocka_unit_test(test_data_chain_ccw_limit),
        cmocka_unit_test(test_status_modifier_after_data_chain),
        cmocka_unit_test(test_program_reads_its_next_ccws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
