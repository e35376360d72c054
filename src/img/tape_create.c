// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating an empty tape like Hercules' hetinit: unlabelled (two tapemarks)
 * or labelled with an IBM standard VOL1 and a dummy HDR1 record followed by
 * one tapemark, as IEHINITT does (layout as hetinit 3.13 writes it; docs/tape.md).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "img/img_internal.h"
#include "img/tape_internal.h"
#include "img/vtoc.h"

#define TAPE_LABEL_LEN     80
#define TAPE_VOLSER_OFF    4
#define TAPE_VOLSER_LEN    6
#define TAPE_OWNER_OFF     41
#define TAPE_OWNER_LEN     10
#define TAPE_HDR1_FILL     '0'   /* hetinit's HDR1: "HDR1" and 76 EBCDIC zeros */
#define TAPE_EBCDIC_BLANK  0x40

static bool volser_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > TAPE_VOLSER_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && !strchr("@#$-", v[i]))
            return false;
    return true;
}

static void label(uint8_t *rec, const char *id, const char *fill)
{
    memset(rec, TAPE_EBCDIC_BLANK, TAPE_LABEL_LEN);
    ebcdic_put(rec, id, 4);
    if (fill)
        for (size_t i = 4; i < TAPE_LABEL_LEN; i++)
            rec[i] = ebcdic_from_ascii(*fill);
}

static int write_label(struct tape *t, const struct tape_create_opts *o)
{
    uint8_t rec[TAPE_LABEL_LEN];
    char up[TAPE_VOLSER_LEN + 1] = { 0 };
    for (size_t i = 0; o->volser[i] && i < TAPE_VOLSER_LEN; i++)
        up[i] = (char)toupper((unsigned char)o->volser[i]);
    label(rec, "VOL1", NULL);
    ebcdic_put(rec + TAPE_VOLSER_OFF, up, TAPE_VOLSER_LEN);
    if (o->owner)
        ebcdic_put(rec + TAPE_OWNER_OFF, o->owner, TAPE_OWNER_LEN);
    int rc = tape_write_block(t, rec, sizeof rec);
    if (rc != TAPE_OK)
        return rc;
    label(rec, "HDR1", (const char[]){ TAPE_HDR1_FILL, 0 });
    return tape_write_block(t, rec, sizeof rec);
}

int tape_create(const char *path, const struct tape_create_opts *o, char *err, size_t errlen)
{
    if (o->volser && !volser_ok(o->volser))
        return img_fail(err, errlen, EINVAL, "tape %s: volume serial '%s' must be 1 to 6 letters or digits",
                        path, o->volser);
    if (o->owner && strlen(o->owner) > TAPE_OWNER_LEN)
        return img_fail(err, errlen, EINVAL, "tape %s: owner '%s' is longer than %d characters", path, o->owner,
                        TAPE_OWNER_LEN);
    int fd = tape_create_empty(path, err, errlen);
    if (fd < 0)
        return fd;
    /* The tape is opened (and locked) again below; hold this lock until then. */
    struct tape_open_opts oo = { .comp = o->comp == TAPE_COMP_NONE ? TAPE_COMP_ZLIB : o->comp };
    struct tape_open_ex x = { .nolock = true, .force_format = true, .format = o->format };
    struct tape *t = tape_open_ex(path, &oo, &x, err, errlen);
    if (!t) {
        close(fd);
        return -EINVAL;
    }
    int rc = o->volser ? write_label(t, o) : tape_write_tapemark(t);
    if (rc == TAPE_OK)
        rc = tape_write_tapemark(t);
    if (rc != TAPE_OK)
        rc = rc < 0 ? img_fail(err, errlen, -rc, "%s", tape_error(t)) : img_fail(err, errlen, ENOSPC,
                                                                                 "tape %s: no room", path);
    int crc = tape_close(t, rc < 0 ? NULL : err, rc < 0 ? 0 : errlen);
    close(fd);
    return rc < 0 ? rc : crc;
}
