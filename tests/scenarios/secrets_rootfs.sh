#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# secrets.* on a copy of the stock debootstrapped Debian 12 rootfs: no false finding, nothing
# written; then a build's credentials planted into the copy are each found, redacted.
#
# Per-machine keys the install generated: openssh-server's /etc/ssh/ssh_host_{rsa,ecdsa,ed25519}_key.
# They are real private keys but belong to gen.ssh-host-keys (CHECKS.md), so secrets.private-keys
# must not report them; the stock tree has no other private key, token or credential file.
. "$CAPGATE_SRC/tests/scenario-lib.sh"

cache=$(sh "$CAPGATE_SRC/tests/fixtures/rootfs.sh" 2>"$scratch/rootfs.log") || {
	echo "skip: no cached Debian 12 rootfs and none could be built"; sed 's/^/    /' "$scratch/rootfs.log" | tail -3; exit 77; }
root="$scratch/root"
cp -a "$cache" "$root"

ls "$root"/etc/ssh/ssh_host_*_key >/dev/null 2>&1 && ok "the install generated SSH host keys" ||
	not_ok "the rootfs has no SSH host keys (the scenario expects openssh-server's)"
# metadata listing (a write changes mtime/ctime); content hashes of 500 MB would double the time
meta() { (cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | LC_ALL=C sort); }
meta "$root" >"$scratch/before"
expect 0 "stock rootfs: secrets.* ready" -- "$CAPGATE_BIN" scan --root "$root" --only 'secrets.*' --format json
cp "$scratch/out" "$scratch/stock.json"
python3 - "$scratch/stock.json" <<'EOF' && ok "stock rootfs: 6 checks pass, 0 findings" || not_ok "stock rootfs has secrets.* findings"
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(c["id"], f["path"], f["rule"]) for c in d["checks"] for f in c["findings"]]
statuses = sorted(c["status"] for c in d["checks"])
for b in bad:
    print("    false finding:", *b)
sys.exit(1 if bad or statuses != ["pass"] * 6 else 0)
EOF
meta "$root" >"$scratch/after"
cmp -s "$scratch/before" "$scratch/after" && ok "the scan wrote nothing into the image" || not_ok "the image changed during the scan"

# a build's leftovers, random values made here
r() { tr -dc "$1" </dev/urandom | head -c "$2"; }
gh="ghp_$(r 'A-Za-z0-9' 36)"
awssec=$(r 'A-Za-z0-9/+' 40)
echo "packer:x:1001:1001::/opt/packer-home:/bin/bash" >>"$root/etc/passwd"
mkdir -p "$root/opt/packer-home/.aws" "$root/root/.ssh" "$root/var/lib/cloud/instances/i-0/"
printf '[default]\naws_access_key_id = AKIA%s\naws_secret_access_key = %s\n' "$(r 'A-Z2-7' 16)" "$awssec" \
	>"$root/opt/packer-home/.aws/credentials"
printf 'GITHUB_TOKEN=%s\n' "$gh" >>"$root/etc/environment"
ssh-keygen -q -t ed25519 -N '' -C builder -f "$root/root/.ssh/id_ed25519"
printf '#cloud-config\npassword: %s\n' "$(r 'A-Za-z0-9' 16)" >"$root/var/lib/cloud/instances/i-0/user-data.txt"

expect 1 "planted: blocked" -- "$CAPGATE_BIN" scan --root "$root" --only 'secrets.*' --format json
cp "$scratch/out" "$scratch/planted.json"
python3 - "$scratch/planted.json" <<'EOF' && ok "planted: each leftover found under its check" || not_ok "planted leftovers missed"
import json, sys
d = json.load(open(sys.argv[1]))
got = {(c["id"], f["path"]) for c in d["checks"] for f in c["findings"]}
want = {("secrets.cloud-credentials", "/opt/packer-home/.aws/credentials"),
        ("secrets.tokens", "/etc/environment"),
        ("secrets.private-keys", "/root/.ssh/id_ed25519"),
        ("secrets.provisioning-data", "/var/lib/cloud/instances/i-0/user-data.txt")}
missing = want - got
extra = {g for g in got if g[1] not in {w[1] for w in want}}
for m in sorted(missing): print("    missing:", *m)
for e in sorted(extra): print("    unexpected:", *e)
sys.exit(1 if missing or extra else 0)
EOF
for s in "$gh" "$awssec"; do
	if grep -qF -- "$(printf %s "$s" | cut -c5-16)" "$scratch/planted.json"; then not_ok "a planted secret appears in the report"; else ok "planted secret redacted"; fi
done
finish
