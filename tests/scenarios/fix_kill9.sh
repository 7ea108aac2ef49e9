#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kill -9 at random points of `capgate fix`, many rounds: never a half-written file (every
# rewritten file is the old or the new content, a leftover temp is complete), and the next fix
# completes and converges on the same image as an uninterrupted fix. Rounds: CAPGATE_KILL_ROUNDS.
set -eu
bin=${CAPGATE_BIN:?}
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
exec python3 - "$bin" "${CAPGATE_KILL_ROUNDS:-30}" <<'PY'
import hashlib, json, os, random, shutil, signal, subprocess, sys, tempfile, time

bin, rounds = sys.argv[1], int(sys.argv[2])
w = tempfile.mkdtemp(prefix='capgate-kill.')
pristine = os.path.join(w, 'pristine')

SHADOW = 'root:$6$rounds=5000$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH:20000:0:99999:7:::\n' \
         'daemon:*:20000:0:99999:7:::\n'
SUDO = '# Created by cloud-init\npacker ALL=(ALL) NOPASSWD:ALL\nalice ALL=(ALL) ALL\n'
MID = '0123456789abcdef0123456789abcdef\n'

def put(rel, data, mode=0o644):
    p = pristine + rel
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'wb') as f:
        f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(p, mode)

users = ['root:x:0:0::/root:/bin/bash', 'packer:x:1000:1000::/home/packer:/bin/bash']
for i in range(30):
    users.append('u%d:x:%d:%d::/home/u%d:/bin/bash' % (i, 2000 + i, 2000 + i, i))
    put('/home/u%d/.bash_history' % i, 'history %d\n' % i * 50, 0o600)
put('/etc/passwd', '\n'.join(users) + '\n')
put('/etc/shadow', SHADOW, 0o640)
put('/etc/sudoers.d/90-cloud-init-users', SUDO, 0o440)
put('/etc/machine-id', MID, 0o444)
put('/var/lib/dbus/machine-id', MID)
put('/usr/lib/systemd/systemd', '', 0o755)
put('/home/packer/.ssh/authorized_keys', 'ssh-ed25519 AAAA packer\n', 0o600)
put('/etc/ssh/ssh_host_ed25519_key', 'KEY\n', 0o600)
put('/etc/systemd/system/ssh.service.d/k.conf', '[Service]\nExecStartPre=/usr/bin/ssh-keygen -A\n')
for i in range(150):
    put('/var/log/app/app%03d.log' % i, ('log line %d\n' % i) * 200, 0o640)
for i in range(300):
    put('/tmp/build/f%04d' % i, 'x' * 100)
for i in range(60):
    put('/var/lib/waagent/Extension%03d/state.json' % i, '{}')
put('/var/lib/cloud/instances/i-1/user-data.txt', '#cloud-config\n', 0o600)

def digest(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n); st = os.lstat(p); rel = p[len(root):]
            if os.path.islink(p): extra = os.readlink(p)
            elif os.path.isfile(p): extra = hashlib.sha256(open(p, 'rb').read()).hexdigest()
            else: extra = ''
            out[rel] = (st.st_mode, st.st_uid, st.st_gid, extra)
    return out

def fix(root, manifest=None):
    args = [bin, 'fix', '--root', root, '--only', 'gen.*']
    if manifest: args += ['--manifest', manifest]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

ref = os.path.join(w, 'ref')
subprocess.run(['cp', '-a', pristine, ref], check=True)
t0 = time.monotonic(); rc = fix(ref).wait(); full = time.monotonic() - t0
assert rc == 0, 'uninterrupted fix exit %d' % rc
refd = digest(ref)
pristined = digest(pristine)
locked = open(ref + '/etc/shadow').read()
sudo_fixed = open(ref + '/etc/sudoers.d/90-cloud-init-users').read()
print('uninterrupted fix: %.0f ms; %d rounds, kill at a random point in [0, %.0f ms]' % (full * 1000, rounds, full * 1000))

random.seed(os.environ.get('CAPGATE_KILL_SEED', str(os.getpid())))
fails, killed_mid, partial = [], 0, 0
for n in range(rounds):
    work = os.path.join(w, 'r%d' % n)
    subprocess.run(['cp', '-a', pristine, work], check=True)
    man = os.path.join(w, 'm%d.json' % n)
    p = fix(work, man)
    time.sleep(random.uniform(0, full))
    p.send_signal(signal.SIGKILL)
    rc = p.wait()
    killed_mid += rc == -9
    dk = digest(work)
    partial += dk != pristined and dk != refd  # killed with some changes made, not all
    # never half-written
    def one_of(rel, allowed):
        try: c = open(work + rel).read()
        except FileNotFoundError: c = None
        if c not in allowed: fails.append('round %d: %s is half-written: %r' % (n, rel, c))
    one_of('/etc/shadow', (SHADOW, locked))
    one_of('/etc/sudoers.d/90-cloud-init-users', (SUDO, sudo_fixed))
    one_of('/etc/machine-id', (MID, ''))
    for i in range(150):
        rel = '/var/log/app/app%03d.log' % i
        c = open(work + rel).read()
        if c not in (('log line %d\n' % i) * 200, ''): fails.append('round %d: %s half-truncated' % (n, rel))
    for d, _, files in os.walk(work):
        for f in files:
            if f.endswith('.capgate-tmp'):
                target = os.path.join(d, f[1:-len('.capgate-tmp')])[len(work):]
                c = open(os.path.join(d, f)).read() if not os.path.islink(os.path.join(d, f)) else None
                full_new = {'/etc/shadow': locked, '/etc/sudoers.d/90-cloud-init-users': sudo_fixed, '/etc/machine-id': ''}
                if target in full_new and c != full_new[target]:
                    fails.append('round %d: temp of %s is incomplete' % (n, target))
    if os.path.exists(man):
        try: json.load(open(man))
        except ValueError: fails.append('round %d: manifest is not valid JSON' % n)
    # the next fix completes and converges
    rc = fix(work).wait()
    if rc != 0: fails.append('round %d: next fix exit %d' % (n, rc))
    d = digest(work)
    if d != refd:
        diff = sorted(set(k for k in set(d) | set(refd) if d.get(k) != refd.get(k)))[:5]
        fails.append('round %d: did not converge: %s' % (n, diff))
    shutil.rmtree(work)
shutil.rmtree(w)
print('rounds: %d, killed: %d, killed between the first and the last change: %d, half-written files: %d, failures: %d' % (rounds, killed_mid, partial,
      sum('half' in f or 'incomplete' in f for f in fails), len(fails)))
if fails:
    print('\n'.join(fails[:20])); sys.exit(1)
PY
