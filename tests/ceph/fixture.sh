#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/ceph.sh, the single-node Ceph test cluster: it comes up healthy
# with a pool for images, two clusters side by side do not see each other,
# a second start on a running cluster is refused, and stop leaves no
# process behind.  Prints TAP.
set -u
CEPHSH=$(realpath "${1:?usage: fixture.sh path/to/scripts/ceph.sh}")
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-ceph-XXXXXX")
trap '"$CEPHSH" stop "$T/a" >/dev/null 2>&1; "$CEPHSH" stop "$T/b" >/dev/null 2>&1; rm -rf "$T"' EXIT
n=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
pids() { cat "$1"/pids/*.pid 2>/dev/null; }

echo "1..9"
"$CEPHSH" start "$T/a" >"$T/a.out" 2>"$T/a.err"; rc=$?
[ $rc = 0 ] && [ "$(cat "$T/a.out")" = "$T/a/ceph.conf" ]; ok $? "start prints the path of its ceph.conf"
sed 's/^/# /' "$T/a.err"
timeout 30 ceph -c "$T/a/ceph.conf" health | grep -q '^HEALTH_OK'; ok $? "the cluster reports HEALTH_OK"
timeout 30 rbd -c "$T/a/ceph.conf" create rbd/probe --size 16M && timeout 30 rbd -c "$T/a/ceph.conf" ls rbd | grep -qx probe
ok $? "pool rbd takes an image"
"$CEPHSH" start "$T/a" >/dev/null 2>"$T/again.err"; rc=$?
[ $rc != 0 ] && grep -q "holds a running cluster already" "$T/again.err"; ok $? "a second start on a running cluster is refused"
"$CEPHSH" start "$T/b" >/dev/null 2>&1 && ! timeout 30 rbd -c "$T/b/ceph.conf" ls rbd | grep -q probe
ok $? "a second cluster beside the first is separate"
a_pids=$(pids "$T/a")
timeout 60 "$CEPHSH" stop "$T/a"; rc=$?
alive=0; for p in $a_pids; do kill -0 "$p" 2>/dev/null && alive=1; done
[ $rc = 0 ] && [ -n "$a_pids" ] && [ $alive = 0 ]; ok $? "stop ends every process start began"
! "$CEPHSH" status "$T/a" >"$T/st.out" 2>&1 && grep -q "mon.a: not running" "$T/st.out"
ok $? "status of a stopped cluster says so and fails"
timeout 30 ceph -c "$T/b/ceph.conf" health | grep -q '^HEALTH_OK'; ok $? "the other cluster still runs"
# a stale cluster: its processes died without stop (SIGKILL, a killed test)
for p in $(pids "$T/b"); do kill -KILL "$p"; done
for p in $(pids "$T/b"); do timeout 30 tail --pid="$p" -f /dev/null; done   # until each has exited
"$CEPHSH" start "$T/b" >/dev/null 2>"$T/stale.err" && timeout 30 ceph -c "$T/b/ceph.conf" health | grep -q '^HEALTH_OK'
r=$?; [ $r = 0 ] || sed 's/^/# /' "$T/stale.err"; ok $r "start replaces a stale cluster whose processes are gone"
