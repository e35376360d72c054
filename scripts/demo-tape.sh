#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/demo-tape.sh — the tape demo, from a fresh Debian machine:
#   1-3. as scripts/demo.sh: host packages, the build, the s390x guest
#   4. a 3490 tape drive passed through (scripts/demo-tape-flow.sh):
#      `ccwpass tape create` makes an AWSTAPE cartridge; ccwpassd serves it in
#      a 3490 at 0.0.0580; the seed's sysfs steps for it; QEMU with
#      -device vfio-ccw,devno=0.0.0580,sysfsdev=…; in the guest lscss,
#      chccwdev -e, lstape, /proc/tapedevices, a tar archive and a dd file
#      written to /dev/ntibm0, mt weof, mt rewind, both read back and
#      compared, mt tell / mt seek, mt offline; on the host `ccwpass tape
#      info/check` and Hercules' tapemap and hetget -n on the cartridge.
#   5. a summary: every step ✓/✗ with its evidence.
# Everything is also written to demo-out-tape/ (demo.log, demo.tap,
# summary.txt, logs/ with the guest console and the daemon log).  Safe to
# re-run: the cartridge and the daemon live in a fresh temporary workspace.
#
# env: CCWPASS_BUILD_DIR=DIR  use (and build) DIR instead of scripts/build.sh's build/
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/demo-lib.sh
demo_init demo-out-tape
demo_prepare
demo_flow "a 3490 tape drive: ccwpassd → vfio_ccw mdev → QEMU → guest tape_34xx" scripts/demo-tape-flow.sh
demo_summary "ccwpass tape demo"
