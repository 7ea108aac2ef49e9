#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A RHEL 9-shaped tree made by dnf --installroot (tests/fixtures/rpmtrees.sh) with what Azure's
# RHEL guide says must not be captured planted: each is named at its file; capgate fix removes what
# subscription-manager clean and the guide remove, keeps the RHUI client material byte for byte
# (package-owned, shared by every PAYG VM), and a rescan is clean of those findings.
. "$CAPGATE_SRC/tests/scenario-lib.sh"

trees=$(sh "$CAPGATE_SRC/tests/fixtures/rpmtrees.sh" 2>"$scratch/build.log") || {
	rc=$?; sed 's/^/    /' "$scratch/build.log" | tail -5
	[ $rc = 77 ] && { echo "skip: rpm, dnf, zypper or createrepo_c missing"; exit 77; }
	echo "not ok - the RPM trees could not be built"; exit 1; }
T="$scratch/rhel"
cp -a "$trees/rhel" "$T"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null; }

# accounts and sshd so the account and ssh families run too
mkdir -p "$T/etc/ssh" "$T/root" "$T/etc/systemd/system/multi-user.target.wants"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$T/etc/passwd"
printf 'root:*:19000:0:99999:7:::\n' >"$T/etc/shadow"
printf 'root:x:0:\n' >"$T/etc/group"
chmod 0000 "$T/etc/shadow"
printf 'PermitRootLogin no\nPasswordAuthentication no\nInclude /etc/ssh/sshd_config.d/*.conf\n' >"$T/etc/ssh/sshd_config"
# the system crypto policy as RHEL 9 lays it out, set to LEGACY: the back-end a link into the
# policy's folder, included from 50-redhat.conf
mkdir -p "$T/etc/ssh/sshd_config.d" "$T/etc/crypto-policies/back-ends" "$T/usr/share/crypto-policies/LEGACY"
printf 'LEGACY\n' >"$T/etc/crypto-policies/config"
printf 'Ciphers aes256-gcm@openssh.com,aes256-ctr,aes256-cbc\nMACs hmac-sha2-256-etm@openssh.com\nKexAlgorithms curve25519-sha256\n' \
	>"$T/usr/share/crypto-policies/LEGACY/opensshserver.txt"
ln -s /usr/share/crypto-policies/LEGACY/opensshserver.txt "$T/etc/crypto-policies/back-ends/opensshserver.config"
printf 'Include /etc/crypto-policies/back-ends/opensshserver.config\n' >"$T/etc/ssh/sshd_config.d/50-redhat.conf"
ln -s /usr/lib/systemd/system/waagent.service "$T/etc/systemd/system/multi-user.target.wants/waagent.service"

# firewalld enabled, its public zone changed by the build to accept everything
mkdir -p "$T/usr/lib/systemd/system" "$T/etc/firewalld/zones"
printf '[Service]\nExecStart=/usr/sbin/firewalld --nofork\n[Install]\nWantedBy=multi-user.target\n' \
	>"$T/usr/lib/systemd/system/firewalld.service"
ln -s /usr/lib/systemd/system/firewalld.service "$T/etc/systemd/system/multi-user.target.wants/firewalld.service"
printf '<?xml version="1.0" encoding="utf-8"?>\n<zone target="ACCEPT">\n  <service name="ssh"/>\n</zone>\n' \
	>"$T/etc/firewalld/zones/public.xml"

# planted: registration, installer, identity, network, repository, SELinux, caches
mkdir -p "$T/etc/pki/consumer" "$T/etc/pki/entitlement" "$T/etc/sysconfig/rhn" "$T/var/lib/yum" \
	"$T/etc/sysconfig/network-scripts" "$T/etc/selinux" "$T/etc/insights-client" "$T/var/lib/rhsm/cache"
key >"$T/etc/pki/consumer/key.pem"
printf -- '-----BEGIN CERTIFICATE-----\nMIIBconsumer\n-----END CERTIFICATE-----\n' >"$T/etc/pki/consumer/cert.pem"
key >"$T/etc/pki/entitlement/4242-key.pem"
printf '{"consumer": "4242"}\n' >"$T/var/lib/rhsm/cache/entitlement_status.json"
printf '<?xml version="1.0"?><params><param><value><struct><member><name>system_id</name><value><string>ID-1000010001</string></value></member></struct></value></param></params>\n' \
	>"$T/etc/sysconfig/rhn/systemid"
