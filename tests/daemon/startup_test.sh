#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ccwpassd refuses a config file that is not a regular file (a FIFO that
# never gets a writer, /dev/zero that never ends, a directory) at once, with
# a message naming it and exit status 2, instead of hanging with SIGTERM
# blocked or starting the default configuration.  `timeout` only guards
# against a hang; each check asserts the refusal's own status.  Prints TAP.
# Every refusal starts "ccwpassd: error:".
# usage: startup_test.sh CCWPASSD
D=$1
GUARD_S=30          # far above the milliseconds a refusal takes
KILL_AFTER_S=5      # for a daemon that ignores timeout's SIGTERM
EXIT_CONFIG=2
. "$(dirname "$0")/lib.sh"
has() { grep -qF -- "$2" "$1" || { echo "# '$2' not in:"; sed 's/^/#   /' "$1"; return 1; }; }

T=$(mktemp -d /tmp/ccwps-XXXXXX)
trap 'rm -rf "$T"' EXIT
# start CONFIG: run the daemon in the foreground on CONFIG; its exit status
start() {
    timeout -k "$KILL_AFTER_S" "$GUARD_S" "$D" --foreground --no-fuse --socket "$T/sock" \
        --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --config "$1" 2>"$T/err" </dev/null
}

mkfifo "$T/fifo"
start "$T/fifo"; rc=$?
check "a FIFO config is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names the FIFO" has "$T/err" "ccwpassd: error: $T/fifo: not a regular file"

start /dev/zero; rc=$?
check "/dev/zero as config is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names /dev/zero" has "$T/err" "ccwpassd: error: /dev/zero: not a regular file"

mkdir "$T/confdir"
start "$T/confdir"; rc=$?
check "a directory as config is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message says it is a directory" has "$T/err" "ccwpassd: error: $T/confdir: is a directory"
check "no default device was created" test ! -e "$T/state/dasd-0.0.7e52.cckd"

printf '[disk 0.0.7e52]\n' >"$T/disk.conf"
start "$T/disk.conf"; rc=$?
check "an unknown empty section is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names the file and line" has "$T/err" "ccwpassd: error: $T/disk.conf:1: unknown section [disk 0.0.7e52]"
check "still no default device" test ! -e "$T/state/dasd-0.0.7e52.cckd"
: >"$T/empty.conf"
start "$T/empty.conf"; rc=$?
check "an empty config file is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message says the file is empty" has "$T/err" "ccwpassd: error: $T/empty.conf: empty config file: no [device C.S.DDDD] section"
check "no default device for an empty file" test ! -e "$T/state/dasd-0.0.7e52.cckd"

printf '[device 0.0.7e52]\nsubchanel = 0.0.16ca\n' >"$T/typo.conf"
start "$T/typo.conf"; rc=$?
check "a mistyped key is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names the key as unknown" has "$T/err" "ccwpassd: error: $T/typo.conf:2: unknown key 'subchanel' in [device 0.0.7e52]"

# the socket's directory and the view's mount point are checked before a
# volume is created; each refusal names the path and the flag to change
: >"$T/afile"
places() { timeout -k "$KILL_AFTER_S" "$GUARD_S" "$D" --foreground --state-dir "$T/pstate" \
    --mdevctl-dir "$T/mdevctl.d" "$@" 2>"$T/err" </dev/null; }
places --no-fuse --socket "$T/afile/sock"; rc=$?
check "a socket below a file is refused" eq "$rc" "1"
check "the message names it and --socket" has "$T/err" "ccwpassd: error: socket $T/afile/sock: cannot make its directory: Not a directory (give --socket a PATH"
check "no volume was created before" test ! -e "$T/pstate"
places --socket "$T/sock" --view "$T/afile"; rc=$?
check "a view that is a file is refused" eq "$rc" "1"
check "the message names it and --view" has "$T/err" "ccwpassd: error: view $T/afile: Not a directory (give --view a directory, or --no-fuse)"
check "no volume was created before" test ! -e "$T/pstate"
places --no-fuse --socket "$T/sock" --state-dir "$T/afile"; rc=$?
check "a state directory that is a file is refused" eq "$rc" "1"
check "the message names it and --state-dir" has "$T/err" "ccwpassd: error: state directory $T/afile: Not a directory (give --state-dir"

places --no-fuse --socket "$T/sock" --trace eckd,bogus; rc=$?
check "an unknown --trace area is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names it and the known areas" has "$T/err" "ccwpassd: error: --trace eckd,bogus: unknown trace area 'bogus' (known: chan, eckd, tape, adapter, all)"

# a bad image later in the config: refused before the first device's default volume is made
printf '[device 0.0.7e52]\nsubchannel = 0.0.16ca\n[device 0.0.7e53]\nsubchannel = 0.0.16cb\nimage = %s\n' \
    "$T/no-such.img" >"$T/two.conf"
places --no-fuse --socket "$T/sock" --config "$T/two.conf"; rc=$?
check "a missing image of the second device is refused" eq "$rc" "1"
check "the message names it" has "$T/err" "ccwpassd: error: image $T/no-such.img: cannot open: No such file or directory"
check "the first device's default volume was not created" test ! -e "$T/pstate/dasd-0.0.7e52.cckd"

# --socket-group: an unknown group is a config error before anything exists;
# a known one (the config key, too) gets the socket, mode 0660
printf '[device 0.0.7e52]\ntype = 3390\n' >"$T/one.conf"
places --no-fuse --socket "$T/sock" --state-dir "$T/state" --config "$T/one.conf" \
    --socket-group no-such-group-ccwpass; rc=$?
check "an unknown --socket-group is refused with status 2" eq "$rc" "$EXIT_CONFIG"
check "the message names the group" has "$T/err" "ccwpassd: error: socket group 'no-such-group-ccwpass' does not exist"
check "no volume was created for it" test ! -e "$T/state/dasd-0.0.7e52.cckd"
grp=$(getent group 1 | cut -d: -f1)         # "daemon" on Debian: a group every machine has
printf '[daemon]\nsocket_group = %s\n[device 0.0.7e52]\ntype = 3390\n' "$grp" >"$T/group.conf"
mkfifo "$T/gready"
"$D" --foreground --no-fuse --socket "$T/sock" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" \
    --config "$T/group.conf" --ready-fd 3 3>"$T/gready" 2>"$T/err" </dev/null &
gpid=$!
read -r -t "$GUARD_S" line <"$T/gready"
check "[daemon] socket_group: ccwpassd starts" eq "${line:-}" "READY"
check "[daemon] socket_group: the socket is group $grp's, mode 0660" eq "$(stat -c '%G %a' "$T/sock" 2>&1)" "$grp 660"
kill -TERM "$gpid"; wait "$gpid"
echo "1..$n"
exit $((fails > 0))
