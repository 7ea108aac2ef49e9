/* SPDX-License-Identifier: Apache-2.0 */
/* checks/families/azure.c: a Debian-, RHEL-, SLES- and Ubuntu-shaped image tree, each with the faults of issue 13
 * planted, is blocked with one finding per fault at the file where it lives; the same tree with
 * each fault corrected has no azure.* finding; baseline runs the family only on Azure images; the
 * safe fixes (GRUB drop-in, waagent.conf edit, cloud-init drop-in, sshd 180) do what they say. */
#include <fcntl.h>
#include <unistd.h>

#include "azure_fixture.h"

#define KVER "6.1.0-28-cloud-amd64"
#define RVER "5.14.0-427.el9.x86_64"
#define SVER "6.4.0-150600.23.25-default"
#define UVER "6.8.0-45-generic"

static const char *const hv_all[] = {"hv/hv_vmbus", "scsi/hv_storvsc", "net/hyperv/hv_netvsc", "nvme/host/nvme",
				     "nvme/host/nvme-core", NULL};
static const char *const hv_none[] = {"nvme/host/nvme", "nvme/host/nvme-core", "ata/ata_piix", NULL};

static const char waagent_rest[] = "# Microsoft Azure Linux Agent Configuration\n"
				   "Provisioning.Agent=auto\n"
				   "Provisioning.RegenerateSshHostKeyPair=n\n"
				   "ResourceDisk.Filesystem=ext4\n"
				   "ResourceDisk.MountPoint=/mnt/resource\n"
				   "ResourceDisk.EnableSwap=n\n"
				   "Logs.Verbose=n\n";

/* a unit in DIR (lib/systemd/system, usr/lib/systemd/system), enabled by a link in
 * /etc/systemd/system/TARGET.wants */
static void unit_in(const char *root, const char *dir, const char *name, const char *target)
{
	_cleanup_free_ char *rel = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *body = xasprintf("[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=%s\n",
					      name, target);
	_cleanup_free_ char *link = xasprintf("etc/systemd/system/%s.wants/%s", target, name);
	_cleanup_free_ char *to = xasprintf("/%s/%s", dir, name);
	tu_write(root, rel, body, 0644);
	tu_symlink(root, link, to);
}

static void unit(const char *root, const char *name, const char *target)
{
	unit_in(root, "lib/systemd/system", name, target);
}

/* Where a distribution keeps what common() writes: its unit directory, cloud-init's datasource
 * drop-in (and what else that file says), the OpenSSH server's unit and the target enabling it. */
struct shape {
	const char *units, *ds_cfg, *ds_extra, *sshd, *sshd_target;
};
static const struct shape debian_shape = {"lib/systemd/system", "90_dpkg.cfg", "", "ssh.service", "multi-user.target"};

/* Everything the distributions' trees share: agents, cloud-init, sshd, modprobe, chrony, EFI. */
static void common_shaped(const char *root, bool faulty, const struct shape *sh)
{
	tu_write(root, "usr/sbin/waagent", "#!/usr/bin/python3\n", 0755);
	tu_write(root, "usr/bin/cloud-init", "#!/usr/bin/python3\n", 0755);
	_cleanup_free_ char *wa = xasprintf("%sResourceDisk.Format=%s\nOS.EnableFirewall=y\n", waagent_rest, faulty ? "y" : "n");
	tu_write(root, "etc/waagent.conf", wa, 0644);
	tu_write(root, "etc/cloud/cloud.cfg", "users:\n  - default\ndatasource_list: [ NoCloud, Azure, None ]\n"
					       "cloud_init_modules:\n  - seed_random\n", 0644);
	tu_write(root, "etc/cloud/cloud.cfg.d/05_logging.cfg", "_log:\n  - level: debug\n", 0644);
	_cleanup_free_ char *ds_rel = xasprintf("etc/cloud/cloud.cfg.d/%s", sh->ds_cfg);
	_cleanup_free_ char *ds = xasprintf("%s%s", faulty ? "# from the build\ndatasource_list: [ NoCloud, None ]\n"
						       : "datasource_list: [ Azure ]\n", sh->ds_extra);
	tu_write(root, ds_rel, ds, 0644);
	tu_write(root, "etc/ssh/sshd_config",
		 faulty ? "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nClientAliveInterval 300\n"
			: "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nClientAliveInterval 180\n", 0644);
	tu_mkdir(root, "etc/ssh/sshd_config.d", 0755);
	tu_write(root, "etc/modprobe.d/cis.conf",
		 faulty ? "install cramfs /bin/false\ninstall udf /bin/false\n" : "install cramfs /bin/false\n", 0644);
	tu_write(root, "usr/sbin/hv_kvp_daemon", "", 0755);
	tu_write(root, "boot/efi/EFI/BOOT/BOOTX64.EFI", "MZ", 0644);
	unit_in(root, sh->units, "cloud-init.service", "cloud-init.target");
	unit_in(root, sh->units, "cloud-final.service", "cloud-init.target");
	unit_in(root, sh->units, sh->sshd, sh->sshd_target);
}

static void common(const char *root, bool faulty)
{
	common_shaped(root, faulty, &debian_shape);
}

