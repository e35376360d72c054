#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdevctl's persistent definitions and ccwpassd: `mdevctl define --auto`
# inside `ccwpass host` (with a scratch directory bound over /etc/mdevctl.d,
# so the machine's own stays untouched) is started by the next ccwpassd on
# the same --mdevctl-dir; a plain sysfs create is transient; `undefine`
# ends it; a definition whose parent becomes a vfio_ccw parent later starts
# then (mdevctl's start-parent-mdevs); bad definition files are logged and
# skipped.  Prints TAP.
# usage: host_mdevctl_define.sh CCWPASSD CCWPASS
D=$1 C=$2
. "$(dirname "$0")/lib.sh"

scratch ccwpd
if ! command -v mdevctl >/dev/null; then
    echo "1..1"; echo "not ok 1 - mdevctl is installed (scripts/setup.sh)"; exit 1
fi
M=$T/mdevctl.d
mkdir -p "$M/scripts.d/callouts" "$M/scripts.d/notifiers"   # mdevctl refuses to run without them
daemon_start "$D"
export CCWPASS_SOCKET=$S
export CCWPASS_VIEW=$V
# H CMD...: CMD in the host namespace, $M over /etc/mdevctl.d there
H() {
    "$C" host -- sh -c 'mount --bind "$0" /etc/mdevctl.d && exec "$@"' "$M" "$@" 2>&1
}
restart() { daemon_stop; daemon_start "$D" "$@"; }
u1=$(uuidgen) u2=$(uuidgen)

# --- a transient mdev (the seed's echo steps), then a definition -----------------------
check "the seed's echo steps make mdev U2" eq "$(H sh -c "$(seed_script "$u2") && ls /sys/bus/mdev/devices")" "$u2"
out=$(H mdevctl define --auto -u "$u1" -p 0.0.16ca -t vfio_ccw-io; echo "rc=$?")
echo "# \$ mdevctl define --auto -u $u1 -p 0.0.16ca -t vfio_ccw-io"; sed 's/^/# /' <<<"$out"
check "mdevctl define --auto -u U1 -p 0.0.16ca -t vfio_ccw-io" eq "$out" "rc=0"
out=$(H mdevctl list --defined)
echo "# \$ mdevctl list --defined"; sed 's/^/# /' <<<"$out"
check "mdevctl list --defined shows U1" eq "$out" "$u1 0.0.16ca vfio_ccw-io auto"
check "the definition is in the scratch directory, mdevctl's JSON" \
    eq "$(jq -c . "$M/0.0.16ca/$u1")" '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]}'
check "ccwpassd did not write a definition of the transient U2" \
    eq "$(find "$M" "$T/state" -name "$u2")" ""

# --- restart: the definition starts, the transient mdev is gone -------------------------
restart
check "after a restart: ccwpass mdev list shows U1 only" eq "$("$C" mdev list)" "$u1 0.0.16ca vfio_ccw-io closed"
check "after a restart: /sys/bus/mdev/devices has U1 only" eq "$(H ls /sys/bus/mdev/devices)" "$u1"
check "after a restart: 0.0.16ca was moved to vfio_ccw" \
    eq "$(H readlink /sys/bus/css/devices/0.0.16ca/driver)" "../../../bus/css/drivers/vfio_ccw"
out=$(H mdevctl list)
echo "# \$ mdevctl list"; sed 's/^/# /' <<<"$out"
check "mdevctl list: U1 running, defined auto" eq "$out" "$u1 0.0.16ca vfio_ccw-io auto (defined)"
check "the daemon logged the start" grep -q "mdevctl definition $M/0.0.16ca/$u1: started" "$T/log"

# --- start-parent-mdevs: a later vfio_ccw bind starts the parent's auto definitions ---
check "mdevctl stop -u U1" eq "$(H mdevctl stop -u "$u1"; echo "rc=$?")" "rc=0"
check "unbind, bind to vfio_ccw again: U1 starts (start-parent-mdevs)" eq "$(H sh -c '
echo 0.0.16ca > /sys/bus/css/devices/0.0.16ca/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/drivers/vfio_ccw/bind && ls /sys/bus/mdev/devices')" "$u1"
check "mdevctl stop, then mdevctl start -u U1 from its definition" \
    eq "$(H sh -c "mdevctl stop -u $u1 && mdevctl start -u $u1 && ls /sys/bus/mdev/devices")" "$u1"

# --- undefine: the file goes, the next restart has no mdev ---------------------------------
out=$(H mdevctl undefine -u "$u1"; echo "rc=$?")
echo "# \$ mdevctl undefine -u $u1"; sed 's/^/# /' <<<"$out"
check "mdevctl undefine -u U1" eq "$out" "rc=0"
check "undefine removed the file" eq "$(ls -A "$M/0.0.16ca" 2>/dev/null)" ""
check "mdevctl list --defined: empty" eq "$(H mdevctl list --defined)" ""
restart
check "after undefine and a restart: no mdev" eq "$("$C" mdev list)" ""
check "after undefine and a restart: 0.0.16ca stays with io_subchannel" \
    eq "$(H readlink /sys/bus/css/devices/0.0.16ca/driver)" "../../../bus/css/drivers/io_subchannel"

