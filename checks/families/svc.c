/* SPDX-License-Identifier: Apache-2.0 */
/* svc.*: services and ports a golden image must not ship: legacy remote access packages, daemons
 * enabled at boot (offline: unit links; live: also systemd's state), MTA exposure, listeners. */
#include "families.h"
#include "hsys.h"
#include "imgfile.h"
#include "modprobe.h"

#include <arpa/inet.h>
#include <fcntl.h>

static int svc_legacy_remote_access(struct cg_ctx *ctx, struct cg_result *r)
{
	/* CIS 2.1.1, 2.2.17, 2.3.x; Debian's names, then RHEL's, SUSE's and Azure Linux's */
	static const char *const pkgs[] = {
		"openbsd-inetd", "inetutils-inetd", "rlinetd", "xinetd", "telnetd", "inetutils-telnetd", "telnetd-ssl",
		"telnet", "inetutils-telnet", "rsh-server", "rsh-redone-server", "rsh-client", "rsh-redone-client",
		"talk", "talkd", "inetutils-talk", "inetutils-talkd", "tftpd", "tftpd-hpa", "atftpd", "nis", "ypserv",
		"telnet-server", "rsh", "talk-server", "tftp-server", "ypbind", "yp-tools", NULL,
	};
	struct hsys_pkgs pk;

	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	for (size_t i = 0; pkgs[i]; i++) {
		const char *const one[] = {pkgs[i], NULL};
		struct hsys_pkg p;
		if (hsys_pkg_find(&pk, one, &p) && !hsys_cfg_list_match(ctx, "allow_packages", p.name))
			result_add_finding(r, pk.path, p.line, p.name, p.version,
					   "package '%s' %s is installed: plain-text remote access or RPC service; remove it "
					   "(%s %s)", p.name, p.version ? p.version : "",
					   pk.rpm ? "dnf remove, or zypper remove," : "apt-get purge", p.name);
	}
	return 0;
}

/* Daemons a golden image has no business starting (CIS 2.2.x, ASB); the unit names of Debian. */
static const char *const unneeded_units[] = {
	"avahi-daemon.service", "avahi-daemon.socket", "cups.service", "cups.socket", "cups-browsed.service",
	"isc-dhcp-server.service", "isc-dhcp-server6.service", "slapd.service", "named.service", "bind9.service",
	"dovecot.service", "dovecot.socket", "smbd.service", "nmbd.service", "samba-ad-dc.service", "squid.service",
	"snmpd.service", "rsync.service", "vsftpd.service", "proftpd.service", "apache2.service", "nginx.service",
	"lighttpd.service", "rpcbind.service", "rpcbind.socket", "nfs-server.service", "nfs-kernel-server.service",
	"ypserv.service", "xinetd.service", "inetd.service", "telnet.socket", "tftpd-hpa.service",
};

static int svc_unneeded_daemons(struct cg_ctx *ctx, struct cg_result *r)
{
	struct units u;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(unneeded_units); i++) {
		const char *name = unneeded_units[i];
		struct unit_info info;
		if (hsys_cfg_list_match(ctx, "allow_services", name))
			continue;
		if (hsys_unit_starts(ctx, r, &u, name, &info)) {
			result_add_finding(r, info.enabled_by, 0, name, NULL,
					   "'%s' is enabled (started at boot by this link); disable it "
					   "(systemctl --root=/ disable %s) or mask it, or allow it in hardening.allow_services",
					   name, name);
			unit_info_free(&info);
		} else if (hsys_unit_active_live(ctx, name))
			result_add_finding(r, "/run/systemd", 0, name, NULL,
					   "'%s' is running now though not enabled; stop it before capture", name);
	}
	units_free(&u);
	return 0;
}

