#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ccwpassd under a service manager's notification socket (sd_notify(3)):
# with NOTIFY_SOCKET set it says READY=1 (with a STATUS= line) only once
# its socket and its view serve, and STOPPING=1 when SIGTERM stops it.
# systemd is not needed: notify_listen.py plays its socket.  Prints TAP.
# usage: sdnotify_test.sh CCWPASSD CCWPASS NOTIFY_LISTEN
D=$1 C=$2 L=$3
. "$(dirname "$0")/notify_lib.sh"

T=$(mktemp -d /tmp/ccwpn-XXXXXX)
V=$T/view S=$T/sock
cleanup() {
    if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    mountpoint -q "$V" 2>/dev/null && umount -l "$V"
    unlisten
    rm -rf "$T"
}
trap cleanup EXIT

listen "$L" "$T/notify" || { echo "1..1"; echo "not ok 1 - notify listener"; exit 1; }
"$D" --foreground --socket "$S" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --view "$V" 2>"$T/log" </dev/null &
pid=$!
check "READY=1 arrives on NOTIFY_SOCKET" await READY=1
check "with a STATUS= line saying it serves" await STATUS=serving
check "the socket then answers ccwpass status" has "$("$C" --socket "$S" status 2>&1)" "0.0.16ca"
check "and the view is mounted" mountpoint -q "$V"
kill -TERM "$pid"
check "SIGTERM: STOPPING=1 arrives" await STOPPING=1
wait "$pid"; rc=$?; pid=
check "the daemon exits 0" eq "$rc" 0
check "its log has no error" eq "$(grep -c 'error' "$T/log")" 0
echo "1..$n"
exit $((fails > 0))
