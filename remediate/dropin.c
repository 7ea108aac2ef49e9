/* SPDX-License-Identifier: Apache-2.0 */
/* Drop-ins for hardening checks with a safe fix: sshd_config.d and sysctl.d. The setting comes
 * from the check (remediation "sshd-dropin:Key value"), the finding's rule ("Key=value"), or
 * the table below for the catalog ids of research/hardening.md §5. */
#include "remediate.h"

#include <ctype.h>

#include "sshcfg.h"

#define SSHD_DROPIN "/etc/ssh/sshd_config.d/00-capgate.conf"     /* sshd: the first value wins */
#define SYSCTL_DROPIN "/etc/sysctl.d/99-zz-capgate.conf"          /* sysctl: the last file wins */
#define DROPIN_MAX (1 << 20)

static const struct {
	const char *check;
	const char *settings; /* ';'-separated */
} known[] = {
	{"ssh.permit-root-login", "PermitRootLogin no"},
	{"ssh.permit-empty-passwords", "PermitEmptyPasswords no"},
	{"ssh.password-authentication", "PasswordAuthentication no;KbdInteractiveAuthentication no"},
	{"ssh.hostbased-auth", "HostbasedAuthentication no"},
	{"ssh.ignore-rhosts", "IgnoreRhosts yes"},
	{"ssh.permit-user-environment", "PermitUserEnvironment no"},
	{"ssh.max-auth-tries", "MaxAuthTries 4"},
	{"ssh.log-level", "LogLevel VERBOSE"},
	{"ssh.x11-forwarding", "X11Forwarding no"},
	{"ssh.idle-timeouts", "ClientAliveInterval 180;ClientAliveCountMax 3;LoginGraceTime 60"},
	{"kernel.aslr", "kernel.randomize_va_space = 2"},
	{"kernel.core-dumps", "fs.suid_dumpable = 0"},
	{"kernel.info-leaks", "kernel.kptr_restrict = 1;kernel.dmesg_restrict = 1;kernel.yama.ptrace_scope = 1;"
			      "fs.protected_hardlinks = 1;fs.protected_symlinks = 1"},
	{"net.ip-forwarding", "net.ipv4.ip_forward = 0;net.ipv6.conf.all.forwarding = 0"},
	{"net.redirects", "net.ipv4.conf.all.accept_redirects = 0;net.ipv4.conf.default.accept_redirects = 0;"
			  "net.ipv4.conf.all.secure_redirects = 0;net.ipv4.conf.default.secure_redirects = 0;"
			  "net.ipv4.conf.all.send_redirects = 0;net.ipv4.conf.default.send_redirects = 0;"
			  "net.ipv6.conf.all.accept_redirects = 0;net.ipv6.conf.default.accept_redirects = 0"},
	{"net.source-route", "net.ipv4.conf.all.accept_source_route = 0;net.ipv4.conf.default.accept_source_route = 0;"
			     "net.ipv6.conf.all.accept_source_route = 0;net.ipv6.conf.default.accept_source_route = 0"},
	{"net.ipv4-hygiene", "net.ipv4.conf.all.rp_filter = 1;net.ipv4.conf.default.rp_filter = 1;"
			     "net.ipv4.tcp_syncookies = 1;net.ipv4.conf.all.log_martians = 1;"
			     "net.ipv4.conf.default.log_martians = 1;net.ipv4.icmp_echo_ignore_broadcasts = 1;"
			     "net.ipv4.icmp_ignore_bogus_error_responses = 1"},
};

static bool key_ok(const char *k, size_t n, bool sysctl)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)k[i]) || (sysctl && strchr("._/-*", k[i]))))
			return false;
	return true;
}

/* Normalise "Key=value", "Key value" or "key = value" lists (';' or newline separated) into
 * one "Key value" (sshd) or "key = value" (sysctl) per line. NULL when any item is not a setting. */
