// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay of what Linux 6.1 (cio + tape_34xx/tape_std, busybox mt, dd) does
 * with a 3490 (docs/tape.md "## The 3490 device"): set online, write files
 * with dd-sized blocks and tapemarks, rewind and read them back, mt
 * fsf/bsf/fsr/bsr/tell/seek/eom/retension/erase/offline, a write-protected
 * cartridge, a full cartridge, an empty drive and a cartridge loaded while
 * online.  Each step checks what the process would see, through tlx.c's
 * model of tape_34xx's error handling (a retry would loop forever: fails).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tlx.h"

#define BS32K 32768
#define BSMAX 65535

static uint8_t wbuf[BSMAX], rbuf[BSMAX];

static struct tfx *mk(const struct tfx_opts *o)
{
    struct tfx *f = tfx_new(o);
    assert_int_equal(tlx_online(f), o->empty ? TLX_MS_UNLOADED : TLX_MS_LOADED);
    return f;
}

static void write_block(struct tfx *f, uint32_t n, unsigned seed)
{
    tfx_pattern(wbuf, n, seed);
    assert_int_equal(tlx_write(f, wbuf, n, 0), (int)n);
}

static void read_block(struct tfx *f, uint32_t n, unsigned seed)
{
    assert_int_equal(tlx_read(f, rbuf, BSMAX), (int)n);
    tfx_pattern(wbuf, n, seed);
    assert_memory_equal(rbuf, wbuf, n);
}

/* file 1: 3 x 32 KiB; file 2: 2 x 65535 + 1000; TM TM (blocks 0-2, TM 3,
 * 4-6, TM 7, TM 8) */
static struct tfx *mk_written(void)
{
    struct tfx_opts o = { 0 };
    struct tfx *f = mk(&o);

    for (unsigned k = 0; k < 3; k++)
        write_block(f, BS32K, k);
    assert_int_equal(tlx_weof(f, 1), 0);                  /* close of ntibm0 */
    write_block(f, BSMAX, 10);
    write_block(f, BSMAX, 11);
    write_block(f, 1000, 12);
    assert_int_equal(tlx_weof(f, 2), 0);
    assert_int_equal(tlx_rewind(f), 0);
    return f;
}

static void test_write_read_back(void **state)
{
    struct tfx *f = mk_written();
    struct tfx_elem e[16];

    for (unsigned k = 0; k < 3; k++)
        read_block(f, BS32K, k);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);        /* tapemark: dd ends */
    read_block(f, BSMAX, 10);
    read_block(f, BSMAX, 11);
    read_block(f, 1000, 12);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);        /* the second tapemark */
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);        /* end of data: 0, no error loop */
    assert_int_equal(f->x.st.count, BSMAX);
    assert_int_equal(f->x.sense[0], 0x08);
    assert_int_equal(f->x.sense[1], 0x40);
    assert_int_equal(f->x.sense[3], 0x31);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);        /* and again */
    /* the image: what hetmap would list */
    assert_int_equal(tfx_aws(f, e, 16), 9);
    assert_int_equal(e[0].len, BS32K);
    assert_true(e[3].tapemark);
    assert_int_equal(e[4].len, BSMAX);
    assert_int_equal(e[6].len, 1000);
    assert_true(e[7].tapemark && e[8].tapemark);
    tfx_free(f);
}

static void test_mt_spacing(void **state)
{
    struct tfx *f = mk_written();

    assert_int_equal(tlx_fsf(f, 1), 0);
    assert_int_equal(tlx_tell(f), 4);
    read_block(f, BSMAX, 10);
    assert_int_equal(tlx_bsf(f, 1), 0);                   /* BSF, then FSR over the TM */
    assert_int_equal(tlx_tell(f), 4);
    assert_int_equal(tlx_fsr(f, 2), 0);
    assert_int_equal(tlx_tell(f), 6);
    assert_int_equal(tlx_fsr(f, 5), 1);                   /* crossed a tapemark: stops there */
    assert_int_equal(tlx_tell(f), 8);
    assert_int_equal(tlx_bsr(f, 1), 1);
    assert_int_equal(tlx_tell(f), 7);
    assert_int_equal(tlx_bsr(f, 2), 0);
    read_block(f, BSMAX, 11);
    assert_int_equal(tlx_rewind(f), 0);
    assert_int_equal(tlx_fsf(f, 2), 0);
    assert_int_equal(tlx_tell(f), 8);
    assert_int_equal(tlx_fsf(f, 1), 0);                   /* over the last TM: at end of data */
    assert_int_equal(tlx_fsf(f, 1), -ENOSPC);             /* end of data */
    assert_int_equal(tlx_fsr(f, 1), -ENOSPC);
    assert_int_equal(tlx_rewind(f), 0);
    assert_int_equal(tlx_bsr(f, 1), -EIO);                /* at load point: an error, not a retry */
    assert_int_equal(tlx_bsf(f, 1), -EIO);
    assert_int_equal(tlx_tell(f), 0);
    tfx_free(f);
}

