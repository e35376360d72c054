#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/tape_crash.sh, by phase (kernel parameter ccwpass.phase):
#  1  writes files t1, t2, ... to the 3490 at 0.0.0580, each with dd (32768-byte
#     blocks) whose close writes the file's tapemark; after each close
#     "CCWPASS-VALUE acked=t<i>".  The host kills ccwpassd (SIGKILL) in the
#     middle and mails "killed"; what the writer saw then is reported, and the
#     machine ends without waiting for the vanished device.
#  2  after ccwpassd's restart: files t1..t<ccwpass.n> (acknowledged in phase 1)
#     read back from the tape with their contents.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.0580 T=/dev/ntibm0
phase=${CCWPASS_PHASE:-1}

# content of file NAME: deterministic, ~150 KiB, different per name
content() { awk -v n="$1" 'BEGIN { for (i = 1; i <= 4000; i++) printf "%s line %d of the tape crash test\n", n, i }'; }
writer() { # writer: endless loop of files, acknowledging each closed one
    local i=1
    while [ $i -le 100000 ]; do
        content "t$i" >/tmp/t.data
        dd if=/tmp/t.data of=$T bs=32768 2>/tmp/dd.err || { echo "CCWPASS-VALUE writer_error=t$i: $(head -n 1 /tmp/dd.err)"; return 1; }
        echo "CCWPASS-VALUE acked=t$i"
        i=$((i + 1))
    done
}

check "chccwdev -e $dev" chccwdev -e $dev
check "$T appears" wait_path $T 60
case $phase in
1)
    : >/tmp/writer.out         # exists before tail -f starts (no race)
    writer >>/tmp/writer.out 2>&1 &
    wpid=$!
    # forward the writer's acknowledgements to the console as they come
    tail -f /tmp/writer.out &
    tpid=$!
    echo "CCWPASS-VALUE writing=t"
    if mailbox_wait killed 300; then
        pass "the host killed ccwpassd while the guest writes"
    else
        fail "no word from the host"
    fi
    # what the writer met after the kill (not asserted: a tape request to a
    # vanished device may wait for it in the kernel)
    value after_kill "$(sed -n "s/^CCWPASS-VALUE writer_error=//p" /tmp/writer.out | tail -n 1)"
    kill $tpid $wpid 2>/dev/null
    dmesg | grep -iE "$dev|tape" | tail -n 8 | sed 's/^/  | /'
    # no offline/sync: I/O to the vanished device may wait for it forever
    finish_nosync
    ;;
2)
    n=${CCWPASS_N:-0}
    bad=""
    for i in $(seq 1 "$n"); do
        dd if=$T of=/tmp/r bs=65535 2>/dev/null
        content "t$i" | cmp -s - /tmp/r || bad="$bad t$i"
    done
    if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
        pass "all $n files acknowledged before the kill read back intact"
    else
        fail "files acknowledged before the kill read back intact (n=$n, bad:$bad)"
    fi
    check "mt rewind" mt -f $T rewind
    check "chccwdev -d $dev" chccwdev -d $dev
    finish
    ;;
esac
finish
