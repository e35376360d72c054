#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/guest/run.sh [BUILD-DIR] — the side-by-side guest benchmark.
# Numbers are printed, never asserted.
#
# The same guest kernel, initramfs and script (bench/guest/bench-guest.sh)
# boot, round by round, under
#   ccwpass   QEMU TCG through `ccwpass qemu`, the CKD volume as vfio-ccw DASD
#             0.0.1234 served by ccwpassd, plus a CCKD volume as 0.0.1235;
#   virtio    the same QEMU and launcher, a copy of the CKD image file as a
#             virtio-blk-ccw disk (raw);
#   hercules  Debian's Hercules 3.13, a copy of the CKD image as 3390 0.0.0120,
#             list-directed IPL from a .ins file; the guest writes its numbers
#             onto a 1-cylinder 3390 (0.0.0121) that is read here, because
#             neither Hercules console reaches its log in daemon mode.
# Every side starts from a fresh copy of the same freshly created volume.
# Measured in the guest: "echo 1 > online" to a usable block device, dasdfmt
# -b 4096 (ms, tracks/s; CCKD on ccwpass only), dd O_DIRECT read 4 KiB, read /
# write 64 KiB and 1 MiB; on the host, each boot's wall-clock time
# (host_run_ms: start to the guest's results, or to QEMU's end).  Printed:
# min/median/max per side and the ratios of the medians
# (bench/guest/summary.sh); the raw numbers stay in results.tsv.
#
# Environment: BENCH_ROUNDS (3), BENCH_SIDES ("ccwpass virtio hercules"),
# BENCH_CYLS (100), BENCH_MB (64, MiB per 64 KiB / 1 MiB dd), BENCH_MB4K
# (16, MiB read with 4 KiB dd), BENCH_TIMEOUT (900 s per boot), BENCH_OUT
# (BUILD-DIR/meson-logs/bench-guest: results.tsv, summary.txt, consoles).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../tests/e2e/lib.sh
. "$here/../../tests/e2e/lib.sh"
# shellcheck source=parse.sh
. "$here/parse.sh"
e2e_init bench-guest "${1:-}"
e2e_require >/dev/null
rounds=${BENCH_ROUNDS:-3} sides=${BENCH_SIDES:-"ccwpass virtio hercules"}
cyls=${BENCH_CYLS:-100} mb=${BENCH_MB:-64} mb4k=${BENCH_MB4K:-16} tmo=${BENCH_TIMEOUT:-900}
out=${BENCH_OUT:-$E2E_BUILD/meson-logs/bench-guest}
script=$here/bench-guest.sh
append="ccwpass.mb=$mb ccwpass.mb4k=$mb4k"
res=$W/results.tsv
: >"$res"
mkdir -p "$out"
log() { echo "bench: $*" >&2; }

"$CCWPASS" dasd create "$W/master.ckd" -c "$cyls" >/dev/null || { log "dasd create (CKD) failed"; exit 1; }
"$CCWPASS" dasd create "$W/master.cckd" -c "$cyls" --cckd >/dev/null || { log "dasd create (CCKD) failed"; exit 1; }

collect() { bench_collect "$@" >>"$res"; }
# boot_note NAME RC: one line per boot, with its host wall-clock times.
boot_note() {
    local t
    t=$(grep -h 'boot-to-init\|total' "$W/$1.times" 2>/dev/null | sed 's/^run.sh: //' | tr '\n' ' ')
    log "$1: exit $2; $t"
}
# host_run ROUND SIDE MS: the host's wall clock for the whole boot and run.
host_run() { printf '%s\t%s\thost_run_ms\t%s\n' "$1" "$2" "$3" >>"$res"; }
# runsh_total NAME: guest/run.sh's "total" (ms) of that boot.
runsh_total() { sed -n 's/^run.sh: total \([0-9]*\) ms$/\1/p' "$W/$1.times" 2>/dev/null | tail -n 1; }

