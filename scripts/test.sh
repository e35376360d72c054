#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test command: installs, builds (normal + ASan/UBSan + libFuzzer), runs
# every suite and a short run of each fuzzer, and ends with one summary line
# "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
scripts/build.sh --asan --fuzz || exit 1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
meson test -C build --num-processes 2 --print-errorlogs --timeout-multiplier 3 "$@" || rc=1
meson test -C build-asan --num-processes 2 --print-errorlogs --timeout-multiplier 3 --no-suite e2e "$@" || rc=1
# short libFuzzer runs of every target over its corpus (docs/fuzzing.md)
meson test -C build-fuzz --num-processes 2 --print-errorlogs --timeout-multiplier 3 --suite fuzz || rc=1
python3 tests/tap_summary.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
    build-fuzz/meson-logs/testlog.json || rc=1
exit $rc