static char *normalise(const char *in, bool sysctl)
{
	struct strbuf sb = {0};
	const char *p = in;

	while (*p) {
		size_t n = strcspn(p, ";\n");
		const char *e = p + n, *k = p, *ke, *v;
		while (k < e && isspace((unsigned char)*k))
			k++;
		ke = k;
		while (ke < e && !isspace((unsigned char)*ke) && *ke != '=')
			ke++;
		v = ke;
		while (v < e && (isspace((unsigned char)*v) || *v == '='))
			v++;
		const char *ve = e;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		if (k < e) {
			if (!key_ok(k, (size_t)(ke - k), sysctl) || ve == v || memchr(v, '#', (size_t)(ve - v))) {
				strbuf_free(&sb);
				return NULL;
			}
			strbuf_append(&sb, k, (size_t)(ke - k));
			strbuf_puts(&sb, sysctl ? " = " : " ");
			strbuf_append(&sb, v, (size_t)(ve - v));
			strbuf_puts(&sb, "\n");
		}
		p = *e ? e + 1 : e;
	}
	return sb.buf;
}

static char *settings_for(struct rem_planner *p, const struct cg_finding *f, bool sysctl)
{
	if (p->action_arg)
		return normalise(p->action_arg, sysctl);
	if (f->rule && (strchr(f->rule, '=') || strchr(f->rule, ' '))) {
		char *s = normalise(f->rule, sysctl);
		if (s)
			return s;
	}
	for (size_t i = 0; i < ELEMENTSOF(known); i++)
		if (streq(known[i].check, p->result->check->id))
			return normalise(known[i].settings, sysctl);
	return NULL;
}

/* Whether an Include line reads DIR's drop-ins: an argument naming DIR, or (DIR being
 * /etc/ssh/sshd_config.d) a relative one, which sshd resolves in /etc/ssh. */
static bool include_reads(const char *l, const char *dir)
{
	_cleanup_free_ char *copy = xstrdup(l);
	char *save = NULL;

	if (strncasecmp(l, "Include", 7) != 0 || (l[7] != ' ' && l[7] != '\t'))
		return false;
	for (char *w = strtok_r(copy + 7, " \t\"", &save); w; w = strtok_r(NULL, " \t\"", &save))
		if (startswith(w, dir) || (*w != '/' && startswith(dir, "/etc/") && startswith(w, "sshd_config.d/")))
			return true;
	return false;
}

/* Where the main file includes the drop-ins: INCLUDE_LINE for /etc/ssh/sshd_config.d (ours),
 * VENDOR_LINE for /usr/etc/ssh/sshd_config.d (the /usr/etc layout; 0: not included). */
struct dropin_order {
	const char *main;
	unsigned include_line, vendor_line;
};

/* Whether a value sshd read from FILE:LINE comes before the drop-in: sshd keeps the first value,
 * so a line of the main file above the Include, a drop-in that sorts before ours, or a vendor
 * drop-in included first, wins. */
static bool read_before_dropin(const struct sshcfg_opt *o, const struct dropin_order *ord)
{
	const char *dir = "/etc/ssh/sshd_config.d/", *vendor = "/usr/etc/ssh/sshd_config.d/";

	if (!o->file || streq(o->file, SSHD_DROPIN))
		return false;
	if (streq(o->file, ord->main))
		return o->line < ord->include_line;
	if (startswith(o->file, dir) && !strchr(o->file + strlen(dir), '/'))
		return strcmp(o->file + strlen(dir), &SSHD_DROPIN[strlen(dir)]) < 0;
	if (startswith(o->file, vendor))
		return ord->vendor_line && ord->vendor_line < ord->include_line;
	return false;
}

/* The first setting of S ("Key value" lines) that a drop-in cannot override, as a reason; NULL
 * when the drop-in will take effect. */
