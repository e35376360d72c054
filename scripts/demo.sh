#!/usr/bin/env bash
# scripts/demo.sh — the end-to-end demo, from a fresh Debian machine:
#   1. scripts/setup.sh          host packages
#   2. scripts/build.sh          ccwpassd, ccwpass, the QEMU adapter (build/)
#   3. guest/build.sh            the s390x guest from Debian's s390x packages
#   4. the seed's flow (tests/e2e/dasd_flow.sh): ccwpassd with a small 3390
#      volume, the seed's sysfs steps through ccwpassd's view, QEMU through
#      `ccwpass qemu` with the seed's command line; in the guest lscss,
#      chccwdev -e, lsdasd, dasdfmt, fdasd, mke2fs, files and programs written
#      and run from the DASD; a second boot verifies them; on the host
#      `ccwpass dasd info/check/export`, e2fsck and debugfs check the image.
#   5. a summary: every step ✓/✗ with its evidence, and the measured numbers.
# Everything is also written to demo-out/ (demo.log, demo.tap, summary.txt,
# logs/ with the guest consoles and the daemon log).
#
# env: CCWPASS_BUILD_DIR=DIR  use (and build) DIR instead of scripts/build.sh's build/
#      E2E_CYLS=N             size of the demo volume in cylinders (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
out=$top/demo-out
rm -rf "$out"; mkdir -p "$out/logs"
exec > >(tee "$out/demo.log") 2>&1

if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' D=$'\e[2m' N=$'\e[0m'; else B="" G="" R="" D="" N=""; fi
t_start=${EPOCHREALTIME/./}
step() { echo; echo "${B}==> [$1/5] $2${N}"; }
elapsed() { echo "$(( (${EPOCHREALTIME/./} - t_start) / 1000000 )) s"; }
declare -a pre=()   # ✓/✗ lines for the summary (setup steps)
fail_early() {
    echo "${R}✗ $1${N}"
    pre+=("✗ $1")
    printf '%s\n' "${pre[@]}" >"$out/summary.txt"
    echo; echo "${B}demo stopped: $1${N} (log: demo-out/demo.log)"
    exit 1
}

step 1 "host packages (scripts/setup.sh)"
scripts/setup.sh || fail_early "scripts/setup.sh failed"
pre+=("✓ host packages installed (scripts/setup.sh)")

step 2 "build ccwpass"
if [ -n "${CCWPASS_BUILD_DIR:-}" ]; then
    build=$CCWPASS_BUILD_DIR
    [ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null || fail_early "meson setup $build failed"
    ninja -C "$build" >"$out/logs/build.log" 2>&1 || { tail -n 30 "$out/logs/build.log"; fail_early "build ($build) failed"; }
else
    build=build
    scripts/build.sh || fail_early "scripts/build.sh failed"
fi
build=$(cd "$build" && pwd)
pre+=("✓ ccwpass built in ${build#"$top"/}")

step 3 "the s390x guest (guest/build.sh)"
guest/build.sh || fail_early "guest/build.sh failed"
pre+=("✓ s390x guest built: $(cat guest/out/kernel-version), $(du -h guest/out/initrd.img | cut -f1) initramfs")

step 4 "the seed's flow: ccwpassd → vfio_ccw mdev → QEMU → guest DASD (takes a few minutes under TCG)"
echo "${D}    (live: guest results as they arrive; full consoles in demo-out/logs/)${N}"
live_filter() { # the guest consoles, streamed by run.sh: show markers and dasdfmt progress
    while IFS= read -r l; do
        case "$l" in
            CCWPASS-INIT*) echo "${D}    guest: /init started (${l#CCWPASS-INIT })${N}" ;;
            CCWPASS-OK\ *) echo "    ${G}✓${N} guest: ${l#CCWPASS-OK }" ;;
            CCWPASS-FAIL\ *) echo "    ${R}✗${N} guest: ${l#CCWPASS-FAIL }" ;;
            "run.sh: boot-to-init"*|"run.sh: total"*) echo "${D}    ${l}${N}" ;;
        esac
    done
}
pretty() { # TAP → ✓/✗ lines; guest results were shown live already
    while IFS= read -r l; do
        case "$l" in
            "ok "*) d=${l#ok * - }; [[ $d == guest* ]] || echo "    ${G}✓${N} $d" ;;
            "not ok "*) d=${l#not ok * - }; [[ $d == guest* ]] || echo "    ${R}✗${N} $d" ;;
            "# measured:"*|"# boot "*) echo "${D}    ${l#\# }${N}" ;;
        esac
    done
}
set +e
# fd 3: the terminal/log; the live filter must not write into the TAP pipe
exec 3>&1
E2E_LIVE=1 E2E_LOGDIR=$out/logs E2E_CYLS=${E2E_CYLS:-100} \
    tests/e2e/dasd_flow.sh "$build" 2> >(live_filter >&3) | tee "$out/demo.tap" | pretty
flow_rc=${PIPESTATUS[0]}
exec 3>&-
set -e

step 5 "summary"
{
    echo "ccwpass demo — $(date -u '+%Y-%m-%d %H:%M UTC'), $(elapsed) total"
    printf '%s\n' "${pre[@]}"
    awk '
        /^ok /     { sub(/^ok [0-9]+ - /, ""); print "✓ " $0; ev = 1; next }
        /^not ok / { sub(/^not ok [0-9]+ - /, ""); print "✗ " $0; ev = 1; next }
        /^# \| /   { if (ev) { sub(/^# \| /, ""); print "      " $0 } next }
        /^# /      { if (ev) { sub(/^# /, ""); print "      " $0 } next }
        { ev = 0 }' "$out/demo.tap"
    echo
    echo "measured:"
    grep -h '^# measured:\|^# boot ' "$out/demo.tap" | sed 's/^# /  /'
} >"$out/summary.txt"
npass=$(grep -c '^ok ' "$out/demo.tap" || true)
nfail=$(grep -c '^not ok ' "$out/demo.tap" || true)
grep -E '^(✓|✗)' "$out/summary.txt" | sed -e "s/^✓/  ${G}✓${N}/" -e "s/^✗/  ${R}✗${N}/"
echo
if [ "$flow_rc" -eq 0 ] && [ "$nfail" -eq 0 ]; then
    echo "${B}${G}demo passed${N}: $npass checks ✓ in $(elapsed) (summary with evidence: demo-out/summary.txt)"
else
    echo "${B}${R}demo FAILED${N}: $nfail of $((npass + nfail)) checks ✗ (summary with evidence: demo-out/summary.txt, logs: demo-out/logs/)"
    exit 1
fi
