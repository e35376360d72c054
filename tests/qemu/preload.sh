#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The adapter as an LD_PRELOAD library: active only inside qemu-system-s390x
# (or when forced), passing everything through elsewhere, and leaving a clean
# environment for the processes QEMU starts.  No daemon needed.
set -uo pipefail
. "$(dirname "$0")/qlib.sh"
[ -f "$ADAPTER" ] && [ -x "$CCWPASS" ] || bail "the adapter and ccwpass are built ($ADAPTER, $CCWPASS)"
view=$W/view
mkdir -p "$view/sys/bus/css/devices/0.0.16ca"
echo "80 80 ff" >"$view/sys/bus/css/devices/0.0.16ca/pimpampom"
f=/sys/bus/css/devices/0.0.16ca/pimpampom
libm=$(ldconfig -p | awk '/libm\.so\.6 .*x86-64/ {print $NF; exit}')

out=$(LD_PRELOAD=$ADAPTER CCWPASS_VIEW=$view cat "$f" 2>&1)
result "inactive outside QEMU: cat reads the real $f, not the view" "$([ "$out" != "80 80 ff" ]; echo $?)"
out=$(LD_PRELOAD=$ADAPTER CCWPASS_VIEW=$view sh -c 'echo "$LD_PRELOAD"')
result "inactive outside QEMU: LD_PRELOAD passes on (a wrapper like timeout(1) keeps it for QEMU)" \
    "$([ "$out" = "$ADAPTER" ]; echo $?)"
out=$(CCWPASS_ADAPTER_FORCE=1 LD_PRELOAD=$ADAPTER CCWPASS_VIEW=$view cat "$f")
result "active: $f is read from the view" "$([ "$out" = "80 80 ff" ]; echo $?)"
out=$(CCWPASS_ADAPTER_FORCE=1 LD_PRELOAD="$ADAPTER:$libm" CCWPASS_VIEW=$view sh -c 'echo "$LD_PRELOAD|${CCWPASS_ADAPTER_FORCE:-}"')
result "active: children get LD_PRELOAD without the adapter ($out)" "$([ "$out" = "$libm|" ]; echo $?)"
# the launcher's environment: the adapter it found, socket and view from its flags
"$CCWPASS" qemu --socket /x/s.sock --view "$view" --dry-run -M s390-ccw-virtio >"$W/dry.out" 2>&1
result "ccwpass qemu --dry-run works" $? "$W/dry.out"
pre=$(sed -n 's/^LD_PRELOAD=//p' "$W/dry.out")
result "the launcher preloads the built adapter ($pre)" "$([ "$pre" -ef "$ADAPTER" ]; echo $?)" "$W/dry.out"
contains "--socket and --view become CCWPASS_SOCKET and CCWPASS_VIEW" "$W/dry.out" \
    "^CCWPASS_SOCKET=/x/s.sock\$"
contains "… and the view" "$W/dry.out" "^CCWPASS_VIEW=$view\$"
# without --view or CCWPASS_VIEW: the view a default ccwpassd mounts, so the seed's
# literal sysfsdev=/sys/bus/mdev/devices/$uuid works (README "Using it")
env -u CCWPASS_VIEW "$CCWPASS" qemu --dry-run -M s390-ccw-virtio >"$W/dflt.out" 2>&1
contains "no --view/CCWPASS_VIEW: the launcher uses ccwpassd's default view /run/ccwpass/view" "$W/dflt.out" \
    "^CCWPASS_VIEW=/run/ccwpass/view\$"
CCWPASS_ADAPTER=$W/missing.so "$CCWPASS" qemu --dry-run -M s390-ccw-virtio >"$W/noad.out" 2>&1
result "CCWPASS_ADAPTER naming a missing file is an error" "$([ $? -ne 0 ]; echo $?)" "$W/noad.out"
"$CCWPASS" qemu </dev/null >"$W/bare.out" 2>&1
result "ccwpass qemu without QEMU options prints its usage and fails" \
    "$([ $? -eq 2 ] && grep -q 'usage: ccwpass qemu' "$W/bare.out"; echo $?)" "$W/bare.out"

rc=0
LD_PRELOAD=$ADAPTER qemu-system-s390x -version >"$W/version.out" 2>&1 || rc=$?
result "qemu-system-s390x -version runs with the adapter loaded" "$rc" "$W/version.out"
done_testing
