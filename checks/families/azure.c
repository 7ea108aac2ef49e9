/* SPDX-License-Identifier: Apache-2.0 */
/* azure.*: will a VM made from this image boot, provision and report ready on Azure? Microsoft's
 * per-distribution preparation guides and the Marketplace certification tests, read from the image
 * (research/distros-azure.md §2, A1-A17; docs/azure.md lists each check with its source). */
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "bootcfg.h"
#include "cloudcfg.h"
#include "families.h"
#include "fstab.h"
#include "hsys.h"
#include "imgfile.h"
#include "initramfs.h"
#include "modprobe.h"
#include "osrelease.h"
#include "sshcfg.h"
#include "waagentconf.h"

#define GRUB_DEFAULTS "/etc/default/grub"
#define GRUB_DEFAULTS_D "/etc/default/grub.d"
#define WAAGENT_CONF "/etc/waagent.conf"
#define CLOUD_CFG "/etc/cloud/cloud.cfg"
#define CLOUD_CFG_D "/etc/cloud/cloud.cfg.d"
#define CLOUD_DISABLED "/etc/cloud/cloud-init.disabled"
#define FSTAB "/etc/fstab"

/* Whether one of PATHS exists; a path that cannot be stat'ed is an error on R (when given): a
 * check never judges from a failed look-up as if the file were absent. */
static bool exists_any(struct cg_ctx *ctx, struct cg_result *r, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int e = imgfile_exists(&ctx->fs, paths[i]);
		if (e < 0 && r)
			result_add_error(r, paths[i], e, "cannot stat");
		if (e > 0)
			return true;
	}
	return false;
}

static bool waagent_installed(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const p[] = {"/usr/sbin/waagent", "/usr/bin/waagent", "/usr/local/sbin/waagent"};
	return exists_any(ctx, r, p, ELEMENTSOF(p));
}

static bool cloudinit_installed(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const p[] = {"/usr/bin/cloud-init", "/usr/local/bin/cloud-init"};
	return exists_any(ctx, r, p, ELEMENTSOF(p));
}

/* ---- cloud-init's merged configuration, shared by the checks of one scan ---- */

struct ci_state {
	struct cloudcfg cfg;
	struct strv bad;      /* "path:line: problem" of files cloud-init would ignore */
	struct strv bad_path; /* the paths of those */
	unsigned *bad_line;
	int err;              /* -errno when a file could not be read */
	char *err_path;
};

static void ci_free(void *p)
{
	struct ci_state *s = p;
	cloudcfg_free(&s->cfg);
	strv_free(&s->bad);
	strv_free(&s->bad_path);
	free(s->bad_line);
	free(s->err_path);
	free(s);
}

/* cloudinit/util.py read_conf_with_confd(): cloud.cfg.d/\*.cfg in reverse lexical order (the last
 * file wins), then cloud.cfg, merged by mergemanydict() where the first source keeps a key. */
static struct ci_state *ci_load(struct cg_ctx *ctx)
{
	struct ci_state *s = ctx_memo_get(ctx, "azure.cloudcfg");
	struct strv names = {0}, files = {0};

	if (s)
		return s;
	s = xcalloc(1, sizeof *s);
	s->err = imgfile_list_dir(&ctx->fs, CLOUD_CFG_D, &names);
	if (s->err < 0)
		s->err_path = xstrdup(CLOUD_CFG_D);
	for (size_t i = names.n; i-- > 0;)
		if (endswith(names.v[i], ".cfg")) {
			_cleanup_free_ char *p = xasprintf("%s/%s", CLOUD_CFG_D, names.v[i]);
			strv_push(&files, p);
		}
	strv_push(&files, CLOUD_CFG);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL, *err = NULL;
		size_t len = 0;
		unsigned line = 0;
		struct stat st;
		int e = safefs_lstat(&ctx->fs, files.v[i], &st);
		if (e < 0 && e != -ENOENT && e != -ENOTDIR && !s->err) {
			s->err = e;
			s->err_path = xstrdup(files.v[i]);
		}
		if (e < 0 || (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)))
			continue; /* read_conf_d: "Remove anything not a file" */
		e = imgfile_read(&ctx->fs, files.v[i], 4 << 20, &buf, &len);
		if (e == -ENOENT || e == -ENOTDIR)
			continue;
		if (e < 0) {
			if (!s->err) {
				s->err = e;
				s->err_path = xstrdup(files.v[i]);
			}
			continue;
		}
		struct cloudcfg_node *n = cloudcfg_parse(buf, len, files.v[i], &err, &line);
		if (!n) {
			_cleanup_free_ char *m = xstrdup(err ? err : "not YAML");
			strv_push(&s->bad, m);
			strv_push(&s->bad_path, files.v[i]);
			s->bad_line = xreallocarray(s->bad_line, s->bad_path.n, sizeof *s->bad_line);
			s->bad_line[s->bad_path.n - 1] = line;
			continue;
		}
		cloudcfg_merge(&s->cfg, files.v[i], n);
	}
	strv_free(&names);
	strv_free(&files);
	ctx_memo_put(ctx, "azure.cloudcfg", s, ci_free);
	return s;
}

/* cloud-init would run at boot: installed and not switched off by the marker file. */
static bool cloudinit_used(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const marker[] = {CLOUD_DISABLED};
	return cloudinit_installed(ctx, r) && !exists_any(ctx, r, marker, 1);
}

/* The family's gate for profiles that select it only on Azure images (baseline): waagent is
 * installed, or cloud-init's merged datasource_list names Azure. */
static bool azure_evident(struct cg_ctx *ctx)
{
	static const char *const conf[] = {WAAGENT_CONF};
	if (waagent_installed(ctx, NULL) || exists_any(ctx, NULL, conf, 1))
		return true;
	if (!cloudinit_installed(ctx, NULL))
		return false;
	return cloudcfg_contains(cloudcfg_get(&ci_load(ctx)->cfg, "datasource_list"), "Azure");
}

/* ---- the kernel command line of the next boot (A1, A2) ---- */

struct bls_file {
	char *path;
	struct bootcfg_bls e;
	char *options; /* $kernelopts and friends expanded from grubenv */
};

struct boot_state {
	bool have_defaults;
	struct bootcfg_defaults defaults;
	char *defaults_cmdline; /* GRUB_CMDLINE_LINUX + GRUB_CMDLINE_LINUX_DEFAULT */
	const char *grubcfg_path;
	bool have_grubcfg;
	struct bootcfg_grubcfg grubcfg;
	struct bls_file *bls;
	size_t nbls;
	char *kernel_cmdline; /* /etc/kernel/cmdline, kernel-install's source for new kernels */
	char *grubenv;
};

static void boot_free(void *p)
{
	struct boot_state *b = p;
	bootcfg_defaults_free(&b->defaults);
	free(b->defaults_cmdline);
	bootcfg_grubcfg_free(&b->grubcfg);
	for (size_t i = 0; i < b->nbls; i++) {
		free(b->bls[i].path);
		bootcfg_bls_free(&b->bls[i].e);
		free(b->bls[i].options);
	}
	free(b->bls);
	free(b->kernel_cmdline);
	free(b->grubenv);
	free(b);
}

static const char *grubenv_lookup(const char *name, void *ud)
{
	static __thread char *last;
	free(last);
	last = ud ? bootcfg_grubenv_get(ud, name) : NULL;
	return last;
}

