#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/crash.sh, by phase (kernel parameter ccwpass.phase):
#  1  format, mkfs, then write files f1, f2, ... each followed by sync; after each
#     sync "CCWPASS-VALUE synced=f<i>" — the host kills QEMU in the middle.
#  2  files f1..f<ccwpass.n1> (acknowledged in phase 1) are intact; then write
#     g1, g2, ... the same way; the host kills ccwpassd in the middle and mails
#     "killed"; the guest must see the device go away (and not hang).
#  3  after e2fsck replays the journal, f1..f<n1> and g1..g<n2> are intact.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234 m=/mnt/dasd
phase=${CCWPASS_PHASE:-1}
mkdir -p $m

# content of file NAME: deterministic, ~64 KiB, different per name
content() { awk -v n="$1" 'BEGIN { for (i = 1; i <= 1800; i++) printf "%s line %d of the crash test ccwpass\n", n, i }'; }
writer() { # writer PREFIX: endless write+sync loop, acknowledging each file
    i=1
    while [ $i -le 100000 ]; do
        content "$1$i" >$m/$1$i.tmp && mv $m/$1$i.tmp $m/$1$i && sync || { echo "CCWPASS-VALUE writer_error=$1$i"; return 1; }
        echo "CCWPASS-VALUE synced=$1$i"
        i=$((i + 1))
    done
}
verify() { # verify PREFIX N
    bad=0
    for i in $(seq 1 "$2"); do
        if ! content "$1$i" | cmp -s - "$m/$1$i"; then echo "mismatch or missing: $1$i"; bad=1; fi
    done
    return $bad
}

blk=$(dasd_online $dev 120) || { fail "phase $phase: chccwdev -e $dev"; finish; }
pass "phase $phase: $dev online as /dev/$blk"
case $phase in
1)
    check "dasdfmt -b 4096 /dev/$blk" dasdfmt -b 4096 -y "/dev/$blk"
    check "fdasd -a /dev/$blk" fdasd -a "/dev/$blk"
    check "/dev/${blk}1 appears" wait_path "/dev/${blk}1" 30
    check "mke2fs -t ext4 /dev/${blk}1" mke2fs -q -F -t ext4 "/dev/${blk}1"
    check "mount" mount -t ext4 "/dev/${blk}1" $m
    echo "CCWPASS-VALUE writing=f"
    writer f
    ;;
2)
    check "e2fsck -p replays the journal after the power-off" sh -c "e2fsck -p /dev/${blk}1; [ \$? -le 1 ]"
    check "e2fsck -fn is clean after the power-off" e2fsck -fn "/dev/${blk}1"
    check "mount after the power-off" mount -t ext4 "/dev/${blk}1" $m
    check "all ${CCWPASS_N1:-0} files synced before the power-off are intact" verify f "${CCWPASS_N1:-0}"
    # a short I/O timeout, so a request to a vanished device ends soon
    check "set the DASD's I/O timeout (expires) to 5 s" sh -c "echo 5 >/sys/bus/ccw/devices/$dev/expires"
    : >/tmp/writer.out         # exists before tail -f starts (no race)
    writer g >>/tmp/writer.out 2>&1 &
    wpid=$!
    # forward the writer's acknowledgements to the console as they come
    tail -f /tmp/writer.out &
    tpid=$!
    echo "CCWPASS-VALUE writing=g"
    if mailbox_wait killed 300; then
        pass "the host killed ccwpassd while the guest writes"
        # the device must be seen as gone within a bounded time; the I/O may not hang the guest
        end=$(( $(now_ms) + 120000 ))
        seen=""
        while [ -z "$seen" ] && [ "$(now_ms)" -lt "$end" ]; do
            av=$(cat /sys/bus/ccw/devices/$dev/availability 2>/dev/null)
            [ "$av" = good ] || seen="availability=$av"
            grep -q writer_error /tmp/writer.out && seen="${seen:+$seen, }write error"
            dmesg | grep -iE "$dev.*(not operational|disconnect|no device|no path)|dasd.*I/O error" | tail -n 3 >/tmp/dm.out
            [ -s /tmp/dm.out ] && seen="${seen:+$seen, }dmesg: $(tail -n 1 /tmp/dm.out)"
            [ -n "$seen" ] || sleep 0.2
        done
        if [ -n "$seen" ]; then pass "the guest sees the device go away ($seen)"
        else fail "the guest sees the device go away (still 'good' after 120 s)"; dmesg | tail -n 15 | sed 's/^/# /'; fi
        value dev_gone "$seen"
    else
        fail "no word from the host"
    fi
    kill $tpid $wpid 2>/dev/null
    dmesg | grep -E "$dev|dasd" | tail -n 8 | sed 's/^/  | /'
    # no umount/offline/sync: I/O to the vanished device may wait for it forever
    finish_nosync
    ;;
3)
    check "e2fsck -p replays the journal after ccwpassd was killed" sh -c "e2fsck -p /dev/${blk}1; [ \$? -le 1 ]"
    check "e2fsck -fn is clean" e2fsck -fn "/dev/${blk}1"
    check "mount" mount -t ext4 "/dev/${blk}1" $m
    check "the ${CCWPASS_N1:-0} files of phase 1 are intact" verify f "${CCWPASS_N1:-0}"
    check "all ${CCWPASS_N2:-0} files synced before ccwpassd was killed are intact" verify g "${CCWPASS_N2:-0}"
    check "umount" umount $m
    check "chccwdev -d $dev" chccwdev -d $dev
    ;;
esac
finish
