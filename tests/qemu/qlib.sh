# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/qemu/qlib.sh — helpers for the adapter tests that run the real
# qemu-system-s390x against the real ccwpassd.  Sourced by a test script that
# was given the build directory as $1.  Output is TAP; the plan comes last.
# Teardown (trap) stops what the test started, by pid, and unmounts the view.

Q_BUILD=$(cd "${1:?usage: $0 BUILD-DIR}" && pwd)
Q_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CCWPASSD=$Q_BUILD/src/daemon/ccwpassd
CCWPASS=$Q_BUILD/src/cli/ccwpass
ADAPTER=$Q_BUILD/src/qemu/ccwpass-qemu.so
W=$(mktemp -d /tmp/ccwpass-qtest.XXXXXX)
DPID="" SOCK="" VIEW="" MDEV_UUID="" MDEV_PATH=""
T_N=0 T_FAIL=0

diag() { sed -e 's/^/# /'; }
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }
# result DESC RC [FILE]: ok when RC is 0, else not ok with the tail of FILE.
result() {
    if [ "$2" -eq 0 ]; then ok "$1"; else
        not_ok "$1"
        [ -z "${3:-}" ] || [ ! -s "$3" ] || tail -n 25 "$3" | diag
    fi
}
# contains DESC FILE REGEX
contains() { grep -Eq -- "$3" "$2"; result "$1" $? "$2"; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; }
bail() { not_ok "$*"; done_testing; exit 1; }

q_teardown() {
    set +e
    if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID"
        wait "$DPID" 2>/dev/null
    fi
    if [ -n "$VIEW" ] && grep -q " $VIEW " /proc/mounts; then
        fusermount3 -u -z "$VIEW" 2>/dev/null || umount -l "$VIEW"
    fi
    if [ "${Q_KEEP:-0}" = 1 ]; then echo "# kept $W" >&2; else rm -rf "$W"; fi
}
trap q_teardown EXIT

# require: the pieces other parts of the project build; a missing one fails the test.
require() {
    local m=()
    [ -x "$CCWPASSD" ] || m+=("ccwpassd is not built ($CCWPASSD)")
    [ -x "$CCWPASS" ] || m+=("ccwpass is not built ($CCWPASS)")
    [ -f "$ADAPTER" ] || m+=("the adapter is not built ($ADAPTER)")
    command -v qemu-system-s390x >/dev/null || m+=("qemu-system-s390x is not installed")
    [ -e /dev/fuse ] || m+=("/dev/fuse is missing (ccwpassd's sysfs view needs FUSE)")
    if ((${#m[@]})); then
        local l
        for l in "${m[@]}"; do not_ok "prerequisite: $l"; done
        done_testing
        exit 1
    fi
}

# daemon_start: a DASD image and ccwpassd serving it on 0.0.16ca/0.0.7e52, with
# the view mounted.  Waits for the daemon's READY line (bounded by read -t).
daemon_start() {
    local line=""
    SOCK=$W/d.sock VIEW=$W/view
    mkdir -p "$VIEW" "$W/state"
    "$CCWPASS" dasd create "$W/d.cckd" -c 20 --cckd >"$W/create.log" 2>&1 || bail "ccwpass dasd create"
    mkfifo "$W/ready"
    "$CCWPASSD" --foreground --socket "$SOCK" --view "$VIEW" --state-dir "$W/state" --mdevctl-dir "$W/mdevctl.d" \
        --image "$W/d.cckd" --ready-fd 3 --verbose 3>"$W/ready" >"$W/daemon.log" 2>&1 &
    DPID=$!
    read -r -t 60 line <"$W/ready" || true
    [ "$line" = READY ] || { diag <"$W/daemon.log"; bail "ccwpassd started (READY)"; }
    export CCWPASS_SOCKET=$SOCK CCWPASS_VIEW=$VIEW
}

# seed_steps: the seed's sysfs steps through the view; sets MDEV_UUID, MDEV_PATH.
seed_steps() {
    local v=$VIEW
    MDEV_UUID=$(cat /proc/sys/kernel/random/uuid)
    { echo 0.0.7e52 >"$v/sys/bus/ccw/devices/0.0.7e52/driver/unbind" &&
      echo 0.0.16ca >"$v/sys/bus/css/devices/0.0.16ca/driver/unbind" &&
      echo 0.0.16ca >"$v/sys/bus/css/drivers/vfio_ccw/bind" &&
      echo "$MDEV_UUID" >"$v/sys/bus/css/devices/0.0.16ca/mdev_supported_types/vfio_ccw-io/create"; } \
        2>"$W/seed.log"
    result "host: vfio_ccw bound and mdev $MDEV_UUID created through the view" $? "$W/seed.log"
    MDEV_PATH=/sys/bus/mdev/devices/$MDEV_UUID
}

# qemu_monitor NAME CMDS LAUNCHER-ARGS...: QEMU paused (-S) with the monitor on
# stdin; runs the monitor commands, then quits.  Output in $W/NAME.out, status
# returned.
qemu_monitor() {
    local name=$1 cmds=$2 rc=0; shift 2
    printf '%s\nquit\n' "$cmds" | timeout -k 5 120 "$CCWPASS" qemu "$@" -nodefaults -nographic -S \
        -monitor stdio >"$W/$name.out" 2>&1 || rc=$?
    return $rc
}
