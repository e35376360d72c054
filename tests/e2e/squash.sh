#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: where the passed-through device lands in the guest's channel subsystem.
#  - the seed's -M s390-ccw-virtio,s390-squash-mcss=on with devno=0.0.1234:
#    the guest sees 0.0.1234 (3390/0c) and can bring it online;
#  - s390-squash-mcss=off: the device stays in its real css, invisible to a
#    guest without MCSS-E, and the launcher warns about it;
#  - no squash option, devno=fe.0.1234 (today's QEMU way): the guest sees 0.0.1234.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init squash "${1:-}"
e2e_require
cat >"$W/ccwpassd.conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $W/squash.cckd
cyls = 10
CONF
vol_create "$W/squash.cckd" 10
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
g=$E2E_SRC/tests/e2e/guest/lscss-expect.sh

rc=0
guest_boot on "$g" -M s390-ccw-virtio,s390-squash-mcss=on --append "ccwpass.expect=present ccwpass.online=1" \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
guest_tap "$W/on.console" "squash=on, devno=0.0.1234"
guest_exit_check "squash=on" "$rc"

rc=0
guest_boot off "$g" -M s390-ccw-virtio,s390-squash-mcss=off --append "ccwpass.expect=absent" \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
guest_tap "$W/off.console" "squash=off, devno=0.0.1234"
guest_exit_check "squash=off" "$rc"
grep -iE 'warn' "$W/off.console" | grep -iE 'squash|mcss|css' >"$W/off.warn" || true
tap_result "squash=off: the launcher warns that the guest will not see the device" \
    "$([ -s "$W/off.warn" ]; echo $?)" "$W/off.console"
diag <"$W/off.warn"

rc=0
guest_boot fe "$g" -M s390-ccw-virtio --append "ccwpass.expect=present" \
    -- -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
guest_tap "$W/fe.console" "devno=fe.0.1234"
guest_exit_check "devno=fe.0.1234" "$rc"
tap_done
