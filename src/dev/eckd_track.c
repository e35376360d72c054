// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The current track and the orientation on it (3990 "orientation": index,
 * count, key, data, end of track).  The device works on an in-memory copy of
 * one track image; reads come from it, writes modify it and mark it dirty.
 * A dirty copy is stored with img_write_track() once (docs/eckd.md "Track
 * writes"): before another track is loaded, at the command that ends the
 * chain (eckd_exec, before its status is presented), and when the program
 * ends otherwise, on reset and on close.  A store that fails ends the
 * command in progress with equipment check and drops the copy.  A store
 * may still be in flight when img_write_track() returns (RBD volumes):
 * eckd_trk_settle() waits for all of them at the points above that end
 * or pause a program, and a failed one is reported there the same way.  The copy
 * stays valid across channel programs because the image is opened
 * exclusively by this device.
 */
#include <stdio.h>
#include <string.h>
#include "dev/eckd_priv.h"

static const uint8_t eot_marker[CKD_EOT_SIZE] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

void eckd_trk_invalidate(struct eckd *e)
{
    e->trk.valid = false;
    e->trk.dirty = false;
    e->orient = OR_NONE;
    e->cur = 0;
}

static int equipment_check(struct eckd *e, struct ccw_result *r)
{
    eckd_trk_invalidate(e);
    return eckd_fail(e, r, SNS0_EQUIP_CHECK, 0, SNS7_F1(0));
}

static int trk_load(struct eckd *e, uint32_t cyl, uint32_t head, struct ccw_result *r)
{
    struct eckd_trk *t = &e->trk;
    const char *why = NULL;

    if (t->valid && t->cyl == cyl && t->head == head)
        return 0;
    if (eckd_trk_flush(e, r) < 0)
        return -1;
    t->valid = false;
    if (img_read_track(e->im, cyl, head, t->img, CKD_MAX_TRACK_IMAGE, &t->len) < 0) {
        fprintf(stderr, "eckd %04x: %s\n", e->cfg.devno, img_error(e->im));
        return equipment_check(e, r);
    }
    if (ckd_track_parse(t->img, t->len, &t->t, &why) < 0) {
        fprintf(stderr, "eckd %04x: %s: cyl %u head %u: %s\n", e->cfg.devno, img_path(e->im),
                cyl, head, why);
        return equipment_check(e, r);
    }
    t->cyl = cyl;
    t->head = head;
    t->valid = true;
    return 0;
}

void eckd_trk_mark_dirty(struct eckd *e)
{
    e->trk.dirty = true;
}

int eckd_trk_flush(struct eckd *e, struct ccw_result *r)
{
    struct eckd_trk *t = &e->trk;

    if (!t->valid || !t->dirty)
        return 0;
    if (img_write_track(e->im, t->cyl, t->head, t->img, t->len) < 0) {
        fprintf(stderr, "eckd %04x: %s\n", e->cfg.devno, img_error(e->im));
        if (r)
            return equipment_check(e, r);
        eckd_trk_invalidate(e);
        return -1;
    }
    t->dirty = false;
    return 0;
}

int eckd_trk_settle(struct eckd *e, struct ccw_result *r)
{
    int rc = eckd_trk_flush(e, r);

    if (img_settle(e->im) < 0) {        /* even after a failed store: nothing stays in flight */
        fprintf(stderr, "eckd %04x: %s\n", e->cfg.devno, img_error(e->im));
        if (rc == 0 && r)
            return equipment_check(e, r);
        eckd_trk_invalidate(e);
        return -1;
    }
    return rc;
}

bool eckd_in_extent(const struct eckd *e, uint32_t cyl, uint32_t head)
{
    uint32_t n = eckd_trkno(e, cyl, head);
    return cyl < e->cyls && head < e->heads && n >= e->p.xbeg && n <= e->p.xend;
}

int eckd_seek(struct eckd *e, uint32_t cyl, uint32_t head, struct ccw_result *r)
{
    if (trk_load(e, cyl, head, r) < 0)
        return -1;
    e->orient = OR_INDEX;
    e->cur = 0;
    return 0;
}

const struct ckd_rec *eckd_cur(const struct eckd *e)
{
    return &e->trk.t.rec[e->cur];
}

uint8_t *eckd_rec_key(struct eckd *e, const struct ckd_rec *rec)
{
    return e->trk.img + rec->off + CKD_COUNT_SIZE;
}

uint8_t *eckd_rec_data(struct eckd *e, const struct ckd_rec *rec)
{
    return e->trk.img + rec->off + CKD_COUNT_SIZE + rec->kl;
}

/* Multitrack: continue on the next track.  Outside a Locate Record domain the
 * file mask may forbid it and the cylinder boundary ends it; inside, the
 * extent does. */
int eckd_mt_advance(struct eckd *e, uint8_t code, struct ccw_result *r)
{
    uint32_t cyl = e->trk.cyl, head = e->trk.head + 1;

    if (e->p.lcount == 0 && (e->p.fmask & DE_SKCTL) == DE_SKCTL_INH_MT)
        return eckd_fail(e, r, 0, SNS1_FILE_PROT, 0);
    if (e->p.lcount == 0 && head >= e->heads)
        return eckd_fail(e, r, 0, SNS1_END_OF_CYL, 0);
    if (head >= e->heads) {
        head = 0;
        cyl++;
    }
    if (!eckd_in_extent(e, cyl, head))
        return eckd_fail(e, r, 0, SNS1_FILE_PROT, 0);
    return eckd_seek(e, cyl, head, r);
}

/* Commands that see R0 when they read the next count field. */
static bool sees_r0(uint8_t code)
{
    uint8_t c = code & 0x7F;
    return code == 0xDE || c == 0x16 || c == 0x31 || c == 0x51 || c == 0x71 ||
           code == 0x47 || code == 0x4B || code == 0x9D || code == 0xE7;
}

static bool is_search_id(uint8_t code)
{
    uint8_t c = code & 0x7F;
    return c == 0x31 || c == 0x51 || c == 0x71;
}

/* End of track reached while looking for a count field.  0: continue the
 * search (wrapped to index or moved to the next track), -1: unit check. */
static int end_of_track(struct eckd *e, uint8_t code, struct ccw_result *r)
{
    bool mt_read = e->p.lcount == 0 && eckd_is_mt(code) && (ccw_cmd_dir(code) == CCW_DIR_READ);

    if (code == 0x47 || code == 0x4B || code == 0xE7 || code == 0x9D || (e->p.xmark && !mt_read))
        return eckd_fail(e, r, 0, SNS1_NO_REC_FOUND, 0);
    if (!eckd_is_mt(code)) {
        e->orient = OR_INDEX;       /* index point: back to the start */
        e->cur = 0;
        e->p.xmark = true;
        return 0;
    }
    if (eckd_mt_advance(e, code, r) < 0)
        return -1;
    if (!is_search_id(code))
        e->p.xmark = true;
    return 0;
}

/*
 * Orient to the next count field (3990 semantics as Hercules' ckd_read_count):
 * returns 0 oriented on a count (e->cur), 1 at the end-of-track marker (only
 * for Read Track), -1 with unit check (no record found at the second index
 * point, file protected when a multitrack operation leaves the extent).
 */
int eckd_read_count(struct eckd *e, uint8_t code, struct ccw_result *r)
{
    bool skip_r0 = !sees_r0(code);

    if (e->orient == OR_EOT && code != 0xDE) {
        if (eckd_mt_advance(e, code, r) < 0)
            return -1;
    }
    for (;;) {
        unsigned next = e->orient == OR_INDEX || e->orient == OR_NONE ? 0 : e->cur + 1;

        if (next < e->trk.t.nrecs) {
            e->cur = next;
            e->orient = OR_COUNT;
            if (skip_r0 && e->trk.t.rec[next].rec == 0 && next == 0)
                continue;
            return 0;
        }
        e->orient = OR_EOT;
        e->cur = e->trk.t.nrecs - 1;
        if (code == 0xDE)
            return 1;
        if (end_of_track(e, code, r) < 0)
            return -1;
    }
}

uint32_t eckd_write_offset(const struct eckd *e, unsigned *keep)
{
    const struct ckd_track *t = &e->trk.t;

    if (e->orient == OR_INDEX || e->orient == OR_NONE) {
        *keep = 0;
        return CKD_HA_SIZE;
    }
    const struct ckd_rec *rec = e->orient == OR_EOT ? &t->rec[t->nrecs - 1] : &t->rec[e->cur];
    *keep = e->orient == OR_EOT ? t->nrecs : e->cur + 1;
    return rec->off + CKD_COUNT_SIZE + rec->kl + rec->dl;
}

/* Cells used by the first `keep` records, R0 excluded. */
static unsigned cells_kept(const struct eckd *e, unsigned keep)
{
    unsigned sum = 0;
    for (unsigned i = 1; i < keep; i++)
        sum += eckd_rec_cells(e->devtype, e->trk.t.rec[i].kl, e->trk.t.rec[i].dl);
    return sum;
}

/* Offset just past the first `keep` records (the home address if none). */
static uint32_t end_of_kept(const struct eckd *e, unsigned keep)
{
    if (keep == 0)
        return CKD_HA_SIZE;
    const struct ckd_rec *last = &e->trk.t.rec[keep - 1];
    return last->off + CKD_COUNT_SIZE + last->kl + last->dl;
}

static int reparse(struct eckd *e, struct ccw_result *r)
{
    const char *why;
    if (ckd_track_parse(e->trk.img, e->trk.len, &e->trk.t, &why) < 0)
        return equipment_check(e, r);
    return 0;
}

int eckd_trk_put_record(struct eckd *e, unsigned keep, const uint8_t *rec, uint32_t have,
                        struct ccw_result *r)
{
    uint8_t count[CKD_COUNT_SIZE] = { 0 };
    uint32_t off = end_of_kept(e, keep);

    memcpy(count, rec, have < CKD_COUNT_SIZE ? have : CKD_COUNT_SIZE);
    uint32_t kl = count[5], dl = be16_get(count + 6);
    uint32_t size = CKD_COUNT_SIZE + kl + dl;

    if (keep > 0 && cells_kept(e, keep) + eckd_rec_cells(e->devtype, kl, dl) > eckd_track_cells(e->devtype))
        return eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
    if (off + size + CKD_EOT_SIZE > e->trksize || e->trk.t.nrecs >= CKD_MAX_RECS)
        return eckd_fail(e, r, 0, SNS1_INV_TRK_FMT, 0);
    uint8_t *p = e->trk.img + off;
    memcpy(p, count, CKD_COUNT_SIZE);
    uint32_t body = have > CKD_COUNT_SIZE ? have - CKD_COUNT_SIZE : 0;
    if (body > kl + dl)
        body = kl + dl;
    if (body)
        memcpy(p + CKD_COUNT_SIZE, rec + CKD_COUNT_SIZE, body);
    memset(p + CKD_COUNT_SIZE + body, 0, kl + dl - body);
    memcpy(p + size, eot_marker, CKD_EOT_SIZE);
    e->trk.len = off + size + CKD_EOT_SIZE;
    if (reparse(e, r) < 0)
        return -1;
    e->cur = keep;
    e->orient = OR_DATA;
    eckd_trk_mark_dirty(e);
    return 0;
}

int eckd_trk_erase_after(struct eckd *e, unsigned keep, struct ccw_result *r)
{
    uint32_t off = end_of_kept(e, keep);

    memcpy(e->trk.img + off, eot_marker, CKD_EOT_SIZE);
    e->trk.len = off + CKD_EOT_SIZE;
    if (reparse(e, r) < 0)
        return -1;
    e->cur = keep ? keep - 1 : 0;
    e->orient = OR_DATA;
    eckd_trk_mark_dirty(e);
    return 0;
}
