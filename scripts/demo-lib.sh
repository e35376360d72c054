# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# scripts/demo-lib.sh — the parts scripts/demo.sh and scripts/demo-tape.sh
# share: the output directory and log, the set-up steps (host packages, the
# build, the guest), running a TAP flow with the guest's results shown live,
# and the summary with its evidence.  Sourced; the caller is at the top of
# the tree with `set -euo pipefail`.
#
# A demo:
#   demo_init OUT-DIR-NAME            # OUT-DIR-NAME/ with demo.log, logs/
#   demo_prepare                      # steps 1-3; sets $build
#   demo_flow "TITLE" FLOW [ENV=VAL...]   # step 4: FLOW BUILD-DIR, TAP to demo.tap
#   demo_summary "TITLE"              # step 5; exits 0 only if every check passed
# env: CCWPASS_BUILD_DIR=DIR  use (and build) DIR instead of scripts/build.sh's build/
#      CCWPASS_PREFIX=DIR     no build: use the installed DIR/sbin/ccwpassd, DIR/bin/ccwpass
#                             (e.g. /usr after installing the Debian package)

# demo_init NAME: (re)create NAME/ in the tree, send everything also to NAME/demo.log.
demo_init() {
    top=$(pwd)
    out_name=$1
    out=$top/$out_name
    rm -rf "$out"; mkdir -p "$out/logs"
    exec > >(tee "$out/demo.log") 2>&1
    if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' D=$'\e[2m' N=$'\e[0m'; else B="" G="" R="" D="" N=""; fi
    t_start=${EPOCHREALTIME/./}
    pre=()   # ✓/✗ lines for the summary (setup steps)
}
step() { echo; echo "${B}==> [$1/5] $2${N}"; }
elapsed() { echo "$(( (${EPOCHREALTIME/./} - t_start) / 1000000 )) s"; }
# fail_early REASON: a set-up step failed; summary and exit 1.
fail_early() {
    echo "${R}✗ $1${N}"
    pre+=("✗ $1")
    printf '%s\n' "${pre[@]}" >"$out/summary.txt"
    echo; echo "${B}demo stopped: $1${N} (log: $out_name/demo.log)"
    exit 1
}

# demo_prepare: steps 1-3 (scripts/setup.sh, the build, guest/build.sh); sets build.
demo_prepare() {
    step 1 "host packages (scripts/setup.sh)"
    scripts/setup.sh || fail_early "scripts/setup.sh failed"
    pre+=("✓ host packages installed (scripts/setup.sh)")

    if [ -n "${CCWPASS_PREFIX:-}" ]; then
        step 2 "the installed ccwpass (CCWPASS_PREFIX=$CCWPASS_PREFIX)"
        [ -x "$CCWPASS_PREFIX/sbin/ccwpassd" ] && [ -x "$CCWPASS_PREFIX/bin/ccwpass" ] ||
            fail_early "no ccwpassd/ccwpass installed in $CCWPASS_PREFIX/sbin, $CCWPASS_PREFIX/bin"
        build=$CCWPASS_PREFIX
        pre+=("✓ ccwpass installed: $build/sbin/ccwpassd, $build/bin/ccwpass ($("$build/bin/ccwpass" --version))")
    else
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
    fi

    step 3 "the s390x guest (guest/build.sh)"
    guest/build.sh || fail_early "guest/build.sh failed"
    pre+=("✓ s390x guest built: $(cat guest/out/kernel-version), $(du -h guest/out/initrd.img | cut -f1) initramfs")
}

_live_filter() { # the guest consoles, streamed by run.sh: show markers
    local l
    while IFS= read -r l; do
        case "$l" in
            CCWPASS-INIT*) echo "${D}    guest: /init started (${l#CCWPASS-INIT })${N}" ;;
            CCWPASS-OK\ *) echo "    ${G}✓${N} guest: ${l#CCWPASS-OK }" ;;
            CCWPASS-FAIL\ *) echo "    ${R}✗${N} guest: ${l#CCWPASS-FAIL }" ;;
            "run.sh: boot-to-init"*|"run.sh: total"*) echo "${D}    ${l}${N}" ;;
        esac
    done
}
_pretty() { # TAP → ✓/✗ lines; guest results were shown live already
    local l d
    while IFS= read -r l; do
        case "$l" in
            "ok "*) d=${l#ok * - }; [[ $d == guest* ]] || echo "    ${G}✓${N} $d" ;;
            "not ok "*) d=${l#not ok * - }; [[ $d == guest* ]] || echo "    ${R}✗${N} $d" ;;
            "# measured:"*|"# boot "*) echo "${D}    ${l#\# }${N}" ;;
        esac
    done
}
# demo_flow TITLE FLOW [ENV=VALUE...]: step 4, FLOW BUILD-DIR with the guest
# console live; its TAP goes to demo.tap, its status to flow_rc.
demo_flow() {
    local title=$1 flow=$2; shift 2
    step 4 "$title"
    echo "${D}    (live: guest results as they arrive; full consoles in $out_name/logs/)${N}"
    set +e
    # fd 3: the terminal/log; the live filter must not write into the TAP pipe
    exec 3>&1
    env E2E_LIVE=1 E2E_LOGDIR="$out/logs" "$@" \
        "$flow" "$build" 2> >(_live_filter >&3) | tee "$out/demo.tap" | _pretty
    flow_rc=${PIPESTATUS[0]}
    exec 3>&-
    set -e
}

# demo_summary TITLE: step 5, every check ✓/✗ with its evidence in summary.txt;
# exits 0 only when the flow and every check passed.
demo_summary() {
    local npass nfail
    step 5 "summary"
    {
        echo "$1 — $(date -u '+%Y-%m-%d %H:%M UTC'), $(elapsed) total"
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
    if [ "$flow_rc" -eq 0 ] && [ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]; then
        echo "${B}${G}demo passed${N}: $npass checks ✓ in $(elapsed) (summary with evidence: $out_name/summary.txt)"
        exit 0
    fi
    echo "${B}${R}demo FAILED${N}: $nfail of $((npass + nfail)) checks ✗ (summary with evidence: $out_name/summary.txt, logs: $out_name/logs/)"
    exit 1
}
