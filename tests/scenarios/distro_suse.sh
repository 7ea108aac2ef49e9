#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A SLES 15 SP6-shaped tree made by zypper --root (tests/fixtures/rpmtrees.sh) with what Microsoft's
# SUSE guide and SUSEConnect --cleanup say must not be captured planted: each is named at its file,
# capgate fix removes the registration and per-machine state, and a rescan is clean of them.
. "$CAPGATE_SRC/tests/scenario-lib.sh"

trees=$(sh "$CAPGATE_SRC/tests/fixtures/rpmtrees.sh" 2>"$scratch/build.log") || {
	rc=$?; sed 's/^/    /' "$scratch/build.log" | tail -5
	[ $rc = 77 ] && { echo "skip: rpm, dnf, zypper or createrepo_c missing"; exit 77; }
	echo "not ok - the RPM trees could not be built"; exit 1; }
S="$scratch/suse"
cp -a "$trees/suse" "$S"
mkdir -p "$S/etc/zypp/credentials.d" "$S/var/lib/zypp" "$S/etc/sysconfig/network" "$S/var/lib/wicked" "$S/etc/default"
printf 'username=SCC_0123456789abcdef\npassword=0123456789abcdef\n' >"$S/etc/zypp/credentials.d/SCCcredentials"
printf -- '---\nurl: https://scc.suse.com\ninsecure: false\n' >"$S/etc/SUSEConnect"
printf '5f0c0f6e-2a1b-4c3d-9e8f-0123456789ab\n' >"$S/var/lib/zypp/AnonymousUniqueId"
mkdir -p "$S/var/cache/cloudregister"
printf '{"regionserver": "52.0.0.1", "instance": "0000"}\n' >"$S/var/cache/cloudregister/activations.json"
printf "BOOTPROTO='dhcp'\nSTARTMODE='auto'\nLLADDR='00:0d:3a:12:34:56'\n" >"$S/etc/sysconfig/network/ifcfg-eth0"
printf '<duid>00:03:00:01:00:0d:3a:12:34:56</duid>\n' >"$S/var/lib/wicked/duid.xml"
printf '[main]\nrepo_gpgcheck = off\n' >"$S/etc/zypp/zypp.conf"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$S/etc/passwd"
printf 'root:x:0:\n' >"$S/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$S/etc/shadow"
chmod 0000 "$S/etc/shadow"
printf 'Defaults always_set_home\nDefaults targetpw\nALL   ALL=(ALL) ALL\nroot ALL=(ALL:ALL) ALL\n' >"$S/etc/sudoers"
chmod 0440 "$S/etc/sudoers"
printf '[nocheck]\nenabled=1\nbaseurl=http://mirror.example.invalid/\ngpgcheck=0\n' >"$S/etc/zypp/repos.d/nocheck.repo"

