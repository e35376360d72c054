#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ccwpass host`: /dev/vfio/vfio and /dev/vfio/<group> exist in the namespace
# with the kernel's shapes (what libvirt checks before it starts a domain with
# a vfio-ccw mdev), one group node per subchannel ccwpassd serves, also for an
# mdev created after the namespace was entered; the host's /dev stays usable
# inside and untouched outside.  Prints TAP.
# usage: host_vfio.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"

scratch ccwpvfio
daemon_start "$D"
export CCWPASS_SOCKET=$S
export CCWPASS_VIEW=$V
H() { "$C" host -- "$@" 2>&1; }
dev_before=$(ls -A /dev/vfio 2>&1)

# the kernel's VFIO container: the misc device 10:196 (stat prints hex)
check "host: /dev/vfio/vfio is the char device 10:196, mode 0600 root" \
    eq "$(H stat -c '%F %t:%T %a %U' /dev/vfio/vfio)" "character special file a:c4 600 root"
nsch=$(ls "$V/sys/bus/css/devices" | wc -l)
check "host: /dev/vfio holds vfio and one group node per subchannel ($nsch)" \
    eq "$(H ls /dev/vfio | sort | tr '\n' ' ')" "$( (seq 0 $((nsch - 1)); echo vfio) | sort | tr '\n' ' ')"
check "host: /dev/vfio/0 is a char device, mode 0600 root" \
    eq "$(H stat -c '%F %a %U' /dev/vfio/0)" "character special file 600 root"
# libvirt's DAC driver opens a file read-write to lock it before relabelling it
check "host: /dev/vfio/0 opens read-write (as libvirt's DAC driver does) and is /dev/null's 1:3" \
    eq "$(H sh -c 'exec 3<>/dev/vfio/0 && stat -c %t:%T /dev/vfio/0')" "1:3"

# an mdev made inside the namespace: its iommu_group has its node
uuid=$(uuidgen)
check "host: the group of an mdev created in the namespace has its /dev/vfio node" \
    eq "$(H sh -c "$(seed_script "$uuid") &&
g=\$(basename \$(readlink /sys/bus/mdev/devices/$uuid/iommu_group)) && stat -c %F /dev/vfio/\$g")" \
    "character special file"

# the rest of /dev as before
check "host: /dev/null still works" eq "$(H sh -c 'echo x >/dev/null && echo ok')" "ok"
check "host: /dev/pts still mounted" eq "$(H sh -c 'test -e /dev/pts/ptmx && echo ok')" "ok"
check "host: /dev/shm still writable" eq "$(H sh -c 't=/dev/shm/ccwpvfio.$$ && : >$t && rm $t && echo ok')" "ok"
check "outside: the host's /dev/vfio untouched" eq "$(ls -A /dev/vfio 2>&1)" "$dev_before"

echo "1..$n"
[ "$fails" = 0 ]
