#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Short deterministic libFuzzer run of one target over its checked-in corpus,
# reported as TAP: run.sh <target> <corpus dir> <runs>.  New inputs and any
# crash go to a scratch directory, never into the tree; on a crash the
# reproducer and the sanitizer's report are shown.
set -uo pipefail
exe=$1 corpus=$2 runs=$3
name=$(basename "$exe")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
echo "1..2"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$exe" -seed=1 -runs="$runs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/new" "$corpus" >"$work/log" 2>&1
rc=$?
seeds=$(ls "$corpus" | wc -l)
if [ "$seeds" -gt 0 ] && grep -q "INITED" "$work/log"; then
    echo "ok 1 - $name: loaded $seeds seed inputs from $corpus"
else
    echo "not ok 1 - $name: corpus $corpus not loaded ($seeds files)"
fi
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
cov=$(grep -E '^#[0-9]+.*(DONE|INITED)' "$work/log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
if [ $rc -eq 0 ]; then
    echo "ok 2 - $name: ${execs:-?} inputs, no crash, leak, hang or broken invariant (${cov:-no coverage line})"
else
    echo "not ok 2 - $name: exit $rc after ${execs:-?} inputs"
    grep -E "ERROR|invariant|SUMMARY|#[0-9]+ +in " "$work/log" | head -30 | sed 's/^/# /'
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ -e "$a" ] && echo "# reproducer: $(basename "$a"): $(xxd -p "$a" | head -c 400)"
    done
fi
