#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ccwpass tape and the tape image layer against Hercules 3.13's own tools:
# tapes hetinit/hetupd make are read by us, tapes we write are listed by
# hetmap/tapemap and extracted by hetget, and bad input gives a clear message
# naming file and offset.  Prints TAP.
set -u
CCWPASS=$(realpath "${1:?usage: tape_cli.sh path/to/ccwpass path/to/tape_writer}")
WRITER=$(realpath "${2:?usage: tape_cli.sh path/to/ccwpass path/to/tape_writer}")
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-tape-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
n=0; fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
run() { "$CCWPASS" tape "$@" >out 2>err; echo $? >rc; }
rc() { cat rc; }
has() { grep -q -- "$1" out err; }
# The per-file lines as tapemap prints them; ours add ", bytes=..., stored=...".
ours() { "$CCWPASS" tape info "$1" 2>/dev/null | grep '^File [0-9]*:' | sed 's/, bytes=.*//'; }
# tapemap does not expand HET blocks (it shows their stored sizes): hetmap -t does.
hetmap_t() { hetmap -t "$1" 2>/dev/null | grep '^File [0-9]*:'; }
theirs() { case $1 in *.het) hetmap_t "$1" ;; *) tapemap "$1" 2>/dev/null | grep '^File [0-9]*:' ;; esac; }
same_map() { [ -n "$(theirs "$1")" ] && [ "$(ours "$1")" = "$(theirs "$1")" ]; }

echo "1..38"

# ---- tapes Hercules makes, read by us -------------------------------------------------
hetinit -n -d h_nl.aws >/dev/null 2>&1; hetinit -n h_nl.het >/dev/null 2>&1
hetinit -d h_sl.aws VOL001 OWNER >/dev/null 2>&1; hetinit h_sl.het VOL002 >/dev/null 2>&1
for f in h_nl.aws h_nl.het h_sl.aws h_sl.het; do
    same_map $f; ok $? "info of hetinit's $f shows what tapemap/hetmap show"
done
run check h_sl.het
ok $(( $(rc) != 0 )) "check passes hetinit's HET tape"
has "h_sl.het: ok: HET (zlib), 1 file, 2 blocks"; ok $? "check names format, files and blocks"

# ---- what we create, compared with hetinit ----------------------------------------------
run create o_sl.aws --aws --label VOL001 --owner OWNER
cmp -s o_sl.aws h_sl.aws; ok $? "create --aws --label --owner is byte-identical to hetinit -d"
run create o_sl.het --label vol002
cmp -s o_sl.het h_sl.het; ok $? "create .het --label is byte-identical to hetinit (zlib level 4)"
run create o_nl.aws
cmp -s o_nl.aws h_nl.aws; ok $? "create unlabelled is byte-identical to hetinit -n -d"
has "created o_nl.aws: AWSTAPE, unlabelled, 12 bytes"; ok $? "create says what it made"
run create o_nl.aws --het
[ "$(rc)" = 1 ] && grep -q "o_nl.aws exists (use --force to overwrite it)" err && cmp -s o_nl.aws h_nl.aws
ok $? "create refuses to overwrite a tape"
run create o_bz.het --het=bzip2 --label BZ0001 --force
[ "$(rc)" = 0 ] && [ "$(hetmap_t o_bz.het)" = "File 1: Blocks=2, block size min=80, max=80" ]
ok $? "hetmap lists a bzip2 labelled tape we created"

