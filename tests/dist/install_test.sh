#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` puts the man pages where man(1) finds them
# (<prefix>/<mandir>/manN, stamped with the project version) and the bash
# completion where bash-completion loads it, and the default ccwpassd.conf in
# <sysconfdir>/ccwpass, which serves what ccwpassd serves without one.  Prints TAP.
# usage: install_test.sh BUILDDIR VERSION
B=$1 VERSION=$2
. "$(dirname "$0")/tap.sh"
T=$(mktemp -d /tmp/ccwpinst-XXXXXX)
trap 'rm -rf "$T"' EXIT

meson install -C "$B" --destdir "$T/root" --no-rebuild --quiet >"$T/install.log" 2>&1
check "meson install succeeds" eq "$?" 0
# option NAME: the value of meson's build option NAME
option() {
    meson introspect "$B" --buildoptions |
        python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(option prefix) mandir=$(option mandir) datadir=$(option datadir)
for page in man1/ccwpass.1 man5/ccwpassd.conf.5 man8/ccwpassd.8; do
    f=$T/root$prefix/$mandir/$page
    check "$page is installed below <prefix>/<mandir>" test -s "$f"
    check "$page names version $VERSION" eq "$(man -l "$f" 2>/dev/null | col -b | tail -n 1 | grep -oF "ccwpass $VERSION")" \
        "ccwpass $VERSION"
done
comp=$(find "$T/root" -path '*/bash-completion/completions/ccwpass' -type f)
check "the completion is installed in a bash-completion/completions dir" test -n "$comp"
check "below <prefix>/<datadir> (bash-completion's completionsdir)" eq "${comp#"$T/root$prefix/$datadir/"}" \
    "bash-completion/completions/ccwpass"
check "the installed completion registers itself for ccwpass" \
    eq "$(bash -c ". '$comp' && complete -p ccwpass" 2>&1)" "complete -F _ccwpass ccwpass"

# the configuration ccwpassd.service names: installed below <prefix>/<sysconfdir>, and as
# shipped it serves what ccwpassd serves without a config (its built-in default)
sysconfdir=$(option sysconfdir)
case $sysconfdir in /*) ;; *) sysconfdir=$prefix/$sysconfdir ;; esac
conf=$T/root$sysconfdir/ccwpass/ccwpassd.conf
check "ccwpassd.conf is installed below <sysconfdir>/ccwpass" test -s "$conf"
unit=$(find "$T/root" -name ccwpassd.service | head -n 1)
check "the installed unit starts ccwpassd with --config <sysconfdir>/ccwpass/ccwpassd.conf" \
    grep -q "^ExecStart=.* --config $sysconfdir/ccwpass/ccwpassd.conf " "$unit"
# status NAME [ccwpassd args]: `ccwpass status` of a ccwpassd (no view) started with the
# args, and the size of the volume it created
status() {
    local name=$1 pid line; shift
    mkdir -p "$T/$name" && mkfifo "$T/$name/ready"
    "$B/src/daemon/ccwpassd" --foreground --no-fuse --socket "$T/$name/sock" --state-dir "$T/$name" \
        --ready-fd 3 "$@" 3>"$T/$name/ready" 2>"$T/$name/log" &
    pid=$!
    read -r -t 60 line <"$T/$name/ready"
    "$B/src/cli/ccwpass" --socket "$T/$name/sock" status 2>&1 | sed "s|$T/$name/|STATE/|"
    kill -TERM "$pid"; wait "$pid"
    # the volume it created: its size
    "$B/src/cli/ccwpass" dasd info "$T/$name/dasd-0.0.7e52.cckd" 2>&1 | grep '^device:'
}
default=$(status default)
shipped=$(status shipped --config "$conf")
check "ccwpassd serves the same with the shipped config as with none" eq "$shipped" "$default"
check "that is the seed's DASD 0.0.7e52 on subchannel 0.0.16ca" eq "$(grep -c '^0\.0\.16ca  0\.0\.7e52 ' <<<"$shipped")" 1
check "on a 200-cylinder volume" eq "$(grep -c ' 200 cylinders ' <<<"$shipped")" 1
finish
