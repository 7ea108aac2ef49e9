#!/bin/sh
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
# systemd as PID 1, a kernel whose initramfs has virtio and ext4, sshd for Packer, and capgate's
# runtime libraries (the VM has no network to a mirror, so `dpkg -i` must find them present)
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,udev,dbus,kmod,linux-image-amd64,openssh-server,iproute2,ca-certificates,libcurl4,libjansson4,libmicrohttpd12,libvectorscan5,libssl3,libsystemd0 \
  bookworm "$root" "$mirror" >&2

echo capgate-vm > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 capgate-vm\n' > "$root/etc/hosts"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' > "$root/etc/fstab"
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' > "$root/etc/systemd/network/10-dhcp.network"
# the build's SSH key: Packer logs in as root with it (a build user's access is what capgate removes last)
ssh-keygen -q -t ed25519 -N '' -C capgate-e2e -f "$tmp/id_ed25519"
install -d -m 700 "$root/root/.ssh"
install -m 600 "$tmp/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
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
