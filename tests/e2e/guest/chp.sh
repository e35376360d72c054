#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/chp.sh: the host varies the DASD's only channel path
# off and on again (`ccwpass chp 0.50 off|on`); the guest learns it through
# channel reports (CRWs) and sees the path go and come back, and the DASD works
# again afterwards.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
blk=$(dasd_online $dev 120) || { fail "chccwdev -e $dev"; finish; }
pass "$dev online as /dev/$blk"
check "dasdfmt -b 4096 /dev/$blk" dasdfmt -b 4096 -y "/dev/$blk"
awk 'BEGIN { for (i = 1; i <= 300; i++) printf "chp test block %06d\n", i }' | head -c 4096 >/tmp/pattern
check "write a block" dd if=/tmp/pattern of="/dev/$blk" bs=4096 seek=10 count=1 oflag=direct
sch=$(basename "$(readlink -f /sys/bus/ccw/devices/$dev/..)")
value sch "$sch"
value pimpampom_before "$(cat /sys/bus/css/devices/$sch/pimpampom)"
dmesg -c >/dev/null
value ready off
mailbox_wait off 120 || { fail "the host varied chpid 0.50 off"; finish; }
# the path must disappear from the guest's view (CRW -> STSCH) within a bounded time
end=$(( $(now_ms) + 60000 ))
until dmesg | grep -qiE 'path|no path|not operational|lost' || [ "$(cat /sys/bus/ccw/devices/$dev/availability)" != good ]; do
    [ "$(now_ms)" -lt "$end" ] || break
    sleep 0.2
done
dmesg | tail -n 5 | sed 's/^/  | /'
value availability_off "$(cat /sys/bus/ccw/devices/$dev/availability)"
value pimpampom_off "$(cat /sys/bus/css/devices/$sch/pimpampom)"
if dmesg | grep -qiE 'path|not operational|lost' || [ "$(cat /sys/bus/ccw/devices/$dev/availability)" != good ]; then
    pass "the guest noticed the channel path going away ($(cat /sys/bus/ccw/devices/$dev/availability); $(dmesg | tail -n 1))"
else
    fail "the guest noticed the channel path going away (nothing within 60 s)"
fi
dmesg -c >/dev/null
value ready on
mailbox_wait on 120 || { fail "the host varied chpid 0.50 on"; finish; }
end=$(( $(now_ms) + 60000 ))
until [ "$(cat /sys/bus/ccw/devices/$dev/availability)" = good ] &&
      dd if="/dev/$blk" bs=4096 skip=10 count=1 iflag=direct 2>/dev/null | cmp -s - /tmp/pattern; do
    [ "$(now_ms)" -lt "$end" ] || break
    sleep 0.2
done
dmesg | tail -n 5 | sed 's/^/  | /'
value pimpampom_on "$(cat /sys/bus/css/devices/$sch/pimpampom)"
check "after the path is back: availability good and the block reads back" sh -c \
    "[ \"\$(cat /sys/bus/ccw/devices/$dev/availability)\" = good ] &&
     dd if=/dev/$blk bs=4096 skip=10 count=1 iflag=direct 2>/dev/null | cmp -s - /tmp/pattern"
check "chccwdev -d $dev" chccwdev -d $dev
finish
