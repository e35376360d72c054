#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/rbd.sh, one boot per clone of the golden volume
# (kernel parameter ccwpass.clone=N): the clone comes online, its file
# system holds the golden files intact and no other clone's change, then
# it gets a change of its own (clone-N.txt, N x 100 kB of random data),
# read back after dropping the page cache.
. /usr/lib/ccwpass/guestlib.sh
dev=${CCWPASS_DEVNO:-0.0.1234}
n=${CCWPASS_CLONE:-1}
m=/mnt/dasd

blk=$(dasd_online "$dev" 120) || { fail "clone $n: chccwdev -e $dev"; finish; }
pass "clone $n: $dev online as /dev/$blk"
check "clone $n: the partition /dev/${blk}1 appears" wait_path "/dev/${blk}1" 30
mkdir -p $m
check "clone $n: mount /dev/${blk}1" mount -t ext4 "/dev/${blk}1" $m
check_out "clone $n: every golden file reads back intact" ': OK$' sh -c "cd $m && sha256sum -c SHA256SUMS"
check "clone $n: no other clone's change is on it" sh -c "! ls $m/clone-* 2>/dev/null | grep -q ."
change() {
    echo "this is clone $n" >$m/clone-$n.txt && head -c $((n * 100000)) /dev/urandom >$m/clone-$n.bin && sync
}
check "clone $n: write its own change" change
value "clone$n.sha256" "$(sha256sum $m/clone-$n.bin | cut -d' ' -f1)"
sync; echo 3 >/proc/sys/vm/drop_caches
check_out "clone $n: its change reads back from the DASD" "^this is clone $n\$" cat $m/clone-$n.txt
check "clone $n: umount" umount $m
check "clone $n: chccwdev -d $dev" chccwdev -d "$dev"
finish
