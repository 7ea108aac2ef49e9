#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An Ubuntu 24.04-shaped tree made by hand (dpkg status, os-release) with Ubuntu's own per-machine
# state planted: the Pro machine token and ESM bearer file, snapd's device key, the installer's
# cloud-config and cloud-init.disabled marker, netplan and networkd MAC matches. Each is named at its
# file; capgate fix removes what pro detach and cloud-init clean remove, and a rescan is clean.
. "$CAPGATE_SRC/tests/scenario-lib.sh"

U="$scratch/ubuntu"
mkdir -p "$U/etc/apt/auth.conf.d" "$U/var/lib/ubuntu-advantage/private" "$U/var/lib/snapd/device/private-keys-v1" \
	"$U/etc/cloud/cloud.cfg.d" "$U/etc/netplan" "$U/var/lib/dpkg" "$U/etc/systemd/system/multi-user.target.wants" \
	"$U/lib/systemd/system"
printf 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=noble\n' >"$U/etc/os-release"
for p in walinuxagent cloud-init apparmor auditd; do
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n' $p >>"$U/var/lib/dpkg/status"
done
printf '[Service]\nExecStart=/usr/bin/cloud-init init\n[Install]\nWantedBy=multi-user.target\n' >"$U/lib/systemd/system/cloud-init.service"
ln -s /lib/systemd/system/cloud-init.service "$U/etc/systemd/system/multi-user.target.wants/cloud-init.service"
printf '{"machineToken": "%s"}\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	>"$U/var/lib/ubuntu-advantage/private/machine-token.json"
printf 'machine esm.ubuntu.com/apps/ubuntu/ login bearer password %s\n' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	>"$U/etc/apt/auth.conf.d/90ubuntu-advantage"
printf 'device key\n' >"$U/var/lib/snapd/device/private-keys-v1/abcdef"
printf '#cloud-config\ndatasource_list: [ "None" ]\ndatasource:\n  None:\n    userdata_raw: "#cloud-config\\nusers: [{name: u, passwd: $6$x$y}]"\n' \
	>"$U/etc/cloud/cloud.cfg.d/99-installer.cfg"
: >"$U/etc/cloud/cloud-init.disabled"
printf 'network:\n  version: 2\n  ethernets:\n    eth0:\n      match:\n        macaddress: "00:0d:3a:12:34:56"\n      set-name: eth0\n      dhcp4: true\n' \
	>"$U/etc/netplan/50-cloud-init.yaml"

expect 1 "scan of the planted Ubuntu tree is blocked" -- "$CAPGATE_BIN" scan --root "$U" -p full --format json
J="$scratch/scan.json"
cp "$scratch/out" "$J"
skips_ok "$J"
finding "$J" secrets.tool-credentials /var/lib/ubuntu-advantage/private/machine-token.json ubuntu-pro-token
finding "$J" secrets.tool-credentials /etc/apt/auth.conf.d/90ubuntu-advantage ubuntu-pro-token
finding "$J" secrets.tool-credentials /var/lib/snapd/device/private-keys-v1/abcdef snapd-device-key
finding "$J" secrets.provisioning-data /etc/cloud/cloud.cfg.d/99-installer.cfg subiquity-installer
finding "$J" agent.provisioning /etc/cloud/cloud-init.disabled disabled
finding "$J" gen.network-state /etc/netplan/50-cloud-init.yaml mac-binding
# nothing else of the tree is a secret: the secrets.* findings are exactly the four planted
python3 - "$J" <<'EOF2' && ok "secrets.*: only the planted four" || not_ok "secrets.*: a finding beyond the planted ones"
import json, sys
d = json.load(open(sys.argv[1]))
got = sorted(f["path"] for c in d["checks"] if c["id"].startswith("secrets.") for f in c["findings"])
want = sorted(["/var/lib/ubuntu-advantage/private/machine-token.json", "/etc/apt/auth.conf.d/90ubuntu-advantage",
               "/var/lib/snapd/device/private-keys-v1/abcdef", "/etc/cloud/cloud.cfg.d/99-installer.cfg"])
print("# secrets.* findings:", got)
sys.exit(0 if got == want else 1)
EOF2

expect 1 "capgate fix --root on the Ubuntu tree" -- "$CAPGATE_BIN" fix --root "$U" -p full --format json
for p in /var/lib/ubuntu-advantage/private/machine-token.json /etc/apt/auth.conf.d/90ubuntu-advantage \
	/var/lib/snapd/device/private-keys-v1/abcdef /etc/cloud/cloud.cfg.d/99-installer.cfg; do
	[ ! -e "$U$p" ] && ok "fix removed $p" || not_ok "fix left $p"
done
expect 1 "rescan after fix" -- "$CAPGATE_BIN" scan --root "$U" -p full --format json
python3 - "$scratch/out" <<'EOF2' && ok "rescan: every secrets.* check passes, 0 findings" || not_ok "rescan: secrets.* still fails"
import json, sys
d = json.load(open(sys.argv[1]))
sec = [c for c in d["checks"] if c["id"].startswith("secrets.")]
sys.exit(0 if len(sec) == 6 and all(c["status"] == "pass" and not c["findings"] for c in sec) else 1)
EOF2
finish
