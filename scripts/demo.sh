#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/demo.sh — the end-to-end demo, from a fresh Debian machine:
#   1. scripts/setup.sh          host packages
#   2. scripts/build.sh          ccwpassd, ccwpass, the QEMU adapter (build/)
#   3. guest/build.sh            the s390x guest from Debian's s390x packages
#   4. the seed's flow (tests/e2e/dasd_flow.sh): ccwpassd with a small 3390
#      volume, the seed's sysfs steps through ccwpassd's view, QEMU through
#      `ccwpass qemu` with the seed's command line; in the guest lscss,
#      chccwdev -e, lsdasd, dasdfmt, fdasd, mke2fs, files and programs written
#      and run from the DASD; a second boot verifies them; on the host
#      `ccwpass dasd info/check/export`, e2fsck and debugfs check the image.
#   5. a summary: every step ✓/✗ with its evidence, and the measured numbers.
# Everything is also written to demo-out/ (demo.log, demo.tap, summary.txt,
# logs/ with the guest consoles and the daemon log).  The shared steps are in
# scripts/demo-lib.sh; scripts/demo-tape.sh is the same for the 3490 tape.
#
# env: CCWPASS_BUILD_DIR=DIR  use (and build) DIR instead of scripts/build.sh's build/
#      CCWPASS_PREFIX=DIR     use the installed programs (DIR/sbin/ccwpassd, DIR/bin/ccwpass;
#                             /usr for the Debian package, scripts/deb.sh) and skip the build
#      E2E_CYLS=N             size of the demo volume in cylinders (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/demo-lib.sh
demo_init demo-out
demo_prepare
demo_flow "the seed's flow: ccwpassd → vfio_ccw mdev → QEMU → guest DASD (takes a few minutes under TCG)" \
    tests/e2e/dasd_flow.sh E2E_CYLS="${E2E_CYLS:-100}"
demo_summary "ccwpass demo"
