#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: a 3390 on Ceph RBD (docs/images.md) under a private one-node cluster
# (scripts/ceph.sh, up for this test only).
#  1. Guest, boot 1: dasdfmt, fdasd, mke2fs and files on an RBD-backed volume
#     (the daemon's config says image = rbd:...); boot 2 verifies them.
#  2. The volume becomes the golden one: snapshot, then E2E_CLONES (default 10, as issue 11 asks)
#     copy-on-write clones, each booted one after another and changed
#     differently (guest/rbd-clone.sh); the host then finds each clone's own
#     change on it and nobody else's, and the golden volume unchanged.
#  3. Benchmark in the same run: one guest with a file-backed and an RBD-backed
#     3390 of the same size, dasdfmt and O_DIRECT dd on each (numbers printed,
#     never asserted; the data read back must equal the data written).
#
# usage: rbd.sh [BUILD-DIR]     env: E2E_CYLS (default 50), E2E_CLONES, E2E_BENCH_MB (16), E2E_KEEP=1
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init rbd "${1:-}"
e2e_require
CEPH_DIR=$W.ceph
trap 'e2e_teardown; "$E2E_SRC/scripts/ceph.sh" stop "$CEPH_DIR" >/dev/null 2>&1; rm -rf "$CEPH_DIR"' EXIT

cyls=${E2E_CYLS:-50}
clones=${E2E_CLONES:-10}
if "$CCWPASS" dasd info rbd:rbd/probe 2>&1 | grep -q "built without Ceph RBD support"; then
    tap_bail "ccwpass was built without librbd (install librbd-dev, scripts/setup.sh, and reconfigure)"
fi
"$E2E_SRC/scripts/ceph.sh" start "$CEPH_DIR" >"$W/ceph.path" 2>"$W/ceph.log" ||
    { diag <"$W/ceph.log"; tap_bail "the Ceph fixture did not start (scripts/ceph.sh)"; }
diag <"$W/ceph.log"
CONF=$(cat "$W/ceph.path")
V() { echo "rbd:rbd/$1:conf=$CONF"; }
conf_for() { # conf_for IMAGE: a daemon config serving the seed's DASD from IMAGE
    cat >"$W/ccwpassd.conf" <<CONF
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $1
CONF
}
qdev() { echo "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"; }

# ---- 1: format, fill, reboot, verify -------------------------------------------
tap_check "host: ccwpass dasd create $(V golden) -c $cyls" "$CCWPASS" dasd create "$(V golden)" -c "$cyls"
conf_for "$(V golden)"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start on the RBD volume"
tap_ok "host: ccwpassd serves the 3390 on $(V golden)"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
rc=0
guest_boot boot1 "$E2E_SRC/tests/e2e/guest/dasd-write.sh" -M "$SEED_MACHINE" -- -device "$(qdev)" || rc=$?
guest_tap "$W/boot1.console" "RBD boot 1"
guest_exit_check "RBD boot 1" "$rc"
note "measured on RBD: dasdfmt of $(guest_value "$W/boot1.console" cylinders) cylinders: $(guest_value "$W/boot1.console" dasdfmt_ms) ms"
sed -n 's/^CCWPASS-VALUE sha256:\(.*\)=\([0-9a-f]\{64\}\)$/\2  .\/\1/p' "$W/boot1.console" | tr -d '\r' >"$W/SHA256SUMS.host"
rc=0
guest_boot boot2 "$E2E_SRC/tests/e2e/guest/dasd-verify.sh" -M "$SEED_MACHINE" \
    -f "$W/SHA256SUMS.host:/ccwpass/SHA256SUMS.host" -- -device "$(qdev)" || rc=$?
guest_tap "$W/boot2.console" "RBD boot 2"
guest_exit_check "RBD boot 2" "$rc"
daemon_stop "$DPID"
tap_check "host: ccwpass dasd check $(V golden)" "$CCWPASS" dasd check "$(V golden)"
tap_check "host: export partition 1 of the RBD volume" "$CCWPASS" dasd export "$(V golden)" "$W/golden.img" --partition 1
tap_check "host: e2fsck -fn on the exported partition is clean" e2fsck -fn "$W/golden.img"
golden_sum=$(sha256sum <"$W/golden.img")

