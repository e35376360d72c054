#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: one DASD shared by two hosts (docs/shared-dasd.md).  Two ccwpassd, each
# with its own socket, view and state dir, on one volume marked
# `shared = yes`; one guest on each (two QEMUs).  The guests (tests/e2e/guest/
# shared.sh) reserve, query, release and steal with tunedasd -S/-Q/-L/-O and
# read each other's data; the host relays their steps through mailboxes.  At
# the end host A's ccwpassd is SIGKILLed while its guest holds the reserve,
# and guest B breaks it with an unconditional reserve.
#
# usage: shared_dasd.sh [BUILD-DIR] [file|rbd]
#   file (default; meson test shared-dasd): an uncompressed CKD file, the
#        reserve a record beside it (IMAGE.reserve).
#   rbd  (meson test shared-dasd-rbd): a volume made by `ccwpass dasd create
#        rbd:rbd/shared --shared` in a private one-node cluster (scripts/ceph.sh,
#        up for this test only), the reserve RBD's advisory lock on the image.
# Each daemon runs in a network namespace of its own (netns_host); the
# rbd kind's cluster listens on the hub address both reach (netns_hub).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
KIND=${2:-file}
case $KIND in
file) e2e_init shared-dasd "${1:-}" ;;
rbd)  e2e_init shared-dasd-rbd "${1:-}" ;;
*)    echo "usage: shared_dasd.sh [BUILD-DIR] [file|rbd]" >&2; exit 2 ;;
esac
e2e_require
g=$E2E_SRC/tests/e2e/guest/shared.sh
CLI_TIMEOUT=15            # s the rbd CLI may take for one command

# two hosts: a network namespace each, linked to this one
netns_host 1 && A_NETNS=$HOST_NETNS && netns_host 2 && B_NETNS=$HOST_NETNS ||
    tap_bail "cannot make the hosts' network namespaces (ip netns, veth)"
if [ "$KIND" = rbd ]; then
    CEPH_DIR=$W.ceph
    netns_hub || tap_bail "cannot make the hub address for the cluster (veth)"
    export CEPH_ADDR=$HUB_ADDR
    trap 'e2e_teardown; "$E2E_SRC/scripts/ceph.sh" stop "$CEPH_DIR" >/dev/null 2>&1; rm -rf "$CEPH_DIR"' EXIT
    if "$CCWPASS" dasd info rbd:rbd/probe 2>&1 | grep -q "built without Ceph RBD support"; then
        tap_bail "ccwpass was built without librbd (install librbd-dev, scripts/setup.sh, and reconfigure)"
    fi
    "$E2E_SRC/scripts/ceph.sh" start "$CEPH_DIR" >"$W/ceph.path" 2>"$W/ceph.log" ||
        { diag <"$W/ceph.log"; tap_bail "the Ceph fixture did not start (scripts/ceph.sh)"; }
    diag <"$W/ceph.log"
    CONF=$(cat "$W/ceph.path")
    vol=rbd:rbd/shared:conf=$CONF label=rbd:rbd/shared
    tap_check "host: ccwpass dasd create rbd:rbd/shared -c 10 --linux --shared (no exclusive-lock feature)" \
        "$CCWPASS" dasd create "$vol" -c 10 --linux --shared
    # the reserve's holder: the cookie of the image's advisory lock
    holder() { timeout "$CLI_TIMEOUT" rbd -c "$CONF" lock ls rbd/shared 2>&1; }
else
    vol=$W/shared.3390 label=shared.3390
    tap_check "host: ccwpass dasd create shared.3390 -c 10 --linux (uncompressed CKD)" \
        "$CCWPASS" dasd create "$vol" -c 10 --linux
    # the reserve's holder: the record beside the image
    holder() { cat "$vol.reserve" 2>&1; }
fi
printf '[device 0.0.7e52]\nsubchannel = 0.0.16ca\nimage = %s\nshared = yes\n' "$vol" >"$W/ccwpassd.conf"

