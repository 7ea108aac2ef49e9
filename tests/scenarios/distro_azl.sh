#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An Azure Linux 3-shaped tree (rpmdb by dnf --installroot: Debian has no tdnf) with tdnf's cache,
# the fixture's pending security advisory, an unsigned repository, a networkd MAC match and no SELinux configuration planted: each is named
# at its file; capgate fix removes the cache and a rescan is clean of it.
. "$CAPGATE_SRC/tests/scenario-lib.sh"

trees=$(sh "$CAPGATE_SRC/tests/fixtures/rpmtrees.sh" 2>"$scratch/build.log") || {
	rc=$?; sed 's/^/    /' "$scratch/build.log" | tail -5
	[ $rc = 77 ] && { echo "skip: rpm, dnf, zypper or createrepo_c missing"; exit 77; }
	echo "not ok - the RPM trees could not be built"; exit 1; }
A="$scratch/azl"
cp -a "$trees/azl" "$A"
mkdir -p "$A/var/cache/tdnf/azurelinux-official-base/rpms" "$A/etc/yum.repos.d" "$A/etc/systemd/network" \
	"$A/etc/tdnf" "$A/etc/systemd/system/multi-user.target.wants"
printf 'rpm\n' >"$A/var/cache/tdnf/azurelinux-official-base/rpms/x.rpm"
printf '[main]\ngpgcheck=1\ninstallonly_limit=3\n' >"$A/etc/tdnf/tdnf.conf"
printf '[azurelinux-official-base]\nname=Azure Linux Official Base\nbaseurl=https://packages.microsoft.com/azurelinux/3.0/prod/base/x86_64\ngpgkey=file:///etc/pki/rpm-gpg/MICROSOFT-RPM-GPG-KEY\ngpgcheck=1\nrepo_gpgcheck=1\nenabled=1\n' \
	>"$A/etc/yum.repos.d/azurelinux-official-base.repo"
printf '[local]\nbaseurl=file:///srv/repo\nenabled=1\ngpgcheck=0\n' >"$A/etc/yum.repos.d/local.repo"
printf '[Match]\nMACAddress=00:0d:3a:12:34:56\n[Network]\nDHCP=yes\n' >"$A/etc/systemd/network/10-eth0.network"
printf '[Match]\nOriginalName=eth*\n[Link]\nMACAddress=00:0d:3a:00:00:01\n' >"$A/etc/systemd/network/20-set.link"
ln -s /usr/lib/systemd/system/waagent.service "$A/etc/systemd/system/multi-user.target.wants/waagent.service"

expect 1 "scan of the planted Azure Linux tree is blocked" -- "$CAPGATE_BIN" scan --root "$A" -p full --format json
J="$scratch/scan.json"
cp "$scratch/out" "$J"
skips_ok "$J"
finding "$J" gen.package-caches /var/cache/tdnf/azurelinux-official-base
finding "$J" pkg.repo-auth /etc/yum.repos.d/local.repo gpgcheck
no_finding "$J" pkg.repo-auth /etc/yum.repos.d/azurelinux-official-base.repo
finding "$J" gen.network-state /etc/systemd/network/10-eth0.network mac-binding
no_finding "$J" gen.network-state /etc/systemd/network/20-set.link
finding "$J" agent.mac /etc/selinux/config config
no_finding "$J" agent.provisioning /var/lib/rpm/rpmdb.sqlite
no_finding "$J" pkg.security-suite-configured /etc/yum.repos.d
# the fixture advisory, read from tdnf's cache
ui=$(cd "$A" && echo var/cache/tdnf/azurelinux-official-base/repodata/*-updateinfo.xml.gz)
finding "$J" pkg.updates-pending "/$ui" FXSA-2026:0001

expect 1 "capgate fix --root on the Azure Linux tree" -- "$CAPGATE_BIN" fix --root "$A" -p full --format json
[ ! -e "$A/var/cache/tdnf/azurelinux-official-base" ] && ok "fix removed the tdnf cache" || not_ok "fix left the tdnf cache"
[ -e "$A/etc/systemd/network/10-eth0.network" ] && ok "fix kept 10-eth0.network" || not_ok "fix removed 10-eth0.network"
expect 1 "rescan after fix" -- "$CAPGATE_BIN" scan --root "$A" -p full --format json
no_finding "$scratch/out" gen.package-caches /var/cache/tdnf/azurelinux-official-base
# with the cache gone (as after tdnf clean all) nothing can be judged offline, and the check says so
status_is "$scratch/out" pkg.updates-pending skip "no cached repository metadata"
finish
