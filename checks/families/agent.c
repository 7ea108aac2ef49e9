/* SPDX-License-Identifier: Apache-2.0 */
/* agent.*: the agents an image needs (Azure provisioning, a MAC framework) and agents that must
 * not carry one machine's identity into every VM (Defender for Endpoint, Azure Monitor). */
#include "families.h"
#include "hsys.h"
#include "imgfile.h"

#include <fcntl.h>

/* cloud-init uses Azure unless a datasource_list excludes it (cloud.cfg, then cloud.cfg.d) */
static bool cloudinit_has_azure(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv names = {0};
	bool azure = true;

	hsys_conf_files(ctx, r, "/etc/cloud/cloud.cfg", "/etc/cloud/cloud.cfg.d", ".cfg", &names);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *buf = NULL;
		if (hsys_read(ctx, r, names.v[i], &buf) < 0)
			continue;
		char *ds = strstr(buf, "datasource_list");
		if (ds && (ds == buf || ds[-1] == '\n'))
			azure = strstr(ds, "Azure") && strstr(ds, "Azure") < ds + strcspn(ds, "]");
	}
	strv_free(&names);
	return azure;
}

/* The agent's package is named per family (research/distros-azure.md §1; WALinuxAgent's specs). */
static const char *const waagent_pkgs[] = {"waagent", "walinuxagent", "WALinuxAgent", "python3-azure-agent",
					   "python-azure-agent", NULL};
static const char *const cloudinit_pkgs[] = {"cloud-init", NULL};

static int agent_provisioning(struct cg_ctx *ctx, struct cg_result *r)
{
	struct hsys_pkgs pk;
	struct hsys_pkg found;
	struct units u;
	bool waagent, cloudinit;

	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	waagent = hsys_pkg_find(&pk, waagent_pkgs, &found) &&
		  (hsys_unit_enabled(ctx, r, &u, "walinuxagent.service") || hsys_unit_enabled(ctx, r, &u, "waagent.service"));
	cloudinit = hsys_pkg_find(&pk, cloudinit_pkgs, &found) && hsys_unit_enabled(ctx, r, &u, "cloud-init.service");
	/* Ubuntu's installer (24.04 and later) leaves this marker: cloud-init then never runs */
	if (cloudinit && imgfile_exists_or_error(&ctx->fs, r, "/etc/cloud/cloud-init.disabled")) {
		result_add_finding(r, "/etc/cloud/cloud-init.disabled", 0, "disabled", NULL,
				   "cloud-init is installed and enabled but this marker disables it, so it never "
				   "provisions the VM; remove the file (cloud-init clean does)");
		cloudinit = false;
	}
	cloudinit = cloudinit && cloudinit_has_azure(ctx, r);
	if (!waagent && !cloudinit)
		result_add_finding(r, pk.path, 0, NULL, NULL,
				   "neither the Azure Linux agent (package %s, waagent.service or walinuxagent.service) nor "
				   "cloud-init with the Azure datasource is installed and enabled; the VM would never "
				   "report ready", pk.rpm ? "WALinuxAgent or python3-azure-agent" : "waagent");
	units_free(&u);
	return 0;
}

static int agent_azure_monitor(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const marks[] = {"/opt/microsoft/azuremonitoragent", "/etc/opt/microsoft/azuremonitoragent",
					    "/var/opt/microsoft/azuremonitoragent", "/opt/microsoft/omsagent"};
	for (size_t i = 0; i < ELEMENTSOF(marks); i++)
		if (imgfile_exists_or_error(&ctx->fs, r, marks[i]))
			result_add_finding(r, marks[i], 0, NULL, NULL,
					   "Azure Monitor agent files are baked in; AMA is deployed as a VM extension, and any "
					   "per-VM configuration here would be cloned");
	return 0;
}

static int agent_mde(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const onboard[] = {"/etc/opt/microsoft/mdatp/mdatp_onboard.json",
					      "/var/opt/microsoft/mdatp/mdatp_onboard.json"};
	for (size_t i = 0; i < ELEMENTSOF(onboard); i++)
		if (imgfile_exists_or_error(&ctx->fs, r, onboard[i]))
			result_add_finding(r, onboard[i], 0, "onboarded", NULL,
					   "Defender for Endpoint is onboarded in the image; every VM would share one device "
					   "identity. Onboard at first boot instead and remove this file");
	return 0;
}

