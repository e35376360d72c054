#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: crashes around the passed-through DASD.
#  1. The guest writes files, syncing after each; QEMU is killed (SIGKILL) in the
#     middle: nothing acknowledged (synced) is lost — checked in the next boot.
#  2. ccwpassd is killed (SIGKILL) while the guest writes: the guest sees the
#     device go away and does not hang; the image stays consistent
#     (`ccwpass dasd check`); after a restart every synced file is there.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init crash "${1:-}"
e2e_require
img=$W/crash.cckd
cat >"$W/ccwpassd.conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $img
cyls = 20
CONF
g=$E2E_SRC/tests/e2e/guest/crash.sh
qdev() { echo "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"; }
last_synced() { # last_synced CONSOLE PREFIX -> highest acknowledged number
    sed -n "s/^CCWPASS-VALUE synced=$2\([0-9]*\)\$/\1/p" "$1" | tr -d '\r' | sort -n | tail -n 1
}

vol_create "$img" 20
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"

# -- 1: QEMU killed in the middle of writes ---------------------------------------
guest_boot_bg p1 "$g" -M "$SEED_MACHINE" --append ccwpass.phase=1 -t 900 -- -device "$(qdev)"
p1=$GPID
if wait_line 800 "$W/p1.console" '^CCWPASS-VALUE synced=f5$|^CCWPASS-EXIT' &&
   grep -q '^CCWPASS-VALUE synced=f5$' "$W/p1.console"; then
    kill -KILL "$(cat "$W/p1.console.pid")"
    tap_ok "phase 1: the guest wrote and synced 5 files; QEMU killed (SIGKILL) while it writes more"
else
    tap_not_ok "phase 1: the guest wrote and synced 5 files"; tail -n 30 "$W/p1.console" | diag
fi
wait "$p1" || true
guest_tap "$W/p1.console" "phase 1"
n1=$(last_synced "$W/p1.console" f); n1=${n1:-0}
note "phase 1: $n1 files acknowledged before the kill"
tap_check "ccwpassd survived the VMM's death" kill -0 "$DPID"

# -- 2: ccwpassd killed in the middle of writes --------------------------------------
truncate -s 4096 "$W/p2.mbox"
guest_boot_bg p2 "$g" -M "$SEED_MACHINE" --append "ccwpass.phase=2 ccwpass.n1=$n1" --mailbox "$W/p2.mbox" \
    -t 600 -- -device "$(qdev)"
p2=$GPID
if wait_line 500 "$W/p2.console" '^CCWPASS-VALUE synced=g3$|^CCWPASS-EXIT' &&
   grep -q '^CCWPASS-VALUE synced=g3$' "$W/p2.console"; then
    kill -KILL "$DPID"
    wait "$DPID" 2>/dev/null || true
    tap_ok "phase 2: ccwpassd killed (SIGKILL) while the guest writes"
else
    tap_not_ok "phase 2: the guest writes (g3 synced)"; tail -n 30 "$W/p2.console" | diag
fi
mailbox_send "$W/p2.mbox" killed
rc=0; wait "$p2" || rc=$?
guest_tap "$W/p2.console" "phase 2"
guest_exit_check "phase 2 (guest powered off by itself after the device vanished)" "$rc"
n2=$(last_synced "$W/p2.console" g); n2=${n2:-0}
note "phase 2: $n2 files acknowledged before the kill"
# the killed daemon's FUSE mount is dead; clean it like an admin would
fusermount3 -u -z "$VIEW" 2>/dev/null || true
tap_check "host: ccwpass dasd check: the image is consistent after the kill" "$CCWPASS" dasd check "$img"

# -- 3: restart, everything acknowledged is there ------------------------------------
daemon_start r -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not restart"
tap_ok "ccwpassd restarted on the same image"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed after the restart"
rc=0
guest_boot p3 "$g" -M "$SEED_MACHINE" --append "ccwpass.phase=3 ccwpass.n1=$n1 ccwpass.n2=$n2" -t 600 \
    -- -device "$(qdev)" || rc=$?
guest_tap "$W/p3.console" "phase 3"
guest_exit_check "phase 3" "$rc"
daemon_stop "$DPID"
tap_check "host: ccwpass dasd check after a clean shutdown" "$CCWPASS" dasd check "$img"
tap_done
