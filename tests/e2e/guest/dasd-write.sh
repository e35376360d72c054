#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the demo / e2e flow, first boot: find the passed-through DASD,
# bring it online, format, partition, make a file system, write files (among
# them programs) and run a program from the DASD, then take it offline.
# Every check prints CCWPASS-OK/FAIL; facts for the host: CCWPASS-VALUE.
. /usr/lib/ccwpass/guestlib.sh
dev=${CCWPASS_DEVNO:-0.0.1234}
bs=${CCWPASS_BLKSIZE:-4096}

check_out "lscss shows $dev as a 3390/0c behind a 3990" "^$dev +0\.0\.[0-9a-f]{4} +3390/0c +3990/" lscss
lscss | grep "^$dev" | while read -r line; do value lscss "$line"; done

t0=$(now_ms)
if blk=$(dasd_online "$dev" 120); then
    t1=$(now_ms)
    pass "chccwdev -e $dev: /dev/$blk appears ($((t1 - t0)) ms)"
    value online_ms $((t1 - t0))
    value blk "$blk"
else
    fail "chccwdev -e $dev"
    dmesg | tail -n 30 | sed 's/^/# /'
    echo "CCWPASS-SKIP-REST the DASD did not come online"
    finish
fi
check_out "lsdasd lists $dev as $blk" "^$dev +(active|n/f|unformatted|online) +$blk " lsdasd

# Format: the whole volume, with a progress bar (-p); count tracks for MB/s.
cyls=$(dasdview -i "/dev/$blk" 2>/dev/null | awk '/number of cylinders/ {print $NF; exit}')
value cylinders "$cyls"
t0=$(now_ms)
if dasdfmt -b "$bs" -y -p "/dev/$blk" >/tmp/fmt.out 2>&1; then
    t1=$(now_ms)
    tr '\r' '\n' </tmp/fmt.out | grep -v '^ *$' | tail -n 2 | sed 's/^/  | /'
    pass "dasdfmt -b $bs -y -p /dev/$blk ($cyls cylinders in $((t1 - t0)) ms)"
    value dasdfmt_ms $((t1 - t0))
else
    fail "dasdfmt -b $bs -y -p /dev/$blk"
    tr '\r' '\n' </tmp/fmt.out | tail -n 20 | sed 's/^/# /'
    dmesg | tail -n 20 | sed 's/^/# /'
fi
check_out "lsdasd shows /dev/$blk active with $bs-byte blocks" "^$dev +active +$blk .* $bs " lsdasd

check "fdasd -a /dev/$blk (one partition over the whole volume)" fdasd -a "/dev/$blk"
check "the partition /dev/${blk}1 appears" wait_path "/dev/${blk}1" 30
check_out "fdasd -p lists the partition" "/dev/${blk}1" fdasd -p "/dev/$blk"
check "mke2fs -t ext4 -L CCWPASS /dev/${blk}1" mke2fs -q -F -t ext4 -L CCWPASS "/dev/${blk}1"
mkdir -p /mnt/dasd
check "mount /dev/${blk}1 /mnt/dasd" mount -t ext4 "/dev/${blk}1" /mnt/dasd

# Files: text, random data, programs (a static ELF, a dynamic ELF and its
# loader path come from the initramfs; a script).
m=/mnt/dasd
write_files() {
    echo "hello from the s390x guest, written through vfio-ccw passthrough" >$m/hello.txt || return 1
    head -c $((3 * 1024 * 1024 + 1234)) /dev/urandom >$m/random.bin || return 1
    mkdir -p $m/bin $m/deep/a/b/c || return 1
    cp /bin/busybox $m/bin/busybox && cp /sbin/lscss $m/bin/lscss || return 1
    printf '#!/bin/sh\necho "script-from-dasd ok $(uname -m)"\n' >$m/bin/hello.sh || return 1
    chmod +x $m/bin/hello.sh $m/bin/busybox $m/bin/lscss || return 1
    for i in $(seq 1 40); do
        echo "file $i $(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" >$m/deep/a/b/c/f$i || return 1
    done
    (cd $m && find . -type f ! -name SHA256SUMS ! -path './lost+found/*' | sort | xargs sha256sum >SHA256SUMS)
}
check "write files to the DASD (text, 3 MiB random, busybox, lscss, a script, 40 small files)" write_files
while read -r sum name; do value "sha256:${name#./}" "$sum"; done <$m/SHA256SUMS

check_out "run a static ELF from the DASD: busybox" '^busybox-from-dasd$' $m/bin/busybox echo busybox-from-dasd
check_out "run a script from the DASD" '^script-from-dasd ok s390x$' $m/bin/hello.sh
# Drop the page cache so the programs' pages are read back from the DASD by
# channel I/O into guest memory before they run (TCG must not run stale code).
sync; echo 3 >/proc/sys/vm/drop_caches
check_out "after dropping caches, run busybox read back from the DASD" '^busybox-again$' $m/bin/busybox echo busybox-again
check_out "after dropping caches, run a dynamic ELF (lscss) read back from the DASD" "^$dev " $m/bin/lscss
sync; echo 3 >/proc/sys/vm/drop_caches
check "after dropping caches, sha256sum -c of every file read back from the DASD" \
    sh -c "cd $m && sha256sum -c SHA256SUMS"
check "umount /mnt/dasd" umount /mnt/dasd
check "chccwdev -d $dev" chccwdev -d "$dev"
check "$dev is offline" wait_sysfs "/sys/bus/ccw/devices/$dev/online" 0 30

# The DASD driver's own account of the device (evidence for the summary).
check_out "the guest's kernel log shows the DASD driver taking 0.0.1234 (New DASD 3390, partition table)" \
    'New DASD 3390' sh -c "dmesg | grep -E 'dasd|$dev' | tail -n 12"
# Kernel messages of error level (0-3) that name the DASD or the device.
dmesg -r 2>/dev/null | grep -E '^<[0-3]>' | grep -E "dasd|$dev" >/tmp/dmesg.err
check "the guest's kernel log has no error-level messages for the DASD" test ! -s /tmp/dmesg.err
sed 's/^/# dmesg: /' /tmp/dmesg.err
finish
