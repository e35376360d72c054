#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Does the guest see device ccwpass.devno (default 0.0.1234)?  The kernel
# parameter ccwpass.expect=present|absent says which answer is right.
. /usr/lib/ccwpass/guestlib.sh
dev=${CCWPASS_DEVNO:-0.0.1234}
lscss | sed 's/^/  | /'
if lscss | grep -q "^$dev "; then value seen yes; else value seen no; fi
if [ "${CCWPASS_EXPECT:-present}" = present ]; then
    check_out "lscss shows $dev as 3390/0c" "^$dev +0\.0\.[0-9a-f]{4} +3390/0c +3990/" lscss
    if [ -n "${CCWPASS_ONLINE:-}" ]; then
        if blk=$(dasd_online "$dev" 120); then
            pass "chccwdev -e $dev brings /dev/$blk up"
            check "chccwdev -d $dev" chccwdev -d "$dev"
        else
            fail "chccwdev -e $dev"; dmesg | tail -n 20 | sed 's/^/# /'
        fi
    fi
else
    check "lscss does not show $dev" sh -c "! lscss | grep -q '^$dev '"
    check "no DASD appears" sh -c "! ls /sys/bus/ccw/drivers/dasd-eckd/ 2>/dev/null | grep -q '^0\.'"
fi
finish