static void test_mt_tell_seek(void **state)
{
    struct tfx *f = mk_written();

    assert_int_equal(tlx_tell(f), 0);
    assert_int_equal(tlx_fsf(f, 1), 0);
    assert_int_equal(tlx_fsr(f, 1), 0);
    int at = tlx_tell(f);
    assert_int_equal(at, 5);
    assert_int_equal(tlx_rewind(f), 0);
    assert_int_equal(tlx_seek(f, (uint32_t)at, 0), 0);
    read_block(f, BSMAX, 11);
    assert_int_equal(tlx_seek(f, 2, 0x08), 0);            /* with compression: format 2 */
    read_block(f, BS32K, 2);
    assert_int_equal(tlx_seek(f, 100, 0), -EIO);          /* beyond the data */
    assert_int_equal(tlx_tell(f), 3);                     /* position unchanged */
    tfx_free(f);
}

static void test_mt_eom_append(void **state)
{
    struct tfx *f = mk_written();

    assert_int_equal(tlx_eom(f), 0);
    assert_int_equal(tlx_tell(f), 8);                     /* between the two tapemarks */
    write_block(f, 4096, 20);
    assert_int_equal(tlx_weof(f, 2), 0);
    assert_int_equal(tlx_rewind(f), 0);
    assert_int_equal(tlx_fsf(f, 2), 0);
    read_block(f, 4096, 20);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);
    tfx_free(f);
}

static void test_mt_retension_erase(void **state)
{
    struct tfx *f = mk_written();
    struct tfx_elem e[16];

    assert_int_equal(tlx_fsf(f, 1), 0);
    assert_int_equal(tlx_retension(f), -ENOSPC);          /* the loop ends at end of data */
    assert_int_equal(tlx_tell(f), 0);
    read_block(f, BS32K, 0);
    assert_int_equal(tlx_erase(f), 0);
    assert_int_equal(tfx_aws(f, e, 16), 0);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);
    tfx_free(f);
}

static void test_write_protected(void **state)
{
    struct tfx *f = mk_written();
    struct tfx_opts ro = { .readonly = true };
    char err[256];

    assert_int_equal(tape3490_unload(f->x.dev, err, sizeof(err)), 0);
    assert_int_equal(tfx_load(f, &ro), 0);
    assert_int_equal(tlx_online(f), TLX_MS_LOADED);
    assert_int_equal(tlx_write(f, wbuf, 512, 0), -EACCES);
    assert_int_equal(f->x.sense[0], 0x80);
    assert_int_equal(f->x.sense[1] & 0x42, 0x42);
    assert_int_equal(f->x.sense[3], 0x30);
    assert_int_equal(tlx_weof(f, 1), -EACCES);
    assert_int_equal(tlx_erase(f), -EACCES);
    read_block(f, BS32K, 0);
    assert_int_equal(tlx_fsf(f, 3), 0);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), 0);        /* end of data is EOF here too */
    tfx_free(f);
}

/* Linux's process_eov after -ENOSPC on a write: BSR 1, WTM 1, BSR 1. */
static void process_eov(struct tfx *f)
{
    assert_true(tlx_bsr(f, 1) >= 0);
    tlx_weof(f, 1);
    tlx_bsr(f, 1);
}

