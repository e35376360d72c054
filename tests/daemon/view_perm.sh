#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Who may use the view: sysfs's rules.  A local user other than root (here
# uid/gid 65534 through setpriv) is refused every privileged store with
# EACCES and the host does not change; reads of world-readable attributes
# still work; root still succeeds.  Prints TAP.
# usage: view_perm.sh CCWPASSD
D=$1
NOBODY=65534
. "$(dirname "$0")/lib.sh"
# as_nobody CMD...: run a command as an unprivileged user with no groups
as_nobody() { setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups "$@"; }
# write VALUE FILE: the errno text of a failed echo as root, "" on success
write() { { echo "$1" > "$2"; } 2>&1 | sed 's/.*: //'; }
# nobody_write VALUE FILE: the same as the unprivileged user
nobody_write() { as_nobody sh -c 'echo "$1" > "$2"' sh "$1" "$2" 2>&1 | sed 's/.*: //'; }
driver() { basename "$(readlink "$1/driver" 2>/dev/null)"; }

scratch ccwpp
chmod 755 "$T"          # the unprivileged user must reach the mount point
cat >"$T/conf" <<EOF
[device 0.0.7e52]
subchannel = 0.0.16ca
[device 0.0.7e53]
subchannel = 0.0.16cb
EOF
daemon_start "$D" --config "$T/conf"
SCH=$V/sys/bus/css/devices
CCW=$V/sys/bus/ccw/devices
CHP=$V/sys/devices/css0/chp0.50

# --- what everybody may do ----------------------------------------------------------
check "others read a world-readable attribute" eq "$(as_nobody cat $CCW/0.0.7e52/cutype)" "3990/e9"
check "others list the view" eq "$(as_nobody ls $SCH | tr '\n' ' ')" "0.0.16ca 0.0.16cb "
check "files show root's ownership and sysfs modes" \
    eq "$(stat -c '%u:%g %a' $CHP/status $V/sys/bus/css/drivers/vfio_ccw/bind $CCW/0.0.7e52/cutype | tr '\n' ' ')" \
       "0:0 644 0:0 200 0:0 444 "
check "access(2) tells others a store is not writable" eval 'as_nobody test ! -w $CHP/status'

# --- the five privileged stores, as nobody: EACCES and nothing changes -------------------
check "nobody: chp status off is refused" eq "$(nobody_write off $CHP/status)" "Permission denied"
check "the channel path is still online" eq "$(cat $CHP/status)" "online"
check "nobody: truncating chp status is refused" eval '! as_nobody truncate -s 0 $CHP/status 2>/dev/null'
check "nobody: ccw driver/unbind is refused" eq "$(nobody_write 0.0.7e52 $CCW/0.0.7e52/driver/unbind)" "Permission denied"
check "the DASD is still online under dasd-eckd" eq "$(cat $CCW/0.0.7e52/online) $(driver $CCW/0.0.7e52)" "1 dasd-eckd"
check "nobody: css driver/unbind is refused" eq "$(nobody_write 0.0.16ca $SCH/0.0.16ca/driver/unbind)" "Permission denied"
check "the subchannel is still bound to io_subchannel" eq "$(driver $SCH/0.0.16ca)" "io_subchannel"

# root moves 0.0.16cb off io_subchannel: a target for bind
check "root: ccw driver/unbind succeeds" eq "$(write 0.0.7e53 $CCW/0.0.7e53/driver/unbind)" ""
check "root: css driver/unbind succeeds" eq "$(write 0.0.16cb $SCH/0.0.16cb/driver/unbind)" ""
check "nobody: vfio_ccw bind is refused" \
    eq "$(nobody_write 0.0.16cb $V/sys/bus/css/drivers/vfio_ccw/bind)" "Permission denied"
check "the subchannel is still unbound" eq "$(driver $SCH/0.0.16cb)" ""
check "root: vfio_ccw bind succeeds" eq "$(write 0.0.16cb $V/sys/bus/css/drivers/vfio_ccw/bind)" ""

TY=$SCH/0.0.16cb/mdev_supported_types/vfio_ccw-io
check "nobody: mdev create is refused" eq "$(nobody_write "$(uuidgen)" $TY/create)" "Permission denied"
check "no mdev was created" eq "$(cat $TY/available_instances) $(ls $TY/devices)" "1 "
uuid=$(uuidgen)
check "root: mdev create succeeds" eq "$(write "$uuid" $TY/create)" ""
check "nobody: mdev remove is refused" eq "$(nobody_write 1 $V/sys/bus/mdev/devices/$uuid/remove)" "Permission denied"
check "the mdev still exists" test -d "$V/sys/bus/mdev/devices/$uuid"
check "nobody: reading the write-only bind file is refused" \
    eval '! as_nobody cat $V/sys/bus/css/drivers/vfio_ccw/bind 2>/dev/null'

# --- root still may -------------------------------------------------------------
check "root: mdev remove succeeds" eq "$(write 1 $V/sys/bus/mdev/devices/$uuid/remove)" ""
check "the mdev is gone" test ! -e "$V/sys/bus/mdev/devices/$uuid"
check "root: chp status off succeeds" eq "$(write off $CHP/status)$(cat $CHP/status)" "offline"
check "root: truncating an attribute is harmless" eval 'truncate -s 0 $CHP/status && [ "$(cat $CHP/status)" = offline ]'

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
check "ccwpassd exits cleanly on SIGTERM" eq "$rc" "0"
check "no sanitizer reports in the daemon's log" eval '! grep -q -e Sanitizer -e "runtime error" "$T/log"'
echo "1..$n"
exit $((fails > 0))
