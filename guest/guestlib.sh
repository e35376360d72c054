# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash
# Guest-side helpers for ccwpass test scripts (busybox sh or bash).
# Installed in the initramfs as /usr/lib/ccwpass/guestlib.sh; a test script
# starts with ". /usr/lib/ccwpass/guestlib.sh".
#
# Result lines go to the console and are parsed by the host (tests/e2e/lib.sh):
#   CCWPASS-OK <description>
#   CCWPASS-FAIL <description>     followed by "# "-prefixed output lines
#   CCWPASS-VALUE <key>=<value>    a measured number or a fact for the host
#   CCWPASS-SKIP-REST <reason>     later checks were not run (host marks them failed)

CCWPASS_FAILS=0
CCWPASS_CHECKS=0

# now_ms: guest uptime in milliseconds (guest clock).
now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

value() { # value KEY VALUE...
    local k=$1; shift
    echo "CCWPASS-VALUE $k=$*"
}

# pass DESCRIPTION / fail DESCRIPTION: report a result decided by the script.
pass() { CCWPASS_CHECKS=$((CCWPASS_CHECKS + 1)); echo "CCWPASS-OK $*"; }
fail() { CCWPASS_CHECKS=$((CCWPASS_CHECKS + 1)); CCWPASS_FAILS=$((CCWPASS_FAILS + 1)); echo "CCWPASS-FAIL $*"; }

# check DESCRIPTION CMD [ARGS...]: run CMD, report OK/FAIL with its output.
check() {
    local desc=$1 rc; shift
    CCWPASS_CHECKS=$((CCWPASS_CHECKS + 1))
    "$@" >/tmp/.check.out 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "CCWPASS-OK $desc"
        return 0
    fi
    echo "CCWPASS-FAIL $desc (rc=$rc: $*)"
    tail -n 25 /tmp/.check.out | sed 's/^/# /'
    CCWPASS_FAILS=$((CCWPASS_FAILS + 1))
    return 1
}

# check_out DESCRIPTION REGEX CMD [ARGS...]: CMD succeeds and its output
# matches the extended regular expression REGEX.  The output is shown either way.
check_out() {
    local desc=$1 re=$2 rc; shift 2
    CCWPASS_CHECKS=$((CCWPASS_CHECKS + 1))
    "$@" >/tmp/.check.out 2>&1
    rc=$?
    sed 's/^/  | /' /tmp/.check.out
    if [ $rc -eq 0 ] && grep -Eq -- "$re" /tmp/.check.out; then
        echo "CCWPASS-OK $desc"
        return 0
    fi
    echo "CCWPASS-FAIL $desc (rc=$rc, wanted /$re/: $*)"
    CCWPASS_FAILS=$((CCWPASS_FAILS + 1))
    return 1
}

# check_fails DESCRIPTION CMD [ARGS...]: CMD must fail (non-zero exit).
check_fails() {
    local desc=$1; shift
    CCWPASS_CHECKS=$((CCWPASS_CHECKS + 1))
    if "$@" >/tmp/.check.out 2>&1; then
        echo "CCWPASS-FAIL $desc (succeeded but should fail: $*)"
        tail -n 25 /tmp/.check.out | sed 's/^/# /'
        CCWPASS_FAILS=$((CCWPASS_FAILS + 1))
        return 1
    fi
    sed 's/^/  | /' /tmp/.check.out | tail -n 5
    echo "CCWPASS-OK $desc"
    return 0
}

# wait_path PATH SECONDS: wait (bounded) until PATH exists (then refresh
# the /dev/block links, in case PATH is a new partition).
wait_path() {
    local end
    end=$(( $(now_ms) + $2 * 1000 ))
    while [ ! -e "$1" ]; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.05
    done
    block_links
    return 0
}

# wait_sysfs FILE VALUE SECONDS: wait (bounded) until FILE contains VALUE.
wait_sysfs() {
    local end
    end=$(( $(now_ms) + $3 * 1000 ))
    while [ "$(cat "$1" 2>/dev/null)" != "$2" ]; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.05
    done
    return 0
}

# block_links: /dev/block/MAJ:MIN symlinks, as udev makes them (s390-tools'
# dasdfmt/fdasd find a DASD's node through them).  Call after a device or a
# partition appeared.
block_links() {
    local _bl
    mkdir -p /dev/block
    for _bl in /sys/class/block/*; do
        [ -r "$_bl/dev" ] || continue
        ln -sfn "../${_bl##*/}" "/dev/block/$(cat "$_bl/dev")"
    done
}

# dasd_online BUSID SECONDS: chccwdev -e and wait for the block device to be
# usable (status "online" or "unformatted" and a /dev node).  Prints the
# device name (dasda, ...).
dasd_online() {
    local end blk st b
    chccwdev -e "$1" >/tmp/.online.out 2>&1 || { cat /tmp/.online.out; return 1; }
    end=$(( $(now_ms) + $2 * 1000 ))
    while :; do
        blk=""
        for b in "/sys/bus/ccw/devices/$1/block/"*; do [ -e "$b" ] && blk=${b##*/}; done
        st=$(cat "/sys/bus/ccw/devices/$1/status" 2>/dev/null)
        if [ -n "$blk" ] && [ -b "/dev/$blk" ]; then
            case "$st" in online|unformatted) block_links; echo "$blk"; return 0 ;; esac
        fi
        [ "$(now_ms)" -lt "$end" ] || { echo "timeout: status=$st blk=$blk" >&2; return 1; }
        sleep 0.05
    done
}

# mailbox_wait WORD SECONDS: wait (bounded) until the host wrote WORD into the
# mailbox disk (guest/run.sh --mailbox; host side: tests/e2e/lib.sh mailbox_send).
mailbox_dev() {
    local s d
    for s in /sys/block/vd*/serial; do
        [ "$(cat "$s" 2>/dev/null)" = ccwpass-mbox ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return 0; }
    done
    return 1
}
mailbox_read() {
    local mb
    mb=$(mailbox_dev) || return 1
    blockdev --flushbufs "$mb" 2>/dev/null
    dd if="$mb" bs=512 count=1 iflag=direct 2>/dev/null | tr -d '\000' | head -n 1
}
mailbox_wait() {
    local end
    end=$(( $(now_ms) + $2 * 1000 ))
    while [ "$(mailbox_read)" != "$1" ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "mailbox: no '$1' from the host within $2 s" >&2; return 1; }
        sleep 0.1
    done
}

# finish: exit with the number of failed checks (0 = all passed).
finish() {
    echo "CCWPASS-VALUE checks=$CCWPASS_CHECKS failed=$CCWPASS_FAILS"
    [ "$CCWPASS_FAILS" -lt 100 ] || CCWPASS_FAILS=99
    exit "$CCWPASS_FAILS"
}

# finish_nosync: like finish, but end the machine at once, without init's
# sync and without the kernel's device shutdown (for a guest whose device
# vanished: both could wait for it forever).  sysrq "b" resets immediately;
# QEMU runs with -no-reboot, so a reset ends it.
finish_nosync() {
    echo "CCWPASS-VALUE checks=$CCWPASS_CHECKS failed=$CCWPASS_FAILS"
    [ "$CCWPASS_FAILS" -lt 100 ] || CCWPASS_FAILS=99
    echo "CCWPASS-EXIT $CCWPASS_FAILS"
    echo b >/proc/sysrq-trigger
    poweroff -f
}
