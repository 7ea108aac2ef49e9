#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A build's leftovers planted in a copy of the stock Debian 12 rootfs, hostile traps included:
# `capgate fix --root` then `capgate scan --root` is ready for everything with a safe fix, the
# manifest lists every change, the traps are reported and untouched, --dry-run printed exactly
# the plan the real run carried out, and a second fix changes nothing.
set -eu
bin=${CAPGATE_BIN:?}
src=${CAPGATE_SRC:?}
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
cache=$(sh "$src/tests/fixtures/rootfs.sh")
w=$(mktemp -d /tmp/capgate-fixfs.XXXXXX)
trap 'rm -rf "$w"' EXIT
img=$w/img
cp -a "$cache" "$img"
mkdir -p "$w/outside"
echo "canary outside the image" > "$w/outside/canary"

# ---- the build's leftovers ----
echo 'packer:x:1000:1000::/home/packer:/bin/bash' >> "$img/etc/passwd"
echo 'alice:x:1001:1001::/home/alice:/bin/bash' >> "$img/etc/passwd"
echo 'packer2:x:1002:1002::/home/packer2:/usr/sbin/nologin' >> "$img/etc/passwd"
echo 'packer:$6$x$y:20000:0:99999:7:::' >> "$img/etc/shadow"
echo 'alice:!:20000:0:99999:7:::' >> "$img/etc/shadow"
sed -i 's|^root:[^:]*:|root:$6$rounds=5000$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH:|' "$img/etc/shadow"
mkdir -p "$img/home/packer/.ssh" "$img/home/alice/.ssh" "$img/home/packer/.aws"
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBuildKey packer@build' > "$img/home/packer/.ssh/authorized_keys"
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAliceKey alice@laptop' > "$img/home/alice/.ssh/authorized_keys"
printf '[default]\naws_access_key_id = AKIAZ7Q4XJ2N5WRB3KDE\naws_secret_access_key = 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\n' > "$img/home/packer/.aws/credentials"
chown -R 1000:1000 "$img/home/packer"; chown -R 1001:1001 "$img/home/alice"
echo 'packer ALL=(ALL) NOPASSWD:ALL' > "$img/etc/sudoers.d/90-cloud-init-users"
echo 'packer2 ALL=(ALL) ALL' > "$img/etc/sudoers.d/packer2"
chmod 0440 "$img/etc/sudoers.d/90-cloud-init-users" "$img/etc/sudoers.d/packer2"
printf 'sudo apt-get install -y nginx\nexport AZURE_CLIENT_SECRET=abc\n' > "$img/home/packer/.bash_history"
echo 'cat ~/.aws/credentials' > "$img/home/alice/.bash_history"
echo 'cloud-init[812]: running modules for config' > "$img/var/log/cloud-init.log"
echo 'WALinuxAgent: provisioning complete' > "$img/var/log/waagent.log"
mkdir -p "$img/var/log/azure/Microsoft.Azure.Extensions.CustomScript" "$img/var/log/journal/0123456789abcdef"
echo 'extension output' > "$img/var/log/azure/Microsoft.Azure.Extensions.CustomScript/handler.log"
echo 'old syslog' > "$img/var/log/syslog.1"
printf 'LPKSHHRH journal' > "$img/var/log/journal/0123456789abcdef/system.journal"
head -c 384 /dev/zero > "$img/var/log/wtmp"
mkdir -p "$img/var/lib/dhcp" "$img/var/lib/NetworkManager"
echo 'lease { fixed-address 10.0.0.4; }' > "$img/var/lib/dhcp/dhclient.eth0.leases"
echo 'ADDRESS=10.0.0.4' > "$img/var/lib/NetworkManager/internal-1234-eth0.lease"
mkdir -p "$img/var/lib/dbus"; cp "$img/etc/machine-id" "$img/var/lib/dbus/machine-id"
mkdir -p "$img/var/lib/cloud/instances/i-abc" "$img/var/lib/cloud/seed/nocloud" "$img/usr/bin" "$img/etc/cloud"
echo '#cloud-config' > "$img/var/lib/cloud/instances/i-abc/user-data.txt"
ln -s /var/lib/cloud/instances/i-abc "$img/var/lib/cloud/instance"
echo 'instance-id: seed' > "$img/var/lib/cloud/seed/nocloud/meta-data"
printf '#!/bin/sh\n' > "$img/usr/bin/cloud-init"; chmod 755 "$img/usr/bin/cloud-init"
printf 'cloud_init_modules:\n - seed_random\n - ssh\n' > "$img/etc/cloud/cloud.cfg"
mkdir -p "$img/var/lib/waagent"
echo '<ns1:UserName>packer</ns1:UserName>' > "$img/var/lib/waagent/ovf-env.xml"
echo '<GoalState/>' > "$img/var/lib/waagent/GoalState.1.xml"
echo '-----BEGIN CERTIFICATE-----' > "$img/var/lib/waagent/Certificates.pem"
mkdir -p "$img/var/lib/systemd"; head -c 512 /dev/urandom > "$img/var/lib/systemd/random-seed"
mkdir -p "$img/var/crash"; echo crash > "$img/var/crash/_usr_bin_app.0.crash"
echo '#!/bin/sh' > "$img/tmp/script_4242.sh"

