/* SPDX-License-Identifier: Apache-2.0 */
/* kernel.*: kernel hardening an image carries in its sysctl.d, limits and modprobe.d files.
 * Keys and safe values: CIS Debian/Ubuntu §1.5–1.6 and §1.1.1, dev-sec sysctl-29..35, ASB. */
#include "families.h"
#include "hsys.h"
#include "imgfile.h"
#include "modprobe.h"

/* Kernel defaults are those of Debian 12's 6.1 kernel with nothing in sysctl.d. */
static const struct sysctl_rule aslr_rules[] = {
	{"kernel.randomize_va_space", WANT_EQ, 2, 2},
};
static const struct sysctl_rule core_rules[] = {
	{"fs.suid_dumpable", WANT_EQ, 0, 0},
};
static const struct sysctl_rule leak_rules[] = {
	{"kernel.kptr_restrict", WANT_GE, 1, 0},
	{"kernel.dmesg_restrict", WANT_EQ, 1, 1},    /* Debian builds with SECURITY_DMESG_RESTRICT=y */
	{"kernel.yama.ptrace_scope", WANT_GE, 1, 0}, /* Debian patches Yama to off by default */
	{"fs.protected_hardlinks", WANT_EQ, 1, 1},
	{"fs.protected_symlinks", WANT_EQ, 1, 1},
};

static int kernel_aslr(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, aslr_rules, ELEMENTSOF(aslr_rules));
}

static int kernel_core_dumps(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, core_rules, ELEMENTSOF(core_rules));
}

static int kernel_info_leaks(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, leak_rules, ELEMENTSOF(leak_rules));
}

static int kernel_sysctl_syntax(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sysctl_conf conf;

	if (hsys_sysctl_load(ctx, r, &conf) < 0)
		return 0;
	for (size_t i = 0; i < conf.nproblems; i++)
		result_add_finding(r, conf.problems[i].path, conf.problems[i].line, "syntax", NULL, "%s",
				   conf.problems[i].message);
	sysctl_free(&conf);
	return 0;
}

/* pam_limits: "* hard core 0" in limits.conf or limits.d/\*.conf (later files win per item) */
static bool limits_hard_core_zero(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv names = {0};
	bool zero = false;

	hsys_conf_files(ctx, r, "/etc/security/limits.conf", "/etc/security/limits.d", ".conf", &names);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		char *cur, *l;
		int e = imgfile_read(&ctx->fs, names.v[i], 1 << 20, &buf, &len);
		if (e == -ENOENT)
			continue;
		if (e < 0) {
			result_add_error(r, names.v[i], e, "cannot read");
			continue;
		}
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			char dom[64], type[16], item[32], val[32];
			l = imgfile_strip(l);
			if (*l == '#' || sscanf(l, "%63s %15s %31s %31s", dom, type, item, val) != 4)
				continue;
			if (streq(dom, "*") && (streq(type, "hard") || streq(type, "-")) && streq(item, "core"))
				zero = streq(val, "0");
		}
	}
	strv_free(&names);
	return zero;
}

static int kernel_core_limits(struct cg_ctx *ctx, struct cg_result *r)
{
	struct dpkg_db db;
	int e;

	if (!limits_hard_core_zero(ctx, r))
		result_add_finding(r, "/etc/security/limits.conf", 0, "limits", NULL,
				   "no '* hard core 0' limit: set-uid programs and users may dump core; add it to "
				   "/etc/security/limits.d/60-capgate.conf");
	/* without a dpkg database there is no systemd-coredump package to judge */
	e = dpkg_load(&ctx->fs, &db);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, "/var/lib/dpkg/status", e, "cannot read");
	if (e == 0) {
		if (dpkg_installed(&db, "systemd-coredump")) {
			static const char *const dirs[] = {"/etc/systemd/coredump.conf.d", "/run/systemd/coredump.conf.d",
							   "/usr/lib/systemd/coredump.conf.d"};
			_cleanup_free_ char *where = NULL;
			unsigned line;
			_cleanup_free_ char *st = hsys_systemd_setting(ctx, r, "/etc/systemd/coredump.conf", dirs,
									ELEMENTSOF(dirs), "Storage", &where, &line);
			if (!st || !streq(st, "none"))
				result_add_finding(r, where, line, "coredump-storage", st ? st : "external",
						   "systemd-coredump stores core dumps (Storage=%s); set Storage=none",
						   st ? st : "external (default)");
		}
		dpkg_free(&db);
	}
	return 0;
}

/* CIS 1.1.1.x and 3.4.x. udf and vfat are deliberately absent: Azure provisioning mounts the
 * UDF provisioning ISO and boots from vfat (WALinuxAgent #246, #2025; azure-docs #102409). */
static const char *const unused_modules[] = {
	"cramfs", "freevxfs", "jffs2", "hfs", "hfsplus", "dccp", "sctp", "rds", "tipc",
};

static bool never_disable(const char *m)
{
	return streq(m, "udf") || streq(m, "vfat") || streq(m, "fat");
}