/* Debian 12 as the cloud team builds it, or with the faults planted. */
static char *debian_tree(bool faulty)
{
	char *root = tu_scratch();

	tu_write(root, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n", 0644);
	tu_write(root, "etc/default/grub",
		 faulty ? "GRUB_DEFAULT=0\nGRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\nGRUB_CMDLINE_LINUX=\"\"\n"
			: "GRUB_DEFAULT=0\nGRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\nGRUB_CMDLINE_LINUX=\"\"\n"
			  "GRUB_TERMINAL=\"serial console\"\n", 0644);
	/* Debian's cloud images put the console in a grub.d drop-in; the defaults merge it */
	if (!faulty)
		tu_write(root, "etc/default/grub.d/50-cloud.cfg",
			 "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200\"\n",
			 0644);
	_cleanup_free_ char *cfg = xasprintf(
		"set default=\"0\"\nterminal_output serial\nmenuentry 'Debian GNU/Linux' --class debian {\n"
		"\tinsmod ext2\n\tlinux\t/boot/vmlinuz-%s root=UUID=0b9a ro %s\n\tinitrd\t/boot/initrd.img-%s\n}\n",
		KVER, faulty ? "" : "console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200", KVER);
	tu_write(root, "boot/grub/grub.cfg", cfg, 0644);
	tu_write(root, "boot/vmlinuz-" KVER, "kernel", 0644);
	tu_write(root, "boot/config-" KVER, "CONFIG_HYPERV=m\nCONFIG_HYPERV_STORAGE=m\nCONFIG_HYPERV_NET=m\nCONFIG_BLK_DEV_NVME=m\n", 0644);
	az_write_initramfs(root, "boot/initrd.img-" KVER, KVER, faulty ? hv_none : hv_all, AZ_ZSTD, true);
	tu_write(root, "etc/fstab",
		 faulty ? "# /etc/fstab\nUUID=0b9a / ext4 rw,discard,errors=remount-ro 0 1\n/dev/sda15 /boot/efi vfat defaults 0 0\n"
			  "UUID=77c1 none swap sw 0 0\n"
			: "# /etc/fstab\nUUID=0b9a / ext4 rw,discard,errors=remount-ro 0 1\nPARTUUID=1e2f /boot/efi vfat defaults 0 0\n",
		 0644);
	tu_write(root, "etc/chrony/chrony.conf", "pool 2.debian.pool.ntp.org iburst\nrefclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0\n", 0644);
	unit(root, "walinuxagent.service", "multi-user.target");
	common(root, faulty);
	return root;
}

/* RHEL 9 as Microsoft's guide prepares it: BLS entries with $kernelopts, dracut's initramfs name,
 * /etc/kernel/cmdline; upstream grub-mkconfig (no grub.d). */
static char *rhel_tree(bool faulty)
{
	char *root = tu_scratch();
	const char *good = "root=UUID=0b9a ro console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0,115200 net.ifnames=0";
	const char *bad = "root=UUID=0b9a ro crashkernel=1G-4G:192M";

	tu_write(root, "etc/os-release", "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\n", 0644);
	_cleanup_free_ char *defaults = xasprintf("GRUB_TIMEOUT=10\nGRUB_CMDLINE_LINUX=\"%s\"\nGRUB_TERMINAL_OUTPUT=\"serial console\"\n"
						  "GRUB_ENABLE_BLSCFG=true\n", faulty ? bad : good);
	tu_write(root, "etc/default/grub", defaults, 0644);
	tu_write(root, "boot/grub2/grub.cfg", "set default=\"${saved_entry}\"\nterminal_output serial console\ninsmod blscfg\nblscfg\n", 0644);
	_cleanup_free_ char *env = xasprintf("# GRUB Environment Block\nkernelopts=%s\n", faulty ? bad : good);
	tu_write(root, "boot/grub2/grubenv", env, 0644);
	tu_write(root, "boot/loader/entries/0123-" RVER ".conf",
		 "title Red Hat Enterprise Linux (" RVER ") 9.4\nversion " RVER "\nlinux /vmlinuz-" RVER
		 "\ninitrd /initramfs-" RVER ".img $tuned_initrd\noptions $kernelopts $tuned_params\ngrub_users $grub_users\n", 0644);
	_cleanup_free_ char *kcmd = xasprintf("%s\n", faulty ? bad : good);
	tu_write(root, "etc/kernel/cmdline", kcmd, 0644);
	tu_write(root, "boot/vmlinuz-" RVER, "kernel", 0644);
	tu_write(root, "boot/config-" RVER, "CONFIG_HYPERV=m\nCONFIG_HYPERV_STORAGE=m\nCONFIG_HYPERV_NET=m\nCONFIG_BLK_DEV_NVME=y\n", 0644);
	az_write_initramfs(root, "boot/initramfs-" RVER ".img", RVER, faulty ? hv_none : hv_all, AZ_GZIP, true);
	tu_write(root, "usr/bin/dracut", "#!/bin/bash\n", 0755);
	tu_write(root, "etc/fstab",
		 faulty ? "/dev/sda2 / xfs defaults 0 0\nUUID=77c1 none swap defaults 0 0\n" : "UUID=0b9a / xfs defaults 0 0\n", 0644);
	tu_write(root, "etc/chrony.conf", "server time.example.invalid iburst\nrefclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0\n", 0644);
	tu_write(root, "usr/sbin/NetworkManager", "", 0755);
	tu_write(root, "etc/NetworkManager/conf.d/99-azure-unmanaged-devices.conf",
		 "[keyfile]\nunmanaged-devices=driver:mlx4_core;driver:mlx5_core\n", 0644);
	unit(root, "waagent.service", "multi-user.target");
	common(root, faulty);
	return root;
}

/* SLES 15 SP6 as SUSE's guide prepares it: grub2 with /boot/grub2/grub.cfg (no BLS before SLE 16),
 * UEFI's linuxefi/initrdefi, dracut's /boot/initrd-VERSION (and the /boot/initrd, /boot/vmlinuz
 * links), modules under /lib/modules (no merged /usr in SLE 15), os-release a link into /usr/lib,
 * units in /usr/lib/systemd/system, waagent.service and sshd.service, wicked's ifcfg-eth0, YaST's
 * fstab (btrfs subvolumes, swap mounted on "swap"). */
static const struct shape sles_shape = {"usr/lib/systemd/system", "91-azure_datasource.cfg",
					"datasource:\n  Azure:\n    apply_network_config: False\n", "sshd.service",
					"multi-user.target"};

static char *sles_tree(bool faulty)
{
	char *root = tu_scratch();
	const char *good = "USE_BY_UUID_DEVICE_NAMES=1 earlyprintk=ttyS0 console=ttyS0 rootdelay=300 net.ifnames=0 "
			   "dis_ucode_ldr scsi_mod.use_blk_mq=1 multipath=off";
	const char *bad = "splash=silent mitigations=auto quiet";

	tu_write(root, "usr/lib/os-release",
		 "NAME=\"SLES\"\nVERSION=\"15-SP6\"\nVERSION_ID=\"15.6\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP6\"\n"
		 "ID=\"sles\"\nID_LIKE=\"suse\"\nANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp6\"\n", 0644);
	tu_symlink(root, "etc/os-release", "../usr/lib/os-release");
	_cleanup_free_ char *defaults = xasprintf(
		"# If you change this file, run 'grub2-mkconfig -o /boot/grub2/grub.cfg' afterwards to update\n"
		"# /boot/grub2/grub.cfg.\n"
		"GRUB_DISTRIBUTOR=\nGRUB_DEFAULT=saved\nGRUB_HIDDEN_TIMEOUT=0\nGRUB_HIDDEN_TIMEOUT_QUIET=true\nGRUB_TIMEOUT=1\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\nGRUB_CMDLINE_LINUX=\"\"\n"
		"GRUB_TERMINAL=\"%s\"\nGRUB_SERIAL_COMMAND=\"serial --speed=115200 --unit=0 --word=8 --parity=no --stop=1\"\n"
		"GRUB_GFXMODE=\"auto\"\nGRUB_DISABLE_RECOVERY=\"true\"\nGRUB_DISABLE_OS_PROBER=\"true\"\n"
		"SUSE_BTRFS_SNAPSHOT_BOOTING=\"true\"\nGRUB_USE_LINUXEFI=\"true\"\n",
		faulty ? bad : good, faulty ? "gfxterm" : "console serial");
	tu_write(root, "etc/default/grub", defaults, 0644);
	_cleanup_free_ char *cfg = xasprintf(
		"#\n# DO NOT EDIT THIS FILE\n#\n# It is automatically generated by grub2-mkconfig using templates\n"
		"# from /etc/grub.d and settings from /etc/default/grub\n#\n\n### BEGIN /etc/grub.d/00_header ###\n"
		"set btrfs_relative_path=\"y\"\nexport btrfs_relative_path\n"
		"if [ -f ${config_directory}/grubenv ]; then\n  load_env -f ${config_directory}/grubenv\nfi\n"
		"%s"
		"### BEGIN /etc/grub.d/10_linux ###\n"
		"menuentry 'SLES 15-SP6'  --class sles --class gnu-linux --class gnu --class os $menuentry_id_option "
		"'gnulinux-simple-0b9a' {\n\tload_video\n\tset gfxpayload=keep\n\tinsmod gzio\n\tinsmod part_gpt\n\tinsmod btrfs\n"
		"\tsearch --no-floppy --fs-uuid --set=root 0b9a\n\techo\t'Loading Linux " SVER " ...'\n"
		"\tlinuxefi\t/boot/vmlinuz-" SVER " root=UUID=0b9a  ${extra_cmdline} %s\n"
		"\techo\t'Loading initial ramdisk ...'\n\tinitrdefi\t/boot/initrd-" SVER "\n}\n",
		faulty ? "terminal_output gfxterm\n" : "terminal_input console serial\nterminal_output console serial\n",
		faulty ? bad : good);
	tu_write(root, "boot/grub2/grub.cfg", cfg, 0644);
	tu_write(root, "boot/grub2/grubenv", "# GRUB Environment Block\nsaved_entry=SLES 15-SP6\n", 0644);
	tu_write(root, "boot/vmlinuz-" SVER, "kernel", 0644);
	tu_write(root, "boot/.vmlinuz-" SVER ".hmac", "hmac", 0644);
	tu_symlink(root, "boot/vmlinuz", "vmlinuz-" SVER);
	tu_write(root, "boot/config-" SVER, "CONFIG_HYPERV=m\nCONFIG_HYPERV_STORAGE=m\nCONFIG_HYPERV_NET=m\nCONFIG_BLK_DEV_NVME=m\n", 0644);
	az_write_initramfs_at(root, "boot/initrd-" SVER, SVER, faulty ? hv_none : hv_all, AZ_XZ, true,
			      (struct az_modlayout){"lib/modules", ".zst"});
	tu_symlink(root, "boot/initrd", "initrd-" SVER);
	tu_write(root, "usr/bin/dracut", "#!/bin/bash\n", 0755);
	tu_write(root, "etc/dracut.conf", "# PUT YOUR CONFIG IN separate files\n# in /etc/dracut.conf.d\n", 0644);
	if (faulty)
		tu_mkdir(root, "etc/dracut.conf.d", 0755);
	else
		tu_write(root, "etc/dracut.conf.d/azure.conf", "add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \"\n", 0644);
	tu_write(root, "etc/fstab",
		 faulty ? "/dev/sda4 / btrfs defaults 0 0\nUUID=0b9a /var btrfs subvol=/@/var 0 0\n"
			  "UUID=0b9a /home btrfs subvol=/@/home 0 0\nUUID=0b9a /.snapshots btrfs subvol=/@/.snapshots 0 0\n"
			  "UUID=1e2f /boot/efi vfat utf8 0 2\nUUID=77c1 swap swap defaults 0 0\n"
			: "UUID=0b9a / btrfs defaults 0 0\nUUID=0b9a /var btrfs subvol=/@/var 0 0\n"
			  "UUID=0b9a /home btrfs subvol=/@/home 0 0\nUUID=0b9a /.snapshots btrfs subvol=/@/.snapshots 0 0\n"
			  "UUID=1e2f /boot/efi vfat utf8 0 2\n",
		 0644);
	tu_write(root, "etc/chrony.conf", "include /etc/chrony.d/*.conf\nrefclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0\n", 0644);
	tu_write(root, "etc/chrony.d/pool.conf", "pool suse.pool.ntp.org iburst\n", 0644);
	tu_write(root, "usr/sbin/wicked", "", 0755);
	tu_write(root, "etc/sysconfig/network/ifcfg-eth0",
		 "BOOTPROTO='dhcp'\nDHCLIENT6_MODE='managed'\nSTARTMODE='auto'\nCLOUD_NETCONFIG_MANAGE='yes'\n", 0644);
	tu_write(root, "etc/sysconfig/network/dhcp", "DHCLIENT_SET_HOSTNAME=\"no\"\n", 0644);
	/* the kernel package's own modprobe.d file: a directive modprobe knows and the parser must skip */
	tu_write(root, "etc/modprobe.d/10-unsupported-modules.conf", "allow_unsupported_modules 0\n", 0644);
	unit_in(root, "usr/lib/systemd/system", "waagent.service", "multi-user.target");
	common_shaped(root, faulty, &sles_shape);
	return root;
}

/* Ubuntu 24.04 from the cloud image, prepared by Ubuntu's Azure guide: merged /usr (lib, bin,
 * sbin are links), the command line in /etc/default/grub.d/50-cloudimg-settings.cfg overriding the
 * stock GRUB_CMDLINE_LINUX_DEFAULT, a grub.cfg with its recovery entries (built from
 * GRUB_CMDLINE_LINUX alone), initramfs-tools' /boot/initrd.img-VERSION with zstd modules,
 * ssh.socket instead of ssh.service, netplan, fstab by LABEL. */
static const struct shape ubuntu_shape = {"usr/lib/systemd/system", "90_dpkg.cfg", "", "ssh.socket", "sockets.target"};

static char *ubuntu_tree(bool faulty)
{
	char *root = tu_scratch();
	const char *good = "console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0,115200 rootdelay=300 panic=-1";
	const char *bad = "console=tty1 panic=-1";

	tu_mkdir(root, "usr/lib", 0755);
	tu_mkdir(root, "usr/bin", 0755);
	tu_mkdir(root, "usr/sbin", 0755);
	tu_symlink(root, "lib", "usr/lib");
	tu_symlink(root, "bin", "usr/bin");
	tu_symlink(root, "sbin", "usr/sbin");
	tu_write(root, "usr/lib/os-release",
		 "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nVERSION=\"24.04.1 LTS (Noble Numbat)\"\n"
		 "VERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=noble\n", 0644);
	tu_symlink(root, "etc/os-release", "../usr/lib/os-release");
	tu_write(root, "etc/default/grub",
		 "# If you change this file, run 'update-grub' afterwards to update\n# /boot/grub/grub.cfg.\n"
		 "# For full documentation of the options in this file, see:\n#   info -f grub -n 'Simple configuration'\n\n"
		 "GRUB_DEFAULT=0\nGRUB_TIMEOUT_STYLE=hidden\nGRUB_TIMEOUT=0\n"
		 "GRUB_DISTRIBUTOR=`( . /etc/os-release; echo ${NAME:-Ubuntu} ) 2>/dev/null || echo Ubuntu`\n"
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"\n", 0644);
	tu_write(root, "etc/default/grub.d/40-force-partuuid.cfg",
		 "# Force the use of a PARTUUID root\nGRUB_FORCE_PARTUUID=3e4f\n", 0644);
	_cleanup_free_ char *cloudimg = xasprintf(
		"# Cloud Image specific Grub settings for Generic Cloud Images\n"
		"# CLOUD_IMG: This file was created/modified by the Cloud Image build process\n\n"
		"# Set the recordfail timeout\nGRUB_RECORDFAIL_TIMEOUT=0\n\n# Do not wait on grub prompt\nGRUB_TIMEOUT=0\n\n"
		"# Set the default commandline\nGRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\n\n# Set the grub console type\nGRUB_TERMINAL=%s\n",
		faulty ? bad : good, faulty ? "console" : "serial");
	tu_write(root, "etc/default/grub.d/50-cloudimg-settings.cfg", cloudimg, 0644);
	_cleanup_free_ char *cfg = xasprintf(
		"#\n# DO NOT EDIT THIS FILE\n#\n# It is automatically generated by grub-mkconfig using templates\n"
		"# from /etc/grub.d and settings from /etc/default/grub\n#\n\n"
		"%s"
		"menuentry 'Ubuntu' --class ubuntu --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-0b9a' {\n"
		"\trecordfail\n\tload_video\n\tinsmod gzio\n\tinsmod part_gpt\n\tinsmod ext2\n"
		"\tsearch --no-floppy --fs-uuid --set=root 0b9a\n"
		"\tlinux\t/boot/vmlinuz-" UVER " root=PARTUUID=3e4f ro %s\n\tinitrd\t/boot/initrd.img-" UVER "\n}\n"
		"submenu 'Advanced options for Ubuntu' $menuentry_id_option 'gnulinux-advanced-0b9a' {\n"
		"\tmenuentry 'Ubuntu, with Linux " UVER "' --class ubuntu $menuentry_id_option 'gnulinux-" UVER "-advanced-0b9a' {\n"
		"\t\trecordfail\n\t\tlinux\t/boot/vmlinuz-" UVER " root=PARTUUID=3e4f ro %s\n"
		"\t\tinitrd\t/boot/initrd.img-" UVER "\n\t}\n"
		"\tmenuentry 'Ubuntu, with Linux " UVER " (recovery mode)' --class ubuntu $menuentry_id_option "
		"'gnulinux-" UVER "-recovery-0b9a' {\n"
		"\t\trecordfail\n\t\tlinux\t/boot/vmlinuz-" UVER " root=PARTUUID=3e4f ro recovery nomodeset dis_ucode_ldr \n"
		"\t\tinitrd\t/boot/initrd.img-" UVER "\n\t}\n}\n",
		faulty ? "" : "serial --unit=0 --speed=9600 --stop=1\nterminal_input serial\nterminal_output serial\n",
		faulty ? bad : good, faulty ? bad : good);
	tu_write(root, "boot/grub/grub.cfg", cfg, 0644);
	tu_write(root, "boot/vmlinuz-" UVER, "kernel", 0644);
	tu_symlink(root, "boot/vmlinuz", "vmlinuz-" UVER);
	tu_write(root, "boot/config-" UVER, "CONFIG_HYPERV=m\nCONFIG_HYPERV_STORAGE=m\nCONFIG_HYPERV_NET=m\nCONFIG_BLK_DEV_NVME=y\n", 0644);
	az_write_initramfs_at(root, "boot/initrd.img-" UVER, UVER, faulty ? hv_none : hv_all, AZ_ZSTD, true,
			      (struct az_modlayout){"usr/lib/modules", ".zst"});
	tu_symlink(root, "boot/initrd.img", "initrd.img-" UVER);
	tu_write(root, "etc/initramfs-tools/initramfs.conf", faulty ? "MODULES=dep\nCOMPRESS=zstd\n" : "MODULES=most\nCOMPRESS=zstd\n", 0644);
	tu_write(root, "etc/initramfs-tools/conf.d/resume", "RESUME=none\n", 0644);
	tu_write(root, "etc/fstab",
		 faulty ? "/dev/sda1\t/\text4\tdiscard,errors=remount-ro\t0 1\nLABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n"
			  "/swap.img\tnone\tswap\tsw\t0\t0\n"
			: "LABEL=cloudimg-rootfs\t/\text4\tdiscard,errors=remount-ro\t0 1\nLABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n",
		 0644);
	tu_write(root, "etc/chrony/chrony.conf", "confdir /etc/chrony/conf.d\npool ntp.ubuntu.com iburst maxsources 4\n"
						 "sourcedir /etc/chrony/sources.d\n", 0644);
	tu_write(root, "etc/chrony/conf.d/azure-ptp.conf", "refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0 stratum 2\n", 0644);
	tu_write(root, "etc/netplan/50-cloud-init.yaml", "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n", 0600);
	tu_write(root, "etc/cloud/cloud.cfg.d/10-azure-kvp.cfg",
		 "reporting:\n  logging:\n    type: log\n  telemetry:\n    type: hyperv\n", 0644);
	tu_write(root, "etc/cloud/cloud.cfg.d/90-azure.cfg",
		 "system_info:\n  package_mirrors:\n    - arches: [i386, amd64]\n      failsafe:\n"
		 "        primary: http://archive.ubuntu.com/ubuntu\n", 0644);
	tu_write(root, "etc/cloud/cloud.cfg.d/README", "# All files in this directory will be read by cloud-init\n", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/60-cloudimg-settings.conf", "PasswordAuthentication no\n", 0644);
	unit_in(root, "usr/lib/systemd/system", "walinuxagent.service", "multi-user.target");
	common_shaped(root, faulty, &ubuntu_shape);
	return root;
}

/* The finding of check ID on PATH (line LINE, 0: any), or NULL. */
static const struct cg_finding *finding(const struct cg_report *rep, const char *id, const char *path, unsigned line)
{
	const struct cg_result *r = tu_result(rep, id);
	ck_assert_msg(r, "%s did not run", id);
	for (size_t i = 0; i < r->nfindings; i++)
		if (streq(r->findings[i].path, path) && (!line || r->findings[i].line == line))
			return &r->findings[i];
	return NULL;
}

#define HAS(rep, id, path, line) ck_assert_msg(finding((rep), (id), (path), (line)), "%s: no finding on %s:%u", (id), (path), (line))

/* Findings of azure.* checks at or above medium: what blocks the image. */
static size_t blocking(const struct cg_report *rep, struct strbuf *list)
{
	size_t n = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];
		if (!startswith(r->check->id, "azure.") || r->severity < CG_SEV_MEDIUM)
			continue;
		for (size_t k = 0; k < r->nfindings; k++, n++)
			strbuf_printf(list, "%s %s:%u; ", r->check->id, r->findings[k].path, r->findings[k].line);
	}
	return n;
}

