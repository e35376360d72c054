# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the systemd tests (sourced): lib.sh's TAP helpers and a coprocess that
# plays systemd's notification socket (notify_listen.py).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GUARD_S=20          # only against a hang: startup takes well under a second
has() { grep -qF -- "$2" <<<"$1" || { echo "# '$2' not in:"; sed 's/^/#   /' <<<"$1"; return 1; }; }

# listen LISTENER PATH: start the notification socket at PATH; NOTIFY_SOCKET
# is exported for the daemon started next
listen() {
    coproc NOTIFY { exec python3 "$1" "$2"; }
    local line=""
    read -r -t "$GUARD_S" -u "${NOTIFY[0]}" line
    [ "$line" = listening ] || { echo "# notify listener did not start"; return 1; }
    export NOTIFY_SOCKET=$2
}

# await VAR=VALUE: read notifications until that one (a prefix match, so
# "STATUS=" takes any status); every line read is kept in $notified
notified=""
await() {
    local line
    while read -r -t "$GUARD_S" -u "${NOTIFY[0]}" line; do
        notified+="$line"$'\n'
        [[ $line == "$1"* ]] && return 0
    done
    echo "# no '$1' among the notifications:"; sed 's/^/#   /' <<<"$notified"
    return 1
}

# unlisten: stop the listener (it exits when its stdin closes)
unlisten() {
    [ -n "${NOTIFY_PID:-}" ] || return 0
    local pid=$NOTIFY_PID
    exec {NOTIFY[1]}>&-
    wait "$pid" 2>/dev/null
}
