#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed's sysfs steps, verbatim apart from the $V prefix, through
# ccwpassd's FUSE view; plus the kernel's rules (EBUSY, EEXIST, EUSERS,
# available_instances) and the matching `ccwpass` verbs.  Prints TAP.
# usage: view_test.sh CCWPASSD CCWPASS VMMHOLD
D=$1 C=$2 H=$3
. "$(dirname "$0")/lib.sh"
# write VALUE FILE: the errno text of a failed echo, "" on success
write() { { echo "$1" > "$2"; } 2>&1 | sed 's/.*write error: //'; }

scratch ccwpv
cleanup() {
    [ -n "${hold_pid:-}" ] && kill "$hold_pid" 2>/dev/null
    scratch_cleanup
}
trap cleanup EXIT
daemon_start "$D"
export CCWPASS_SOCKET=$S

# --- the host before: DASD online under io_subchannel -----------------------
check "ccw device cutype 3990/e9" eq "$(cat $V/sys/bus/ccw/devices/0.0.7e52/cutype)" "3990/e9"
check "ccw device devtype 3390/0c" eq "$(cat $V/sys/bus/ccw/devices/0.0.7e52/devtype)" "3390/0c"
check "ccw device online" eq "$(cat $V/sys/bus/ccw/devices/0.0.7e52/online)" "1"
check "ccw device driver is dasd-eckd" eq "$(basename "$(readlink $V/sys/bus/ccw/devices/0.0.7e52/driver)")" "dasd-eckd"
check "subchannel driver is io_subchannel" eq "$(basename "$(readlink $V/sys/bus/css/devices/0.0.16ca/driver)")" "io_subchannel"
check "subchannel type 0, modalias css:t0" eq "$(cat $V/sys/bus/css/devices/0.0.16ca/type) $(cat $V/sys/bus/css/devices/0.0.16ca/modalias)" "0 css:t0"
check "pimpampom 80 80 ff" eq "$(cat $V/sys/bus/css/devices/0.0.16ca/pimpampom)" "80 80 ff"
check "chpids list chpid 50 first" eq "$(cut -d' ' -f1-2 $V/sys/bus/css/devices/0.0.16ca/chpids)" "50 00"
check "chp0.50 type 1a" eq "$(cat $V/sys/devices/css0/chp0.50/type)" "1a"
check "driver_override unset" eq "$(cat $V/sys/bus/css/devices/0.0.16ca/driver_override)" "(null)"
check "css devices link into /sys/devices/css0" eq "$(readlink $V/sys/bus/css/devices/0.0.16ca)" "../../../devices/css0/0.0.16ca"
# sysfs names are the kernel's to make: the errnos of kernfs
errmsg() { "$@" 2>&1 | sed 's/.*: //'; }
check "a new file: EACCES" eq "$(errmsg sh -c "echo x > $V/sys/bus/css/drivers/vfio_ccw/bindx")" "Permission denied"
check "mkdir: EPERM" eq "$(errmsg mkdir $V/sys/bus/css/newdir)" "Operation not permitted"
check "rm of an attribute: EPERM" eq "$(errmsg rm -f $V/sys/bus/css/devices/0.0.16ca/type)" "Operation not permitted"
check "ln -s: EPERM" eq "$(errmsg ln -s x $V/sys/bus/css/newlink)" "Operation not permitted"
check "mv of an attribute: EPERM" eq "$(errmsg mv $V/sys/bus/css/devices/0.0.16ca/type $V/sys/bus/css/devices/0.0.16ca/type2)" "Operation not permitted"

