/* SPDX-License-Identifier: Apache-2.0 */
/* ssh.*: the SSH daemon's effective configuration (research/hardening.md §5.1). Values come from
 * sshcfg (compiled-in defaults of the installed OpenSSH, sshd_config, its Includes); live, `sshd
 * -T` is the cross-check and wins where it differs. Match blocks are judged too: a block that
 * permits root login for some clients is as much a fault as a global line. */
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/wait.h>

#include "acctdb.h"
#include "ctx.h"
#include "families.h"
#include "imgdir.h"
#include "sshcfg.h"

#define SSHD_BIN "/usr/sbin/sshd"
#define SSHD_T_TIMEOUT_MS 5000
#define SSHD_T_MAX (256 << 10)

extern char **environ;

/* Run the machine's own `sshd -T` (live mode only: offline nothing from the image is run).
 * Returns its output or NULL when it is absent, fails or takes too long. */
static char *sshd_dump(void)
{
	char arg0[] = SSHD_BIN, arg1[] = "-T";
	char *const argv[] = {arg0, arg1, NULL};
	posix_spawn_file_actions_t fa;
	struct strbuf out = {0};
	unsigned long long deadline = util_now_ms() + SSHD_T_TIMEOUT_MS;
	int pfd[2], status = 0;
	pid_t pid;

	/* no access() probe first: a missing sshd makes posix_spawn fail or the child exit 127 */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	int rc = posix_spawn(&pid, SSHD_BIN, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return NULL;
	}
	for (;;) {
		char buf[4096];
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		long long left = (long long)deadline - (long long)util_now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		ssize_t n = read(pfd[0], buf, sizeof buf);
		if (n <= 0 || out.len + (size_t)n > SSHD_T_MAX)
			break;
		strbuf_append(&out, buf, (size_t)n);
	}
	close(pfd[0]);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		status = -1;
	}
	if (status != 0 || !out.buf) {
		strbuf_free(&out);
		return NULL;
	}
	return out.buf;
}

/* Load the effective configuration. 1: sshd is not installed (the check skips); 0: loaded. */
static int ssh_load(struct cg_ctx *ctx, struct cg_result *r, struct sshcfg *c)
{
	int e = sshcfg_load(&ctx->fs, c);
	json_t *use_t = ctx->cfg ? config_get(ctx->cfg, "ssh.use_sshd_t") : NULL;

	if (e == -ENOENT || e == -ENOTDIR) {
		result_skip(r, "no %s: the OpenSSH server is not installed", SSHCFG_MAIN);
		return 1;
	}
	if (e < 0) {
		result_add_error(r, SSHCFG_MAIN, e, "cannot read");
		return e;
	}
	if (c->io_err < 0) {
		result_add_error(r, c->io_path, c->io_err, "cannot read");
		return c->io_err;
	}
	if (ctx->mode == CG_MODE_LIVE && !json_is_false(use_t)) {
		_cleanup_free_ char *dump = sshd_dump();
		if (dump)
			sshcfg_apply_dump(c, dump);
	}
	return 0;
}

static json_t *cfg_get(struct cg_ctx *ctx, const char *path)
{
	return ctx->cfg ? config_get(ctx->cfg, path) : NULL;
}

/* "set at FILE:LINE", "the OpenSSH 9.2 default" or "as `sshd -T` reports" */
static char *origin(const struct sshcfg *c, const struct sshcfg_opt *o)
{
	if (o->from_sshd_t)
		return xstrdup("as the running sshd -T reports");
	if (o->from_cmdline)
		return xasprintf("on sshd's command line from the system crypto policy %s, %s:%u",
				 c->crypto_policy ? c->crypto_policy : "(unnamed)", o->file, o->line);
	if (o->file && c->crypto_policy && startswith(o->file, "/etc/crypto-policies/"))
		return xasprintf("set by the system crypto policy %s at %s:%u", c->crypto_policy, o->file, o->line);
	if (o->file)
		return xasprintf("set at %s:%u", o->file, o->line);
	if (c->version)
		return xasprintf("the compiled-in default of OpenSSH %u.%u", c->version / 100, c->version % 100);
	return xstrdup("the compiled-in default (OpenSSH version unknown, 9.2 assumed)");
}

