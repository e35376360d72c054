#!/usr/bin/env bash
# Puts "SPDX-License-Identifier: GPL-2.0-or-later" at the top of every tracked
# C, header, shell, python and meson file that lacks it (after a "#!" line),
# in the file's comment style: // for .c, /* */ for .h, # for the rest.
# Test dist-spdx checks the result.  usage: scripts/spdx_add.sh (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
ID='SPDX-License-Identifier: GPL-2.0-or-later'
git ls-files | grep -E '(\.(c|h|sh|py)|(^|/)meson\.build|(^|/)meson_options\.txt)$' |
while IFS= read -r f; do
    head -n 2 "$f" | grep -qF -- "$ID" && continue
    case $f in
    *.c) line="// $ID" ;;
    *.h) line="/* $ID */" ;;
    *)   line="# $ID" ;;
    esac
    if head -n 1 "$f" | grep -q '^#!'; then
        sed -i "1a $line" "$f"
    elif [ -s "$f" ]; then
        sed -i "1i $line" "$f"
    else
        echo "$line" >"$f"
    fi
done