run_ccwpass() { # run_ccwpass ROUND
    local r=$1 d=$W/ccwpass-r$1 m1 m2 rc=0
    mkdir -p "$d"
    cp --sparse=always "$W/master.ckd" "$d/vol.ckd" && cp --sparse=always "$W/master.cckd" "$d/vol.cckd" || return 1
    printf '%s\n' "[device 0.0.7e52]" "subchannel = 0.0.16ca" "image = $d/vol.ckd" "" \
        "[device 0.0.7e53]" "subchannel = 0.0.16cb" "image = $d/vol.cckd" >"$d/ccwpassd.conf"
    daemon_start "d$r" -- --config "$d/ccwpassd.conf" >/dev/null || { log "ccwpassd did not start"; return 1; }
    seed_steps 0.0.16ca 0.0.7e52 >/dev/null || { log "seed steps (CKD) failed"; return 1; }
    m1=$MDEV_PATH
    seed_steps 0.0.16cb 0.0.7e53 >/dev/null || { log "seed steps (CCKD) failed"; return 1; }
    m2=$MDEV_PATH
    guest_boot "ccwpass-r$r" "$script" -M "$SEED_MACHINE" -t "$tmo" --append "ccwpass.side=ccwpass $append" -- \
        -device "vfio-ccw,devno=0.0.1234,sysfsdev=$m1" -device "vfio-ccw,devno=0.0.1235,sysfsdev=$m2" || rc=$?
    daemon_stop
    fusermount3 -u -z "$VIEW" 2>/dev/null || true
    boot_note "ccwpass-r$r" "$rc"
    collect "$r" ccwpass "$W/ccwpass-r$r.console"
    host_run "$r" ccwpass "$(runsh_total "ccwpass-r$r")"
    rm -f "$d/vol.ckd" "$d/vol.cckd"
}

run_virtio() { # run_virtio ROUND
    local r=$1 rc=0
    cp --sparse=always "$W/master.ckd" "$W/virtio-r$r.img" || return 1
    guest_boot "virtio-r$r" "$script" -M "$SEED_MACHINE" -t "$tmo" --append "ccwpass.side=virtio $append" -- \
        -drive "file=$W/virtio-r$r.img,format=raw,if=none,id=img" \
        -device virtio-blk-ccw,drive=img,devno=fe.0.0200,serial=ccwpass-img || rc=$?
    boot_note "virtio-r$r" "$rc"
    collect "$r" virtio "$W/virtio-r$r.console"
    host_run "$r" virtio "$(runsh_total "virtio-r$r")"
    rm -f "$W/virtio-r$r.img"
}

