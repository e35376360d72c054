#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages ccwpass(1), ccwpassd(8) and ccwpassd.conf(5) that meson built
# render without a groff warning, and they cannot drift from the programs:
# every option `ccwpassd --help` prints is in ccwpassd(8), every verb and
# option `ccwpass --help` prints is in ccwpass(1).  Prints TAP.
# The keys ccwpassd.conf(5) must document are read from the key tables of
# src/daemon/config.c, so a new key cannot be left out either.
# usage: man_test.sh MANDIR CCWPASSD CCWPASS CONFIG_C
M=$1 D=$2 C=$3 CONFIG_C=$4
. "$(dirname "$0")/tap.sh"
T=$(mktemp -d /tmp/ccwpman-XXXXXX)
trap 'rm -rf "$T"' EXIT

# render PAGE: the page as plain text (ASCII, no overstrike), "" if it fails
render() { groff -man -Tascii -P-cbou "$1" 2>/dev/null; }
# clean PAGE: groff -ww prints nothing and succeeds
clean() {
    [ -s "$1" ] || { echo "# $1 missing or empty"; return 1; }
    groff -man -ww -z "$1" >"$T/warn" 2>&1 || { sed 's/^/#   /' "$T/warn"; return 1; }
    [ ! -s "$T/warn" ] || { sed 's/^/#   /' "$T/warn"; return 1; }
}
# mentions TEXTFILE WORD: WORD stands alone in TEXTFILE (not as part of a longer option)
mentions() {
    grep -qE -- "(^|[^a-z_-])$2([^a-z_-]|$)" "$1" || { echo "# '$2' not in the page"; return 1; }
}

for page in ccwpass.1 ccwpassd.8 ccwpassd.conf.5; do
    check "$page renders without groff warnings" clean "$M/$page"
done

render "$M/ccwpassd.8" >"$T/ccwpassd.txt"
check "ccwpassd(8) has a NAME section" mentions "$T/ccwpassd.txt" NAME
opts=$("$D" --help 2>&1 | grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' | tr -d ' ,' | sort -u)
check "ccwpassd --help lists options" test -n "$opts"
for o in $opts; do
    check "ccwpassd(8) documents $o" mentions "$T/ccwpassd.txt" "$o"
done

render "$M/ccwpass.1" >"$T/ccwpass.txt"
"$C" --help >"$T/help" 2>&1
opts=$(grep -oE -- '(^|[ [|])--?[a-z][a-z-]*' "$T/help" | tr -d ' [|' | sort -u)
verbs=$(grep -oE '^  [a-z]+ ' "$T/help" | tr -d ' ')
check "ccwpass --help lists verbs" test -n "$verbs"
for w in $opts $verbs; do
    check "ccwpass(1) documents $w" mentions "$T/ccwpass.txt" "$w"
done

render "$M/ccwpassd.conf.5" >"$T/conf.txt"
keys=$(awk '/_keys\[\] = \{/ { f = 1 } f { print } f && /};/ { f = 0 }' "$CONFIG_C" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
check "config.c's key tables found" test -n "$keys"
for k in $keys 3490; do
    check "ccwpassd.conf(5) documents $k" mentions "$T/conf.txt" "$k"
done
finish
