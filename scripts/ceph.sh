#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A throw-away single-node Ceph cluster for tests (docs/ceph.md): one
# monitor, one manager and one OSD run as plain processes in the foreground
# (-f, put in the background here), everything private to DIR (config, data,
# sockets, logs, pid files), the monitor on CEPH_ADDR at free ports, no
# authentication, pool size 1 and a pool "rbd" ready for images.
#
#   scripts/ceph.sh start DIR    make and start the cluster; prints DIR/ceph.conf
#   scripts/ceph.sh stop DIR     stop every process start began (never hangs)
#   scripts/ceph.sh status DIR   which processes run, and `ceph health`
#
# CEPH_STORE=bluestore (default; a sparse file in DIR) or memstore;
# CEPH_READY_TIMEOUT (s, default 120) bounds the wait for HEALTH_OK;
# CEPH_ADDR (default 127.0.0.1): the local IPv4 address every daemon binds
# to (another one lets clients in other network namespaces reach it).
set -euo pipefail

usage() { echo "usage: ceph.sh start|stop|status DIR" >&2; exit 2; }
[ $# = 2 ] || usage
CMD=$1
DIR=$2
STORE=${CEPH_STORE:-bluestore}
ADDR=${CEPH_ADDR:-127.0.0.1}
READY_TIMEOUT=${CEPH_READY_TIMEOUT:-120}
STOP_TIMEOUT=20           # s a daemon gets to exit after SIGTERM before SIGKILL
CLI_TIMEOUT=15            # s any one ceph/rbd command may take
POLL=0.2                  # s between readiness polls
MEMSTORE_BYTES=$((4 << 30))
BLUESTORE_BYTES=$((8 << 30))
PGS=8                     # placement groups of the rbd pool: one OSD needs few
DAEMONS=(mon.a mgr.x osd.0)

die() { echo "ceph.sh: $*" >&2; exit 1; }

# A TCP port on ADDR nobody listens on now (the kernel picks it).
free_port() {
    python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$ADDR"
}

# ceph CLI bounded in time: a dead or half-started cluster gives an error.
cephc() { timeout "$CLI_TIMEOUT" ceph -c "$DIR/ceph.conf" --connect-timeout "$CLI_TIMEOUT" "$@"; }

pidfile() { echo "$DIR/pids/$1.pid"; }

running() {
    local p
    p=$(cat "$(pidfile "$1")" 2>/dev/null) || return 1
    kill -0 "$p" 2>/dev/null
}

log_tail() {
    local d
    for d in "${DAEMONS[@]}"; do
        for f in "$DIR/log/$d.log" "$DIR/log/$d.out"; do
            [ -s "$f" ] || continue
            echo "--- last lines of $f" >&2
            tail -n 15 "$f" >&2
        done
    done
}

# Starts a daemon in the foreground mode, in the background of this script.
launch() {
    local name=$1; shift
    "$@" -c "$DIR/ceph.conf" -f >"$DIR/log/$name.out" 2>&1 &
    echo $! >"$(pidfile "$name")"
}

# Polls "what" until it succeeds or the deadline passes.
wait_for() {
    local what=$1 deadline=$2; shift 2
    until "$@" >/dev/null 2>&1; do
        local d
        for d in "${DAEMONS[@]}"; do
            if [ -f "$(pidfile "$d")" ] && ! running "$d"; then
                log_tail
                die "$d exited while waiting for $what"
            fi
        done
        if [ "$SECONDS" -ge "$deadline" ]; then
            log_tail
            die "cluster in $DIR: no $what after ${READY_TIMEOUT} s"
        fi
        sleep "$POLL"
    done
}

health_ok() { cephc health 2>/dev/null | grep -q '^HEALTH_OK'; }

write_conf() {
    local fsid=$1 p2=$2 p1=$3
    cat >"$DIR/ceph.conf" <<EOF
# private single-node test cluster made by scripts/ceph.sh
[global]
fsid = $fsid
mon_host = [v2:$ADDR:$p2,v1:$ADDR:$p1]
public_addr = $ADDR
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_crush_chooseleaf_type = 0
mon_warn_on_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 1
mon_data_avail_crit = 0
run_dir = $DIR/run
log_file = $DIR/log/\$name.log
mon_cluster_log_file = $DIR/log/cluster.log
crash_dir = $DIR/crash
exec_dir = $DIR/run
mon_data = $DIR/data/\$name
osd_data = $DIR/data/\$name
mgr_data = $DIR/data/\$name
keyring = $DIR/keyring
# a dead cluster makes a client call fail instead of waiting for ever
client_mount_timeout = 15
rados_mon_op_timeout = 15
rados_osd_op_timeout = 15
[mon]
admin_socket = $DIR/run/\$name.asok
[mgr]
admin_socket = $DIR/run/\$name.asok
[osd]
admin_socket = $DIR/run/\$name.asok
osd_objectstore = $STORE
memstore_page_set = true
memstore_device_bytes = $MEMSTORE_BYTES
bluestore_block_path = $DIR/data/\$name/block.file
bluestore_block_create = true
bluestore_block_size = $BLUESTORE_BYTES
bluestore_cache_size = 134217728
osd_memory_target = 536870912
osd_max_object_name_len = 256
osd_max_object_namespace_len = 64
[mgr]
mgr_initial_modules = iostat
EOF
}

start() {
    local d
    for d in "${DAEMONS[@]}"; do
        ! running "$d" || die "$DIR holds a running cluster already (stop it first)"
    done                        # a stale one (its processes gone) is replaced
    case $STORE in memstore|bluestore) ;; *) die "CEPH_STORE must be memstore or bluestore" ;; esac
    for t in ceph ceph-mon ceph-mgr ceph-osd monmaptool ceph-authtool rbd uuidgen python3; do
        command -v "$t" >/dev/null || die "$t not found: run scripts/setup.sh"
    done
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    rm -rf "${DIR:?}"/{data,run,log,pids,crash,monmap,keyring}
    mkdir -p "$DIR"/{data/mon.a,data/mgr.x,data/osd.0,run,log,pids,crash}
    local t0=$SECONDS deadline=$((SECONDS + READY_TIMEOUT))
    local fsid p2 p1
    fsid=$(uuidgen)
    p2=$(free_port)
    p1=$(free_port)
    while [ "$p1" = "$p2" ]; do p1=$(free_port); done
    write_conf "$fsid" "$p2" "$p1"
    ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    monmaptool --create --fsid "$fsid" --addv a "[v2:$ADDR:$p2,v1:$ADDR:$p1]" "$DIR/monmap" >/dev/null
    ceph-mon -c "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
        >"$DIR/log/mon.a.out" 2>&1 || { log_tail; die "ceph-mon --mkfs failed"; }
    launch mon.a ceph-mon -i a
    wait_for "monitor" "$deadline" cephc mon stat
    launch mgr.x ceph-mgr -i x
    local uuid id
    uuid=$(uuidgen)
    id=$(cephc osd new "$uuid") || { log_tail; die "ceph osd new failed"; }
    [ "$id" = 0 ] || die "ceph osd new gave id $id, expected 0"
    ceph-osd -c "$DIR/ceph.conf" -i 0 --mkfs --osd-uuid "$uuid" >"$DIR/log/osd.0.out" 2>&1 \
        || { log_tail; die "ceph-osd --mkfs failed"; }
    launch osd.0 ceph-osd -i 0
    cephc osd pool create rbd "$PGS" "$PGS" >/dev/null 2>&1 || { log_tail; die "cannot create pool rbd"; }
    wait_for "OSD up" "$deadline" sh -c "timeout $CLI_TIMEOUT ceph -c '$DIR/ceph.conf' osd stat | grep -q '1 up'"
    timeout "$CLI_TIMEOUT" rbd -c "$DIR/ceph.conf" pool init rbd || { log_tail; die "rbd pool init failed"; }
    wait_for "HEALTH_OK" "$deadline" health_ok
    echo "ceph.sh: HEALTH_OK after $((SECONDS - t0)) s ($STORE); conf $DIR/ceph.conf" >&2
    echo "$DIR/ceph.conf"
}

