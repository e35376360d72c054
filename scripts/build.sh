#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure (once) and build the normal tree (build/) and, with --asan, the
# sanitizer tree (build-asan/); with --fuzz also the libFuzzer targets in
# build-fuzz/ (clang, ASan+UBSan, every library coverage-instrumented).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
for arg in "$@"; do
    case $arg in
    --asan)
        [ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
        meson compile -C build-asan >/dev/null ;;
    --fuzz)
        [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
            -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
        meson compile -C build-fuzz >/dev/null ;;
    esac
done
