#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dist/systemd/ccwpassd.service as installed: `meson install` puts it in
# systemd's unit directory with an ExecStart naming the installed daemon;
# `systemd-analyze verify` accepts it without a word; and its ExecStart,
# run as systemd would run it (private /run and /var/lib, the Runtime- and
# StateDirectory created, NOTIFY_SOCKET set), says READY=1 and then serves
# `ccwpass status` on the unit's socket.  No systemd as PID 1 is needed:
# notify_listen.py plays its socket, and the test runs in its own mount
# namespace so the machine's /run and /var/lib are untouched.  Prints TAP.
# usage: unit_test.sh BUILD_DIR CCWPASS NOTIFY_LISTEN
B=$1 C=$2 L=$3
if [ "${CCWP_UNIT_NS:-}" != 1 ]; then
    exec unshare --mount --propagation private env CCWP_UNIT_NS=1 "$0" "$@"
fi
. "$(dirname "$0")/notify_lib.sh"
UNIT_DIR_RE='/lib/systemd/system/ccwpassd.service$'

T=$(mktemp -d /tmp/ccwpu-XXXXXX)
cleanup() {
    if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    mountpoint -q /run/ccwpass/view 2>/dev/null && umount -l /run/ccwpass/view
    unlisten
    rm -rf "$T"
}
trap cleanup EXIT

# --- installed where systemd looks, naming the installed daemon ----------------------
meson install -C "$B" --destdir "$T/root" --no-rebuild --quiet >"$T/install.log" 2>&1
check "meson install succeeds" eq "$?" 0
unit=$(find "$T/root" -name ccwpassd.service | head -1)
check "the unit is installed in systemd's unit directory" eval '[[ $unit =~ $UNIT_DIR_RE ]]'
exec_line=$(grep '^ExecStart=' "$unit" 2>/dev/null)
read -r -a cmd <<<"${exec_line#ExecStart=}"
check "ExecStart names the installed ccwpassd" test -x "$T/root${cmd[0]:-/missing}"
check "ExecStart keeps the daemon in the foreground" has "$exec_line" " --foreground"
for key in Type=notify Restart=on-failure RuntimeDirectory=ccwpass StateDirectory=ccwpass; do
    check "the unit says $key" grep -qx "$key" "$unit"
done

# --- systemd-analyze verify: exit 0 and no complaint ---------------------------------
# (a copy whose ExecStart is the DESTDIR binary: verify checks it is executable)
mkdir "$T/verify"
sed "s|^ExecStart=${cmd[0]:-/missing}|ExecStart=$T/root${cmd[0]:-/missing}|" "$unit" >"$T/verify/ccwpassd.service"
systemd-analyze verify "$T/verify/ccwpassd.service" >"$T/verify.out" 2>&1; rc=$?
check "systemd-analyze verify exits 0" eq "$rc" 0
check "systemd-analyze verify has no complaint" eq "$(cat "$T/verify.out")" ""

# --- ExecStart as systemd runs it ----------------------------------------------------
mount -t tmpfs -o mode=0755 ccwpass-run /run && mount -t tmpfs -o mode=0755 ccwpass-lib /var/lib
mkdir -p /run/ccwpass /var/lib/ccwpass        # what RuntimeDirectory=/StateDirectory= do
listen "$L" "$T/notify" || { nok "the notify listener starts"; echo "1..$n"; exit 1; }
cmd[0]=$T/root${cmd[0]:-/missing}
for i in "${!cmd[@]}"; do      # the installed config file, from the DESTDIR too
    [ "${cmd[i]}" != --config ] || cmd[i+1]=$T/root${cmd[i+1]}
done
cmd+=(--mdevctl-dir "$T/mdevctl.d")            # not the machine's /etc/mdevctl.d
"${cmd[@]}" 2>"$T/log" </dev/null &
pid=$!
check "ExecStart: READY=1 arrives on NOTIFY_SOCKET" await READY=1
check "ccwpass status answers on the unit's socket" \
    has "$("$C" --socket /run/ccwpass/ccwpassd.sock status 2>&1)" "0.0.16ca"
check "the view is mounted in the RuntimeDirectory" mountpoint -q /run/ccwpass/view
check "the default volume is in the StateDirectory" test -s /var/lib/ccwpass/dasd-0.0.7e52.cckd
kill -TERM "$pid"
check "SIGTERM (systemctl stop): STOPPING=1 arrives" await STOPPING=1
wait "$pid"; rc=$?; pid=
check "the daemon exits 0" eq "$rc" 0
echo "1..$n"
exit $((fails > 0))
