#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: HSCH/CSCH driven from the guest.  `ccwpass fault 0.0.16ca delay_ms=10000`
# makes each command outlast the guest DASD driver's 3 s timeout; the driver
# terminates the I/O (clear subchannel, through QEMU's async region into
# ccwpassd), retries, and — once the delay is removed — completes it with the
# right data; the device stays usable.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init hsch "${1:-}"
e2e_require
cat >"$W/ccwpassd.conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $W/hsch.cckd
cyls = 10
CONF
vol_create "$W/hsch.cckd" 10
daemon_start d -- --config "$W/ccwpassd.conf" -v || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"

guest_boot_bg g "$E2E_SRC/tests/e2e/guest/hsch.sh" -M "$SEED_MACHINE" --mailbox "$W/g.mbox" -t 400 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
gp=$GPID
if wait_line 400 "$W/g.console" '^CCWPASS-VALUE ready=delay|^CCWPASS-EXIT'; then
    tap_check "host: ccwpass fault 0.0.16ca delay_ms=10000" "$CCWPASS" fault 0.0.16ca delay_ms=10000
    mailbox_send "$W/g.mbox" delayed
    if wait_line 120 "$W/g.console" '^CCWPASS-VALUE timedout=1'; then
        tap_check "host: ccwpass fault 0.0.16ca delay_ms=0" "$CCWPASS" fault 0.0.16ca delay_ms=0
    else
        tap_not_ok "the guest reports its timed-out request"
        "$CCWPASS" fault 0.0.16ca delay_ms=0 >/dev/null 2>&1 || true
    fi
    mailbox_send "$W/g.mbox" cleared
else
    tap_not_ok "the guest formatted the DASD and is ready for the delay"; tail -n 30 "$W/g.console" | diag
fi
rc=0; wait "$gp" || rc=$?
guest_tap "$W/g.console" "guest"
guest_exit_check "guest" "$rc"
note "read with the timeout: $(guest_value "$W/g.console" read_ms) ms"

# -- the guest's own halt: cio requests with timeouts during chccwdev -e -------------
guest_boot_bg h "$E2E_SRC/tests/e2e/guest/halt.sh" -M "$SEED_MACHINE" --mailbox "$W/h.mbox" -t 500 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
hp=$GPID
if wait_line 300 "$W/h.console" '^CCWPASS-VALUE ready=delay|^CCWPASS-EXIT'; then
    tap_check "host: ccwpass fault 0.0.16ca delay_ms=15000 (before chccwdev -e)" "$CCWPASS" fault 0.0.16ca delay_ms=15000
    mailbox_send "$W/h.mbox" delayed
    # the guest lets its path verification run into cio's timeouts, then asks
    wait_line 200 "$W/h.console" '^CCWPASS-VALUE ready=clear|^CCWPASS-EXIT' || true
    tap_check "host: ccwpass fault 0.0.16ca delay_ms=0" "$CCWPASS" fault 0.0.16ca delay_ms=0
    mailbox_send "$W/h.mbox" cleared
fi
rc=0; wait "$hp" || rc=$?
guest_tap "$W/h.console" "guest (halt)"
guest_exit_check "guest (halt)" "$rc"
tap_done
