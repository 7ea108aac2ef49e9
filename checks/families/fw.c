/* SPDX-License-Identifier: Apache-2.0 */
/* fw.*: the host firewall an image boots with, read from its persisted rules (nftables.conf,
 * iptables-persistent rules.v4/v6, ufw, firewalld) and the units that load them. */
#include "families.h"
#include "fwzone.h"
#include "hsys.h"
#include "imgdir.h"
#include "imgfile.h"

#define FW_MAX_FILE (8 << 20)

struct fw_state {
	bool nft, iptables, ufw, firewalld; /* installed and enabled at boot */
	char *nft_conf, *rules_v4, *rules_v6, *ufw_default, *ufw_conf, *ufw_user, *ufw_user6;
};

static char *read_opt(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	char *buf = NULL;
	size_t len;
	int e = imgfile_read(&ctx->fs, path, FW_MAX_FILE, &buf, &len);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot read");
	return e < 0 ? NULL : buf;
}

static int fw_load(struct cg_ctx *ctx, struct cg_result *r, struct fw_state *fw)
{
	struct units u;

	*fw = (struct fw_state){0};
	if (hsys_units_load(ctx, r, &u) < 0)
		return -EIO;
	fw->nft_conf = read_opt(ctx, r, "/etc/nftables.conf");
	fw->rules_v4 = read_opt(ctx, r, "/etc/iptables/rules.v4");
	fw->rules_v6 = read_opt(ctx, r, "/etc/iptables/rules.v6");
	fw->ufw_default = read_opt(ctx, r, "/etc/default/ufw");
	fw->ufw_conf = read_opt(ctx, r, "/etc/ufw/ufw.conf");
	fw->ufw_user = read_opt(ctx, r, "/etc/ufw/user.rules");
	fw->ufw_user6 = read_opt(ctx, r, "/etc/ufw/user6.rules");
	fw->nft = fw->nft_conf && hsys_unit_enabled(ctx, r, &u, "nftables.service");
	fw->iptables = (fw->rules_v4 || fw->rules_v6) && hsys_unit_enabled(ctx, r, &u, "netfilter-persistent.service");
	fw->ufw = fw->ufw_conf && strstr(fw->ufw_conf, "\nENABLED=yes") && hsys_unit_enabled(ctx, r, &u, "ufw.service");
	fw->firewalld = hsys_unit_enabled(ctx, r, &u, "firewalld.service");
	units_free(&u);
	return 0;
}

static void fw_free(struct fw_state *fw)
{
	free(fw->nft_conf), free(fw->rules_v4), free(fw->rules_v6), free(fw->ufw_default), free(fw->ufw_conf);
	free(fw->ufw_user), free(fw->ufw_user6);
}

static int fw_present_enabled(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fw_state fw;

	if (fw_load(ctx, r, &fw) < 0)
		return 0;
	if (!fw.nft && !fw.iptables && !fw.ufw && !fw.firewalld)
		result_add_finding(r, "/etc/systemd/system", 0, NULL, NULL,
				   "no host firewall loads at boot (nftables.service with /etc/nftables.conf, "
				   "netfilter-persistent with rules.v4/v6, ufw ENABLED=yes, firewalld); enable one, or "
				   "skip this check where network security groups are the policy");
	fw_free(&fw);
	return 0;
}

/* The policy of the nft base chain hooked at HOOK ("input"/"output"); "accept" when none says. */
static const char *nft_policy(const char *conf, const char *hook, unsigned *line)
{
	const char *p = conf;
	_cleanup_free_ char *needle = xasprintf("hook %s", hook);

	*line = 0;
	while ((p = strstr(p, needle))) {
		const char *end = strchr(p, '}'), *pol = strstr(p, "policy");
		*line = 1;
		for (const char *q = conf; q < p; q++)
			*line += *q == '\n';
		if (pol && (!end || pol < end)) {
			pol += 6;
			while (*pol == ' ' || *pol == '\t')
				pol++;
			return startswith(pol, "drop") ? "drop" : startswith(pol, "reject") ? "reject" : "accept";
		}
		p += strlen(needle);
	}
	return "accept";
}

/* iptables-save format: ":INPUT DROP [0:0]" */
static const char *ipt_policy(const char *rules, const char *chain, unsigned *line)
{
	_cleanup_free_ char *needle = xasprintf("\n:%s ", chain);
	const char *p = rules ? strstr(rules, needle) : NULL;

	*line = 0;
	if (!p)
		return "ACCEPT";
	for (const char *q = rules; q <= p; q++)
		*line += *q == '\n';
	*line += 1;
	p += strlen(needle);
	return startswith(p, "DROP") ? "DROP" : startswith(p, "REJECT") ? "REJECT" : "ACCEPT";
}

