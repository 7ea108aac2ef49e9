#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# System hardening families (svc fw kernel net log audit agent pkg os) on a copy of the stock
# Debian 12 rootfs: stock results as expected (with the reason for every stock failure), planted
# faults fail their checks, and a scan writes nothing into the image.
. "$(dirname "$0")/../scenario-lib.sh"
stock=$("$CAPGATE_SRC/tests/fixtures/rootfs.sh" 2>/dev/null) || { echo "skip: no stock rootfs (debootstrap)"; exit 77; }
img="$scratch/img"
cp -a "$stock" "$img"
fams='svc.*,fw.*,kernel.*,net.*,log.*,audit.*,agent.*,pkg.*,os.*'

# status ID FILE -> pass|fail|skip|error
status() { python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); print(next((c["status"] for c in d["checks"] if c["id"]==sys.argv[1]), "absent"))' "$1" "$2"; }
# finding_on ID PATH FILE -> yes|no
finding_on() { python3 -c 'import json,sys; d=json.load(open(sys.argv[3])); c=[c for c in d["checks"] if c["id"]==sys.argv[1]]; print("yes" if c and any(f["path"]==sys.argv[2] for f in c[0]["findings"]) else "no")' "$1" "$2" "$3"; }
is() { # ID WANT FILE WHY
	got=$(status "$1" "$3")
	if [ "$got" = "$2" ]; then ok "$1 $2 ($4)"; else not_ok "$1: $got, wanted $2 ($4)"; fi
}

# ---- the stock image, scanned read-only: nothing may change ----
before=$(snapshot "$img")
set +e; "$CAPGATE_BIN" scan --root "$img" --profile full --only "$fams" --format json >"$scratch/stock.json"; rc=$?; set -e
[ "$rc" = 1 ] && ok "stock scan exits 1 (blocked by the findings below)" || not_ok "stock scan exit $rc"
after=$(snapshot "$img")
[ "$before" = "$after" ] && ok "the scan wrote nothing into the image (modes, owners, times, contents)" || not_ok "the scan changed the image"

for id in svc.legacy-remote-access svc.unneeded-daemons svc.mta-local-only svc.removable-media kernel.aslr kernel.sysctl-syntax \
	kernel.core-dumps net.ip-forwarding fw.no-open-any-any fw.azure-endpoints log.journald-persistent log.syslog \
	log.no-remote-listen agent.azure-monitor agent.mde pkg.reboot-pending pkg.repo-auth pkg.dpkg-consistency \
	pkg.build-tools-present os.release-eol os.kernel-from-distro os.foreign-packages; do
	is "$id" pass "$scratch/stock.json" "stock Debian 12"
done
is svc.listening-sockets skip "$scratch/stock.json" "offline: live only"
is os.base-image skip "$scratch/stock.json" "offline: IMDS describes a running VM"
is kernel.unused-modules skip "$scratch/stock.json" "minbase has no kernel, nothing to load"
is pkg.updates-pending skip "$scratch/stock.json" "no -security lists: debootstrap configures no security suite"
# stock failures that are real: the reason each one fails a debootstrapped minbase
is pkg.security-suite-configured fail "$scratch/stock.json" "debootstrap writes only 'bookworm main'"
is agent.mac fail "$scratch/stock.json" "minbase lacks apparmor (d-i and cloud images install it)"
is svc.time-sync fail "$scratch/stock.json" "systemd-timesyncd is not in minbase"
is fw.present-enabled fail "$scratch/stock.json" "Debian ships no firewall enabled"
is fw.default-deny fail "$scratch/stock.json" "no firewall, so nothing denies"
is log.logrotate fail "$scratch/stock.json" "logrotate is not in minbase"
is audit.auditd fail "$scratch/stock.json" "auditd is not installed by default (CIS L2)"
is audit.rules fail "$scratch/stock.json" "no auditd, no rules"
is agent.provisioning fail "$scratch/stock.json" "no waagent or cloud-init in minbase"
is kernel.core-limits fail "$scratch/stock.json" "no '* hard core 0' by default"
for id in kernel.info-leaks net.redirects net.source-route net.ipv4-hygiene; do
	is "$id" fail "$scratch/stock.json" "kernel defaults differ from CIS and Debian sets none of them"
done
if [ "$(date -u +%F)" \> 2026-07-11 ]; then want=fail; else want=pass; fi
is os.release-extended-support "$want" "$scratch/stock.json" "bookworm's regular support ends 2026-07-11"

# ---- planted faults ----
printf 'net.ipv4.ip_forward = 1\n' >"$img/etc/sysctl.d/90-forward.conf"
printf 'kernel.randomize_va_space = 0\n' >>"$img/etc/sysctl.conf"
cat >"$img/usr/lib/systemd/system/avahi-daemon.service" <<'UNIT'
[Unit]
Description=Avahi mDNS/DNS-SD Stack
[Service]
ExecStart=/usr/sbin/avahi-daemon -s
[Install]
WantedBy=multi-user.target
Alias=dbus-org.freedesktop.Avahi.service
UNIT
ln -s /lib/systemd/system/avahi-daemon.service "$img/etc/systemd/system/multi-user.target.wants/avahi-daemon.service"
cat >>"$img/var/lib/dpkg/status" <<'DPKG'

