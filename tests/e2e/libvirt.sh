#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: libvirt drives a vfio-ccw mdev served by ccwpassd (docs/libvirt.md).
# ccwpassd runs at its default socket and view; `ccwpass host` gives libvirtd
# the view at /sys and /dev/vfio; the seed's steps create the mdev there;
# `virsh define` + `virsh start` of dist/libvirt/ccwpass-guest.xml (mdev
# UUID, guest and emulator paths substituted) boot the guest, which checks
# lscss, chccwdev -e and DASD I/O; the domain is not tainted; `virsh
# destroy` and `virsh undefine` end it.
#
# Scratch environment: a private mount and pid namespace (unshare) with
# tmpfs over /run and /var/lib/ccwpass, and inside `ccwpass host` tmpfs over
# /etc/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt,
# so this libvirtd and ccwpassd meet nothing of the machine's and leave
# nothing behind; everything in the pid namespace ends with it.
# Container-only settings: dist/libvirt/qemu-container.conf, and a
# <memtune> hard limit equal to this machine's RLIMIT_MEMLOCK hard limit
# when that cannot be raised (docs/libvirt.md, "Only in containers").
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init libvirt "${1:-}"
e2e_require
for p in libvirtd virsh unshare uuidgen; do
    command -v "$p" >/dev/null || tap_bail "prerequisite missing: $p (scripts/setup.sh)"
done
getent passwd libvirt-qemu >/dev/null ||
    tap_bail "prerequisite missing: the libvirt-qemu user (libvirt-daemon-system; scripts/setup.sh)"
EMU=$E2E_BUILD/src/cli/ccwpass-qemu-system-s390x
[ -x "$EMU" ] || tap_bail "prerequisite missing: $EMU is not built"

# QEMU runs as libvirt-qemu: the workspace must be reachable for it.
chmod 0755 "$W"
vol_create "$W/vol.cckd" 10
cp "$E2E_SRC/guest/out/vmlinuz" "$W/vmlinuz"
{ cat "$E2E_SRC/guest/out/initrd.img" && "$E2E_SRC/guest/mkscript.sh" "$E2E_SRC/tests/e2e/guest/libvirt.sh"; } \
    >"$W/initrd.img" || tap_bail "guest/mkscript.sh packs the guest's script"
chmod 0644 "$W/vmlinuz" "$W/initrd.img"

UUID=$(uuidgen)
memtune=""
hl=$(ulimit -Hl)
if [ "$hl" != unlimited ] && ! (ulimit -Hl unlimited) 2>/dev/null; then
    memtune="<memtune><hard_limit unit='KiB'>$hl</hard_limit></memtune>"
    note "RLIMIT_MEMLOCK hard limit $hl KiB cannot be raised here: the domain gets $memtune"
fi
sed -e "s|0b1f3a4e-5c6d-4e7f-8a9b-0c1d2e3f4a5b|$UUID|" \
    -e "s|/srv/ccwpass/guest/out/vmlinuz|$W/vmlinuz|" \
    -e "s|/srv/ccwpass/guest/out/initrd.img|$W/initrd.img|" \
    -e "s|/usr/bin/ccwpass-qemu-system-s390x|$EMU|" \
    -e "s|/var/log/libvirt/qemu/ccwpass-guest.console|$W/guest.console|" \
    -e "s|^\( *\)<memoryBacking>|\1$memtune<memoryBacking>|" \
    "$E2E_SRC/dist/libvirt/ccwpass-guest.xml" >"$W/guest.xml"
tap_check "the example domain names the mdev $UUID and the ccwpass emulator" \
    grep -q "uuid='$UUID'.*" "$W/guest.xml"

