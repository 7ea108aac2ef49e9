/* SPDX-License-Identifier: Apache-2.0 */
/* log.* and audit.*: logging that survives a reboot, no remote log listener, log rotation, auditd
 * and its rules. journald's Storage= follows systemd's drop-in order (last wins). */
#include "families.h"
#include "hsys.h"
#include "imgfile.h"

#define LOG_MAX_FILE (4 << 20)

/* Storage= of journald.conf and journald.conf.d drop-ins (default "auto"), with where it was set. */
static char *journald_storage(struct cg_ctx *ctx, struct cg_result *r, char **where, unsigned *line)
{
	static const char *const dirs[] = {"/etc/systemd/journald.conf.d", "/run/systemd/journald.conf.d",
					   "/usr/lib/systemd/journald.conf.d"};
	char *v = hsys_systemd_setting(ctx, r, "/etc/systemd/journald.conf", dirs, ELEMENTSOF(dirs), "Storage", where, line);
	return v ? v : xstrdup("auto");
}

static bool journal_persistent(struct cg_ctx *ctx, struct cg_result *r, char **storage, char **where, unsigned *line)
{
	struct stat st;
	int e;

	*storage = journald_storage(ctx, r, where, line);
	if (streq(*storage, "persistent"))
		return true;
	if (!streq(*storage, "auto"))
		return false;
	/* auto: persistent when /var/log/journal exists (the scrub keeps the directory) */
	e = safefs_lstat(&ctx->fs, "/var/log/journal", &st);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, "/var/log/journal", e, "cannot stat");
	return e == 0 && S_ISDIR(st.st_mode);
}

static int log_journald_persistent(struct cg_ctx *ctx, struct cg_result *r)
{
	_cleanup_free_ char *storage = NULL, *where = NULL;
	unsigned line;

	if (!journal_persistent(ctx, r, &storage, &where, &line))
		result_add_finding(r, where, line, "Storage", storage,
				   "journald keeps logs in memory only (Storage=%s%s); set Storage=persistent or keep "
				   "/var/log/journal", storage, streq(storage, "auto") ? " and no /var/log/journal" : "");
	return 0;
}

static bool any_enabled(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hsys_unit_enabled(ctx, r, u, names[i]))
			return true;
	return false;
}

static int log_syslog(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const daemons[] = {"rsyslog.service", "syslog-ng.service", "busybox-syslogd.service"};
	_cleanup_free_ char *storage = NULL, *where = NULL;
	unsigned line;
	struct units u;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	if (!any_enabled(ctx, r, &u, daemons, ELEMENTSOF(daemons)) && !journal_persistent(ctx, r, &storage, &where, &line))
		result_add_finding(r, where, line, NULL, NULL,
				   "no syslog daemon is enabled and journald does not persist logs; enable rsyslog or "
				   "set journald Storage=persistent");
	units_free(&u);
	return 0;
}

/* rsyslog files: rsyslog.conf and rsyslog.d/\*.conf */
static void rsyslog_scan(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv files = {0};

	hsys_conf_files(ctx, r, "/etc/rsyslog.conf", "/etc/rsyslog.d", ".conf", &files);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		unsigned n = 0;
		char *cur, *l;
		int e = imgfile_read(&ctx->fs, files.v[i], LOG_MAX_FILE, &buf, &len);
		if (e < 0) {
			if (e != -ENOENT)
				result_add_error(r, files.v[i], e, "cannot read");
			continue;
		}
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			n++;
			l = imgfile_strip(l);
			if (*l == '#')
				continue;
			if (strstr(l, "imtcp") || strstr(l, "imudp") || strstr(l, "imrelp") || startswith(l, "$InputTCPServerRun") ||
			    startswith(l, "$UDPServerRun"))
				result_add_finding(r, files.v[i], n, "rsyslog", NULL,
						   "rsyslog accepts logs from the network ('%s'); remove it unless this is a "
						   "log server", l);
		}
	}
	strv_free(&files);
}

static int log_no_remote_listen(struct cg_ctx *ctx, struct cg_result *r)
{
	struct units u;
	struct unit_info info;

	rsyslog_scan(ctx, r);
	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	if (hsys_unit_starts(ctx, r, &u, "systemd-journal-remote.socket", &info) ||
	    hsys_unit_starts(ctx, r, &u, "systemd-journal-remote.service", &info)) {
		result_add_finding(r, info.enabled_by, 0, "journal-remote", NULL,
				   "systemd-journal-remote is enabled and receives logs from the network; disable it");
		unit_info_free(&info);
	}
	units_free(&u);
	return 0;
}

static int log_logrotate(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const names[] = {"logrotate.timer"};
	struct units u;

	if (hsys_units_load(ctx, r, &u) < 0)
		return 0;
	if (!any_enabled(ctx, r, &u, names, 1) && !imgfile_exists_or_error(&ctx->fs, r, "/etc/cron.daily/logrotate"))
		result_add_finding(r, "/etc/logrotate.conf", 0, NULL, NULL,
				   "logs are not rotated (no enabled logrotate.timer, no /etc/cron.daily/logrotate); "
				   "install logrotate");
	units_free(&u);
	return 0;
}

