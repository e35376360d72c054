#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ccwpass dasd and ccwpassd on files that are not images: every verb, and
# the daemon's image, refuse a FIFO and a character device (/dev/zero) at
# once, naming the file, instead of blocking on it; and a copy or a daemon
# whose image cannot be closed cleanly (file-size limit) says so instead of
# reporting success.  Prints TAP.
# `timeout` only guards against a hang (KILL 5 s after TERM: a daemon may
# ignore TERM while it starts); exit status 124 or 137 counts as failure.
set -u
CCWPASS=$(realpath "${1:?usage: cli_files.sh path/to/ccwpass path/to/ccwpassd}")
CCWPASSD=$(realpath "${2:?usage: cli_files.sh path/to/ccwpass path/to/ccwpassd}")
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-files-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
GUARD=20
n=0; fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
run() { timeout -k 5 "$GUARD" "$CCWPASS" dasd "$@" >out 2>err </dev/null; echo $? >rc; }
# refused FILE DESCRIPTION ARGS...: exit status 1 and "FILE: not a regular file"
refused() {
    local f=$1 what=$2; shift 2
    run "$@"
    [ "$(cat rc)" = 1 ] && grep -qF -- "$f: not a regular file" err
    local r=$?
    [ $r = 0 ] || sed 's/^/# /' err rc
    ok $r "$what"
}

echo "1..24"

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
(trap '' XFSZ; timeout -k 5 "$GUARD" prlimit --fsize=$((size - 1)) "$CCWPASS" dasd copy good.3390 lim.cckd --cckd=none) \
    >out 2>err </dev/null
echo $? >rc
[ "$(cat rc)" = 1 ] && grep -q "lim.cckd" err && ! grep -q "^copied" out && [ ! -e lim.cckd ]
r=$?; [ $r = 0 ] || sed 's/^/# /' out err rc
ok $r "copy whose output cannot be closed cleanly exits 1, names it and removes it"

# ccwpassd's image: refused at once (read-only: an open for reading would
# wait for a writer)
for ro in "" --readonly; do
    timeout -k 5 "$GUARD" "$CCWPASSD" --foreground --no-fuse --socket "$T/sock" --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" \
        --image "$T/fifo.3390" $ro >out 2>err </dev/null
    echo $? >rc
    [ "$(cat rc)" = 1 ] && grep -qF "$T/fifo.3390: not a regular file" err
    r=$?; [ $r = 0 ] || sed 's/^/# /' err rc
    ok $r "ccwpassd refuses a FIFO as its image ${ro:-read-write}"
done

# ccwpassd whose image cannot be closed cleanly: a CCKD volume with free
# space inside (a copy's output has one free block), and a file-size limit
# that leaves no room for the free-space list the close writes past the
# data.  The daemon says so in an error naming the image; the volume is
# marked not closed cleanly, and its next open recovers it.
"$CCWPASS" dasd copy good.3390 d.cckd --cckd=none >/dev/null 2>&1
list=$((8 + 8 * 1))
limit=$(( $(stat -c %s d.cckd) - list ))
mkfifo ready
(trap '' XFSZ; exec prlimit --fsize=$limit "$CCWPASSD" --foreground --no-fuse --socket "$T/sock" \
    --state-dir "$T/state" --mdevctl-dir "$T/mdevctl.d" --image "$T/d.cckd" --ready-fd 3 3>ready) >dout 2>derr </dev/null &
dpid=$!
read -r line < ready
[ "$line" = READY ]; ok $? "ccwpassd serves the CCKD image under a file-size limit"
kill -TERM $dpid
wait $dpid
grep -q "error: image $T/d.cckd: cannot write the free-space list: File too large; the volume stays marked open" derr
r=$?; [ $r = 0 ] || sed 's/^/# /' derr
ok $r "ccwpassd logs the failed close as an error naming the image"
run check d.cckd
[ "$(cat rc)" = 0 ] && grep -q "d.cckd: not closed cleanly (OPENED bit set)" out
r=$?; [ $r = 0 ] || sed 's/^/# /' out err rc
ok $r "the volume is marked open and checks clean; the next open recovers it"

exit $(( fails != 0 ))