# --- definitions ccwpassd does not start, and files that are not definitions ----------------
mkdir -p "$M/0.0.16ca" "$M/0.0.0200" "$M/0000:00:02.0"
bad=$(uuidgen) gpu=$(uuidgen) other=$(uuidgen) manual=$(uuidgen) notype=$(uuidgen) attrs=$(uuidgen) ap=$(uuidgen)
printf '{"mdev_type":"vfio_ccw-io","start":' >"$M/0.0.16ca/$bad"
echo '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]}' >"$M/0.0.0200/$other"
echo '{"mdev_type":"i915-GVTg_V4_8","start":"auto","attrs":[]}' >"$M/0000:00:02.0/$gpu"
echo '{"mdev_type":"vfio_ccw-io","start":"manual","attrs":[]}' >"$M/0.0.16ca/$manual"
echo '{"mdev_type":"vfio_ap-passthrough","start":"auto","attrs":[]}' >"$M/0.0.16ca/$ap"
echo '{"start":"auto"}' >"$M/0.0.16ca/$notype"
echo '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[{"x":"1"}]}' >"$M/0.0.16ca/$attrs"
echo '[1,2' >"$M/0.0.16ca/not-a-uuid"
trail=$(uuidgen)
echo '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]} x' >"$M/0.0.16ca/$trail"
echo 'not a parent' >"$M/stray"
null=$(uuidgen) empty=$(uuidgen) big=$(uuidgen)
echo null >"$M/0.0.16ca/$null"
: >"$M/0.0.16ca/$empty"
head -c 70000 /dev/zero | tr '\0' ' ' >"$M/0.0.16ca/$big"
mkfifo "$M/0.0.16ca/$(uuidgen)"
restart
check "bad definitions: the daemon starts, no mdev" eq "$("$C" mdev list)" ""
log() { grep -c -F "$1" "$T/log"; }
check "log: a truncated file is named as malformed" eq "$(log "$M/0.0.16ca/$bad: malformed")" 1
check "log: another parent is skipped" \
    eq "$(log "$M/0.0.0200/$other: skipped: 0.0.0200 is not a subchannel of this ccwpassd")" 1
check "log: a PCI parent is skipped" \
    eq "$(log "$M/0000:00:02.0/$gpu: skipped: 0000:00:02.0 is not a subchannel of this ccwpassd")" 1
check "log: another type on a subchannel is skipped" \
    eq "$(log "$M/0.0.16ca/$ap: skipped: type vfio_ap-passthrough is not vfio_ccw-io")" 1
check "log: no mdev_type" eq "$(log "$M/0.0.16ca/$notype: malformed: no \"mdev_type\" string")" 1
check "log: attributes a vfio_ccw-io mdev does not have" \
    eq "$(log "$M/0.0.16ca/$attrs: skipped: attribute \"x\"")" 1
check "log: a file name that is not a UUID" eq "$(log "$M/0.0.16ca/not-a-uuid: skipped: the file name is not a UUID")" 1
check "log: text after the JSON value" eq "$(log "$M/0.0.16ca/$trail: malformed: text after the JSON value")" 1
check "log: a file beside the parent directories" eq "$(log "$M/stray: skipped: not a parent directory")" 1
check "log: JSON null" eq "$(log "$M/0.0.16ca/$null: malformed: not a JSON object")" 1
check "log: an empty file" eq "$(log "$M/0.0.16ca/$empty: malformed: unexpected end of file")" 1
check "log: a file too large to be a definition" eq "$(log "$M/0.0.16ca/$big: larger than 65536 bytes")" 1
check "log: a FIFO is not read" eq "$(grep -c 'not a regular file' "$T/log")" 1
check "log: a manual definition is not started and not complained about" eq "$(log "$manual")" 0
check "log: mdevctl's scripts.d is not a parent" eq "$(log "scripts.d")" 0
# --- the directory from the config file's [daemon] section; the flag wins ---------------
daemon_stop
u3=$(uuidgen)
mkdir -p "$T/conf.d/0.0.16ca"
echo '{"mdev_type":"vfio_ccw-io","start":"auto","attrs":[]}' >"$T/conf.d/0.0.16ca/$u3"
printf '[daemon]\nmdevctl_dir = %s\n[device 0.0.7e52]\nsubchannel = 0.0.16ca\n' "$T/conf.d" >"$T/conf"
"$D" --foreground --no-fuse -c "$T/conf" --socket "$T/sock2" --state-dir "$T/state" --ready-fd 3 \
    3>"$T/ready" 2>>"$T/log" &
pid=$!
read -r -t 120 line <"$T/ready"
check "[daemon] mdevctl_dir: its definition is started" eq "$("$C" --socket "$T/sock2" mdev list)" \
    "$u3 0.0.16ca vfio_ccw-io closed"
daemon_stop
"$D" --foreground --no-fuse -c "$T/conf" --mdevctl-dir "$T/mdevctl.d" --socket "$T/sock2" --state-dir "$T/state" \
    --ready-fd 3 3>"$T/ready" 2>>"$T/log" &
pid=$!
read -r -t 120 line <"$T/ready"
check "ccwpassd with -c and --mdevctl-dir started" eq "$line" "READY"
check "--mdevctl-dir wins over the config file" eq "$("$C" --socket "$T/sock2" mdev list)" ""
daemon_stop

grep 'mdevctl definition' "$T/log" | sed "s|$M|MDEVCTL_DIR|; s/^/# /"
check "no sanitizer reports in the daemon's log" eval '! grep -q -e Sanitizer -e "runtime error" "$T/log"'

echo "1..$n"
[ "$fails" = 0 ]
