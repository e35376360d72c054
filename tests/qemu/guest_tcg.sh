#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tcg.sh: put the two code blocks on the passed-through DASD and
# run the probe (see mkprobe.py), which reports 18 when the second block's code
# ran and 17 when a stale translation of the first block ran instead.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
blk=$(dasd_online "$dev" 120) || { echo "CCWPASS-FAIL chccwdev -e $dev"; finish; }
# dasdfmt opens /dev/block/MAJ:MIN (guestlib's block_links; a node for older guests)
if type block_links >/dev/null 2>&1; then block_links; else
    mm=$(cat "/sys/block/$blk/dev"); mkdir -p /dev/block
    [ -e "/dev/block/$mm" ] || mknod "/dev/block/$mm" b "${mm%:*}" "${mm#*:}"
fi
[ -e /dev/dasda ] || ln -s "/dev/$blk" /dev/dasda
check "dasdfmt -b 4096 /dev/$blk" sh -c "dasdfmt -b 4096 -y /dev/$blk >/tmp/fmt.out 2>&1"
check "write the two code blocks (O_DIRECT)" sh -c \
    "dd if=/ccwpass/code1.bin of=/dev/$blk bs=4096 seek=16 oflag=direct 2>/dev/null &&
     dd if=/ccwpass/code2.bin of=/dev/$blk bs=4096 seek=17 oflag=direct 2>/dev/null"
for i in 1 2 3; do
    /ccwpass/tcgprobe; rc=$?
    value "probe$i" "$rc"
done
finish
