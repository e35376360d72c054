#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TCG coherence (docs/qemu.md "TCG coherence"): code the guest reads from the
# passed-through DASD into a page that already holds translated code must run
# as read.  The device writes guest RAM from ccwpassd, behind TCG's back; the
# adapter invalidates the translations of the ranges the daemon reports after
# each I/O.  The guest runs a probe (mkprobe.py) that loads two different code
# blocks into one page with O_DIRECT and calls each: 18 = fresh code ran twice,
# 17 = a stale translation ran.  A control run with the invalidation switched
# off (CCWPASS_NO_TCG_SYNC=1) shows the probe does detect the trap.  The
# ranges come through the shared I/O area's dirty ring (docs/qemu.md); one
# run with CCWPASS_NO_SHM_IO=1 checks the socket path (DIRTY) as well.
set -uo pipefail
. "$(dirname "$0")/qlib.sh"
require
if [ ! -s "$Q_SRC/guest/out/vmlinuz" ]; then
    "$Q_SRC/guest/build.sh" 2>&1 | tail -n 5 | diag
fi
[ -s "$Q_SRC/guest/out/vmlinuz" ] || bail "the s390x guest is built (guest/build.sh)"
daemon_start
seed_steps
python3 "$(dirname "$0")/mkprobe.py" "$W" || bail "mkprobe.py"

# boot NAME [QEMU-ARGS...]: the guest with the probe; console in $W/NAME.console
boot() {
    local rc=0 name=$1; shift
    "$Q_SRC/guest/run.sh" -q -t 600 -o "$W/$name.console" -s "$(dirname "$0")/guest_tcg.sh" \
        -f "$W/tcgprobe" -f "$W/code1.bin" -f "$W/code2.bin" --launcher "$CCWPASS qemu" \
        -M s390-ccw-virtio,s390-squash-mcss=on -- "$@" -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" \
        2>"$W/$name.run.log" || rc=$?
    cat "$W/$name.run.log" >>"$W/$name.console"
    return $rc
}

boot sync
result "guest: DASD online, formatted, code blocks written" $? "$W/sync.console"
for i in 1 2 3; do
    contains "run $i: the guest executes the code it just read from the DASD (probe = 18)" \
        "$W/sync.console" "CCWPASS-VALUE probe$i=18"
done

areas=$(grep -c 'shared I/O area set up' "$W/daemon.log")
result "the adapter took the shared I/O area: the ranges came through its ring ($areas)" \
    "$([ "$areas" -ge 1 ]; echo $?)" "$W/daemon.log"
bells=$(sed -n 's/.* \([0-9][0-9]*\) I\/O region write(s) by doorbell.*/\1/p' "$W/daemon.log" | head -n 1)
result "the guest's SSCHs came by doorbell, not the socket (${bells:-none})" \
    "$([ "${bells:-0}" -gt 0 ]; echo $?)" "$W/daemon.log"

# the old path: no shared area, the IRB and the ranges over the socket
CCWPASS_NO_SHM_IO=1 boot socket
result "socket path (CCWPASS_NO_SHM_IO=1): guest ran the probe" $? "$W/socket.console"
n=$(grep -c 'CCWPASS-VALUE probe[0-9]=18' "$W/socket.console")
result "socket path: all 3 probe runs give 18 ($n)" "$([ "$n" -eq 3 ]; echo $?)" "$W/socket.console"
result "socket path: no shared I/O area was set up" \
    "$([ "$(grep -c 'shared I/O area set up' "$W/daemon.log")" -eq "$areas" ]; echo $?)" "$W/daemon.log"

# two vCPUs on two host threads (MTTCG): invalidation from the main loop while
# the other vCPU runs, as QEMU's own DMA does
boot smp2 -smp 2 -accel tcg,thread=multi
result "2 vCPUs (MTTCG): guest ran the probe" $? "$W/smp2.console"
n=$(grep -c 'CCWPASS-VALUE probe[0-9]=18' "$W/smp2.console")
result "2 vCPUs (MTTCG): all 3 probe runs give 18 ($n)" "$([ "$n" -eq 3 ]; echo $?)" "$W/smp2.console"

CCWPASS_NO_TCG_SYNC=1 boot nosync
stale=$(grep -c 'CCWPASS-VALUE probe[0-9]=17' "$W/nosync.console")
result "control: without invalidation the probe catches stale code ($stale of 3 runs)" \
    "$([ "$stale" -gt 0 ]; echo $?)" "$W/nosync.console"
done_testing