/* Postfix: inet_interfaces (main.cf, last assignment wins; default "all"). */
static void postfix_judge(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *buf = NULL, *val = NULL;
	size_t len;
	unsigned line = 0, at = 0;
	char *cur, *l;
	int e = imgfile_read(&ctx->fs, "/etc/postfix/main.cf", 4 << 20, &buf, &len);

	if (e < 0 && e != -ENOENT) {
		result_add_error(r, "/etc/postfix/main.cf", e, "cannot read");
		return;
	}
	cur = buf;
	while (e == 0 && (l = imgfile_next_line(&cur))) {
		line++;
		if (!startswith(l, "inet_interfaces"))
			continue;
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		free(val);
		val = xstrdup(imgfile_strip(eq + 1));
		at = line;
	}
	if (val && (streq(val, "loopback-only") || streq(val, "localhost") || streq(val, "127.0.0.1") ||
		    streq(val, "127.0.0.1, [::1]") || streq(val, "[::1]")))
		return;
	result_add_finding(r, "/etc/postfix/main.cf", at, "postfix", val ? val : "all",
			   "postfix listens on inet_interfaces = %s; set 'inet_interfaces = loopback-only'",
			   val ? val : "all (default)");
}

/* Exim (Debian's debconf-generated update-exim4.conf.conf): dc_local_interfaces. */
static void exim_judge(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *buf = NULL, *val = NULL;
	size_t len;
	unsigned line = 0, at = 0;
	char *cur, *l;
	int e = imgfile_read(&ctx->fs, "/etc/exim4/update-exim4.conf.conf", 1 << 20, &buf, &len);

	if (e < 0) {
		if (e != -ENOENT)
			result_add_error(r, "/etc/exim4/update-exim4.conf.conf", e, "cannot read");
		return;
	}
	cur = buf;
	while ((l = imgfile_next_line(&cur))) {
		line++;
		if (!startswith(l, "dc_local_interfaces="))
			continue;
		free(val);
		val = xstrdup(l + strlen("dc_local_interfaces="));
		at = line;
		/* strip quotes */
		char *s = val;
		size_t n = strlen(s);
		if (n >= 2 && (s[0] == '\'' || s[0] == '"')) {
			memmove(s, s + 1, n - 2);
			s[n - 2] = 0;
		}
	}
	bool loopback = val && *val;
	if (val) {
		_cleanup_free_ char *c = xstrdup(val);
		char *save = NULL;
		for (char *t = strtok_r(c, " ;", &save); t; t = strtok_r(NULL, " ;", &save))
			loopback &= streq(t, "127.0.0.1") || streq(t, "::1");
	}
	if (!loopback)
		result_add_finding(r, "/etc/exim4/update-exim4.conf.conf", at, "exim4", val ? val : "",
				   "exim listens on '%s'; set dc_local_interfaces='127.0.0.1 ; ::1'",
				   val && *val ? val : "every interface");
}

static int svc_mta_local_only(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const exim[] = {"exim4-daemon-light", "exim4-daemon-heavy", "exim", NULL};
	struct hsys_pkgs pk;
	struct hsys_pkg p;

	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	if (hsys_pkg_has(&pk, "postfix"))
		postfix_judge(ctx, r);
	if (hsys_pkg_find(&pk, exim, &p))
		exim_judge(ctx, r);
	return 0;
}

