#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/tape.sh: a 3490 at 0.0.0580 (beside the 3390 at
# 0.0.1234) under Linux 6.1's tape_34xx and s390-tools.
#  phase 1: writes two files (32768- and 65535-byte blocks), reads them back,
#           moves with mt (fsf/bsf/fsr/bsr/tell/seek/rewind), reads past the
#           end, appends a tar archive after `mt eom`, and reports the files'
#           checksums for the host (CCWPASS-VALUE sha256_1/sha256_2);
#           `mt offline` unloads the cartridge.
#  phase 2: the drive is empty: it comes online, reads and writes fail with
#           ENOMEDIUM, nothing hangs; then the host loads a cartridge made by
#           Hercules' hetinit (mailbox "loaded"): its labels read, mt offline.
#  phase 3: a write-protected cartridge (the host's HET copy of phase 1's
#           tape): both files read back with phase 1's checksums, a write
#           fails with EACCES, reading still works afterwards.
#  phase 4: a 1 MiB cartridge: dd until the end of the tape gives ENOSPC;
#           rewound, every block dd counted as written reads back.
. /usr/lib/ccwpass/guestlib.sh
phase=${CCWPASS_PHASE:-1}
T=/dev/ntibm0
# tell: the block number `mt tell` prints ("At block N.")
tell() { mt -f "$T" tell 2>&1 | sed -n 's/^At block \([0-9]*\).*/\1/p'; }
check_tell() { # check_tell N DESCRIPTION
    local got
    got=$(tell)
    if [ "$got" = "$1" ]; then pass "$2: mt tell says block $1"; else fail "$2: mt tell says block '$got', want $1"; fi
}
# readblk FILE: read one block (one read(2) of 65535 bytes) into FILE.
readblk() { dd if="$T" of="$1" bs=65535 count=1 2>/dev/null; }

# read_file OUT: one file (dd bs=65535 stops at its tapemark)
read_file() { dd if="$T" of="$1" bs=65535 2>/dev/null; }

check_out "lscss shows the drive as 3490/50 3490/50" '^0\.0\.0580 +0\.0\.[0-9a-f]{4} +3490/50 +3490/50 ' lscss
check_out "lscss shows the DASD beside it" '^0\.0\.1234 +0\.0\.[0-9a-f]{4} +3390/0c +3990/e9 ' lscss
check_out "lstape lists the drive offline" '0\.0\.0580 +3490/50 +3490/50 +N/A +OFFLINE' lstape
check "chccwdev -e 0.0.0580" chccwdev -e 0.0.0580
check "the non-rewinding node /dev/ntibm0 appears" wait_path /dev/ntibm0 60
check "the rewinding node /dev/rtibm0 appears" wait_path /dev/rtibm0 10

if [ "$phase" = 2 ]; then
    check_out "empty drive: medium state unloaded (2)" '^2$' cat /sys/bus/ccw/devices/0.0.0580/medium_state
    check_out "empty drive: lstape says UNLOADED" '^0 +0\.0\.0580 +3490/50 +3490/50 +auto +UNUSED +--- +UNLOADED' lstape
    check_out "empty drive: a read fails with ENOMEDIUM" 'No medium found' sh -c "! dd if=$T of=/tmp/x bs=65535"
    check_out "empty drive: a write fails with ENOMEDIUM" 'No medium found' \
        sh -c "! dd if=/dev/zero of=$T bs=32768 count=1"
    check_out "empty drive: mt rewind fails with ENOMEDIUM" 'No medium found' sh -c "! mt -f $T rewind"
    # the host loads a labelled tape Hercules' hetinit made, while the drive is online
    value ready load
    if mailbox_wait loaded 120; then
        # the drive presents attention+DE+UX (0x85) unsolicited; tape_34xx senses
        # the medium, and MTLOAD returns once the medium state is LOADED
        check "mt load returns: the guest saw the cartridge mounted" timeout 120 mt -f "$T" load
        check_out "the medium state is loaded (1)" '^1$' cat /sys/bus/ccw/devices/0.0.0580/medium_state
        check_out "the kernel logs the mount" 'tape: 0\.0\.0580: A tape cartridge has been mounted' dmesg
        check "read the first block of the loaded cartridge" readblk /tmp/vol1
        check_out "it is hetinit's VOL1 label for VOL001 (80 bytes, EBCDIC)" '^80 e5d6d3f1e5d6d3f0f0f1$' \
            sh -c "echo \$(wc -c </tmp/vol1) \$(head -c 10 /tmp/vol1 | od -An -tx1 | tr -d ' \n')"
        check "read the second block" readblk /tmp/hdr1
        check_out "it is the HDR1 label" '^80 c8c4d9f1$' \
            sh -c "echo \$(wc -c </tmp/hdr1) \$(head -c 4 /tmp/hdr1 | od -An -tx1 | tr -d ' \n')"
        check_out "then its tapemark: 0 bytes" '^0\+0 records in' dd if="$T" of=/tmp/x bs=65535
        check "mt offline: the guest unloads the host's cartridge" mt -f "$T" offline
    else
        fail "the host loaded a cartridge (mailbox)"
    fi
    check "chccwdev -d 0.0.0580" chccwdev -d 0.0.0580
    finish
