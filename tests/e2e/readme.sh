#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: the README's "Using it" block, executed literally, line by line, as a
# new user would paste it (one bash, set -e semantics: the first failing line
# ends the run), so the quick start cannot drift from the programs.
#
# Scratch environment: a private mount and pid namespace (unshare) with
# tmpfs over ccwpassd's default places /run/ccwpass, /var/lib/ccwpass and
# /etc/mdevctl.d (if the machine has it), so
# the block's default paths do not meet another ccwpassd on this machine; its
# working directory is a scratch tree whose build/, scripts/ and guest/ are
# this test's build directory and the checkout's.  The only addition: a
# qemu-system-s390x first in PATH that appends a test script to the initrd
# the README names (guest/mkscript.sh), so the README's qemu line boots the
# guest non-interactively; the script checks that the guest sees 0.0.1234.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init readme "${1:-}"
e2e_require
command -v unshare >/dev/null || tap_bail "prerequisite missing: unshare (util-linux)"

# ---- the block -----------------------------------------------------------------
# The first fenced block after "## Using it".
awk '/^## Using it/ { u = 1; next }
     u && /^## / { exit }
     u && /^```/ { if (f) exit; f = 1; next }
     u && f' "$E2E_SRC/README.md" >"$W/block.sh"
[ -s "$W/block.sh" ] || tap_bail "README.md has a fenced block under \"## Using it\""
tap_ok "README.md: \"## Using it\" block found ($(grep -c . "$W/block.sh") lines)"

# ---- the scratch tree and the guest's script --------------------------------------
T=$W/tree
mkdir -p "$T" "$W/bin"
ln -s "$E2E_BUILD" "$T/build"
ln -s "$E2E_SRC/scripts" "$T/scripts"
ln -s "$E2E_SRC/guest" "$T/guest"
cat >"$W/guest.sh" <<'EOF'
#!/bin/sh
# lscss in the guest the README's qemu line started
lscss | sed -e 's/^/  | /'
lscss | grep -q '^0\.0\.1234 ' && echo "CCWPASS-OK lscss lists the passed-through DASD 0.0.1234" && exit 0
echo "CCWPASS-FAIL lscss lists the passed-through DASD 0.0.1234"
exit 1
EOF
QEMU_REAL=$(command -v qemu-system-s390x)
# The wrapper runs as bash (the adapter stays inactive there) and execs the
# real QEMU, where the launcher's LD_PRELOAD takes effect as usual.
cat >"$W/bin/qemu-system-s390x" <<EOF
#!/usr/bin/env bash
set -euo pipefail
args=() next=0
for a in "\$@"; do
    if [ \$next = 1 ]; then
        cat "\$a" >"$W/initrd.img" && "$E2E_SRC/guest/mkscript.sh" "$W/guest.sh" >>"$W/initrd.img"
        a=$W/initrd.img next=0
    fi
    [ "\$a" != -initrd ] || next=1
    args+=("\$a")
done
exec timeout -k 10 600 "$QEMU_REAL" -no-reboot "\${args[@]}" </dev/null
EOF
chmod +x "$W/bin/qemu-system-s390x"

# ---- the runner: inside the namespaces, one TAP line per command line ------------------
cat >"$W/runner.sh" <<'EOF'
#!/usr/bin/env bash
# runner.sh BLOCK OUTDIR: runs BLOCK's lines in this shell, like a user's terminal
# (no set -u: a user's shell has none); the first failing line ends the run.
block=$1 out=$2
for d in /run/ccwpass /var/lib/ccwpass; do
    mkdir -p "$d" && mount -t tmpfs -o mode=0755 ccwpass-readme "$d" || { echo "not ok - tmpfs over $d"; exit 1; }
done
# the README's ccwpassd reads mdevctl's definitions: an empty directory, not the machine's
if [ -d /etc/mdevctl.d ]; then
    mount -t tmpfs -o mode=0755 ccwpass-readme /etc/mdevctl.d || { echo "not ok - tmpfs over /etc/mdevctl.d"; exit 1; }
fi
# A line that starts `ccwpass host` without a command opens a shell that
# reads what the user types next: the lines up to and including `exit`. It
# gets them on its stdin, each line sourced from its own file (so it runs
# exactly as written, in that shell) and followed by its number and status.
host_shell() { # host_shell FIRST-LINE-NUMBER: writes $out/host.sh, sets hn
    local hl
    : >"$out/host.sh"
    hn=$1
    while IFS= read -r hl <&3; do
        case "$hl" in ''|*([[:space:]])'#'*) continue ;; esac
        hn=$((hn + 1))
        printf '%s\n' "$hl" >"$out/line$hn.sh"
        hline[hn]=$hl
        if [[ $hl =~ ^exit([[:space:]]|$) ]]; then
            printf 'echo "host-line %d 0"\n. %s\n' "$hn" "$out/line$hn.sh" >>"$out/host.sh"
            return 0
        fi
        printf '. %s >%s 2>&1; echo "host-line %d $?"\n' "$out/line$hn.sh" "$out/line$hn.out" "$hn" >>"$out/host.sh"
    done
    return 1
}
n=0
declare -a hline
while IFS= read -r line <&3; do
    case "$line" in ''|*([[:space:]])'#'*) continue ;; esac
    n=$((n + 1))
    rc=0
    if [[ $line =~ ccwpass\ host([[:space:]]+#.*)?$ ]]; then
        host_shell "$n" || { echo "not ok - README: the host shell's lines end with exit"; exit 1; }
        last=$hn
        eval "$line" <"$out/host.sh" >"$out/line$n.out" 2>&1 || rc=$?
        echo "ok - README line $n: ${line%%  *} (a shell in the host namespace; the next lines typed into it)"
        while read -r tag hn hrc; do
            [ "$tag" = host-line ] || continue
            if [ "$hrc" -ne 0 ]; then
                echo "not ok - README line $hn exits 0 in the host shell: ${hline[hn]}"
                echo "#   exit status $hrc; its output:"
                tail -n 25 "$out/line$hn.out" | sed -e 's/^/#   /'
                exit 1
            fi
            echo "ok - README line $hn, in the host shell: ${hline[hn]%%  *}"
        done <"$out/line$n.out"
        [ "$rc" -eq 0 ] || { echo "not ok - the host shell exits 0 (status $rc)"; exit 1; }
        n=$last
        continue
    fi
    eval "$line" >"$out/line$n.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "not ok - README line $n exits 0: $line"
        echo "#   exit status $rc; its output:"
        tail -n 25 "$out/line$n.out" | sed -e 's/^/#   /'
        exit 1
    fi
    echo "ok - README line $n: ${line%%  *}"
done 3<"$block"
EOF

# The daemon the README started: this pid namespace's only ccwpassd.
cat >>"$W/runner.sh" <<EOF
for p in /proc/[0-9]*; do
    [ "\$(readlink "\$p/exe" 2>/dev/null)" = "$(readlink -f "$CCWPASSD")" ] && dpid=\${p#/proc/}
done
[ -n "\${dpid:-}" ] || { echo "not ok - the README's ccwpassd is still running at the end"; exit 1; }
echo "ok - the README's ccwpassd is still running at the end (pid \$dpid)"
kill -TERM "\$dpid"
timeout 15 tail --pid="\$dpid" -f /dev/null
[ ! -d "/proc/\$dpid" ] && ! grep -q ' /run/ccwpass/view ' /proc/mounts &&
    echo "ok - ccwpassd stops on SIGTERM and unmounts its view" ||
    { echo "not ok - ccwpassd stops on SIGTERM and unmounts its view"; exit 1; }
EOF

rc=0
( cd "$T" && PATH=$W/bin:$PATH env -u CCWPASS_SOCKET -u CCWPASS_VIEW \
    unshare --mount --propagation private --pid --fork --mount-proc \
    bash -O extglob "$W/runner.sh" "$W/block.sh" "$W" ) >"$W/runner.tap" 2>&1 || rc=$?
# renumber the runner's lines into this test's TAP
while IFS= read -r l; do
    case "$l" in
        "ok - "*) tap_ok "${l#ok - }" ;;
        "not ok - "*) tap_not_ok "${l#not ok - }" ;;
        *) echo "# ${l#\# }" ;;
    esac
done <"$W/runner.tap"
tap_result "the README block ran to its end (runner exit 0)" "$rc"

# what the guest saw (its console is the qemu line's output)
con=$(grep -l '^CCWPASS-EXIT' "$W"/line*.out 2>/dev/null | head -n 1)
if [ -n "$con" ]; then
    cp "$con" "$W/guest.console"
    guest_tap "$W/guest.console" "guest (README qemu line)"
    tap_result "the guest's script ended with CCWPASS-EXIT 0" \
        "$(grep -q '^CCWPASS-EXIT 0' "$W/guest.console"; echo $?)" "$W/guest.console"
else
    tap_not_ok "the README's qemu line booted the guest to its exit marker"
fi
tap_done