# ---- the runner: phase "ns" in the namespaces, phase "host" in `ccwpass host` ----
cat >"$W/runner.sh" <<'RUNNER'
#!/usr/bin/env bash
# runner.sh ns|host W SRC BUILD UUID: prints "ok - …" / "not ok - …" lines.
set -uo pipefail
. "$3/tests/e2e/lib.sh"          # wait_until, wait_line (it sets W, so first)
phase=$1 W=$2 SRC=$3 BUILD=$4 UUID=$5
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
step() { # step DESC CMD...: one line; the command's output as diagnostics on failure
    local d=$1; shift
    if "$@" >"$W/.step.out" 2>&1; then ok "$d"; return 0; fi
    nok "$d"; tail -n 20 "$W/.step.out" | sed 's/^/#   /'; return 1
}
stop() { # stop PID: TERM, bounded wait
    kill -TERM "$1" 2>/dev/null
    wait_until 20 sh -c "! kill -0 $1" || kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
V() { virsh -q -c qemu:///system "$@"; }

if [ "$phase" = ns ]; then
    for d in /run /var/lib/ccwpass; do
        mkdir -p "$d" && mount -t tmpfs -o mode=0755 ccwpass-libvirt "$d" || { nok "tmpfs over $d"; exit 1; }
    done
    mkfifo "$W/ready"
    "$BUILD/src/daemon/ccwpassd" --foreground --image "$W/vol.cckd" --socket-group libvirt-qemu --ready-fd 3 3>"$W/ready" \
        >"$W/daemon.log" 2>&1 &
    dpid=$!
    if read -r -t 60 line <"$W/ready" && [ "$line" = READY ]; then
        ok "ccwpassd is up at its default socket and view (/run/ccwpass)"
    else
        nok "ccwpassd is up at its default socket and view"; sed 's/^/#   /' "$W/daemon.log"; exit 1
    fi
    step "--socket-group libvirt-qemu: the socket is the QEMU user's group's, mode 0660" \
        test "$(stat -c '%G %a' /run/ccwpass/ccwpassd.sock)" = "libvirt-qemu 660"
    "$BUILD/src/cli/ccwpass" host -- bash "$0" host "$W" "$SRC" "$BUILD" "$UUID"
    rc=$?
    stop "$dpid"
    exit $rc
fi

# ---- in `ccwpass host` ------------------------------------------------------------
for d in /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
    mkdir -p "$d" && mount -t tmpfs -o mode=0755 ccwpass-libvirt "$d" || { nok "tmpfs over $d"; exit 1; }
done
mkdir -p /var/log/libvirt/qemu /run/libvirt
cp "$SRC/dist/libvirt/qemu-container.conf" /etc/libvirt/qemu.conf
: >/etc/libvirt/libvirtd.conf

step "the seed's steps in the namespace: unbind, bind to vfio_ccw, create mdev $UUID" sh -c "
echo 0.0.7e52 > /sys/bus/ccw/devices/0.0.7e52/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/devices/0.0.16ca/driver/unbind &&
echo 0.0.16ca > /sys/bus/css/drivers/vfio_ccw/bind &&
echo $UUID > /sys/bus/css/devices/0.0.16ca/mdev_supported_types/vfio_ccw-io/create" || exit 1
group=$(basename "$(readlink "/sys/bus/mdev/devices/$UUID/iommu_group")")
step "/dev/vfio/vfio and the mdev's group node /dev/vfio/$group exist" \
    test -c /dev/vfio/vfio -a -c "/dev/vfio/$group"

libvirtd >"$W/libvirtd.log" 2>&1 &
lpid=$!
if wait_until 60 V list --all; then
    ok "libvirtd answers on qemu:///system"
else
    nok "libvirtd answers on qemu:///system"; tail -n 20 "$W/libvirtd.log" | sed 's/^/#   /'; exit 1
fi
rc=0
step "virsh define the example domain" V define "$W/guest.xml" || rc=1
step "virsh start ccwpass-guest" V start ccwpass-guest || rc=1
if [ $rc = 0 ]; then
    step "the guest ran its checks (CCWPASS-HOLD on its console)" wait_line 600 "$W/guest.console" '^CCWPASS-HOLD'
    step "the domain is running" test "$(V domstate ccwpass-guest)" = running
    log=/var/log/libvirt/qemu/ccwpass-guest.log
    cp "$log" "$W/domain.log"
    step "QEMU started through the emulator ccwpass-qemu-system-s390x" grep -q "^$BUILD/src/cli/ccwpass-qemu-system-s390x" "$log"
    step "the domain is not tainted (no 'Taint' in its log)" sh -c "! grep -i taint '$log'"
    step "virsh destroy ccwpass-guest" V destroy ccwpass-guest
    step "the domain is shut off" test "$(V domstate ccwpass-guest)" = "shut off"
fi
step "virsh undefine ccwpass-guest" V undefine ccwpass-guest
step "the domain is gone" sh -c "! virsh -q -c qemu:///system list --all --name | grep -qx ccwpass-guest"
step "mdev $UUID is closed again" sh -c "'$BUILD/src/cli/ccwpass' mdev list | grep -q '^$UUID .* closed'"
stop "$lpid"
exit 0
RUNNER

rc=0
env -u CCWPASS_SOCKET -u CCWPASS_VIEW timeout -k 10 900 \
    unshare --mount --propagation private --pid --fork --mount-proc \
    bash "$W/runner.sh" ns "$W" "$E2E_SRC" "$E2E_BUILD" "$UUID" >"$W/runner.tap" 2>&1 || rc=$?
while IFS= read -r l; do
    case "$l" in
        "ok - "*) tap_ok "${l#ok - }" ;;
        "not ok - "*) tap_not_ok "${l#not ok - }" ;;
        *) echo "# ${l#\# }" ;;
    esac
done <"$W/runner.tap"
tap_result "the namespaces' runner ended (exit 0)" "$rc"
cp "$W/guest.console" "$W/libvirt.console" 2>/dev/null
guest_tap "$W/guest.console" "guest (virsh start)"
tap_result "the guest's checks all passed (failed=0)" \
    "$(grep -q '^CCWPASS-VALUE checks=[1-9][0-9]* failed=0' "$W/guest.console"; echo $?)" "$W/guest.console"
tap_done
