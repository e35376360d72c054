#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The adapter inside the real qemu-system-s390x 7.2 against the real ccwpassd:
# the seed's command line realizes the vfio-ccw device (in the default css with
# s390-squash-mcss=on), -m sizes reach the shared RAM the daemon maps, and the
# failures a user can cause end QEMU with the adapter's explanation.
set -uo pipefail
. "$(dirname "$0")/qlib.sh"
require
daemon_start
seed_steps

# 1. the seed's options, sysfsdev spelled as on a real host (the adapter resolves
#    it in the view): realized, in css fe.
qemu_monitor on "info qtree" -M s390-ccw-virtio,s390-squash-mcss=on -m 1G \
    -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
result "squash=on: QEMU runs with the device" $? "$W/on.out"
contains "squash=on: vfio-ccw realized as devno fe.0.1234 (guest sees 0.0.1234)" "$W/on.out" 'devno = "fe\.0\.1234"'
contains "the launcher says where the device went" "$W/on.out" 'placed in the default css as fe\.0\.1234'
contains "ccwpassd: QEMU opened the mdev" "$W/daemon.log" "opened mdev $MDEV_UUID"
contains "-m 1G: the daemon maps 1 GiB of guest RAM" "$W/daemon.log" 'mapped iova 0 size 0x40000000'
qemu_monitor mem "info memory_size_summary" -M s390-ccw-virtio -m 768M \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH"
contains "-m 768M: the guest has 768 MiB" "$W/mem.out" 'base memory: 805306368'

# 2. squash off: the device stays in css 0; the launcher warns.
qemu_monitor off "info qtree" -M s390-ccw-virtio,s390-squash-mcss=off \
    -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
result "squash=off: QEMU runs with the device" $? "$W/off.out"
contains "squash=off: realized as devno 0.0.1234 (css 0)" "$W/off.out" 'devno = "0\.0\.1234"'
contains "squash=off: warning that a non-MCSS-E guest will not see it" "$W/off.out" 'will not see it'

# 3. an mdev ccwpassd does not know: QEMU fails to realize it, with our reason.
fake=$W/fakeview U=00000000-1111-2222-3333-444444444444
mkdir -p "$fake/sys/devices/css0/0.0.16ca/$U" "$fake/sys/bus/css/devices" "$fake/sys/devices/css0/chp0.50" \
         "$fake/sys/kernel/iommu_groups/5"
ln -s ../../../devices/css0/0.0.16ca "$fake/sys/bus/css/devices/0.0.16ca"
echo "80 80 ff" >"$fake/sys/devices/css0/0.0.16ca/pimpampom"
echo "50 00 00 00 00 00 00 00" >"$fake/sys/devices/css0/0.0.16ca/chpids"
echo 1a >"$fake/sys/devices/css0/chp0.50/type"
ln -s ../../../../kernel/iommu_groups/5 "$fake/sys/devices/css0/0.0.16ca/$U/iommu_group"
rc=0
CCWPASS_VIEW=$fake qemu_monitor unknown "" -M s390-ccw-virtio -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$fake/sys/devices/css0/0.0.16ca/$U" || rc=$?
result "unknown mdev: QEMU exits with an error" "$([ $rc -ne 0 ]; echo $?)" "$W/unknown.out"
contains "unknown mdev: the adapter names the uuid and the daemon's answer" "$W/unknown.out" \
    "cannot attach mdev $U: No such file or directory"

# 4. ccwpassd not running: the launcher refuses at once, naming the socket; QEMU
#    started by hand fails to realize the device with the adapter's reason.
rc=0
CCWPASS_SOCKET=$W/nobody.sock qemu_monitor down "" -M s390-ccw-virtio \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
result "daemon down: ccwpass qemu fails" "$([ $rc -eq 1 ]; echo $?)" "$W/down.out"
contains "daemon down: the launcher names ccwpassd and the socket" "$W/down.out" \
    "ccwpassd is not running: cannot connect to $W/nobody.sock"
rc=0
printf 'quit\n' | CCWPASS_SOCKET=$W/nobody.sock LD_PRELOAD=$ADAPTER timeout -k 5 120 qemu-system-s390x \
    -M s390-ccw-virtio -object memory-backend-memfd,id=r,size=128M,share=on -machine memory-backend=r \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" -nodefaults -nographic -S -monitor stdio \
    >"$W/down2.out" 2>&1 || rc=$?
result "daemon down, QEMU by hand: QEMU exits with an error" "$([ $rc -ne 0 ]; echo $?)" "$W/down2.out"
contains "daemon down, QEMU by hand: the adapter names the socket" "$W/down2.out" \
    "cannot connect to ccwpassd at $W/nobody.sock"

