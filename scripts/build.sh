#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure (once) and build the normal tree (build/) and, with --asan, the
# sanitizer tree (build-asan/); with --fuzz also the libFuzzer targets in
# build-fuzz/ (clang, ASan+UBSan, every library coverage-instrumented).
set -euo pipefail
cd "$(dirname "$0")/.."
# compile DIR: on a terminal ninja's own one-line [done/total] progress; else
# one line per tree and the compiler's output only if it fails
compile() {
    if [ -t 1 ]; then
        meson compile -C "$1"
    else
        echo "build: compiling $1/ (log: $1/compile.log)"
        meson compile -C "$1" >"$1/compile.log" 2>&1 || { tail -n 40 "$1/compile.log" >&2; return 1; }
    fi
}
[ -f build/build.ninja ] || meson setup build >/dev/null
compile build
for arg in "$@"; do
    case $arg in
    --asan)
        [ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
        compile build-asan ;;
    --fuzz)
        [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
            -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
        compile build-fuzz ;;
    esac
done
