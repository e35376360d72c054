/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the reserve arbiter tests, shared by the file backend's
 * (tests/img/test_reserve.c) and the RBD backend's
 * (tests/ceph/test_reserve_rbd.c): what a test asks of any backend through
 * src/img/reserve.h.  Include after <cmocka.h>.
 */
#ifndef CCWPASS_TESTS_IMG_RESERVE_TU_H
#define CCWPASS_TESTS_IMG_RESERVE_TU_H

#include <stddef.h>
#include "img/reserve.h"

/**
 * tu_reserve_opened() - a backend's open must have succeeded
 * @r:   what the backend's reserve_open_*() returned
 * @err: its message
 *
 * Fails the test with @err if @r is NULL.
 *
 * Return: @r.
 */
static inline struct reserve *tu_reserve_opened(struct reserve *r, const char *err)
{
    if (!r)
        fail_msg("%s", err);
    return r;
}

/**
 * tu_reserve_state() - who holds the reserve, as @r sees it
 * @r:      the arbiter
 * @holder: the holder's identity, out; may be NULL
 * @cap:    size of @holder
 *
 * Fails the test if the query fails.
 *
 * Return: RESERVE_NONE, RESERVE_SELF or RESERVE_OTHER.
 */
static inline enum reserve_state tu_reserve_state(struct reserve *r, char *holder, size_t cap)
{
    enum reserve_state st = RESERVE_NONE;

    assert_int_equal(reserve_query(r, &st, holder, cap), 0);
    return st;
}

#endif