static struct boot_state *boot_load(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const grubcfgs[] = {"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"};
	static const char *const grubenvs[] = {"/boot/grub2/grubenv", "/boot/grub/grubenv"};
	struct strv files = {0}, names = {0};
	/* loaded by each check, not shared: a file that cannot be read is an error of every check
	 * that reads it, never a silently different result of the next one */
	struct boot_state *b = xcalloc(1, sizeof *b);
	/* grub-mkconfig: `. /etc/default/grub`, then each /etc/default/grub.d/\*.cfg (Debian, Ubuntu) */
	hsys_conf_files(ctx, r, GRUB_DEFAULTS, GRUB_DEFAULTS_D, ".cfg", &files);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		b->have_defaults = true;
		bootcfg_defaults_parse(&b->defaults, files.v[i], buf);
	}
	if (b->have_defaults) {
		const struct bootcfg_var *l = bootcfg_defaults_get(&b->defaults, "GRUB_CMDLINE_LINUX");
		const struct bootcfg_var *d = bootcfg_defaults_get(&b->defaults, "GRUB_CMDLINE_LINUX_DEFAULT");
		b->defaults_cmdline = xasprintf("%s %s", l ? l->value : "", d ? d->value : "");
	}
	for (size_t i = 0; i < ELEMENTSOF(grubcfgs) && !b->have_grubcfg; i++) {
		_cleanup_free_ char *buf = NULL;
		if (hsys_read(ctx, r, grubcfgs[i], &buf) < 0)
			continue;
		b->have_grubcfg = true;
		b->grubcfg_path = grubcfgs[i];
		bootcfg_grubcfg_parse(&b->grubcfg, buf);
	}
	for (size_t i = 0; i < ELEMENTSOF(grubenvs) && !b->grubenv; i++)
		if (hsys_read(ctx, r, grubenvs[i], &b->grubenv) < 0)
			b->grubenv = NULL;
	hsys_list_dir(ctx, r, "/boot/loader/entries", &names);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf("/boot/loader/entries/%s", names.v[i]);
		_cleanup_free_ char *buf = NULL;
		if (!endswith(names.v[i], ".conf") || hsys_read(ctx, r, p, &buf) < 0)
			continue;
		b->bls = xreallocarray(b->bls, b->nbls + 1, sizeof *b->bls);
		struct bls_file *f = &b->bls[b->nbls++];
		*f = (struct bls_file){.path = xstrdup(p)};
		bootcfg_bls_parse(&f->e, buf);
		f->options = bootcfg_expand(f->e.options ? f->e.options : "", grubenv_lookup, b->grubenv);
	}
	grubenv_lookup("", NULL);
	if (hsys_read(ctx, r, "/etc/kernel/cmdline", &b->kernel_cmdline) < 0)
		b->kernel_cmdline = NULL;
	strv_free(&files);
	strv_free(&names);
	return b;
}

static bool cmdline_has(const char *cmdline, const char *key, const char *prefix)
{
	struct strv w = {0};
	bootcfg_cmdline_split(cmdline ? cmdline : "", &w);
	bool has = bootcfg_cmdline_has(&w, key, prefix);
	strv_free(&w);
	return has;
}

/* Where the defaults set the command line: the later of the last GRUB_CMDLINE_LINUX and
 * GRUB_CMDLINE_LINUX_DEFAULT assignments (Ubuntu's cloud images set _DEFAULT in a grub.d drop-in
 * that overrides /etc/default/grub), else the file. The array keeps parse order. */
static const struct bootcfg_var *defaults_where(const struct boot_state *b, const char **path, unsigned *line)
{
	const struct bootcfg_var *v = bootcfg_defaults_get(&b->defaults, "GRUB_CMDLINE_LINUX");
	const struct bootcfg_var *d = bootcfg_defaults_get(&b->defaults, "GRUB_CMDLINE_LINUX_DEFAULT");
	if (!v || (d && d > v))
		v = d;
	*path = v ? v->path : GRUB_DEFAULTS;
	*line = v ? v->line : 0;
	return v;
}

/* PRED says whether a command line is right. A fault is reported once, where it is fixed: in the
 * GRUB defaults when they are wrong (a regenerated grub.cfg or BLS entry would be wrong too);
 * otherwise in each generated place that disagrees with them (stale grub.cfg, BLS entries,
 * /etc/kernel/cmdline). Returns false when the image has none of these sources. */
static bool judge_cmdline(struct cg_ctx *ctx, struct cg_result *r, bool (*pred)(const char *cmdline),
			  const char *rule, const char *what, const char *fix)
{
	struct boot_state *b = boot_load(ctx, r);
	bool defaults_bad = b->have_defaults && !pred(b->defaults_cmdline);

	if (!b->have_defaults && !b->have_grubcfg && !b->nbls && !b->kernel_cmdline) {
		boot_free(b);
		return false;
	}
	if (defaults_bad) {
		const char *path;
		unsigned line;
		defaults_where(b, &path, &line);
		result_add_finding(r, path, line, rule, NULL,
				   "GRUB_CMDLINE_LINUX/GRUB_CMDLINE_LINUX_DEFAULT %s ('%s'); %s", what,
				   b->defaults_cmdline, fix);
		boot_free(b);
		return true;
	}
	if (b->have_grubcfg && !b->grubcfg.blscfg)
		for (size_t i = 0; i < b->grubcfg.n; i++)
			/* grub-mkconfig builds recovery entries from GRUB_CMDLINE_LINUX alone: with the
			 * console in _DEFAULT (Ubuntu's guide) they never have it, and regenerating
			 * would not change that */
			if (!b->grubcfg.v[i].recovery && !pred(b->grubcfg.v[i].args)) {
				result_add_finding(r, b->grubcfg_path, b->grubcfg.v[i].line, rule, NULL,
						   "the generated boot menu entry '%s' %s%s: regenerate it (update-grub, or "
						   "grub2-mkconfig -o %s)", b->grubcfg.v[i].title, what,
						   b->have_defaults ? " although the GRUB defaults have it (grub.cfg is stale)" : "",
						   b->grubcfg_path);
				break; /* one finding per file: every entry comes from the same template */
			}
	for (size_t i = 0; i < b->nbls; i++)
		if (!pred(b->bls[i].options))
			result_add_finding(r, b->bls[i].path, b->bls[i].e.options_line, rule, NULL,
					   "the boot entry for kernel %s %s: %s", b->bls[i].e.version ? b->bls[i].e.version : "?",
					   what, fix);
	if (b->kernel_cmdline && !pred(b->kernel_cmdline))
		result_add_finding(r, "/etc/kernel/cmdline", 1, rule, NULL,
				   "kernels installed later take their command line from here, and it %s", what);
	boot_free(b);
	return true;
}

static bool has_serial_console(const char *c)
{
	return cmdline_has(c, "console", "ttyS0");
}

#define CONSOLE_ARGS "console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0,115200 rootdelay=300"

static int azure_kernel_console(struct cg_ctx *ctx, struct cg_result *r)
{
	if (!judge_cmdline(ctx, r, has_serial_console, "console", "lacks console=ttyS0",
			   "add console=ttyS0,115200n8 so the boot shows in Azure's serial console and boot "
			   "diagnostics (RHEL: grubby --update-kernel=ALL --args=\"" CONSOLE_ARGS "\")"))
		result_skip(r, "no GRUB defaults, grub.cfg, BLS entries or /etc/kernel/cmdline: a boot loader capgate does not read");
	return 0;
}

static bool not_hidden(const char *c)
{
	return !cmdline_has(c, "quiet", NULL) && !cmdline_has(c, "rhgb", NULL);
}

static bool has_earlyprintk(const char *c)
{
	return cmdline_has(c, "earlyprintk", "ttyS0");
}

static bool has_rootdelay(const char *c)
{
	return cmdline_has(c, "rootdelay", NULL);
}

static bool distro_is(struct cg_ctx *ctx, struct cg_result *r, const char *id)
{
	struct osrelease o = {0};
	bool is = false;
	int e = osrelease_load(&ctx->fs, &o);

	if (e == 0)
		is = (o.id && streq(o.id, id)) || (o.id_like && strstr(o.id_like, id));
	else if (e != -ENOENT)
		result_add_error(r, "/etc/os-release", e, "cannot read");
	osrelease_free(&o);
	return is;
}

static int azure_boot_diagnostics(struct cg_ctx *ctx, struct cg_result *r)
{
	if (!judge_cmdline(ctx, r, not_hidden, "quiet", "has quiet or rhgb, which hide the boot messages",
			   "remove them (Azure's guides: 'remove rhgb quiet')")) {
		result_skip(r, "no GRUB defaults, grub.cfg, BLS entries or /etc/kernel/cmdline: a boot loader capgate does not read");
		return 0;
	}
	judge_cmdline(ctx, r, has_earlyprintk, "earlyprintk", "lacks earlyprintk=ttyS0",
		      "add earlyprintk=ttyS0,115200 (the guides' command line)");
	/* Ubuntu's guide asks rootdelay=300: the Azure disk may appear late on the VMBus */
	if (distro_is(ctx, r, "ubuntu"))
		judge_cmdline(ctx, r, has_rootdelay, "rootdelay", "lacks rootdelay=300", "add rootdelay=300 (Ubuntu's guide)");
	return 0;
}