static void assert_clean(const char *root)
{
	struct tu_scan t;
	struct strbuf all = {0};

	tu_scan_with(&t, root, "azure", NULL, "azure");
	for (size_t i = 0; i < t.rep.n; i++) {
		const struct cg_result *r = &t.rep.results[i];
		for (size_t k = 0; k < r->nfindings; k++)
			strbuf_printf(&all, "%s %s:%u %s; ", r->check->id, r->findings[k].path, r->findings[k].line,
				      r->findings[k].message);
		for (size_t k = 0; k < r->nerrors; k++)
			strbuf_printf(&all, "%s error %s: %s; ", r->check->id, r->errors[k].path, r->errors[k].message);
	}
	ck_assert_msg(all.len == 0, "the corrected tree has azure findings: %s", all.buf);
	ck_assert_int_eq(t.rep.verdict, CG_READY);
	ck_assert_uint_ge(t.rep.n, 18);
	strbuf_free(&all);
	tu_scan_free(&t);
}

START_TEST(debian_faults_blocked)
{
	_cleanup_free_ char *root = debian_tree(true);
	struct tu_scan t;
	struct strbuf list = {0};

	tu_scan_with(&t, root, "azure", NULL, "azure");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED);
	HAS(&t.rep, "azure.kernel-console", "/etc/default/grub", 4);      /* defaults and grub.cfg: one fault */
	HAS(&t.rep, "azure.hyperv-drivers", "/boot/initrd.img-" KVER, 0);
	HAS(&t.rep, "azure.waagent-config", "/etc/waagent.conf", 8);
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/90_dpkg.cfg", 2);
	HAS(&t.rep, "azure.fstab-ids", "/etc/fstab", 3);
	HAS(&t.rep, "azure.swap", "/etc/fstab", 4);
	HAS(&t.rep, "azure.ssh-keepalive", "/etc/ssh/sshd_config", 3);
	HAS(&t.rep, "azure.udf-vfat", "/etc/modprobe.d/cis.conf", 2);
	/* exactly one blocking finding per planted fault, nothing else */
	ck_assert_msg(blocking(&t.rep, &list) == 8, "%s", list.buf);
	/* the driver message names every missing module and the command that fixes it */
	const struct cg_finding *f = finding(&t.rep, "azure.hyperv-drivers", "/boot/initrd.img-" KVER, 0);
	ck_assert_str_eq(f->rule, "hv_vmbus hv_storvsc hv_netvsc");
	ck_assert_ptr_nonnull(strstr(f->message, "update-initramfs -u -k " KVER));
	ck_assert_ptr_null(finding(&t.rep, "azure.nvme-driver", "/boot/initrd.img-" KVER, 0));
	strbuf_free(&list);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

