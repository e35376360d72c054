#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs test_eckd_rbd (the ECKD device on a volume in RBD) against a private
# single-node cluster of scripts/ceph.sh, which the test itself stops for
# its last case.  TAP from the test.
set -u
CEPHSH=$(realpath "${1:?usage: eckd_rbd.sh scripts/ceph.sh TEST-BINARY}")
BIN=${2:?usage: eckd_rbd.sh scripts/ceph.sh TEST-BINARY}
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-ceph-eckd-XXXXXX")
trap '"$CEPHSH" stop "$T/c" >/dev/null 2>&1; rm -rf "$T"' EXIT
if ! conf=$("$CEPHSH" start "$T/c" 2>"$T/start.err"); then
    echo "1..1"; echo "not ok 1 - the test cluster starts"; sed 's/^/# /' "$T/start.err"; exit 1
fi
CEPH_CONF=$conf CEPH_SH=$CEPHSH CEPH_DIR=$T/c CMOCKA_MESSAGE_OUTPUT=TAP "$BIN"
