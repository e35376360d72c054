#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: ccwpassd killed (SIGKILL) while the guest writes to a 3490.
#  1. The guest writes files to the tape with dd, each closed (its tapemark
#     written) before it is acknowledged; ccwpassd is killed in the middle.
#  2. The image passes `ccwpass tape check` (a torn tail is reported, not an
#     error); after a restart (which cuts a torn tail off) the guest reads back
#     every acknowledged file intact; Hercules' tapemap lists them.
#
# usage: tape_crash.sh [BUILD-DIR]     env: E2E_KEEP=1
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init tape-crash "${1:-}"
e2e_require
tape=$W/crash.aws
printf '%s\n' "[device 0.0.0580]" "type = 3490" "image = $tape" "chpids = 51" >"$W/ccwpassd.conf"
g=$E2E_SRC/tests/e2e/guest/tape-crash.sh
qdev() { echo "vfio-ccw,devno=0.0.0580,sysfsdev=$MDEV_PATH"; }
last_acked() { # last_acked CONSOLE -> highest acknowledged file number
    sed -n 's/^CCWPASS-VALUE acked=t\([0-9]*\)$/\1/p' "$1" | tr -d '\r' | sort -n | tail -n 1
}

tap_check "host: ccwpass tape create crash.aws" "$CCWPASS" tape create "$tape"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.0580 0.0.0580 || tap_bail "the seed's sysfs steps failed"

# -- 1: ccwpassd killed in the middle of writes ---------------------------------------
truncate -s 4096 "$W/p1.mbox"
guest_boot_bg p1 "$g" -M "$SEED_MACHINE" --append ccwpass.phase=1 --mailbox "$W/p1.mbox" -t 600 -- -device "$(qdev)"
p1=$GPID
if wait_line 500 "$W/p1.console" '^CCWPASS-VALUE acked=t3$|^CCWPASS-EXIT' &&
   grep -q '^CCWPASS-VALUE acked=t3$' "$W/p1.console"; then
    kill -KILL "$DPID"
    wait "$DPID" 2>/dev/null || true
    tap_ok "phase 1: ccwpassd killed (SIGKILL) while the guest writes its files"
else
    tap_not_ok "phase 1: the guest writes (t3 acknowledged)"; tail -n 30 "$W/p1.console" | diag
fi
mailbox_send "$W/p1.mbox" killed
rc=0; wait "$p1" || rc=$?
guest_tap "$W/p1.console" "phase 1"
guest_exit_check "phase 1 (guest ended by itself after the device vanished)" "$rc"
n=$(last_acked "$W/p1.console"); n=${n:-0}
note "phase 1: $n files acknowledged before the kill; the writer then saw: $(guest_value "$W/p1.console" after_kill)"
# the killed daemon's FUSE mount is dead; clean it like an admin would
fusermount3 -u -z "$VIEW" 2>/dev/null || true
"$CCWPASS" tape check "$tape" >"$W/check1.log" 2>&1
tap_result "host: ccwpass tape check passes on the image ccwpassd was killed over" $? "$W/check1.log"
diag <"$W/check1.log"

# -- 2: restart; every acknowledged file reads back ------------------------------------------
daemon_start r -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not restart"
tap_ok "ccwpassd restarted on the same cartridge"
grep 'torn tail' "$W/daemon-r.log" | diag
seed_steps 0.0.0580 0.0.0580 || tap_bail "the seed's sysfs steps failed after the restart"
rc=0
guest_boot p2 "$g" -M "$SEED_MACHINE" --append "ccwpass.phase=2 ccwpass.n=$n" -t 600 -- -device "$(qdev)" || rc=$?
guest_tap "$W/p2.console" "phase 2"
guest_exit_check "phase 2" "$rc"
daemon_stop "$DPID"
tap_check "host: ccwpass tape check after a clean shutdown" "$CCWPASS" tape check "$tape"
tapemap "$tape" >"$W/tapemap.log" 2>/dev/null || true
diag <"$W/tapemap.log"
files=$(grep -c '^File [0-9]*: Blocks=[1-9]' "$W/tapemap.log")
tap_result "host: Hercules tapemap lists at least the $n acknowledged files ($files)" \
    "$([ "$n" -gt 0 ] && [ "$files" -ge "$n" ]; echo $?)"
tap_done
