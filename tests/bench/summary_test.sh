#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The side-by-side guest benchmark's parsing (bench/guest/parse.sh and
# summary.sh), without booting anything: the numbers a guest printed on its
# console or wrote onto the Hercules result volume reach results.tsv, and the
# table shows the right min/median/max and ratios.  Prints TAP.
# usage: summary_test.sh SOURCE_ROOT
R=$1
. "$R/tests/dist/tap.sh"
. "$R/bench/guest/parse.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
tab=$'\t'

# a QEMU console: CR line ends, kernel noise, a non-numeric and a checks line
printf '%s\r\n' "[    3.1] dasd-eckd 0.0.1234: New DASD" "CCWPASS-VALUE side=ccwpass" \
    "CCWPASS-VALUE read_1M_MBps=278.3" "  CCWPASS-VALUE indented=1" "CCWPASS-VALUE dasdfmt_ms=680" \
    "CCWPASS-VALUE checks=0 failed=0" >"$T/console"
bench_collect 2 ccwpass "$T/console" >"$T/got.tsv"
printf '%s\n' "2${tab}ccwpass${tab}side${tab}ccwpass" "2${tab}ccwpass${tab}read_1M_MBps${tab}278.3" \
    "2${tab}ccwpass${tab}dasdfmt_ms${tab}680" "2${tab}ccwpass${tab}checks${tab}0 failed=0" >"$T/want.tsv"
check "console: every CCWPASS-VALUE line at a line start becomes ROUND/SIDE/KEY/VALUE, CRs dropped" \
    eq "$(cat "$T/got.tsv")" "$(cat "$T/want.tsv")"

# a 3390 image: header, an earlier record with a stray value, then the
# result record right after its 8-byte count field, NUL padded
{
    head -c 512 /dev/zero
    printf 'CCWPASS-VALUE stray=9\n'
    printf '\000\002\000\000\001\000\020\000'
    printf '\nCCWPASS-RESULT-BEGIN\nCCWPASS-VALUE side=hercules\nCCWPASS-VALUE dasdfmt_ms=230\nCCWPASS-RESULT-END\n'
    head -c 3000 /dev/zero
    printf 'CCWPASS-VALUE after=7\n'
} >"$T/res.3390"
bench_volume_result "$T/res.3390" >"$T/herc.console"
bench_collect 1 hercules "$T/herc.console" >"$T/got.tsv"
check "result volume: only the values between the markers are taken" \
    eq "$(cat "$T/got.tsv")" "1${tab}hercules${tab}side${tab}hercules"$'\n'"1${tab}hercules${tab}dasdfmt_ms${tab}230"
check "result volume with the end marker counts as done" bench_volume_done "$T/res.3390"
head -c 600 "$T/res.3390" >"$T/partial.3390"
check "a volume without the end marker is not done" eval '! bench_volume_done "$T/partial.3390"'

# three rounds, values out of order, a failed run (-1) and an n/a
{
    for l in "1 ccwpass read_1M_MBps 300" "2 ccwpass read_1M_MBps 100" "3 ccwpass read_1M_MBps 200" \
             "1 hercules read_1M_MBps 400" "2 hercules read_1M_MBps 390" "3 hercules read_1M_MBps -1" \
             "1 virtio read_1M_MBps 800" "2 virtio read_1M_MBps n/a" "3 virtio read_1M_MBps 800" \
             "1 ccwpass cckd_dasdfmt_ms 1180.5" "1 ccwpass side ccwpass"; do
        echo "${l// /$tab}"
    done
} >"$T/results.tsv"
"$R/bench/guest/summary.sh" "$T/results.tsv" >"$T/summary" 2>&1
line() { grep "^$1 " "$T/summary" | tr -s ' '; }
check "summary: 3 rounds counted" grep -q '^3 round(s)' "$T/summary"
check "summary: min/median/max per side, median of an even count is the mean, -1 and n/a left out, ratios of medians" \
    eq "$(line read_1M_MBps)" "read_1M_MBps 100/200/300 390/395/400 800/800/800 0.51 0.25"
check "summary: a measure of one side only shows '-' for the others and no ratio" \
    eq "$(line cckd_dasdfmt_ms)" "cckd_dasdfmt_ms 1180.5/1180.5/1180.5 - - - -"
check "summary: non-numeric values (side) are not measures" eval '! grep -q "^side " "$T/summary"'
"$R/bench/guest/summary.sh" >"$T/usage" 2>&1
check "summary without a results file: usage, status 2" eq "$?:$(head -c 6 "$T/usage")" "2:usage:"
finish
