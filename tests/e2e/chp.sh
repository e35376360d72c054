#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: channel paths.  `ccwpass chp 0.50 off` takes the DASD's only path away
# while the guest runs: the guest learns it (channel report, STSCH through the
# schib region) and loses the path; `ccwpass chp 0.50 on` brings it back and
# the DASD works again.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init chp "${1:-}"
e2e_require
vol_create "$W/chp.cckd" 10
printf '[device 0.0.7e52]\nsubchannel = 0.0.16ca\nimage = %s\n' "$W/chp.cckd" >"$W/ccwpassd.conf"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
guest_boot_bg g "$E2E_SRC/tests/e2e/guest/chp.sh" -M "$SEED_MACHINE" --mailbox "$W/g.mbox" -t 400 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
gp=$GPID
if wait_line 300 "$W/g.console" '^CCWPASS-VALUE ready=off|^CCWPASS-EXIT'; then
    tap_check "host: ccwpass chp 0.50 off" "$CCWPASS" chp 0.50 off
    "$CCWPASS" status 2>&1 | grep -i 'chpid' | diag
    mailbox_send "$W/g.mbox" off
    if wait_line 120 "$W/g.console" '^CCWPASS-VALUE ready=on|^CCWPASS-EXIT'; then
        tap_check "host: ccwpass chp 0.50 on" "$CCWPASS" chp 0.50 on
    fi
    mailbox_send "$W/g.mbox" on
fi
rc=0; wait "$gp" || rc=$?
guest_tap "$W/g.console" "guest"
guest_exit_check "guest" "$rc"
for k in pimpampom_before pimpampom_off availability_off pimpampom_on; do
    note "guest: $k=$(guest_value "$W/g.console" "$k")"
done
tap_done
