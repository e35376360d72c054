#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/unplug.sh: the host removes the mdev while the guest
# runs (echo 1 > …/mdev/devices/<uuid>/remove); QEMU gets the device request
# and unplugs the vfio-ccw device; the guest sees 0.0.1234 go away and keeps
# running.
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234
blk=$(dasd_online $dev 120) || { fail "chccwdev -e $dev"; finish; }
pass "$dev online as /dev/$blk"
check "chccwdev -d $dev (the host may remove an mdev whose device the guest has offline)" chccwdev -d $dev
dmesg -c >/dev/null
value ready remove
mailbox_wait removed 120 || { fail "the host removed the mdev"; finish; }
end=$(( $(now_ms) + 60000 ))
while lscss | grep -q "^$dev " && [ "$(now_ms)" -lt "$end" ]; do sleep 0.2; done
lscss | sed 's/^/  | /'
dmesg | tail -n 5 | sed 's/^/  | /'
if lscss | grep -q "^$dev "; then fail "$dev disappears from the guest (still listed after 60 s)"
else pass "$dev disappears from the guest after the host removed its mdev"; fi
check_out "the guest keeps running (its virtio mailbox still answers)" '^removed$' mailbox_read
finish
