#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds the vfio-ccw device open (the guest runs) until the host mails "done".
. /usr/lib/ccwpass/guestlib.sh
check_out "lscss shows 0.0.1234" '^0\.0\.1234 ' lscss
value holding 1
check "the host says done (mailbox)" mailbox_wait "done" 300
finish
