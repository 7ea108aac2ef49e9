#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stand-in for systemd's notify socket: append every sd_notify datagram to a file, one per line
(newlines inside a datagram become '|'). Usage: notify_listener.py SOCKET OUTFILE"""
import os, socket, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "a", buffering=1) as f:
    f.write("LISTENING\n")
    while True:
        data = s.recv(65536)
        f.write(data.decode(errors="replace").strip("\n").replace("\n", "|") + "\n")