fi
if [ "$phase" = 4 ]; then
    head -c 800000 /dev/urandom | od -An -tx1 | head -c $((64 * 32768)) >/tmp/big
    dd if=/tmp/big of="$T" bs=32768 >/tmp/dd.out 2>&1
    rc=$?
    sed 's/^/  | /' /tmp/dd.out
    if [ $rc -ne 0 ] && grep -q 'No space left on device' /tmp/dd.out; then
        pass "dd to the end of a 1 MiB cartridge fails with ENOSPC"
    else
        fail "dd to the end of a 1 MiB cartridge fails with ENOSPC (rc=$rc)"
    fi
    n=$(sed -n 's/^\([0-9]*\)+0 records out/\1/p' /tmp/dd.out)
    value blocks_written "$n"
    if [ -n "$n" ] && [ "$n" -gt 20 ] && [ "$n" -lt 32 ]; then
        pass "dd wrote $n blocks of 32768 before the end (1 MiB minus the early-warning zone)"
    else
        fail "dd wrote '$n' blocks of 32768 before the end"
    fi
    check "mt rewind" mt -f "$T" rewind
    check "read back what was written" read_file /tmp/back
    check "all $n blocks read back identical" sh -c "head -c $((${n:-0} * 32768)) /tmp/big | cmp - /tmp/back"
    check "chccwdev -d 0.0.0580" chccwdev -d 0.0.0580
    finish
fi
if [ "$phase" = 3 ]; then
    check_out "write-protected cartridge: medium state loaded (1)" '^1$' cat /sys/bus/ccw/devices/0.0.0580/medium_state
    check "read file 1" read_file /tmp/r1
    check_out "file 1 has phase 1's checksum" "^${CCWPASS_SUM1:-none}\$" sh -c "sha256sum </tmp/r1 | cut -d' ' -f1"
    check "read file 2" read_file /tmp/r2
    check_out "file 2 has phase 1's checksum" "^${CCWPASS_SUM2:-none}\$" sh -c "sha256sum </tmp/r2 | cut -d' ' -f1"
    check_out "a write fails with EACCES" 'Permission denied' sh -c "! dd if=/dev/zero of=$T bs=32768 count=1"
    check_out "mt weof fails with EACCES" 'Permission denied' sh -c "! mt -f $T weof"
    check "after the refused writes: mt rewind" mt -f "$T" rewind
    check "file 1 still reads" read_file /tmp/r1b
    check "and is unchanged" cmp /tmp/r1 /tmp/r1b
    check "chccwdev -d 0.0.0580" chccwdev -d 0.0.0580
    finish
fi
check_out "the drive's medium state is loaded (1)" '^1$' cat /sys/bus/ccw/devices/0.0.0580/medium_state
check_out "/proc/tapedevices: drive 0, 3490/50, LOADED" '^0[[:space:]]+0\.0\.0580[[:space:]]+3490/50[[:space:]]+3490/50[[:space:]]+auto[[:space:]]+UNUSED[[:space:]]+---[[:space:]]+LOADED' cat /proc/tapedevices
check_out "lstape: online, auto block size, LOADED" '^0 +0\.0\.0580 +3490/50 +3490/50 +auto +UNUSED +--- +LOADED' lstape

# ---- write: file 1 (8 x 32768), file 2 (4 x 65535), end marker ------------------------
# random bytes as hex text: every block differs, and compresses (the host's HET
# copy then holds really compressed blocks; Hercules 3.13's bzip2 fails on
# incompressible 65535-byte blocks)
head -c 200000 /dev/urandom | od -An -tx1 | head -c $((8 * 32768)) >/tmp/f1
head -c 200000 /dev/urandom | od -An -tx1 | head -c $((4 * 65535)) >/tmp/f2
check_out "dd file 1 to the tape, bs=32768 (8 blocks; close writes its tapemark)" '^8\+0 records out' \
    dd if=/tmp/f1 of="$T" bs=32768
check_tell 9 "after file 1 and its tapemark"
check_out "dd file 2, bs=65535 (4 blocks)" '^4\+0 records out' dd if=/tmp/f2 of="$T" bs=65535
check "mt weof: the second tapemark ends the tape" mt -f "$T" weof
check_tell 15 "after file 2, tapemark, tapemark"
check "mt rewind" mt -f "$T" rewind
check_tell 0 "at load point"

