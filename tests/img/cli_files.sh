#!/usr/bin/env bash
# ccwpass dasd on files that are not images: every verb refuses a FIFO and
# a character device (/dev/zero) at once, naming the file, instead of
# blocking on it; and a copy whose output cannot be closed cleanly (file-size
# limit) exits non-zero instead of reporting success.  Prints TAP.
# `timeout` only guards against a hang; exit status 124 counts as failure.
set -u
CCWPASS=$(realpath "${1:?usage: cli_files.sh path/to/ccwpass}")
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-files-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
GUARD=20
n=0; fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
run() { timeout "$GUARD" "$CCWPASS" dasd "$@" >out 2>err </dev/null; echo $? >rc; }
# refused FILE DESCRIPTION ARGS...: exit status 1 and "FILE: not a regular file"
refused() {
    local f=$1 what=$2; shift 2
    run "$@"
    [ "$(cat rc)" = 1 ] && grep -qF -- "$f: not a regular file" err
    local r=$?
    [ $r = 0 ] || sed 's/^/# /' err rc
    ok $r "$what"
}

echo "1..19"

"$CCWPASS" dasd create good.3390 -c 3 --linux >/dev/null 2>&1 || echo "# cannot create good.3390"
mkfifo fifo.3390
for f in "$T/fifo.3390" /dev/zero; do
    refused "$f" "info refuses $f" info "$f"
    refused "$f" "check refuses $f" check "$f"
    refused "$f" "copy refuses $f as input" copy "$f" out.cckd
    refused "$f" "copy --force refuses $f as output" copy good.3390 "$f" --cckd --force
    refused "$f" "export refuses $f as input" export "$f" out.img --all
    refused "$f" "export refuses $f as output" export good.3390 "$f" --all
    refused "$f" "create --force refuses to replace $f" create "$f" -c 1 --force
    refused "$f" "create --cckd --force refuses to replace $f" create "$f" -c 1 --cckd --force
done
[ -p fifo.3390 ] && [ ! -e out.cckd ] && [ ! -e out.img ]; ok $? "the FIFO is left alone, no output made"
run create fifo.3390 -c 1
[ "$(cat rc)" = 1 ] && grep -q "fifo.3390 exists (use --force to overwrite it)" err; ok $? "create without --force: exists"

# A copy whose every track fits but whose free-space list (written at
# close) does not: it must fail, not print "copied".  SIGXFSZ is ignored so
# that the write returns EFBIG.
"$CCWPASS" dasd copy good.3390 probe.cckd --cckd=none >/dev/null 2>&1
size=$(stat -c %s probe.cckd)
(trap '' XFSZ; timeout "$GUARD" prlimit --fsize=$((size - 1)) "$CCWPASS" dasd copy good.3390 lim.cckd --cckd=none) \
    >out 2>err </dev/null
echo $? >rc
[ "$(cat rc)" = 1 ] && grep -q "lim.cckd" err && ! grep -q "^copied" out && [ ! -e lim.cckd ]
r=$?; [ $r = 0 ] || sed 's/^/# /' out err rc
ok $r "copy whose output cannot be closed cleanly exits 1, names it and removes it"

exit $(( fails != 0 ))
