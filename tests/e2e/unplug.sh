#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: removing the mdev while a guest uses it (the seed's lifecycle in
# reverse).  echo 1 > <view>/sys/bus/mdev/devices/<uuid>/remove while QEMU runs:
# refused with EBUSY (an mdev in use cannot be removed), and the device is
# requested back from QEMU, which unplugs it; the guest sees it go and keeps
# running; a remove then succeeds and the mdev is gone from the view.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init unplug "${1:-}"
e2e_require
vol_create "$W/unplug.cckd" 10
printf '[device 0.0.7e52]\nsubchannel = 0.0.16ca\nimage = %s\n' "$W/unplug.cckd" >"$W/ccwpassd.conf"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
guest_boot_bg g "$E2E_SRC/tests/e2e/guest/unplug.sh" -M "$SEED_MACHINE" --mailbox "$W/g.mbox" -t 400 \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
gp=$GPID
if wait_line 300 "$W/g.console" '^CCWPASS-VALUE ready=remove|^CCWPASS-EXIT'; then
    # An mdev in use cannot be removed: the write fails with EBUSY and asks the
    # VMM to release the device (REQ interrupt); QEMU answers by unplugging it.
    tap_check_fails "host: echo 1 > …/mdev/devices/$MDEV_UUID/remove while QEMU holds it is refused" \
        bash -c "echo 1 > '$MDEV_PATH/remove'"
    cp "$W/.check.out" "$W/remove.err"
    tap_check "host: … with EBUSY (Device or resource busy)" grep -q 'busy' "$W/remove.err"
    tap_check "host: once QEMU has released the device (after the REQ interrupt) the remove succeeds" \
        wait_until 60 bash -c "echo 1 > '$MDEV_PATH/remove'"
    mailbox_send "$W/g.mbox" removed
fi
rc=0; wait "$gp" || rc=$?
tap_check "host: the mdev is gone from the view" wait_until 30 test ! -e "$MDEV_PATH"
guest_tap "$W/g.console" "guest"
guest_exit_check "guest" "$rc"
grep -iE 'unplug|request|remov' "$W/g.console" | grep -v CCWPASS | tail -n 3 | diag
tap_done
