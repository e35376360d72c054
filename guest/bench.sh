#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest/bench.sh [BUILD-DIR] — guest-side benchmarks of the passthrough DASD.
# Numbers are printed, never asserted.
#
# One QEMU, one guest: the passed-through DASD (ccwpassd, a plain CKD image of
# BENCH_CYLS cylinders, default 200) next to two virtio-blk-ccw disks — the same
# image file (read only: the guest reads its raw bytes) and a scratch file of
# the same size (writes; writing the image itself would corrupt the volume
# ccwpassd serves).  Measured in the guest: chccwdev -e to a usable block
# device, dasdfmt (tracks/s and formatted MB/s), dd sequential write and read
# with O_DIRECT at 64 KiB and 1 MiB, DASD vs virtio (ratio).  The same guest
# also gets a 3490 (device and subchannel 0.0.0580, chpid 51, an empty
# AWSTAPE cartridge in the workspace): dd to and from /dev/ntibm0 with 32768-
# and 65535-byte blocks (guest/bench-tape-guest.sh), printed beside the DASD
# and virtio 64 KiB rows of the same run.
set -uo pipefail
. "$(dirname "$0")/../tests/e2e/lib.sh"
e2e_init bench "${1:-}"
e2e_require >/dev/null
cyls=${BENCH_CYLS:-200} mb=${BENCH_MB:-64}
img=$W/bench.ckd
"$CCWPASS" dasd create "$img" -c "$cyls" >/dev/null || { echo "bench: dasd create failed"; exit 1; }
sz=$(stat -c %s "$img"); truncate -s $(( (sz + 1048575) / 1048576 * 1048576 )) "$W/scratch.raw"
tape=$W/bench.aws
"$CCWPASS" tape create "$tape" >/dev/null || { echo "bench: tape create failed"; exit 1; }
# room for one pass of BENCH_MB MiB and its tapemarks, well before early warning
printf '%s\n' "[device 0.0.7e52]" "subchannel = 0.0.16ca" "image = $img" "" \
    "[device 0.0.0580]" "type = 3490" "image = $tape" "capacity = $(( mb * 2 + 64 ))M" "chpids = 51" \
    >"$W/ccwpassd.conf"
daemon_start d -- --config "$W/ccwpassd.conf" >/dev/null || { echo "bench: ccwpassd did not start"; exit 1; }
seed_steps >/dev/null || { echo "bench: the seed's steps failed"; exit 1; }
dasd_mdev=$MDEV_PATH
seed_steps 0.0.0580 0.0.0580 >/dev/null || { echo "bench: the seed's steps for the tape failed"; exit 1; }
tape_mdev=$MDEV_PATH
rc=0
guest_boot bench "$E2E_SRC/guest/bench-guest.sh" -f "$E2E_SRC/guest/bench-tape-guest.sh" \
    -M "$SEED_MACHINE" -t 1800 --append "ccwpass.mb=$mb" -- \
    -device "vfio-ccw,devno=0.0.1234,sysfsdev=$dasd_mdev" \
    -device "vfio-ccw,devno=0.0.0580,sysfsdev=$tape_mdev" \
    -drive "file=$img,format=raw,if=none,id=img,readonly=on,file.locking=off" \
    -device virtio-blk-ccw,drive=img,devno=fe.0.0200,serial=ccwpass-img \
    -drive "file=$W/scratch.raw,format=raw,if=none,id=scr" \
    -device virtio-blk-ccw,drive=scr,devno=fe.0.0201,serial=ccwpass-scratch || rc=$?
c=$W/bench.console
v() { guest_value "$c" "$1"; }
mbps() { local x; x=$(v "$1"); awk -v x="$x" 'BEGIN { if (x != "" && x > 0) print x; else print "n/a" }'; }
ratio() { awk -v a="$(v "$1")" -v b="$(v "$2")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "ccwpass guest benchmark ($(date -u '+%F %H:%M UTC'), $(nproc) host cores, TCG; $cyls-cylinder 3390, $mb MiB per dd)"
grep -h 'boot-to-init' "$W/bench.times" | sed 's/^run.sh: /  /'
echo "  chccwdev -e to usable /dev/dasda: $(v online_ms) ms"
echo "  dasdfmt -b 4096, $(v cylinders) cylinders: $(v dasdfmt_ms) ms = $(v dasdfmt_tracks_per_s) tracks/s = $(v dasdfmt_MBps) MB/s formatted"
printf '  %-22s %12s %12s %8s\n' "dd O_DIRECT" "DASD MB/s" "virtio MB/s" "ratio"
for t in write_64k read_64k write_1M read_1M; do
    printf '  %-22s %12s %12s %8s\n' "$t" "$(v "dasd_${t}_MBps")" "$(v "virtio_${t}_MBps")" \
        "$(ratio "dasd_${t}_MBps" "virtio_${t}_MBps")"
done
printf '  %-22s %12s %12s %12s\n' "dd $mb MiB, 3490 (char)" "tape MB/s" "DASD 64k" "virtio 64k"
for t in write read; do
    for bs in 32768 65535; do
        printf '  %-22s %12s %12s %12s\n' "${t}_$bs" "$(mbps "tape_${t}_${bs}_MBps")" \
            "$(mbps "dasd_${t}_64k_MBps")" "$(mbps "virtio_${t}_64k_MBps")"
    done
done
[ "$rc" = 0 ] || { echo "bench: the guest run ended with status $rc; console: $c"; tail -n 20 "$c"; }
exit "$rc"
