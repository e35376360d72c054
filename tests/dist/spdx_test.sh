#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The license is stated once and everywhere alike: LICENSE holds the GPL-2.0
# text, meson.build declares GPL-2.0-or-later, and every tracked source file
# (C, headers, shell, python, meson) carries the matching SPDX line in its
# first two lines (the second for a file that starts with "#!").  Prints TAP.
# usage: spdx_test.sh SOURCE_ROOT
R=$1
. "$(dirname "$0")/tap.sh"
SPDX='SPDX-License-Identifier: GPL-2.0-or-later'
SPDX_LINES=2        # a "#!" line may come first

# has_text FILE TEXT: TEXT occurs in FILE
has_text() { grep -qF -- "$2" "$1" 2>/dev/null || { echo "# '$2' not in $1"; return 1; }; }
check "LICENSE is the GPL version 2" has_text "$R/LICENSE" "Version 2, June 1991"
check "LICENSE has the GPL's terms" has_text "$R/LICENSE" "TERMS AND CONDITIONS FOR COPYING, DISTRIBUTION AND MODIFICATION"
check "meson.build declares GPL-2.0-or-later" has_text "$R/meson.build" "license : 'GPL-2.0-or-later'"

# sources: the tracked files (git), else every file outside build and cache trees
sources() {
    if git -C "$R" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$R" ls-files
    else
        (cd "$R" && find . -path ./.git -prune -o -path './build*' -prune -o -path ./guest/cache -prune \
            -o -path ./subprojects -prune -o -type f -print | sed 's|^\./||')
    fi | grep -E '(\.(c|h|sh|py)|(^|/)meson\.build|(^|/)meson_options\.txt)$'
}
missing=() total=0
while IFS= read -r f; do
    total=$((total+1))
    head -n "$SPDX_LINES" "$R/$f" | grep -qF -- "$SPDX" || missing+=("$f")
done < <(sources)
check "source files found ($total)" test "$total" -gt 0
if ((${#missing[@]})); then
    nok "every source file starts with '$SPDX' (${#missing[@]} of $total do not)"
    printf '#   %s\n' "${missing[@]:0:20}"
else
    ok "every source file starts with '$SPDX'"
fi
finish