# ---- what we write, read by Hercules -------------------------------------------------------
{ seq 1 200000 | head -c 700000; head -c 700000 /dev/urandom; } > data
SPEC="32768x5 tm 100 65535x3 tm 1x2 80 4096x4 tm tm 777"
for f in w.aws:aws w_zlib.het:zlib w_bz.het:bzip2; do
    "$WRITER" ${f%:*} ${f#*:} data $SPEC; ok $? "tape_writer writes ${f%:*}"
done
want="File 1: Blocks=5, block size min=32768, max=32768
File 2: Blocks=4, block size min=100, max=65535
File 3: Blocks=7, block size min=1, max=4096
File 4: Blocks=0, block size min=0, max=0"
for f in w.aws w_zlib.het w_bz.het; do
    [ "$(theirs $f)" = "$want" ] && [ "$(hetmap_t $f)" = "$want" ] && [ "$(ours $f)" = "$want" ]
    ok $? "$(case $f in *.het) echo hetmap;; *) echo tapemap and hetmap;; esac) list our $f with the files and block sizes we wrote"
done
tapemap w_bz.het 2>/dev/null | grep -q "^File 1: Blocks=5, block size min=32768, max=32768"
ok $(( $? == 0 )) "our bzip2 HET really stores compressed blocks (tapemap sees their stored sizes)"
grep -q "File 5 (no tapemark): Blocks=1, block size min=777, max=777" <("$CCWPASS" tape info w.aws)
ok $? "info shows the unterminated last file tapemap leaves out"
hetget -n w.aws f1.out 1 U 0 65535 >/dev/null 2>&1 && cmp -s f1.out <(head -c $((5 * 32768)) data)
ok $? "hetget -n extracts file 1 of our AWS byte for byte"
hetget -n w_bz.het f2.out 2 U 0 65535 >/dev/null 2>&1 \
    && cmp -s f2.out <(tail -c +$((5 * 32768 + 1)) data | head -c $((100 + 3 * 65535)))
ok $? "hetget -n extracts file 2 of our bzip2 HET byte for byte"
hetupd -d w_zlib.het u_zlib.aws >/dev/null 2>&1 && cmp -s u_zlib.aws w.aws
ok $? "hetupd -d of our zlib HET equals the AWS we write"
hetupd -d w_bz.het u_bz.aws >/dev/null 2>&1 && cmp -s u_bz.aws w.aws
ok $? "hetupd -d of our bzip2 HET equals the AWS we write"
hetupd -z w.aws h_z.het >/dev/null 2>&1 && cmp -s h_z.het w_zlib.het
ok $? "hetupd -z of our AWS equals the zlib HET we write"

# ---- copy -----------------------------------------------------------------------------------
run copy w.aws c.het --het=bzip2
cmp -s c.het w_bz.het; ok $? "copy to --het=bzip2 equals what we write directly"
run copy c.het c.aws
cmp -s c.aws w.aws; ok $? "copy back to AWS (by the name) restores the tape byte for byte"
hetupd -s w.aws s.aws >/dev/null 2>&1; run copy s.aws s2.aws
[ "$(rc)" = 0 ] && cmp -s s2.aws w.aws; ok $? "copy reads hetupd -s multi-chunk blocks (4096-byte chunks)"
hetupd -b w.aws h_b.het >/dev/null 2>&1; run check h_b.het
ok $(( $(rc) != 0 )) "check passes a hetupd -b tape"
script -qc "$CCWPASS tape copy w.aws tty.het --het" /dev/null | tr '\r' '\n' > tty.out
grep -q "copying \[########################################\] 100%" tty.out; ok $? "progress bar on a terminal"

# ---- bad input ------------------------------------------------------------------------------
cp w.aws torn.aws; truncate -s -10 torn.aws
run check torn.aws
torn_at=$(( $(stat -c %s w.aws) - 777 - 6 ))
[ "$(rc)" = 1 ] && grep -q "tape torn.aws: offset $torn_at: torn tail" err; ok $? "check: torn tail, exit 1, names file and offset"
run info torn.aws
has "Torn tail at offset $torn_at"; ok $? "info lists the tape up to the torn tail"
cp w.aws chain.aws; printf '\x09\x00' | dd of=chain.aws bs=1 seek=$((6 + 32768 + 2)) conv=notrunc 2>/dev/null
run check chain.aws
[ "$(rc)" = 1 ] && grep -q "tape chain.aws: offset $((6 + 32768)): broken header chain" err
ok $? "check: broken header chain, exit 1, names the offset"
cp w_zlib.het bad.het; printf 'XXXXXXXX' | dd of=bad.het bs=1 seek=$((6 + 2)) conv=notrunc 2>/dev/null
run check bad.het
[ "$(rc)" = 1 ] && grep -q "tape bad.het: offset 0: .* block cannot be expanded" err; ok $? "check: undecompressible chunk, exit 1, names the offset"
mkfifo fifo.aws; mkdir dir.aws
timeout 20 "$CCWPASS" tape info fifo.aws >out 2>err; echo $? >rc
[ "$(rc)" = 1 ] && grep -q "tape fifo.aws is a FIFO, not a regular file" err; ok $? "a FIFO is refused at once"
run check dir.aws
[ "$(rc)" = 1 ] && grep -q "tape dir.aws is a directory" err; ok $? "a directory is refused"
run copy w.aws fifo.aws --force
[ "$(rc)" = 1 ] && grep -q "FIFO" err; ok $? "copy refuses a FIFO as output"
run info missing.aws
[ "$(rc)" = 1 ] && grep -q "missing.aws: cannot open: No such file" err; ok $? "a missing file is named"
[ "$fails" = 0 ]
