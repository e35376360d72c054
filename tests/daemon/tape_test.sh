#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A 3490 beside the 3390 in ccwpassd: the view shows the drive's own Sense ID
# values and tape_34xx as its host driver; `ccwpass tape load|unload` and
# `ccwpass status` drive and show its cartridge.  Prints TAP.
# usage: tape_test.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"
has() { grep -qF -- "$2" <<<"$1" || { echo "# '$2' not in:"; sed 's/^/#   /' <<<"$1"; return 1; }; }
# write VALUE FILE: the errno text of a failed echo, "" on success
write() { { echo "$1" > "$2"; } 2>&1 | sed 's/.*write error: //'; }

scratch ccwpt
"$C" tape create "$T/a.aws" >/dev/null && "$C" tape create "$T/b.het" >/dev/null || {
    echo "1..1"; echo "not ok 1 - ccwpass tape create failed"; exit 1; }
cat >"$T/conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
[device 0.0.0580]
type = 3490
image = $T/a.aws
capacity = 4M
chpids = 51
CONF
daemon_start "$D" -c "$T/conf"
export CCWPASS_SOCKET=$S
CD=$V/sys/bus/ccw/devices

# --- the view: the drive as Linux's cio shows it ----------------------------------
check "3490 cutype 3490/50" eq "$(cat $CD/0.0.0580/cutype)" "3490/50"
check "3490 devtype 3490/50" eq "$(cat $CD/0.0.0580/devtype)" "3490/50"
check "3490 modalias (matches tape_34xx's ccw:t3490m*dt3490dm*)" eq "$(cat $CD/0.0.0580/modalias)" "ccw:t3490m50dt3490dm50"
check "the 3390 keeps 3990/e9 3390/0c" eq "$(cat $CD/0.0.7e52/cutype) $(cat $CD/0.0.7e52/devtype)" "3990/e9 3390/0c"
check "3490 host driver is tape_34xx" eq "$(basename "$(readlink $CD/0.0.0580/driver)")" "tape_34xx"
check "tape_34xx lists the drive only" eq "$(ls $V/sys/bus/ccw/drivers/tape_34xx | tr '\n' ' ')" "0.0.0580 bind unbind "
check "the drive is on subchannel 0.0.0580, chpid 51" eq "$(cat $V/sys/bus/css/devices/0.0.0580/dev_busid) $(cut -d' ' -f1 $V/sys/bus/css/devices/0.0.0580/chpids)" "0.0.0580 51"
check "dasd-eckd cannot unbind the tape: ENODEV" eq "$(write 0.0.0580 $V/sys/bus/ccw/drivers/dasd-eckd/unbind)" "No such device"
check "the seed's step: unbind the tape from tape_34xx" eq "$(write 0.0.0580 $CD/0.0.0580/driver/unbind)" ""
check "tape_34xx cannot bind the DASD: ENODEV" eq "$(write 0.0.7e52 $V/sys/bus/ccw/drivers/tape_34xx/bind)" "No such device"
check "tape_34xx binds the tape again" eq "$(write 0.0.0580 $V/sys/bus/ccw/drivers/tape_34xx/bind)" ""
check "and sets it online" eq "$(write 1 $CD/0.0.0580/online)$(cat $CD/0.0.0580/online)" "1"

# --- ccwpass status / tape load / tape unload -----------------------------------
st=$("$C" status)
check "status: the cartridge and its position" has "$st" "tape: $T/a.aws (aws) at block 0"
check "status: the ccw device's driver" has "$st" "ccw device 0.0.0580: driver tape_34xx, online"
check "tape load into a loaded drive: EBUSY" \
    has "$("$C" tape load 0.0.0580 "$T/b.het" 2>&1; echo "rc=$?")" "Device or resource busy (drive 0.0.0580 has a cartridge ($T/a.aws); unload it first)"
check "tape unload" eval '"$C" tape unload 0.0.0580'
check "status: empty drive" has "$("$C" status)" "tape: empty drive"
check "tape unload of an empty drive: ENOMEDIUM" has "$("$C" tape unload 0.0.0580 2>&1; echo "rc=$?")" "No medium found (tape 0580: no cartridge in the drive)
rc=1"
check "tape load of a missing file names it" has "$("$C" tape load 0.0.0580 "$T/none.aws" 2>&1; echo "rc=$?")" "$T/none.aws: No such file or directory
rc=1"
check "tape load of a directory: the tape layer's message" has "$("$C" tape load 0.0.0580 "$T/state" 2>&1; echo "rc=$?")" "$T/state"
check "tape load of the 3390: ENOTTY" has "$("$C" tape load 0.0.7e52 "$T/b.het" 2>&1)" "device 0.0.7e52 is not a tape drive"
check "tape load with a relative path --ro" eval '(cd "$T" && "$C" tape load 0.0.0580 b.het --ro)'
check "status: HET, write-protected, absolute path" has "$("$C" status)" "tape: $T/b.het (het, write-protected) at block 0"
check "status --json: the tape object" has "$("$C" status --json)" '"type":"3490"'
check "the daemon logged the cartridge-mounted status" grep -q "tape 0.0.0580: unsolicited device status 85" "$T/log"
check "tape usage error exits 2" eval '"$C" tape load 0.0.0580 2>/dev/null; [ $? = 2 ]'
check "tape unload usage error exits 2" eval '"$C" tape unload 2>/dev/null; [ $? = 2 ]'

kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
check "ccwpassd stops cleanly with a cartridge loaded" eq "$rc" 0

# --- a cartridge that cannot be used stops the start with a message naming it ------------
bad_start() { # bad_start IMAGE: ccwpassd's stderr, and its exit status
    printf '[device 0.0.0580]\ntype = 3490\nimage = %s\n' "$1" >"$T/bad.conf"
    "$D" --foreground --no-fuse -c "$T/bad.conf" --socket "$T/sock2" --state-dir "$T/state2" --mdevctl-dir "$T/mdevctl.d" 2>&1
    echo "rc=$?"
}
check "a directory as cartridge: refused, named" has "$(bad_start "$T/state")" "tape $T/state is a directory"
printf 'garbage' >"$T/bad.aws"
check "a broken image: refused with file and offset" has "$(bad_start "$T/bad.aws")" "tape $T/bad.aws: offset 0: broken header chain"
check "... and ccwpassd exits 1" has "$(bad_start "$T/bad.aws")" "rc=1"
if grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error:' "$T/log"; then
    nok "no sanitizer reports"; sed 's/^/# /' "$T/log"
else
    ok "no sanitizer reports"
fi
echo "1..$n"
[ $fails = 0 ]
