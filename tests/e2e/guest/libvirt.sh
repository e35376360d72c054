#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/libvirt.sh: the guest libvirt started sees the
# vfio-ccw mdev as 0.0.1234, brings it online and does block I/O on it.
# Then it keeps running, so the host can `virsh destroy` a running domain.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
check_out "lscss shows $dev as a 3390 behind a 3990" "^$dev +0\.0\.[0-9a-f]{4} +3390/[0-9a-f]{2} +3990/" lscss
if blk=$(dasd_online "$dev" 120); then
    pass "chccwdev -e $dev: /dev/$blk appears"
    check "dasdfmt -b 4096 -d ldl -y /dev/$blk" dasdfmt -b 4096 -d ldl -y "/dev/$blk"
    check_out "lsdasd shows /dev/$blk active" "^$dev +active +$blk " lsdasd
    head -c $((1024 * 1024)) /dev/urandom >/tmp/data
    check "write 1 MiB to /dev/$blk (O_DIRECT)" \
        dd if=/tmp/data of="/dev/$blk" bs=64k seek=16 oflag=direct conv=fsync
    check "read it back (O_DIRECT): the same bytes" \
        sh -c "dd if=/dev/$blk bs=64k skip=16 count=16 iflag=direct 2>/dev/null | cmp - /tmp/data"
    check "chccwdev -d $dev" chccwdev -d "$dev"
else
    fail "chccwdev -e $dev"
    dmesg | tail -n 20 | sed 's/^/# /'
fi
echo "CCWPASS-VALUE checks=$CCWPASS_CHECKS failed=$CCWPASS_FAILS"
echo "CCWPASS-HOLD the guest keeps running until virsh destroy"
while :; do sleep 60; done
