#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: what a user sees when QEMU cannot have the device.
#  - sysfsdev names a UUID no mdev has: QEMU does not start, the error names it;
#  - the mdev is already open in another QEMU: the second QEMU fails with
#    EBUSY ("busy"), the first keeps running; once the first is gone the
#    mdev can be opened again;
#  - ccwpassd is down: the launcher fails at once with an error naming ccwpassd.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init vmm-errors "${1:-}"
e2e_require
cat >"$W/ccwpassd.conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $W/err.cckd
cyls = 10
CONF
vol_create "$W/err.cckd" 10
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
hold=$E2E_SRC/tests/e2e/guest/hold.sh
lscss_g=$E2E_SRC/tests/e2e/guest/lscss-expect.sh

# -- unknown UUID ---------------------------------------------------------------
bad=$(uuidgen)
rc=0
guest_boot unknown "$lscss_g" -M "$SEED_MACHINE" -t 120 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$VIEW/sys/bus/mdev/devices/$bad" || rc=$?
tap_result "unknown UUID: QEMU does not start the guest (run.sh status $rc)" \
    "$([ "$rc" -ne 0 ] && ! grep -q '^CCWPASS-INIT' "$W/unknown.console"; echo $?)" "$W/unknown.console"
grep -iE "$bad|no such|not found|does not exist|unknown" "$W/unknown.console" >"$W/unknown.err" || true
tap_result "unknown UUID: the error names the missing device" "$([ -s "$W/unknown.err" ]; echo $?)" "$W/unknown.console"
diag <"$W/unknown.err"

# -- the mdev already open in another QEMU -----------------------------------------
guest_boot_bg first "$hold" -M "$SEED_MACHINE" --mailbox "$W/first.mbox" -t 400 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
first=$GPID
if wait_line 120 "$W/first.console" '^CCWPASS-VALUE holding=1|^CCWPASS-EXIT'; then
    tap_ok "first QEMU runs a guest with the mdev open"
else
    tap_not_ok "first QEMU runs a guest with the mdev open"; tail -n 20 "$W/first.console" | diag
fi
rc=0
guest_boot second "$lscss_g" -M "$SEED_MACHINE" -t 120 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
tap_result "second QEMU on the same mdev does not start (run.sh status $rc)" \
    "$([ "$rc" -ne 0 ] && ! grep -q '^CCWPASS-INIT' "$W/second.console"; echo $?)" "$W/second.console"
grep -iE 'busy|EBUSY' "$W/second.console" >"$W/second.err" || true
tap_result "second QEMU: the error says the device is busy (EBUSY)" "$([ -s "$W/second.err" ]; echo $?)" "$W/second.console"
diag <"$W/second.err"
mailbox_send "$W/first.mbox" "done"
rc=0; wait "$first" || rc=$?
guest_tap "$W/first.console" "first guest"
guest_exit_check "first guest (kept running, then ended cleanly)" "$rc"
rc=0
guest_boot third "$lscss_g" -M "$SEED_MACHINE" -t 300 --append "ccwpass.expect=present" \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
guest_tap "$W/third.console" "after the first QEMU ended"
guest_exit_check "a new QEMU opens the released mdev" "$rc"

# -- ccwpassd down ----------------------------------------------------------------
daemon_stop "$DPID"
tap_check "ccwpassd stopped: its view is unmounted" bash -c "! grep -q ' $VIEW ' /proc/mounts"
t0=${EPOCHREALTIME/./}
rc=0
guest_boot down "$lscss_g" -M "$SEED_MACHINE" -t 120 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
t1=${EPOCHREALTIME/./}
tap_result "ccwpassd down: QEMU does not start the guest (run.sh status $rc, $(( (t1 - t0) / 1000 )) ms)" \
    "$([ "$rc" -ne 0 ] && ! grep -q '^CCWPASS-INIT' "$W/down.console"; echo $?)" "$W/down.console"
grep -iE 'ccwpassd|not running|connect' "$W/down.console" >"$W/down.err" || true
tap_result "ccwpassd down: the error names ccwpassd" "$([ -s "$W/down.err" ]; echo $?)" "$W/down.console"
diag <"$W/down.err"
tap_done
