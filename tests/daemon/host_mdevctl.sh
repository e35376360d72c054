#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdevctl inside `ccwpass host`: `mdevctl types`, `start -p 0.0.16ca -t
# vfio_ccw-io`, `list`, `stop` on ccwpassd's view at the real /sys places
# (they need the /sys/class/mdev_bus/<sch> link of a registered parent).
# Prints TAP.
# usage: host_mdevctl.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"

scratch ccwpm
if ! command -v mdevctl >/dev/null; then
    echo "1..1"; echo "not ok 1 - mdevctl is installed (scripts/setup.sh)"; exit 1
fi
daemon_start "$D"
export CCWPASS_SOCKET=$S
export CCWPASS_VIEW=$V
H() { "$C" host -- "$@" 2>&1; }

# --- no parent while io_subchannel drives the subchannel -----------------------------
check "no mdev_bus parent under io_subchannel" eq "$(H ls /sys/class/mdev_bus 2>/dev/null)" ""
check "driverctl -b css set-override 0.0.16ca vfio_ccw" eq "$(H driverctl -b css set-override 0.0.16ca vfio_ccw; echo "rc=$?")" "rc=0"
check "/sys/class/mdev_bus/0.0.16ca is the subchannel" \
    eq "$(H realpath /sys/class/mdev_bus/0.0.16ca)" "/sys/devices/css0/0.0.16ca"

# --- mdevctl ---------------------------------------------------------------------------
types=$(H mdevctl types)
echo "$types" | sed 's/^/# /'
check "mdevctl types names the parent" eq "$(head -1 <<<"$types")" "0.0.16ca"
check "mdevctl types lists vfio_ccw-io" eq "$(grep -c '^ *vfio_ccw-io$' <<<"$types")" "1"
check "mdevctl types: 1 available instance" eq "$(grep -c 'Available instances: 1$' <<<"$types")" "1"
check "mdevctl types: device API vfio-ccw" eq "$(grep -c 'Device API: vfio-ccw$' <<<"$types")" "1"
uuid=$(uuidgen)
check "mdevctl start -p 0.0.16ca -t vfio_ccw-io" \
    eq "$(H mdevctl start -u "$uuid" -p 0.0.16ca -t vfio_ccw-io; echo "rc=$?")" "rc=0"
check "ccwpass mdev list shows mdevctl's mdev" eq "$("$C" mdev list)" "$uuid 0.0.16ca vfio_ccw-io closed"
check "mdevctl list" eq "$(H mdevctl list)" "$uuid 0.0.16ca vfio_ccw-io manual"
check "mdevctl start of a second mdev fails" eq "$(H mdevctl start -p 0.0.16ca -t vfio_ccw-io >/dev/null 2>&1; echo "rc=$?")" "rc=1"
check "mdevctl stop -u UUID" eq "$(H mdevctl stop -u "$uuid"; echo "rc=$?")" "rc=0"
check "ccwpass mdev list: gone" eq "$("$C" mdev list)" ""
check "mdevctl list: empty" eq "$(H mdevctl list)" ""

echo "1..$n"
[ "$fails" = 0 ]