/* Live: /proc/net/{tcp,tcp6,udp,udp6}. TCP state 0A is LISTEN; UDP 07 is an unconnected socket. */
static void listen_scan(struct cg_ctx *ctx, struct cg_result *r, const char *file, bool v6, bool tcp)
{
	_cleanup_free_ char *buf = NULL, *path = xasprintf("/proc/net/%s", file);
	size_t len;
	char *cur, *l;
	int fd = open(path, O_RDONLY | O_CLOEXEC); /* the running kernel's table, not the image */

	if (fd < 0) {
		if (errno != ENOENT) /* no such table: the protocol is off in this kernel */
			result_add_error(r, path, -errno, "cannot open");
		return;
	}
	int e = safefs_read_fd(fd, 16 << 20, &buf, &len);
	close(fd);
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	cur = buf;
	imgfile_next_line(&cur); /* header */
	while ((l = imgfile_next_line(&cur))) {
		char local[64], remote[64], st[8];
		unsigned port;
		char addr[INET6_ADDRSTRLEN] = "";
		if (sscanf(l, "%*s %63s %63s %7s", local, remote, st) != 3)
			continue;
		if (!streq(st, tcp ? "0A" : "07"))
			continue;
		char *colon = strrchr(local, ':');
		if (!colon)
			continue;
		*colon = 0;
		port = (unsigned)strtoul(colon + 1, NULL, 16);
		/* addresses are 32-bit words in host order, printed in hex */
		unsigned char raw[16] = {0};
		size_t words = v6 ? 4 : 1;
		for (size_t w = 0; w < words; w++) {
			char hex[9] = {0};
			memcpy(hex, local + w * 8, 8);
			unsigned int word = (unsigned int)strtoul(hex, NULL, 16);
			memcpy(raw + w * 4, &word, 4);
		}
		inet_ntop(v6 ? AF_INET6 : AF_INET, raw, addr, sizeof addr);
		bool loop = v6 ? streq(addr, "::1") || startswith(addr, "::ffff:127.") : startswith(addr, "127.");
		if (loop)
			continue;
		char spec[32];
		snprintf(spec, sizeof spec, "%u/%s", port, tcp ? "tcp" : "udp");
		if (hsys_cfg_list_match(ctx, "allow_listen", spec))
			continue;
		/* default allow-list: sshd, the DHCP clients */
		if (streq(spec, "22/tcp") || streq(spec, "68/udp") || streq(spec, "546/udp"))
			continue;
		result_add_finding(r, path, 0, spec, addr,
				   "a socket listens on %s port %s beyond loopback; stop the service or allow it in "
				   "hardening.allow_listen", addr, spec);
	}
}

static int svc_listening_sockets(struct cg_ctx *ctx, struct cg_result *r)
{
	listen_scan(ctx, r, "tcp", false, true);
	listen_scan(ctx, r, "tcp6", true, true);
	listen_scan(ctx, r, "udp", false, false);
	listen_scan(ctx, r, "udp6", true, false);
	return 0;
}

static int svc_time_sync(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const units_ok[] = {"systemd-timesyncd.service", "chrony.service", "chronyd.service",
					       "ntpsec.service", "ntp.service", "openntpd.service"};
	struct units u;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(units_ok); i++) {
		struct unit_info info;
		if (hsys_unit_starts(ctx, r, &u, units_ok[i], &info)) {
			unit_info_free(&info);
			units_free(&u);
			return 0;
		}
	}
	units_free(&u);
	result_add_finding(r, "/etc/systemd/system", 0, NULL, NULL,
			   "no time synchronisation is enabled (systemd-timesyncd, chrony, ntpsec, openntpd); install "
			   "and enable one (on Azure: chrony with the Hyper-V PTP clock)");
	return 0;
}

static int svc_removable_media(struct cg_ctx *ctx, struct cg_result *r)
{
	struct units u;
	struct unit_info info;
	struct modprobe_conf conf;
	struct modprobe_modules mods;
	_cleanup_free_ char *where = NULL;
	int e;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	if (hsys_unit_starts(ctx, r, &u, "autofs.service", &info)) {
		result_add_finding(r, info.enabled_by, 0, "autofs", NULL,
				   "autofs is enabled and mounts removable media automatically; disable it");
		unit_info_free(&info);
	}
	units_free(&u);
	e = modprobe_modules_load(&ctx->fs, &mods, &where);
	if (e < 0)
		result_add_error(r, where, e, "cannot read the kernel module lists");
	if (e < 0 || !mods.nkernels || !modprobe_modules_has(&mods, "usb_storage")) {
		modprobe_modules_free(&mods);
		return 0;
	}
	e = modprobe_load(&ctx->fs, &conf, &where);
	if (e < 0)
		result_add_error(r, where, e, "cannot read the modprobe configuration");
	if (e == 0) {
		const struct modprobe_rule *inst = modprobe_install(&conf, "usb-storage");
		if (!inst || !modprobe_command_disables(inst->command))
			result_add_finding(r, inst ? inst->path : "/etc/modprobe.d", inst ? inst->line : 0, "usb-storage", NULL,
					   "usb-storage can be loaded; add 'install usb-storage /bin/false' to "
					   "/etc/modprobe.d/60-capgate.conf");
		modprobe_free(&conf);
	}
	modprobe_modules_free(&mods);
	return 0;
}