# ---- read both back ---------------------------------------------------------------------------
check "read file 1 (dd bs=65535 stops at the tapemark)" sh -c "dd if=$T of=/tmp/r1 bs=65535 2>/dev/null"
check "file 1 reads back identical (8 x 32768 bytes)" cmp /tmp/f1 /tmp/r1
check "read file 2" sh -c "dd if=$T of=/tmp/r2 bs=65535 2>/dev/null"
check "file 2 reads back identical (4 x 65535 bytes)" cmp /tmp/f2 /tmp/r2
value sha256_1 "$(sha256sum </tmp/f1 | cut -d' ' -f1)"
value sha256_2 "$(sha256sum </tmp/f2 | cut -d' ' -f1)"
check_out "the empty third file reads 0 bytes" '^0\+0 records in' dd if="$T" of=/tmp/r3 bs=65535
check_out "reading at end of data returns 0 bytes, not an error or a hang" '^0\+0 records in' dd if="$T" of=/tmp/r4 bs=65535
check_out "and again" '^0\+0 records in' dd if="$T" of=/tmp/r4 bs=65535

# ---- positioning --------------------------------------------------------------------------------
check "mt rewind; mt fsf 1" sh -c "mt -f $T rewind && mt -f $T fsf 1"
check_tell 9 "mt fsf 1: after the first tapemark"
readblk /tmp/b; readblk /tmp/b
check_tell 11 "two blocks into file 2"
check "mt bsf 1 (back over the tapemark, then forward past it)" mt -f "$T" bsf 1
check_tell 9 "mt bsf 1: at the start of file 2"
readblk /tmp/b
check "the block there is file 2's first" sh -c "head -c 65535 /tmp/f2 | cmp - /tmp/b"
check "mt seek 3" mt -f "$T" seek 3
check_tell 3 "mt seek 3"
readblk /tmp/b
check "the block at 3 is file 1's fourth" sh -c "dd if=/tmp/f1 bs=32768 skip=3 count=1 2>/dev/null | cmp - /tmp/b"
check "mt rewind; mt fsr 2" sh -c "mt -f $T rewind && mt -f $T fsr 2"
check_tell 2 "mt fsr 2"
check "mt bsr 1" mt -f "$T" bsr 1
check_tell 1 "mt bsr 1"
check "mt fsf 1; mt fsr 4: to the end of file 2" sh -c "mt -f $T fsf 1 && mt -f $T fsr 4"
check_tell 13 "before file 2's tapemark"
check "mt fsr 1 over the tapemark" mt -f "$T" fsr 1
check_tell 14 "mt fsr 1: past the tapemark"
check "mt bsr 1 back over it" mt -f "$T" bsr 1
check_tell 13 "mt bsr 1: before the tapemark again"

# ---- append a tar archive at the end of the tape (10240-byte blocks, like tar -b 20) ----
mkdir -p /tmp/tree/sub
cp /etc/passwd /etc/group /tmp/tree/; head -c 100000 /dev/urandom >/tmp/tree/sub/blob
check "mt eom: to the end of the last file" mt -f "$T" eom
check_tell 14 "mt eom: between the last two tapemarks"
check "tar cf of a directory, to the tape in 10240-byte blocks" sh -c "tar cf - -C /tmp tree | dd of=$T obs=10240 2>/dev/null"
check "mt weof" mt -f "$T" weof
check "mt rewind; mt fsf 2" sh -c "mt -f $T rewind && mt -f $T fsf 2"
check_out "tar tf lists the archive from the tape" 'tree/sub/blob' sh -c "dd if=$T bs=10240 2>/dev/null | tar tf -"
check "mt bsf 2 (back over the archive's tapemark and the one before it)" mt -f "$T" bsf 2
check_tell 14 "mt bsf 2: at the archive's start"
mkdir -p /tmp/x
check "tar xf from the tape" sh -c "dd if=$T bs=10240 2>/dev/null | tar xf - -C /tmp/x"
check "the extracted tree is identical" sh -c "cmp /tmp/tree/sub/blob /tmp/x/tree/sub/blob && cmp /etc/passwd /tmp/x/tree/passwd"
check "mt rewind" mt -f "$T" rewind
check_tell 0 "rewound"
check "file 1 still reads back after the append" read_file /tmp/r1b
check "and is identical" cmp /tmp/f1 /tmp/r1b
check "mt offline: rewind and unload the cartridge" mt -f "$T" offline
check_out "the medium state is unloaded (2)" '^2$' cat /sys/bus/ccw/devices/0.0.0580/medium_state
check "chccwdev -d 0.0.0580" chccwdev -d 0.0.0580
check_out "lstape lists the drive offline again" '0\.0\.0580 +3490/50 +3490/50 +N/A +OFFLINE' lstape
finish
