# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# bench/guest/parse.sh — the parsing half of bench/guest/run.sh, sourced by it
# and by tests/bench/summary_test.sh.

# bench_collect ROUND SIDE FILE: the "CCWPASS-VALUE key=value" lines of FILE
# (a console log or an extracted result block) as results.tsv lines
# "ROUND<TAB>SIDE<TAB>KEY<TAB>VALUE".
bench_collect() {
    tr -d '\r' <"$3" | sed -n 's/^CCWPASS-VALUE \([A-Za-z0-9_]*\)=\(.*\)$/\1\t\2/p' |
        awk -F '\t' -v r="$1" -v s="$2" '{ print r "\t" s "\t" $1 "\t" $2 }'
}

# bench_volume_result VOLUME: the guest's result block, from the line
# "CCWPASS-RESULT-BEGIN" to "CCWPASS-RESULT-END", out of a 3390 image file
# (the guest wrote it as one 4 KiB record: NUL padding, count fields and other
# records around it are not text lines of it).
bench_volume_result() {
    tr '\0' '\n' <"$1" | LC_ALL=C sed -n '/^CCWPASS-RESULT-BEGIN$/,/^CCWPASS-RESULT-END$/p'
}

# bench_volume_done VOLUME: the result block is complete in VOLUME.
bench_volume_done() {
    grep -aq '^CCWPASS-RESULT-END$' "$1"
}
