#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: the s390x test guest boots (QEMU directly, no ccwpass) to its script,
# runs s390-tools, bash and e2fsprogs, sees a virtio-blk-ccw disk, returns
# the script's exit status; a failing script's status comes back too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init guest-boot "${1:-}"
if [ ! -s "$E2E_SRC/guest/out/vmlinuz" ]; then "$E2E_SRC/guest/build.sh" 2>&1 | diag || true; fi
[ -s "$E2E_SRC/guest/out/vmlinuz" ] || tap_bail "prerequisite missing: the guest (guest/build.sh failed)"

truncate -s 64M "$W/vda.raw"
rc=0
"$E2E_SRC/guest/run.sh" -q -o "$W/boot.console" -s "$E2E_SRC/tests/e2e/guest/boot.sh" \
    --virtio-disk "$W/vda.raw" 2>"$W/boot.times" || rc=$?
guest_tap "$W/boot.console"
guest_exit_check boot "$rc"
tap_result "the console shows /init starting (CCWPASS-INIT)" "$(grep -q '^CCWPASS-INIT' "$W/boot.console"; echo $?)"
tap_result "the modules loaded (CCWPASS-MODULES ok)" "$(grep -q '^CCWPASS-MODULES ok' "$W/boot.console"; echo $?)" "$W/boot.console"
note "$(tr '\n' ' ' <"$W/boot.times")"
tap_check "the guest's ext4 on the virtio disk passes the host's e2fsck" e2fsck -fn "$W/vda.raw"

printf '#!/bin/sh\necho failing on purpose\nexit 7\n' >"$W/fail.sh"
rc=0
"$E2E_SRC/guest/run.sh" -q -o "$W/fail.console" -s "$W/fail.sh" 2>/dev/null || rc=$?
tap_result "run.sh returns the guest script's exit status (7)" "$([ "$rc" = 7 ]; echo $?)"
tap_done
