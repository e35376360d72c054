# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the daemon layer's shell tests (sourced): the TAP helpers, and a
# ccwpassd of the test's own in a scratch directory.
n=0 fails=0
ok()  { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); fails=$((fails+1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
eq() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'"; return 1; }; }

# scratch NAME: $T, a new directory /tmp/NAME-XXXXXX, with $V (the view's
# mount point) and $S (the socket) in it.  On exit scratch_cleanup stops the
# daemon daemon_start started, unmounts the view and removes $T.
scratch() {
    T=$(mktemp -d "/tmp/$1-XXXXXX")
    V=$T/view
    S=$T/sock
    trap scratch_cleanup EXIT
}
scratch_cleanup() {
    if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    mountpoint -q "$V" 2>/dev/null && umount -l "$V"
    rm -rf "$T"
}

# daemon_start CCWPASSD [ARGS...]: ccwpassd in the foreground on $S, $V,
# $T/state and the mdevctl definitions in $T/mdevctl.d (never the machine's
# /etc/mdevctl.d), its log appended to $T/log; returns once it said READY.
# One that does not start ends the test with a failed TAP line and its log.
daemon_start() {
    local d=$1 line
    shift
    rm -f "$T/ready"
    mkfifo "$T/ready"
    "$d" --foreground --mdevctl-dir "$T/mdevctl.d" "$@" --socket "$S" --state-dir "$T/state" --view "$V" \
        --ready-fd 3 3>"$T/ready" 2>>"$T/log" &
    pid=$!
    if ! read -r -t 120 line <"$T/ready" || [ "$line" != READY ]; then
        echo "1..1"; echo "not ok 1 - ccwpassd did not start"; sed 's/^/# /' "$T/log"; exit 1
    fi
}

# daemon_stop: SIGTERM to the daemon daemon_start started; returns once it
# has exited (its view unmounted).
daemon_stop() {
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
}

# seed_script UUID: the seed's four echo steps (ccw device 0.0.7e52 unbound,
# subchannel 0.0.16ca from io_subchannel to vfio_ccw, mdev UUID created), as
# one && list for `ccwpass host -- sh -c`, written as the seed writes them.
seed_script() {
    printf '%s' "echo 0.0.7e52 > /sys/bus/ccw/devices/0.0.7e52/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/devices/0.0.16ca/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/drivers/vfio_ccw/bind &&
echo $1 > /sys/bus/css/devices/0.0.16ca/mdev_supported_types/vfio_ccw-io/create"
}