# ---- Hercules ------------------------------------------------------------------
# The .ins file loads the kernel at 0, the parameter line at 0x10480 and the
# initrd at 0x4000000, and stores the initrd's start and size into the low
# words of the kernel's parameter area (0x1040c, 0x10414).  See
# docs/benchmarks.md.
HERC_INITRD_ADDR=0x4000000
herc_setup() {
    local h=$W/herc
    command -v hercules >/dev/null && command -v dasdinit >/dev/null ||
        { log "hercules side skipped: hercules/dasdinit not installed (Debian package hercules)"; return 1; }
    mkdir -p "$h"
    cp "$E2E_SRC/guest/out/vmlinuz" "$h/vmlinuz"
    "$E2E_SRC/guest/mkscript.sh" "$script" >"$h/extra.cpio.gz" || return 1
    cat "$E2E_SRC/guest/out/initrd.img" "$h/extra.cpio.gz" >"$h/initrd.img"
    # same kernel command line as guest/run.sh, without panic=-1 (a reboot would re-IPL)
    printf 'console=ttysclp0 quiet loglevel=4 ccwpass.side=hercules %s\0' "$append" >"$h/parm.bin"
    be32() { printf "\\x$(printf %02x $(( ($1 >> 24) & 255 )))\\x$(printf %02x $(( ($1 >> 16) & 255 )))\\x$(printf %02x $(( ($1 >> 8) & 255 )))\\x$(printf %02x $(( $1 & 255 )))"; }
    be32 $(( HERC_INITRD_ADDR )) >"$h/initrd.addr"
    be32 "$(stat -c %s "$h/initrd.img")" >"$h/initrd.size"
    printf '%s\n' "vmlinuz 0x00000000" "parm.bin 0x00010480" "initrd.addr 0x0001040c" \
        "initrd.size 0x00010414" "initrd.img $(printf '0x%08x' $(( HERC_INITRD_ADDR )))" >"$h/guest.ins"
    dasdinit -linux "$h/res-master.3390" 3390 RES001 1 >"$h/dasdinit.log" 2>&1 ||
        { log "dasdinit of the result volume failed"; cat "$h/dasdinit.log" >&2; return 1; }
}
herc_done() { # herc_done VOLUME PID: the result is there, or Hercules ended
    bench_volume_done "$1" || ! kill -0 "$2" 2>/dev/null
}
run_hercules() { # run_hercules ROUND
    local r=$1 h=$W/herc d=$W/herc-r$1 pid t0 t1 end
    mkdir -p "$d"
    cp --sparse=always "$W/master.ckd" "$d/vol.3390" && cp "$h/res-master.3390" "$d/res.3390" || return 1
    printf '%s\n' "CPUSERIAL 000611" "CPUMODEL 2817" "MAINSIZE 512" "XPNDSIZE 0" "NUMCPU 1" \
        "ARCHMODE z/Arch" "OSTAILOR LINUX" "0120 3390 $d/vol.3390" "0121 3390 $d/res.3390" >"$d/herc.conf"
    echo "ipl $h/guest.ins" >"$d/herc.rc"
    t0=${EPOCHREALTIME/./}
    (cd "$d" && HERCULES_RC=$d/herc.rc exec hercules -d -f "$d/herc.conf" </dev/null >"$W/hercules-r$r.log" 2>&1) &
    pid=$!
    echo "$pid" >"$W/hercules-r$r.console.pid"      # e2e_teardown stops it
    end=$(( t0 + tmo * 1000000 ))
    until herc_done "$d/res.3390" "$pid"; do
        [ "${EPOCHREALTIME/./}" -lt "$end" ] || break
        sleep 0.5
    done
    t1=${EPOCHREALTIME/./}
    _stop_pid "$pid" 5
    wait "$pid" 2>/dev/null
    bench_volume_result "$d/res.3390" >"$W/hercules-r$r.console"
    if grep -q '^CCWPASS-RESULT-END$' "$W/hercules-r$r.console"; then
        log "hercules-r$r: IPL to results $(( (t1 - t0) / 1000 )) ms (host wall clock)"
    else
        log "hercules-r$r: no result after $(( (t1 - t0) / 1000000 )) s; log: $W/hercules-r$r.log"
        grep -v '^[RC][0-9A-F]=' "$W/hercules-r$r.log" | tail -n 5 >&2
    fi
    collect "$r" hercules "$W/hercules-r$r.console"
    host_run "$r" hercules $(( (t1 - t0) / 1000 ))
    rm -f "$d/vol.3390"
}

case " $sides " in *" hercules "*) herc_setup || sides=${sides//hercules/} ;; esac
start=$(date -u '+%F %H:%M UTC')
for ((r = 1; r <= rounds; r++)); do
    for s in $sides; do
        log "round $r/$rounds: $s"
        "run_$s" "$r" || log "$s round $r failed"
    done
done
{
    echo "ccwpass side-by-side guest benchmark ($start, $(nproc) host cores shared with other work, TCG;"
    echo "  $cyls-cylinder 3390, dd $mb MiB at 64 KiB / 1 MiB, $mb4k MiB at 4 KiB; guest $(cat "$E2E_SRC/guest/out/kernel-version" 2>/dev/null))"
    "$here/summary.sh" "$res"
} | tee "$out/summary.txt"
cp "$res" "$out/results.tsv"
cp "$W"/*.console "$W"/*.times "$out/" 2>/dev/null
exit 0