static int audit_auditd(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const names[] = {"auditd.service"};
	/* Debian's package is auditd; RHEL, SUSE and Azure Linux call it audit */
	static const char *const pkgs[] = {"auditd", "audit", NULL};
	struct hsys_pkgs pk;
	struct hsys_pkg p;
	struct units u;
	bool have;

	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	have = hsys_pkg_find(&pk, pkgs, &p);
	if (!have)
		result_add_finding(r, pk.path, 0, "package", NULL,
				   "auditd is not installed; install it (package %s) so security events are recorded",
				   pk.rpm ? "audit" : "auditd");
	else if (hsys_units_load(ctx, r, &u) == 0) {
		if (!any_enabled(ctx, r, &u, names, 1))
			result_add_finding(r, "/etc/systemd/system", 0, "unit", NULL, "auditd.service is not enabled; enable it");
		units_free(&u);
	}
	/* Azure Monitor's auoms takes the audit netlink socket too (ASB reports the same collision) */
	if (have && hsys_pkg_has(&pk, "auoms"))
		result_add_finding(r, pk.path, 0, "auoms", NULL,
				   "both auoms and auditd are installed; they compete for the kernel audit stream");
	return 0;
}

static int audit_rules(struct cg_ctx *ctx, struct cg_result *r)
{
	/* what CIS 4.1.3.x wants watched, by a token any reasonable rule set contains */
	static const struct {
		const char *what, *token;
	} wants[] = {
		{"identity files", "/etc/passwd"}, {"shadow", "/etc/shadow"}, {"sudoers", "/etc/sudoers"},
		{"time changes", "settimeofday"}, {"module loading", "init_module"},
	};
	struct strv names = {0};
	struct strbuf all = {0};

	hsys_list_dir(ctx, r, "/etc/audit/rules.d", &names);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf("/etc/audit/rules.d/%s", names.v[i]), *buf = NULL;
		size_t len;
		if (!endswith(names.v[i], ".rules"))
			continue;
		int e = imgfile_read(&ctx->fs, p, LOG_MAX_FILE, &buf, &len);
		if (e < 0)
			result_add_error(r, p, e, "cannot read");
		else {
			char *cur = buf, *l;
			while ((l = imgfile_next_line(&cur)))
				if (*imgfile_strip(l) != '#') {
					strbuf_puts(&all, l);
					strbuf_puts(&all, "\n");
				}
		}
	}
	strv_free(&names);
	for (size_t i = 0; i < ELEMENTSOF(wants); i++)
		if (!all.buf || !strstr(all.buf, wants[i].token))
			result_add_finding(r, "/etc/audit/rules.d", 0, wants[i].token, NULL,
					   "no audit rule covers %s ('%s'); add one to /etc/audit/rules.d", wants[i].what,
					   wants[i].token);
	strbuf_free(&all);
	return 0;
}

static const struct cg_check log_checks[] = {
	{
		.id = "log.journald-persistent",
		.title = "the journal persists across reboots",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 4.2.2.3", "ASB SystemdJournaldServicePersistsLogMessages", "Lynis LOGG-2136"),
		.remediation = "journald-dropin",
		.description = "journald Storage= (journald.conf, then journald.conf.d drop-ins, last wins) is persistent, "
			       "or auto with /var/log/journal present.",
		.run = log_journald_persistent,
	},
	{
		.id = "log.syslog",
		.title = "a logging service keeps logs",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 4.2.1.1", "CIS 4.2.1.2", "ASB ALoggingServiceIsEnabled", "Lynis LOGG-2130",
				"SSG service_rsyslog_enabled"),
		.remediation = NULL,
		.description = "rsyslog, syslog-ng or busybox syslogd is enabled, or journald persists its logs.",
		.run = log_syslog,
	},
	{
		.id = "log.no-remote-listen",
		.title = "the image does not accept logs from the network",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("ASB RsyslogNotAcceptingRemoteMessages", "CIS 4.2.1.7"),
		.remediation = NULL,
		.description = "rsyslog loads no imtcp/imudp/imrelp input; systemd-journal-remote is not enabled.",
		.run = log_no_remote_listen,
	},
	{
		.id = "log.logrotate",
		.title = "logs are rotated",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 4.3", "ASB SyslogRotaterServiceIsEnabled", "Lynis LOGG-2146", "SSG ensure_logrotate_activated"),
		.remediation = NULL,
		.description = "logrotate.timer is enabled or /etc/cron.daily/logrotate exists.",
		.run = log_logrotate,
	},
};

static const struct cg_check audit_checks[] = {
	{
		.id = "audit.auditd",
		.title = "auditd is installed and enabled",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 4.1.1.1 (L2)", "CIS 4.1.1.2 (L2)", "ASB AuditdInstalled", "ASB AuditdServiceIsRunning",
				"Lynis ACCT-9628", "SSG package_audit_installed", "SSG service_auditd_enabled", "dev-sec package-08"),
		.remediation = NULL,
		.description = "The auditd package is installed and auditd.service enabled; auoms next to auditd is "
			       "reported as a collision, as ASB does.",
		.run = audit_auditd,
	},
	{
		.id = "audit.rules",
		.title = "audit rules watch identity, sudoers, time and modules",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS 4.1.3.x (L2)", "Lynis ACCT-9630", "SSG audit_rules_usergroup_modification"),
		.remediation = NULL,
		.description = "/etc/audit/rules.d/*.rules (comments aside) mention /etc/passwd, /etc/shadow, "
			       "/etc/sudoers, settimeofday and init_module.",
		.run = audit_rules,
	},
};

CG_FAMILY(family_log, "log", "logging", log_checks);
CG_FAMILY(family_audit, "audit", "kernel audit", audit_checks);
