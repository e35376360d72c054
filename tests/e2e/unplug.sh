#!/usr/bin/env bash
# e2e: removing the mdev while a guest uses it (the seed's lifecycle in
# reverse).  echo 1 > <view>/sys/bus/mdev/devices/<uuid>/remove while QEMU runs:
# the device is requested back from QEMU, which unplugs it; the guest sees it
# go and keeps running; the mdev is gone from the view afterwards.
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
    rm_rc=0
    timeout 60 bash -c "echo 1 > '$MDEV_PATH/remove'" 2>"$W/remove.err" || rm_rc=$?
    # like the kernel's mdev remove: the write asks the VMM for the device and
    # waits until it is released, then succeeds
    tap_result "host: echo 1 > …/mdev/devices/$MDEV_UUID/remove while the guest runs succeeds once QEMU released it (rc $rm_rc)" \
        "$rm_rc" "$W/remove.err"
    mailbox_send "$W/g.mbox" removed
fi
rc=0; wait "$gp" || rc=$?
if [ -e "$MDEV_PATH" ]; then   # the first remove failed: does a second one work now?
    rm_rc=0
    if ! (echo 1 >"$MDEV_PATH/remove") 2>"$W/remove2.err"; then rm_rc=1; fi
    note "a second remove after the guest ended: rc $rm_rc $(cat "$W/remove2.err" 2>/dev/null)"
fi
tap_check "host: the mdev is gone from the view" wait_until 30 test ! -e "$MDEV_PATH"
guest_tap "$W/g.console" "guest"
guest_exit_check "guest" "$rc"
grep -iE 'unplug|request|remov' "$W/g.console" | grep -v CCWPASS | tail -n 3 | diag
tap_done