# ---- hostile traps ----
ln -s "$w/outside/canary" "$img/root/.bash_history"            # history: a link out of the root
ln "$img/etc/shadow" "$img/home/alice/.python_history"         # history: a hard link to /etc/shadow
ln -s "$w/outside" "$img/var/log/nginx"                        # a log directory that is a link out
ln "$img/etc/passwd" "$img/var/log/auth.log"                   # a log that is a hard link to passwd

digest() { python3 - "$1" <<'PY'
import hashlib, os, sys, json
root = sys.argv[1]; out = {}
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n); st = os.lstat(p); rel = p[len(root):]
        extra = ''
        if os.path.islink(p): extra = os.readlink(p)
        elif os.path.isfile(p):
            h = hashlib.sha256()
            with open(p, 'rb') as f:
                for b in iter(lambda: f.read(1 << 20), b''): h.update(b)
            extra = h.hexdigest()
        out[rel] = [st.st_mode, st.st_uid, st.st_gid, 0 if os.path.isdir(p) and not os.path.islink(p) else st.st_size, extra]
print(json.dumps(out))
PY
}
digest "$img" > "$w/before.json"
digest "$w/outside" > "$w/outside-before.json"

# ---- dry run, then the real run: the same plan ----
"$bin" fix --root "$img" --dry-run > "$w/dry.txt" || true
digest "$img" > "$w/after-dry.json"
cmp -s "$w/before.json" "$w/after-dry.json" || { echo "FAIL: --dry-run changed the image"; exit 1; }
rc=0; "$bin" fix --root "$img" --manifest "$w/manifest.json" > "$w/real.txt" 2> "$w/real.err" || rc=$?
cat "$w/real.txt" | sed -n '/^plan:/,/^applied:/p'
echo "fix exit code: $rc"
[ "$rc" -ne 3 ] || { echo "FAIL: fix reported an error"; cat "$w/real.err"; exit 1; }
plan() { grep -E '^(plan:|  (do|skip) )' "$1"; }
plan "$w/dry.txt" > "$w/dry.plan"; plan "$w/real.txt" > "$w/real.plan"
diff -u "$w/dry.plan" "$w/real.plan" || { echo "FAIL: --dry-run printed another plan"; exit 1; }
"$bin" scan --root "$img" --format json > "$w/scan.json" || true
digest "$img" > "$w/after.json"
digest "$w/outside" > "$w/outside-after.json"

python3 - "$w" <<'PY'
import json, sys
w = sys.argv[1]
before = json.load(open(w + '/before.json')); after = json.load(open(w + '/after.json'))
man = json.load(open(w + '/manifest.json'))['entries']
scan = json.load(open(w + '/scan.json'))
plan = [l.split() for l in open(w + '/real.plan') if l.startswith('  do ')]
fail = []
def check(cond, msg):
    if not cond: fail.append(msg)

check(json.load(open(w + '/outside-before.json')) == json.load(open(w + '/outside-after.json')), 'something outside the image changed')
# the manifest is the plan carried out: same actions on the same paths, all done
done = sorted((e['action'], e['path']) for e in man)
check(done == sorted((p[2], p[3]) for p in plan), 'manifest differs from the dry-run plan')
check(all(e['result'] == 'done' for e in man), 'an action failed: %s' % [e for e in man if e['result'] != 'done'])
# every change is a manifest entry (or below a removed tree, or a directory whose entries changed)
roots = [e['path'] for e in man]
def covered(p):
    return any(p == r or p.startswith(r.rstrip('/') + '/') for r in roots)