static void report_opt(struct cg_result *r, const struct sshcfg *c, const struct sshcfg_opt *o, const char *name,
		       const char *rule, const char *fmt_safe)
{
	_cleanup_free_ char *from = origin(c, o);
	const char *path = o->file && !o->from_sshd_t ? o->file : c->main;

	if (o->match)
		result_add_finding(r, path, o->line, rule, o->value, "'%s %s' inside '%s' applies to matching connections; "
				   "safe value: %s", name, o->value, o->match, fmt_safe);
	else
		result_add_finding(r, path, o->file && !o->from_sshd_t ? o->line : 0, rule, o->value,
				   "'%s' is '%s' (%s); safe value: %s", name, o->value, from, fmt_safe);
}

typedef bool (*ssh_ok_fn)(const char *value, const void *arg);

/* Judge KW in the global config and in every Match block. */
static void judge(struct cg_result *r, const struct sshcfg *c, const char *kw, const char *name, ssh_ok_fn ok,
		  const void *arg, const char *safe)
{
	const struct sshcfg_opt *o = sshcfg_find(c, kw);

	if (o && !ok(o->value, arg))
		report_opt(r, c, o, name, kw, safe);
	for (size_t i = 0; i < c->nscoped; i++)
		if (streq(c->scoped[i].kw, kw) && !ok(c->scoped[i].value, arg))
			report_opt(r, c, &c->scoped[i], name, kw, safe);
}

static bool is_value(const char *v, const void *want)
{
	return strcasecmp(v, want) == 0;
}

static bool num_at_most(const char *v, const void *max)
{
	char *end;
	long n = strtol(v, &end, 10);
	return !*end && n >= 0 && n <= *(const long *)max;
}

static int run_yesno(struct cg_ctx *ctx, struct cg_result *r, const char *kw, const char *name, const char *safe)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);
	if (e == 0) {
		_cleanup_free_ char *s = xasprintf("'%s'", safe);
		judge(r, &c, kw, name, is_value, safe, s);
	}
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static int ssh_permit_root_login(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	struct strv allowed = {0};
	json_t *list = cfg_get(ctx, "ssh.permit_root_login");
	struct strbuf safe = {0};
	size_t i;
	json_t *it;
	int e = ssh_load(ctx, r, &c);

	if (e != 0)
		goto out;
	json_array_foreach(list, i, it)
		strv_push(&allowed, json_string_value(it));
	if (!allowed.n)
		strv_push(&allowed, "no");
	for (i = 0; i < allowed.n; i++)
		strbuf_printf(&safe, "%s'%s'", i ? " or " : "", allowed.v[i]);
	/* a value is fine when policy lists it; prohibit-password is written without-password too */
	const struct sshcfg_opt *o = sshcfg_find(&c, "permitrootlogin");
	for (size_t k = 0; k <= c.nscoped; k++) {
		const struct sshcfg_opt *cur = k == 0 ? o : &c.scoped[k - 1];
		bool ok = false;
		if (!cur || (k > 0 && !streq(cur->kw, "permitrootlogin")))
			continue;
		for (i = 0; i < allowed.n && !ok; i++)
			ok = strcasecmp(cur->value, allowed.v[i]) == 0;
		if (!ok)
			report_opt(r, &c, cur, "PermitRootLogin", "permitrootlogin", safe.buf);
	}
out:
	strbuf_free(&safe);
	strv_free(&allowed);
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static int ssh_permit_empty_passwords(struct cg_ctx *ctx, struct cg_result *r)
{
	return run_yesno(ctx, r, "permitemptypasswords", "PermitEmptyPasswords", "no");
}

static int ssh_password_authentication(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);
	if (e == 0) {
		judge(r, &c, "passwordauthentication", "PasswordAuthentication", is_value, "no", "'no' (keys only)");
		judge(r, &c, "kbdinteractiveauthentication", "KbdInteractiveAuthentication", is_value, "no",
		      "'no' (keyboard-interactive asks for the password through PAM)");
	}
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static int ssh_hostbased_auth(struct cg_ctx *ctx, struct cg_result *r)
{
	return run_yesno(ctx, r, "hostbasedauthentication", "HostbasedAuthentication", "no");
}

static int ssh_ignore_rhosts(struct cg_ctx *ctx, struct cg_result *r)
{
	return run_yesno(ctx, r, "ignorerhosts", "IgnoreRhosts", "yes");
}

static int ssh_permit_user_environment(struct cg_ctx *ctx, struct cg_result *r)
{
	return run_yesno(ctx, r, "permituserenvironment", "PermitUserEnvironment", "no");
}

static int ssh_x11_forwarding(struct cg_ctx *ctx, struct cg_result *r)
{
	return run_yesno(ctx, r, "x11forwarding", "X11Forwarding", "no");
}

static int ssh_max_auth_tries(struct cg_ctx *ctx, struct cg_result *r)
{
	static const long max = 4;
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);
	if (e == 0)
		judge(r, &c, "maxauthtries", "MaxAuthTries", num_at_most, &max, "4 or fewer");
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static bool log_level_ok(const char *v, const void *arg)
{
	return strcasecmp(v, "INFO") == 0 || strcasecmp(v, "VERBOSE") == 0;
}

static int ssh_log_level(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);
	if (e == 0)
		judge(r, &c, "loglevel", "LogLevel", log_level_ok, NULL, "'INFO' or 'VERBOSE'");
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

/* Weak algorithms, as fnmatch patterns: CBC and RC4 ciphers; MD5, truncated (-96) and non-ETM
 * SHA-1 MACs; SHA-1 key exchanges (CIS 5.2.12/5.2.13, dev-sec sshd-01..03). */
static const char *const weak_ciphers[] = {"*-cbc", "*-cbc@*", "arcfour*", "3des*", "blowfish*", "cast128*", "rijndael*"};
static const char *const weak_macs[] = {"hmac-md5*", "*-96", "*-96-etm@*", "*-96@*", "hmac-sha1", "hmac-sha1@*",
					"umac-32*"};
static const char *const weak_kex[] = {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
				       "diffie-hellman-group-exchange-sha1", "gss-group1-sha1-*", "gss-gex-sha1-*"};

static bool weak(const char *alg, const char *const *pats, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], alg, 0) == 0)
			return true;
	return false;
}