START_TEST(debian_corrected_clean)
{
	_cleanup_free_ char *root = debian_tree(false);
	assert_clean(root);
	tu_rm_rf(root);
}
END_TEST

START_TEST(rhel_faults_blocked)
{
	_cleanup_free_ char *root = rhel_tree(true);
	struct tu_scan t;
	struct strbuf list = {0};

	tu_scan_with(&t, root, "azure", NULL, "azure");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED);
	HAS(&t.rep, "azure.kernel-console", "/etc/default/grub", 2);
	HAS(&t.rep, "azure.hyperv-drivers", "/boot/initramfs-" RVER ".img", 0);
	HAS(&t.rep, "azure.waagent-config", "/etc/waagent.conf", 8);
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/90_dpkg.cfg", 2);
	HAS(&t.rep, "azure.fstab-ids", "/etc/fstab", 1);
	HAS(&t.rep, "azure.swap", "/etc/fstab", 2);
	HAS(&t.rep, "azure.ssh-keepalive", "/etc/ssh/sshd_config", 3);
	HAS(&t.rep, "azure.udf-vfat", "/etc/modprobe.d/cis.conf", 2);
	ck_assert_msg(blocking(&t.rep, &list) == 8, "%s", list.buf);
	/* dracut's command for dracut's file name */
	const struct cg_finding *f = finding(&t.rep, "azure.hyperv-drivers", "/boot/initramfs-" RVER ".img", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(f ? strstr(f->message, "dracut -f /boot/initramfs-" RVER ".img " RVER) : NULL);
	/* crashkernel is optional; rhgb/quiet are absent: nothing to say about verbosity but earlyprintk */
	ck_assert_ptr_nonnull(finding(&t.rep, "azure.boot-diagnostics", "/etc/default/grub", 2));
	strbuf_free(&list);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

START_TEST(rhel_corrected_clean)
{
	_cleanup_free_ char *root = rhel_tree(false);
	assert_clean(root);
	tu_rm_rf(root);
}
END_TEST

START_TEST(sles_faults_blocked)
{
	_cleanup_free_ char *root = sles_tree(true);
	struct tu_scan t;
	struct strbuf list = {0};

	tu_scan_with(&t, root, "azure", NULL, "azure");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED);
	HAS(&t.rep, "azure.kernel-console", "/etc/default/grub", 9); /* defaults and grub.cfg: one fault */
	HAS(&t.rep, "azure.hyperv-drivers", "/boot/initrd-" SVER, 0);
	HAS(&t.rep, "azure.waagent-config", "/etc/waagent.conf", 8);
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/91-azure_datasource.cfg", 2);
	HAS(&t.rep, "azure.fstab-ids", "/etc/fstab", 1);
	HAS(&t.rep, "azure.swap", "/etc/fstab", 6);
	HAS(&t.rep, "azure.ssh-keepalive", "/etc/ssh/sshd_config", 3);
	HAS(&t.rep, "azure.udf-vfat", "/etc/modprobe.d/cis.conf", 2);
	ck_assert_msg(blocking(&t.rep, &list) == 8, "%s", list.buf);
	/* dracut's command for SUSE's initrd name; every module named, nvme (.ko.zst) found */
	const struct cg_finding *f = finding(&t.rep, "azure.hyperv-drivers", "/boot/initrd-" SVER, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f ? f->rule : "", "hv_vmbus hv_storvsc hv_netvsc");
	ck_assert_ptr_nonnull(f ? strstr(f->message, "dracut -f /boot/initrd-" SVER " " SVER) : NULL);
	ck_assert_ptr_null(finding(&t.rep, "azure.nvme-driver", "/boot/initrd-" SVER, 0));
	/* quiet in SUSE's stock command line */
	ck_assert_ptr_nonnull(finding(&t.rep, "azure.boot-diagnostics", "/etc/default/grub", 9));
	strbuf_free(&list);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

START_TEST(sles_corrected_clean)
{
	_cleanup_free_ char *root = sles_tree(false);
	assert_clean(root);
	tu_rm_rf(root);
}
END_TEST

START_TEST(ubuntu_faults_blocked)
{
	_cleanup_free_ char *root = ubuntu_tree(true);
	struct tu_scan t;
	struct strbuf list = {0};

	tu_scan_with(&t, root, "azure", NULL, "azure");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED);
	/* the cloud image's drop-in sets the command line, over the stock defaults */
	HAS(&t.rep, "azure.kernel-console", "/etc/default/grub.d/50-cloudimg-settings.cfg", 11);
	HAS(&t.rep, "azure.hyperv-drivers", "/boot/initrd.img-" UVER, 0);
	HAS(&t.rep, "azure.waagent-config", "/etc/waagent.conf", 8);
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/90_dpkg.cfg", 2);
	HAS(&t.rep, "azure.fstab-ids", "/etc/fstab", 1);
	HAS(&t.rep, "azure.swap", "/etc/fstab", 3); /* the installer's /swap.img */
	HAS(&t.rep, "azure.ssh-keepalive", "/etc/ssh/sshd_config", 3);
	HAS(&t.rep, "azure.udf-vfat", "/etc/modprobe.d/cis.conf", 2);
	ck_assert_msg(blocking(&t.rep, &list) == 8, "%s", list.buf);
	const struct cg_finding *f = finding(&t.rep, "azure.hyperv-drivers", "/boot/initrd.img-" UVER, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f ? f->rule : "", "hv_vmbus hv_storvsc hv_netvsc");
	ck_assert_ptr_nonnull(f ? strstr(f->message, "update-initramfs -u -k " UVER) : NULL);
	/* Ubuntu's guide: rootdelay=300 */
	HAS(&t.rep, "azure.boot-diagnostics", "/etc/default/grub.d/50-cloudimg-settings.cfg", 11);
	strbuf_free(&list);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

START_TEST(ubuntu_corrected_clean)
{
	_cleanup_free_ char *root = ubuntu_tree(false);
	assert_clean(root);
	tu_rm_rf(root);
}
END_TEST

/* The defaults are right but the generated files are not: the stale places are named. */
START_TEST(stale_generated_files)
{
	_cleanup_free_ char *deb = debian_tree(false);
	_cleanup_free_ char *rh = rhel_tree(false);
	struct tu_scan t;

	tu_write(deb, "boot/grub/grub.cfg", "menuentry 'Debian' {\n\tlinux /boot/vmlinuz-" KVER " root=UUID=0b9a ro\n}\n", 0644);
	tu_scan_with(&t, deb, "azure", NULL, "azure.kernel-console");
	HAS(&t.rep, "azure.kernel-console", "/boot/grub/grub.cfg", 2);
	const struct cg_finding *stale = finding(&t.rep, "azure.kernel-console", "/boot/grub/grub.cfg", 2);
	ck_assert_ptr_nonnull(stale);
	ck_assert_ptr_nonnull(stale ? strstr(stale->message, "stale") : NULL);
	ck_assert_uint_eq(tu_result(&t.rep, "azure.kernel-console")->nfindings, 1);
	tu_scan_free(&t);

	/* RHEL: grubenv's kernelopts (what $kernelopts in the entry expands to) lost the console */
	tu_write(rh, "boot/grub2/grubenv", "kernelopts=root=UUID=0b9a ro rhgb quiet\n", 0644);
	tu_write(rh, "etc/kernel/cmdline", "root=UUID=0b9a ro\n", 0644);
	tu_scan_with(&t, rh, "azure", NULL, "azure.kernel-console,azure.boot-diagnostics");
	HAS(&t.rep, "azure.kernel-console", "/boot/loader/entries/0123-" RVER ".conf", 5);
	HAS(&t.rep, "azure.kernel-console", "/etc/kernel/cmdline", 1);
	HAS(&t.rep, "azure.boot-diagnostics", "/boot/loader/entries/0123-" RVER ".conf", 5);
	tu_scan_free(&t);
	tu_rm_rf(deb);
	tu_rm_rf(rh);
}
END_TEST

/* azure.primary-nic-dhcp reads every network stack the distributions ship, each the way the stack
 * itself picks eth0's configuration; a static secondary NIC, a later DHCP override and what cannot
 * be told offline say nothing. */
struct nic_case {
	const char *why;
	const char *files[3][2]; /* rel path, content ("->TARGET": a symlink) */
	const char *path;        /* the one finding expected, or NULL for none */
	unsigned line;
	const char *rule;
};

static const struct nic_case nic_cases[] = {
	{"netplan: addresses without dhcp4",
	 {{"etc/netplan/50-cloud-init.yaml", "network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [10.0.0.4/24]\n"}},
	 "/etc/netplan/50-cloud-init.yaml", 5, "static"},
	{"netplan: a later file turns dhcp4 off",
	 {{"etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n"},
	  {"etc/netplan/90-build.yaml", "network:\n  ethernets:\n    eth0:\n      dhcp4: false\n      addresses: [10.0.0.4/24]\n"}},
	 "/etc/netplan/90-build.yaml", 4, "static"},
	{"netplan: a later file turns dhcp4 back on",
	 {{"etc/netplan/50-build.yaml", "network:\n  ethernets:\n    eth0:\n      dhcp4: no\n      addresses: [10.0.0.4/24]\n"},
	  {"etc/netplan/99-azure.yaml", "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n"}},
	 NULL, 0, NULL},
	{"netplan: cloud-init's MAC match renamed to eth0",
	 {{"etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    nic0:\n      match:\n        macaddress: 00:0d:3a:01:02:03\n"
					     "      set-name: eth0\n      addresses:\n        - 10.0.0.4/24\n"}},
	 "/etc/netplan/50-cloud-init.yaml", 8, "static"},
	{"netplan: match.name glob",
	 {{"lib/netplan/10-all.yaml", "network:\n  ethernets:\n    all:\n      match:\n        name: \"e*\"\n      dhcp4: off\n"}},
	 "/lib/netplan/10-all.yaml", 6, "static"},
	{"netplan: a static secondary NIC",
	 {{"etc/netplan/60-data.yaml", "network:\n  ethernets:\n    eth1:\n      addresses: [10.1.0.4/24]\n    eth0:\n      dhcp4: true\n"}},
	 NULL, 0, NULL},
	{"netplan: /etc masks the vendor file",
	 {{"lib/netplan/10-static.yaml", "network:\n  ethernets:\n    eth0:\n      addresses: [10.0.0.4/24]\n"},
	  {"etc/netplan/10-static.yaml", "->/dev/null"}},
	 NULL, 0, NULL},
	{"netplan: a file netplan cannot read",
	 {{"etc/netplan/50-cloud-init.yaml", "network:\n  ethernets: [eth0\n"}}, "/etc/netplan/50-cloud-init.yaml", 0, "yaml"},
	{"networkd: Address= for eth0",
	 {{"etc/systemd/network/10-eth0.network", "[Match]\nName=eth0\n\n[Network]\nAddress=10.0.0.4/24\nGateway=10.0.0.1\n"}},
	 "/etc/systemd/network/10-eth0.network", 5, "static"},
	{"networkd: the first matching file wins, and it asks DHCP",
	 {{"etc/systemd/network/05-dhcp.network", "[Match]\nName=en* eth*\n[Network]\nDHCP=yes\n"},
	  {"etc/systemd/network/10-eth0.network", "[Match]\nName=eth0\n[Network]\nAddress=10.0.0.4/24\n"}},
	 NULL, 0, NULL},
	{"networkd: a negated name and a driver match pass eth0 over",
	 {{"etc/systemd/network/05-not.network", "[Match]\nName=!eth0\n[Network]\nAddress=10.9.0.4/24\n"},
	  {"etc/systemd/network/06-vf.network", "[Match]\nDriver=mlx5_core\n[Network]\nAddress=10.8.0.4/24\n"},
	  {"usr/lib/systemd/network/99-dhcp.network", "[Match]\nName=e*\n[Network]\nDHCP=ipv4\n"}},
	 NULL, 0, NULL},
	{"networkd: a vendor file with no [Match] key takes every link; DHCP=ipv6 is not IPv4",
	 {{"usr/lib/systemd/network/99-default.network", "[Network]\nDHCP=ipv6\n\n[Address]\nAddress=10.0.0.4/24\n"}},
	 "/usr/lib/systemd/network/99-default.network", 5, "static"},
	{"NetworkManager: eth0 manual",
	 {{"etc/NetworkManager/system-connections/eth0.nmconnection",
	   "[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\naddress1=10.0.0.4/24\nmethod=manual\n"}},
	 "/etc/NetworkManager/system-connections/eth0.nmconnection", 8, "static"},
	{"NetworkManager: no interface name takes any NIC; a MAC-bound or other NIC's does not",
	 {{"etc/NetworkManager/system-connections/a.nmconnection", "[connection]\ntype=ethernet\n[ipv4]\nmethod=manual\n"},
	  {"etc/NetworkManager/system-connections/b.nmconnection",
	   "[connection]\ntype=ethernet\n[ethernet]\nmac-address=00:0D:3A:01:02:03\n[ipv4]\nmethod=manual\n"},
	  {"etc/NetworkManager/system-connections/c.nmconnection",
	   "[connection]\ntype=ethernet\ninterface-name=eth1\n[ipv4]\nmethod=manual\n"}},
	 "/etc/NetworkManager/system-connections/a.nmconnection", 4, "static"},
	{"ifcfg: DEVICE=eth0 under another name; backups and eth1 are not read",
	 {{"etc/sysconfig/network-scripts/ifcfg-System_eth0", "TYPE=Ethernet\nDEVICE=eth0\nBOOTPROTO=\"none\"\nIPADDR=10.0.0.4\n"},
	  {"etc/sysconfig/network-scripts/ifcfg-eth0.bak", "DEVICE=eth0\nBOOTPROTO=static\n"},
	  {"etc/sysconfig/network-scripts/ifcfg-eth1", "DEVICE=eth1\nBOOTPROTO=static\n"}},
	 "/etc/sysconfig/network-scripts/ifcfg-System_eth0", 3, "static"},
	{"ifcfg: wicked's ifcfg-eth0",
	 {{"etc/sysconfig/network/ifcfg-eth0", "STARTMODE='auto'\nBOOTPROTO='static'\nIPADDR='10.0.0.4/24'\n"}},
	 "/etc/sysconfig/network/ifcfg-eth0", 2, "static"},
	{"ifupdown: inet6 static for eth0, inet static for eth1",
	 {{"etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\niface eth0 inet6 static\n  address fd00::4/64\n"},
	  {"etc/network/interfaces.d/eth1", "iface eth1 inet static\n  address 10.1.0.4/24\n"}},
	 "/etc/network/interfaces", 3, "static"},
};

START_TEST(primary_nic_every_stack)
{
	const struct nic_case *c = &nic_cases[_i];
	_cleanup_free_ char *root = tu_scratch();
	struct tu_scan t;

	for (size_t k = 0; k < 3 && c->files[k][0]; k++) {
		if (startswith(c->files[k][1], "->"))
			tu_symlink(root, c->files[k][0], c->files[k][1] + 2);
		else
			tu_write(root, c->files[k][0], c->files[k][1], 0644);
	}
	tu_scan_with(&t, root, "azure", NULL, "azure.primary-nic-dhcp");
	const struct cg_result *r = tu_result(&t.rep, "azure.primary-nic-dhcp");
	ck_assert_msg(r && r->nerrors == 0, "%s: errors", c->why);
	if (!c->path)
		ck_assert_msg(r->nfindings == 0, "%s: unexpected finding %s:%u", c->why, r->findings[0].path, r->findings[0].line);
	else {
		ck_assert_msg(r->nfindings == 1, "%s: %zu findings", c->why, r->nfindings);
		ck_assert_msg(streq(r->findings[0].path, c->path) && (!c->line || r->findings[0].line == c->line) &&
				      streq(r->findings[0].rule, c->rule),
			      "%s: finding %s:%u %s, expected %s:%u %s", c->why, r->findings[0].path, r->findings[0].line,
			      r->findings[0].rule, c->path, c->line, c->rule);
	}
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

/* azure.ptp-clock follows chronyd's own include, confdir and sourcedir directives: a refclock in
 * a file chronyd reads counts wherever it is, one in a file it never reads does not. */
START_TEST(ptp_clock_follows_chrony_directives)
{
	static const struct {
		const char *why, *main, *rel, *body;
		bool finding;
	} cases[] = {
		{"SUSE's include glob", "etc/chrony.conf", "etc/chrony.d/azure.conf", "refclock PHC /dev/ptp_hyperv poll 3\n", false},
		{"confdir", "etc/chrony/chrony.conf", "etc/chrony/conf.d/azure.conf", "refclock PHC /dev/ptp_hyperv\n", false},
		{"not named by any directive", "etc/chrony.conf", "etc/chrony/conf.d/azure.conf", "refclock PHC /dev/ptp_hyperv\n", true},
		{"confdir reads only *.conf", "etc/chrony/chrony.conf", "etc/chrony/conf.d/azure.conf.bak", "refclock PHC /dev/ptp_hyperv\n", true},
		{"commented out", "etc/chrony.conf", "etc/chrony.d/azure.conf", "#refclock PHC /dev/ptp_hyperv\n", true},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *root = tu_scratch();
		struct tu_scan t;
		tu_write(root, cases[i].main,
			 streq(cases[i].main, "etc/chrony.conf") ? "pool suse.pool.ntp.org iburst\ninclude /etc/chrony.d/*.conf\n"
								 : "confdir /etc/chrony/conf.d /usr/share/chrony/conf.d\n"
								   "sourcedir /etc/chrony/sources.d\n",
			 0644);
		tu_write(root, cases[i].rel, cases[i].body, 0644);
		tu_write(root, "usr/share/chrony/conf.d/azure.conf", "# a vendor file an /etc name masks\n", 0644);
		tu_scan_with(&t, root, "azure", NULL, "azure.ptp-clock");
		const struct cg_result *r = tu_result(&t.rep, "azure.ptp-clock");
		ck_assert_msg(r->nerrors == 0 && (r->nfindings > 0) == cases[i].finding, "%s: %zu findings", cases[i].why,
			      r->nfindings);
		tu_scan_free(&t);
		tu_rm_rf(root);
	}
}
END_TEST

/* cloud-init's merge: the last cloud.cfg.d file in lexical order wins, cloud.cfg only without one */
START_TEST(cloud_init_merge_order)
{
	_cleanup_free_ char *root = debian_tree(false);
	struct tu_scan t;

	/* 99-installer.cfg (Ubuntu's installer) sorts after 90_dpkg.cfg and wins with None */
	tu_write(root, "etc/cloud/cloud.cfg.d/99-installer.cfg", "datasource_list: [ \"None\" ]\n", 0600);
	tu_scan_with(&t, root, "azure", NULL, "azure.cloud-init");
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/99-installer.cfg", 1);
	tu_scan_free(&t);
	/* a broken file is ignored by cloud-init: said, and the rest still merged */
	tu_write(root, "etc/cloud/cloud.cfg.d/99-installer.cfg", "datasource_list: [ None\n", 0600);
	tu_write(root, "etc/cloud/cloud-init.disabled", "", 0644);
	tu_scan_with(&t, root, "azure", NULL, "azure.cloud-init");
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud.cfg.d/99-installer.cfg", 0);
	HAS(&t.rep, "azure.cloud-init", "/etc/cloud/cloud-init.disabled", 0);
	ck_assert_uint_eq(tu_result(&t.rep, "azure.cloud-init")->nfindings, 2);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

/* baseline: azure.* only where the image is evidently for Azure; cis-l1 never */
START_TEST(profiles)
{
	_cleanup_free_ char *root = debian_tree(false);
	struct tu_scan t;

	tu_scan_with(&t, root, "baseline", NULL, NULL);
	ck_assert_ptr_nonnull(tu_result(&t.rep, "azure.kernel-console"));
	tu_scan_free(&t);
	tu_scan_with(&t, root, "cis-l1", NULL, NULL);
	ck_assert_ptr_null(tu_result(&t.rep, "azure.kernel-console"));
	tu_scan_free(&t);
	/* without waagent, cloud-init's datasource list decides */
	_cleanup_free_ char *wa = tu_path(root, "usr/sbin/waagent");
	_cleanup_free_ char *wc = tu_path(root, "etc/waagent.conf");
	ck_assert_int_eq(unlink(wa), 0);
	ck_assert_int_eq(unlink(wc), 0);
	tu_scan_with(&t, root, "baseline", NULL, NULL);
	ck_assert_ptr_nonnull(tu_result(&t.rep, "azure.cloud-init"));
	tu_scan_free(&t);
	tu_write(root, "etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ NoCloud ]\n", 0644);
	tu_scan_with(&t, root, "baseline", NULL, NULL);
	ck_assert_ptr_null(tu_result(&t.rep, "azure.cloud-init"));
	ck_assert_ptr_nonnull(tu_result(&t.rep, "ssh.idle-timeouts"));
	tu_scan_free(&t);
	/* --profile azure and full always run it; an exact --only id too */
	tu_scan_with(&t, root, "azure", NULL, NULL);
	ck_assert_ptr_nonnull(tu_result(&t.rep, "azure.cloud-init"));
	tu_scan_free(&t);
	tu_scan_with(&t, root, "full", NULL, NULL);
	ck_assert_ptr_nonnull(tu_result(&t.rep, "azure.cloud-init"));
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

/* capgate fix on the faulty Debian tree: the safe fixes land, the rest stays report-only */
START_TEST(fix_debian)
{
	_cleanup_free_ char *root = debian_tree(true);
	_cleanup_free_ char *wa_path = tu_path(root, "etc/waagent.conf");
	_cleanup_free_ char *out = NULL, *err = NULL;
	const char *argv[] = {tu_capgate(), "fix", "--root", root, "--profile", "azure", "--only", "azure", NULL};
	struct tu_scan t;
	struct stat st;

	ck_assert_int_eq(chmod(wa_path, 0640), 0);
	tu_run(argv, &out, &err);
	/* waagent.conf: the one value changed, every other line and the mode kept */
	char *wa = NULL;
	size_t len;
	int fd = open(wa_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(safefs_read_fd(fd, 1 << 20, &wa, &len), 0);
	close(fd);
	_cleanup_free_ char *want = xasprintf("%sResourceDisk.Format=n\nOS.EnableFirewall=y\n", waagent_rest);
	ck_assert_str_eq(wa, want);
	free(wa);
	ck_assert_int_eq(stat(wa_path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);

	tu_scan_with(&t, root, "azure", NULL, "azure");
	ck_assert_int_eq(tu_result(&t.rep, "azure.waagent-config")->status, CG_PASS);
	ck_assert_int_eq(tu_result(&t.rep, "azure.cloud-init")->status, CG_PASS);
	ck_assert_int_eq(tu_result(&t.rep, "azure.ssh-keepalive")->status, CG_PASS);
	/* offline the drop-in is written and grub.cfg is now the stale one */
	HAS(&t.rep, "azure.kernel-console", "/boot/grub/grub.cfg", 5);
	ck_assert_uint_eq(tu_result(&t.rep, "azure.kernel-console")->nfindings, 1);
	/* report-only: initramfs, fstab, swap, udf untouched */
	HAS(&t.rep, "azure.hyperv-drivers", "/boot/initrd.img-" KVER, 0);
	HAS(&t.rep, "azure.fstab-ids", "/etc/fstab", 3);
	HAS(&t.rep, "azure.swap", "/etc/fstab", 4);
	HAS(&t.rep, "azure.udf-vfat", "/etc/modprobe.d/cis.conf", 2);
	tu_scan_free(&t);

	char *dropin = NULL;
	_cleanup_free_ char *sshd = tu_path(root, "etc/ssh/sshd_config.d/00-capgate.conf");
	fd = open(sshd, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(safefs_read_fd(fd, 1 << 20, &dropin, &len), 0);
	close(fd);
	ck_assert_ptr_nonnull(strstr(dropin, "ClientAliveInterval 180\n"));
	free(dropin);
	_cleanup_free_ char *ci = tu_path(root, "etc/cloud/cloud.cfg.d/99_zz_capgate_azure.cfg");
	_cleanup_free_ char *grub = tu_path(root, "etc/default/grub.d/99-capgate-azure.cfg");
	ck_assert_int_eq(access(ci, F_OK), 0);
	ck_assert_int_eq(access(grub, F_OK), 0);
	/* a second fix changes nothing */
	_cleanup_free_ char *before = tu_snapshot(root, 0);
	free(out);
	free(err);
	tu_run(argv, &out, &err);
	_cleanup_free_ char *after = tu_snapshot(root, 0);
	ck_assert_str_eq(before, after);
	tu_rm_rf(root);
}
END_TEST

/* ssh.idle-timeouts' own fix writes 180 as well, inside Azure's 30-235 */
START_TEST(idle_timeouts_fix_writes_180)
{
	_cleanup_free_ char *root = debian_tree(false);
	_cleanup_free_ char *out = NULL, *err = NULL;
	char *dropin = NULL;
	size_t len;

	tu_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	const char *argv[] = {tu_capgate(), "fix", "--root", root, "--profile", "full", "--only", "ssh.idle-timeouts", NULL};
	tu_run(argv, &out, &err);
	_cleanup_free_ char *sshd = tu_path(root, "etc/ssh/sshd_config.d/00-capgate.conf");
	int fd = open(sshd, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(safefs_read_fd(fd, 1 << 20, &dropin, &len), 0);
	close(fd);
	ck_assert_ptr_nonnull(strstr(dropin, "ClientAliveInterval 180\n"));
	ck_assert_ptr_null(strstr(dropin, "300"));
	free(dropin);
	struct tu_scan t;
	tu_scan_with(&t, root, "azure", NULL, "azure.ssh-keepalive");
	ck_assert_int_eq(tu_result(&t.rep, "azure.ssh-keepalive")->status, CG_PASS);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("azure");
	TCase *t = tcase_create("core");
	tcase_add_test(t, debian_faults_blocked);
	tcase_add_test(t, debian_corrected_clean);
	tcase_add_test(t, rhel_faults_blocked);
	tcase_add_test(t, rhel_corrected_clean);
	tcase_add_test(t, sles_faults_blocked);
	tcase_add_test(t, sles_corrected_clean);
	tcase_add_test(t, ubuntu_faults_blocked);
	tcase_add_test(t, ubuntu_corrected_clean);
	tcase_add_test(t, stale_generated_files);
	tcase_add_test(t, cloud_init_merge_order);
	tcase_add_test(t, ptp_clock_follows_chrony_directives);
	tcase_add_loop_test(t, primary_nic_every_stack, 0, ELEMENTSOF(nic_cases));
	tcase_add_test(t, profiles);
	tcase_add_test(t, fix_debian);
	tcase_add_test(t, idle_timeouts_fix_writes_180);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
