/* SPDX-License-Identifier: Apache-2.0 */
/* Fixes of azure.* that are safe and local (issue 13 item 7): a GRUB drop-in with the serial
 * console arguments, waagent.conf values by an atomic edit that keeps every other line, and a
 * cloud-init drop-in naming Azure. Initramfs and fstab are report-only (the checks say how). */
#include "remediate.h"

#include <spawn.h>
#include <sys/wait.h>

#include "osrelease.h"
#include "waagentconf.h"

#define GRUB_DROPIN "/etc/default/grub.d/99-capgate-azure.cfg" /* sourced last: grub.d/\*.cfg in order */
#define CLOUD_DROPIN "/etc/cloud/cloud.cfg.d/99_zz_capgate_azure.cfg" /* sorts after 99-installer.cfg: wins */
#define WAAGENT_MAX (1 << 20)

static const char grub_dropin[] =
	"# Written by capgate (azure.kernel-console): the kernel and its early messages on Azure's serial\n"
	"# console, as Microsoft's preparation guides set them. Run update-grub after changing this file.\n"
	"GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0,115200 "
	"rootdelay=300\"\n";

static const char cloud_dropin[] =
	"# Written by capgate (azure.cloud-init): cloud-init reads Azure's metadata. This file sorts last\n"
	"# in cloud.cfg.d, so its datasource_list wins (cloud-init merges later files over earlier ones).\n"
	"datasource_list: [ Azure ]\n";

/* Debian and Ubuntu's grub-mkconfig read /etc/default/grub.d; upstream GRUB and RHEL's do not. */
static bool grub_reads_dropins(struct cg_ctx *ctx)
{
	struct osrelease o = {0};
	bool deb = false;

	if (osrelease_load(&ctx->fs, &o) == 0)
		deb = (o.id && (streq(o.id, "debian") || streq(o.id, "ubuntu"))) ||
		      (o.id_like && (strstr(o.id_like, "debian") || strstr(o.id_like, "ubuntu")));
	osrelease_free(&o);
	return deb;
}

void azure_plan_grub(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule ? f->rule : "";

	if (!streq(rule, "console")) {
		rem_plan_refuse(p, "grub-console", f->path, "no safe fix known for this finding");
		return;
	}
	if (startswith(f->path, "/boot/loader/entries/") || streq(f->path, "/etc/kernel/cmdline")) {
		rem_plan_refuse(p, "grub-console", f->path,
				"BLS entries are the boot loader's own: run grubby --update-kernel=ALL --args=\"console=tty1 "
				"console=ttyS0,115200n8 earlyprintk=ttyS0,115200\" (and add them to /etc/kernel/cmdline)");
		return;
	}
	if (!grub_reads_dropins(p->ctx)) {
		rem_plan_refuse(p, "grub-console", f->path,
				"this distribution's grub-mkconfig reads no /etc/default/grub.d: add console=ttyS0,115200n8 "
				"to GRUB_CMDLINE_LINUX in /etc/default/grub, then grub2-mkconfig -o /boot/grub2/grub.cfg");
		return;
	}
	if (startswith(f->path, "/boot/") && p->ctx->mode != CG_MODE_LIVE) {
		rem_plan_refuse(p, "grub-console", f->path,
				"the GRUB defaults have the console but grub.cfg is stale: run update-grub in the image "
				"(chroot) before capture");
		return;
	}
	rem_plan_add(p, "grub-console", GRUB_DROPIN, NULL);
}

static int run_update_grub(void)
{
	char prog[] = "/usr/sbin/update-grub";
	char *argv[] = {prog, NULL};
	pid_t pid;
	int status;

	if (posix_spawn(&pid, prog, NULL, NULL, argv, environ) != 0)
		return -ENOEXEC;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int azure_apply_grub(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	int r = safefs_mkdir_p(&ctx->fs, "/etc/default/grub.d", 0755);

	if (r == 0)
		r = safefs_write_atomic(&ctx->fs, it->path, grub_dropin, sizeof grub_dropin - 1, 0644, 0, 0,
					it->have_st ? &it->st : NULL);
	if (r < 0)
		return r;
	/* live: the next boot reads grub.cfg, so regenerate it with the distribution's tool */
	if (ctx->mode == CG_MODE_LIVE && (r = run_update_grub()) < 0)
		it->reason = xstrdup("the drop-in is written but update-grub failed: grub.cfg is stale");
	return r;
}

void azure_plan_waagent(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule;

	/* the rule is the Key=value the check asks; only these keys are set by capgate */
	if (!rule || !(startswith(rule, "ResourceDisk.Format=") || startswith(rule, "ResourceDisk.EnableSwap=") ||
		       startswith(rule, "Provisioning.Agent=") || startswith(rule, "Provisioning.Enabled="))) {
		rem_plan_refuse(p, "waagent-set", f->path, "no safe value known: decide who provisions, then edit %s",
				f->path);
		return;
	}
	rem_plan_add(p, "waagent-set", f->path, rule);
}

int azure_apply_waagent(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL, *out = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	fd = safefs_open_regular(&ctx->fs, it->path, &st);
	if (fd < 0)
		return fd;
	if (it->have_st && (st.st_ino != it->st.st_ino || st.st_dev != it->st.st_dev))
		return -SAFEFS_EMOVED;
	if (st.st_nlink > 1)
		return -SAFEFS_ENLINK;
	r = safefs_read_fd(fd, WAAGENT_MAX, &buf, &len);
	if (r < 0)
		return r;
	if (memchr(buf, '\0', len)) {
		it->reason = xstrdup("the file holds NUL bytes: not a waagent.conf capgate edits");
		return -EINVAL;
	}
	out = waagentconf_edit(buf, it->arg);
	if (!out) {
		it->reason = xasprintf("'%s' is not a Key=value setting", it->arg);
		return -EINVAL;
	}
	/* owner and mode kept; the inode read is the one replaced */
	return safefs_write_atomic(&ctx->fs, it->path, out, strlen(out), st.st_mode & 07777, st.st_uid, st.st_gid,
				   it->have_st ? &it->st : NULL);
}

void azure_plan_cloud_init(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule ? f->rule : "";

	if (streq(rule, "datasource_list"))
		rem_plan_add(p, "cloud-init-azure", CLOUD_DROPIN, NULL);
	else if (streq(rule, "disabled-marker"))
		rem_plan_add(p, "remove-file", f->path, NULL);
	else
		rem_plan_refuse(p, "cloud-init-azure", f->path, "no safe fix known: correct the file by hand");
}

int azure_apply_cloud_init(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	int r = safefs_mkdir_p(&ctx->fs, "/etc/cloud/cloud.cfg.d", 0755);

	if (r == 0)
		r = safefs_write_atomic(&ctx->fs, it->path, cloud_dropin, sizeof cloud_dropin - 1, 0644, 0, 0,
					it->have_st ? &it->st : NULL);
	return r;
}