static int azure_serial_terminal(struct cg_ctx *ctx, struct cg_result *r)
{
	struct boot_state *b = boot_load(ctx, r);
	struct units u;
	struct unit_info info = {0};
	_cleanup_free_ char *err = NULL;
	int e;

	if (b->have_defaults) {
		const struct bootcfg_var *t = bootcfg_defaults_get(&b->defaults, "GRUB_TERMINAL_OUTPUT");
		if (!t)
			t = bootcfg_defaults_get(&b->defaults, "GRUB_TERMINAL");
		if (!t || !strstr(t->value, "serial"))
			result_add_finding(r, t ? t->path : GRUB_DEFAULTS, t ? t->line : 0, "grub-terminal", NULL,
					   "GRUB's menu is not on the serial line: set GRUB_TERMINAL=\"serial console\" and "
					   "GRUB_SERIAL_COMMAND=\"serial --speed=115200 --unit=0 --word=8 --parity=no --stop=1\", "
					   "so the serial console can pick a kernel");
	} else if (b->have_grubcfg && !b->grubcfg.serial_terminal)
		result_add_finding(r, b->grubcfg_path, 0, "grub-terminal", NULL,
				   "grub.cfg never sets terminal_output serial: the serial console cannot pick a kernel");
	boot_free(b);
	/* systemd-getty-generator starts serial-getty on the console= device unless it is masked */
	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	e = units_query(&ctx->fs, &u, "serial-getty@ttyS0.service", &info, &err);
	if (e < 0)
		result_add_error(r, err ? err : "/etc/systemd/system", e, "cannot read");
	else if (info.state == UNIT_MASKED)
		result_add_finding(r, info.fragment ? info.fragment : "/etc/systemd/system/serial-getty@ttyS0.service", 0,
				   "serial-getty", NULL,
				   "serial-getty@ttyS0.service is masked: no login on Azure's serial console");
	unit_info_free(&info);
	units_free(&u);
	return 0;
}

/* ---- Hyper-V drivers at boot (A3) ---- */

struct hv_driver {
	const char *module, *config;
};
static const struct hv_driver hv_drivers[] = {
	{"hv_vmbus", "CONFIG_HYPERV"},
	{"hv_storvsc", "CONFIG_HYPERV_STORAGE"},
	{"hv_netvsc", "CONFIG_HYPERV_NET"},
};
static const struct hv_driver nvme_drivers[] = {
	{"nvme", "CONFIG_BLK_DEV_NVME"},
};

/* "y", "m" or NULL for a CONFIG_ option of a kernel config text. */
static char config_value(const char *text, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, opt, n) == 0 && p[n] == '=')
			return p[n + 1];
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static bool dracut_image(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const p[] = {"/usr/bin/dracut", "/usr/sbin/dracut", "/etc/dracut.conf"};
	return exists_any(ctx, r, p, ELEMENTSOF(p));
}

/* The exact command that rebuilds the initramfs of VERSION with DRIVERS. */
static char *initramfs_command(struct cg_ctx *ctx, struct cg_result *r, const char *version, const char *initrd, const char *drivers)
{
	const char *where = ctx->mode == CG_MODE_LIVE ? "" : "in the image (chroot): ";
	if (dracut_image(ctx, r))
		return xasprintf("%secho 'add_drivers+=\" %s \"' > /etc/dracut.conf.d/azure.conf && dracut -f %s %s", where,
				 drivers, initrd, version);
	return xasprintf("%sprintf '%%s\\n' %s >> /etc/initramfs-tools/modules && update-initramfs -u -k %s", where,
			 drivers, version);
}

static void judge_kernel(struct cg_ctx *ctx, struct cg_result *r, const char *version, const struct hv_driver *drv,
			 size_t ndrv)
{
	/* Debian/Ubuntu, RHEL/Azure Linux (dracut), SUSE */
	static const char *const initrds[][2] = {{"/boot/initrd.img-", ""}, {"/boot/initramfs-", ".img"}, {"/boot/initrd-", ""}};
	_cleanup_free_ char *cfgpath = xasprintf("/boot/config-%s", version);
	_cleanup_free_ char *config = NULL, *initrd = NULL;
	struct strv need = {0};
	struct initramfs ir = {0};
	bool have_ir = false;

	if (hsys_read(ctx, r, cfgpath, &config) < 0) {
		free(config);
		_cleanup_free_ char *alt = xasprintf("/lib/modules/%s/config", version);
		config = NULL;
		if (hsys_read(ctx, r, alt, &config) < 0) {
			free(config);
			config = NULL;
		}
	}
	for (size_t i = 0; i < ndrv; i++)
		if (!config || config_value(config, drv[i].config) != 'y')
			strv_push(&need, drv[i].module);
	if (!need.n)
		return; /* built into the kernel */
	for (size_t i = 0; i < ELEMENTSOF(initrds) && !initrd; i++) {
		_cleanup_free_ char *p = xasprintf("%s%s%s", initrds[i][0], version, initrds[i][1]);
		struct stat st;
		int e = safefs_lstat(&ctx->fs, p, &st);
		if (e == 0)
			initrd = xstrdup(p);
		else if (e != -ENOENT && e != -ENOTDIR) {
			result_add_error(r, p, e, "cannot stat");
			strv_free(&need);
			return;
		}
	}
	if (initrd) {
		_cleanup_free_ char *real = NULL;
		int e = imgfile_resolve(&ctx->fs, initrd, &real);
		_cleanup_close_ int fd = e < 0 ? e : safefs_open_regular(&ctx->fs, real, NULL);
		if (fd < 0)
			result_add_error(r, initrd, fd, "cannot open");
		else if ((e = initramfs_read_fd(fd, &ir)) < 0)
			result_add_error(r, initrd, e, "not an initramfs capgate can read (%s)", ir.error ? ir.error : "unknown format");
		else
			have_ir = true;
	}
	struct strbuf missing = {0};
	for (size_t i = 0; i < need.n; i++)
		if (!have_ir || !initramfs_has_module(&ir, need.v[i])) {
			if (missing.len)
				strbuf_puts(&missing, " ");
			strbuf_puts(&missing, need.v[i]);
		}
	if (missing.len && (have_ir || !initrd)) {
		const char *target = initrd ? initrd : "/boot/initrd.img-VERSION";
		_cleanup_free_ char *cmd = initramfs_command(ctx, r, version, target, missing.buf);
		_cleanup_free_ char *vm = xasprintf("/boot/vmlinuz-%s", version);
		if (initrd)
			result_add_finding(r, initrd, 0, missing.buf, NULL,
					   "kernel %s has %s as modules%s and its initramfs lacks them: a VM made from this "
					   "image cannot find its disk on Azure. Rebuild it: %s",
					   version, missing.buf, config ? "" : " (no kernel config to say otherwise)", cmd);
		else
			result_add_finding(r, vm, 0, missing.buf, NULL,
					   "kernel %s has no initramfs and %s are not built in: rebuild it: %s", version,
					   missing.buf, cmd);
	}
	strbuf_free(&missing);
	strv_free(&need);
	initramfs_free(&ir);
}

static int judge_drivers(struct cg_ctx *ctx, struct cg_result *r, const struct hv_driver *drv, size_t ndrv)
{
	struct strv names = {0};
	size_t kernels = 0;

	hsys_list_dir(ctx, r, "/boot", &names);
	for (size_t i = 0; i < names.n; i++)
		if (startswith(names.v[i], "vmlinuz-") && names.v[i][8]) {
			kernels++;
			judge_kernel(ctx, r, names.v[i] + 8, drv, ndrv);
		}
	if (!kernels)
		result_skip(r, "no kernel in /boot (vmlinuz-*): nothing boots this image by itself");
	strv_free(&names);
	return 0;
}

static int azure_hyperv_drivers(struct cg_ctx *ctx, struct cg_result *r)
{
	return judge_drivers(ctx, r, hv_drivers, ELEMENTSOF(hv_drivers));
}

static int azure_nvme_driver(struct cg_ctx *ctx, struct cg_result *r)
{
	return judge_drivers(ctx, r, nvme_drivers, ELEMENTSOF(nvme_drivers));
}

/* ---- provisioning agents (A6, A7) ---- */