Package: telnet
Status: install ok installed
Version: 0.17+2.4-2+local1
Architecture: amd64

Package: rsh-client
Status: install ok installed
Version: 0.17-24
Architecture: amd64

Package: half-done
Status: install reinstreq half-installed
Version: 1.0

Package: postfix
Status: install ok installed
Version: 3.7.11-0+deb12u1
DPKG
mkdir -p "$img/etc/postfix" "$img/etc/rsyslog.d" "$img/etc/systemd/journald.conf.d" "$img/lib/modules/6.1.0-99-cloud-amd64" \
	"$img/etc/opt/microsoft/mdatp"
printf 'myhostname = x\ninet_interfaces = all\n' >"$img/etc/postfix/main.cf"
printf 'module(load="imtcp")\ninput(type="imtcp" port="514")\n' >"$img/etc/rsyslog.d/remote.conf"
printf '[Journal]\nStorage=volatile\n' >"$img/etc/systemd/journald.conf.d/50-volatile.conf"
printf 'kernel/fs/cramfs/cramfs.ko.xz:\nkernel/fs/udf/udf.ko.xz:\nkernel/fs/fat/vfat.ko.xz:\n' >"$img/lib/modules/6.1.0-99-cloud-amd64/modules.dep"
printf '{"orgId":"x"}\n' >"$img/etc/opt/microsoft/mdatp/mdatp_onboard.json"
printf 'deb [trusted=yes] http://packages.example/repo ./\n' >"$img/etc/apt/sources.list.d/local.list"
printf 'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n' \
	>"$img/etc/apt/sources.list.d/security.sources"
printf 'Package: libc6\nVersion: 99.0-1\n\n' >"$img/var/lib/apt/lists/security.example_debian-security_dists_bookworm-security_main_binary-amd64_Packages"
touch "$img/run/reboot-required"
printf '{"hardening": {"disable_modules": ["udf", "vfat"]}}\n' >"$scratch/cfg.json"

set +e; "$CAPGATE_BIN" scan --root "$img" --profile full --only "$fams" --config "$scratch/cfg.json" --format json >"$scratch/bad.json"; set -e
on() { # ID PATH WHY
	if [ "$(finding_on "$1" "$2" "$scratch/bad.json")" = yes ]; then ok "$1 fails on $2 ($3)"; else not_ok "$1 has no finding on $2 ($3)"; fi
}
on net.ip-forwarding /etc/sysctl.d/90-forward.conf "ip_forward=1 in sysctl.d"
on kernel.aslr /etc/sysctl.conf "randomize_va_space=0 in sysctl.conf, read through 99-sysctl.conf"
on svc.unneeded-daemons /etc/systemd/system/multi-user.target.wants/avahi-daemon.service "enabled avahi-daemon"
on svc.legacy-remote-access /var/lib/dpkg/status "telnet and rsh-client in dpkg status"
on svc.mta-local-only /etc/postfix/main.cf "postfix on all interfaces"
on log.no-remote-listen /etc/rsyslog.d/remote.conf "rsyslog imtcp"
on log.journald-persistent /etc/systemd/journald.conf.d/50-volatile.conf "Storage=volatile drop-in"
on kernel.unused-modules /etc/modprobe.d "cramfs loadable"
on agent.mde /etc/opt/microsoft/mdatp/mdatp_onboard.json "onboarded Defender"
on pkg.repo-auth /etc/apt/sources.list.d/local.list "trusted=yes"
on pkg.dpkg-consistency /var/lib/dpkg/status "half-installed package"
on pkg.reboot-pending /run/reboot-required "reboot flag"
on pkg.updates-pending /var/lib/apt/lists/security.example_debian-security_dists_bookworm-security_main_binary-amd64_Packages "libc6 update"
on os.foreign-packages /var/lib/dpkg/status "telnet newer than the archive's"
is pkg.security-suite-configured pass "$scratch/bad.json" "deb822 security stanza planted"
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=[c for c in d["checks"] if c["id"]=="kernel.unused-modules"][0]; print(" ".join(sorted(f["rule"] for f in c["findings"])))' "$scratch/bad.json")
[ "$n" = cramfs ] && ok "udf and vfat are never required, even when configured (Azure needs them)" || not_ok "kernel.unused-modules rules: $n"

# profiles select real subsets
"$CAPGATE_BIN" scan --root "$img" --profile baseline --format json >"$scratch/base.json" || true
"$CAPGATE_BIN" scan --root "$img" --profile azure --format json >"$scratch/az.json" || true
is agent.provisioning absent "$scratch/base.json" "baseline leaves Azure checks out"
is net.redirects absent "$scratch/base.json" "baseline leaves CIS-only sysctls out"
is agent.provisioning fail "$scratch/az.json" "azure profile adds the agent check"
is kernel.unused-modules absent "$scratch/az.json" "azure profile never asks to disable modules"
finish
