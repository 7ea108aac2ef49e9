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

static int agent_provisioning(struct cg_ctx *ctx, struct cg_result *r)
{
	struct dpkg_db db;
	struct units u;
	bool waagent, cloudinit;

	if (hsys_dpkg_load(ctx, r, &db) < 0)
		return 0;
	if (hsys_units_load(ctx, r, &u) < 0) {
		dpkg_free(&db);
		return 0;
	}
	waagent = (dpkg_installed(&db, "waagent") || dpkg_installed(&db, "walinuxagent")) &&
		  (hsys_unit_enabled(ctx, r, &u, "walinuxagent.service") || hsys_unit_enabled(ctx, r, &u, "waagent.service"));
	cloudinit = dpkg_installed(&db, "cloud-init") && hsys_unit_enabled(ctx, r, &u, "cloud-init.service") && cloudinit_has_azure(ctx, r);
	if (!waagent && !cloudinit)
		result_add_finding(r, "/var/lib/dpkg/status", 0, NULL, NULL,
				   "neither the Azure Linux agent (package waagent, walinuxagent.service) nor cloud-init "
				   "with the Azure datasource is installed and enabled; the VM would never report ready");
	units_free(&u);
	dpkg_free(&db);
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

/* AppArmor is on unless the kernel command line says apparmor=0 or another LSM is forced. */
static void grub_cmdline(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const files[] = {"/etc/default/grub"};
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned n = 0;
		char *cur, *l;
		if (hsys_read(ctx, r, files[i], &buf) < 0)
			continue;
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			n++;
			if (startswith(l, "GRUB_CMDLINE_LINUX") && (strstr(l, "apparmor=0") || strstr(l, "security=selinux")))
				result_add_finding(r, files[i], n, "cmdline", NULL,
						   "the kernel command line turns AppArmor off; remove apparmor=0");
		}
	}
}

static int agent_mac(struct cg_ctx *ctx, struct cg_result *r)
{
	struct dpkg_db db;
	_cleanup_free_ char *se = NULL;
	size_t len;

	/* SELinux images (rare on Debian): /etc/selinux/config SELINUX=enforcing is enough */
	if (hsys_read(ctx, r, "/etc/selinux/config", &se) == 0 && strstr(se, "\nSELINUX=enforcing"))
		return 0;
	if (hsys_dpkg_load(ctx, r, &db) < 0)
		return 0;
	if (!dpkg_installed(&db, "apparmor"))
		result_add_finding(r, "/var/lib/dpkg/status", 0, "apparmor", NULL,
				   "no mandatory access control: the apparmor package is not installed (and SELinux is "
				   "not enforcing); install apparmor");
	else
		grub_cmdline(ctx, r);
	dpkg_free(&db);
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
		.refs = CG_REFS("CIS 1.6.1.1", "Lynis MACF-6208", "SSG package_apparmor_installed",
				"ComplianceEngine ApparmorProfileState"),
		.remediation = NULL,
		.description = "apparmor installed and not switched off on the kernel command line (/etc/default/grub), or "
			       "SELinux enforcing; live, /sys/module/apparmor/parameters/enabled is Y.",
		.run = agent_mac,
	},
};

CG_FAMILY(family_agent, "agent", "security and cloud agents", agent_checks);
