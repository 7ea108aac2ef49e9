#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A callback receiver for tests: checks X-Capgate-Signature (HMAC-SHA256 over
"RUN.TIMESTAMP.BODY" with the shared secret, RUN and TIMESTAMP from X-Capgate-Run and
X-Capgate-Timestamp, the timestamp within 5 minutes), answers the first FAIL_FIRST POSTs with FAIL_CODE, then 200, and appends one JSON
line per request to LOG. With CERT and KEY it serves HTTPS.
Usage: callback_receiver.py PORTFILE LOG SECRET FAIL_FIRST FAIL_CODE [CERT KEY]"""
import hashlib, hmac, http.server, json, ssl, sys, time

portfile, log, secret, fail_first, fail_code = sys.argv[1:6]
fail_first, fail_code = int(fail_first), int(fail_code)
seen = 0


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        seen += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        run = self.headers.get("X-Capgate-Run", "")
        ts = self.headers.get("X-Capgate-Timestamp", "")
        signed = ("%s.%s." % (run, ts)).encode() + body
        want = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Capgate-Signature", "")
        valid = hmac.compare_digest(want, got) and ts.isdigit() and abs(time.time() - int(ts)) < 300
        code = fail_code if seen <= fail_first else (200 if valid else 401)
        try:
            verdict = json.loads(body).get("verdict")
        except ValueError:
            verdict = None
        with open(log, "a") as f:
            f.write(json.dumps({"n": seen, "valid": valid, "code": code, "verdict": verdict,
                                "run": self.headers.get("X-Capgate-Run"), "path": self.path,
                                "type": self.headers.get("Content-Type")}) + "\n")
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), H)
if len(sys.argv) > 7:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[6], sys.argv[7])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