static void test_full_cartridge(void **state)
{
    struct tfx_opts o = { .capacity = 300000, .eot_margin = 70000 };
    struct tfx *f = mk(&o);
    unsigned n = 0;
    int rc;

    for (;;) {
        tfx_pattern(wbuf, BS32K, n);
        rc = tlx_write(f, wbuf, BS32K, 0);
        if (rc < 0)
            break;
        assert_int_equal(rc, BS32K);
        n++;
    }
    assert_int_equal(rc, -ENOSPC);                        /* early warning: UX */
    assert_int_equal(f->x.st.dstat, CE_DE | DEV_STAT_UNIT_EXCEP);
    process_eov(f);
    /* writing on past the warning: each write -ENOSPC, up to the physical end */
    for (unsigned k = 0; k < 10 && f->x.st.dstat != CE_DE_UC; k++)
        assert_int_equal(tlx_write(f, wbuf, BS32K, 0), -ENOSPC);
    assert_int_equal(f->x.st.dstat, CE_DE_UC);
    assert_int_equal(f->x.sense[0], 0x10);
    assert_int_equal(f->x.sense[1], 0x40);
    assert_int_equal(f->x.sense[3], 0x38);
    /* tapemarks still fit for a while (UX only); the one that does not is
     * -ENOSPC to mt weof, never a silent success */
    int wrc = 0;
    for (unsigned k = 0; k < 2000 && wrc == 0; k++)
        wrc = tlx_weof(f, 1);
    assert_int_equal(wrc, -ENOSPC);
    assert_int_equal(f->x.sense[3], 0x38);
    /* everything written before the warning reads back */
    assert_int_equal(tlx_rewind(f), 0);
    for (unsigned k = 0; k < n; k++)
        read_block(f, BS32K, k);
    tfx_free(f);
}

static void test_unload_and_empty_drive(void **state)
{
    struct tfx *f = mk_written();

    assert_int_equal(tlx_fsf(f, 1), 0);
    assert_int_equal(tlx_unload(f), 0);                   /* mt offline */
    assert_int_equal(tlx_medium_state, TLX_MS_UNLOADED);
    assert_int_equal(f->x.sense[0], 0x40);
    assert_int_equal(f->x.sense[3], 0x2B);
    assert_int_equal(tlx_read(f, rbuf, BSMAX), -ENOMEDIUM);
    assert_int_equal(tlx_write(f, wbuf, 100, 0), -ENOMEDIUM);
    assert_int_equal(tlx_rewind(f), -ENOMEDIUM);
    assert_int_equal(tlx_unload(f), -ENOMEDIUM);
    assert_int_equal(tlx_nop(f), 0);                      /* NOP on an empty drive is accepted */
    assert_int_equal(tlx_offline(f), 0);
    assert_int_equal(tlx_online(f), TLX_MS_UNLOADED);
    tfx_free(f);
}

static void test_cartridge_mounted_while_online(void **state)
{
    struct tfx_opts o = { .empty = true };
    struct tfx *f = mk(&o);

    assert_int_equal(tlx_read(f, rbuf, BSMAX), -ENOMEDIUM);
    assert_int_equal(tfx_load(f, &o), 0);                 /* ccwpass tape load */
    assert_int_equal(f->nattn, 1);
    assert_int_equal(f->attn[0], 0x85);                   /* tape_34xx: "cartridge mounted" */
    /* its reaction: a medium sense */
    dfx_begin(&f->x);
    unsigned i = dfx_ccw(&f->x, 0x04, 0, 32, NULL);
    dfx_run(&f->x);
    assert_int_equal(f->x.st.dstat, CE_DE);
    assert_int_equal(dfx_data(&f->x, i)[0] & 0x40, 0);     /* loaded */
    write_block(f, 2000, 1);
    assert_int_equal(tlx_rewind(f), 0);
    read_block(f, 2000, 1);
    assert_int_equal(tlx_offline(f), 0);
    tfx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read_back),
        cmocka_unit_test(test_mt_spacing),
        cmocka_unit_test(test_mt_tell_seek),
        cmocka_unit_test(test_mt_eom_append),
        cmocka_unit_test(test_mt_retension_erase),
        cmocka_unit_test(test_write_protected),
        cmocka_unit_test(test_full_cartridge),
        cmocka_unit_test(test_unload_and_empty_drive),
        cmocka_unit_test(test_cartridge_mounted_while_online),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
