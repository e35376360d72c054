# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/e2e/lib.sh — helpers for the end-to-end tests and scripts/demo.sh.
#
# Sourced by a bash test script.  A test:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init NAME "$@"          # workspace, teardown trap, build dir from $1
#   e2e_require                  # ccwpassd, ccwpass, launcher, guest present?
#   daemon_start [--config F]    # ccwpassd with a temp socket/view/state
#   seed_steps                   # the seed's sysfs steps through the view
#   guest_boot NAME SCRIPT ...   # boot the guest through `ccwpass qemu`
#   guest_tap "$W/NAME.console"  # the guest's CCWPASS-OK/FAIL lines as TAP
#   tap_done
# env CCWPASS_PREFIX=DIR: use the installed DIR/sbin/ccwpassd and DIR/bin/ccwpass
# (e.g. /usr, the Debian package) instead of the build directory's.
# Output is TAP (plan at the end).  Teardown (always, via trap) stops the
# QEMUs and daemons this test started — by pid — and unmounts the FUSE view.

E2E_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_NAME=e2e
W=""                 # this test's workspace
E2E_BUILD=""
CCWPASSD="" CCWPASS=""
DPID=""              # ccwpassd's pid
DAEMONS=()           # every ccwpassd pid started (for teardown)
QPIDS=()             # background guest runs (run.sh pids)
NETNS=()             # network namespaces made by netns_host (for teardown)
NETLINKS=()          # veth links made in this namespace (for teardown)
DAEMON_NETNS=        # daemon_start runs ccwpassd in this network namespace when set
MDEV_UUID="" MDEV_PATH=""
T_N=0 T_FAIL=0

# ---- TAP -------------------------------------------------------------------
diag() { sed -e 's/^/# /'; }
note() { echo "# $*"; }
tap_ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
tap_not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }
# tap_is DESC CONDITION-RESULT(0/1) [DIAG-FILE]
tap_result() {
    local desc=$1 rc=$2 f=${3:-}
    if [ "$rc" -eq 0 ]; then tap_ok "$desc"; else
        tap_not_ok "$desc"
        [ -z "$f" ] || [ ! -s "$f" ] || tail -n 30 "$f" | diag
    fi
}
# tap_check DESC CMD...: ok if CMD succeeds; its output becomes diagnostics on failure.
tap_check() {
    local desc=$1 rc=0; shift
    "$@" >"$W/.check.out" 2>&1 || rc=$?
    tap_result "$desc" "$rc" "$W/.check.out"
    return "$rc"
}
# tap_check_fails DESC CMD...: ok if CMD fails.
tap_check_fails() {
    local desc=$1 rc=0; shift
    "$@" >"$W/.check.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then tap_ok "$desc"; sed -n '1,3p' "$W/.check.out" | diag
    else tap_not_ok "$desc (command succeeded)"; tail -n 20 "$W/.check.out" | diag; fi
    [ "$rc" -ne 0 ]
}
tap_done() {
    echo "1..$T_N"
    [ "$T_FAIL" -eq 0 ]
}
# tap_bail REASON: the test cannot go on; what is left is reported as failed.
tap_bail() {
    tap_not_ok "$*"
    tap_done || true
    exit 1
}

# ---- workspace ---------------------------------------------------------------
# e2e_init NAME [BUILD-DIR]
e2e_init() {
    E2E_NAME=$1
    local b=${2:-${E2E_BUILD_DIR:-}}
    if [ -z "$b" ]; then
        # the newest configured build dir of this tree
        b=$(ls -dt "$E2E_SRC"/build*/ 2>/dev/null | head -n 1); b=${b%/}
    fi
    E2E_BUILD=$(cd "$b" 2>/dev/null && pwd) || E2E_BUILD=$b
    CCWPASSD=$E2E_BUILD/src/daemon/ccwpassd
    CCWPASS=$E2E_BUILD/src/cli/ccwpass
    W=$(mktemp -d "/tmp/ccwpass-$E2E_NAME.XXXXXX")
    if [ -n "${CCWPASS_PREFIX:-}" ]; then
        # the installed programs (a package, meson install): PREFIX/sbin/ccwpassd, PREFIX/bin/ccwpass
        CCWPASSD=$CCWPASS_PREFIX/sbin/ccwpassd CCWPASS=$CCWPASS_PREFIX/bin/ccwpass
        [ -d "$E2E_BUILD" ] || E2E_LOGDIR=${E2E_LOGDIR:-$W.logs}
    fi
    E2E_LOGDIR=${E2E_LOGDIR:-$E2E_BUILD/meson-logs/e2e/$E2E_NAME}
    trap e2e_teardown EXIT
    trap 'exit 130' INT TERM
    note "workspace $W, programs $CCWPASSD and $CCWPASS"
}