static void judge_algs(struct cg_result *r, const struct sshcfg *c, const struct sshcfg_opt *o, const char *name,
		       const char *const *pats, size_t n)
{
	struct strv algs = {0};
	struct strbuf bad = {0}, good = {0};

	strv_split_commas(&algs, o->value);
	for (size_t i = 0; i < algs.n; i++) {
		struct strbuf *sb = weak(algs.v[i], pats, n) ? &bad : &good;
		strbuf_printf(sb, "%s%s", sb->len ? "," : "", algs.v[i]);
	}
	if (bad.len) {
		_cleanup_free_ char *from = origin(c, o);
		/* the rule carries the safe setting, so the sshd-dropin action can write it */
		_cleanup_free_ char *rule = good.len ? xasprintf("%s=%s", name, good.buf) : xstrdup(name);
		const char *path = o->file && !o->from_sshd_t ? o->file : c->main;
		unsigned line = o->file && !o->from_sshd_t ? o->line : 0;
		if (o->match)
			result_add_finding(r, path, line, rule, bad.buf, "'%s' inside '%s' offers weak '%s'; safe value: '%s %s'",
					   name, o->match, bad.buf, name, good.len ? good.buf : "(none left)");
		else
			result_add_finding(r, path, line, rule, bad.buf, "'%s' offers weak '%s' (%s); safe value: '%s %s'",
					   name, bad.buf, from, name, good.len ? good.buf : "(none left)");
	}
	strv_free(&algs);
	strbuf_free(&bad);
	strbuf_free(&good);
}

static int ssh_weak_crypto(struct cg_ctx *ctx, struct cg_result *r)
{
	static const struct {
		const char *kw, *name;
		const char *const *pats;
		size_t n;
	} lists[] = {
		{"ciphers", "Ciphers", weak_ciphers, ELEMENTSOF(weak_ciphers)},
		{"macs", "MACs", weak_macs, ELEMENTSOF(weak_macs)},
		{"kexalgorithms", "KexAlgorithms", weak_kex, ELEMENTSOF(weak_kex)},
		{"gssapikexalgorithms", "GSSAPIKexAlgorithms", weak_kex, ELEMENTSOF(weak_kex)},
	};
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);

	if (e == 0)
		for (size_t l = 0; l < ELEMENTSOF(lists); l++) {
			const struct sshcfg_opt *o = sshcfg_find(&c, lists[l].kw);
			/* GSSAPI key exchange only matters when it is switched on */
			if (streq(lists[l].kw, "gssapikexalgorithms") &&
			    !is_value(sshcfg_get(&c, "gssapikeyexchange") ? sshcfg_get(&c, "gssapikeyexchange") : "no", "yes"))
				continue;
			if (o)
				judge_algs(r, &c, o, lists[l].name, lists[l].pats, lists[l].n);
			for (size_t i = 0; i < c.nscoped; i++)
				if (streq(c.scoped[i].kw, lists[l].kw))
					judge_algs(r, &c, &c.scoped[i], lists[l].name, lists[l].pats, lists[l].n);
		}
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static bool positive(const char *v, const void *arg)
{
	long s;
	return sshcfg_parse_time(v, &s) == 0 && s > 0;
}