expect 1 "scan of the planted SLES tree is blocked" -- "$CAPGATE_BIN" scan --root "$S" -p full --format json
J="$scratch/scan.json"
cp "$scratch/out" "$J"
skips_ok "$J"
finding "$J" secrets.tool-credentials /etc/zypp/credentials.d/SCCcredentials suse-scc-credentials
finding "$J" secrets.tool-credentials /etc/SUSEConnect suse-connect
finding "$J" secrets.tool-credentials /var/cache/cloudregister/activations.json suse-cloudregister
finding "$J" gen.machine-id /var/lib/zypp/AnonymousUniqueId identity
finding "$J" gen.network-state /etc/sysconfig/network/ifcfg-eth0 mac-binding
finding "$J" gen.network-state /var/lib/wicked/duid.xml
finding "$J" gen.package-caches /var/cache/zypp/raw
finding "$J" pkg.repo-auth /etc/zypp/zypp.conf repo_gpgcheck
finding "$J" pkg.repo-auth /etc/zypp/repos.d/nocheck.repo gpgcheck
finding "$J" agent.mac /var/lib/rpm/rpmdb.sqlite apparmor
finding "$J" audit.auditd /var/lib/rpm/rpmdb.sqlite package
finding "$J" acct.sudoers-nopasswd /etc/sudoers targetpw-all
no_finding "$J" pkg.repo-auth /etc/zypp/repos.d/fixture.repo
# the fixture advisory, read from zypper's raw cache
ui=$(cd "$S" && echo var/cache/zypp/raw/fixture/repodata/*-updateinfo.xml.gz)
finding "$J" pkg.updates-pending "/$ui" FXSA-2026:0001
python3 - "$J" <<'EOF2' && ok "os.release-eol read SLES's products.d <endoflife>" || not_ok "os.release-eol did not judge SLES"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [c["status"] for c in d["checks"] if c["id"] == "os.release-eol"] == ["pass"] else 1)
EOF2

expect 1 "capgate fix --root on the SLES tree" -- "$CAPGATE_BIN" fix --root "$S" -p full --format json
for p in /etc/zypp/credentials.d/SCCcredentials /etc/SUSEConnect /var/lib/zypp/AnonymousUniqueId /var/lib/wicked/duid.xml \
	/var/cache/zypp/raw /var/cache/cloudregister/activations.json; do
	[ ! -e "$S$p" ] && ok "fix removed $p" || not_ok "fix left $p"
done
[ -e "$S/etc/sysconfig/network/ifcfg-eth0" ] && ok "fix kept ifcfg-eth0" || not_ok "fix removed ifcfg-eth0"
expect 1 "rescan after fix" -- "$CAPGATE_BIN" scan --root "$S" -p full --format json
for c in secrets.tool-credentials gen.package-caches gen.machine-id; do
	python3 - "$scratch/out" "$c" <<'EOF2' && ok "rescan: $c clean" || not_ok "rescan: $c still fails"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if all(c["status"] == "pass" for c in d["checks"] if c["id"] == sys.argv[2]) else 1)
EOF2
done

# The same tree as a real SLES 15 keeps its rpm database: ndb (Packages.db) in /usr/lib/sysimage/rpm,
# /var/lib/rpm a link to it; the committed fixture is one real rpm wrote (tests/fixtures/make-ndb.sh).
N="$scratch/suse-ndb"
cp -a "$trees/suse" "$N"
rm -rf "$N/var/lib/rpm"
mkdir -p "$N/usr/lib/sysimage/rpm"
cp "$CAPGATE_SRC/tests/fixtures/ndb/Packages.db" "$N/usr/lib/sysimage/rpm/Packages.db"
ln -s ../../usr/lib/sysimage/rpm "$N/var/lib/rpm"
expect 1 "scan of the SLES tree with an ndb rpm database" -- "$CAPGATE_BIN" scan --root "$N" -p full --format json
cp "$scratch/out" "$scratch/ndb.json"
skips_ok "$scratch/ndb.json"
python3 - "$scratch/ndb.json" <<'EOF2' && ok "ndb: no pkg.*/os.* check skipped or errored for the package database" ||
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(c["id"], c["status"], c.get("reason", "")) for c in d["checks"] if c["id"].split(".")[0] in ("pkg", "os")
       and (c["status"] == "error" or (c["status"] == "skip" and ("package database" in c.get("reason", "")
                                                                   or "ndb" in c.get("reason", ""))))]
for b in bad:
    print("    ", *b)
sys.exit(1 if bad else 0)
EOF2
	not_ok "ndb: a check skipped or errored for want of the package database"
# the packages are really read: the fixture's unsigned ones are named, auditd is missing from them
finding "$scratch/ndb.json" os.foreign-packages /var/lib/rpm/Packages.db ndb-epoch
finding "$scratch/ndb.json" os.foreign-packages /var/lib/rpm/Packages.db ndb-many-files
finding "$scratch/ndb.json" audit.auditd /var/lib/rpm/Packages.db package
# one flipped byte in a header: an error of the checks naming the file, the offset and the reason
printf 'X' | dd of="$N/usr/lib/sysimage/rpm/Packages.db" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect 3 "scan with a damaged ndb database cannot complete" -- "$CAPGATE_BIN" scan --root "$N" -p full --format json
python3 - "$scratch/out" <<'EOF2' && ok "ndb damaged: os.foreign-packages errors with the offset and the adler32" ||
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["id"] == "os.foreign-packages"][0]
e = c.get("errors", [])
sys.exit(0 if c["status"] == "error" and e and e[0]["path"] == "/var/lib/rpm/Packages.db"
         and "offset 6068: blob of package 1: adler32 mismatch" in e[0]["message"] else 1)
EOF2
	not_ok "ndb damaged: the error does not name the offset and the reason"
finish