_stop_pid() { # _stop_pid PID SECONDS: TERM, bounded wait, KILL
    local p=$1 s=$2 i
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < s * 20; i++)); do
        kill -0 "$p" 2>/dev/null || return 0
        sleep 0.05
    done
    kill -KILL "$p" 2>/dev/null || true
}

e2e_teardown() {
    local rc=$? p
    set +e
    for p in "${QPIDS[@]}"; do _stop_pid "$p" 5; done
    # QEMUs write their pid next to their console (run.sh --pidfile)
    for p in "$W"/*.console.pid; do
        [ -s "$p" ] && _stop_pid "$(cat "$p")" 5
    done
    for p in "${DAEMONS[@]}"; do _stop_pid "$p" 10; done
    for p in "${NETNS[@]}"; do ip netns delete "$p" 2>/dev/null; done
    for p in "${NETLINKS[@]}"; do ip link delete "$p" 2>/dev/null; done
    for p in "$W"/view*; do
        [ -d "$p" ] || continue
        if mountpoint -q "$p" 2>/dev/null || grep -q " $p " /proc/mounts; then
            fusermount3 -u -z "$p" 2>/dev/null || umount -l "$p" 2>/dev/null
        fi
    done
    if [ -n "$W" ] && [ -d "$W" ]; then
        mkdir -p "$E2E_LOGDIR" 2>/dev/null &&
            cp "$W"/*.console "$W"/*.log "$W"/*.times "$E2E_LOGDIR"/ 2>/dev/null
        if [ "${E2E_KEEP:-0}" = 1 ]; then
            echo "# kept workspace $W" >&2
        else
            rm -rf "$W"
        fi
    fi
    return $rc
}

# Network namespaces for tests whose daemons stand for separate hosts.
# Addresses: 10.213.0.1 is the hub (netns_hub), 10.213.N.1/.2 the two ends
# of host N's link.  Deleting a namespace deletes its end of the veth pair
# and with it the pair.
NETNS_NET=10.213
# netns_hub: an address in this namespace that every netns_host reaches (a
# veth pair with both ends here); a service for all hosts (a Ceph cluster)
# binds to it.  Sets HUB_ADDR.
netns_hub() {
    local a=cwp$$h b=cwp$$H
    ip link add "$a" type veth peer name "$b" || return 1
    NETLINKS+=("$a")
    ip addr add "$NETNS_NET.0.1/32" dev "$a" && ip link set "$a" up && ip link set "$b" up || return 1
    HUB_ADDR=$NETNS_NET.0.1
}
# netns_host N: a network namespace of its own for host N (1..250): its
# loopback, and a veth link to this namespace with a default route over it,
# so it reaches the hub but shares nothing else.  Sets HOST_NETNS.
netns_host() {
    local n=$1 ns=ccwp$$-$1 here=cwp$$-$1 there=eth0
    ip netns add "$ns" || return 1
    NETNS+=("$ns")
    ip link add "$here" type veth peer name "$there" netns "$ns" || return 1
    NETLINKS+=("$here")
    ip addr add "$NETNS_NET.$n.1/30" dev "$here" && ip link set "$here" up || return 1
    ip -n "$ns" link set lo up && ip -n "$ns" addr add "$NETNS_NET.$n.2/30" dev "$there" &&
        ip -n "$ns" link set "$there" up && ip -n "$ns" route add default via "$NETNS_NET.$n.1" || return 1
    HOST_NETNS=$ns
}

# wait_until SECONDS CMD...: poll CMD (every 50 ms) until it succeeds; bounded.
wait_until() {
    local s=$1 end; shift
    end=$(( ${EPOCHREALTIME/./} + s * 1000000 ))
    until "$@" 2>/dev/null; do
        [ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
        sleep 0.05
    done
}
# wait_line SECONDS FILE REGEX: wait until FILE has a line matching REGEX.
wait_line() { wait_until "$1" grep -Eq -- "$3" "$2"; }

# ---- prerequisites -------------------------------------------------------------
# The pieces other parts of the project provide.  A missing one fails the test
# and names it, rather than pretending.
e2e_missing() {
    local m=()
    [ -x "$CCWPASSD" ] || m+=("ccwpassd (the daemon, $CCWPASSD) is not built")
    if [ ! -x "$CCWPASS" ]; then
        m+=("ccwpass (the CLI, $CCWPASS) is not built")
    else
        local v
        for v in "qemu --dry-run -version" "dasd" "status --help"; do
            # shellcheck disable=SC2086  # the verb and its harmless arguments
            if "$CCWPASS" $v 2>&1 </dev/null | grep -q 'not built yet'; then
                m+=("'ccwpass ${v%% *}' is still a placeholder (not built yet)")
            fi
        done
    fi
    command -v qemu-system-s390x >/dev/null || m+=("qemu-system-s390x is not installed (scripts/setup.sh)")
    [ -s "$E2E_SRC/guest/out/vmlinuz" ] || m+=("the s390x guest is not built (guest/build.sh)")
    command -v fusermount3 >/dev/null || m+=("fusermount3 missing (fuse3; scripts/setup.sh)")
    printf '%s\n' "${m[@]}"
}
e2e_require() {
    local miss
    if [ ! -s "$E2E_SRC/guest/out/vmlinuz" ] && [ "${E2E_BUILD_GUEST:-1}" = 1 ]; then
        "$E2E_SRC/guest/build.sh" 2>&1 | diag || true
    fi
    miss=$(e2e_missing)
    if [ -n "$miss" ]; then
        while IFS= read -r l; do tap_not_ok "prerequisite missing: $l"; done <<<"$miss"
        tap_done || true
        exit 1
    fi
}

# vol_create FILE CYLS: a new 3390 CCKD volume (ccwpass dasd create), one TAP line.
vol_create() {
    tap_check "host: ccwpass dasd create $(basename "$1") -c $2 --cckd" "$CCWPASS" dasd create "$1" -c "$2" --cckd
}

# ---- ccwpassd -----------------------------------------------------------------------
# daemon_start [NAME] [-- ccwpassd args...]: start ccwpassd on $W/NAME.sock,
# view $W/view-NAME (default NAME "d"), state $W/state-NAME, mdevctl
# definitions in $W/mdevctl.d (shared by the test's daemons); waits (bounded)
# until the socket and the view are there.  Sets DPID, SOCK, VIEW, STATE.
daemon_start() {
    local name=d
    if [ $# -gt 0 ] && [ "$1" != -- ]; then name=$1; shift; fi
    [ "${1:-}" != -- ] || shift
    SOCK=$W/$name.sock VIEW=$W/view-$name STATE=$W/state-$name
    mkdir -p "$VIEW" "$STATE"
    export CCWPASS_SOCKET=$SOCK CCWPASS_VIEW=$VIEW
    # mdevctl's definitions from the test's own directory, never the machine's /etc/mdevctl.d
    ${DAEMON_NETNS:+nsenter "--net=/run/netns/$DAEMON_NETNS" --} \
        "$CCWPASSD" --foreground --socket "$SOCK" --view "$VIEW" --state-dir "$STATE" --mdevctl-dir "$W/mdevctl.d" "$@" \
        >"$W/daemon-$name.log" 2>&1 &
    DPID=$!
    DAEMONS+=("$DPID")
    if ! wait_until 60 _daemon_ready "$DPID"; then
        tap_not_ok "ccwpassd ($name) started: socket $SOCK and view $VIEW appear"
        diag <"$W/daemon-$name.log"
        return 1
    fi
    return 0
}
_daemon_ready() {
    kill -0 "$1" || return 2
    [ -S "$SOCK" ] && [ -d "$VIEW/sys/bus/css/devices" ]
}
# daemon_stop [PID]: SIGTERM, bounded wait (then SIGKILL); the view must be unmounted after.
daemon_stop() {
    local p=${1:-$DPID}
    _stop_pid "$p" 15
    wait "$p" 2>/dev/null || true
}

# ccwpass_ctl ARGS...: the CLI against this test's daemon.
ccwpass_ctl() { "$CCWPASS" "$@"; }

# ---- the seed's steps, through the view ------------------------------------------------
# seed_steps [SCHID] [DEVNO]: unbind the ccw device, unbind the subchannel, bind it to
# vfio_ccw, create an mdev with a fresh uuid.  One TAP line per step.
# Sets MDEV_UUID and MDEV_PATH (the sysfsdev for QEMU).
seed_steps() {
    local sch=${1:-0.0.16ca} dev=${2:-0.0.7e52} v=$VIEW ok=0
    _w() { # _w VALUE FILE
        printf '%s\n' "$1" >"$2"
    }
    tap_check "host: unbind ccw device $dev from its driver (echo $dev > …/ccw/devices/$dev/driver/unbind)" \
        _w "$dev" "$v/sys/bus/ccw/devices/$dev/driver/unbind" || ok=1
    tap_check "host: unbind subchannel $sch from io_subchannel" \
        _w "$sch" "$v/sys/bus/css/devices/$sch/driver/unbind" || ok=1
    tap_check "host: bind subchannel $sch to vfio_ccw" \
        _w "$sch" "$v/sys/bus/css/drivers/vfio_ccw/bind" || ok=1
    MDEV_UUID=$(uuidgen)
    tap_check "host: create mdev $MDEV_UUID (…/mdev_supported_types/vfio_ccw-io/create)" \
        _w "$MDEV_UUID" "$v/sys/bus/css/devices/$sch/mdev_supported_types/vfio_ccw-io/create" || ok=1
    MDEV_PATH=$v/sys/bus/mdev/devices/$MDEV_UUID
    tap_check "host: $MDEV_PATH exists" test -e "$MDEV_PATH" || ok=1
    return $ok
}

# ---- the guest ---------------------------------------------------------------------
# guest_boot NAME SCRIPT [run.sh options...] [-- qemu args]: boot the guest through the
# launcher (`ccwpass qemu`); console in $W/NAME.console.  Returns run.sh's status
# (= the guest script's exit status, 124 timeout, 125 no marker).
guest_boot() {
    local name=$1 script=$2; shift 2
    local rc=0
    if [ "${E2E_LIVE:-0}" = 1 ]; then   # demo: stream the console to stderr
        "$E2E_SRC/guest/run.sh" -o "$W/$name.console" -s "$script" \
            --launcher "$CCWPASS qemu" "$@" >&2 2>"$W/$name.runsh.log" || rc=$?
        cat "$W/$name.runsh.log" >&2
    else
        "$E2E_SRC/guest/run.sh" -q -o "$W/$name.console" -s "$script" \
            --launcher "$CCWPASS qemu" "$@" 2>"$W/$name.runsh.log" || rc=$?
    fi
    cp "$W/$name.runsh.log" "$W/$name.times" 2>/dev/null || true
    return $rc
}
# guest_boot_bg NAME SCRIPT ...: like guest_boot, in the background (pid in QPIDS, GPID).
guest_boot_bg() {
    local name=$1 script=$2; shift 2
    "$E2E_SRC/guest/run.sh" -q -o "$W/$name.console" -s "$script" \
        --launcher "$CCWPASS qemu" "$@" 2>"$W/$name.runsh.log" &
    GPID=$!
    QPIDS+=("$GPID")
}
# seed_qemu_args [DEVNO]: the seed's QEMU device arguments for MDEV_PATH.
seed_qemu_args() {
    echo "-device vfio-ccw,devno=${1:-0.0.1234},sysfsdev=$MDEV_PATH"
}
export SEED_MACHINE=s390-ccw-virtio,s390-squash-mcss=on

# guest_tap CONSOLE [PREFIX]: the guest's result lines as TAP.
_tail_ev() { # the last $1 evidence lines (from guest_tap's ev) as diagnostics
    local n=${#ev[@]} s
    ((n > 0)) || return 0
    s=$((n > $1 ? n - $1 : 0))
    printf '%s\n' "${ev[@]:s}" | diag
}
guest_tap() {
    local f=$1 pre=${2:-guest} line in_fail=0 ev=()
    [ -f "$f" ] || { tap_not_ok "$pre: console log exists"; return; }
    while IFS= read -r line; do
        case "$line" in
            CCWPASS-OK\ *)
                in_fail=0; tap_ok "$pre: ${line#CCWPASS-OK }"
                _tail_ev 6
                ev=() ;;
            CCWPASS-FAIL\ *)
                in_fail=1; tap_not_ok "$pre: ${line#CCWPASS-FAIL }"
                _tail_ev 10
                ev=() ;;
            "  | "*) ev+=("${line#  }") ;;     # a check's output: evidence
            "# "*) [ $in_fail = 1 ] && echo "$line" ;;
            *) in_fail=0 ;;
        esac
    done <"$f"
}
# mailbox_send FILE WORD: the host's message to a guest waiting in mailbox_wait.
mailbox_send() {
    printf '%s\n' "$2" | dd of="$1" bs=512 count=1 conv=notrunc,sync oflag=direct status=none
}
# guest_value CONSOLE KEY: the last "CCWPASS-VALUE KEY=..." value.
guest_value() {
    sed -n "s/^CCWPASS-VALUE $2=//p" "$1" | tail -n 1 | tr -d '\r'
}
# guest_exit_check NAME RC: a TAP line for the guest run's exit status.
guest_exit_check() {
    local name=$1 rc=$2
    case $rc in
        0) tap_ok "$name: guest ran its script to the end (exit 0)" ;;
        124) tap_not_ok "$name: guest timed out"; tail -n 30 "$W/$name.console" | diag ;;
        125) tap_not_ok "$name: QEMU/guest ended without the exit marker"; tail -n 30 "$W/$name.console" | diag ;;
        *) tap_not_ok "$name: guest script failed checks (exit $rc)" ;;
    esac
}
