#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build (once) and cache a bootable Debian 12 VM disk image without loop mounts: debootstrap into a
# tree, configure it offline, copy the kernel and initrd out, then `mkfs.ext4 -d` the tree into a
# raw image. Prints the cache folder (disk.img, vmlinuz, initrd.img, id_ed25519). The folder name
# carries a hash of this script, so a changed recipe builds a new image.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${CAPGATE_CACHE:-/var/cache/capgate-test}
key=$(sha256sum "$0" | cut -c1-12)
vm="$cache/vm-bookworm-$key"
if [ -f "$vm/.complete" ]; then echo "$vm"; exit 0; fi
for t in debootstrap mkfs.ext4 ssh-keygen systemctl; do
	command -v "$t" >/dev/null || { echo "mkimage.sh: '$t' is missing" >&2; exit 2; }
done
mirror=${CAPGATE_MIRROR:-$(grep -hoE '^(URIs:|deb) +[a-z]+://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | awk '{print $2}' | grep -v security | grep '/debian/\?$' | head -n1)}
[ -n "$mirror" ] || { echo "mkimage.sh: no Debian mirror found in apt sources; set CAPGATE_MIRROR" >&2; exit 2; }

tmp="$vm.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
root="$tmp/rootfs"
# systemd as PID 1, a kernel whose initramfs has virtio and ext4, sshd and sudo for Packer, Debian's
# waagent (its real `-deprovision+user` runs in the shipped flow), and capgate's runtime libraries
# (the VM has no network to a mirror, so installing the .deb must find them present); AppArmor
# and the security suite in the sources, as Debian's own cloud images have them
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,udev,dbus,kmod,linux-image-amd64,openssh-server,sudo,waagent,apparmor,iproute2,ca-certificates,libcurl4,libjansson4,libmicrohttpd12,libvectorscan5,libssl3,libsystemd0,libarchive13,libyaml-0-2,librpm9,librpmio9,libsolv1,libsolvext1,libexpat1,libmount1 \
  bookworm "$root" "$mirror" >&2

rm -f "$root/etc/apt/sources.list"
printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "http://deb.debian.org/debian" "http://deb.debian.org/debian-security" > "$root/etc/apt/sources.list.d/debian.sources"
echo capgate-vm > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 capgate-vm\n' > "$root/etc/hosts"
echo 'LABEL=root / ext4 rw,errors=remount-ro 0 1' > "$root/etc/fstab"
# Debian's waagent.conf hands provisioning to cloud-init, which this image does not carry: waagent
# provisions alone here (azure.waagent-config would rightly block an image where nobody provisions)
sed -i 's/^Provisioning.Agent=.*/Provisioning.Agent=auto/' "$root/etc/waagent.conf"
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' > "$root/etc/systemd/network/10-dhcp.network"
# What Azure's provisioning leaves in a build VM (waagent, research/deprovision.md): the admin user
# Packer logs in as ('packer', azure-arm's default), its key, its NOPASSWD grant in
# /etc/sudoers.d/waagent, and the ovf-env.xml that names it, which `waagent -deprovision+user` reads.
ssh-keygen -q -t ed25519 -N '' -C capgate-e2e -f "$tmp/id_ed25519"
chroot "$root" useradd -m -s /bin/bash packer
install -d -m 700 "$root/home/packer/.ssh"
install -m 600 "$tmp/id_ed25519.pub" "$root/home/packer/.ssh/authorized_keys"
chroot "$root" chown -R packer:packer /home/packer/.ssh
echo 'packer ALL=(ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/waagent"
chmod 440 "$root/etc/sudoers.d/waagent"
install -d -m 700 "$root/var/lib/waagent"
cat > "$root/var/lib/waagent/ovf-env.xml" <<OVF
<?xml version="1.0" encoding="utf-8"?>
<ns0:Environment xmlns:ns0="http://schemas.dmtf.org/ovf/environment/1" xmlns:ns1="http://schemas.microsoft.com/windowsazure">
  <ns1:ProvisioningSection>
    <ns1:Version>1.0</ns1:Version>
    <ns1:LinuxProvisioningConfigurationSet>
      <ns1:ConfigurationSetType>LinuxProvisioningConfiguration</ns1:ConfigurationSetType>
      <ns1:HostName>capgate-vm</ns1:HostName>
      <ns1:UserName>packer</ns1:UserName>
      <ns1:DisableSshPasswordAuthentication>true</ns1:DisableSshPasswordAuthentication>
      <ns1:SSH><ns1:PublicKeys><ns1:PublicKey><ns1:Path>/home/packer/.ssh/authorized_keys</ns1:Path><ns1:Value>$(cat "$tmp/id_ed25519.pub")</ns1:Value></ns1:PublicKey></ns1:PublicKeys></ns1:SSH>
    </ns1:LinuxProvisioningConfigurationSet>
  </ns1:ProvisioningSection>
  <ns1:PlatformSettingsSection>
    <ns1:PlatformSettings>
      <ns1:ProvisionGuestAgent>true</ns1:ProvisionGuestAgent>
    </ns1:PlatformSettings>
  </ns1:PlatformSettingsSection>
</ns0:Environment>
OVF
chmod 600 "$root/var/lib/waagent/ovf-env.xml"
# what waagent's provisioning writes into sshd_config for a key-only admin (conf_sshd)
printf 'PasswordAuthentication no\nChallengeResponseAuthentication no\nClientAliveInterval 180\n' >> "$root/etc/ssh/sshd_config"
systemctl --root="$root" enable systemd-networkd.service ssh.service >&2
# units that only cost boot time under TCG (measured: e2scrub_reap 10 s) or touch the network
systemctl --root="$root" mask e2scrub_reap.service e2scrub_all.timer apt-daily.timer \
  apt-daily-upgrade.timer man-db.timer fstrim.timer systemd-networkd-wait-online.service >&2 2>&1 || true
# empty apt lists and caches keep the image small; the image never reaches a mirror
rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_*
cp -L "$root/vmlinuz" "$tmp/vmlinuz"
cp -L "$root/initrd.img" "$tmp/initrd.img"
mkfs.ext4 -q -F -L root -d "$root" "$tmp/disk.img" 2G >&2
rm -rf "$root"
rm -rf "$vm"
mv "$tmp" "$vm"
touch "$vm/.complete"
echo "$vm"
