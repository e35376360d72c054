# SPDX-License-Identifier: GPL-2.0-or-later
# TAP helpers shared by the tests/dist shell tests (sourced, not run).
n=0 fails=0
ok()  { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); fails=$((fails+1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }
eq() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'"; return 1; }; }
# finish: the plan line and the exit status
finish() { echo "1..$n"; [ "$fails" = 0 ]; }