printf '8d1b3a6e-0f3e-4c55-9b7d-1234567890ab\n' >"$T/etc/insights-client/machine-id"
printf '0b6f1c2a-3d4e-4f50-8a9b-abcdefabcdef\n' >"$T/var/lib/yum/uuid"
printf 'lang en_US.UTF-8\nrootpw --plaintext to_be_disabled\nuser --name=azureuser --password=$6$salt$hash --iscrypted\n' \
	>"$T/root/anaconda-ks.cfg"
printf 'DEVICE=eth0\nBOOTPROTO=dhcp\nHWADDR=00:0d:3a:12:34:56\nONBOOT=yes\n' >"$T/etc/sysconfig/network-scripts/ifcfg-eth0"
printf '[broken]\nname=Broken\nbaseurl=http://mirror.example.invalid/el9\nenabled=1\ngpgcheck=0\nsslverify=0\n' \
	>"$T/etc/yum.repos.d/insecure.repo"
printf 'SELINUX=permissive\nSELINUXTYPE=targeted\n' >"$T/etc/selinux/config"
mkdir -p "$T/etc/default"
printf 'GRUB_TIMEOUT=10\nGRUB_CMDLINE_LINUX="console=ttyS0 selinux=0"\n' >"$T/etc/default/grub"
sha256sum "$T/etc/pki/rhui/key.pem" "$T/etc/pki/rhui/product/content-rhel9.crt" "$T/etc/yum.repos.d/rh-cloud-base.repo" \
	>"$scratch/rhui.sum"

