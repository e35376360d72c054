#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest/run.sh [OPTIONS] [-- EXTRA-QEMU-ARGS...] — boot the s390x test guest.
#
#   -s, --script FILE      the guest's test script (/ccwpass/test.sh)
#   -f, --file SRC[:DST]   extra file for the guest (repeatable; see mkscript.sh)
#   -o, --console FILE     console log (default: a temporary file, removed)
#   -t, --timeout SECS     kill QEMU after SECS (default 900)
#   -l, --launcher CMD     start QEMU through CMD instead of qemu-system-s390x,
#                          e.g. "build/src/cli/ccwpass qemu" (word-split)
#   -M, --machine OPTS     -M value (default s390-ccw-virtio)
#   -m, --mem MB           guest memory (default 512)
#       --virtio-disk IMG  attach IMG (raw) as virtio-blk-ccw, devno fe.0.0100 (/dev/vda)
#       --mailbox FILE     attach FILE (raw, created if absent) as a virtio-blk-ccw
#                          disk with serial "ccwpass-mbox": the host writes words into
#                          it, the guest waits for them (guestlib.sh mailbox_wait)
#       --append ARGS      extra kernel command line (e.g. ccwpass.phase=2)
#       --shell            no script: interactive shell on this terminal
#   -q, --quiet            do not copy the console to stdout
#
# QEMU's pid is written to FILE.pid (--console) while it runs.
# Exit status: the guest script's exit status (the "CCWPASS-EXIT <rc>" marker),
# 124 when the timeout hit, 125 when QEMU ended without the marker (QEMU
# failed to start, guest crash).  Timing goes to stderr as "run.sh: ..." and,
# with --console, to FILE.times.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
script="" console="" timeout_s=900 launcher="" machine=s390-ccw-virtio mem=512
virtio_disk="" mailbox="" append="" shell=0 quiet=0
files=() extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        -s|--script) script=$2; shift 2 ;;
        -f|--file) files+=("$2"); shift 2 ;;
        -o|--console) console=$2; shift 2 ;;
        -t|--timeout) timeout_s=$2; shift 2 ;;
        -l|--launcher) launcher=$2; shift 2 ;;
        -M|--machine) machine=$2; shift 2 ;;
        -m|--mem) mem=$2; shift 2 ;;
        --virtio-disk) virtio_disk=$2; shift 2 ;;
        --mailbox) mailbox=$2; shift 2 ;;
        --append) append="$append $2"; shift 2 ;;
        --shell) shell=1; shift ;;
        -q|--quiet) quiet=1; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

kernel=$here/out/vmlinuz base=$here/out/initrd.img
[ -s "$kernel" ] && [ -s "$base" ] || { echo "run.sh: no guest in guest/out (run guest/build.sh)" >&2; exit 2; }
((shell)) || [ -n "$script" ] || { echo "run.sh: --script FILE or --shell needed" >&2; exit 2; }

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
if [ -n "$script" ]; then
    "$here/mkscript.sh" "$script" "${files[@]}" >"$tmp/extra.cpio.gz"
    cat "$base" "$tmp/extra.cpio.gz" >"$tmp/initrd.img"
else
    cp "$base" "$tmp/initrd.img"
fi
[ -n "$console" ] || console=$tmp/console.log
: >"$console"

cmdline="console=ttysclp0 quiet loglevel=4 panic=-1$append"
qemu_args=(-M "$machine" -cpu max -m "$mem" -nographic -no-reboot
           -kernel "$kernel" -initrd "$tmp/initrd.img" -append "$cmdline")
# shellcheck disable=SC2054  # commas are QEMU's option syntax
if [ -n "$virtio_disk" ]; then
    qemu_args+=(-drive "file=$virtio_disk,format=raw,if=none,id=vd0,cache=none,aio=threads"
                -device virtio-blk-ccw,drive=vd0,devno=fe.0.0100)
fi
# shellcheck disable=SC2054
if [ -n "$mailbox" ]; then
    [ -s "$mailbox" ] || truncate -s 4096 "$mailbox"
    qemu_args+=(-drive "file=$mailbox,format=raw,if=none,id=mbox,cache=none,aio=threads"
                -device virtio-blk-ccw,drive=mbox,devno=fe.0.0101,serial=ccwpass-mbox)
fi
qemu_args+=(-pidfile "$console.pid" "${extra[@]}")
if [ -n "$launcher" ]; then
    read -r -a cmd <<<"$launcher"
else
    cmd=(qemu-system-s390x)
fi

if ((shell)); then
    exec "${cmd[@]}" "${qemu_args[@]}"
fi

printf 'run.sh: %q ' "${cmd[@]}" "${qemu_args[@]}" >"$console.cmd"
echo >>"$console.cmd"

t0=${EPOCHREALTIME/./}
t_init="" rc_marker="" qstatus=""
# QEMU's console (stdout+stderr) → log, line by line, noting when /init
# started and the exit marker.
set +e
while IFS= read -r line; do
    line=${line%$'\r'}
    case "$line" in RUNSH-QEMU-STATUS\ *) qstatus=${line#RUNSH-QEMU-STATUS }; continue ;; esac
    printf '%s\n' "$line" >>"$console"
    ((quiet)) || printf '%s\n' "$line"
    case "$line" in
        CCWPASS-INIT*) [ -n "$t_init" ] || t_init=${EPOCHREALTIME/./} ;;
        CCWPASS-EXIT\ *)
            rc_marker=${line#CCWPASS-EXIT }; rc_marker=${rc_marker%% *}
            # The script is done; a guest that then hangs in its shutdown (e.g.
            # waiting for a vanished device) gets 30 s, then QEMU is stopped.
            qpid=$(cat "$console.pid" 2>/dev/null || true)
            if [ -n "$qpid" ]; then
                ( for _ in $(seq 600); do kill -0 "$qpid" 2>/dev/null || exit 0; sleep 0.05; done
                  echo "run.sh: guest did not power off within 30 s of its exit marker; stopping QEMU" >&2
                  kill -TERM "$qpid" 2>/dev/null ) &
            fi ;;
    esac
done < <(timeout -k 10 "$timeout_s" "${cmd[@]}" "${qemu_args[@]}" </dev/null 2>&1; echo "RUNSH-QEMU-STATUS $?")
set -e
t1=${EPOCHREALTIME/./}

ms() { echo "$(( ($1 - t0) / 1000 ))"; }
{
    echo "run.sh: qemu exit status ${qstatus:-?}"
    [ -z "$t_init" ] || echo "run.sh: boot-to-init $(ms "$t_init") ms (host wall clock)"
    echo "run.sh: total $(ms "$t1") ms"
} | tee "$console.times" >&2

if [ -n "$rc_marker" ] && [[ $rc_marker =~ ^[0-9]+$ ]]; then
    exit "$rc_marker"
fi
if [ "${qstatus:-}" = 124 ] || [ "${qstatus:-}" = 137 ]; then
    echo "run.sh: timeout after ${timeout_s}s (no CCWPASS-EXIT marker); console: $console" >&2
    tail -n 20 "$console" >&2
    exit 124
fi
echo "run.sh: QEMU ended (status ${qstatus:-?}) without the CCWPASS-EXIT marker; last console lines:" >&2
tail -n 20 "$console" >&2
exit 125