static void judge_module(struct cg_result *r, const struct modprobe_conf *conf, const struct modprobe_modules *mods,
			 const char *m)
{
	const struct modprobe_rule *inst = modprobe_install(conf, m), *bl;

	if (!modprobe_modules_has(mods, m))
		return; /* no kernel of the image has it: nothing to load */
	if (inst && modprobe_command_disables(inst->command))
		return;
	if (inst) {
		result_add_finding(r, inst->path, inst->line, m, NULL,
				   "'install %s %s' still runs a command when '%s' is requested; use 'install %s /bin/false'",
				   m, inst->command, m, m);
		return;
	}
	bl = modprobe_blacklisted(conf, m);
	if (bl)
		result_add_finding(r, bl->path, bl->line, m, NULL,
				   "'%s' is only blacklisted, which stops automatic loading but not 'modprobe %s'; add "
				   "'install %s /bin/false'", m, m, m);
	else
		result_add_finding(r, "/etc/modprobe.d", 0, m, NULL,
				   "kernel module '%s' can be loaded; add 'install %s /bin/false' and 'blacklist %s' to "
				   "/etc/modprobe.d/60-capgate.conf", m, m, m);
}

static int kernel_unused_modules(struct cg_ctx *ctx, struct cg_result *r)
{
	struct modprobe_conf conf;
	struct modprobe_modules mods;
	json_t *extra = ctx->cfg ? config_get(ctx->cfg, "hardening.disable_modules") : NULL, *it;
	size_t i;
	int e;
	_cleanup_free_ char *where = NULL;

	e = modprobe_modules_load(&ctx->fs, &mods, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the kernel module lists");
		return 0;
	}
	if (!mods.nkernels) {
		result_skip(r, "the image has no kernel modules (/lib/modules/*/modules.dep); nothing can be loaded");
		modprobe_modules_free(&mods);
		return 0;
	}
	e = modprobe_load(&ctx->fs, &conf, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the modprobe configuration");
		modprobe_modules_free(&mods);
		return 0;
	}
	for (size_t k = 0; k < ELEMENTSOF(unused_modules); k++)
		judge_module(r, &conf, &mods, unused_modules[k]);
	json_array_foreach(extra, i, it) {
		const char *m = json_string_value(it);
		if (m && !never_disable(m))
			judge_module(r, &conf, &mods, m);
	}
	modprobe_free(&conf);
	modprobe_modules_free(&mods);
	return 0;
}

static const struct cg_check kernel_checks[] = {
	{
		.id = "kernel.aslr",
		.title = "address space layout randomisation is full",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.6.2", "ASB VirtualMemoryRandomizationIsEnabled", "Lynis KRNL-6000",
				"SSG sysctl_kernel_randomize_va_space", "dev-sec sysctl-32"),
		.remediation = "sysctl-dropin",
		.description = "kernel.randomize_va_space must be 2 in the effective sysctl configuration (sysctl.d in "
			       "systemd-sysctl's order; the kernel default 2 when unset) and, live, in the running kernel.",
		.run = kernel_aslr,
	},
	{
		.id = "kernel.sysctl-syntax",
		.title = "every sysctl.d line takes effect",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("systemd-sysctl(8)"),
		.remediation = NULL,
		.description = "Lines of sysctl.d files and /etc/sysctl.conf that systemd-sysctl ignores with a warning "
			       "(no '=', empty key): a hardening setting written that way never applies.",
		.run = kernel_sysctl_syntax,
	},
	{
		.id = "kernel.core-dumps",
		.title = "set-uid programs do not dump core",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.6.4", "ASB CoreDumpsAreRestricted", "Lynis KRNL-5820", "SSG sysctl_fs_suid_dumpable",
				"dev-sec sysctl-31a"),
		.remediation = "sysctl-dropin",
		.description = "fs.suid_dumpable must be 0: a core of a set-uid program holds another user's memory.",
		.run = kernel_core_dumps,
	},
	{
		.id = "kernel.core-limits",
		.title = "core dumps are limited for users and systemd-coredump",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.5.1", "SSG disable_users_coredumps", "SSG coredump_disable_storage", "dev-sec sysctl-31b"),
		.remediation = "limits-dropin",
		.description = "'* hard core 0' in limits.conf or limits.d, and Storage=none for systemd-coredump when it "
			       "is installed (coredump.conf and its drop-ins, last wins).",
		.run = kernel_core_limits,
	},
	{
		.id = "kernel.info-leaks",
		.title = "kernel pointers, dmesg and ptrace are restricted",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis KRNL-6000", "SSG sysctl_kernel_kptr_restrict", "SSG sysctl_kernel_dmesg_restrict",
				"dev-sec sysctl-34", "dev-sec sysctl-35"),
		.remediation = "sysctl-dropin",
		.description = "kernel.kptr_restrict >= 1, kernel.dmesg_restrict = 1, kernel.yama.ptrace_scope >= 1, "
			       "fs.protected_hardlinks = 1 and fs.protected_symlinks = 1.",
		.run = kernel_info_leaks,
	},
	{
		.id = "kernel.unused-modules",
		.title = "unused filesystem and protocol modules cannot be loaded",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.1.1.1-1.1.1.5", "CIS 3.4.1-3.4.4", "ASB DisabledInstallationOfCramfsFileSystem",
				"ASB DccpIsDisabled", "ASB SctpIsDisabled", "Lynis FILE-6430", "Lynis NETW-3200",
				"SSG kernel_module_cramfs_disabled", "dev-sec os-10"),
		.remediation = "modprobe-dropin",
		.description = "cramfs, freevxfs, jffs2, hfs, hfsplus, dccp, sctp, rds and tipc (plus "
			       "hardening.disable_modules) need 'install <m> /bin/false' in modprobe.d when a kernel of "
			       "the image ships them (kmod: the first install line wins; blacklist alone does not stop "
			       "modprobe). udf and vfat are never required: Azure provisioning needs them.",
		.run = kernel_unused_modules,
	},
};

CG_FAMILY(family_kernel, "kernel", "kernel hardening: sysctl, core dumps, modules", kernel_checks);