/* The kernel command line as the image will boot it: GRUB_CMDLINE_LINUX* in /etc/default/grub,
 * /etc/kernel/cmdline (kernel-install, RHEL 9 BLS) and the options of /boot/loader/entries. FN
 * gets each file, line and its text. */
static void cmdline_foreach(struct cg_ctx *ctx, struct cg_result *r,
			    void (*fn)(struct cg_result *r, const char *path, unsigned line, const char *text, void *ud), void *ud)
{
	struct strv files = {0}, entries = {0};

	strv_push(&files, "/etc/default/grub");
	strv_push(&files, "/etc/kernel/cmdline");
	hsys_list_dir(ctx, r, "/boot/loader/entries", &entries);
	for (size_t i = 0; i < entries.n; i++)
		if (endswith(entries.v[i], ".conf")) {
			_cleanup_free_ char *p = xasprintf("/boot/loader/entries/%s", entries.v[i]);
			strv_push(&files, p);
		}
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned n = 0;
		char *cur, *l;
		bool grub = streq(files.v[i], "/etc/default/grub"), bls = startswith(files.v[i], "/boot/loader/");
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			n++;
			if ((grub && !startswith(l, "GRUB_CMDLINE_LINUX")) || (bls && !startswith(l, "options")))
				continue;
			fn(r, files.v[i], n, l, ud);
		}
	}
	strv_free(&files);
	strv_free(&entries);
}

/* A whole word of the command line TEXT ("selinux=0", not "xselinux=01"). */
static bool cmdline_has(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || strchr(" \t\"'=", p[-1])) && (!p[n] || strchr(" \t\"'", p[n])))
			return true;
	return false;
}

static void apparmor_cmdline(struct cg_result *r, const char *path, unsigned line, const char *text, void *ud)
{
	if (cmdline_has(text, "apparmor=0") || cmdline_has(text, "security=selinux"))
		result_add_finding(r, path, line, "cmdline", NULL,
				   "the kernel command line turns AppArmor off; remove apparmor=0");
}

static void selinux_cmdline(struct cg_result *r, const char *path, unsigned line, const char *text, void *ud)
{
	if (cmdline_has(text, "selinux=0"))
		result_add_finding(r, path, line, "selinux=0", NULL,
				   "the kernel command line disables SELinux (selinux=0); remove it (grubby --update-kernel=ALL "
				   "--remove-args=selinux)");
	if (cmdline_has(text, "enforcing=0"))
		result_add_finding(r, path, line, "enforcing=0", NULL,
				   "the kernel command line boots SELinux permissive (enforcing=0); remove it");
}

/* SELINUX= of /etc/selinux/config: the value and its line; NULL when absent. */
static char *selinux_mode(struct cg_ctx *ctx, struct cg_result *r, unsigned *at, bool *have_file)
{
	_cleanup_free_ char *buf = NULL;
	char *cur, *l, *mode = NULL;
	unsigned n = 0;

	*have_file = hsys_read(ctx, r, "/etc/selinux/config", &buf) == 0;
	cur = buf;
	while (buf && (l = imgfile_next_line(&cur))) {
		n++;
		l = imgfile_strip(l);
		if (startswith(l, "SELINUX=")) {
			free(mode);
			mode = xstrdup(imgfile_strip(l + 8));
			*at = n;
		}
	}
	return mode;
}

/* CIS RHEL 9 1.3.1.3-1.3.1.5: SELinux enforcing in the config and not switched off at boot. */
static void selinux_judge(struct cg_ctx *ctx, struct cg_result *r, const char *mode, unsigned at, bool have_file)
{
	if (!have_file)
		result_add_finding(r, "/etc/selinux/config", 0, "config", NULL,
				   "no /etc/selinux/config: SELinux is not configured (install selinux-policy-targeted and "
				   "set SELINUX=enforcing)");
	else if (!mode || !streq(mode, "enforcing"))
		result_add_finding(r, "/etc/selinux/config", at, "mode", mode ? mode : "unset",
				   "SELinux is %s; set SELINUX=enforcing (and relabel: touch /.autorelabel)",
				   mode ? mode : "not set (SELINUX= missing)");
	cmdline_foreach(ctx, r, selinux_cmdline, NULL);
}

