/* SPDX-License-Identifier: Apache-2.0 */
/* net.*: network stack sysctls, judged on the persisted configuration in systemd-sysctl's order
 * (what the VM boots with) and, live, on the running kernel. CIS §3.2–3.3, dev-sec sysctl-01..20. */
#include "families.h"
#include "hsys.h"

/* Defaults: the 6.1 kernel's devinet/addrconf tables (conf.default.accept_source_route is 1). */
static const struct sysctl_rule forward_rules[] = {
	{"net.ipv4.ip_forward", WANT_EQ, 0, 0},
	{"net.ipv6.conf.all.forwarding", WANT_EQ, 0, 0},
};
static const struct sysctl_rule redirect_rules[] = {
	{"net.ipv4.conf.all.accept_redirects", WANT_EQ, 0, 1},
	{"net.ipv4.conf.default.accept_redirects", WANT_EQ, 0, 1},
	{"net.ipv4.conf.all.secure_redirects", WANT_EQ, 0, 1},
	{"net.ipv4.conf.default.secure_redirects", WANT_EQ, 0, 1},
	{"net.ipv4.conf.all.send_redirects", WANT_EQ, 0, 1},
	{"net.ipv4.conf.default.send_redirects", WANT_EQ, 0, 1},
	{"net.ipv6.conf.all.accept_redirects", WANT_EQ, 0, 1},
	{"net.ipv6.conf.default.accept_redirects", WANT_EQ, 0, 1},
};
static const struct sysctl_rule source_route_rules[] = {
	{"net.ipv4.conf.all.accept_source_route", WANT_EQ, 0, 0},
	{"net.ipv4.conf.default.accept_source_route", WANT_EQ, 0, 1},
	{"net.ipv6.conf.all.accept_source_route", WANT_EQ, 0, 0},
	{"net.ipv6.conf.default.accept_source_route", WANT_EQ, 0, 0},
};
static const struct sysctl_rule hygiene_rules[] = {
	{"net.ipv4.conf.all.rp_filter", WANT_EQ, 1, 0},
	{"net.ipv4.conf.default.rp_filter", WANT_EQ, 1, 0},
	{"net.ipv4.tcp_syncookies", WANT_EQ, 1, 1},
	{"net.ipv4.conf.all.log_martians", WANT_EQ, 1, 0},
	{"net.ipv4.conf.default.log_martians", WANT_EQ, 1, 0},
	{"net.ipv4.icmp_echo_ignore_broadcasts", WANT_EQ, 1, 1},
	{"net.ipv4.icmp_ignore_bogus_error_responses", WANT_EQ, 1, 1},
};

static int net_ip_forwarding(struct cg_ctx *ctx, struct cg_result *r)
{
	/* container and Kubernetes hosts route by design: the policy opt-out */
	if (hsys_cfg_bool(ctx, "allow_ip_forwarding", false)) {
		result_skip(r, "hardening.allow_ip_forwarding is true in the configuration");
		return 0;
	}
	return hsys_sysctl_check(ctx, r, forward_rules, ELEMENTSOF(forward_rules));
}

static int net_redirects(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, redirect_rules, ELEMENTSOF(redirect_rules));
}

static int net_source_route(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, source_route_rules, ELEMENTSOF(source_route_rules));
}

static int net_ipv4_hygiene(struct cg_ctx *ctx, struct cg_result *r)
{
	return hsys_sysctl_check(ctx, r, hygiene_rules, ELEMENTSOF(hygiene_rules));
}

static const struct cg_check net_checks[] = {
	{
		.id = "net.ip-forwarding",
		.title = "the image does not route packets",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.2.2", "Lynis KRNL-6000", "SSG sysctl_net_ipv4_ip_forward",
				"SSG sysctl_net_ipv6_conf_all_forwarding", "dev-sec sysctl-01", "dev-sec sysctl-19"),
		.remediation = "sysctl-dropin",
		.description = "net.ipv4.ip_forward and net.ipv6.conf.all.forwarding must be 0. Hosts that route on "
			       "purpose (containers, Kubernetes) set hardening.allow_ip_forwarding.",
		.run = net_ip_forwarding,
	},
	{
		.id = "net.redirects",
		.title = "ICMP redirects are neither accepted nor sent",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.2.1", "CIS 3.3.2", "CIS 3.3.3", "ASB PacketRedirectSendingIsDisabled",
				"ASB IcmpRedirectsIsDisabled", "SSG sysctl_net_ipv4_conf_all_accept_redirects",
				"dev-sec sysctl-14", "dev-sec sysctl-15", "dev-sec sysctl-16", "dev-sec sysctl-20"),
		.remediation = "sysctl-dropin",
		.description = "accept_redirects, secure_redirects and send_redirects are 0 for all and default, IPv4 "
			       "and IPv6 (the kernel defaults are 1).",
		.run = net_redirects,
	},
	{
		.id = "net.source-route",
		.title = "source-routed packets are refused",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.3.1", "ASB SourceRoutedPacketsIsDisabled", "ASB AcceptingSourceRoutedPacketsIsDisabled",
				"SSG sysctl_net_ipv4_conf_all_accept_source_route", "dev-sec sysctl-13"),
		.remediation = "sysctl-dropin",
		.description = "accept_source_route is 0 for all and default, IPv4 and IPv6 (the kernel's IPv4 default "
			       "for new interfaces is 1).",
		.run = net_source_route,
	},
	{
		.id = "net.ipv4-hygiene",
		.title = "reverse-path filtering, SYN cookies, martian logging, ICMP hygiene",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 3.3.4-3.3.8", "ASB ReversePathSourceValidationIsEnabled", "ASB TcpSynCookiesAreEnabled",
				"ASB MartianPacketLoggingIsEnabled", "SSG sysctl_net_ipv4_tcp_syncookies", "dev-sec sysctl-02",
				"dev-sec sysctl-11", "dev-sec sysctl-17"),
		.remediation = "sysctl-dropin",
		.description = "rp_filter = 1 and log_martians = 1 (all, default), tcp_syncookies = 1, "
			       "icmp_echo_ignore_broadcasts = 1, icmp_ignore_bogus_error_responses = 1.",
		.run = net_ipv4_hygiene,
	},
};

CG_FAMILY(family_net, "net", "network stack sysctls", net_checks);
