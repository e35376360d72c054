#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/hsch.sh: an I/O that outlasts the DASD driver's
# timeout is terminated by the guest (clear/halt subchannel through the async
# region), retried, and completes with the right data once the delay is gone.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
blk=$(dasd_online $dev 120) || { fail "chccwdev -e $dev"; finish; }
pass "$dev online as /dev/$blk"
check "dasdfmt -b 4096 /dev/$blk" dasdfmt -b 4096 -y "/dev/$blk"
awk 'BEGIN { for (i = 1; i <= 200; i++) printf "block pattern %06d ccwpass\n", i }' | head -c 4096 >/tmp/pattern
check "write a pattern to block 100 (O_DIRECT)" dd if=/tmp/pattern of="/dev/$blk" bs=4096 seek=100 count=1 oflag=direct
check "set the DASD's I/O timeout (expires) to 3 s" sh -c "echo 3 >/sys/bus/ccw/devices/$dev/expires"
value expires "$(cat /sys/bus/ccw/devices/$dev/expires)"
dmesg -c >/dev/null
value ready delay
if ! mailbox_wait delayed 120; then fail "the host set a 10 s delay on the subchannel"; finish; fi
t0=$(now_ms)
dd if="/dev/$blk" of=/tmp/readback bs=4096 skip=100 count=1 iflag=direct 2>/tmp/dd.err &
ddpid=$!
# the driver must time the request out and terminate it (bounded wait)
end=$(( $(now_ms) + 60000 ))
until dmesg | grep -qiE 'timed out|terminat'; do
    [ "$(now_ms)" -lt "$end" ] || break
    sleep 0.2
done
dmesg | grep -iE 'timed out|terminat|dasd' | tail -n 5 | sed 's/^/  | /'
if dmesg | grep -qiE 'timed out'; then
    pass "the DASD driver timed the request out after $(( $(now_ms) - t0 )) ms and terminated it (CSCH/HSCH)"
else
    fail "the DASD driver timed the request out (no message within 60 s)"
fi
value timedout 1
mailbox_wait cleared 120 || fail "the host removed the delay"
end=$(( $(now_ms) + 120000 ))
while kill -0 $ddpid 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.2; done
if kill -0 $ddpid 2>/dev/null; then
    fail "the retried read completes after the delay is gone (still running after 120 s)"
    dmesg | grep -E 'dasd|0\.0\.1234' | tail -n 8 | sed 's/^/# /'
    finish_nosync       # the DASD is stuck: no further I/O, no sync
else
    wait $ddpid; rc=$?
    value read_ms $(( $(now_ms) - t0 ))
    if [ $rc -eq 0 ] && cmp -s /tmp/pattern /tmp/readback; then
        pass "the retried read completes with the right data ($(( $(now_ms) - t0 )) ms)"
    else
        fail "the retried read completes with the right data (dd rc=$rc)"
        sed 's/^/# /' /tmp/dd.err
    fi
fi
check "the DASD is still usable: read block 100 again" sh -c \
    "dd if=/dev/$blk bs=4096 skip=100 count=1 iflag=direct 2>/dev/null | cmp -s - /tmp/pattern"
check "the DASD is still usable: write and read block 200" sh -c \
    "dd if=/tmp/pattern of=/dev/$blk bs=4096 seek=200 count=1 oflag=direct 2>/dev/null &&
     dd if=/dev/$blk bs=4096 skip=200 count=1 iflag=direct 2>/dev/null | cmp -s - /tmp/pattern"
check "chccwdev -d $dev" chccwdev -d $dev
finish
