#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for systemd's notification socket (sd_notify(3)).

Binds a unix datagram socket at PATH, prints "listening" once it is bound,
then prints every assignment (VAR=value) of every datagram it receives, one
line each, flushed, so a shell test can read them from a coprocess and wait
for READY=1 or STOPPING=1 without sleeping.  Exits when stdin or stdout
closes (the test is done).

usage: notify_listen.py PATH
"""
import os
import selectors
import socket
import sys

MAX_DATAGRAM = 4096     # far above any sd_notify message ccwpassd sends


def main() -> int:
    path = sys.argv[1]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    print("listening", flush=True)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in sel.select():
                if key.fileobj is sys.stdin:
                    if not sys.stdin.readline():
                        return 0
                    continue
                data = sock.recv(MAX_DATAGRAM)
                for line in data.decode("utf-8", "replace").split("\n"):
                    if line:
                        print(line, flush=True)
    except BrokenPipeError:
        return 0
    finally:
        os.unlink(path)


if __name__ == "__main__":
    sys.exit(main())
