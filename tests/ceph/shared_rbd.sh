#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shared-DASD sequence of tests/daemon/test_shared.c (two ccwpassd on
# one volume: reserve holds the other host's I/O, release, steal reported
# as a lost reservation, SIGKILL of the holder broken by a steal) on a
# shared RBD volume (`ccwpass dasd create rbd:... --shared`: no
# exclusive-lock feature), in a private cluster of scripts/ceph.sh.
set -u
CEPHSH=$(realpath "${1:?usage: shared_rbd.sh scripts/ceph.sh ccwpass test_daemon_shared}")
CCWPASS=${2:?usage: shared_rbd.sh scripts/ceph.sh ccwpass test_daemon_shared}
BIN=${3:?usage: shared_rbd.sh scripts/ceph.sh ccwpass test_daemon_shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-ceph-shared-XXXXXX")
trap '"$CEPHSH" stop "$T/c" >/dev/null 2>&1; rm -rf "$T"' EXIT
bail() { echo "1..1"; echo "not ok 1 - $1"; sed 's/^/# /' "$2"; exit 1; }
conf=$("$CEPHSH" start "$T/c" 2>"$T/start.err") || bail "the test cluster starts" "$T/start.err"
vol="rbd:rbd/shared:conf=$conf"
"$CCWPASS" dasd create "$vol" -c 1 --linux --shared >"$T/create.out" 2>&1 ||
    bail "ccwpass dasd create $vol --shared" "$T/create.out"
SHARED_IMAGE=$vol CMOCKA_MESSAGE_OUTPUT=TAP "$BIN"