static int azure_waagent_config(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *buf = NULL;
	struct waagentconf c = {0};
	bool ci = cloudinit_used(ctx, r);
	int e;

	if (!waagent_installed(ctx, r)) {
		result_skip(r, "the Azure Linux agent (waagent) is not installed");
		return 0;
	}
	e = hsys_read(ctx, r, WAAGENT_CONF, &buf);
	if (e == -ENOENT) {
		result_add_finding(r, WAAGENT_CONF, 0, NULL, NULL, "waagent is installed but %s is missing", WAAGENT_CONF);
		return 0;
	}
	if (e < 0)
		return 0;
	waagentconf_parse(&c, buf);
	const struct waagent_opt *agent = waagentconf_get(&c, "Provisioning.Agent");
	const struct waagent_opt *en = waagentconf_get(&c, "Provisioning.Enabled");
	if (ci) {
		/* both provisioning: waagent and cloud-init race for the user, keys and hostname */
		if (agent && !strcasecmp(agent->value, "waagent"))
			result_add_finding(r, WAAGENT_CONF, agent->line, "Provisioning.Agent=auto", agent->value,
					   "Provisioning.Agent=waagent while cloud-init is installed and enabled: both would "
					   "provision. Set Provisioning.Agent=auto (or cloud-init)");
		else if (!agent && en && waagentconf_switch(&c, "Provisioning.Enabled", 1) == 1 &&
			 waagentconf_switch(&c, "Provisioning.UseCloudInit", 0) == 0)
			result_add_finding(r, WAAGENT_CONF, en->line, "Provisioning.Enabled=n", en->value,
					   "Provisioning.Enabled=y without Provisioning.UseCloudInit while cloud-init is "
					   "enabled: both would provision. Set Provisioning.Enabled=n (Ubuntu's guide)");
		/* cloud-init owns the resource disk (disk_setup, mounts); waagent must leave it alone */
		static const char *const disk[] = {"ResourceDisk.Format", "ResourceDisk.EnableSwap"};
		for (size_t i = 0; i < ELEMENTSOF(disk); i++) {
			const struct waagent_opt *o = waagentconf_get(&c, disk[i]);
			if (o && waagentconf_switch(&c, disk[i], 0) == 1) {
				_cleanup_free_ char *rule = xasprintf("%s=n", disk[i]);
				result_add_finding(r, WAAGENT_CONF, o->line, rule, o->value,
						   "%s=%s while cloud-init handles the resource disk: both format and mount "
						   "it. Set %s=n", disk[i], o->value, disk[i]);
			}
		}
	} else if (agent && (!strcasecmp(agent->value, "cloud-init") || !strcasecmp(agent->value, "disabled")))
		result_add_finding(r, WAAGENT_CONF, agent->line, NULL, agent->value,
				   "Provisioning.Agent=%s but cloud-init is not installed or is disabled: nobody "
				   "provisions the VM and it never reports ready", agent->value);
	waagentconf_free(&c);
	return 0;
}

static int azure_cloud_init(struct cg_ctx *ctx, struct cg_result *r)
{
	struct ci_state *s;

	if (!cloudinit_installed(ctx, r)) {
		result_skip(r, "cloud-init is not installed");
		return 0;
	}
	if (imgfile_exists_or_error(&ctx->fs, r, CLOUD_DISABLED))
		result_add_finding(r, CLOUD_DISABLED, 0, "disabled-marker", NULL,
				   "this marker keeps cloud-init from running at all (Ubuntu installers leave it): the VM "
				   "is never provisioned and Azure times out (OSProvisioningTimedOut). Remove it");
	s = ci_load(ctx);
	if (s->err < 0)
		result_add_error(r, s->err_path, s->err, "cannot read");
	for (size_t i = 0; i < s->bad.n; i++)
		result_add_finding(r, s->bad_path.v[i], s->bad_line[i], "yaml", NULL,
				   "not valid YAML (%s): cloud-init ignores the whole file", s->bad.v[i]);
	const struct cloudcfg_node *ds = cloudcfg_get(&s->cfg, "datasource_list");
	if (ds && ds->type != CLOUDCFG_NULL && !cloudcfg_contains(ds, "Azure"))
		result_add_finding(r, ds->path, ds->line, "datasource_list", NULL,
				   "cloud-init's merged datasource_list (this file's wins) does not name Azure: cloud-init "
				   "will not read Azure's metadata. Set datasource_list: [ Azure ]");
	if (s->cfg.custom_merge)
		result_add_finding(r, CLOUD_CFG_D, 0, "merge_how", NULL,
				   "a file sets merge_how/merge_type; capgate merged with cloud-init's defaults and may "
				   "misjudge the datasource list");
	return 0;
}

static bool unit_any_enabled(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *const *names,
			     size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hsys_unit_enabled(ctx, r, u, names[i]))
			return true;
	return false;
}

static int azure_agent_units(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const wa[] = {"walinuxagent.service", "waagent.service"};
	static const char *const ci_net[] = {"cloud-init.service", "cloud-init-network.service"};
	static const char *const ci_final[] = {"cloud-final.service"};
	static const char *const sshd[] = {"ssh.service", "sshd.service", "ssh.socket", "sshd.socket"};
	struct units u;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	if (waagent_installed(ctx, r) && !unit_any_enabled(ctx, r, &u, wa, ELEMENTSOF(wa)))
		result_add_finding(r, "/etc/systemd/system", 0, "waagent", NULL,
				   "waagent is installed but neither walinuxagent.service nor waagent.service is enabled: "
				   "nothing reports the VM ready. systemctl enable walinuxagent (Debian, Ubuntu) or waagent");
	if (cloudinit_used(ctx, r)) {
		if (!unit_any_enabled(ctx, r, &u, ci_net, ELEMENTSOF(ci_net)))
			result_add_finding(r, "/etc/systemd/system", 0, "cloud-init", NULL,
					   "cloud-init is installed but cloud-init.service is not enabled: systemctl enable "
					   "cloud-init-local cloud-init cloud-config cloud-final");
		else if (!unit_any_enabled(ctx, r, &u, ci_final, ELEMENTSOF(ci_final)))
			result_add_finding(r, "/etc/systemd/system", 0, "cloud-final", NULL,
					   "cloud-final.service is not enabled: user data scripts and the ready report of "
					   "late modules never run. systemctl enable cloud-final");
	}
	static const char *const sshd_config[] = {SSHCFG_MAIN, SSHCFG_VENDOR_MAIN};
	if (exists_any(ctx, r, sshd_config, ELEMENTSOF(sshd_config)) && !unit_any_enabled(ctx, r, &u, sshd, ELEMENTSOF(sshd)))
		result_add_finding(r, "/etc/systemd/system", 0, "sshd", NULL,
				   "the OpenSSH server is installed but not enabled (Marketplace test: sshd must run)");
	units_free(&u);
	return 0;
}

/* ---- disks (A5, A9, A10) ---- */

static int fstab_load(struct cg_ctx *ctx, struct cg_result *r, struct fstab *f)
{
	_cleanup_free_ char *buf = NULL;
	int e = hsys_read(ctx, r, FSTAB, &buf);

	*f = (struct fstab){0};
	if (e < 0)
		return e;
	e = fstab_parse(f, buf, strlen(buf));
	if (e < 0)
		result_add_error(r, FSTAB, e, "cannot parse");
	return e;
}

static int azure_swap(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fstab f;
	struct units u;
	_cleanup_free_ char *resume = NULL;

	if (fstab_load(ctx, r, &f) == 0) {
		for (size_t i = 0; i < f.n; i++)
			if (streq(f.v[i].fstype, "swap"))
				result_add_finding(r, FSTAB, f.v[i].line, "fstab", f.v[i].source,
						   "swap on the OS disk (%s): Azure's guides forbid it (the OS disk is "
						   "network storage; swap belongs on the resource disk, set up by cloud-init "
						   "or waagent). Report-only: swapoff %s, remove line %u of /etc/fstab",
						   f.v[i].source, f.v[i].source, f.v[i].line);
		fstab_free(&f);
	}
	if (hsys_units_load(ctx, r, &u) == 0) {
		for (size_t i = 0; i < u.nlinks; i++)
			if (endswith(u.links[i].name, ".swap") && startswith(u.links[i].dir, "/etc/") && *u.links[i].sub &&
			    !streq(u.links[i].target, "/dev/null")) {
				_cleanup_free_ char *p = xasprintf("%s/%s/%s", u.links[i].dir, u.links[i].sub, u.links[i].name);
				result_add_finding(r, p, 0, "swap-unit", NULL,
						   "swap unit %s is enabled: swap on the OS disk. Report-only: systemctl "
						   "disable %s", u.links[i].name, u.links[i].name);
			}
		units_free(&u);
	}
	/* initramfs-tools waits for a resume device that a VM made from the image does not have */
	if (hsys_read(ctx, r, "/etc/initramfs-tools/conf.d/resume", &resume) == 0) {
		unsigned n = 0;
		char *cur = resume, *l;
		while ((l = imgfile_next_line(&cur))) {
			n++;
			l = imgfile_strip(l);
			if (startswith(l, "RESUME=") && l[7] && !streq(l + 7, "none") && !streq(l + 7, "\"none\""))
				result_add_finding(r, "/etc/initramfs-tools/conf.d/resume", n, "resume", l + 7,
						   "the initramfs resumes from a swap device (%s) that VMs made from this "
						   "image will not have. Report-only: set RESUME=none, then update-initramfs -u",
						   l + 7);
		}
	}
	return 0;
}

