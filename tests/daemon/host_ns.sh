#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ccwpass host`: a private mount namespace with ccwpassd's view at the real
# /sys places (the seed's steps verbatim, no prefix), the rest of the host's
# /sys still visible, nothing leaking out; and driverctl inside it
# (set-override, list-overrides, unset-override).  Prints TAP.
# usage: host_ns.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"

scratch ccwph
daemon_start "$D"
export CCWPASS_SOCKET=$S
export CCWPASS_VIEW=$V
H() { "$C" host -- "$@" 2>&1; }

# --- the view at the real places --------------------------------------------------
check "host: /sys/bus/css/devices/0.0.16ca/type is the view's 0" eq "$(H cat /sys/bus/css/devices/0.0.16ca/type)" "0"
check "host: devtype of 0.0.7e52 as the view says" \
    eq "$(H cat /sys/bus/ccw/devices/0.0.7e52/devtype)" "$(cat $V/sys/bus/ccw/devices/0.0.7e52/devtype)"
check "host: chp0.50 under /sys/devices/css0" eq "$(H cat /sys/devices/css0/chp0.50/type)" "1a"
check "host: css link resolves inside /sys/devices/css0" \
    eq "$(H realpath /sys/bus/css/devices/0.0.16ca)" "/sys/devices/css0/0.0.16ca"
check "host: /sys/module/vfio_ccw is live" eq "$(H cat /sys/module/vfio_ccw/initstate)" "live"
check "host: the module lists its css driver" \
    eq "$(H realpath /sys/module/vfio_ccw/drivers/css:vfio_ccw)" "/sys/bus/css/drivers/vfio_ccw"
check "host: the driver links its module" \
    eq "$(H realpath /sys/bus/css/drivers/vfio_ccw/module)" "/sys/module/vfio_ccw"
check "host: --view on the command line" eq "$(CCWPASS_VIEW=/nonexistent "$C" host --view "$V" -- cat /sys/bus/css/devices/0.0.16ca/type 2>&1)" "0"
check "host: no view: a clear error, exit 1" \
    eq "$(CCWPASS_VIEW=$T/none "$C" host -- true 2>&1; echo "rc=$?")" \
       "ccwpass: error: no ccwpassd view at $T/none/sys (start ccwpassd, or give --view DIR)
rc=1"
check "host: --view without a value: exit 2, said so" \
    eq "$("$C" host --view 2>&1; echo "rc=$?")" "ccwpass host: --view needs a value
rc=2"
check "host: an unknown option: exit 2, named" \
    eq "$("$C" host --bogus 2>&1; echo "rc=$?")" "ccwpass host: unknown option '--bogus'
usage: ccwpass host [--view DIR] [--] [COMMAND [ARGS...]]
rc=2"
# --- the rest of the host stays visible, nothing leaks out -------------------------
first_bus=$(ls /sys/bus | head -1)
check "host: the host's /sys/kernel/mm still there" eq "$(H sh -c 'test -d /sys/kernel/mm && echo yes')" "yes"
check "host: the host's /sys/bus/$first_bus still there" eq "$(H ls /sys/bus | grep -x "$first_bus")" "$first_bus"
check "host: the host's /sys/devices/system still there" eq "$(H sh -c 'test -d /sys/devices/system && echo yes')" "yes"
check "host: exit status of the command" eq "$(H sh -c 'exit 7'; echo $?)" "7"
check "outside: the host's /sys/bus/css untouched" eq "$(ls /sys/bus/css 2>&1 | head -1)" "$(H true >/dev/null; ls /sys/bus/css 2>&1 | head -1)"
check "host: the default command is \$SHELL" eq "$(echo 'cat /sys/bus/css/devices/0.0.16ca/type' | SHELL=/bin/sh "$C" host 2>&1)" "0"

# --- the seed's steps verbatim ------------------------------------------------------
uuid=$(uuidgen)
check "host: the seed's echo steps" eq "$(H sh -c "$(seed_script "$uuid") && ls /sys/bus/mdev/devices")" "$uuid"
check "ccwpass mdev list shows the mdev made in the namespace" eq "$("$C" mdev list)" "$uuid 0.0.16ca vfio_ccw-io closed"
check "back to io_subchannel for driverctl" eq "$(H sh -c "
echo 1 > /sys/bus/mdev/devices/$uuid/remove &&
echo 0.0.16ca > /sys/bus/css/devices/0.0.16ca/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/drivers/io_subchannel/bind && readlink /sys/bus/css/devices/0.0.16ca/driver")" \
    "../../../bus/css/drivers/io_subchannel"

# --- driverctl -----------------------------------------------------------------------
drv() { "$C" status | awk '$1 == "0.0.16ca" { print $3 }'; }
if ! command -v driverctl >/dev/null; then
    nok "driverctl is installed (scripts/setup.sh)"
else
    etc_before=$(ls -A /etc/driverctl.d 2>/dev/null)
    check "driverctl -b css set-override 0.0.16ca vfio_ccw" eq "$(H driverctl -b css set-override 0.0.16ca vfio_ccw; echo "rc=$?")" "rc=0"
    check "ccwpass status: vfio_ccw after set-override" eq "$(drv)" "vfio_ccw"
    check "the override is not persisted in the host's /etc/driverctl.d" test ! -e /etc/driverctl.d/css-0.0.16ca
    check "driverctl persists it in the namespace's own /etc/driverctl.d" \
        eq "$(H sh -c 'driverctl -b css set-override 0.0.16ca vfio_ccw && cat /etc/driverctl.d/css-0.0.16ca')" "vfio_ccw"
    check "driverctl -b css list-overrides" eq "$(H sh -c 'driverctl -b css set-override 0.0.16ca vfio_ccw && driverctl -b css list-overrides')" "0.0.16ca vfio_ccw"
    check "driverctl -b css unset-override 0.0.16ca" eq "$(H driverctl -b css unset-override 0.0.16ca; echo "rc=$?")" "rc=0"
    check "ccwpass status: io_subchannel after unset-override" eq "$(drv)" "io_subchannel"
    check "driver_override cleared" eq "$(cat $V/sys/bus/css/devices/0.0.16ca/driver_override)" "(null)"
    check "the host's /etc/driverctl.d untouched" eq "$(ls -A /etc/driverctl.d 2>/dev/null)" "$etc_before"
fi

echo "1..$n"
[ "$fails" = 0 ]