static char *shell_var(const char *text, const char *name)
{
	_cleanup_free_ char *needle = xasprintf("\n%s=", name);
	_cleanup_free_ char *t = xasprintf("\n%s", text ? text : "");
	const char *p = strstr(t, needle);
	if (!p)
		return NULL;
	p += strlen(needle);
	size_t n = strcspn(p, "\n");
	char *v = xstrndup(p, n);
	char *s = v;
	if (*s == '"' || *s == '\'') {
		memmove(s, s + 1, strlen(s));
		s[strcspn(s, "\"'")] = 0;
	}
	return v;
}

/* firewalld's default zone, loaded; a parse error or an unknown zone is said on R. 0 or -errno. */
static int firewalld_default_zone(struct cg_ctx *ctx, struct cg_result *r, struct fwzone *z, unsigned *conf_line)
{
	_cleanup_free_ char *name = NULL;
	int e = fwzone_default(&ctx->fs, &name, conf_line);

	*z = (struct fwzone){0};
	if (e < 0) {
		result_add_error(r, FWZONE_CONF, e, "cannot read");
		return e;
	}
	e = fwzone_load(&ctx->fs, name, z);
	if (e == -ENOENT || e == -EINVAL) {
		/* firewalld falls back to public (and logs it) for a default zone it does not know */
		result_add_finding(r, FWZONE_CONF, *conf_line, "unknown-zone", name,
				   "DefaultZone '%s' names no zone in %s or %s; firewalld falls back to 'public'",
				   name, FWZONE_ETC, FWZONE_USR);
		e = fwzone_load(&ctx->fs, "public", z);
	}
	if (e < 0) {
		result_add_error(r, FWZONE_ETC, e, "cannot read the default zone");
		return e;
	}
	if (z->error)
		result_add_error(r, z->path, -EBADMSG, "%s", z->error);
	return 0;
}

static void firewalld_default_deny(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fwzone z;
	unsigned conf_line;

	if (firewalld_default_zone(ctx, r, &z, &conf_line) == 0 && fwzone_accepts_all(&z)) {
		if (z.path)
			result_add_finding(r, z.path, z.target_line, "firewalld", z.target,
					   "the default zone '%s' has target ACCEPT: every packet no rule matched is let "
					   "in; use a zone whose target is default, DROP or REJECT", z.name);
		else
			result_add_finding(r, FWZONE_CONF, conf_line, "firewalld", z.name,
					   "the default zone is '%s', which accepts every packet; set DefaultZone=public "
					   "(or drop) and open what is needed", z.name);
	}
	fwzone_free(&z);
}

static int fw_default_deny(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fw_state fw;
	unsigned line;

	if (fw_load(ctx, r, &fw) < 0)
		return 0;
	if (fw.nft) {
		const char *pol = nft_policy(fw.nft_conf, "input", &line);
		if (streq(pol, "accept"))
			result_add_finding(r, "/etc/nftables.conf", line, "nftables", pol,
					   "the input chain's policy is accept; set 'policy drop' and allow what is needed");
	} else if (fw.iptables) {
		if (fw.rules_v4 && streq(ipt_policy(fw.rules_v4, "INPUT", &line), "ACCEPT"))
			result_add_finding(r, "/etc/iptables/rules.v4", line, "iptables", "ACCEPT",
					   "the INPUT chain's policy is ACCEPT; set ':INPUT DROP' with explicit allows");
		if (fw.rules_v6 && streq(ipt_policy(fw.rules_v6, "INPUT", &line), "ACCEPT"))
			result_add_finding(r, "/etc/iptables/rules.v6", line, "ip6tables", "ACCEPT",
					   "the INPUT chain's policy is ACCEPT; set ':INPUT DROP' with explicit allows");
	} else if (fw.ufw) {
		_cleanup_free_ char *pol = shell_var(fw.ufw_default, "DEFAULT_INPUT_POLICY");
		if (pol && streq(pol, "ACCEPT"))
			result_add_finding(r, "/etc/default/ufw", 0, "ufw", pol,
					   "ufw's DEFAULT_INPUT_POLICY is ACCEPT; set it to DROP");
	} else if (fw.firewalld) {
		firewalld_default_deny(ctx, r);
	} else
		result_add_finding(r, "/etc/systemd/system", 0, NULL, NULL,
				   "no firewall loads at boot, so nothing denies inbound traffic by default");
	fw_free(&fw);
	return 0;
}

/* A rule that accepts every inbound packet: "-A INPUT -j ACCEPT" with nothing else, an nft
 * input-chain line that is only "accept", a ufw tuple allowing any port from anywhere. */