static int azure_fstab_ids(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fstab f;

	if (fstab_load(ctx, r, &f) < 0) {
		if (!r->nerrors)
			result_skip(r, "no /etc/fstab");
		return 0;
	}
	for (size_t i = 0; i < f.n; i++)
		if (streq(fstab_source_kind(f.v[i].source), "kernel-name"))
			result_add_finding(r, FSTAB, f.v[i].line, "kernel-name", f.v[i].source,
					   "%s is mounted by its kernel name %s, which Azure does not keep stable (disks "
					   "attach in any order, SCSI and NVMe differ). Report-only: replace it with "
					   "UUID=$(blkid -s UUID -o value %s), then findmnt --verify",
					   f.v[i].target, f.v[i].source, f.v[i].source);
	for (size_t i = 0; i < f.nbad; i++)
		result_add_finding(r, FSTAB, f.bad_lines[i], "syntax", NULL, "a line mount(8) cannot parse");
	fstab_free(&f);
	return 0;
}

static int azure_lvm(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fstab f;

	if (fstab_load(ctx, r, &f) < 0)
		return 0;
	for (size_t i = 0; i < f.n; i++) {
		const char *s = f.v[i].source;
		bool lvm = startswith(s, "/dev/mapper/") ||
			   (startswith(s, "/dev/") && strchr(s + 5, '/') && !startswith(s, "/dev/disk/"));
		if (lvm && (streq(f.v[i].target, "/") || streq(f.v[i].target, "/boot")))
			result_add_finding(r, FSTAB, f.v[i].line, "lvm", s,
					   "%s is on LVM (%s): every VM from this image has the same volume group name, "
					   "which clashes when a disk is attached to another VM for repair (guides: prefer "
					   "standard partitions on the OS disk)", f.v[i].target, s);
	}
	fstab_free(&f);
	return 0;
}

/* ---- network (A11) ---- */

static bool file_mentions(struct cg_ctx *ctx, struct cg_result *r, const char *path, const char *a, const char *b)
{
	_cleanup_free_ char *buf = NULL;
	return hsys_read(ctx, r, path, &buf) == 0 && strstr(buf, a) && (!b || strstr(buf, b));
}

static int azure_accelerated_networking(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const nm[] = {"/usr/sbin/NetworkManager", "/usr/bin/NetworkManager"};
	static const char *const rules[] = {"/etc/udev/rules.d/68-azure-sriov-nm-unmanaged.rules",
					    "/usr/lib/udev/rules.d/68-azure-sriov-nm-unmanaged.rules",
					    "/lib/udev/rules.d/68-azure-sriov-nm-unmanaged.rules"};
	struct strv files = {0};
	bool told = false;

	if (!exists_any(ctx, r, nm, ELEMENTSOF(nm))) {
		result_skip(r, "NetworkManager is not installed");
		return 0;
	}
	hsys_conf_files(ctx, r, "/etc/NetworkManager/NetworkManager.conf", "/etc/NetworkManager/conf.d", ".conf", &files);
	for (size_t i = 0; i < files.n && !told; i++)
		told = file_mentions(ctx, r, files.v[i], "unmanaged-devices", "mlx");
	for (size_t i = 0; i < ELEMENTSOF(rules) && !told; i++)
		told = file_mentions(ctx, r, rules[i], "NM_UNMANAGED", NULL);
	if (!told)
		result_add_finding(r, "/etc/NetworkManager/conf.d/99-azure-unmanaged-devices.conf", 0, "mlx-unmanaged", NULL,
				   "NetworkManager would manage the Mellanox virtual functions of accelerated "
				   "networking (they are bonded to the synthetic NIC by the kernel): write this file "
				   "with [keyfile] unmanaged-devices=driver:mlx4_core;driver:mlx5_core");
	strv_free(&files);
	return 0;
}

/* ---- azure.primary-nic-dhcp: every network stack the distributions ship ---- */

#define PRIMARY_NIC "eth0"
#define NIC_STATIC_MSG "eth0 has a static address: Azure hands the primary NIC its address by DHCP; "

/* Whether a value is one of systemd's, NetworkManager's or YAML's spellings of true. */
static bool truthy(const char *v)
{
	static const char *const yes[] = {"1", "yes", "true", "on", "y", "True", "TRUE", "Yes", "YES", "On", "ON"};
	for (size_t i = 0; v && i < ELEMENTSOF(yes); i++)
		if (streq(v, yes[i]))
			return true;
	return false;
}

/* The next "key=value" line of an INI-shaped file (systemd .network, NetworkManager keyfile):
 * comments and blank lines skipped, SECTION (of SECLEN bytes) follows [Section] lines. */
static bool ini_next(char **cur, char *section, size_t seclen, unsigned *n, char **key, char **val)
{
	char *l, *eq;

	while ((l = imgfile_next_line(cur))) {
		(*n)++;
		l = imgfile_strip(l);
		if (*l == '[') {
			char *end = strchr(l, ']');
			snprintf(section, seclen, "%.*s", end ? (int)(end - l - 1) : 0, l + 1);
		} else if (*l && *l != '#' && *l != ';' && (eq = strchr(l, '='))) {
			*eq = '\0';
			*key = imgfile_strip(l);
			*val = imgfile_strip(eq + 1);
			return true;
		}
	}
	return false;
}

/* ifupdown (Debian): "iface eth0 inet static" in interfaces or interfaces.d. */
static void nic_ifupdown(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv files = {0};

	hsys_conf_files(ctx, r, "/etc/network/interfaces", "/etc/network/interfaces.d", "", &files);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned n = 0;
		char *cur, *l;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			char nic[64], fam[16], method[16];
			n++;
			if (sscanf(imgfile_strip(l), "iface %63s %15s %15s", nic, fam, method) == 3 && streq(nic, PRIMARY_NIC) &&
			    streq(method, "static"))
				result_add_finding(r, files.v[i], n, "static", NULL, NIC_STATIC_MSG "use 'iface eth0 %s dhcp'",
						   fam);
		}
	}
	strv_free(&files);
}

/* ifcfg (RHEL's initscripts and NetworkManager's ifcfg-rh plugin, SUSE's wicked): the file for
 * eth0 is ifcfg-eth0 or, on RHEL, any ifcfg-* saying DEVICE=eth0; BOOTPROTO none or static. */
static void nic_ifcfg(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/etc/sysconfig/network-scripts", "/etc/sysconfig/network"};

	for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
		struct strv names = {0};
		hsys_list_dir(ctx, r, dirs[k], &names);
		for (size_t i = 0; i < names.n; i++) {
			const char *name = names.v[i];
			/* the names initscripts and wicked ignore: backups and package leftovers */
			if (!startswith(name, "ifcfg-") || fnmatch("*[~#]", name, 0) == 0 || strchr(name, '.'))
				continue;
			_cleanup_free_ char *path = xasprintf("%s/%s", dirs[k], name);
			_cleanup_free_ char *buf = NULL;
			if (hsys_read(ctx, r, path, &buf) < 0)
				continue;
			bool eth0 = streq(name, "ifcfg-" PRIMARY_NIC);
			unsigned n = 0, proto_line = 0;
			char proto[64] = "", *cur = buf, *l;
			while ((l = imgfile_next_line(&cur))) {
				n++;
				l = imgfile_strip(l);
				const char *v = strchr(l, '=');
				if (!v)
					continue;
				v++;
				char val[64];
				snprintf(val, sizeof val, "%.*s", (int)strcspn(v + strspn(v, "\"'"), "\"' \t#"), v + strspn(v, "\"'"));
				if (startswith(l, "DEVICE=") && k == 0)
					eth0 = streq(val, PRIMARY_NIC);
				else if (startswith(l, "BOOTPROTO=")) {
					memcpy(proto, val, sizeof proto);
					proto_line = n;
				}
			}
			if (eth0 && (streq(proto, "none") || streq(proto, "static")))
				result_add_finding(r, path, proto_line, "static", NULL, NIC_STATIC_MSG "set BOOTPROTO=dhcp");
		}
		strv_free(&names);
	}
}

/* A child of a YAML map by key, or NULL. */
static const struct cloudcfg_node *yget(const struct cloudcfg_node *m, const char *key)
{
	for (size_t i = 0; m && m->type == CLOUDCFG_MAP && i < m->n; i++)
		if (m->keys[i] && streq(m->keys[i], key))
			return m->items[i];
	return NULL;
}

static const char *yscalar(const struct cloudcfg_node *n)
{
	return n && n->type == CLOUDCFG_SCALAR ? n->scalar : NULL;
}

/* netplan (Ubuntu, some Debian cloud images): /etc, /lib and /usr/lib/netplan/\*.yaml, a name in
 * /etc masking the same name below, merged in name order with the later file's values winning
 * (fed to cloudcfg_merge last first, whose earlier files win). The definition for eth0 is the one
 * named eth0 or whose match.name or set-name is eth0; addresses without dhcp4, or dhcp4 off, is
 * static. */