# --- the seed's steps ----------------------------------------------------------
check "unbind the CCW device from its driver" eq "$(write 0.0.7e52 $V/sys/bus/ccw/devices/0.0.7e52/driver/unbind)" ""
check "ccw device offline, no driver" eq "$(cat $V/sys/bus/ccw/devices/0.0.7e52/online) $(test -e $V/sys/bus/ccw/devices/0.0.7e52/driver && echo has-driver)" "0 "
check "unbind the subchannel from io_subchannel" eq "$(write 0.0.16ca $V/sys/bus/css/devices/0.0.16ca/driver/unbind)" ""
check "ccw device gone with io_subchannel" eq "$(ls $V/sys/bus/ccw/devices)" ""
check "bind of garbage: ENODEV" eq "$(write garbage $V/sys/bus/css/drivers/vfio_ccw/bind)" "No such device"
check "bind the subchannel to vfio_ccw" eq "$(write 0.0.16ca $V/sys/bus/css/drivers/vfio_ccw/bind)" ""
check "bound twice: EBUSY" eq "$(write 0.0.16ca $V/sys/bus/css/drivers/io_subchannel/bind)" "Device or resource busy"
check "subchannel driver is vfio_ccw" eq "$(basename "$(readlink $V/sys/bus/css/devices/0.0.16ca/driver)")" "vfio_ccw"
TY=$V/sys/bus/css/devices/0.0.16ca/mdev_supported_types/vfio_ccw-io
check "mdev type name" eq "$(cat $TY/name)" "I/O subchannel (Non-QDIO)"
check "mdev type device_api" eq "$(cat $TY/device_api)" "vfio-ccw"
check "available_instances 1" eq "$(cat $TY/available_instances)" "1"
uuid=$(uuidgen)
check "create the mdev" eq "$(write "$uuid" $TY/create)" ""
check "available_instances 0" eq "$(cat $TY/available_instances)" "0"
check "duplicate uuid: EEXIST" eq "$(write "$uuid" $TY/create)" "File exists"
check "second mdev: no instance (EUSERS)" eq "$(write "$(uuidgen)" $TY/create)" "Too many users"
check "malformed uuid: EINVAL" eq "$(write 1234 $TY/create)" "Invalid argument"
check "type devices/ lists the mdev" eq "$(ls $TY/devices)" "$uuid"
check "/sys/bus/mdev/devices/<uuid> resolves to css0/0.0.16ca/<uuid>" \
    eq "$(realpath $V/sys/bus/mdev/devices/$uuid)" "$(realpath $V)/sys/devices/css0/0.0.16ca/$uuid"
check "mdev dir is a real directory" test -d "$V/sys/devices/css0/0.0.16ca/$uuid" -a ! -L "$V/sys/devices/css0/0.0.16ca/$uuid"
grp=$(readlink $V/sys/bus/css/devices/0.0.16ca/$uuid/iommu_group)
check "iommu_group link names a group number" eq "$(basename "$grp" | tr -d 0-9)$(dirname "$grp")" "../../../../kernel/iommu_groups"
check "the mdev is bound to vfio_ccw_mdev" eq "$(basename "$(readlink $V/sys/bus/mdev/devices/$uuid/driver)")" "vfio_ccw_mdev"
check "vfio_ccw_mdev lists it" test -d "$V/sys/bus/mdev/drivers/vfio_ccw_mdev/$uuid"
check "iommu group lists the mdev" test -e "$V/sys/kernel/iommu_groups/$(basename "$grp")/devices/$uuid"

# --- CLI verbs see the same state ---------------------------------------------
check "ccwpass mdev list" eq "$("$C" mdev list)" "$uuid 0.0.16ca vfio_ccw-io closed"
check "ccwpass status names vfio_ccw" eval '"$C" status | grep -q "0.0.16ca  0.0.7e52  vfio_ccw"'

# --- an mdev in use ----------------------------------------------------------------
coproc HOLD { "$H" "$S" "$uuid"; }
hold_pid=$HOLD_PID
read -r -t 60 state <&"${HOLD[0]}"
check "a VMM opens the mdev" eq "$state" "attached"
check "ccwpass mdev list: open" eq "$("$C" mdev list)" "$uuid 0.0.16ca vfio_ccw-io open"
check "remove while open: EBUSY" eq "$(write 1 $V/sys/bus/mdev/devices/$uuid/remove)" "Device or resource busy"
check "unbind while open: EBUSY" eq "$(write 0.0.16ca $V/sys/bus/css/drivers/vfio_ccw/unbind)" "Device or resource busy"
read -r -t 60 state <&"${HOLD[0]}"
check "the VMM was asked to release it (REQ)" eq "$state" "req"
check "ccwpass mdev remove while open fails" eval '! "$C" mdev remove "$uuid" 2>/dev/null'
eval "exec ${HOLD[1]}>&-"   # EOF on its stdin: the VMM exits
wait "$hold_pid" 2>/dev/null; hold_pid=
check "remove after release" eq "$(write 1 $V/sys/devices/css0/0.0.16ca/$uuid/remove)" ""
check "available_instances back to 1" eq "$(cat $TY/available_instances)" "1"
check "mdev gone from the bus" test ! -e "$V/sys/bus/mdev/devices/$uuid"

# --- the CLI does the same steps without FUSE ----------------------------------------
u2=$("$C" mdev create 0.0.16ca)
check "ccwpass mdev create prints a uuid" eq "$(echo "$u2" | tr -d '0-9a-f')" "----"
check "ccwpass mdev create: visible in the view" test -d "$V/sys/devices/css0/0.0.16ca/$u2"
check "ccwpass unbind removes the mdev" eval '"$C" unbind 0.0.16ca && [ ! -e "$V/sys/bus/mdev/devices/$u2" ]'
check "ccwpass bind io_subchannel brings the ccw device back offline" \
    eval '"$C" bind 0.0.16ca io_subchannel && [ "$(cat $V/sys/bus/ccw/devices/0.0.7e52/online)" = 0 ]'
