#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where ccwpassd's log goes.  Detached (no --foreground) and without systemd
# it must let go of the caller's stdio, so `out=$(ccwpassd … 2>&1)` and
# `ccwpassd | tee` return once it serves instead of when it exits, and it
# logs to syslog or to --log-file.  Under systemd (JOURNAL_STREAM or
# NOTIFY_SOCKET set) it logs to stderr with sd-daemon priority prefixes
# ("<6>" info, "<4>" warning, "<3>" error) so the journal keeps the levels.
# `timeout` only guards against a hang.  Prints TAP.
# usage: logging_test.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/notify_lib.sh"
EXIT_TIMEOUT=124

T=$(mktemp -d /tmp/ccwpl-XXXXXX)
daemons=()
cleanup() {
    for p in "${daemons[@]}"; do    # those still running (a pid may have been reused)
        [ "$(cat /proc/"$p"/comm 2>/dev/null)" = ccwpassd ] && kill -TERM "$p"
    done
    for v in "$T"/view*; do mountpoint -q "$v" 2>/dev/null && umount -l "$v"; done
    if [ -n "${jp:-}" ]; then kill -TERM "$jp" 2>/dev/null; wait "$jp" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
# peer_pid SOCKET: the pid of the daemon listening there (SO_PEERCRED)
peer_pid() {
    python3 -c 'import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
print(struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])' "$1" 2>/dev/null
}
# stop PID: SIGTERM, then wait (bounded) until it is gone
stop() {
    [[ ${1:-} =~ ^[1-9][0-9]*$ ]] || { echo "# no daemon pid"; return 1; }
    kill -TERM "$1" && timeout "$GUARD_S" tail --pid="$1" -f /dev/null
}
# detached N [ARGS]: start a detached daemon #N inside a command
# substitution that also takes stderr; prints the substitution's status
detached() {
    local i=$1; shift
    timeout -k 5 "$GUARD_S" bash -c 'out=$("$@" 2>&1); rc=$?; printf "%s\n" "$out" >&2; exit $rc' _ \
        "$D" --socket "$T/sock$i" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --view "$T/view$i" "$@" </dev/null 2>"$T/out$i"
    echo $?
}

# --- detached, no systemd, no --log-file: syslog, and the caller is let go -------------
unset JOURNAL_STREAM NOTIFY_SOCKET
rc=$(detached 1)
p=$(peer_pid "$T/sock1"); [ -n "$p" ] && daemons+=("$p")
check "\$(ccwpassd 2>&1) returns once the daemon serves (not after ${GUARD_S}s)" eq "$rc" 0
check "the detached daemon answers ccwpass status" has "$("$C" --socket "$T/sock1" status 2>&1)" "0.0.16ca"
check "the daemon is a process of its own" test -n "$p"
check "SIGTERM stops it" stop "${p:-}"

# --- detached with --log-file ----------------------------------------------------------
rc=$(detached 2 --log-file "$T/daemon.log")
p=$(peer_pid "$T/sock2"); [ -n "$p" ] && daemons+=("$p")
check "with --log-file: returns at once with status 0" eq "$rc" 0
check "the daemon answers ccwpass status" has "$("$C" --socket "$T/sock2" status 2>&1)" "0.0.16ca"
check "--log-file has the startup line" has "$(cat "$T/daemon.log" 2>&1)" "ready: 1 subchannel(s)"
check "its lines name the daemon and its pid" has "$(cat "$T/daemon.log" 2>&1)" "ccwpassd[${p:-?}]: ready:"
check "SIGTERM stops it" stop "${p:-}"
check "--log-file has the shutdown line" has "$(cat "$T/daemon.log" 2>&1)" "ccwpassd[${p:-?}]: stopped"
rc=$(detached 3 --log-file "$T/no/such/dir/log")
check "an unwritable --log-file is refused with status 2" eq "$rc" 2
check "naming the file" has "$(cat "$T/out3")" "$T/no/such/dir/log"

# --- under systemd: stderr with priority prefixes --------------------------------------
# a malformed mdevctl definition makes a warning line
mkdir -p "$T/mdevctl.d/0.0.16ca"
echo '{' >"$T/mdevctl.d/0.0.16ca/2a1c0f5e-8d41-4f0b-9e7a-3c6b5d4e2f10"
mkfifo "$T/ready"
JOURNAL_STREAM=0:0 timeout -k 5 "$GUARD_S" "$D" --foreground --socket "$T/sock4" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" \
    --no-fuse --ready-fd 3 3>"$T/ready" 2>"$T/journal" </dev/null &
jp=$!
read -r -t "$GUARD_S" _ <"$T/ready"
kill -TERM "$jp"; wait "$jp"; rc=$?; jp=
check "JOURNAL_STREAM: the daemon ran and stopped with status 0" eq "$rc" 0
check "info lines carry <6>" grep -q '^<6>ready: 1 subchannel(s)' "$T/journal"
check "warnings carry <4>" grep -q '^<4>warning: mdevctl definition .*: malformed' "$T/journal"
check "every line has a priority prefix" eq "$(grep -vc '^<[0-7]>' "$T/journal")" 0
echo "1..$n"
exit $((fails > 0))
