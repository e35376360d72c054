#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's s390-tools (Debian's s390x build, run under qemu-user from the
# sysroot scripts/s390-tools.sh makes) inside `ccwpass host`: lscss, lschp,
# chchp, lszdev, chzdev and chccwdev read and change ccwpassd's view as they
# would a kernel's sysfs.  Prints TAP.
# usage: host_s390tools.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

scratch ccwpt
# the sysroot and wrappers (idempotent: a no-op when they are up to date)
if ! "$top/scripts/s390-tools.sh" 2>"$T/tools.log"; then
    echo "1..1"; echo "not ok 1 - scripts/s390-tools.sh builds the s390-tools sysroot"
    sed 's/^/# /' "$T/tools.log"; exit 1
fi
export CCWPASS_S390_TOOLS=$top/guest/out/s390-tools/bin
daemon_start "$D"
export CCWPASS_SOCKET=$S
export CCWPASS_VIEW=$V
# H CMD...: CMD in the host namespace, stdout and stderr together (a tool's
# warning is part of what it shows).
H() { "$C" host -- "$@" 2>&1; }
# row REGEX TEXT: the lines of TEXT matching REGEX, blanks squeezed.
row() { printf '%s\n' "$2" | grep -E -- "$1" | tr -s ' ' | sed 's/ $//'; }
# show TEXT: TEXT as TAP comments (the tools' real output in the log).
show() { printf '%s\n' "$1" | sed 's/^/# /'; }
status_of() { "$C" status | awk -v k="$1" '$0 ~ k'; }

check "host: CCWPASS_S390_TOOLS goes first on PATH" eq "$(H sh -c 'command -v lscss')" "$CCWPASS_S390_TOOLS/lscss"
check "host: CCWPASS_S390_TOOLS not a directory: a clear error, exit 1" \
    eq "$(CCWPASS_S390_TOOLS=$T/none "$C" host -- true 2>&1; echo "rc=$?")" \
       "ccwpass: error: CCWPASS_S390_TOOLS=$T/none is not a directory (scripts/s390-tools.sh makes guest/out/s390-tools/bin)
rc=1"

# --- lscss ------------------------------------------------------------------------
out=$(H lscss); show "$out"
check "lscss: 0.0.7e52 on 0.0.16ca, 3390 on a 3990/e9, in use" \
    eq "$(row '^0\.0\.7e52' "$out" | cut -d' ' -f1-5)" "0.0.7e52 0.0.16ca 3390/$(cut -d/ -f2 "$V/sys/bus/ccw/devices/0.0.7e52/devtype") 3990/e9 yes"
check "lscss: PIM PAM POM and CHPIDs" eq "$(row '^0\.0\.7e52' "$out" | cut -d' ' -f6-)" "80 80 ff 50000000 00000000"
out=$(H lscss --vpm); show "$out"
check "lscss --vpm: the verified path mask of io_subchannel (device.c vpm)" \
    eq "$(row '^0\.0\.7e52' "$out" | cut -d' ' -f6-)" "80 80 ff 80 50000000 00000000"
check "lscss finds the css's defunct pseudo subchannel (css.c setup_css), empty" \
    eq "$(H ls -A /sys/devices/css0/defunct; echo "rc=$?")" "rc=0"
check "lscss --avail: good" eq "$(row '^0\.0\.7e52' "$(H lscss --avail)" | awk '{print $NF}')" "good"

# --- lschp / chchp -------------------------------------------------------------------
out=$(H lschp); show "$out"
check "lschp: chpid 0.50 varied on, configured, type 1a, no measurement data" \
    eq "$(row '^0\.50' "$out")" "0.50 1 1 1a - - -"
out=$(H chchp -v 0 0.50); show "$out"
check "chchp -v 0 0.50: the channel path is varied off (status accepts 0), still available" \
    eq "$(status_of '^chpid 0.50')" "chpid 0.50 type 1a online, varied off"