check "online=1 through the view" eq "$(write 1 $V/sys/bus/ccw/devices/0.0.7e52/online)$(cat $V/sys/bus/ccw/devices/0.0.7e52/online)" "1"
check "online=garbage: EINVAL" eq "$(write maybe $V/sys/bus/ccw/devices/0.0.7e52/online)" "Invalid argument"
check "ccwpass bind of a bound subchannel fails with EBUSY" \
    eval '"$C" bind 0.0.16ca vfio_ccw 2>&1 | grep -q "Device or resource busy"'
CHP=$V/sys/devices/css0/chp0.50
check "chp status off (vary): status offline" eq "$(write off $CHP/status)$(cat $CHP/status)" "offline"
check "vary off is logical: pam keeps the path, still configured" \
    eq "$(cat $V/sys/bus/css/devices/0.0.16ca/pimpampom) $(cat $CHP/configure)" "80 80 ff 1"
check "ccwpass status says varied off" eval '"$C" status | grep -qx "chpid 0.50 type 1a online, varied off"'
check "chp status on (vary)" eq "$(write on $CHP/status)$(cat $CHP/status)" "online"
check "chp configure 0 (standby): pam loses the path" \
    eq "$(write 0 $CHP/configure)$(cat $V/sys/bus/css/devices/0.0.16ca/pimpampom) $(cat $CHP/configure)" "80 00 ff 0"
check "ccwpass chp on: configured again, pam has the path" \
    eval '"$C" chp 0.50 on && [ "$(cat $CHP/configure) $(cat $V/sys/bus/css/devices/0.0.16ca/pimpampom)" = "1 80 80 ff" ]'
check "reading a write-only attribute is refused" eval '! cat $V/sys/bus/css/drivers/vfio_ccw/bind 2>/dev/null'
check "driver_override vfio_ccw blocks io_subchannel binding" \
    eval '[ -z "$(write vfio_ccw $V/sys/bus/css/devices/0.0.16ca/driver_override)" ] && "$C" unbind 0.0.16ca && [ "$(write 0.0.16ca $V/sys/bus/css/drivers/io_subchannel/bind)" = "No such device" ]'

check "drivers_probe binds the override driver" \
    eval '[ -z "$(write 0.0.16ca $V/sys/bus/css/drivers_probe)" ] && [ "$(basename "$(readlink $V/sys/bus/css/devices/0.0.16ca/driver)")" = vfio_ccw ]'

check "ccwpass without a daemon says so" \
    eval 'CCWPASS_SOCKET=$T/nosock "$C" status 2>&1 | grep -q "cannot reach ccwpassd at $T/nosock"'
check "ccwpass --socket after the verb" eval '"$C" mdev list --socket "$S" >/dev/null'
check "ccwpass fault sets the knobs" eval '"$C" fault 0.0.16ca delay_ms=5 eqc=2 && "$C" status --json | grep -q "\"eqc\":2"'
check "ccwpass fault clears them" eval '"$C" fault 0.0.16ca delay_ms=0 eqc=0 not_oper=0 && "$C" status --json | grep -q "\"delay_ms\":0"'
check "ccwpass fault with a bad knob exits 2" eval '"$C" fault 0.0.16ca speed=9 2>/dev/null; [ $? = 2 ]'
check "ccwpass fault on an unknown subchannel: ENODEV" eval '"$C" fault 0.0.0042 eqc=1 2>&1 | grep -q "No such device"'
check "ccwpass usage error exits 2" eval '"$C" chp 0.50 sideways 2>/dev/null; [ $? = 2 ]'

# --- killed hard: the restart detaches the stale mount and starts the defined mdev ---
u3=$("$C" mdev create 0.0.16ca)
mkdir -p "$T/mdevctl.d/0.0.16ca"      # what `mdevctl define --auto -u $u3` writes
echo '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]}' >"$T/mdevctl.d/0.0.16ca/$u3"
kill -KILL "$pid"; wait "$pid" 2>/dev/null
check "after SIGKILL the old mount is stale" eval '! ls $V/sys >/dev/null 2>&1'
"$D" --foreground --socket "$S" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --view "$V" --ready-fd 3 3>"$T/ready" 2>>"$T/log" &
pid=$!
read -r -t 120 line <"$T/ready"
check "ccwpassd restarts on the same view and state" eq "$line" "READY"
check "the defined mdev is back after the restart" test -d "$V/sys/bus/mdev/devices/$u3"
check "its subchannel is bound to vfio_ccw again" eq "$(basename "$(readlink $V/sys/bus/css/devices/0.0.16ca/driver)")" "vfio_ccw"

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
check "ccwpassd exits cleanly on SIGTERM" eq "$rc" "0"
check "the view is unmounted" eval '! mountpoint -q "$V"'
check "no sanitizer reports in the daemon's log" eval '! grep -q -e Sanitizer -e "runtime error" "$T/log"'
echo "1..$n"
exit $((fails > 0))