changed = [p for p in set(before) | set(after) if before.get(p) != after.get(p)]
for p in changed:
    if covered(p): continue
    b, a = before.get(p), after.get(p)
    if b and a and b[0] == a[0] and (b[0] & 0o170000) == 0o040000: continue  # a directory listing changed
    if p.startswith('/etc/systemd/system/') and any(r.startswith('/etc/systemd/system/') for r in roots): continue
    fail.append('change not in the manifest: %s' % p)
for e in man:
    check('sha256_before' in e and (('mode' in e and 'owner' in e and 'size' in e) or e.get('existed') is False),
          'manifest entry without before-state: %s' % e['path'])
text = open(w + '/manifest.json').read()
for secret in ('saltsalt', '9xQ2vR7tL4kN8mP3wZ6yB1cF5hJ0dG2sA4eU7iO9', 'AZURE_CLIENT_SECRET'):
    check(secret not in text, 'a secret is in the manifest')
# ready for everything with a safe fix: what still fails is a trap, has no fix, or had its fix
# refused in the plan with a reason (guarded, site policy, no safe value known)
by = {c['id']: c for c in scan['checks']}
traps = {'/var/log/nginx', '/var/log/auth.log'}
refused = {}
for l in open(w + '/real.plan'):
    if l.startswith('  skip ') and "phase '" not in l and 'removed with' not in l:
        cid = l[l.rindex('(', 0, l.index('):') + 1) + 1:l.index('):')]
        refused.setdefault(cid, []).append(l.strip())
for c in scan['checks']:
    if c['status'] in ('pass', 'skip'): continue
    if c['status'] == 'error': fail.append('%s: error after fix' % c['id']); continue
    if c['remediation'] is None or c['id'] in refused: continue
    for f in c['findings']:
        if f['path'] not in traps:
            fail.append('%s still fails on %s after fix, and its fix was not refused' % (c['id'], f['path']))
print('refused fixes, with their reasons: %d (%s)' % (sum(map(len, refused.values())), ', '.join(sorted(refused))))
check(sorted(f['path'] for f in by['gen.logs']['findings']) == sorted(traps), 'traps not reported: %s' % by['gen.logs']['findings'])
for cid in ('gen.machine-id', 'gen.ssh-host-keys', 'gen.shell-history', 'gen.build-user-access', 'gen.root-password',
            'gen.network-state', 'gen.cloud-init-state', 'gen.agent-state', 'gen.tmp-files', 'gen.package-caches',
            'gen.crash-data', 'gen.random-seed'):
    check(by[cid]['status'] == 'pass', '%s is %s after fix' % (cid, by[cid]['status']))
# the traps and what they point at are untouched; kept things kept
for p in ('/var/log/nginx', '/var/log/auth.log', '/etc/passwd', '/var/lib/cloud/seed/nocloud/meta-data',
          '/home/alice/.ssh/authorized_keys', '/etc/sudoers.d/packer2'):
    check(before[p] == after.get(p), 'touched: %s' % p)
check(after['/etc/shadow'][4] != before['/etc/shadow'][4], 'root password not locked')
check('/home/packer/.ssh/authorized_keys' not in after, 'build user key left')
print('changes: %d paths, %d manifest entries' % (len(changed), len(man)))
if fail:
    print('\n'.join('FAIL: ' + f for f in fail)); sys.exit(1)
PY
grep -q '^root:\*:' "$img/etc/shadow" || { echo "FAIL: root not locked"; exit 1; }
grep -q '^alice:!:20000' "$img/etc/shadow" || { echo "FAIL: other shadow lines changed"; exit 1; }
[ "$(cat "$img/etc/sudoers.d/90-cloud-init-users")" = "" ] || { echo "FAIL: sudoers line left"; exit 1; }
[ "$(readlink "$img/var/lib/dbus/machine-id")" = /etc/machine-id ] || { echo "FAIL: dbus machine-id"; exit 1; }
[ -s "$img/etc/machine-id" ] && { echo "FAIL: machine-id not empty"; exit 1; }

# ---- a second fix is a no-op ----
"$bin" fix --root "$img" --manifest "$w/manifest2.json" > "$w/second.txt" 2>&1 || true
digest "$img" > "$w/after2.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); m=json.load(open(sys.argv[3]))['entries']; sys.exit(0 if a==b and m==[] else 1)" \
	"$w/after.json" "$w/after2.json" "$w/manifest2.json" || { echo "FAIL: the second fix changed something"; exit 1; }
echo "ok: fix on the planted rootfs"
