#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stand-in for journald's native socket: parse each datagram of the journal protocol
(KEY=VALUE lines, or KEY\\n + 64-bit little-endian length + value) and append it as one JSON
object per line. Usage: journal_listener.py SOCKET OUTFILE"""
import json, socket, struct, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)


def parse(buf):
    fields, i = {}, 0
    while i < len(buf):
        nl = buf.index(b"\n", i)
        line = buf[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", buf[nl + 1:nl + 9])
            v = buf[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields.setdefault(k.decode(), []).append(v.decode(errors="replace"))
    return fields


with open(out, "a", buffering=1) as f:
    while True:
        f.write(json.dumps(parse(s.recv(1 << 20))) + "\n")