stop() {
    [ -d "$DIR/pids" ] || return 0
    local d p n
    for d in osd.0 mgr.x mon.a; do
        p=$(cat "$(pidfile "$d")" 2>/dev/null) || continue
        kill -TERM "$p" 2>/dev/null || true
    done
    for d in osd.0 mgr.x mon.a; do
        p=$(cat "$(pidfile "$d")" 2>/dev/null) || continue
        n=0
        while kill -0 "$p" 2>/dev/null && [ $n -lt $((STOP_TIMEOUT * 5)) ]; do
            sleep "$POLL"
            n=$((n + 1))
        done
        kill -KILL "$p" 2>/dev/null || true
        rm -f "$(pidfile "$d")"
    done
    # memstore keeps the data in memory: nothing of it is left; the data
    # dirs only cost disk (bluestore's sparse file) until removed
    rm -rf "${DIR:?}/data"
}

status() {
    local d rc=0
    for d in "${DAEMONS[@]}"; do
        if running "$d"; then echo "$d: running (pid $(cat "$(pidfile "$d")"))"; else echo "$d: not running"; rc=1; fi
    done
    # a stopped monitor would only make the health query wait for its timeout
    if [ $rc = 0 ]; then cephc health || rc=1; fi
    return $rc
}

case $CMD in
start) start ;;
stop) stop ;;
status) status ;;
*) usage ;;
esac