static void ipt_any_any(struct cg_result *r, const char *path, const char *rules)
{
	_cleanup_free_ char *buf = rules ? xstrdup(rules) : NULL;
	char *cur = buf, *l;
	unsigned line = 0;

	while (cur && (l = imgfile_next_line(&cur))) {
		line++;
		if (streq(imgfile_strip(l), "-A INPUT -j ACCEPT"))
			result_add_finding(r, path, line, "accept-all", l,
					   "the INPUT chain accepts every packet; remove the rule or narrow it");
	}
}

static void nft_any_any(struct cg_result *r, const char *conf)
{
	_cleanup_free_ char *buf = xstrdup(conf);
	char *cur = buf, *l;
	unsigned line = 0;
	bool in_input = false;

	while ((l = imgfile_next_line(&cur))) {
		line++;
		l = imgfile_strip(l);
		if (strstr(l, "hook input"))
			in_input = true;
		else if (startswith(l, "chain "))
			in_input = false;
		else if (in_input && streq(l, "accept"))
			result_add_finding(r, "/etc/nftables.conf", line, "accept-all", l,
					   "the input chain accepts every packet with a bare 'accept'; remove or narrow it");
	}
}

static void ufw_any_any(struct cg_result *r, const char *path, const char *rules)
{
	_cleanup_free_ char *buf = rules ? xstrdup(rules) : NULL;
	char *cur = buf, *l;
	unsigned line = 0;

	while (cur && (l = imgfile_next_line(&cur))) {
		line++;
		/* "### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in" = ufw allow from any */
		if (startswith(l, "### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in") ||
		    startswith(l, "### tuple ### allow any any ::/0 any ::/0 in"))
			result_add_finding(r, path, line, "ufw-allow-any", NULL,
					   "ufw allows every port from anywhere (a build-time 'ufw allow from any'?); delete "
					   "the rule");
	}
}

static void report_open(struct cg_result *r, const struct fwzone *z)
{
	for (size_t i = 0; i < z->nopen; i++)
		result_add_finding(r, z->path, z->open[i].line, "firewalld-open", z->open[i].what,
				   "zone '%s' opens '%s' to every source; narrow it", z->name, z->open[i].what);
}

/* Every zone of /etc/firewalld/zones (the admin's, where a build leaves its changes) and the
 * default zone: a port range of every port, or a rich rule that accepts from anywhere. */
static void firewalld_any_any(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv names = {0};
	struct fwzone z;
	unsigned conf_line;
	_cleanup_free_ char *where = NULL;
	int e = imgdir_glob(&ctx->fs, FWZONE_ETC "/*.xml", &names, &where);

	if (e < 0 && e != -ENOENT)
		result_add_error(r, where, e, "cannot list");
	if (firewalld_default_zone(ctx, r, &z, &conf_line) == 0 && z.name) {
		_cleanup_free_ char *p = xasprintf("%s/%s.xml", FWZONE_ETC, z.name);
		bool listed = false;
		for (size_t i = 0; i < names.n && !listed; i++)
			listed = streq(names.v[i], p);
		if (!listed) /* else judged with the others below */
			report_open(r, &z);
	}
	fwzone_free(&z);
	for (size_t i = 0; i < names.n; i++) {
		const char *base = strrchr(names.v[i], '/') + 1;
		_cleanup_free_ char *name = xstrndup(base, strlen(base) - strlen(".xml"));
		e = fwzone_load(&ctx->fs, name, &z);
		if (e < 0 && e != -ENOENT && e != -EINVAL)
			result_add_error(r, names.v[i], e, "cannot read");
		else if (e == 0 && z.error)
			result_add_error(r, names.v[i], -EBADMSG, "%s", z.error);
		if (e == 0)
			report_open(r, &z);
		fwzone_free(&z);
	}
	strv_free(&names);
}

static int fw_no_open_any_any(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fw_state fw;

	if (fw_load(ctx, r, &fw) < 0)
		return 0;
	ipt_any_any(r, "/etc/iptables/rules.v4", fw.rules_v4);
	ipt_any_any(r, "/etc/iptables/rules.v6", fw.rules_v6);
	if (fw.nft_conf)
		nft_any_any(r, fw.nft_conf);
	ufw_any_any(r, "/etc/ufw/user.rules", fw.ufw_user);
	ufw_any_any(r, "/etc/ufw/user6.rules", fw.ufw_user6);
	if (fw.firewalld)
		firewalld_any_any(ctx, r);
	fw_free(&fw);
	return 0;
}

/* Azure: the agent talks to the wireserver (168.63.129.16) and IMDS (169.254.169.254). A default-deny
 * output policy must allow both, and no rule may drop them. */
