// SPDX-License-Identifier: GPL-2.0-or-later
/* Track image parsing, null tracks and the EAV CCHH encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "img/ckdtrack.h"

static uint8_t buf[65536];
static struct ckd_track trk;

static void null_track_lengths(void **s)
{
    (void)s;
    assert_int_equal(ckd_track_null(buf, 0, 1, 0), 37);
    assert_int_equal(ckd_track_null(buf, 0, 1, 1), 29);
    assert_int_equal(ckd_track_null(buf, 0, 1, 2), 49277);
}

static void null_track_shapes(void **s)
{
    (void)s;
    const char *why = NULL;
    size_t n = ckd_track_null(buf, 1234, 7, 2);
    assert_int_equal(ckd_track_parse(buf, n, &trk, &why), 0);
    assert_int_equal(trk.nrecs, 13);
    assert_int_equal(trk.cyl, 1234);
    assert_int_equal(trk.head, 7);
    assert_int_equal(trk.eot + CKD_EOT_SIZE, n);
    for (unsigned r = 1; r < 13; r++) {
        assert_int_equal(trk.rec[r].rec, r);
        assert_int_equal(trk.rec[r].kl, 0);
        assert_int_equal(trk.rec[r].dl, 4096);
        assert_int_equal(trk.rec[r].cyl, 1234);
    }
    n = ckd_track_null(buf, 3, 4, 0);
    assert_int_equal(ckd_track_parse(buf, n, &trk, &why), 0);
    assert_int_equal(trk.nrecs, 2);
    assert_int_equal(trk.rec[1].rec, 1);
    assert_int_equal(trk.rec[1].dl, 0);
    n = ckd_track_null(buf, 3, 4, 1);
    assert_int_equal(ckd_track_parse(buf, n, &trk, &why), 0);
    assert_int_equal(trk.nrecs, 1);
    assert_int_equal(trk.rec[0].dl, 8);
}

static void parse_rejects_bad_tracks(void **s)
{
    (void)s;
    const char *why = NULL;
    size_t n = ckd_track_null(buf, 0, 2, 2);
    /* no end-of-track marker: cut it off */
    assert_int_equal(ckd_track_parse(buf, n - 8, &trk, &why), -1);
    assert_non_null(strstr(why, "end-of-track"));
    /* a record whose DL runs past the end of the image */
    n = ckd_track_null(buf, 0, 2, 0);
    buf[5 + 16 + 6] = 0x10;         /* R1 DL = 0x1000 */
    assert_int_equal(ckd_track_parse(buf, n, &trk, &why), -1);
    assert_non_null(strstr(why, "past the end"));
    /* first record not R0 */
    n = ckd_track_null(buf, 0, 2, 1);
    buf[5 + 4] = 1;
    assert_int_equal(ckd_track_parse(buf, n, &trk, &why), -1);
    assert_non_null(strstr(why, "R0"));
    /* too short to hold anything */
    assert_int_equal(ckd_track_parse(buf, 7, &trk, &why), -1);
}

static void parse_many_records(void **s)
{
    (void)s;
    /* 300 empty records overflow CKD_MAX_RECS and must be refused, not overrun */
    size_t n = ckd_track_null(buf, 0, 2, 1) - CKD_EOT_SIZE;
    for (unsigned r = 1; r <= 300; r++, n += 8) {
        memset(buf + n, 0, 8);
        buf[n + 4] = (uint8_t)r;
    }
    memset(buf + n, 0xFF, 8);
    const char *why = NULL;
    assert_int_equal(ckd_track_parse(buf, n + 8, &trk, &why), -1);
    assert_non_null(strstr(why, "too many"));
}

static void eav_cchh(void **s)
{
    (void)s;
    /* cylinder 70000 head 9: CC = low 16 bits, HH = high cylinder bits in 0xFFF0 */
    assert_int_equal(ckd_cc(70000), 70000 & 0xFFFF);
    assert_int_equal(ckd_hh(70000, 9), (1 << 4) | 9);
    assert_int_equal(ckd_cyl(ckd_cc(70000), ckd_hh(70000, 9)), 70000);
    assert_int_equal(ckd_head(ckd_hh(70000, 9)), 9);
    assert_int_equal(ckd_hh(65520, 14), 14);
    assert_int_equal(ckd_cyl(ckd_cc(1182005), ckd_hh(1182005, 3)), 1182005);
    size_t n = ckd_track_null(buf, 70000, 9, 1);
    assert_int_equal(buf[1] << 8 | buf[2], 70000 & 0xFFFF);
    assert_int_equal(buf[3] << 8 | buf[4], 0x19);
    assert_int_equal(n, 29);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_track_lengths),
        cmocka_unit_test(null_track_shapes),
        cmocka_unit_test(parse_rejects_bad_tracks),
        cmocka_unit_test(parse_many_records),
        cmocka_unit_test(eav_cchh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
