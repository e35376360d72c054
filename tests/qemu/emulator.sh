#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ccwpass-qemu-system-s390x, libvirt's <emulator>: QEMU gets exactly the
# arguments it was given (libvirt's capability probe and domain command
# line), with the adapter preloaded; it never execs itself; a missing
# adapter or QEMU is a clear error.  No daemon needed.
set -uo pipefail
. "$(dirname "$0")/qlib.sh"
EMU=$Q_BUILD/src/cli/ccwpass-qemu-system-s390x
[ -f "$ADAPTER" ] && [ -x "$EMU" ] || bail "the adapter and the emulator are built ($ADAPTER, $EMU)"

# a stand-in QEMU (a script: the adapter stays inactive in its shell) that shows what it got
mkdir -p "$W/fake"
cat >"$W/fake/qemu-system-s390x" <<'FAKE'
#!/bin/sh
echo "LD_PRELOAD=$LD_PRELOAD"
for a in "$@"; do echo "arg=[$a]"; done
FAKE
chmod +x "$W/fake/qemu-system-s390x"
CCWPASS_QEMU=$W/fake/qemu-system-s390x LD_PRELOAD="" "$EMU" -machine none -qmp unix:/x/q.sock,server=on,wait=off \
    "a b" "x,,y=z" "" -m 512 >"$W/args.out" 2>&1
result "the emulator runs \$CCWPASS_QEMU" $? "$W/args.out"
printf 'arg=[%s]\n' -machine none -qmp unix:/x/q.sock,server=on,wait=off "a b" "x,,y=z" "" -m 512 >"$W/args.want"
grep '^arg=' "$W/args.out" | diff -u "$W/args.want" - >"$W/args.diff"
result "every argument reaches QEMU unchanged, none added" $? "$W/args.diff"
pre=$(sed -n 's/^LD_PRELOAD=//p' "$W/args.out")
result "the built adapter is preloaded ($pre)" "$([ "$pre" -ef "$ADAPTER" ]; echo $?)" "$W/args.out"
libm=$(ldconfig -p | awk '/libm\.so\.6 .*x86-64/ {print $NF; exit}')
# (an ASan build of the emulator must be told that a preload before its runtime is intended)
pre=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    CCWPASS_QEMU=$W/fake/qemu-system-s390x LD_PRELOAD=$libm "$EMU" | sed -n 's/^LD_PRELOAD=//p')
result "an LD_PRELOAD already set stays behind the adapter ($pre)" "$([ "$pre" = "$(readlink -f "$ADAPTER"):$libm" ]; echo $?)"

# libvirt's capability probe, answered by the real QEMU
if command -v qemu-system-s390x >/dev/null; then
    printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-version"}' '{"execute":"quit"}' |
        timeout 60 "$EMU" -S -no-user-config -nodefaults -nographic -machine none,accel=tcg -qmp stdio \
        >"$W/qmp.out" 2>&1
    contains "QMP probe (-machine none -qmp stdio): QEMU answers query-version" "$W/qmp.out" \
        '"return": \{"qemu": \{"micro": [0-9]+, "minor": [0-9]+, "major": [0-9]+\}'
else
    not_ok "qemu-system-s390x is installed (scripts/setup.sh)"
fi

# installed under QEMU's own name, first in PATH: it must find the real one, not itself
mkdir -p "$W/bin"
ln -s "$EMU" "$W/bin/qemu-system-s390x"
tmo=$(command -v timeout)
PATH=$W/bin:$W/fake "$tmo" 20 "$W/bin/qemu-system-s390x" -version >"$W/self.out" 2>&1
rc=$?
result "named qemu-system-s390x first in PATH: it runs the next one in PATH, not itself (rc $rc)" \
    "$([ $rc = 0 ] && grep -q '^arg=\[-version\]$' "$W/self.out"; echo $?)" "$W/self.out"

CCWPASS_ADAPTER=$W/missing.so "$EMU" -version >"$W/noad.out" 2>&1
rc=$?
result "a missing adapter: exit 1 and a message naming CCWPASS_ADAPTER" \
    "$([ $rc = 1 ] && grep -q 'cannot find the adapter ccwpass-qemu.so (set CCWPASS_ADAPTER)' "$W/noad.out"; echo $?)" "$W/noad.out"
CCWPASS_QEMU=no-such-qemu "$EMU" -version >"$W/noq.out" 2>&1
rc=$?
result "no such QEMU: exit 1 and a message naming it" \
    "$([ $rc = 1 ] && grep -q 'cannot find no-such-qemu in PATH (set CCWPASS_QEMU)' "$W/noq.out"; echo $?)" "$W/noq.out"
done_testing