check "lschp: Vary 0" eq "$(row '^0\.50' "$(H lschp)" | cut -d' ' -f2)" "0"
out=$(H chchp -v 1 0.50); show "$out"
check "chchp -v 1 0.50: online again" eq "$(status_of '^chpid 0.50')" "chpid 0.50 type 1a online"
check "chchp -c 1 0.50: configure accepted" eq "$(H chchp -c 1 0.50)" "Configure online 0.50... done."
out=$(H chchp -c 0 0.50); show "$out"
check "chchp -c 0 0.50: configured to standby, the path is gone" \
    eq "$(status_of '^chpid 0.50') $(row '^0\.50' "$(H lschp)" | cut -d' ' -f3)" "chpid 0.50 type 1a offline 0"
check "chchp -c 1 0.50: configured again" \
    eq "$(H chchp -c 1 0.50 >/dev/null; status_of '^chpid 0.50')" "chpid 0.50 type 1a online"
check "chp configure: garbage EINVAL" \
    eq "$(H bash -c 'echo 2 > /sys/devices/css0/chp0.50/configure' 2>&1 | sed 's/.*: //')" "Invalid argument"

# --- lszdev / chzdev / chccwdev ------------------------------------------------------
out=$(H lszdev); show "$out"
check "lszdev: the dasd-eckd device, online, nothing else said" \
    eq "$out" "TYPE       ID        ON   PERS  NAMES
dasd-eckd  0.0.7e52  yes  no    "
out=$(H chzdev -a -d dasd 0.0.7e52); show "$out"
check "chzdev -a -d dasd 0.0.7e52: ccwpass status shows it offline" \
    eq "$(status_of 'ccw device 0.0.7e52' | sed 's/^ *//')" "ccw device 0.0.7e52: driver dasd-eckd, offline"
check "chzdev -a -d: what it prints" eq "$(row 'ECKD|active' "$out")" "Deconfiguring devices in the active configuration only
ECKD DASD 0.0.7e52 deconfigured"
check "lszdev: ON no" eq "$(row '^dasd-eckd' "$(H lszdev)" | cut -d' ' -f3)" "no"
out=$(H chzdev -a -e dasd 0.0.7e52); show "$out"
check "chzdev -a -e dasd 0.0.7e52: online again" \
    eq "$(status_of 'ccw device 0.0.7e52' | sed 's/^ *//')" "ccw device 0.0.7e52: driver dasd-eckd, online"
check "chzdev -a -e: what it prints" eq "$(row 'ECKD|active' "$out")" "Configuring devices in the active configuration only
ECKD DASD 0.0.7e52 configured"
check "chzdev -a -e: no warning (the sysroot's /proc/sysinfo says LPAR, not z/VM)" \
    eq "$(row 'Failed|[Ww]arning' "$out")" ""
check "chccwdev -d 0.0.7e52" eq "$(H chccwdev -d 0.0.7e52; cat "$V/sys/bus/ccw/devices/0.0.7e52/online")" "Setting device 0.0.7e52 offline
Done
0"
check "chccwdev -e 0.0.7e52" eq "$(H chccwdev -e 0.0.7e52; cat "$V/sys/bus/ccw/devices/0.0.7e52/online")" "Setting device 0.0.7e52 online
Done
1"
check "chzdev did not persist anything in the host's /etc" test ! -e /etc/udev/rules.d/41-dasd-eckd-0.0.7e52.rules

# --- vfio_ccw ------------------------------------------------------------------------
uuid=$(uuidgen)
H sh -c "echo 0.0.16ca > /sys/bus/css/devices/0.0.16ca/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/drivers/vfio_ccw/bind &&
echo $uuid > /sys/bus/css/devices/0.0.16ca/mdev_supported_types/vfio_ccw-io/create" | sed 's/^/# /'
out=$(H lscss); show "$out"
check "lscss with vfio_ccw bound: the subchannel without a ccw device" \
    eq "$(row '0\.0\.16ca' "$out")" "none 0.0.16ca 80 80 ff 50000000 00000000"
out=$(H lscss --vfio); show "$out"
check "lscss --vfio: the mdev on 0.0.16ca" eq "$(row '0\.0\.16ca' "$out")" "$uuid 0.0.16ca 80 80 ff 50000000 00000000"
check "lszdev: no ccw device while vfio_ccw drives the subchannel" eq "$(H lszdev)" "lszdev: No device was selected!"

echo "1..$n"
[ "$fails" = 0 ]
