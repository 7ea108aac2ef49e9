/* SPDX-License-Identifier: Apache-2.0 */
/* checks/families/azure.c: a Debian- and a RHEL-shaped image tree, each with the faults of issue 13
 * planted, is blocked with one finding per fault at the file where it lives; the same tree with
 * each fault corrected has no azure.* finding; baseline runs the family only on Azure images; the
 * safe fixes (GRUB drop-in, waagent.conf edit, cloud-init drop-in, sshd 180) do what they say. */
#include <fcntl.h>
#include <unistd.h>

#include "azure_fixture.h"

#define KVER "6.1.0-28-cloud-amd64"
#define RVER "5.14.0-427.el9.x86_64"

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

/* a unit in /lib/systemd/system, enabled by a link in /etc/systemd/system/TARGET.wants */
static void unit(const char *root, const char *name, const char *target)
{
	_cleanup_free_ char *rel = xasprintf("lib/systemd/system/%s", name);
	_cleanup_free_ char *body = xasprintf("[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=%s\n",
					      name, target);
	_cleanup_free_ char *link = xasprintf("etc/systemd/system/%s.wants/%s", target, name);
	_cleanup_free_ char *to = xasprintf("/lib/systemd/system/%s", name);
	tu_write(root, rel, body, 0644);
	tu_symlink(root, link, to);
}

/* Everything both distributions' trees share: agents, cloud-init, sshd, modprobe, chrony, EFI. */
static void common(const char *root, bool faulty)
{
	tu_write(root, "usr/sbin/waagent", "#!/usr/bin/python3\n", 0755);
	tu_write(root, "usr/bin/cloud-init", "#!/usr/bin/python3\n", 0755);
	_cleanup_free_ char *wa = xasprintf("%sResourceDisk.Format=%s\nOS.EnableFirewall=y\n", waagent_rest, faulty ? "y" : "n");
	tu_write(root, "etc/waagent.conf", wa, 0644);
	tu_write(root, "etc/cloud/cloud.cfg", "users:\n  - default\ndatasource_list: [ NoCloud, Azure, None ]\n"
					       "cloud_init_modules:\n  - seed_random\n", 0644);
	tu_write(root, "etc/cloud/cloud.cfg.d/05_logging.cfg", "_log:\n  - level: debug\n", 0644);
	tu_write(root, "etc/cloud/cloud.cfg.d/90_dpkg.cfg",
		 faulty ? "# from the build\ndatasource_list: [ NoCloud, None ]\n" : "datasource_list: [ Azure ]\n", 0644);
	tu_write(root, "etc/ssh/sshd_config",
		 faulty ? "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nClientAliveInterval 300\n"
			: "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nClientAliveInterval 180\n", 0644);
	tu_mkdir(root, "etc/ssh/sshd_config.d", 0755);
	tu_write(root, "etc/modprobe.d/cis.conf",
		 faulty ? "install cramfs /bin/false\ninstall udf /bin/false\n" : "install cramfs /bin/false\n", 0644);
	tu_write(root, "usr/sbin/hv_kvp_daemon", "", 0755);
	tu_write(root, "boot/efi/EFI/BOOT/BOOTX64.EFI", "MZ", 0644);
	unit(root, "cloud-init.service", "cloud-init.target");
	unit(root, "cloud-final.service", "cloud-init.target");
	unit(root, "ssh.service", "multi-user.target");
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
	tcase_add_test(t, stale_generated_files);
	tcase_add_test(t, cloud_init_merge_order);
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
