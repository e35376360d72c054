#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` puts the man pages where man(1) finds them
# (<prefix>/<mandir>/manN, stamped with the project version) and the bash
# completion where bash-completion loads it.  Prints TAP.
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
finish