static void nic_netplan(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/etc/netplan", "/lib/netplan", "/usr/lib/netplan"};
	struct strv files = {0};
	struct cloudcfg cfg = {0};

	hsys_dropin_paths(ctx, r, dirs, ELEMENTSOF(dirs), ".yaml", &files);
	for (size_t i = files.n; i-- > 0;) {
		_cleanup_free_ char *buf = NULL, *err = NULL;
		unsigned line = 0;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		struct cloudcfg_node *n = cloudcfg_parse(buf, strlen(buf), files.v[i], &err, &line);
		if (!n) {
			result_add_finding(r, files.v[i], line, "yaml", NULL,
					   "not valid YAML (%s): netplan generate fails and a VM from the image has no network",
					   err ? err : "not YAML");
			continue;
		}
		cloudcfg_merge(&cfg, files.v[i], n);
	}
	const struct cloudcfg_node *eths = cloudcfg_get(&cfg, "network.ethernets");
	for (size_t i = 0; eths && eths->type == CLOUDCFG_MAP && i < eths->n; i++) {
		const struct cloudcfg_node *d = eths->items[i];
		const char *name = yscalar(yget(yget(d, "match"), "name")), *set = yscalar(yget(d, "set-name"));
		bool eth0 = set ? streq(set, PRIMARY_NIC)
				: name ? fnmatch(name, PRIMARY_NIC, 0) == 0
				       : !yget(d, "match") && streq(eths->keys[i], PRIMARY_NIC);
		if (!eth0 || d->type != CLOUDCFG_MAP)
			continue;
		const struct cloudcfg_node *dhcp4 = yget(d, "dhcp4"), *addrs = yget(d, "addresses");
		if (truthy(yscalar(dhcp4)))
			continue;
		if (dhcp4 && dhcp4->type == CLOUDCFG_SCALAR)
			result_add_finding(r, dhcp4->path, dhcp4->line, "static", NULL,
					   "eth0 (netplan '%s') has dhcp4 off: Azure hands the primary NIC its address by "
					   "DHCP; set dhcp4: true", eths->keys[i]);
		else if (addrs && addrs->type == CLOUDCFG_SEQ && addrs->n > 0)
			result_add_finding(r, addrs->path, addrs->line, "static", NULL,
					   NIC_STATIC_MSG "set dhcp4: true on netplan '%s' and drop its addresses",
					   eths->keys[i]);
	}
	cloudcfg_free(&cfg);
	strv_free(&files);
}

/* Whether a networkd [Match] Name= list (globs, "!" negating the whole list) takes eth0. */
static bool networkd_name_matches(char *list)
{
	bool neg = *list == '!';
	bool hit = false;

	for (char *save = NULL, *w = strtok_r(list + neg, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		hit |= fnmatch(w, PRIMARY_NIC, 0) == 0;
	return neg ? !hit : hit;
}

/* systemd-networkd (Azure Linux, Debian's genericcloud, Flatcar): the first .network file in name
 * order whose [Match] takes eth0 configures it (a file with no [Match] key takes every link; one
 * that matches only on what cannot be told offline, a driver or MAC, is passed over); Address=
 * without DHCP for IPv4 is static. */
static void nic_networkd(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/etc/systemd/network", "/usr/local/lib/systemd/network",
					   "/usr/lib/systemd/network", "/lib/systemd/network"};
	struct strv files = {0};
	bool decided = false;

	hsys_dropin_paths(ctx, r, dirs, ELEMENTSOF(dirs), ".network", &files);
	for (size_t i = 0; i < files.n && !decided; i++) {
		_cleanup_free_ char *buf = NULL;
		char sec[32] = "", *key, *val, *cur;
		unsigned n = 0, addr_line = 0, match_keys = 0;
		bool name_ok = true, dhcp4 = false;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while (ini_next(&cur, sec, sizeof sec, &n, &key, &val)) {
			if (streq(sec, "Match") && streq(key, "Name"))
				name_ok = networkd_name_matches(val) && name_ok;
			else if (streq(sec, "Match"))
				match_keys++;
			else if (streq(sec, "Network") && streq(key, "DHCP"))
				dhcp4 = truthy(val) || streq(val, "ipv4") || streq(val, "both");
			else if ((streq(sec, "Network") || streq(sec, "Address")) && (streq(key, "Address") || streq(key, "Gateway")) &&
				 !addr_line && *val)
				addr_line = n;
		}
		if (!name_ok || match_keys > 0)
			continue; /* not eth0's, or not to be told offline */
		decided = true;
		if (addr_line && !dhcp4)
			result_add_finding(r, files.v[i], addr_line, "static", NULL, NIC_STATIC_MSG "set DHCP=yes (or ipv4) "
					   "in [Network] and drop Address=");
	}
	strv_free(&files);
}

/* NetworkManager keyfiles (RHEL 9, SLES 16, Azure Linux with NM): a connection for eth0 (its
 * interface-name, or none and no MAC: any Ethernet NIC) with [ipv4] method=manual. */
static void nic_nm(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const dirs[] = {"/etc/NetworkManager/system-connections",
					   "/usr/lib/NetworkManager/system-connections"};
	struct strv files = {0};

	hsys_dropin_paths(ctx, r, dirs, ELEMENTSOF(dirs), ".nmconnection", &files);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		char sec[32] = "", *key, *val, *cur;
		unsigned n = 0, manual = 0;
		bool eth0 = true, ether = false;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while (ini_next(&cur, sec, sizeof sec, &n, &key, &val)) {
			if (streq(sec, "connection") && streq(key, "interface-name"))
				eth0 = eth0 && streq(val, PRIMARY_NIC);
			else if (streq(sec, "connection") && streq(key, "type"))
				ether = streq(val, "ethernet") || streq(val, "802-3-ethernet");
			else if ((streq(sec, "ethernet") || streq(sec, "802-3-ethernet")) && streq(key, "mac-address") && *val)
				eth0 = false; /* bound to one NIC: gen.network-state's */
			else if (streq(sec, "ipv4") && streq(key, "method"))
				manual = streq(val, "manual") ? n : 0;
		}
		if (eth0 && ether && manual)
			result_add_finding(r, files.v[i], manual, "static", NULL, NIC_STATIC_MSG "set method=auto in [ipv4]");
	}
	strv_free(&files);
}

static int azure_primary_nic_dhcp(struct cg_ctx *ctx, struct cg_result *r)
{
	nic_ifupdown(ctx, r);
	nic_ifcfg(ctx, r);
	nic_netplan(ctx, r);
	nic_networkd(ctx, r);
	nic_nm(ctx, r);
	return 0;
}

/* ---- everything else the guides ask (A4, A12, A14, A15, A16) ---- */

static int azure_udf_vfat(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const mods[] = {"udf", "vfat"};
	struct modprobe_conf c = {0};
	_cleanup_free_ char *err = NULL;
	int e = modprobe_load(&ctx->fs, &c, &err);

	if (e < 0) {
		result_add_error(r, err ? err : "/etc/modprobe.d", e, "cannot read");
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(mods); i++) {
		const struct modprobe_rule *in = modprobe_install(&c, mods[i]);
		const struct modprobe_rule *bl = modprobe_blacklisted(&c, mods[i]);
		const char *why = streq(mods[i], "udf") ? "provisioning reads the custom-data DVD (ovf-env.xml) through udf"
							: "the EFI system partition and /boot/efi are vfat";
		if (in && modprobe_command_disables(in->command))
			result_add_finding(r, in->path, in->line, mods[i], in->command,
					   "'install %s %s' keeps %s from loading, but %s (a CIS role's line; Azure's guides "
					   "forbid it). Report-only: remove that line", mods[i], in->command, mods[i], why);
		if (bl)
			result_add_finding(r, bl->path, bl->line, mods[i], NULL,
					   "'blacklist %s' keeps %s from loading when mount asks for it, but %s. "
					   "Report-only: remove that line", mods[i], mods[i], why);
	}
	modprobe_free(&c);
	return 0;
}