static void azure_judge(struct cg_result *r, const char *path, const char *rules, bool deny_default, unsigned line)
{
	static const char *const endpoints[] = {"168.63.129.16", "169.254.169.254"};
	_cleanup_free_ char *buf = rules ? xstrdup(rules) : NULL;
	char *cur = buf, *l;
	unsigned n = 0;
	bool allowed[2] = {false, false};

	while (cur && (l = imgfile_next_line(&cur))) {
		n++;
		for (size_t i = 0; i < 2; i++) {
			if (!strstr(l, endpoints[i]))
				continue;
			if (strstr(l, "DROP") || strstr(l, "REJECT") || strstr(l, " drop") || strstr(l, " reject"))
				result_add_finding(r, path, n, endpoints[i], NULL,
						   "a rule drops traffic to %s, which the Azure agent needs; remove it",
						   endpoints[i]);
			else if (strstr(l, "ACCEPT") || strstr(l, "accept"))
				allowed[i] = true;
		}
	}
	for (size_t i = 0; deny_default && i < 2; i++)
		if (!allowed[i])
			result_add_finding(r, path, line, endpoints[i], NULL,
					   "outbound traffic is denied by default and nothing allows %s (%s); provisioning and "
					   "the agent would fail", endpoints[i], i == 0 ? "wireserver" : "IMDS");
}

static int fw_azure_endpoints(struct cg_ctx *ctx, struct cg_result *r)
{
	struct fw_state fw;
	unsigned line = 0;

	if (fw_load(ctx, r, &fw) < 0)
		return 0;
	if (fw.nft) {
		bool deny = !streq(nft_policy(fw.nft_conf, "output", &line), "accept");
		azure_judge(r, "/etc/nftables.conf", fw.nft_conf, deny, line);
	}
	if (fw.iptables && fw.rules_v4) {
		bool deny = !streq(ipt_policy(fw.rules_v4, "OUTPUT", &line), "ACCEPT");
		azure_judge(r, "/etc/iptables/rules.v4", fw.rules_v4, deny, line);
	}
	if (fw.ufw) {
		_cleanup_free_ char *pol = shell_var(fw.ufw_default, "DEFAULT_OUTPUT_POLICY");
		azure_judge(r, "/etc/ufw/user.rules", fw.ufw_user, pol && !streq(pol, "ACCEPT"), 0);
	}
	fw_free(&fw);
	return 0;
}

static const struct cg_check fw_checks[] = {
	{
		.id = "fw.present-enabled",
		.title = "a host firewall loads at boot",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.5.1.1", "CIS 3.5.1.3", "Lynis FIRE-4512", "Lynis FIRE-4590", "SSG package_ufw_installed",
				"SSG service_ufw_enabled"),
		.remediation = NULL,
		.description = "nftables.service with /etc/nftables.conf, netfilter-persistent with rules.v4/v6, ufw "
			       "(ENABLED=yes and ufw.service) or firewalld is enabled. Images that rely on network "
			       "security groups skip it.",
		.run = fw_present_enabled,
	},
	{
		.id = "fw.default-deny",
		.title = "inbound traffic is denied by default",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.5.3.2.1", "ASB DefaultDenyFirewallPolicyIsSet", "Lynis FIRE-4508", "SSG set_iptables_default_rule"),
		.remediation = NULL,
		.description = "The persisted ruleset of the firewall that loads at boot has an input policy of drop "
			       "(nft 'policy drop', ':INPUT DROP', ufw DEFAULT_INPUT_POLICY=DROP; firewalld's default "
			       "zone from firewalld.conf, its XML in /etc/firewalld/zones over /usr/lib/firewalld/zones, "
			       "not target ACCEPT nor 'trusted'). Report only, as ASB: a wrong fix locks the VM out.",
		.run = fw_default_deny,
	},
	{
		.id = "fw.no-open-any-any",
		.title = "no rule accepts everything inbound",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis FIRE-4513", "SSG ufw_only_required_services"),
		.remediation = NULL,
		.description = "'-A INPUT -j ACCEPT' in rules.v4/v6, a bare 'accept' in the nft input chain, a ufw "
			       "'allow from any' tuple, a firewalld zone opening ports 1-65535 or with a rich rule that "
			       "accepts with nothing to narrow it: build-time leftovers that void the firewall.",
		.run = fw_no_open_any_any,
	},
	{
		.id = "fw.azure-endpoints",
		.title = "the firewall lets the Azure agent reach wireserver and IMDS",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Azure Linux agent requirements", "azure-docs create-upload-generic"),
		.remediation = NULL,
		.description = "Azure profile: with a default-deny output policy, 168.63.129.16 and 169.254.169.254 must be "
			       "allowed, and no rule may drop them; otherwise provisioning and extensions fail.",
		.run = fw_azure_endpoints,
	},
};

CG_FAMILY(family_fw, "fw", "host firewall", fw_checks);
