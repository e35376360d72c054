#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/guest_boot.sh: the guest itself works (modules,
# s390-tools, bash scripts, e2fsprogs), and a virtio-blk-ccw disk shows up.
. /usr/lib/ccwpass/guestlib.sh
check_out "uname -m is s390x" '^s390x$' uname -m
check_out "the DASD driver modules are loaded" 'dasd_eckd_mod' lsmod
check_out "lscss runs (dynamically linked s390-tools)" '^Device +Subchan\.' lscss
check_out "lsdasd runs (a bash script)" '^Bus-ID +Status' lsdasd
check_out "the tape driver tape_34xx is loaded" '^tape_34xx ' lsmod
check "the 3490 driver is on the ccw bus" test -d /sys/bus/ccw/drivers/tape_34xx
check_out "/proc/tapedevices is there" '^TapeNo[[:space:]]+BusID' cat /proc/tapedevices
check_out "lstape runs (a bash script)" '^TapeNo +BusID' lstape
check_out "the virtio-blk-ccw disk is 0.0.0100 (lscss)" '^0\.0\.0100 ' lscss
check "the virtio-blk-ccw disk is /dev/vda" wait_path /dev/vda 30
check "mke2fs (e2fsprogs) on /dev/vda" mke2fs -q -F -t ext4 /dev/vda
mkdir -p /mnt/vda
check "mount ext4 on /dev/vda" mount -t ext4 /dev/vda /mnt/vda
check "write and read back a file" sh -c 'echo ok >/mnt/vda/x && grep -q ok /mnt/vda/x'
check "umount /dev/vda" umount /mnt/vda
check "e2fsck -fn /dev/vda is clean" e2fsck -fn /dev/vda
value uptime_s "$(cut -d' ' -f1 /proc/uptime)"
finish