# host A and host B: a daemon and the seed's steps each
DAEMON_NETNS=$A_NETNS daemon_start a -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd A did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's steps on host A"
A_PID=$DPID A_SOCK=$SOCK A_VIEW=$VIEW A_MDEV=$MDEV_PATH
DAEMON_NETNS=$B_NETNS daemon_start b -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd B did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's steps on host B"
B_PID=$DPID B_SOCK=$SOCK B_VIEW=$VIEW B_MDEV=$MDEV_PATH
netns_of() { readlink "/proc/$1/ns/net"; }
tap_check "host A's and host B's ccwpassd each run in a network namespace of their own" \
    test "$(netns_of "$A_PID")" != "$(netns_of "$B_PID")" -a "$(netns_of "$A_PID")" != "$(netns_of $$)" \
    -a "$(netns_of "$B_PID")" != "$(netns_of $$)"

boot() { # boot a|b SOCK VIEW MDEV
    export CCWPASS_SOCKET=$2 CCWPASS_VIEW=$3
    truncate -s 4096 "$W/$1.mbox"
    guest_boot_bg "$1" "$g" -M "$SEED_MACHINE" --append "ccwpass.role=$1" --mailbox "$W/$1.mbox" -t 1500 \
        -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$4"
}
boot a "$A_SOCK" "$A_VIEW" "$A_MDEV"; ga=$GPID
boot b "$B_SOCK" "$B_VIEW" "$B_MDEV"; gb=$GPID

# relay FROM-GUEST STEP TO-GUEST: wait for the step, mail it to the other guest
relay() {
    if wait_line 900 "$W/$1.console" "^CCWPASS-VALUE step=$2|^CCWPASS-EXIT"; then
        mailbox_send "$W/$3.mbox" "$2"
        grep -q "^CCWPASS-VALUE step=$2" "$W/$1.console"
    else
        tap_not_ok "guest $1 reaches step $2"; tail -n 20 "$W/$1.console" | diag
        return 1
    fi
}
ok=0
for s in "b b-online a" "a a-reserved b" "b b-saw-other a" "a a-released b" "b b-read a" \
         "a a-reserved-again b" "b b-stole a" "a a-saw-lost b" "b b-released a"; do
    # shellcheck disable=SC2086  # FROM STEP TO
    relay $s || { ok=1; break; }
done
if [ $ok = 0 ] && relay a a-holds b; then
    "$CCWPASS" --socket "$A_SOCK" status --json >"$W/status-a.log" 2>&1 || true
    tap_check "host A: status shows the reserve held by this host" grep -Eq '"state": *"self"' "$W/status-a.log"
    kill -KILL "$A_PID"; wait "$A_PID" 2>/dev/null || true
    tap_ok "host A: ccwpassd SIGKILLed while its guest holds the reserve"
    holder >"$W/holder.log"
    tap_check "the dead host's reserve stays ($KIND: held by host A's identity, pid $A_PID)" \
        grep -q ":$A_PID:" "$W/holder.log"
    diag <"$W/holder.log"
    kill -KILL "$(cat "$W/a.console.pid")" 2>/dev/null || true
    fusermount3 -u -z "$A_VIEW" 2>/dev/null || true
    mailbox_send "$W/b.mbox" a-host-killed
fi
rc=0; wait "$gb" || rc=$?
wait "$ga" 2>/dev/null || true
guest_tap "$W/a.console" "guest A"
guest_tap "$W/b.console" "guest B"
guest_exit_check "guest B" "$rc"
"$CCWPASS" --socket "$B_SOCK" status --json >"$W/status-b.log" 2>&1 || true
tap_check "host B: the held starts were counted" grep -Eq '"held": *[1-9]' "$W/status-b.log"
"$CCWPASS" --socket "$B_SOCK" status >"$W/status-b.txt" 2>&1 || true
tap_check "host B: ccwpass status shows the shared volume's reserve" \
    grep -Eq 'shared, reserve: none \(starts held [1-9][0-9]*, losses 0\)' "$W/status-b.txt"
holder >"$W/holder-end.log"
tap_check_fails "host: neither host holds the reserve at the end (B broke A's, then released)" \
    grep -Eq ":($A_PID|$B_PID):" "$W/holder-end.log"
daemon_stop "$B_PID"
tap_check "host: ccwpass dasd check $label" "$CCWPASS" dasd check "$vol"
tap_done