static int azure_ssh_keepalive(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = sshcfg_load(&ctx->fs, &c);

	if (e == -ENOENT || e == -ENOTDIR) {
		result_skip(r, "no /etc/ssh/sshd_config: the OpenSSH server is not installed");
		sshcfg_free(&c);
		return 0;
	}
	if (e < 0 || c.io_err < 0) {
		result_add_error(r, e < 0 ? SSHCFG_MAIN : c.io_path, e < 0 ? e : c.io_err, "cannot read");
		sshcfg_free(&c);
		return 0;
	}
	const struct sshcfg_opt *o = sshcfg_find(&c, "clientaliveinterval");
	long secs = 0;
	if (o && o->file && sshcfg_parse_time(o->value, &secs) < 0)
		secs = -1;
	if (!o || !o->file || secs < 30 || secs > 235)
		result_add_finding(r, o && o->file ? o->file : c.main, o && o->file ? o->line : 0,
				   "ClientAliveInterval", o && o->file ? o->value : "unset",
				   "ClientAliveInterval is %s; the Marketplace certification accepts 30 to 235 seconds and "
				   "Azure's guides set 180 (idle sessions through Azure's load balancers drop after 4 minutes)",
				   o && o->file ? o->value : "unset (0)");
	sshcfg_free(&c);
	return 0;
}

static int azure_hyperv_daemons(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const kvp[] = {"/usr/sbin/hv_kvp_daemon", "/usr/sbin/hypervkvpd", "/usr/bin/hv_kvp_daemon",
					  "/usr/libexec/hypervkvpd/hypervkvpd"};
	if (!exists_any(ctx, r, kvp, ELEMENTSOF(kvp)))
		result_add_finding(r, "/usr/sbin/hv_kvp_daemon", 0, NULL, NULL,
				   "the Hyper-V daemons (KVP, VSS, file copy) are not installed: the host cannot read the "
				   "VM's addresses or freeze it for application-consistent backup. Install hyperv-daemons");
	return 0;
}

#define CHRONY_MAX_FILES 256

/* The files chronyd reads, in order: the main file, then what its include (a glob in the last
 * component), confdir (*.conf of each directory, a name in an earlier one masking later ones) and
 * sourcedir (*.sources) directives name, each followed once and to a bounded depth. */
static void chrony_files(struct cg_ctx *ctx, struct cg_result *r, const char *path, unsigned depth, struct strv *files)
{
	_cleanup_free_ char *buf = NULL;
	char *cur, *l;

	for (size_t i = 0; i < files->n; i++)
		if (streq(files->v[i], path))
			return;
	if (files->n >= CHRONY_MAX_FILES) /* a glob over a hostile directory: chronyd would give up too */
		return;
	strv_push(files, path);
	if (depth > 8 || hsys_read(ctx, r, path, &buf) < 0)
		return;
	cur = buf;
	while ((l = imgfile_next_line(&cur))) {
		char *save = NULL, *w = strtok_r(imgfile_strip(l), " \t", &save);
		bool confdir = w && streq(w, "confdir"), sourcedir = w && streq(w, "sourcedir");
		if (w && streq(w, "include") && (w = strtok_r(NULL, " \t", &save)) && *w == '/') {
			_cleanup_free_ char *dir = xstrndup(w, (size_t)(strrchr(w, '/') - w));
			const char *pat = strrchr(w, '/') + 1;
			struct strv names = {0};
			hsys_list_dir(ctx, r, *dir ? dir : "/", &names);
			for (size_t i = 0; i < names.n; i++)
				if (fnmatch(pat, names.v[i], FNM_PERIOD) == 0) {
					_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
					chrony_files(ctx, r, p, depth + 1, files);
				}
			strv_free(&names);
		} else if (confdir || sourcedir) {
			const char *dirs[8];
			size_t n = 0;
			while (n < ELEMENTSOF(dirs) && (w = strtok_r(NULL, " \t", &save)) && *w == '/')
				dirs[n++] = w;
			if (sourcedir && n > 1)
				n = 1; /* sourcedir takes one directory */
			struct strv set = {0};
			hsys_dropin_paths(ctx, r, dirs, n, confdir ? ".conf" : ".sources", &set);
			for (size_t i = 0; i < set.n; i++)
				chrony_files(ctx, r, set.v[i], depth + 1, files);
			strv_free(&set);
		}
	}
}

static int azure_ptp_clock(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const mains[] = {"/etc/chrony/chrony.conf", "/etc/chrony.conf"};
	struct strv files = {0};
	const char *main = NULL;
	bool ptp = false;

	for (size_t i = 0; i < ELEMENTSOF(mains) && !main; i++)
		if (exists_any(ctx, r, &mains[i], 1))
			main = mains[i];
	if (!main) {
		result_add_finding(r, "/etc/chrony/chrony.conf", 0, "chrony", NULL,
				   "chrony is not installed: Azure's time-sync guide uses chrony with the Hyper-V PTP "
				   "clock (refclock PHC /dev/ptp_hyperv); install chrony");
		return 0;
	}
	chrony_files(ctx, r, main, 0, &files);
	for (size_t i = 0; i < files.n && !ptp; i++) {
		_cleanup_free_ char *buf = NULL;
		char *cur, *l;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while ((l = imgfile_next_line(&cur)) && !ptp) {
			l = imgfile_strip(l);
			ptp = startswith(l, "refclock") && strstr(l, "PHC") && (strstr(l, "ptp_hyperv") || strstr(l, "/dev/ptp"));
		}
	}
	if (!ptp)
		result_add_finding(r, main, 0, "refclock", NULL,
				   "chrony has no Hyper-V PTP reference clock: add 'refclock PHC /dev/ptp_hyperv poll 3 "
				   "dpoll -2 offset 0' (Azure time-sync guide)");
	strv_free(&files);
	return 0;
}

/* vfat is case-insensitive: EFI/BOOT/BOOTX64.EFI may be spelt in any case */
static char *find_ci(struct cg_ctx *ctx, struct cg_result *r, const char *dir, const char *name)
{
	struct strv names = {0};
	char *found = NULL;

	hsys_list_dir(ctx, r, dir, &names);
	for (size_t i = 0; i < names.n && !found; i++)
		if (!strcasecmp(names.v[i], name))
			found = xasprintf("%s/%s", dir, names.v[i]);
	strv_free(&names);
	return found;
}

static int azure_efi_fallback(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *efi = find_ci(ctx, r, "/boot/efi", "EFI");
	_cleanup_free_ char *boot = efi ? find_ci(ctx, r, efi, "BOOT") : NULL;
	_cleanup_free_ char *x64 = boot ? find_ci(ctx, r, boot, "BOOTX64.EFI") : NULL;
	_cleanup_free_ char *aa64 = boot ? find_ci(ctx, r, boot, "BOOTAA64.EFI") : NULL;

	if (!efi) {
		result_skip(r, "no /boot/efi/EFI: the image boots as a Generation 1 VM (BIOS)");
		return 0;
	}
	if (!x64 && !aa64)
		result_add_finding(r, "/boot/efi/EFI/BOOT/BOOTX64.EFI", 0, NULL, NULL,
				   "no fallback EFI loader: a Generation 2 VM starts with empty UEFI variables and boots "
				   "only EFI/BOOT/BOOTX64.EFI. Copy the distribution's shim there (Ubuntu's guide: "
				   "shimx64.efi -> bootx64.efi, grub.cfg -> bootx64.cfg), or grub-install --removable");
	return 0;
}

/* ---- the table ---- */

#define GEN "azure-docs create-upload-generic"