# ---- 2: golden volume, clones ------------------------------------------------------
tap_check "host: ccwpass dasd snapshot $(V golden@v1)" "$CCWPASS" dasd snapshot "$(V golden@v1)"
for i in $(seq 1 "$clones"); do
    out=$("$CCWPASS" dasd clone "$(V golden@v1)" "$(V clone$i)" 2>&1); rc=$?
    tap_result "host: clone $i of the golden volume ($out)" "$rc"
    conf_for "$(V clone$i)"
    daemon_start c$i -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start on clone $i"
    seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed for clone $i"
    rc=0
    guest_boot clone$i "$E2E_SRC/tests/e2e/guest/rbd-clone.sh" -M "$SEED_MACHINE" --append "ccwpass.clone=$i" \
        -- -device "$(qdev)" || rc=$?
    guest_tap "$W/clone$i.console" guest
    guest_exit_check "clone $i" "$rc"
    daemon_stop "$DPID"
done
for i in $(seq 1 "$clones"); do
    part=$W/clone$i.img
    "$CCWPASS" dasd export "$(V clone$i)" "$part" --partition 1 >/dev/null 2>&1
    others=$(debugfs -R 'ls -l /' "$part" 2>/dev/null | grep -o 'clone-[0-9]*\.txt' | grep -vx "clone-$i.txt")
    got=$(debugfs -R "cat /clone-$i.bin" "$part" 2>/dev/null | sha256sum | cut -d' ' -f1)
    [ "$(debugfs -R "cat /clone-$i.txt" "$part" 2>/dev/null)" = "this is clone $i" ] &&
        [ "$got" = "$(guest_value "$W/clone$i.console" "clone$i.sha256")" ] && [ -z "$others" ]
    tap_result "host: clone $i holds its own change and no other clone's" $?
done
"$CCWPASS" dasd export "$(V golden)" "$W/golden2.img" --partition 1 >/dev/null 2>&1
tap_result "host: the golden volume is unchanged after $clones clones were booted and written" \
    "$([ "$(sha256sum <"$W/golden2.img")" = "$golden_sum" ]; echo $?)"
"$CCWPASS" dasd export "$(V golden@v1)" "$W/snap.img" --partition 1 >/dev/null 2>&1
tap_result "host: its snapshot v1 is unchanged too" "$([ "$(sha256sum <"$W/snap.img")" = "$golden_sum" ]; echo $?)"

# ---- 3: benchmark, file vs RBD in one guest -----------------------------------------
mb=${E2E_BENCH_MB:-16}
tap_check "host: ccwpass dasd create bench.3390 -c $cyls" "$CCWPASS" dasd create "$W/bench.3390" -c "$cyls"
tap_check "host: ccwpass dasd create $(V bench) -c $cyls" "$CCWPASS" dasd create "$(V bench)" -c "$cyls"
printf '[device 0.0.7e52]\nsubchannel = 0.0.16ca\nimage = %s\n\n[device 0.0.7e53]\nsubchannel = 0.0.16cb\nimage = %s\n' \
    "$W/bench.3390" "$(V bench)" >"$W/ccwpassd.conf"
daemon_start b -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start with the file and the RBD volume"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed for the file volume"
qfile="vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH"
seed_steps 0.0.16cb 0.0.7e53 || tap_bail "the seed's sysfs steps failed for the RBD volume"
qrbd="vfio-ccw,devno=0.0.1235,sysfsdev=$MDEV_PATH"
rc=0
guest_boot bench "$E2E_SRC/tests/e2e/guest/rbd-bench.sh" -M "$SEED_MACHINE" --append "ccwpass.mb=$mb" \
    -- -device "$qfile" -device "$qrbd" || rc=$?
guest_tap "$W/bench.console" "bench"
guest_exit_check "bench" "$rc"
daemon_stop "$DPID"
bv() { guest_value "$W/bench.console" "$1"; }
rate() { awk -v ms="$(bv "$1")" -v mb="$mb" 'BEGIN { if (ms > 0) printf "%.1f MB/s", mb * 1.048576 / (ms / 1000); else print "n/a" }'; }
note "benchmark (one TCG guest, same run, $cyls-cylinder 3390s, $mb MiB O_DIRECT dd in 1 MiB blocks):"
note "  dasdfmt -b 4096:  file $(bv file_dasdfmt_ms) ms,  RBD $(bv rbd_dasdfmt_ms) ms"
note "  dd write:         file $(rate file_write_ms),  RBD $(rate rbd_write_ms)"
note "  dd read:          file $(rate file_read_ms),  RBD $(rate rbd_read_ms)"
tap_done
