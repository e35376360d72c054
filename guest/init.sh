#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash
# /init of the ccwpass s390x test guest (busybox sh, PID 1).
#
# Mounts the pseudo file systems, loads the DASD driver stack, runs the test
# script a test appended to the initramfs (/ccwpass/test.sh; see
# guest/mkscript.sh), prints its exit status as the marker line
# "CCWPASS-EXIT <rc>", syncs and powers the machine off.  Without a script it
# starts an interactive shell on the console (guest/run.sh --shell).
#
# Marker lines (all start with "CCWPASS-" at the beginning of a line; the host
# side, guest/run.sh, parses them):
#   CCWPASS-INIT uptime=<s>      /init started (boot-to-init time, guest clock)
#   CCWPASS-MODULES ok|fail ...  driver modules loaded
#   CCWPASS-EXIT <rc>            the test script's exit status

# busybox applets live in /bbin, last in PATH, so the real tools (e2fsprogs,
# bash, s390-tools) win over busybox's namesakes (busybox mke2fs etc.).
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /mnt /bbin
/bin/busybox --install -s /bbin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/bbin HOME=/root TERM=dumb
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname ccwpass-guest

read -r up _ </proc/uptime
echo "CCWPASS-INIT uptime=$up kernel=$(uname -r)"

# The module list is written by guest/build.sh in dependency order (from the
# kernel's modinfo "depends=" fields); modprobe resolves the rest through the
# modules.dep that build.sh generated.
mods_failed=""
while read -r m; do
    [ -n "$m" ] || continue
    modprobe "$m" 2>/dev/null || mods_failed="$mods_failed $m"
done </etc/ccwpass/modules
if [ -z "$mods_failed" ]; then
    echo "CCWPASS-MODULES ok $(tr '\n' ' ' </etc/ccwpass/modules)"
else
    echo "CCWPASS-MODULES fail$mods_failed"
fi

# Extra kernel parameters "ccwpass.<name>=<value>" become environment
# variables CCWPASS_<NAME> for the script (e.g. ccwpass.phase=2).
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        ccwpass.*=*)
            k=${arg#ccwpass.}; v=${k#*=}; k=${k%%=*}
            k=$(echo "$k" | tr 'a-z.-' 'A-Z__')
            export "CCWPASS_$k=$v" ;;
    esac
done

if [ -f /ccwpass/test.sh ]; then
    chmod +x /ccwpass/test.sh
    cd /ccwpass || exit 1
    /ccwpass/test.sh </dev/null
    rc=$?
    cd /
else
    echo "ccwpass guest: no /ccwpass/test.sh, starting a shell (exit to power off)"
    setsid cttyhack sh -l
    rc=$?
fi
sync
echo "CCWPASS-EXIT $rc"
sync
poweroff -f
# poweroff -f should not return; if it does, let the kernel panic (panic=-1
# with QEMU's -no-reboot ends QEMU).
exit "$rc"
