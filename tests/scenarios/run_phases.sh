#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# capgate run: scan only by default; with --remediate (or remediate.enabled in config) it fixes
# phases any and late, leaves the last phase (host keys, build-user access) to
# `capgate fix --phase last`, rescans and exits by the verdict after the fix.
set -eu
bin=${CAPGATE_BIN:?}
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
w=$(mktemp -d /tmp/capgate-run.XXXXXX)
trap 'rm -rf "$w"' EXIT
t=$w/img
export CAPGATE_CONFDIR=$w/noconf
mkdir -p "$t/etc/ssh" "$t/etc/sudoers.d" "$t/home/packer/.ssh" "$t/var/log" "$t/usr/lib/systemd" \
	"$t/etc/systemd/system/ssh.service.d"
printf 'root:x:0:0::/root:/bin/sh\npacker:x:1000:1000::/home/packer:/bin/sh\n' > "$t/etc/passwd"
echo 0123456789abcdef0123456789abcdef > "$t/etc/machine-id"
touch "$t/usr/lib/systemd/systemd"
echo key > "$t/etc/ssh/ssh_host_ed25519_key"
printf '[Service]\nExecStartPre=/usr/bin/ssh-keygen -A\n' > "$t/etc/systemd/system/ssh.service.d/keygen.conf"
echo 'ssh-ed25519 AAAA packer' > "$t/home/packer/.ssh/authorized_keys"
echo 'packer ALL=(ALL) NOPASSWD:ALL' > "$t/etc/sudoers.d/90-cloud-init-users"
echo 'build output' > "$t/var/log/build.log"
ls -laR "$t" > "$w/ls0"

fail() { echo "FAIL: $*"; exit 1; }
rc=0; "$bin" run --root "$t" --only "gen.*" > /dev/null || rc=$?
[ $rc -eq 1 ] || fail "run without --remediate: exit $rc, want 1"
ls -laR "$t" > "$w/ls1"; cmp -s "$w/ls0" "$w/ls1" || fail "run without --remediate changed the image"

rc=0; "$bin" run --root "$t" --only "gen.*" --phase last > /dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "run --phase last: exit $rc, want 2"
rc=0; "$bin" fix --root "$t" --only "gen.*" --phase soon > /dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "fix --phase soon: exit $rc, want 2"

rc=0; "$bin" run --root "$t" --only "gen.*" --remediate --format json > "$w/run.json" 2> "$w/run.plan" || rc=$?
[ $rc -eq 0 ] || fail "run --remediate: exit $rc, want 0 (what is left is the last phase's)"
python3 - "$w/run.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
acts = {a['path']: a for a in r['actions']}
want = {'/etc/machine-id': 'done', '/var/log/build.log': 'done', '/etc/ssh/ssh_host_ed25519_key': 'skipped',
        '/home/packer/.ssh/authorized_keys': 'skipped', '/etc/sudoers.d/90-cloud-init-users': 'skipped'}
for p, res in want.items():
    if acts.get(p, {}).get('result') != res:
        sys.exit('FAIL: %s: %s, want %s' % (p, acts.get(p), res))
if 'phase \'last\' not selected' not in acts['/etc/ssh/ssh_host_ed25519_key']['reason']:
    sys.exit('FAIL: no reason for the skipped last phase')
st = {c['id']: c['status'] for c in r['checks']}
# what the last phase fixes is reported, with its findings, as deferred: it does not block the gate
if st['gen.machine-id'] != 'pass' or st['gen.logs'] != 'pass' or st['gen.ssh-host-keys'] != 'skip' \
        or st['gen.build-user-access'] != 'skip':
    sys.exit('FAIL: rescan statuses %s' % st)
hk = [c for c in r['checks'] if c['id'] == 'gen.ssh-host-keys'][0]
if 'last phase' not in hk.get('reason', '') or not hk['findings']:
    sys.exit('FAIL: deferred check without reason or findings: %s' % hk)
if r['verdict'] != 'ready':
    sys.exit('FAIL: verdict %s' % r['verdict'])
PY
grep -q '^plan: 2 actions to apply, 3 not applied' "$w/run.plan" || fail "plan not printed to stderr with --format json: $(cat "$w/run.plan")"

rc=0; "$bin" fix --root "$t" --only "gen.*" --phase last > "$w/last.txt" || rc=$?
[ $rc -eq 0 ] || { cat "$w/last.txt"; fail "fix --phase last: exit $rc, want 0"; }
[ ! -e "$t/etc/ssh/ssh_host_ed25519_key" ] || fail "host key left"
[ ! -s "$t/etc/sudoers.d/90-cloud-init-users" ] || fail "sudoers line left"

# remediate.enabled in config makes run fix without the flag
echo 'more output' > "$t/var/log/build.log"
printf '{"remediate": {"enabled": true}}\n' > "$w/c.json"
rc=0; "$bin" run --root "$t" --only "gen.*" --config "$w/c.json" > /dev/null || rc=$?
[ $rc -eq 0 ] || fail "run with remediate.enabled: exit $rc, want 0"
[ ! -s "$t/var/log/build.log" ] || fail "log not truncated with remediate.enabled"
printf '{"remediate": {"enabled": "yes"}}\n' > "$w/bad.json"
rc=0; "$bin" run --root "$t" --only "gen.*" --config "$w/bad.json" > /dev/null 2> "$w/bad.err" || rc=$?
[ $rc -eq 2 ] && grep -q 'bad.json:1:' "$w/bad.err" || fail "bad remediate config: exit $rc"
# --signal: the final report, signed, to a receiver on 127.0.0.1
python3 - "$w" <<'PY' &
import hashlib, hmac, http.server, json, sys
w = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        signed = ('%s.%s.' % (self.headers.get('X-Capgate-Run', ''), self.headers.get('X-Capgate-Timestamp', ''))).encode() + body
        want = 'sha256=' + hmac.new(b'test-secret', signed, hashlib.sha256).hexdigest()
        ok = self.headers.get('X-Capgate-Signature') == want and json.loads(body)['schema'] == 'capgate.report/v1'
        open(w + '/signal.txt', 'w').write('good' if ok else 'bad')
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(w + '/port.tmp', 'w').write(str(s.server_port)); __import__('os').rename(w + '/port.tmp', w + '/port')
s.handle_request()
PY
for i in $(seq 300); do [ -f "$w/port" ] && break; sleep 0.1; done
rc=0; CAPGATE_CALLBACK_SECRET=test-secret "$bin" run --root "$t" --only "gen.*" --signal "http://127.0.0.1:$(cat "$w/port")/done" > /dev/null 2>&1 || rc=$?
wait
[ $rc -eq 0 ] && [ "$(cat "$w/signal.txt")" = good ] || fail "run --signal: exit $rc, receiver saw '$(cat "$w/signal.txt" 2>/dev/null)'"
echo "ok: run phases"
