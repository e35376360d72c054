#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Volumes on Ceph RBD (docs/images.md) against a private cluster
# (scripts/ceph.sh, up once for this file, down at the end): every dasd
# verb on rbd: names, round trips byte-identical to files, snapshots and
# copy-on-write clones, RBD's exclusive lock between two daemons, shared
# volumes, and errors (bad names, a dead cluster) that come back instead
# of hanging; a program's burst of pipelined track writes (track_burst)
# lands as on a file, reads back at once, and a cluster stopped mid-burst
# fails it with the error a synchronous write gives.  Prints TAP.
set -u
usage="usage: rbd.sh ccwpass ccwpassd guest_write scripts/ceph.sh track_burst"
CCWPASS=$(realpath "${1:?$usage}")
CCWPASSD=$(realpath "${2:?$usage}")
GUEST_WRITE=$(realpath "${3:?$usage}")
CEPHSH=$(realpath "${4:?$usage}")
TRACK_BURST=$(realpath "${5:?$usage}")
T=$(mktemp -d "${TMPDIR:-/tmp}/ccwpass-rbd-XXXXXX")
DPIDS=()
stop_daemons() {
    local p
    for p in "${DPIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${DPIDS[@]}"; do wait "$p" 2>/dev/null; done
    DPIDS=()
}
cleanup() {
    stop_daemons
    "$CEPHSH" stop "$T/cluster" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
n=0; fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
run() { "$CCWPASS" dasd "$@" >out 2>err; echo $? >rc; }
rc() { cat rc; }
has() { grep -q -- "$1" out err; }
show() { sed 's/^/# /' out err rc; }

echo "1..39"

# A build without librbd cannot pass this file: say so instead of skipping.
run info rbd:rbd/probe
if grep -q "built without Ceph RBD support" err; then
    echo "Bail out! ccwpass was built without librbd: install librbd-dev (scripts/setup.sh) and reconfigure"
    exit 1
fi
if ! "$CEPHSH" start "$T/cluster" >conf.path 2>start.err; then
    sed 's/^/# /' start.err
    echo "Bail out! the Ceph fixture did not start (scripts/setup.sh installs Ceph)"
    exit 1
fi
sed 's/^/# /' start.err
CONF=$(cat conf.path)
V() { echo "rbd:rbd/$1:conf=$CONF"; }
CEPHTMO=30
rbdc() { timeout "$CEPHTMO" rbd -c "$CONF" "$@"; }

# ---- create, info, check -----------------------------------------------------
run create "$(V lnx)" -c 20 --linux --volser RBD001
[ "$(rc)" = 0 ] && has "created $(V lnx): 3390-1, 20 cylinders, RBD, linux null tracks"; r=$?
[ $r = 0 ] || show; ok $r "create makes a volume on RBD"
run info "$(V lnx)"
has "format:    CKD track slots in a Ceph RBD image, null track format 2" && has "volser:    RBD001 (label VOL1)" &&
    has "exclusive-lock" && has "free:      track 2, 298 tracks"; r=$?
[ $r = 0 ] || show; ok $r "info shows the RBD image, its features and the VTOC"
run check "$(V lnx)"
[ "$(rc)" = 0 ] && has "300 tracks checked, 0 errors"; ok $? "check reads every track clean"
run create "$(V lnx)" -c 5
[ "$(rc)" = 1 ] && has "$(V lnx) exists (use --force to overwrite it)"; ok $? "create refuses to replace an existing image"
run create "$(V lnx)" -c 20 --linux --volser RBD001 --force
[ "$(rc)" = 0 ]; ok $? "create --force replaces it"
"$CCWPASS" dasd create lnx.3390 -c 20 --linux --volser RBD001 >/dev/null
run copy "$(V lnx)" back.3390
cmp -s lnx.3390 back.3390; ok $? "a created RBD volume copied out is byte-identical to the same volume created as a file"

# ---- copy in and out ---------------------------------------------------------
"$CCWPASS" dasd create src.3390 -c 20 --linux --volser SRC001 >/dev/null
"$GUEST_WRITE" src.3390 "written on a file" "$T" 2>err; ok $? "a partitioned source volume is made"
run copy src.3390 "$(V src)"
[ "$(rc)" = 0 ] && has "(RBD)"; ok $? "copy FILE rbd: imports a CKD file"
run copy "$(V src)" src2.3390
cmp -s src.3390 src2.3390; ok $? "copied back out, the file is byte-identical"
"$CCWPASS" dasd copy src.3390 src.cckd --cckd >/dev/null
run copy src.cckd "$(V fromcckd)"
[ "$(rc)" = 0 ] && "$CCWPASS" dasd copy "$(V fromcckd)" src3.3390 >/dev/null && cmp -s src.3390 src3.3390
ok $? "copy CCKD rbd: imports a compressed volume, track for track"
run copy "$(V src)" out.cckd --cckd=bzip2
[ "$(rc)" = 0 ] && "$CCWPASS" dasd check out.cckd >/dev/null && "$CCWPASS" dasd copy out.cckd src4.3390 >/dev/null &&
    cmp -s src.3390 src4.3390; ok $? "copy rbd: CCKD exports to a compressed file"
run export "$(V src)" part.img --partition 1
[ "$(rc)" = 0 ] && "$CCWPASS" dasd export src.3390 part-file.img --partition 1 >/dev/null && cmp -s part.img part-file.img &&
    debugfs -R 'cat hello' part.img 2>/dev/null | grep -qx "written on a file"; r=$?
[ $r = 0 ] || show; ok $r "export --partition 1 of the RBD volume is the file system the file holds"
used=$(rbdc du --format json rbd/lnx | python3 -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["used_size"])')
[ "$used" -le $((4 << 20)) ]; ok $? "unwritten tracks take no space (a fresh 20-cylinder volume uses one object: $used bytes)"

rbdc import --no-progress src.3390 rbd/imported >/dev/null 2>&1 && run check "$(V imported)"
[ "$(rc)" = 0 ] && has "300 tracks checked, 0 errors"; ok $? "a CKD file put in with rbd import is a volume as it is"
cp src.3390 bad.3390
printf 'garbage!' | dd of=bad.3390 bs=1 seek=$((512 + 7 * 56832 + 21)) conv=notrunc status=none
rbdc import --no-progress bad.3390 rbd/bad >/dev/null 2>&1 && run check "$(V bad)"
[ "$(rc)" = 1 ] && has "track cyl 0 head 7" && has "1 error"; r=$?
[ $r = 0 ] || show; ok $r "check names the damaged track of a volume on RBD"
rbdc create --size 16M rbd/raw >/dev/null 2>&1; run info "$(V raw)"
[ "$(rc)" = 1 ] && has "not a ccwpass volume (no CKD_P370 header"; ok $? "an RBD image that is no volume is refused clearly"

# ---- pipelined track writes (docs/images.md "Volumes on Ceph RBD") -------------
# 300 tracks (a dasdfmt's worth and more): some written twice in a row, some
# back to the null track, each read back right after its write
"$CCWPASS" dasd create burst.3390 -c 25 --linux >/dev/null
"$TRACK_BURST" burst.3390 2 300 7 >out 2>err && run create "$(V burst)" -c 25 --linux &&
    "$TRACK_BURST" "$(V burst)" 2 300 7 >out 2>err; r=$?
[ $r = 0 ] || show; ok $r "a burst of track writes to RBD reads back right after each write"
run copy "$(V burst)" burst-back.3390
cmp -s burst.3390 burst-back.3390; ok $? "the burst leaves the RBD volume byte-identical to the same burst on a file"

# ---- snapshots and clones ----------------------------------------------------
run snapshot "$(V src@gold)"
[ "$(rc)" = 0 ] && has "snapshot rbd:rbd/src@gold" && rbdc snap ls rbd/src | grep -q gold &&
    rbdc info rbd/src@gold | grep -q "protected: True"; ok $? "snapshot makes and protects a snapshot"
run clone "$(V src@gold)" "$(V c1)"
[ "$(rc)" = 0 ] && has "cloned .* in [0-9.]* s"; ok $? "clone makes a copy-on-write clone"
run info "$(V c1)"
has "parent:    rbd:rbd/src@gold (copy-on-write clone)"; ok $? "info names the clone's parent"
"$GUEST_WRITE" "$(V c1)" "written on the clone" "$T" 2>err
"$CCWPASS" dasd export "$(V c1)" c1.img >/dev/null && debugfs -R 'cat hello' c1.img 2>/dev/null | grep -qx "written on the clone"
ok $? "a write to the clone reads back from the clone"
"$CCWPASS" dasd copy "$(V src)" src5.3390 >/dev/null && cmp -s src.3390 src5.3390 &&
    "$CCWPASS" dasd copy "$(V src@gold)" gold.3390 >/dev/null && cmp -s src.3390 gold.3390
ok $? "the parent image and its snapshot are unchanged by the clone's write"
run clone "$(V src)" "$(V c2)"
[ "$(rc)" = 1 ] && has "a clone's parent is a snapshot"; ok $? "clone of an image without @SNAP is refused clearly"
run clone "$(V src@nosuch)" "$(V c2)"
[ "$(rc)" = 1 ] && has "rbd:rbd/src@nosuch.* does not exist"; r=$?
[ $r = 0 ] || show; ok $r "clone of a missing snapshot is refused clearly"

# ---- locks: two daemons on one volume ----------------------------------------
# start_daemon NAME ARGS...: ccwpassd in the foreground, its readiness
# line (or its exit) read from a FIFO
start_daemon() {
    local name=$1; shift
    mkfifo "$T/$name.ready"
    "$CCWPASSD" --foreground --no-fuse --socket "$T/$name.sock" --state-dir "$T/$name.state" \
        --mdevctl-dir "$T/$name.mdev" "$@" --ready-fd 3 3>"$T/$name.ready" \
        >"$T/$name.out" 2>"$T/$name.err" </dev/null &
    DPIDS+=($!)
    read -r line <"$T/$name.ready"
    [ "$line" = READY ] || sed 's/^/# /' "$T/$name.err"
    [ "$line" = READY ]
}
start_daemon a --image "$(V c1)"; ok $? "ccwpassd serves a volume on RBD"
timeout 60 "$CCWPASSD" --foreground --no-fuse --socket "$T/b.sock" --state-dir "$T/b.state" --mdevctl-dir "$T/b.mdev" \
    --image "$(V c1)" >b.out 2>b.err </dev/null
r=$?
[ $r = 1 ] && grep -q "image $(V c1) is in use by another client" b.err; r=$?
[ $r = 0 ] || sed 's/^/# /' b.err; ok $r "a second daemon's read-write open fails at once: in use by another client"
run copy --force src.3390 "$(V c1)"
[ "$(rc)" = 1 ] && has "is in use by another client"; ok $? "copy onto a volume a daemon holds is refused"
run snapshot "$(V c1@s1)"
[ "$(rc)" = 1 ] && has "is in use by another client"; ok $? "snapshot of a volume a daemon holds is refused"
run check "$(V c1)"
[ "$(rc)" = 0 ]; ok $? "a read-only check runs beside the daemon"

# ---- shared volumes (no exclusive lock) ---------------------------------------
run create "$(V shr)" -c 10 --linux --shared
[ "$(rc)" = 0 ] && has "RBD shared" && rbdc info rbd/shr | grep -q "features: layering, deep-flatten"
ok $? "create --shared makes an image without exclusive-lock"
cat >shr.conf <<EOF
[chpid 0.50]
type = 1a
[device 0.0.7e52]
subchannel = 0.0.16ca
chpids = 50
image = $(V shr)
EOF
start_daemon s1 --config "$T/shr.conf"; ok $? "ccwpassd takes image = rbd:... from its config file"
start_daemon s2 --image "$(V shr)"; ok $? "two daemons open one shared volume read-write"
run copy src.3390 "$(V shr2)" --shared
[ "$(rc)" = 0 ] && "$CCWPASS" dasd info "$(V shr2)" | grep -q "shared (no exclusive lock)"; r=$?
[ $r = 0 ] || show; ok $r "copy --shared imports a file into a shared volume"

# ---- bad names, a dead cluster -----------------------------------------------
stop_daemons            # (with the cluster gone, their close would wait for Ceph's timeouts)
run info rbd:rbd
[ "$(rc)" = 1 ] && has "give rbd:POOL/IMAGE"; ok $? "a name without an image says how to write one"
run info "rbd:nopool/x:conf=$CONF"
[ "$(rc)" = 1 ] && has "pool nopool does not exist"; ok $? "a missing pool is named"
# a burst in flight when the cluster stops: the image layer reports the
# first track that did not land, as a synchronous write does, within the
# OSD timeout (timeout 120 only catches a hang)
run create "$(V dead)" -c 10 --linux
mkfifo go.fifo said.fifo
timeout 120 "$TRACK_BURST" "$(V dead):rados_osd_op_timeout=5:rados_mon_op_timeout=5" 2 40 3 --hold \
    <go.fifo >said.fifo 2>burst.err &
bpid=$!
exec 7>go.fifo 8<said.fifo
read -r line <&8
"$CEPHSH" stop "$T/cluster"
[ "$line" = flushed ] && echo go >&7
exec 7>&- 8<&-
wait "$bpid"; r=$?
[ "$line" = flushed ] && [ $r = 1 ] &&
    grep -q "second burst: image $(V dead):.*: track cyl 0 head 2: write failed: Connection timed out" burst.err
r=$?; [ $r = 0 ] || sed 's/^/# /' burst.err; ok $r "a cluster stopped mid-burst fails the burst naming its first track"
run info "$(V c1):client_mount_timeout=5"
[ "$(rc)" = 1 ] && has "cannot connect to the Ceph cluster: Connection timed out"; r=$?
[ $r = 0 ] || show; ok $r "with the cluster stopped, info fails with an error instead of waiting"
timeout 120 "$CCWPASSD" --foreground --no-fuse --socket "$T/x.sock" --state-dir "$T/x.state" --mdevctl-dir "$T/x.mdev" \
    --image "$(V c1):client_mount_timeout=5" >x.out 2>x.err </dev/null
r=$?
[ $r = 1 ] && grep -q "cannot connect to the Ceph cluster" x.err; r=$?
[ $r = 0 ] || sed 's/^/# /' x.err; ok $r "with the cluster stopped, ccwpassd exits 1 naming the cause"

exit $(( fails != 0 ))
