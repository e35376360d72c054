#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/shared_dasd.sh: one of two guests (kernel parameter
# ccwpass.role=a|b), each on its own host (ccwpassd), sharing one volume.
# The host relays between them: a guest prints "CCWPASS-VALUE step=NAME" when
# it reached a point and waits for the host's mailbox word before going on.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234 role=${CCWPASS_ROLE:-a}
sysd=/sys/bus/ccw/devices/$dev
T=600                      # bound of every wait for the other guest

step() { value step "$1"; }
go() { check "$role: the host says $1 (the other guest is there)" mailbox_wait "$1" $T; }
# the block the test writes: 4 KiB blocks 100..103 of the volume
pattern() { awk -v w="$1" 'BEGIN { for (i = 1; i <= 256; i++) printf "%-63s\n", w " line " i }'; }
put() { pattern "$1" >/tmp/put && dd if=/tmp/put of="/dev/$blk" bs=4096 seek=100 count=4 oflag=direct; }
has() { pattern "$1" >/tmp/want && dd if="/dev/$blk" of=/tmp/got bs=4096 skip=100 count=4 iflag=direct && cmp /tmp/want /tmp/got; }
rsv() { check_out "$role: tunedasd -Q /dev/$blk says $1" "^$1\$" tunedasd -Q "/dev/$blk"; }
lkrs() { check_out "$role: last_known_reservation_state is $1" "^$1\$" cat "$sysd/last_known_reservation_state"; }

blk=$(dasd_online $dev 120) || { fail "$role: chccwdev -e $dev"; finish; }
pass "$role: $dev online as /dev/$blk"
check "$role: reservation_policy=fail (a stolen reserve stops I/O)" sh -c "echo fail >$sysd/reservation_policy"
case $role in
a)
    go b-online
    check_out "$role: tunedasd -S reserves the volume" "Done" tunedasd -S "/dev/$blk"
    rsv reserved
    lkrs reserved
    check "$role: writes blocks 100-103 under the reserve" put "written by A under its reserve"
    step a-reserved
    go b-saw-other
    check_out "$role: tunedasd -L releases it" "Done" tunedasd -L "/dev/$blk"
    rsv none
    lkrs none
    step a-released
    go b-read
    check_out "$role: tunedasd -S reserves it again" "Done" tunedasd -S "/dev/$blk"
    step a-reserved-again
    go b-stole
    # the next I/O meets the lost reserve: the unit check, then -EPERM (policy fail)
    check_fails "$role: I/O after the steal fails (reservation_policy=fail)" \
        dd if="/dev/$blk" of=/dev/null bs=4096 count=1 iflag=direct
    check_out "$role: the kernel says the reservation was lost" "reservation was lost" sh -c "dmesg | grep -i reserv"
    lkrs lost
    rsv other
    check "$role: echo reset > last_known_reservation_state" sh -c "echo reset >$sysd/last_known_reservation_state"
    lkrs none
    step a-saw-lost
    go b-released
    check_out "$role: tunedasd -S reserves it (B released it)" "Done" tunedasd -S "/dev/$blk"
    check "$role: writes blocks 100-103 again" put "written by A before its host died"
    step a-holds
    # the host kills this guest's ccwpassd now; the guest is stopped with it
    mailbox_wait never $T
    ;;
b)
    step b-online
    go a-reserved
    rsv other
    check_fails "$role: tunedasd -S is refused while A holds the reserve" tunedasd -S "/dev/$blk"
    dmesg | grep -iE "dasd|$dev" | tail -n 4 | sed 's/^/  | /'
    step b-saw-other
    go a-released
    rsv none
    check "$role: reads what A wrote under its reserve" has "written by A under its reserve"
    step b-read
    go a-reserved-again
    rsv other
    check_out "$role: tunedasd -O steals the reserve" "Done" tunedasd -O "/dev/$blk"
    rsv reserved
    lkrs reserved
    step b-stole
    go a-saw-lost
    check_out "$role: tunedasd -L releases it" "Done" tunedasd -L "/dev/$blk"
    step b-released
    go a-host-killed
    rsv other
    check_out "$role: tunedasd -O breaks the dead host's reserve" "Done" tunedasd -O "/dev/$blk"
    rsv reserved
    check "$role: reads what A wrote before its host died" has "written by A before its host died"
    check_out "$role: tunedasd -L" "Done" tunedasd -L "/dev/$blk"
    rsv none
    ;;
esac
finish
