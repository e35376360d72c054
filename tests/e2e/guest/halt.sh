#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the second half of tests/e2e/hsch.sh: the common I/O layer's own
# requests (path verification when the DASD is set online) carry timeouts; when
# they expire the guest cancels/halts the subchannel (HSCH through the async
# region).  The host delays every command by 15 s while `chccwdev -e` runs, then
# removes the delay; the DASD must still come online and work.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
check_out "lscss shows $dev" "^$dev " lscss
dmesg -c >/dev/null
value ready delay
mailbox_wait delayed 120 || { fail "the host set a 15 s delay"; finish; }
t0=$(now_ms)
chccwdev -e $dev >/tmp/online.out 2>&1 &
opid=$!
# let cio's own request timeouts expire while the commands are delayed:
# until chccwdev ends or 30 s have passed (guest clock), then ask the host to
# remove the delay
while kill -0 $opid 2>/dev/null && [ "$(now_ms)" -lt $((t0 + 30000)) ]; do sleep 0.2; done
value ready clear
mailbox_wait cleared 120 || fail "the host removed the delay"
end=$(( $(now_ms) + 150000 ))
while kill -0 $opid 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.2; done
if kill -0 $opid 2>/dev/null; then
    fail "chccwdev -e returns after the delay is removed (still running after 150 s)"
    dmesg | tail -n 10 | sed 's/^/# /'
    finish_nosync
fi
wait $opid; rc=$?
sed 's/^/  | /' /tmp/online.out
dmesg | tail -n 8 | sed 's/^/  | /'
value online_ms $(( $(now_ms) - t0 ))
st=$(cat /sys/bus/ccw/devices/$dev/online)
if [ "$st" = 1 ]; then
    pass "the DASD came online although its commands were delayed past cio's timeouts (chccwdev rc=$rc, $(( $(now_ms) - t0 )) ms)"
else
    pass "chccwdev -e with commands delayed past cio's timeouts failed cleanly (rc=$rc), without hanging"
    if blk=$(dasd_online $dev 120); then
        pass "once the delay is gone, chccwdev -e brings the DASD online: the halted/cleared subchannel is usable again"
    else
        fail "once the delay is gone, chccwdev -e brings the DASD online"
        dmesg | tail -n 10 | sed 's/^/# /'
    fi
fi
blk=""
for b in /sys/bus/ccw/devices/$dev/block/*; do [ -e "$b" ] && blk=${b##*/}; done
block_links
[ -n "$blk" ] && check "the DASD works: read its first track" dd if="/dev/$blk" of=/dev/null bs=4096 count=12 iflag=direct
check "chccwdev -d $dev" chccwdev -d $dev
finish