static int agent_mac(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const apparmor_pkgs[] = {"apparmor", "apparmor-parser", NULL};
	enum distro_family f = hsys_distro(ctx)->family;
	struct hsys_pkgs pk;
	struct hsys_pkg found;
	_cleanup_free_ char *mode = NULL;
	unsigned at = 0;
	bool have_se;
	size_t len;

	mode = selinux_mode(ctx, r, &at, &have_se);
	/* RHEL and Azure Linux are SELinux systems: it is judged whatever else is there */
	if (f == DF_RHEL || f == DF_AZL) {
		selinux_judge(ctx, r, mode, at, have_se);
		return 0;
	}
	/* Debian, Ubuntu, SUSE: AppArmor by default; an SELinux configuration in enforcing mode counts */
	if (mode && streq(mode, "enforcing")) {
		selinux_judge(ctx, r, mode, at, have_se);
		return 0;
	}
	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	if (!hsys_pkg_find(&pk, apparmor_pkgs, &found))
		result_add_finding(r, pk.path, 0, "apparmor", NULL,
				   "no mandatory access control: the %s package is not installed (and SELinux is "
				   "not enforcing); install it", pk.rpm ? "apparmor-parser" : "apparmor");
	else
		cmdline_foreach(ctx, r, apparmor_cmdline, NULL);
	if (ctx->mode == CG_MODE_LIVE) {
		_cleanup_free_ char *buf = NULL;
		int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && safefs_read_fd(fd, 64, &buf, &len) == 0 && buf[0] != 'Y')
			result_add_finding(r, "/sys/module/apparmor/parameters/enabled", 0, "runtime", buf,
					   "AppArmor is not enabled in the running kernel");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static const struct cg_check agent_checks[] = {
	{
		.id = "agent.provisioning",
		.title = "the Azure provisioning agent is installed and enabled",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("azure-docs create-upload-generic", "Azure/WALinuxAgent"),
		.remediation = NULL,
		.description = "Azure profile: the waagent package with walinuxagent.service (Debian) or waagent.service "
			       "enabled, or cloud-init enabled with Azure in its datasource_list (or no list).",
		.run = agent_provisioning,
	},
	{
		.id = "agent.azure-monitor",
		.title = "no Azure Monitor agent baked in",
		.severity = CG_SEV_INFO,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("azure-docs azure-monitor-agent-manage"),
		.remediation = NULL,
		.description = "Azure Monitor Agent (or the old OMS agent) directories in the image: AMA is deployed as a "
			       "VM extension; a baked-in copy may carry one VM's configuration.",
		.run = agent_azure_monitor,
	},
	{
		.id = "agent.mde",
		.title = "Defender for Endpoint is not onboarded in the image",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("MicrosoftDocs defender-endpoint linux-install-manually", "Lynis MALW-3280"),
		.remediation = NULL,
		.description = "mdatp_onboard.json present: every VM from the image would share one device identity.",
		.run = agent_mde,
	},
	{
		.id = "agent.mac",
		.title = "a mandatory access control framework is active",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.6.1.1", "CIS RHEL9 1.3.1.3", "CIS RHEL9 1.3.1.5", "Lynis MACF-6208",
				"SSG package_apparmor_installed", "SSG selinux_state", "SSG grub2_enable_selinux",
				"ComplianceEngine ApparmorProfileState"),
		.remediation = NULL,
		.description = "RHEL and Azure Linux: SELINUX=enforcing in /etc/selinux/config and no selinux=0 or "
			       "enforcing=0 on the kernel command line (/etc/default/grub, /etc/kernel/cmdline, "
			       "/boot/loader/entries). Debian, Ubuntu, SUSE: apparmor (apparmor-parser) installed and not "
			       "switched off on the command line, or SELinux enforcing; live, "
			       "/sys/module/apparmor/parameters/enabled is Y.",
		.run = agent_mac,
	},
};

CG_FAMILY(family_agent, "agent", "security and cloud agents", agent_checks);
