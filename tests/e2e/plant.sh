#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Plant what a real image build leaves behind, inside the VM. SCENARIO=ready plants only leftovers
# that capgate fixes safely; SCENARIO=blocked adds a swap file the build made (its fix is guarded:
# fstab may name it, so capgate reports it and does not remove it unless allowed).
set -eu
# the image's own first-boot setup, as a real build configures it: sshd makes new host keys when
# they are missing, so capgate may remove the build's keys (it refuses to without a regenerator)
mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
	> /etc/systemd/system/ssh.service.d/regenerate-host-keys.conf
systemctl daemon-reload
# the build user is 'packer', the account Packer is logged in as (waagent provisioned it)
# shell histories with a token typed on the command line
printf 'export AWS_PROFILE=build\ncurl -H "Authorization: token ghp_xxx" https://example.invalid\n' > /root/.bash_history
printf 'make image\nsudo reboot\n' > /home/packer/.bash_history
chown packer:packer /home/packer/.bash_history
# build leftovers in /tmp and /var/tmp
mkdir -p /tmp/build-cache /var/tmp/packer-build
echo "build log" > /tmp/build-cache/build.log
echo "#!/bin/sh" > /var/tmp/packer-build/setup.sh
# cloud credentials of the build user (a safe fix: remove the file)
install -d -m 700 -o packer -g packer /home/packer/.aws
printf '[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH1\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n' \
	> /home/packer/.aws/credentials
chown packer:packer /home/packer/.aws/credentials
if [ "${SCENARIO:-ready}" = blocked ]; then
	# a swap file (with the pages of the build) that fstab names: no safe automatic fix
	dd if=/dev/zero of=/swapfile bs=1M count=8 status=none
	chmod 600 /swapfile
	mkswap /swapfile >/dev/null
	echo '/swapfile none swap sw 0 0' >> /etc/fstab
fi
echo "planted the $SCENARIO scenario's leftovers"