static const struct cg_check svc_checks[] = {
	{
		.id = "svc.legacy-remote-access",
		.title = "no inetd, telnet, rsh, talk, tftp or NIS packages",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 2.1.1", "CIS 2.2.17", "CIS 2.3.2-2.3.4", "ASB AllTelnetdPackagesUninstalled",
				"ASB RshServerNotInstalled", "ASB TftpdNotInstalled", "Lynis INSE-8000", "SSG package_telnetd_removed",
				"SSG package_rsh_removed", "dev-sec package-01", "dev-sec package-02", "dev-sec package-03"),
		.remediation = "purge-package",
		.description = "Installed packages (dpkg status, state installed or half-installed) from the list of "
			       "plain-text remote access and legacy RPC services. hardening.allow_packages exempts names.",
		.run = svc_legacy_remote_access,
	},
	{
		.id = "svc.unneeded-daemons",
		.title = "no unneeded network daemons start at boot",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 2.2.3-2.2.14", "ASB AvahiDaemonServiceIsDisabled", "ASB CupsServiceisDisabled",
				"ASB SnmpServerIsDisabled", "ASB RsynServiceIsDisabled", "Lynis BOOT-5177",
				"SSG service_avahi-daemon_disabled", "SSG service_cups_disabled"),
		.remediation = "disable-unit",
		.description = "avahi, cups, DHCP/LDAP/DNS/IMAP/SMB/proxy/SNMP/rsync/FTP/web servers, rpcbind and NFS: "
			       "enabled when a .wants/.requires link or an Alias link names the unit (as systemctl "
			       "is-enabled decides), not masked. Live, a running unit counts too (sd-bus). "
			       "hardening.allow_services exempts unit names (globs).",
		.run = svc_unneeded_daemons,
	},
	{
		.id = "svc.mta-local-only",
		.title = "a mail transfer agent listens on loopback only",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 2.2.15", "ASB PostfixNetworkListeningIsDisabled", "SSG postfix_network_listening_disabled"),
		.remediation = "mta-loopback",
		.description = "Postfix inet_interfaces (last assignment in main.cf, default all) must be loopback-only; "
			       "Exim's dc_local_interfaces must name loopback addresses only.",
		.run = svc_mta_local_only,
	},
	{
		.id = "svc.listening-sockets",
		.title = "nothing but allowed services listens beyond loopback",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_LIVE,
		.refs = CG_REFS("Lynis NETW-3012", "ComplianceEngine FirewallOpenPorts"),
		.remediation = NULL,
		.description = "Live only: TCP listeners and unconnected UDP sockets in /proc/net on non-loopback "
			       "addresses. Allowed by default: 22/tcp (sshd), 68/udp and 546/udp (DHCP clients); "
			       "hardening.allow_listen adds \"port/proto\" globs. Offline, svc.unneeded-daemons judges "
			       "what would start.",
		.run = svc_listening_sockets,
	},
	{
		.id = "svc.time-sync",
		.title = "time synchronisation is enabled",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 2.1.1.1", "Lynis TIME-3104", "SSG service_timesyncd_enabled", "SSG service_chronyd_or_ntpd_enabled"),
		.remediation = NULL,
		.description = "One of systemd-timesyncd, chrony, ntpsec/ntp or openntpd is enabled.",
		.run = svc_time_sync,
	},
	{
		.id = "svc.removable-media",
		.title = "removable media are not mounted automatically",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 1.1.23", "CIS 1.1.24", "ASB AutomountingDisabled", "ASB MountingOfUsbStorageDevicesIsDisabled",
				"Lynis USB-1000", "SSG service_autofs_disabled", "SSG kernel_module_usb-storage_disabled"),
		.remediation = "modprobe-dropin",
		.description = "autofs is not enabled, and usb-storage has 'install usb-storage /bin/false' when a kernel "
			       "of the image ships it.",
		.run = svc_removable_media,
	},
};

CG_FAMILY(family_svc, "svc", "services and listening ports", svc_checks);
