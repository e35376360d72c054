#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a cmocka test binary (test_reserve_rbd, test_eckd_rbd) against a
# private single-node cluster of scripts/ceph.sh, stopped afterwards.  The
# binary finds the cluster in CEPH_CONF, and may stop it itself for a last
# case (CEPH_SH stop CEPH_DIR).  TAP from the test.
set -u
usage="usage: with_cluster.sh scripts/ceph.sh TEST-BINARY"
CEPHSH=$(realpath "${1:?$usage}")
BIN=${2:?$usage}
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-ceph-test-XXXXXX")
trap '"$CEPHSH" stop "$T/c" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! conf=$("$CEPHSH" start "$T/c" 2>"$T/start.err"); then
    echo "1..1"; echo "not ok 1 - the test cluster starts"; sed 's/^/# /' "$T/start.err"; exit 1
fi
CEPH_CONF=$conf CEPH_SH=$CEPHSH CEPH_DIR=$T/c CMOCKA_MESSAGE_OUTPUT=TAP "$BIN"
