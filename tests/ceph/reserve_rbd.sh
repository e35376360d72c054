#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs test_reserve_rbd (the RBD reserve arbiter) against a private
# single-node cluster of scripts/ceph.sh, stopped afterwards.  TAP from the test.
set -u
CEPHSH=$(realpath "${1:?usage: reserve_rbd.sh scripts/ceph.sh TEST-BINARY}")
BIN=${2:?usage: reserve_rbd.sh scripts/ceph.sh TEST-BINARY}
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-ceph-rsv-XXXXXX")
trap '"$CEPHSH" stop "$T/c" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! conf=$("$CEPHSH" start "$T/c" 2>"$T/start.err"); then
    echo "1..1"; echo "not ok 1 - the test cluster starts"; sed 's/^/# /' "$T/start.err"; exit 1
fi
CEPH_CONF=$conf CMOCKA_MESSAGE_OUTPUT=TAP "$BIN"
