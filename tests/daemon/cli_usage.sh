#!/usr/bin/env bash
# The programs' own help: --version on ccwpass and ccwpassd, `ccwpass VERB
# --help` for every verb and sub-verb (usage on stdout, exit 0, no file
# opened, no daemon asked), and `ccwpass --json VERB` as the usage text
# promises.  Prints TAP.
# usage: cli_usage.sh CCWPASSD CCWPASS VERSION
D=$1 C=$2 VERSION=$3
n=0 fails=0
ok()  { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); fails=$((fails+1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
eq() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'"; return 1; }; }

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

echo "1..$n"
exit $((fails > 0))