expect 1 "scan of the planted RHEL tree is blocked" -- "$CAPGATE_BIN" scan --root "$T" -p full --format json
J="$scratch/scan.json"
cp "$scratch/out" "$J"
skips_ok "$J"
finding "$J" secrets.tool-credentials /etc/pki/consumer/key.pem rhsm-consumer
finding "$J" secrets.tool-credentials /etc/pki/consumer/cert.pem rhsm-consumer
finding "$J" secrets.tool-credentials /etc/pki/entitlement/4242-key.pem rhsm-entitlement
finding "$J" secrets.tool-credentials /var/lib/rhsm/cache/entitlement_status.json rhsm-state
finding "$J" secrets.tool-credentials /etc/sysconfig/rhn/systemid rhn-systemid
finding "$J" secrets.provisioning-data /root/anaconda-ks.cfg kickstart
finding "$J" gen.machine-id /etc/insights-client/machine-id identity
finding "$J" gen.machine-id /var/lib/yum/uuid identity
finding "$J" gen.network-state /etc/sysconfig/network-scripts/ifcfg-eth0 mac-binding
finding "$J" gen.package-caches /var/cache/dnf/fixture-baseos.solv
finding "$J" gen.package-caches /var/lib/dnf/history.sqlite
finding "$J" pkg.repo-auth /etc/yum.repos.d/insecure.repo gpgcheck
finding "$J" pkg.repo-auth /etc/yum.repos.d/insecure.repo sslverify
# the fixture advisory, read from dnf's own cache (the folder's hash follows the builder's baseurl)
ui=$(cd "$T" && echo var/cache/dnf/fixture-baseos-*/repodata/*-updateinfo.xml.gz)
finding "$J" pkg.updates-pending "/$ui" FXSA-2026:0001
finding "$J" agent.mac /etc/selinux/config mode
finding "$J" agent.mac /etc/default/grub selinux=0
finding "$J" os.foreign-packages /var/lib/rpm/rpmdb.sqlite local-tool
finding "$J" pkg.build-tools-present /var/lib/rpm/rpmdb.sqlite gcc
finding "$J" svc.legacy-remote-access /var/lib/rpm/rpmdb.sqlite telnet-server
finding "$J" audit.auditd /etc/systemd/system unit
finding "$J" fw.default-deny /etc/firewalld/zones/public.xml firewalld
finding "$J" os.crypto-policy /etc/crypto-policies/config legacy
finding "$J" ssh.weak-crypto /etc/crypto-policies/back-ends/opensshserver.config
# the consumer key is a leaked credential; the RHUI key, a package's own copy, is not
finding "$J" secrets.private-keys /etc/pki/consumer/key.pem
no_finding "$J" secrets.private-keys /etc/pki/rhui/key.pem
no_finding "$J" agent.provisioning /var/lib/rpm/rpmdb.sqlite
no_finding "$J" os.kernel-from-distro /boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64
python3 - "$J" <<'EOF' && ok "the RHEL checks ran: pkg.*, os.*, agent.*, audit.auditd not skipped" || not_ok "checks of the RHEL family skipped"
import json, sys
d = json.load(open(sys.argv[1]))
skipped = [c["id"] for c in d["checks"] if c["status"] == "skip" and c["id"] in (
    "pkg.repo-auth", "pkg.security-suite-configured", "pkg.dpkg-consistency", "pkg.build-tools-present",
    "os.release-eol", "os.foreign-packages", "os.kernel-from-distro", "agent.provisioning", "agent.mac",
    "audit.auditd", "svc.legacy-remote-access", "svc.mta-local-only")]
print("    skipped:", skipped) if skipped else None
sys.exit(1 if skipped else 0)
EOF

# a changed RHUI key is no longer the package's: then it is a finding
cp "$T/etc/pki/rhui/key.pem" "$scratch/rhui.key"
key >"$T/etc/pki/rhui/key.pem"
expect 1 "scan with a replaced RHUI key" -- "$CAPGATE_BIN" scan --root "$T" --only secrets.private-keys --format json
finding "$scratch/out" secrets.private-keys /etc/pki/rhui/key.pem
cp "$scratch/rhui.key" "$T/etc/pki/rhui/key.pem"

expect 1 "capgate fix --root on the RHEL tree (MAC lines and SELinux are left to the user)" -- \
	"$CAPGATE_BIN" fix --root "$T" -p full --format json
for p in /etc/pki/consumer/key.pem /etc/pki/entitlement/4242-key.pem /etc/sysconfig/rhn/systemid /root/anaconda-ks.cfg \
	/var/lib/yum/uuid /etc/insights-client/machine-id /var/cache/dnf/fixture-baseos.solv /var/lib/dnf/history.sqlite \
	/var/lib/dnf/history.sqlite-wal; do
	[ ! -e "$T$p" ] && ok "fix removed $p" || not_ok "fix left $p"
done
[ -e "$T/etc/sysconfig/network-scripts/ifcfg-eth0" ] && ok "fix kept ifcfg-eth0 (only its HWADDR line is the fault)" ||
	not_ok "fix removed ifcfg-eth0"
# a drop-in would fight the policy: the fix says so and writes no cipher list
grep -qi '^Ciphers' "$T/etc/ssh/sshd_config.d/00-capgate.conf" 2>/dev/null && not_ok "fix wrote Ciphers against the crypto policy" ||
	ok "fix wrote no Ciphers drop-in over the crypto policy"
grep -q 'update-crypto-policies' "$scratch/out" && ok "fix names update-crypto-policies for the policy's weak cipher" ||
	not_ok "fix does not say how to change the crypto policy"
(cd / && sha256sum -c --quiet "$scratch/rhui.sum") && ok "RHUI key, certificate and repo file byte-identical after fix" ||
	not_ok "fix changed the RHUI material"
expect 1 "rescan after fix" -- "$CAPGATE_BIN" scan --root "$T" -p full --format json
for c in secrets.tool-credentials secrets.provisioning-data gen.package-caches; do
	python3 - "$scratch/out" "$c" <<'EOF' && ok "rescan: $c clean" || not_ok "rescan: $c still fails"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if all(c["status"] == "pass" for c in d["checks"] if c["id"] == sys.argv[2]) else 1)
EOF
done
no_finding "$scratch/out" gen.machine-id /var/lib/yum/uuid
finish