static char *dropin_shadowed(struct cg_ctx *ctx, const char *s, const struct dropin_order *ord)
{
	struct sshcfg c = {0};
	char *why = NULL;

	if (sshcfg_load(&ctx->fs, &c) < 0) {
		sshcfg_free(&c);
		return NULL;
	}
	for (const char *l = s; *l && !why;) {
		size_t n = strcspn(l, "\n"), k = strcspn(l, " ");
		_cleanup_free_ char *key = xstrndup(l, k < n ? k : n);
		_cleanup_free_ char *want = k < n ? xstrndup(l + k + 1, n - k - 1) : xstrdup("");
		for (char *q = key; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		const struct sshcfg_opt *o = sshcfg_find(&c, key);
		bool from_policy = o && (o->from_cmdline || (c.crypto_policy && o->file &&
							      startswith(o->file, "/etc/crypto-policies/")));
		if (from_policy && strcasecmp(o->value, want) != 0 && streq(o->file, "/etc/sysconfig/sshd")) {
			why = xasprintf("'%s' is on sshd's command line from CRYPTO_POLICY at %s:%u, which no file "
					"overrides: remove that line so sshd follows the system crypto policy",
					key, o->file, o->line);
		} else if (from_policy && strcasecmp(o->value, want) != 0) {
			/* RHEL 8 passes the policy on sshd's command line, which no file overrides; on
			 * RHEL 9 a drop-in would win, against the policy model CIS asks for */
			const char *pol = c.crypto_policy ? c.crypto_policy : "DEFAULT";
			_cleanup_free_ char *base = xstrndup(pol, strcspn(pol, ":"));
			why = xasprintf("'%s' comes from the system crypto policy %s (%s:%u%s): change the policy "
					"(update-crypto-policies --set %s:NO-SHA1, or a subpolicy that drops what is "
					"weak) rather than override it for sshd alone",
					key, pol, o->file, o->line, o->from_cmdline ? ", on sshd's command line" : "",
					base);
		} else if (o && strcasecmp(o->value, want) != 0 && read_before_dropin(o, ord))
			why = xasprintf("'%s %s' at %s:%u is read before sshd_config.d and sshd keeps the first "
					"value, so a drop-in cannot override it: change or remove that line",
					key, o->value, o->file, o->line);
		l += n + (l[n] ? 1 : 0);
	}
	sshcfg_free(&c);
	return why;
}

void dropin_plan_sshd(struct rem_planner *p, const struct cg_finding *f)
{
	_cleanup_free_ char *s = settings_for(p, f, false);
	_cleanup_free_ char *cfg = NULL;
	_cleanup_free_ char *why = NULL;
	struct dropin_order ord = {0};
	unsigned lineno = 0;

	if (!s) {
		rem_plan_refuse(p, "sshd-dropin", SSHD_DROPIN, "no safe value known for '%s'", p->result->check->id);
		return;
	}
	int rr = sshcfg_main(&p->ctx->fs, &ord.main);
	if (rr == 0)
		rr = safefs_read_file(&p->ctx->fs, ord.main, DROPIN_MAX, &cfg, NULL);
	if (rr < 0 && rr != -ENOENT) {
		/* a device, FIFO or link there is said, never opened nor silently passed over */
		rem_plan_refuse(p, "sshd-dropin", SSHD_DROPIN, "cannot read %s: %s", ord.main, safefs_strerror(rr));
		return;
	}
	if (rr == 0) {
		for (char *l = cfg, *next; l && !ord.include_line; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			lineno++;
			while (isspace((unsigned char)*l))
				l++;
			if (include_reads(l, "/etc/ssh/sshd_config.d/"))
				ord.include_line = lineno;
			else if (!ord.vendor_line && include_reads(l, "/usr/etc/ssh/sshd_config.d/"))
				ord.vendor_line = lineno;
		}
	}
	if (!ord.include_line) {
		rem_plan_refuse(p, "sshd-dropin", SSHD_DROPIN, "%s does not include /etc/ssh/sshd_config.d; a drop-in would "
				"not be read", ord.main);
		return;
	}
	why = dropin_shadowed(p->ctx, s, &ord);
	if (why) {
		rem_plan_refuse(p, "sshd-dropin", SSHD_DROPIN, "%s", why);
		return;
	}
	rem_plan_add(p, "sshd-dropin", SSHD_DROPIN, s);
}

void dropin_plan_sysctl(struct rem_planner *p, const struct cg_finding *f)
{
	_cleanup_free_ char *s = settings_for(p, f, true);

	if (!s) {
		rem_plan_refuse(p, "sysctl-dropin", SYSCTL_DROPIN, "no safe value known for '%s'", p->result->check->id);
		return;
	}
	rem_plan_add(p, "sysctl-dropin", SYSCTL_DROPIN, s);
}

/* ---- whole-line drop-ins: modprobe.d, limits.d, journald and coredump ---- */

#define MODPROBE_DROPIN "/etc/modprobe.d/00-capgate.conf"              /* kmod: the first install line wins */
#define LIMITS_DROPIN "/etc/security/limits.d/99-capgate.conf"
#define COREDUMP_DROPIN "/etc/systemd/coredump.conf.d/99-capgate.conf" /* systemd: the last drop-in wins */
#define JOURNALD_DROPIN "/etc/systemd/journald.conf.d/99-capgate.conf"

void dropin_plan_modprobe(struct rem_planner *p, const struct cg_finding *f)
{
	const char *m = f->rule;

	if (!m || !*m || !key_ok(m, strlen(m), true) || strchr(m, '/') || strchr(m, '.')) {
		rem_plan_refuse(p, "modprobe-dropin", MODPROBE_DROPIN, "the finding names no kernel module");
		return;
	}
	/* Azure provisioning mounts a UDF DVD and boots from vfat (research/hardening.md §5.6) */
	if (streq(m, "udf") || streq(m, "vfat")) {
		rem_plan_refuse(p, "modprobe-dropin", MODPROBE_DROPIN, "'%s' is never disabled: Azure provisioning needs it", m);
		return;
	}
	_cleanup_free_ char *lines = xasprintf("install %s /bin/false\nblacklist %s\n", m, m);
	rem_plan_add(p, "modprobe-dropin", MODPROBE_DROPIN, lines);
}

void dropin_plan_limits(struct rem_planner *p, const struct cg_finding *f)
{
	const char *rule = f->rule ? f->rule : "";

	if (streq(rule, "limits"))
		rem_plan_add(p, "limits-dropin", LIMITS_DROPIN, "* hard core 0\n");
	else if (streq(rule, "coredump-storage"))
		rem_plan_add(p, "limits-dropin", COREDUMP_DROPIN, "[Coredump]\nStorage=none\n");
	else
		rem_plan_refuse(p, "limits-dropin", LIMITS_DROPIN, "no safe setting known for '%s'", rule);
}

void dropin_plan_journald(struct rem_planner *p, const struct cg_finding *f)
{
	if (f->rule && streq(f->rule, "Storage"))
		rem_plan_add(p, "journald-dropin", JOURNALD_DROPIN, "[Journal]\nStorage=persistent\n");
	else
		rem_plan_refuse(p, "journald-dropin", JOURNALD_DROPIN, "no safe setting known for this finding");
}

/* Key of a "Key value" / "key = value" line, its length; 0 for comments and blanks. */
static size_t line_key(const char *l, size_t n, const char **k)
{
	size_t i = 0, s;
	while (i < n && isspace((unsigned char)l[i]))
		i++;
	if (i == n || l[i] == '#' || l[i] == ';')
		return 0;
	s = i;
	while (i < n && !isspace((unsigned char)l[i]) && l[i] != '=')
		i++;
	*k = l + s;
	return i - s;
}

/* Whether the text holds LINE (N bytes) as a whole line. */
static bool has_line(const char *text, const char *line, size_t n)
{
	for (const char *p = text; p && *p;) {
		size_t ln = strcspn(p, "\n");
		if (ln == n && memcmp(p, line, n) == 0)
			return true;
		p = p[ln] ? p + ln + 1 : NULL;
	}
	return false;
}

static int dropin_dir(struct cg_ctx *ctx, const char *path)
{
	_cleanup_free_ char *dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	return safefs_mkdir_p(&ctx->fs, dir, 0755);
}

/* Whole-line drop-ins: every line of the item is in the file once, in order; others stay. */
static int dropin_apply_lines(struct cg_ctx *ctx, struct rem_item *it)
{
	_cleanup_free_ char *old = NULL;
	struct strbuf out = {0};
	int r = safefs_read_file(&ctx->fs, it->path, DROPIN_MAX, &old, NULL);

	if (r == -ENOENT)
		old = xstrdup("# Written by capgate: hardening with a safe fix.\n");
	else if (r < 0)
		return r;
	strbuf_puts(&out, old);
	if (out.len && out.buf[out.len - 1] != '\n')
		strbuf_puts(&out, "\n");
	for (const char *s = it->arg; *s;) {
		size_t n = strcspn(s, "\n");
		/* a section header that is there already is not repeated; keys are added below it */
		if (!has_line(old, s, n)) {
			strbuf_append(&out, s, n);
			strbuf_puts(&out, "\n");
		}
		s += n + (s[n] ? 1 : 0);
	}
	r = dropin_dir(ctx, it->path);
	if (r == 0)
		r = safefs_write_atomic(&ctx->fs, it->path, out.buf, out.len, 0644, 0, 0, it->have_st ? &it->st : NULL);
	strbuf_free(&out);
	return r;
}

int dropin_apply(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	bool sysctl = streq(it->action->id, "sysctl-dropin");

	if (!sysctl && !streq(it->action->id, "sshd-dropin"))
		return dropin_apply_lines(ctx, it);
	_cleanup_free_ char *old = NULL;
	struct strbuf out = {0};
	size_t len = 0;
	struct stat st;
	int r;

	/* capgate's own drop-in is read, merged and replaced here; the file expected at the write is
	 * the one just read (an earlier action of this run or an interrupted run may have made it) */
	bool exists = false;
	r = safefs_lstat(&ctx->fs, it->path, &st);
	if (r == 0) {
		exists = true;
		r = safefs_read_file(&ctx->fs, it->path, DROPIN_MAX, &old, &len);
		if (r < 0)
			return r;
	} else if (r != -ENOENT)
		return r;
	else
		old = xstrdup(sysctl ? "# Written by capgate: hardening with a safe fix. The last file wins.\n"
				     : "# Written by capgate: hardening with a safe fix. sshd uses the first value.\n");
	len = strlen(old);
	/* keep every line, replacing the value of a key we set; append the keys not there yet */
	const char *settings = it->arg;
	bool *used = xcalloc(strlen(settings) + 1, 1);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(old + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - old) + 1 : len;
		const char *k;
		size_t kl = line_key(old + pos, end - pos, &k);
		bool replaced = false;
		for (const char *s = settings; kl && *s && !replaced;) {
			size_t sn = strcspn(s, "\n");
			const char *sk;
			size_t skl = line_key(s, sn, &sk);
			if (skl == kl && (sysctl ? memcmp(sk, k, kl) == 0 : strncasecmp(sk, k, kl) == 0)) {
				strbuf_append(&out, s, sn);
				strbuf_puts(&out, "\n");
				used[s - settings] = true;
				replaced = true;
			}
			s += sn + (s[sn] ? 1 : 0);
		}
		if (!replaced) {
			strbuf_append(&out, old + pos, end - pos);
			if (!nl)
				strbuf_puts(&out, "\n");
		}
		pos = end;
	}
	for (const char *s = settings; *s;) {
		size_t sn = strcspn(s, "\n");
		if (!used[s - settings]) {
			strbuf_append(&out, s, sn);
			strbuf_puts(&out, "\n");
		}
		s += sn + (s[sn] ? 1 : 0);
	}
	free(used);
	r = safefs_mkdir_p(&ctx->fs, sysctl ? "/etc/sysctl.d" : "/etc/ssh/sshd_config.d", 0755);
	if (r == 0)
		r = safefs_write_atomic(&ctx->fs, it->path, out.buf, out.len, sysctl ? 0644 : 0600, 0, 0,
					exists ? &st : NULL);
	strbuf_free(&out);
	return r;
}