# 5. QEMU started by hand without a shared RAM backend: refused with the fix.
rc=0
printf 'quit\n' | CCWPASS_VIEW=$VIEW LD_PRELOAD=$ADAPTER timeout -k 5 120 qemu-system-s390x -M s390-ccw-virtio \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" -nodefaults -nographic -S -monitor stdio \
    >"$W/anon.out" 2>&1 || rc=$?
result "anonymous RAM: QEMU exits with an error" "$([ $rc -ne 0 ]; echo $?)" "$W/anon.out"
contains "anonymous RAM: the adapter says how to fix it" "$W/anon.out" 'not fd-backed.*memory-backend-memfd'

# 6. LD_PRELOAD through a wrapper (timeout(1)): inactive there, active in QEMU.
rc=0
printf 'info qtree\nquit\n' | LD_PRELOAD=$ADAPTER timeout -k 5 120 qemu-system-s390x -M s390-ccw-virtio \
    -object memory-backend-memfd,id=r,size=128M,share=on -machine memory-backend=r \
    -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" -nodefaults -nographic -S -monitor stdio \
    >"$W/wrapped.out" 2>&1 || rc=$?
result "started by hand through timeout(1) with LD_PRELOAD: QEMU realizes the device" "$rc" "$W/wrapped.out"
contains "… realized as devno fe.0.1234" "$W/wrapped.out" 'devno = "fe\.0\.1234"'

# 7. channel-path events: ccwpass chp 50 off/on queues CRWs, QEMU reads the CRW
#    region and decodes them (its css_crw trace shows the fields it got).
wait_for() { # wait_for REGEX: read QEMU's output (bounded) until a line matches
    local l
    while read -t 60 -r l <&"${Q[0]}"; do
        printf '%s\n' "$l" >>"$W/crw.out"
        [[ $l =~ $1 ]] && return 0
    done
    return 1
}
coproc Q { exec "$CCWPASS" qemu -M s390-ccw-virtio -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" \
    -nodefaults -nographic -S -monitor stdio -trace css_crw 2>&1; }
qpid=$Q_PID     # bash unsets Q_PID once the coprocess has ended
echo "info status" >&"${Q[1]}"
wait_for 'VM status'
result "QEMU with the device is up for the channel-path test" $? "$W/crw.out"
"$CCWPASS" chp 50 off >>"$W/crw.out" 2>&1
wait_for 'css_crw.*rsc=0x4, erc=0x6, rsid=0x50'
result "chp 50 off: QEMU queues CRW rsc=4 (channel path) erc=6 (perm. error, no reset) rsid=0x50" $? "$W/crw.out"
"$CCWPASS" chp 50 on >>"$W/crw.out" 2>&1
wait_for 'css_crw.*rsc=0x4, erc=0x2, rsid=0x50'
result "chp 50 on: QEMU queues CRW rsc=4 erc=2 (initialized) rsid=0x50" $? "$W/crw.out"
# 7b. while this QEMU holds the mdev, a second one is refused with the reason.
rc=0
qemu_monitor busy "" -M s390-ccw-virtio -device "vfio-ccw,devno=fe.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
result "a second QEMU on the same mdev fails" "$([ $rc -ne 0 ]; echo $?)" "$W/busy.out"
contains "… and the adapter says it is busy" "$W/busy.out" "cannot attach mdev $MDEV_UUID: Device or resource busy"
echo quit >&"${Q[1]}"
wait "$qpid"
result "QEMU quits cleanly" $? "$W/crw.out"

# 8. hotplug: device_add realizes at run time, device_del releases the mdev (the
#    daemon refuses a second opener with EBUSY), so a second device_add works.
add="device_add vfio-ccw,id=pt,devno=fe.0.1234,sysfsdev=$MDEV_PATH"
qemu_monitor hotplug "$add
info qtree
device_del pt
$add
info qtree" -M s390-ccw-virtio
result "hotplug: QEMU runs through add, del, add" $? "$W/hotplug.out"
n=$(grep -c 'dev: vfio-ccw, id "pt"' "$W/hotplug.out")
result "hotplug: the device is realized, removed and realized again ($n of 2 qtrees show it)" \
    "$([ "$n" -eq 2 ] && ! grep -q 'Error' "$W/hotplug.out"; echo $?)" "$W/hotplug.out"

# 9. the mdev is free again after each QEMU: a last realize works.
qemu_monitor again "info qtree" -M s390-ccw-virtio,s390-squash-mcss=on \
    -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
result "the mdev can be opened again after QEMU exits" $? "$W/again.out"
done_testing