static bool count_positive(const char *v, const void *arg)
{
	char *end;
	long n = strtol(v, &end, 10);
	return !*end && n > 0;
}

static bool grace_ok(const char *v, const void *arg)
{
	long s;
	return sshcfg_parse_time(v, &s) == 0 && s > 0 && s <= 60;
}

static int ssh_idle_timeouts(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);
	if (e == 0) {
		judge(r, &c, "clientaliveinterval", "ClientAliveInterval", positive, NULL,
		      "a positive interval such as 180 (Azure: 30-235) (idle sessions are probed and dropped)");
		judge(r, &c, "clientalivecountmax", "ClientAliveCountMax", count_positive, NULL,
		      "1 to 3 (0 disables the idle disconnect)");
		judge(r, &c, "logingracetime", "LoginGraceTime", grace_ok, NULL, "60 seconds or less, not 0 (unlimited)");
	}
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

/* Owner root and no group/world write: a writable sshd_config lets that user own the daemon. */
static void judge_owner_mode(struct cg_ctx *ctx, struct cg_result *r, const char *path, mode_t forbidden,
			     const char *safe)
{
	struct stat st;
	int e = safefs_lstat(&ctx->fs, path, &st);

	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot stat");
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* the link's own mode means nothing; its target is judged where it is read */
	if (st.st_uid != 0 || (st.st_mode & forbidden)) {
		_cleanup_free_ char *ev = xasprintf("%04o %u:%u", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
						    (unsigned)st.st_gid);
		result_add_finding(r, path, 0, NULL, ev, "is mode %04o owned by uid %u; safe: %s",
				   (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, safe);
	}
}

static int ssh_config_perms(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);

	if (e == 0) {
		judge_owner_mode(ctx, r, "/etc/ssh", 022, "owned by root, not group- or world-writable (0755)");
		judge_owner_mode(ctx, r, "/etc/ssh/sshd_config.d", 022, "owned by root, not group- or world-writable (0755)");
		for (size_t i = 0; i < c.files.n; i++) {
			bool dup = false;
			for (size_t j = 0; j < i && !dup; j++)
				dup = streq(c.files.v[j], c.files.v[i]);
			if (!dup)
				judge_owner_mode(ctx, r, c.files.v[i], 022,
						 "owned by root, not group- or world-writable (0644; CIS asks 0600)");
		}
	}
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static void judge_host_key(struct cg_ctx *ctx, struct cg_result *r, const char *path, gid_t ssh_keys_gid, bool have_ssh_keys)
{
	_cleanup_free_ char *pub = xasprintf("%s.pub", path);
	struct stat st;
	int e = safefs_lstat(&ctx->fs, path, &st);

	if (e == 0 && S_ISREG(st.st_mode)) {
		/* 0600 root; RHEL-family images use 0640 root:ssh_keys */
		bool group_ok = have_ssh_keys && st.st_gid == ssh_keys_gid && !(st.st_mode & 027);
		if (st.st_uid != 0 || ((st.st_mode & 077) && !group_ok))
			result_add_finding(r, path, 0, "private", NULL,
					   "private host key is mode %04o owned by uid %u; safe: 0600 owned by root",
					   (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	} else if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot stat");
	judge_owner_mode(ctx, r, pub, 022, "public host key 0644 owned by root");
}

static int ssh_host_key_perms(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	struct strv keys = {0};
	int e = ssh_load(ctx, r, &c);
	gid_t ssh_keys_gid = 0;
	bool have_ssh_keys = false;
	_cleanup_free_ char *group = NULL, *where = NULL;
	struct acctdb db = {0};

	if (e != 0)
		goto out;
	/* the ssh_keys group of RHEL-family images */
	int ge = safefs_read_file(&ctx->fs, "/etc/group", 16 << 20, &group, NULL);
	if (ge < 0 && ge != -ENOENT)
		result_add_error(r, "/etc/group", ge, "cannot read");
	if (ge == 0) {
		acctdb_parse_group(&db, group);
		const struct group_ent *g = acctdb_group(&db, "ssh_keys");
		if (g) {
			ssh_keys_gid = g->gid;
			have_ssh_keys = true;
		}
	}
	for (size_t i = 0; i < c.nopts; i++)
		if (streq(c.opts[i].kw, "hostkey") && c.opts[i].value[0] == '/')
			strv_push(&keys, c.opts[i].value);
	int gl = imgdir_glob(&ctx->fs, "/etc/ssh/ssh_host_*_key", &keys, &where);
	if (gl < 0)
		result_add_error(r, where, gl, "cannot list");
	for (size_t i = 0; i < keys.n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = streq(keys.v[j], keys.v[i]);
		if (!dup)
			judge_host_key(ctx, r, keys.v[i], ssh_keys_gid, have_ssh_keys);
	}
out:
	acctdb_free(&db);
	strv_free(&keys);
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

static int ssh_config_syntax(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = ssh_load(ctx, r, &c);

	if (e == 0)
		for (size_t i = 0; i < c.ndiags; i++)
			if (c.diags[i].fatal)
				result_add_finding(r, c.diags[i].file ? c.diags[i].file : c.main, c.diags[i].line, NULL,
						   NULL, "%s; sshd would refuse to start and the image would be unreachable: "
						   "fix or remove the line", c.diags[i].msg);
	sshcfg_free(&c);
	return e < 0 ? e : 0;
}

#define SSHD_DESC_TAIL \
	" Judged on the effective configuration: OpenSSH's compiled-in defaults for the installed version, " \
	"then sshd_config and its Include'd drop-ins in order, first value wins; Match blocks are judged " \
	"separately. Live, sshd -T cross-checks."

static const struct cg_check ssh_checks[] = {
	{
		.id = "ssh.permit-root-login", .title = "root cannot log in over SSH",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.9", "ASB SshPermitRootLoginIsDisabled", "Lynis SSH-7408",
				"SSG sshd_disable_root_login", "dev-sec sshd-06"),
		.description = "PermitRootLogin must be 'no' (config ssh.permit_root_login may allow "
			       "'prohibit-password'). Debian's compiled-in default is prohibit-password." SSHD_DESC_TAIL,
		.run = ssh_permit_root_login,
	},
	{
		.id = "ssh.permit-empty-passwords", .title = "SSH refuses empty passwords",
		.severity = CG_SEV_CRITICAL, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.10", "ASB SshPermitEmptyPasswordsIsDisabled", "Lynis SSH-7408",
				"SSG sshd_disable_empty_passwords", "dev-sec sshd-28"),
		.description = "PermitEmptyPasswords must be 'no'." SSHD_DESC_TAIL,
		.run = ssh_permit_empty_passwords,
	},
	{
		.id = "ssh.password-authentication", .title = "SSH accepts keys only",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("Lynis SSH-7408", "dev-sec sshd-27", "dev-sec sshd-29"),
		.description = "PasswordAuthentication and KbdInteractiveAuthentication 'no' for key-only images. "
			       "waagent and cloud-init may set them per deployment, so the fix is guarded." SSHD_DESC_TAIL,
		.run = ssh_password_authentication,
	},
	{
		.id = "ssh.hostbased-auth", .title = "SSH host-based authentication is off",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.8", "ASB SshHostbasedAuthenticationIsDisabled", "Lynis SSH-7408",
				"SSG disable_host_auth", "dev-sec sshd-25"),
		.description = "HostbasedAuthentication must be 'no'." SSHD_DESC_TAIL,
		.run = ssh_hostbased_auth,
	},
	{
		.id = "ssh.ignore-rhosts", .title = "SSH ignores .rhosts",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.7", "ASB SshBestPracticeIgnoreRhosts", "Lynis SSH-7408",
				"SSG sshd_disable_rhosts", "dev-sec sshd-23"),
		.description = "IgnoreRhosts must be 'yes' (the default; SSG fails it when the line is absent, "
			       "capgate does not)." SSHD_DESC_TAIL,
		.run = ssh_ignore_rhosts,
	},
	{
		.id = "ssh.permit-user-environment", .title = "SSH users cannot set the daemon's environment",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.11", "ASB UsersCannotSetSshEnvironmentOptions", "Lynis SSH-7408",
				"SSG sshd_do_not_permit_user_env", "dev-sec sshd-17"),
		.description = "PermitUserEnvironment must be 'no' (LD_PRELOAD through ~/.ssh/environment)." SSHD_DESC_TAIL,
		.run = ssh_permit_user_environment,
	},
	{
		.id = "ssh.max-auth-tries", .title = "SSH limits authentication attempts",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.6", "ASB SshMaxAuthTriesIsSet", "Lynis SSH-7408", "SSG sshd_set_max_auth_tries",
				"dev-sec sshd-19"),
		.description = "MaxAuthTries 4 or fewer (default 6)." SSHD_DESC_TAIL,
		.run = ssh_max_auth_tries,
	},
	{
		.id = "ssh.log-level", .title = "SSH logs logins",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.4", "ASB SshLogLevelIsSet", "Lynis SSH-7408", "SSG sshd_set_loglevel_info",
				"dev-sec sshd-13"),
		.description = "LogLevel INFO or VERBOSE." SSHD_DESC_TAIL,
		.run = ssh_log_level,
	},
	{
		.id = "ssh.x11-forwarding", .title = "SSH X11 forwarding is off",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.5", "Lynis SSH-7408", "SSG sshd_disable_x11_forwarding", "dev-sec sshd-42"),
		.description = "X11Forwarding 'no'; Debian's sshd_config sets 'yes'." SSHD_DESC_TAIL,
		.run = ssh_x11_forwarding,
	},
	{
		.id = "ssh.weak-crypto", .title = "SSH offers no weak ciphers, MACs or key exchanges",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.12", "CIS 5.2.13", "ASB AppropriateCiphersForSsh",
				"ASB OnlyApprovedMacAlgorithmsAreUsed", "Lynis SSH-7408", "SSG sshd_use_approved_ciphers",
				"SSG sshd_use_approved_macs", "dev-sec sshd-01", "dev-sec sshd-02", "dev-sec sshd-03"),
		.description = "No CBC, RC4 or 3DES ciphers; no MD5, truncated or non-ETM SHA-1 MACs; no SHA-1 key "
			       "exchange, in the effective lists (+/-/^ edits resolved against the version's "
			       "defaults). OpenSSH 9.2's default MAC list still offers hmac-sha1. With a system "
			       "crypto policy, RHEL 8's command-line lists (CRYPTO_POLICY) are sshd's; a weak "
			       "entry the policy sets is for update-crypto-policies, not a drop-in." SSHD_DESC_TAIL,
		.run = ssh_weak_crypto,
	},
	{
		.id = "ssh.idle-timeouts", .title = "SSH drops idle and unauthenticated connections",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "sshd-dropin",
		.refs = CG_REFS("CIS 5.2.15", "ASB SshClientAliveIntervalIsConfigured",
				"ASB SshClientIntervalCountMaxIsConfigured", "ASB SshLoginGraceTimeIsSet", "Lynis SSH-7408",
				"SSG sshd_set_idle_timeout", "SSG sshd_set_keepalive", "SSG sshd_set_login_grace_time",
				"dev-sec sshd-18", "dev-sec sshd-36", "dev-sec sshd-37"),
		.description = "ClientAliveInterval above 0 with ClientAliveCountMax above 0; LoginGraceTime 60 s "
			       "or less." SSHD_DESC_TAIL,
		.run = ssh_idle_timeouts,
	},
	{
		.id = "ssh.config-perms", .title = "sshd configuration files are root's alone",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 5.2.1", "ASB PermissionsOnEtcSshSshdConfig", "Lynis FILE-7524",
				"SSG file_permissions_sshd_config", "dev-sec sshd-05"),
		.description = "/etc/ssh, sshd_config.d and every file sshd reads (Includes followed) are owned by "
			       "root and not group- or world-writable. CIS asks 0600; Debian ships 0644, which is "
			       "not a fault here.",
		.run = ssh_config_perms,
	},
	{
		.id = "ssh.host-key-perms", .title = "SSH host keys are protected",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 5.2.2", "CIS 5.2.3", "SSG file_permissions_sshd_private_key",
				"SSG file_permissions_sshd_pub_key"),
		.description = "Private host keys (HostKey entries and /etc/ssh/ssh_host_*_key) 0600 root, or 0640 "
			       "root:ssh_keys; public keys owned by root, not writable by others. That the keys are "
			       "present at all is gen.ssh-host-keys' concern.",
		.run = ssh_host_key_perms,
	},
	{
		.id = "ssh.config-syntax", .title = "sshd would accept its configuration",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("sshd -t"),
		.description = "Unknown keywords, missing arguments, unbalanced quotes and unreadable Include'd "
			       "files make sshd refuse to start: a VM made from the image would be unreachable.",
		.run = ssh_config_syntax,
	},
};

CG_FAMILY(family_ssh, "ssh", "SSH daemon configuration", ssh_checks);