static const struct cg_check azure_checks[] = {
	{
		.id = "azure.kernel-console", .title = "the kernel logs to Azure's serial console (console=ttyS0)",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "grub-console",
		.refs = CG_REFS(GEN, "azure-docs debian-create-upload-vhd", "azure-docs redhat-create-upload-vhd",
				"azure-docs suse-create-upload-vhd", "azure-docs create-upload-ubuntu", "azure-docs marketplace azure-vm-certification-issues-solutions (test 3)"),
		.description = "console=ttyS0 on the command line the next boot uses: /etc/default/grub and "
			       "/etc/default/grub.d/*.cfg (the source), the generated grub.cfg (/boot/grub, /boot/grub2), "
			       "BLS entries (/boot/loader/entries, $kernelopts from grubenv) and /etc/kernel/cmdline. A "
			       "fault is reported where it is fixed: in the defaults when they lack it, else in each "
			       "generated file that disagrees (a stale grub.cfg). Fix (Debian, Ubuntu): a drop-in "
			       "/etc/default/grub.d/99-capgate-azure.cfg adding " CONSOLE_ARGS "; live it runs update-grub, "
			       "offline grub.cfg stays stale until update-grub runs in the image. BLS (RHEL) is "
			       "report-only with the grubby command.",
		.run = azure_kernel_console,
	},
	{
		.id = "azure.boot-diagnostics", .title = "the boot is visible: no quiet or rhgb, earlyprintk on the serial line",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs create-upload-ubuntu"),
		.description = "quiet and rhgb hide the boot messages boot diagnostics would show; the guides add "
			       "earlyprintk=ttyS0,115200, and Ubuntu's rootdelay=300. Same sources as azure.kernel-console. "
			       "Report-only.",
		.run = azure_boot_diagnostics,
	},
	{
		.id = "azure.serial-terminal", .title = "GRUB and a login are on the serial console",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd",
				"microsoft/azurelinux configure-image.sh (serial-getty@ttyS0)"),
		.description = "GRUB_TERMINAL(_OUTPUT) names serial (or grub.cfg sets terminal_output serial), so the "
			       "serial console can pick a kernel; serial-getty@ttyS0.service is not masked. Report-only.",
		.run = azure_serial_terminal,
	},
	{
		.id = "azure.hyperv-drivers", .title = "Hyper-V drivers are built in or in every initramfs",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd",
				"azure-docs debian-create-upload-vhd"),
		.description = "For every /boot/vmlinuz-VERSION: hv_vmbus, hv_storvsc and hv_netvsc are =y in "
			       "/boot/config-VERSION or present in its initramfs (initrd.img-, initramfs-*.img, initrd-), "
			       "read with libarchive across concatenated (early microcode) and compressed (gzip, xz, "
			       "zstd, lz4) archives. Report-only: the message has the update-initramfs or dracut command.",
		.run = azure_hyperv_drivers,
	},
	{
		.id = "azure.nvme-driver", .title = "the NVMe driver is built in or in every initramfs",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs redhat-create-upload-vhd (azure-nvme.conf)"),
		.description = "VM sizes with NVMe OS disks boot through nvme: =y in the kernel config or in the "
			       "initramfs. Report-only, with the rebuild command.",
		.run = azure_nvme_driver,
	},
	{
		.id = "azure.waagent-config", .title = "waagent and cloud-init agree on provisioning and the resource disk",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "waagent-set",
		.refs = CG_REFS("Azure/WALinuxAgent config/waagent.conf", "azure-docs create-upload-ubuntu",
				"azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd", "azure-docs marketplace azure-vm-certification-issues-solutions (tests 2, 10)"),
		.description = "With cloud-init installed and not disabled: Provisioning.Agent is not waagent (or, "
			       "without it, Provisioning.Enabled=n), ResourceDisk.Format=n and ResourceDisk.EnableSwap=n. "
			       "Without cloud-init: Provisioning.Agent is not cloud-init or disabled. Fix: an atomic edit "
			       "of /etc/waagent.conf that changes those values and keeps every other line.",
		.run = azure_waagent_config,
	},
	{
		.id = "azure.cloud-init", .title = "cloud-init runs and reads Azure's metadata",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "cloud-init-azure",
		.refs = CG_REFS("azure-docs create-upload-ubuntu", "azure-docs redhat-create-upload-vhd",
				"canonical/subiquity _cloud_init_files", "canonical/cloud-init util.read_conf_with_confd"),
		.description = "cloud.cfg and cloud.cfg.d/*.cfg parsed as YAML and merged as cloud-init does (the "
			       "last file in lexical order wins, cloud.cfg last): datasource_list, when set, names Azure; "
			       "/etc/cloud/cloud-init.disabled is absent; no file is invalid YAML (cloud-init ignores it). "
			       "Fix: the drop-in /etc/cloud/cloud.cfg.d/99_zz_capgate_azure.cfg (datasource_list: [ Azure ]), "
			       "and removing the marker.",
		.run = azure_cloud_init,
	},
	{
		.id = "azure.agent-units", .title = "the provisioning agents and sshd start at boot",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs suse-create-upload-vhd", "azure-docs marketplace azure-vm-certification-issues-solutions (test 8)"),
		.description = "walinuxagent.service or waagent.service enabled where waagent is installed; "
			       "cloud-init.service and cloud-final.service where cloud-init runs; the OpenSSH server "
			       "enabled where installed. Report-only.",
		.run = azure_agent_units,
	},
	{
		.id = "azure.swap", .title = "no swap on the OS disk",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs create-upload-ubuntu", "azure-docs marketplace azure-vm-certification-issues-solutions (test 4)"),
		.description = "No swap line in /etc/fstab, no enabled .swap unit in /etc/systemd/system, no RESUME= "
			       "device in /etc/initramfs-tools/conf.d/resume. Swap belongs on the resource disk "
			       "(cloud-init mounts, or waagent ResourceDisk.EnableSwap without cloud-init). Report-only.",
		.run = azure_swap,
	},
	{
		.id = "azure.fstab-ids", .title = "fstab mounts by UUID, LABEL or PARTUUID",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd",
				"azure-docs create-upload-ubuntu", "azure-docs oracle-create-upload-vhd"),
		.description = "/etc/fstab (read with libmount) never names /dev/sd*, /dev/hd*, /dev/vd*, /dev/xvd*, "
			       "/dev/nvme* or /dev/mmcblk*: Azure does not keep those names. Report-only, with the blkid "
			       "command.",
		.run = azure_fstab_ids,
	},
	{
		.id = "azure.lvm", .title = "the OS disk uses standard partitions",
		.severity = CG_SEV_INFO, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs marketplace azure-vm-certification-issues-solutions (test 5)"),
		.description = "/ or /boot on LVM (/dev/mapper/*, /dev/VG/LV in fstab): every VM has the same volume "
			       "group name. Information.",
		.run = azure_lvm,
	},
	{
		.id = "azure.accelerated-networking", .title = "NetworkManager leaves the Mellanox VFs to the kernel",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs redhat-create-upload-vhd", "azure-docs oracle-create-upload-vhd"),
		.description = "Where NetworkManager is installed: a conf.d file with unmanaged-devices naming the "
			       "mlx drivers (99-azure-unmanaged-devices.conf) or the 68-azure-sriov-nm-unmanaged.rules "
			       "udev rule. Report-only.",
		.run = azure_accelerated_networking,
	},
	{
		.id = "azure.primary-nic-dhcp", .title = "the primary NIC uses DHCP",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd"),
		.description = "eth0 is not configured with a static address (without DHCP for IPv4) by ifupdown, "
			       "ifcfg (initscripts, NetworkManager's ifcfg-rh, wicked), netplan, systemd-networkd or "
			       "a NetworkManager keyfile. MAC bindings are gen.network-state's. Report-only.",
		.run = azure_primary_nic_dhcp,
	},
	{
		.id = "azure.udf-vfat", .title = "udf and vfat can load",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs suse-create-upload-vhd"),
		.description = "No modprobe.d install command that stops udf or vfat (CIS roles add 'install udf "
			       "/bin/false') and no blacklist of them: provisioning reads the custom-data DVD through "
			       "udf, the ESP is vfat. kernel.unused-modules never proposes disabling them. Report-only.",
		.run = azure_udf_vfat,
	},
	{
		.id = "azure.ssh-keepalive", .title = "sshd ClientAliveInterval is 30 to 235 seconds",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin:ClientAliveInterval 180",
		.refs = CG_REFS("azure-docs redhat-create-upload-vhd", "azure-docs marketplace azure-vm-certification-issues-solutions (test 8)"),
		.description = "The effective ClientAliveInterval (sshd_config and its Includes, first value wins) is "
			       "within 30-235 s, as the Marketplace test requires. Fix: ClientAliveInterval 180 in "
			       "/etc/ssh/sshd_config.d/00-capgate.conf (ssh.idle-timeouts writes 180 too).",
		.run = azure_ssh_keepalive,
	},
	{
		.id = "azure.hyperv-daemons", .title = "the Hyper-V daemons are installed",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS(GEN, "azure-docs redhat-create-upload-vhd", "azure-docs debian-create-upload-vhd"),
		.description = "hv_kvp_daemon (package hyperv-daemons) present. Report-only.",
		.run = azure_hyperv_daemons,
	},
	{
		.id = "azure.ptp-clock", .title = "chrony uses the Hyper-V PTP clock",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs time-sync", "microsoft/azurelinux chrony.cfg"),
		.description = "chrony.conf, or a file it reads (include, confdir, sourcedir), has 'refclock PHC "
			       "/dev/ptp_hyperv'. Report-only.",
		.run = azure_ptp_clock,
	},
	{
		.id = "azure.efi-fallback", .title = "a Generation 2 VM finds the fallback EFI loader",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("azure-docs create-upload-ubuntu"),
		.description = "With an EFI system partition under /boot/efi: EFI/BOOT/BOOTX64.EFI (or BOOTAA64.EFI) "
			       "exists, any case. Report-only.",
		.run = azure_efi_fallback,
	},
};

const struct cg_family family_azure = {
	.name = "azure",
	.title = "Azure provisioning readiness",
	.checks = azure_checks,
	.n = ELEMENTSOF(azure_checks),
	.evident = azure_evident,
};
