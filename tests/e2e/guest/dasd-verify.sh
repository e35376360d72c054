#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the demo / e2e flow, second boot: the DASD written in the first
# boot comes online again; every file's checksum matches the one recorded then
# (the host passes its copy as /ccwpass/SHA256SUMS.host); its programs run.
. /usr/lib/ccwpass/guestlib.sh
dev=${CCWPASS_DEVNO:-0.0.1234}

check_out "second boot: lscss shows $dev as 3390/0c" "^$dev +0\.0\.[0-9a-f]{4} +3390/0c " lscss
t0=$(now_ms)
if blk=$(dasd_online "$dev" 120); then
    pass "second boot: chccwdev -e $dev: /dev/$blk ($(( $(now_ms) - t0 )) ms)"
else
    fail "second boot: chccwdev -e $dev"
    dmesg | tail -n 30 | sed 's/^/# /'
    finish
fi
check_out "second boot: lsdasd shows $blk active" "^$dev +active +$blk " lsdasd
check "second boot: the partition /dev/${blk}1 is found" wait_path "/dev/${blk}1" 30
check "second boot: e2fsck -n /dev/${blk}1 is clean" e2fsck -n -f "/dev/${blk}1"
mkdir -p /mnt/dasd
check "second boot: mount /dev/${blk}1" mount -t ext4 -o ro "/dev/${blk}1" /mnt/dasd
m=/mnt/dasd
check "second boot: the guest's SHA256SUMS equals the list recorded in the first boot" \
    cmp /ccwpass/SHA256SUMS.host $m/SHA256SUMS
check_out "second boot: every file's checksum matches ($(wc -l </ccwpass/SHA256SUMS.host) files)" ': OK$' \
    sh -c "cd $m && sha256sum -c /ccwpass/SHA256SUMS.host"
check_out "second boot: run busybox from the DASD" '^busybox-second-boot$' $m/bin/busybox echo busybox-second-boot
check_out "second boot: run lscss from the DASD" "^$dev " $m/bin/lscss
check_out "second boot: run a script from the DASD" '^script-from-dasd ok s390x$' $m/bin/hello.sh
check_out "second boot: read hello.txt" 'written through vfio-ccw passthrough' cat $m/hello.txt
check "second boot: umount" umount $m
check "second boot: chccwdev -d $dev" chccwdev -d "$dev"
dmesg -r 2>/dev/null | grep -E '^<[0-3]>' | grep -E "dasd|$dev" >/tmp/dmesg.err
check "second boot: no error-level kernel messages for the DASD" test ! -s /tmp/dmesg.err
sed 's/^/# dmesg: /' /tmp/dmesg.err
finish
