#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dist/bash-completion/ccwpass: sourced into bash, its function is called the
# way bash calls it (COMP_WORDS, COMP_CWORD) and COMPREPLY must hold what a
# user expects after TAB: verbs, sub-verbs, options, and the subchannels,
# device numbers, channel paths and mdevs of a running ccwpassd.  Prints TAP.
# usage: completion_test.sh COMPLETION_FILE CCWPASSD CCWPASS
F=$1 D=$2 C=$3
. "$(dirname "$0")/tap.sh"
T=$(mktemp -d /tmp/ccwpcomp-XXXXXX)
cleanup() {
    if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT

. "$F" || { echo "1..1"; echo "not ok 1 - $F cannot be sourced"; exit 1; }
# comp WORD...: COMPREPLY (sorted, one line) for the command line WORD... with
# the cursor on the last word; the program is this build's ccwpass
comp() {
    COMP_WORDS=("$C" "$@")
    COMP_CWORD=$#
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _ccwpass "$C" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

check "complete -p ccwpass names _ccwpass" eq "$(complete -p ccwpass)" "complete -F _ccwpass ccwpass"
check "ccwpass ta -> tape" eq "$(comp ta)" "tape"
check "ccwpass <TAB> -> every verb of ccwpass --help" \
    eq "$(comp '')" "$("$C" --help | grep -oE '^  [a-z]+ ' | tr -d ' ' | sort | tr '\n' ' ' | sed 's/ $//')"
check "ccwpass tape <TAB> -> its sub-verbs" eq "$(comp tape '')" "--help check copy create info load unload"
check "ccwpass dasd c -> check clone compact copy create" eq "$(comp dasd c)" "check clone compact copy create"
check "ccwpass mdev <TAB> -> create list remove" eq "$(comp mdev '')" "--help create list remove"
check "ccwpass --so -> --socket" eq "$(comp --so)" "--socket"
check "ccwpass --json st -> status (options before the verb)" eq "$(comp --json st)" "status"
check "ccwpass dasd create f -m 3390-<TAB> -> the models" \
    eq "$(comp dasd create f -m 3390-)" "3390-1 3390-2 3390-27 3390-3 3390-54 3390-9"
check "ccwpass dasd create f --cc -> --cckd variants" \
    eq "$(comp dasd create f --cc)" "--cckd --cckd=bzip2 --cckd=none --cckd=zlib"
check "ccwpass tape create f --h -> --het variants and --help" \
    eq "$(comp tape create f --h)" "--help --het --het=bzip2 --het=zlib"
touch "$T/image.cckd"
check "ccwpass dasd info <file> completes file names" eq "$(comp dasd info "$T/ima")" "$T/image.cckd"
check "ccwpass bind SCHID <TAB> -> the css drivers" eq "$(comp bind 0.0.16ca '')" "io_subchannel vfio_ccw"
check "ccwpass chp 0.50 o -> on off" eq "$(comp chp 0.50 o)" "off on"
check "ccwpass fault SCHID s -> stuck=" eq "$(comp fault 0.0.16ca s)" "stuck="
check "no daemon: ccwpass bind <TAB> offers nothing, at once" \
    eq "$(comp --socket "$T/none" bind '')" ""

# --- a running ccwpassd: its numbers ------------------------------------------
"$C" tape create "$T/t.aws" >/dev/null || nok "ccwpass tape create"
cat >"$T/conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
[device 0.0.0580]
type = 3490
image = $T/t.aws
chpids = 51
CONF
mkfifo "$T/ready"
"$D" --foreground --no-fuse -c "$T/conf" --socket "$T/sock" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --ready-fd 3 \
    3>"$T/ready" 2>"$T/log" &
pid=$!
if read -r -t 120 line <"$T/ready" && [ "$line" = READY ]; then
    check "ccwpass --socket S bind <TAB> -> the subchannels" eq "$(comp --socket "$T/sock" bind '')" "0.0.0580 0.0.16ca"
    check "ccwpass --socket S tape load <TAB> -> device numbers" \
        eq "$(comp --socket "$T/sock" tape load '')" "0.0.0580 0.0.7e52"
    check "ccwpass --socket S chp <TAB> -> the channel paths" eq "$(comp --socket "$T/sock" chp '')" "0.50 0.51"
    "$C" --socket "$T/sock" unbind 0.0.16ca >/dev/null && "$C" --socket "$T/sock" bind 0.0.16ca vfio_ccw >/dev/null &&
        uuid=$("$C" --socket "$T/sock" mdev create 0.0.16ca)
    check "ccwpass --socket=S mdev remove <TAB> -> the mdev's UUID" \
        eq "$(comp --socket="$T/sock" mdev remove '')" "${uuid:-an mdev}"
    CCWPASS_SOCKET=$T/sock
    export CCWPASS_SOCKET
    check "\$CCWPASS_SOCKET: ccwpass unbind 0.0.1<TAB> -> 0.0.16ca" eq "$(comp unbind 0.0.1)" "0.0.16ca"
else
    nok "ccwpassd did not start"; sed 's/^/# /' "$T/log"
fi
finish
