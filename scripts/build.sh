#!/usr/bin/env bash
# Configure (once) and build the normal tree (build/) and, with --asan, the
# sanitizer tree (build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
if [ "${1:-}" = --asan ]; then
    [ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
    meson compile -C build-asan >/dev/null
fi
