#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake capgate daemon for `capgate wait` tests: answers /v1/runs, /v1/ready and /v1/report as
the file MODE says (one JSON document: {"runs": [code, body], "ready": [code, body, content-type],
"report": [code, body]}, re-read on every request) and appends every Authorization header it sees
to LOG. Usage: fake_daemon.py PORTFILE MODE LOG [PORT]"""
import ctypes, http.server, json, os, signal, sys

# gone with the scenario that started it (a launcher in between, such as a version manager's shim
# or setpriv, may leave the pid the scenario kills not this process's)
ppid = os.getppid()
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
if os.getppid() != ppid:
    sys.exit(0)

portfile, mode, log = sys.argv[1:4]
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0


class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        with open(log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Authorization", "-")))
        n = int(self.headers.get("Content-Length", "0") or 0)
        if n:
            self.rfile.read(n)
        with open(mode) as f:
            m = json.load(f)
        key = {"/v1/runs": "runs", "/v1/ready": "ready", "/v1/report": "report"}.get(self.path, "")
        code, body, ctype = (m.get(key, [404, "{}"]) + ["application/json"])[:3]
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = answer
    do_POST = answer

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer(("127.0.0.1", port), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_port))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
