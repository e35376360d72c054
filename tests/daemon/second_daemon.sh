#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A second ccwpassd on a view or a socket that a live ccwpassd already
# serves is refused at once, with "error:" and what to do, before it
# creates anything (no volume in its state dir, no second FUSE mount over
# the first, no socket); the first daemon keeps serving.  `timeout` only
# guards against a second daemon that starts after all.  Prints TAP.
# usage: second_daemon.sh CCWPASSD CCWPASS
D=$1 C=$2
GUARD_S=30          # far above the milliseconds a refusal takes
KILL_AFTER_S=5
EXIT_IN_USE=1
. "$(dirname "$0")/lib.sh"
has() { grep -qF -- "$2" "$1" || { echo "# '$2' not in:"; sed 's/^/#   /' "$1"; return 1; }; }
# mounts VIEW: how many mounts sit on the directory VIEW
mounts() { awk -v m="$1" '$5 == m' /proc/self/mountinfo | wc -l; }

T=$(mktemp -d /tmp/ccwp2-XXXXXX)
V=$T/view
cleanup() {
    if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    while mountpoint -q "$V" 2>/dev/null; do umount -l "$V" || break; done
    rm -rf "$T"
}
trap cleanup EXIT
mkfifo "$T/ready"
"$D" --foreground --socket "$T/sock" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --view "$V" --ready-fd 3 3>"$T/ready" 2>"$T/log" &
pid=$!
if ! read -r line <"$T/ready" || [ "$line" != READY ]; then
    echo "1..1"; echo "not ok 1 - the first ccwpassd did not start"; sed 's/^/# /' "$T/log"; exit 1
fi
V=$(realpath "$V")

# second DIR SOCKET: a second daemon in the foreground; its exit status
second() {
    timeout -k "$KILL_AFTER_S" "$GUARD_S" "$D" --foreground --socket "$2" --state-dir "$T/state2" --mdevctl-dir "$T/mdevctl.d" \
        --view "$1" 2>"$T/err" </dev/null
}

second "$V" "$T/sock2"; rc=$?
check "a second daemon on the same view is refused" eq "$rc" "$EXIT_IN_USE"
check "the message says the view is served and what to do" has "$T/err" \
    "ccwpassd: error: view $V is already served by another ccwpassd (stop that one, or give this one another --view DIR)"
check "the refused daemon created no volume" test ! -e "$T/state2/dasd-0.0.7e52.cckd"
check "the refused daemon created no socket" test ! -e "$T/sock2"
check "one FUSE mount on the view, not two" eq "$(mounts "$V")" 1
check "the first daemon's view still answers" eq "$(cat "$V/sys/bus/css/devices/0.0.16ca/type")" 0

second "$T/view2" "$T/sock"; rc=$?
check "a second daemon on the same socket is refused" eq "$rc" "$EXIT_IN_USE"
check "the message says the socket is served and what to do" has "$T/err" \
    "ccwpassd: error: socket $T/sock is already served by another ccwpassd (stop that one, or give this one another --socket PATH)"
check "the refused daemon created no volume" test ! -e "$T/state2/dasd-0.0.7e52.cckd"
check "the refused daemon mounted no view" eq "$(mounts "$T/view2")" 0
check "the first daemon still answers on its socket" eq "$("$C" --socket "$T/sock" status >/dev/null; echo $?)" 0
echo "1..$n"
exit $((fails > 0))
