#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The programs' own help: --version on ccwpass and ccwpassd, `ccwpass VERB
# --help` for every verb and sub-verb (usage on stdout, exit 0, no file
# opened, no daemon asked), and `ccwpass --json VERB` as the usage text
# promises.  Prints TAP.
# usage: cli_usage.sh CCWPASSD CCWPASS VERSION
D=$1 C=$2 VERSION=$3
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/ccwpu-XXXXXX)
trap 'rm -rf "$T"' EXIT

# --- --version ---------------------------------------------------------------
for prog in "$C" "$D"; do
    name=$(basename "$prog")
    out=$("$prog" --version 2>"$T/err"); rc=$?
    check "$name --version exits 0" eq "$rc" 0
    check "$name --version prints the project version" eq "$out" "ccwpass $VERSION"
    check "$name --version writes nothing to stderr" eq "$(cat "$T/err")" ""
done

# --- VERB --help / -h: usage on stdout, exit 0, no file, no daemon -------------
# A socket nobody serves: a verb that went to the daemon would fail (exit 1);
# an empty working directory: a verb that created a file would leave it there.
export CCWPASS_SOCKET=$T/nosock
mkdir "$T/cwd"
while read -r verb; do
    for h in --help -h; do
        # shellcheck disable=SC2086  # $verb is the verb and its sub-verb
        out=$(cd "$T/cwd" && "$C" $verb $h 2>"$T/err"); rc=$?
        check "ccwpass $verb $h exits 0" eq "$rc" 0
        check "ccwpass $verb $h prints its usage on stdout" eq "$(head -1 <<<"$out" | grep -c "^usage: ccwpass .*${verb%% *}")" 1
        check "ccwpass $verb $h writes nothing to stderr" eq "$(cat "$T/err")" ""
        check "ccwpass $verb $h creates no file" eq "$(ls -A "$T/cwd")" ""
    done
done <<'VERBS'
dasd
dasd create
dasd info
dasd check
dasd copy
dasd export
dasd compact
tape
tape create
tape info
tape check
tape copy
tape load
tape unload
bind
unbind
mdev
mdev create
mdev remove
mdev list
status
fault
chp
qemu
host
VERBS
# the help of a sub-verb is that sub-verb's
out=$("$C" dasd info --help)
check "dasd info --help shows dasd info" eq "$(grep -c 'dasd info FILE' <<<"$out")" 1
check "dasd info --help does not list dasd create" eq "$(grep -c 'dasd create' <<<"$out")" 0
out=$("$C" unbind --help)
check "unbind --help shows unbind" eq "$(grep -c 'unbind SCHID' <<<"$out")" 1
check "unbind --help does not list mdev" eq "$(grep -c 'mdev create' <<<"$out")" 0
# after a positional argument too, and -h as a file argument of an image verb
(cd "$T/cwd" && "$C" dasd copy a.cckd --help >/dev/null 2>&1); rc=$?
check "dasd copy IN --help exits 0" eq "$rc" 0
check "dasd copy IN --help creates no file" eq "$(ls -A "$T/cwd")" ""
unset CCWPASS_SOCKET

# --- ccwpass --json VERB -------------------------------------------------------
mkfifo "$T/ready"
"$D" --foreground --no-fuse --socket "$T/sock" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --ready-fd 3 3>"$T/ready" 2>"$T/log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T"' EXIT
if read -r line <"$T/ready" && [ "$line" = READY ]; then
    out=$("$C" --socket "$T/sock" --json status 2>"$T/err"); rc=$?
    check "ccwpass --json status exits 0" eq "$rc" 0
    check "ccwpass --json status prints JSON" eq "$(python3 -c 'import json,sys; print(type(json.load(sys.stdin)).__name__)' <<<"$out")" dict
    check "ccwpass --json status lists the subchannel" eq "$(grep -c '"0.0.16ca"' <<<"$out")" 1
    out=$("$C" --json --socket "$T/sock" mdev list 2>"$T/err"); rc=$?
    check "ccwpass --json --socket S mdev list exits 0" eq "$(echo "$rc $out" | head -c 3)" "0 {"
    out=$("$C" --json dasd info "$T/state/dasd-0.0.7e52.cckd" 2>"$T/err"); rc=$?
    check "ccwpass --json dasd info is a usage error" eq "$rc" 2
    check "ccwpass --json dasd info says where --json applies" eq "$(grep -c -- '--json is for' "$T/err")" 1
else
    nok "ccwpassd did not start"; sed 's/^/# /' "$T/log"
fi

echo "1..$n"
exit $((fails > 0))
