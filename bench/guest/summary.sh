#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/guest/summary.sh RESULTS.TSV — the side-by-side table of
# bench/guest/run.sh from its raw results.
#
# Input: one measurement a line, "ROUND<TAB>SIDE<TAB>KEY<TAB>VALUE" (SIDE is
# ccwpass, virtio or hercules; VALUE a number, anything else is ignored).
# Output: per measure, min/median/max per side (over the rounds), and the
# ratios of the medians ccwpass/hercules and ccwpass/virtio.  For times (ms)
# a ratio below 1 means ccwpass is faster; for rates above 1.
set -euo pipefail
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: summary.sh RESULTS.TSV" >&2; exit 2; }
awk -F '\t' '
    function median(s, n,   a, i, j, t, k) {
        k = split(s, a, " ")
        for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        if (k % 2) return a[(k + 1) / 2]
        return (a[k / 2] + a[k / 2 + 1]) / 2
    }
    function lo(s,   a, i, k, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
    function hi(s,   a, i, k, m) { k = split(s, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
    function fmt(x) { return (x == int(x)) ? sprintf("%d", x) : sprintf("%.1f", x) }
    function cell(side, key,   s) {
        s = v[side, key]
        if (s == "") return "-"
        return fmt(lo(s)) "/" fmt(median(s)) "/" fmt(hi(s))
    }
    function ratio(key, other,   a, b) {
        if (v["ccwpass", key] == "" || v[other, key] == "") return "-"
        a = median(v["ccwpass", key]); b = median(v[other, key])
        return (b > 0) ? sprintf("%.2f", a / b) : "-"
    }
    NF == 4 && $4 ~ /^-?[0-9]+(\.[0-9]+)?$/ && $4 + 0 >= 0 {
        k = $2 SUBSEP $3
        v[k] = (v[k] == "" ? "" : v[k] " ") $4
        if (!($3 in seen)) { seen[$3] = 1; order[++nkeys] = $3 }
        if (!($1 in rounds)) { rounds[$1] = 1; nr++ }
    }
    END {
        printf "%d round(s); per side min/median/max; ratios of the medians\n", nr
        printf "%-26s %-22s %-22s %-22s %9s %9s\n", "measure", "ccwpass", "hercules", "virtio", "ccw/herc", "ccw/virt"
        for (i = 1; i <= nkeys; i++) {
            key = order[i]
            if (key == "cylinders" || key == "cckd_cylinders") continue
            printf "%-26s %-22s %-22s %-22s %9s %9s\n", key, cell("ccwpass", key), cell("hercules", key),
                cell("virtio", key), ratio(key, "hercules"), ratio(key, "virtio")
        }
    }' "$1"
