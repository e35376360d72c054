#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of scripts/demo-tape-flow.sh: the passed-through 3490 at
# 0.0.0580 under Linux's tape_34xx and s390-tools.  lscss, lstape,
# chccwdev -e, /proc/tapedevices; a tar archive of a directory as file 1,
# a dd file (32768-byte blocks) as file 2, mt weof ends the tape; mt rewind,
# both files read back and compared (checksums reported to the host as
# CCWPASS-VALUE sha256_1/sha256_2); mt tell / mt seek; mt offline unloads.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.0580 T=/dev/ntibm0
tell() { mt -f "$T" tell 2>&1 | sed -n 's/^At block \([0-9]*\).*/\1/p'; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }

check_out "lscss shows the drive as 3490/50 behind a 3490/50 control unit" \
    '^0\.0\.0580 +0\.0\.[0-9a-f]{4} +3490/50 +3490/50 ' lscss
check_out "lstape lists it, offline" '0\.0\.0580 +3490/50 +3490/50 +N/A +OFFLINE' lstape
check "chccwdev -e 0.0.0580: tape_34xx takes the drive online" chccwdev -e $dev
check "the non-rewinding node /dev/ntibm0 appears" wait_path $T 60
check_out "/proc/tapedevices: drive 0 at 0.0.0580, 3490/50, cartridge LOADED" \
    '^0[[:space:]]+0\.0\.0580[[:space:]]+3490/50[[:space:]]+3490/50[[:space:]]+auto[[:space:]]+UNUSED[[:space:]]+---[[:space:]]+LOADED' \
    cat /proc/tapedevices
check_out "lstape: online, LOADED" '^0 +0\.0\.0580 +3490/50 +3490/50 +auto +UNUSED +--- +LOADED' lstape

# ---- write: file 1 a tar archive, file 2 a dd file ---------------------------------------
mkdir -p /tmp/tree/sub
cp /etc/passwd /etc/group /tmp/tree/
head -c 300000 /dev/urandom >/tmp/tree/sub/blob
head -c 100000 /dev/urandom | od -An -tx1 >/tmp/tree/sub/text
# busybox tar writes headers and data in pieces of any size; a tape keeps every
# write(2) as one block, so dd reblocks the archive into 10240-byte records
# (tar's usual blocking factor 20), the same way it is read back
tar cf /tmp/archive.tar -C /tmp tree
nb=$(( ($(wc -c </tmp/archive.tar) + 10239) / 10240 ))   # the archive's blocks on the tape
check_out "tar cf of a directory to /dev/ntibm0 (10240-byte blocks; close writes a tapemark)" \
    'records out' dd if=/tmp/archive.tar of=$T obs=10240
check_out "mt tell after file 1: block $((nb + 1)) ($nb blocks and a tapemark)" "^At block $((nb + 1))\$" mt -f $T tell
head -c 300000 /dev/urandom | od -An -tx1 | head -c $((16 * 32768)) >/tmp/file2
check_out "dd a second file, bs=32768 (16 blocks)" '^16\+0 records out' dd if=/tmp/file2 of=$T bs=32768
check "mt weof: a second tapemark ends the data" mt -f $T weof
check_out "mt tell at the end: block $((nb + 19)) (+ 16 blocks and two tapemarks)" "^At block $((nb + 19))\$" mt -f $T tell
value sha256_1 "$(sha /tmp/archive.tar)"
value sha256_2 "$(sha /tmp/file2)"

# ---- read back -------------------------------------------------------------------------
check "mt rewind" mt -f $T rewind
check_out "mt tell: at load point" '^At block 0$' mt -f $T tell
check "read file 1 back (dd bs=10240 stops at its tapemark)" sh -c "dd if=$T of=/tmp/r1 bs=10240 2>/dev/null"
check_out "file 1 has the archive's checksum" "^$(sha /tmp/archive.tar) " sha256sum /tmp/r1
check "read file 2 back" sh -c "dd if=$T of=/tmp/r2 bs=32768 2>/dev/null"
check_out "file 2 has the dd file's checksum" "^$(sha /tmp/file2) " sha256sum /tmp/r2
check_out "reading past the last file returns 0 bytes" '^0\+0 records in' dd if=$T of=/tmp/r3 bs=65535
check "mt rewind" mt -f $T rewind
check_out "tar tf lists the archive from the tape" 'tree/sub/blob' sh -c "dd if=$T bs=10240 2>/dev/null | tar tf -"
check "mt rewind; tar xf from the tape" sh -c "mt -f $T rewind && mkdir -p /tmp/x && dd if=$T bs=10240 2>/dev/null | tar xf - -C /tmp/x"
check_out "every extracted file has its original checksum" '^ok$' sh -c \
    "cd /tmp/tree && sha256sum passwd group sub/blob sub/text >/tmp/sums && cd /tmp/x/tree && sha256sum -c /tmp/sums && echo ok"

# ---- mt tell / mt seek ---------------------------------------------------------------------
check "mt rewind; mt fsf 1: to file 2" sh -c "mt -f $T rewind && mt -f $T fsf 1"
check "read file 2's first two blocks" sh -c "dd if=$T of=/tmp/b0 bs=32768 count=1 2>/dev/null && dd if=$T of=/tmp/b1 bs=32768 count=1 2>/dev/null"
pos=$(tell)
check_out "mt tell: file 2's third block is block $((nb + 3))" "^At block $((nb + 3))\$" mt -f $T tell
check "read it" sh -c "dd if=$T of=/tmp/b2 bs=32768 count=1 2>/dev/null"
check "mt rewind; mt seek $pos" sh -c "mt -f $T rewind && mt -f $T seek $pos"
check_out "mt tell after the seek says the same block" "^At block $pos\$" mt -f $T tell
check "the block read there again is the same" sh -c "dd if=$T of=/tmp/b2again bs=32768 count=1 2>/dev/null && cmp /tmp/b2 /tmp/b2again"
check "and is file 2's third block" sh -c "dd if=/tmp/file2 bs=32768 skip=2 count=1 2>/dev/null | cmp - /tmp/b2"

# ---- unload ----------------------------------------------------------------------------------
check "mt offline: rewind and unload the cartridge" mt -f $T offline
check_out "the drive reports no cartridge (medium state 2)" '^2$' cat /sys/bus/ccw/devices/$dev/medium_state
check "chccwdev -d 0.0.0580" chccwdev -d $dev
# the tape driver's own account of the unload (evidence for the summary), and no
# kernel message of error level (0-3) about it
check_out "the guest's kernel log: tape_34xx reports the cartridge unloaded" 'tape: 0\.0\.0580: The tape cartridge has been successfully unloaded' sh -c "dmesg | grep -E 'tape|$dev' | tail -n 8"
dmesg -r 2>/dev/null | grep -E '^<[0-3]>' | grep -E "tape|$dev" >/tmp/dmesg.err
check "the guest's kernel log has no error-level messages for the drive" test ! -s /tmp/dmesg.err
sed 's/^/# dmesg: /' /tmp/dmesg.err
finish
