#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Adds up the TAP results of meson test logs into one 'N passed, M failed' line.

A test program that printed no TAP line counts as one result of its own (its
exit status decides), so a crash before the first assertion is a failure."""
import json, re, sys

passed = failed = skipped = 0
failures = []
for path in sys.argv[1:]:
    tree = path.split('/')[0]
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print(f'tap_summary: {e}', file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get('stdout') or ''
        oks = nots = skips = 0
        for l in out.splitlines():
            if re.match(r'^ok\b', l):
                if re.search(r'#\s*SKIP', l, re.I):
                    skips += 1
                else:
                    oks += 1
            elif re.match(r'^not ok\b', l):
                nots += 1
                failures.append(f"{tree}: {t['name']}: {l}")
        if oks + nots + skips == 0 or (t['result'] not in ('OK', 'EXPECTEDFAIL') and nots == 0):
            if t['result'] in ('OK', 'EXPECTEDFAIL'):
                oks += 1
            elif t['result'] == 'SKIP':
                skips += 1
            else:
                nots += 1
                failures.append(f"{tree}: {t['name']}: {t['result']}")
        passed += oks; failed += nots; skipped += skips
for f in failures:
    print('FAILED', f)
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
sys.exit(1 if failed else 0)
