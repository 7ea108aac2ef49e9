#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Plant a representative configuration file of every check family into the image tree $1 (a
# stock rootfs copy or an empty directory), so fault injection can aim at each family's loaders.
# Nothing here is a real credential.
set -eu
d=${1:?usage: family-image.sh DIR}
case "$d" in /|/usr|/etc|/var|/home|/root) echo "family-image.sh: refusing to write into $d" >&2; exit 2;; esac
cd "$d"
mkdir -p etc/ssh/sshd_config.d etc/sudoers.d etc/sysctl.d etc/modprobe.d etc/security/limits.d etc/pam.d \
	etc/apt/sources.list.d etc/audit/rules.d etc/rsyslog.d etc/systemd/journald.conf.d etc/ufw etc/default \
	etc/iptables etc/systemd/system/multi-user.target.wants usr/lib/systemd/system var/lib/dpkg/info \
	var/lib/dbus var/lib/apt/lists var/log root/.ssh home/builder tmp/junk var/tmp boot/grub usr/sbin \
	etc/cron.d etc/cloud etc/logrotate.d usr/lib/sysctl.d usr/bin
[ -e lib ] || ln -s usr/lib lib
[ -e sbin ] || ln -s usr/sbin sbin
[ -s etc/os-release ] || cat >etc/os-release <<'E'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
E
echo 0123456789abcdef0123456789abcdef >etc/machine-id
cp etc/machine-id var/lib/dbus/machine-id
grep -q '^builder:' etc/passwd 2>/dev/null || {
	[ -s etc/passwd ] || printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' >etc/passwd
	[ -s etc/shadow ] || printf 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n' >etc/shadow
	[ -s etc/group ] || printf 'root:x:0:\ndaemon:x:1:\nsudo:x:27:\n' >etc/group
	[ -s etc/gshadow ] || printf 'root:*::\ndaemon:*::\nsudo:*::\n' >etc/gshadow
	echo 'builder:x:1000:1000::/home/builder:/bin/bash' >>etc/passwd
	echo 'builder:!:19000:0:99999:7:::' >>etc/shadow
	echo 'builder:x:1000:' >>etc/group
	echo 'builder:!::' >>etc/gshadow
}
chmod 0640 etc/shadow etc/gshadow
printf 'ls\nexport TOKEN=abc\n' >home/builder/.bash_history
echo leftover >tmp/junk/a
echo pkg >var/tmp/build.deb
# ssh
[ -s etc/ssh/sshd_config ] || printf 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n' >etc/ssh/sshd_config
printf 'PasswordAuthentication no\nPermitRootLogin no\n' >etc/ssh/sshd_config.d/50-image.conf
# acct
[ -s etc/login.defs ] || printf 'PASS_MAX_DAYS 99999\nUMASK 022\nENCRYPT_METHOD SHA512\n' >etc/login.defs
[ -s etc/sudoers ] || printf 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n' >etc/sudoers
printf '%%sudo ALL=(ALL:ALL) ALL\n' >etc/sudoers.d/50-admins
chmod 0440 etc/sudoers etc/sudoers.d/50-admins
[ -s etc/pam.d/common-auth ] || printf 'auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n' >etc/pam.d/common-auth
[ -s etc/pam.d/common-password ] || printf 'password [success=1 default=ignore] pam_unix.so obscure yescrypt\npassword requisite pam_deny.so\n' >etc/pam.d/common-password
printf '* hard core 0\n' >etc/security/limits.d/50-core.conf
# perm
printf 'Debian GNU/Linux 12\n' >etc/issue
printf 'set timeout=5\nmenuentry "Debian" {\n linux /boot/vmlinuz root=/dev/sda1\n}\n' >boot/grub/grub.cfg
chmod 0600 boot/grub/grub.cfg
printf 'SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n' >etc/crontab
# kernel and net
printf 'kernel.randomize_va_space = 2\nnet.ipv4.ip_forward = 0\n' >etc/sysctl.d/60-image.conf
[ -e etc/sysctl.conf ] || printf '#net.ipv4.ip_forward=1\n' >etc/sysctl.conf
printf 'kernel.kptr_restrict = 1\n' >usr/lib/sysctl.d/50-default.conf
printf 'install cramfs /bin/false\nblacklist cramfs\n' >etc/modprobe.d/60-image.conf
# units (svc, fw, log, audit): a vendor unit enabled by a link in /etc
unit() { # NAME [WantedBy]
	printf '[Unit]\nDescription=%s\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\n' "$1" \
		>"usr/lib/systemd/system/$1"
	ln -sf "/usr/lib/systemd/system/$1" "etc/systemd/system/multi-user.target.wants/$1"
}
for u in nftables.service rsyslog.service auditd.service walinuxagent.service cron.service ssh.service; do unit $u; done
printf '[Unit]\nDescription=Time sync\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=sysinit.target\n' \
	>usr/lib/systemd/system/systemd-timesyncd.service
# fw
printf 'flush ruleset\ntable inet filter {\n chain input {\n  type filter hook input priority 0; policy drop;\n  iif lo accept\n  ct state established,related accept\n  tcp dport 22 accept\n }\n}\n' >etc/nftables.conf
printf 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\n' >etc/default/ufw
printf 'ENABLED=no\nLOGLEVEL=low\n' >etc/ufw/ufw.conf
printf '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n' >etc/iptables/rules.v4
# log
printf 'module(load="imuxsock")\n*.*;auth,authpriv.none -/var/log/syslog\n$IncludeConfig /etc/rsyslog.d/*.conf\n' >etc/rsyslog.conf
printf 'auth,authpriv.* /var/log/auth.log\n' >etc/rsyslog.d/50-auth.conf
printf '[Journal]\nStorage=persistent\n' >etc/systemd/journald.conf
printf '[Journal]\nCompress=yes\n' >etc/systemd/journald.conf.d/50-image.conf
printf 'weekly\nrotate 4\ninclude /etc/logrotate.d\n' >etc/logrotate.conf
printf '/var/log/syslog {\n rotate 7\n}\n' >etc/logrotate.d/rsyslog
# audit
printf -- '-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-w /etc/sudoers -p wa -k scope\n-a always,exit -F arch=b64 -S settimeofday -k time\n-a always,exit -F arch=b64 -S init_module -k modules\n' >etc/audit/rules.d/50-image.rules
# agent
printf 'Provisioning.Agent=auto\nResourceDisk.Format=n\nOS.EnableFirewall=y\n' >etc/waagent.conf
printf '#!/bin/sh\n' >usr/sbin/waagent
chmod 0755 usr/sbin/waagent
# pkg and os: dpkg status lists the packages the families look for
if ! grep -q '^Package: nftables$' var/lib/dpkg/status 2>/dev/null; then
	for p in nftables rsyslog auditd walinuxagent openssh-server cron logrotate; do
		printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u3\n\n' $p >>var/lib/dpkg/status
		: >"var/lib/dpkg/info/$p.list"
	done
fi
[ -s etc/apt/sources.list.d/debian.sources ] || printf 'Types: deb\nURIs: http://deb.example.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://security.example.invalid/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >etc/apt/sources.list.d/debian.sources
# secrets: a cloud-init config the provisioning rules read
printf '#cloud-config\nusers: [default]\n' >etc/cloud/cloud.cfg
