/* SPDX-License-Identifier: Apache-2.0 */
/* acct.*: accounts, passwords, sudo and PAM policy of the image (research/hardening.md §5.2).
 * Everything is read from the image's own files (passwd, shadow, group, login.defs, sudoers,
 * pam.d), so the checks are the same live and offline. */
#include <ctype.h>
#include <strings.h>

#include "acctdb.h"
#include "ctx.h"
#include "families.h"
#include "gen_checks.h"
#include "imgdir.h"
#include "imgfile.h"
#include "logindefs.h"
#include "pamstack.h"
#include "redact.h"
#include "sudoers.h"

#define UID_MIN_DEFAULT 1000
#define UID_MAX_DEFAULT 60000

struct acctview {
	struct acctdb db;
	struct logindefs defs;
	long uid_min, uid_max;
};

/* Load the account databases and login.defs; 1 when the image has no passwd (skip). */
static int view_load(struct cg_ctx *ctx, struct cg_result *r, struct acctview *v)
{
	const char *failed = NULL;
	int e = acctdb_load(&ctx->fs, &v->db, &failed);

	if (e == -ENOENT && streq(failed, "/etc/passwd")) {
		result_skip(r, "the image has no /etc/passwd");
		return 1;
	}
	if (e < 0) {
		result_add_error(r, failed, e, "cannot read");
		return e;
	}
	e = logindefs_load(&ctx->fs, &v->defs);
	if (e < 0) {
		result_add_error(r, LOGINDEFS_WHERE(&v->defs), e, "cannot read");
		return e;
	}
	if (!logindefs_num(&v->defs, "UID_MIN", &v->uid_min))
		v->uid_min = UID_MIN_DEFAULT;
	if (!logindefs_num(&v->defs, "UID_MAX", &v->uid_max))
		v->uid_max = UID_MAX_DEFAULT;
	return 0;
}

static void view_free(struct acctview *v)
{
	acctdb_free(&v->db);
	logindefs_free(&v->defs);
}

static json_t *cfg_get(struct cg_ctx *ctx, const char *path)
{
	return ctx->cfg ? config_get(ctx->cfg, path) : NULL;
}

/* The hash an account logs in with: shadow's, or passwd's own field when it is not "x". */
static const char *account_hash(const struct acctview *v, const struct user *u, const char **file, unsigned *line)
{
	const struct shadow_ent *s;

	if (!streq(u->passwd, "x")) {
		*file = "/etc/passwd";
		*line = u->line;
		return u->passwd;
	}
	s = acctdb_shadow(&v->db, u->name);
	if (!s)
		return NULL;
	*file = "/etc/shadow";
	*line = s->line;
	return s->hash;
}

static int acct_empty_password(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);

	for (size_t i = 0; e == 0 && i < v.db.passwd.n; i++) {
		const struct user *u = &v.db.passwd.v[i];
		const char *file = NULL;
		unsigned line = 0;
		const char *h = account_hash(&v, u, &file, &line);
		if (h && acctdb_password_state(h) == ACCT_PW_EMPTY)
			result_add_finding(r, file, line, u->name, NULL,
					   "account '%s' has an empty password field: anyone can log in as it; safe "
					   "value: '!' or '*' (locked), e.g. passwd -l %s", u->name, u->name);
	}
	view_free(&v);
	return e < 0 ? e : 0;
}

static int acct_root_password_locked(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);
	const struct user *root;

	if (e == 0 && (root = users_find(&v.db.passwd, "root"))) {
		const char *file = NULL;
		unsigned line = 0;
		const char *h = account_hash(&v, root, &file, &line);
		if (h && acctdb_password_state(h) != ACCT_PW_LOCKED) {
			_cleanup_free_ char *ev = redact_secret(h, strlen(h));
			result_add_finding(r, file, line, "root", ev,
					   "root has a usable password (%s), shared by every VM made from the image; "
					   "safe value: '*' or '!' (locked; waagent deprovision deletes it too)",
					   *h ? "a hash" : "empty");
		}
	}
	view_free(&v);
	return e < 0 ? e : 0;
}

static int acct_uid0_only_root(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);

	for (size_t i = 0; e == 0 && i < v.db.passwd.n; i++) {
		const struct user *u = &v.db.passwd.v[i];
		if (u->uid == 0 && !streq(u->name, "root"))
			result_add_finding(r, "/etc/passwd", u->line, "uid0", u->name,
					   "account '%s' has uid 0, i.e. it is root under another name; safe: only "
					   "'root' has uid 0", u->name);
		if (streq(u->name, "root") && u->gid != 0)
			result_add_finding(r, "/etc/passwd", u->line, "root-gid", NULL,
					   "root's primary group is %u; safe value: 0", (unsigned)u->gid);
	}
	view_free(&v);
	return e < 0 ? e : 0;
}

static int acct_unique_ids(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);
	const struct users *pw = &v.db.passwd;

	if (e != 0)
		goto out;
	for (size_t i = 0; i < pw->n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (streq(pw->v[j].name, pw->v[i].name)) {
				result_add_finding(r, "/etc/passwd", pw->v[i].line, "duplicate-name", pw->v[i].name,
						   "user name '%s' appears again (first at line %u); safe: each name once",
						   pw->v[i].name, pw->v[j].line);
				break;
			}
			if (pw->v[j].uid == pw->v[i].uid && pw->v[i].uid != 0) {
				result_add_finding(r, "/etc/passwd", pw->v[i].line, "duplicate-uid", pw->v[i].name,
						   "'%s' shares uid %u with '%s'; safe: a unique uid per account",
						   pw->v[i].name, (unsigned)pw->v[i].uid, pw->v[j].name);
				break;
			}
		}
		/* without any /etc/group (a bare tree, not an OS) group consistency is not judged */
		if (v.db.has_group && !acctdb_group_by_gid(&v.db, pw->v[i].gid))
			result_add_finding(r, "/etc/passwd", pw->v[i].line, "missing-group", pw->v[i].name,
					   "'%s' has primary gid %u, which /etc/group does not define; safe: add the "
					   "group or fix the gid", pw->v[i].name, (unsigned)pw->v[i].gid);
	}
	for (size_t i = 0; i < v.db.ngroup; i++)
		for (size_t j = 0; j < i; j++) {
			const struct group_ent *a = &v.db.group[j], *b = &v.db.group[i];
			if (streq(a->name, b->name) || a->gid == b->gid) {
				result_add_finding(r, "/etc/group", b->line, streq(a->name, b->name) ? "duplicate-group" : "duplicate-gid",
						   b->name, "group '%s' (gid %u) clashes with '%s' (gid %u) at line %u; "
						   "safe: unique group names and gids", b->name, (unsigned)b->gid, a->name,
						   (unsigned)a->gid, a->line);
				break;
			}
		}
	for (size_t i = 0; i < pw->nplus; i++)
		result_add_finding(r, "/etc/passwd", pw->plus[i], "legacy-plus", NULL,
				   "legacy NIS '+'/'-' entry; safe: remove it (nsswitch.conf selects NIS)");
	for (size_t i = 0; i < v.db.nplus; i++)
		result_add_finding(r, v.db.plus[i].file, v.db.plus[i].line, "legacy-plus", NULL,
				   "legacy NIS '+'/'-' entry; safe: remove it (nsswitch.conf selects NIS)");
	for (size_t i = 0; i < pw->nbad; i++)
		result_add_finding(r, "/etc/passwd", pw->bad[i], "malformed", NULL,
				   "malformed line that getpwent(3) skips; safe: 7 colon-separated fields with numeric ids");
	for (size_t i = 0; i < v.db.nbad; i++)
		result_add_finding(r, v.db.bad[i].file, v.db.bad[i].line, "malformed", NULL,
				   "malformed line (%s) that the C library skips; fix or remove it", v.db.bad[i].why);
out:
	view_free(&v);
	return e < 0 ? e : 0;
}

static bool allowed_user(struct cg_ctx *ctx, const char *name)
{
	json_t *list = cfg_get(ctx, "accounts.allowed_users");
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it)
		if (json_is_string(it) && streq(json_string_value(it), name))
			return true;
	return false;
}

static bool strv_has(const struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i], s))
			return true;
	return false;
}

/* A build user (gen.build-user-access's list: the Packer SSH user, remediate.build_users,
 * waagent's provisioned admin) is judged in the last phase: the build is logged in as it until
 * the deprovision step (waagent -deprovision+user, userdel) removes it. Its rule says so, and
 * remediation leaves it to that step; any other regular account is a plain leftover. */
static int acct_leftover_users(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	struct strv build = {0};
	int e = view_load(ctx, r, &v);

	if (e == 0)
		gen_access_build_users(ctx, r, &build);
	for (size_t i = 0; e == 0 && i < v.db.passwd.n; i++) {
		const struct user *u = &v.db.passwd.v[i];
		if ((long)u->uid < v.uid_min || (long)u->uid > v.uid_max || allowed_user(ctx, u->name))
			continue;
		if (strv_has(&build, u->name))
			result_add_finding(r, "/etc/passwd", u->line, "build-user", u->name,
					   "build user '%s' (uid %u) is baked into the image; the deprovision step "
					   "removes it last (waagent -deprovision+user, or userdel -r %s)", u->name,
					   (unsigned)u->uid, u->name);
		else
			result_add_finding(r, "/etc/passwd", u->line, u->name, u->name,
					   "regular account '%s' (uid %u, shell %s, home %s) is baked into the image: "
					   "remove it in the build (userdel -r %s), name it in remediate.build_users for "
					   "the deprovision step, or list it in accounts.allowed_users", u->name,
					   (unsigned)u->uid, *u->shell ? u->shell : "/bin/sh", u->home, u->name);
	}
	strv_free(&build);
	view_free(&v);
	return e < 0 ? e : 0;
}

/* Whether a sudoers user-list item names someone or some group that exists. */
static bool sudo_item_exists(const struct acctview *v, const struct sudoers *s, const char *item)
{
	char *end;

	if (*item == '!')
		item++;
	if (streq(item, "ALL") || *item == '+' || startswith(item, "%:") || sudoers_is_user_alias(s, item))
		return true;
	if (item[0] == '%' && item[1] == '#')
		return acctdb_group_by_gid(&v->db, (gid_t)strtoul(item + 2, &end, 10)) != NULL;
	if (item[0] == '%')
		return acctdb_group(&v->db, item + 1) != NULL;
	if (item[0] == '#')
		return acctdb_user_by_uid(&v->db, (uid_t)strtoul(item + 1, &end, 10)) != NULL;
	return users_find(&v->db.passwd, item) != NULL;
}

/* Whether every item of a sudoers user list is a build user by exact name. */
static bool only_build_users(const struct strv *items, const struct strv *build)
{
	for (size_t i = 0; i < items->n; i++)
		if (!strv_has(build, items->v[i]))
			return false;
	return items->n > 0;
}

static int acct_sudoers_nopasswd(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	struct sudoers s = {0};
	struct strv build = {0};
	int e = view_load(ctx, r, &v);

	if (e != 0)
		goto out;
	gen_access_build_users(ctx, r, &build);
	e = sudoers_load(&ctx->fs, &s);
	if (e == -ENOENT) {
		result_skip(r, "no %s: sudo is not installed", SUDOERS_MAIN);
		e = 1;
		goto out;
	}
	if (e < 0) {
		result_add_error(r, SUDOERS_MAIN, e, "cannot read");
		goto out;
	}
	if (s.io_err < 0) {
		e = s.io_err;
		result_add_error(r, s.io_path, e, "cannot read");
		goto out;
	}
	/* SUSE's default: "Defaults targetpw" with "ALL ALL=(ALL) ALL" lets every account run anything as
	 * root with root's password; Microsoft's SUSE guide removes both lines before capture */
	bool targetpw = false;
	for (size_t i = 0; i < s.n; i++)
		for (size_t k = 0; s.v[i].kind == SUDO_DEFAULTS && !*s.v[i].binding && k < s.v[i].settings.n; k++)
			targetpw |= streq(s.v[i].settings.v[k], "targetpw");
	for (size_t i = 0; i < s.n; i++) {
		const struct sudo_rule *ru = &s.v[i];
		if (targetpw && ru->kind == SUDO_USERSPEC && ru->all_cmds && ru->users.n == 1 && streq(ru->users.v[0], "ALL"))
			result_add_finding(r, ru->file, ru->line, "targetpw-all", ru->text,
					   "'Defaults targetpw' with '%s' lets every account run any command as root with "
					   "root's password (SUSE's default); remove both lines (Azure's SUSE guide)", ru->text);
		/* a grant to build users only is gen.build-user-access's finding, removed in the last phase */
		if (ru->kind == SUDO_USERSPEC && ru->nopasswd && !only_build_users(&ru->users, &build))
			result_add_finding(r, ru->file, ru->line, ru->nopasswd_all ? "nopasswd-all" : "nopasswd", ru->text,
					   "NOPASSWD grant%s: '%s'; safe: require the password (drop NOPASSWD) or "
					   "remove the build user's rule", ru->nopasswd_all ? " of every command" : "",
					   ru->text);
		if (ru->kind == SUDO_DEFAULTS)
			for (size_t k = 0; k < ru->settings.n; k++)
				if (streq(ru->settings.v[k], "!authenticate"))
					result_add_finding(r, ru->file, ru->line, "no-authenticate", ru->text,
							   "'%s' lets sudo run without asking for a password; safe: "
							   "remove '!authenticate'", ru->text);
		if (ru->kind == SUDO_USERSPEC || (ru->kind == SUDO_ALIAS && streq(ru->binding, "User_Alias")))
			for (size_t k = 0; k < ru->users.n; k++)
				if (!sudo_item_exists(&v, &s, ru->users.v[k]))
					result_add_finding(r, ru->file, ru->line, "missing-user", ru->users.v[k],
							   "names '%s', which the image's passwd/group do not define: a "
							   "leftover grant (whoever is created with that name later gets "
							   "it); safe: remove the rule", ru->users.v[k]);
	}
	for (size_t i = 0; i < s.ndiags; i++)
		result_add_finding(r, s.diags[i].file, s.diags[i].line, "syntax", NULL,
				   "%s; sudo stops at a sudoers error, fix the file", s.diags[i].msg);
out:
	strv_free(&build);
	sudoers_free(&s);
	view_free(&v);
	return e < 0 ? e : 0;
}

static int acct_system_accounts_nologin(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);

	for (size_t i = 0; e == 0 && i < v.db.passwd.n; i++) {
		const struct user *u = &v.db.passwd.v[i];
		const char *file = NULL;
		unsigned line = 0;
		if (u->uid == 0 || (long)u->uid >= v.uid_min || streq(u->name, "root"))
			continue;
		if (u->uid == 65534 && !acctdb_login_shell(u->shell))
			continue;
		if (acctdb_login_shell(u->shell))
			result_add_finding(r, "/etc/passwd", u->line, "shell", u->name,
					   "system account '%s' (uid %u) has the login shell '%s'; safe value: "
					   "/usr/sbin/nologin", u->name, (unsigned)u->uid, *u->shell ? u->shell : "/bin/sh");
		const char *h = account_hash(&v, u, &file, &line);
		if (h && acctdb_password_state(h) == ACCT_PW_HASH)
			result_add_finding(r, file, line, "password", u->name,
					   "system account '%s' has a usable password; safe value: '*' (locked)", u->name);
	}
	view_free(&v);
	return e < 0 ? e : 0;
}

/* crypt(3) schemes CIS accepts: SHA-512, yescrypt, gost-yescrypt, scrypt. */
static bool strong_hash(const char *h)
{
	return startswith(h, "$6$") || startswith(h, "$y$") || startswith(h, "$gy$") || startswith(h, "$7$");
}

static int acct_password_hashing(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	struct pamstack pam = {0};
	int e = view_load(ctx, r, &v);
	const struct logindefs_item *m;

	if (e != 0)
		goto out;
	m = logindefs_find(&v.defs, "ENCRYPT_METHOD");
	if (!m)
		result_add_finding(r, LOGINDEFS_WHERE(&v.defs), 0, "ENCRYPT_METHOD", NULL,
				   "ENCRYPT_METHOD is not set, so shadow's tools fall back to DES; safe value: "
				   "'ENCRYPT_METHOD YESCRYPT' or 'SHA512'");
	else if (strcasecmp(m->value, "SHA512") != 0 && strcasecmp(m->value, "YESCRYPT") != 0)
		result_add_finding(r, LOGINDEFS_WHERE(&v.defs), m->line, "ENCRYPT_METHOD", m->value,
				   "ENCRYPT_METHOD is '%s'; safe value: YESCRYPT or SHA512", m->value);
	e = pamstack_load(&ctx->fs, "common-password", &pam);
	if (e == -ENOENT)
		e = pamstack_load(&ctx->fs, "system-auth", &pam);
	if (e < 0 && e != -ENOENT) {
		result_add_error(r, pam.io_path ? pam.io_path : "/etc/pam.d/common-password", e, "cannot read");
		goto out;
	}
	e = 0;
	for (size_t i = 0; i < pam.n; i++) {
		static const char *const weak[] = {"md5", "bigcrypt", "sha256", "blowfish"};
		const struct pam_entry *pe = &pam.v[i];
		if (!streq(pe->type, "password") || !endswith(pe->module, "pam_unix.so"))
			continue;
		for (size_t k = 0; k < ELEMENTSOF(weak); k++)
			if (pamstack_arg(pe, weak[k]))
				result_add_finding(r, pe->file, pe->line, "pam_unix", weak[k],
						   "pam_unix hashes new passwords with '%s'; safe: 'yescrypt' or 'sha512'",
						   weak[k]);
	}
	for (size_t i = 0; i < v.db.nshadow; i++) {
		const struct shadow_ent *s = &v.db.shadow[i];
		if (acctdb_password_state(s->hash) != ACCT_PW_HASH || strong_hash(s->hash))
			continue;
		const char *end = s->hash[0] == '$' ? strchr(s->hash + 1, '$') : NULL;
		_cleanup_free_ char *scheme = end ? xstrndup(s->hash, (size_t)(end - s->hash) + 1) : xstrdup("DES");
		result_add_finding(r, "/etc/shadow", s->line, s->name, scheme,
				   "'%s' has a password hashed with the weak scheme '%s'; safe: set it again under "
				   "yescrypt ($y$) or SHA-512 ($6$), or lock it", s->name, scheme);
	}
out:
	pamstack_free(&pam);
	view_free(&v);
	return e < 0 ? e : 0;
}

/* Report a login.defs number outside [lo, hi]; DEF is shadow's value when the key is absent. */
static void judge_def(struct cg_result *r, const struct logindefs *d, const char *key, long def, long lo, long hi,
		      const char *safe)
{
	const struct logindefs_item *it = logindefs_find(d, key);
	long val;

	if (!logindefs_num(d, key, &val))
		val = def;
	if (val >= lo && val <= hi)
		return;
	result_add_finding(r, LOGINDEFS_WHERE(d), it ? it->line : 0, key, it ? it->value : NULL,
			   "%s is %ld%s; safe value: %s", key, val, it ? "" : " (not set: the default)", safe);
}

/* KEY=value in a shell-style defaults file (/etc/default/useradd). */
static bool shell_var(const char *text, const char *key, char **value, unsigned *line)
{
	size_t n = strlen(key);
	unsigned lineno = 0;
	bool found = false;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, n) == 0 && p[n] == '=') {
			free(*value);
			*value = xstrndup(p + n + 1, nl ? (size_t)(nl - p - n - 1) : strlen(p + n + 1));
			*line = lineno;
			found = true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return found;
}

static int acct_password_aging(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);
	_cleanup_free_ char *useradd = NULL, *inactive = NULL;
	unsigned line = 0;

	if (e != 0)
		goto out;
	judge_def(r, &v.defs, "PASS_MAX_DAYS", 99999, 1, 365, "365 or fewer");
	judge_def(r, &v.defs, "PASS_MIN_DAYS", 0, 1, 99999, "1 or more");
	judge_def(r, &v.defs, "PASS_WARN_AGE", 7, 7, 99999, "7 or more");
	e = safefs_read_file(&ctx->fs, "/etc/default/useradd", 1 << 20, &useradd, NULL);
	if (e < 0 && e != -ENOENT) {
		result_add_error(r, "/etc/default/useradd", e, "cannot read");
		goto out;
	}
	e = 0;
	long days = -1;
	if (useradd && shell_var(useradd, "INACTIVE", &inactive, &line))
		days = strtol(inactive, NULL, 10);
	if (days < 0 || days > 30)
		result_add_finding(r, "/etc/default/useradd", line, "INACTIVE", inactive,
				   "INACTIVE is %ld%s: accounts with expired passwords are never locked; safe "
				   "value: 30 or fewer days", days, line ? "" : " (not set)");
	/* accounts that exist already keep the values they were created with */
	for (size_t i = 0; i < v.db.nshadow; i++) {
		const struct shadow_ent *s = &v.db.shadow[i];
		if (acctdb_password_state(s->hash) == ACCT_PW_HASH && (s->max < 0 || s->max > 365))
			result_add_finding(r, "/etc/shadow", s->line, s->name, NULL,
					   "'%s' has a password that never has to change (max %ld days); safe: "
					   "chage --maxdays 365 %s", s->name, s->max, s->name);
	}
out:
	view_free(&v);
	return e < 0 ? e : 0;
}

/* umask lines of shell start-up files: "umask 022" outside comments. */
static void judge_umask_file(struct cg_ctx *ctx, struct cg_result *r, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	unsigned lineno = 0;
	int e = safefs_read_file(&ctx->fs, path, 1 << 20, &buf, NULL);

	if (e == -ENOENT)
		return;
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	for (char *p = buf, *nl; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		while (isspace((unsigned char)*p))
			p++;
		if (!startswith(p, "umask") || !isspace((unsigned char)p[5]))
			continue;
		char *q = p + 5, *end;
		while (isspace((unsigned char)*q))
			q++;
		long mask = strtol(q, &end, 8);
		if (end == q)
			continue; /* symbolic or variable: not judged */
		if ((mask & 027) != 027)
			result_add_finding(r, path, lineno, "umask", q,
					   "sets umask %03lo: new files are readable by everyone; safe value: 027 or 077", mask);
	}
}

static int acct_default_umask(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	struct strv profiles = {0};
	_cleanup_free_ char *where = NULL;
	int e = view_load(ctx, r, &v);

	if (e != 0)
		goto out;
	const struct logindefs_item *it = logindefs_find(&v.defs, "UMASK");
	long mask;
	if (!logindefs_num(&v.defs, "UMASK", &mask))
		mask = 022;
	if ((mask & 027) != 027)
		result_add_finding(r, LOGINDEFS_WHERE(&v.defs), it ? it->line : 0, "UMASK", it ? it->value : NULL,
				   "UMASK is %03lo%s (pam_umask and useradd use it); safe value: 027 or 077", mask,
				   it ? "" : " (not set)");
	strv_push(&profiles, "/etc/profile");
	strv_push(&profiles, "/etc/bash.bashrc");
	strv_push(&profiles, "/etc/bashrc");
	int gl = imgdir_glob(&ctx->fs, "/etc/profile.d/*.sh", &profiles, &where);
	if (gl < 0)
		result_add_error(r, where, gl, "cannot list");
	for (size_t i = 0; i < profiles.n; i++)
		judge_umask_file(ctx, r, profiles.v[i]);
out:
	strv_free(&profiles);
	view_free(&v);
	return e < 0 ? e : 0;
}

/* The last "KEY = N" of FILES, files of libpam's and libpwquality's "key = value" form with '#'
 * comments (pwquality.conf, faillock.conf, pwhistory.conf): DEF when none sets it, and then
 * *WHERE and *LINE are left as they are. */
static long conf_num(struct cg_ctx *ctx, struct cg_result *r, const struct strv *files, const char *key, long def,
		     char **where, unsigned *line)
{
	long v = def;
	size_t klen = strlen(key);

	for (size_t i = 0; i < files->n; i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned lineno = 0;
		int e = imgfile_read(&ctx->fs, files->v[i], 1 << 20, &buf, NULL);
		if (e < 0 && e != -ENOENT && e != -ENOTDIR)
			result_add_error(r, files->v[i], e, "cannot read");
		if (e < 0)
			continue;
		for (char *p = buf, *nl; p && *p; p = nl) {
			nl = strchr(p, '\n');
			if (nl)
				*nl++ = '\0';
			lineno++;
			while (isspace((unsigned char)*p))
				p++;
			if (strncmp(p, key, klen) != 0)
				continue;
			char *q = p + klen;
			while (isspace((unsigned char)*q))
				q++;
			if (*q != '=')
				continue;
			v = strtol(q + 1, NULL, 10);
			free(*where);
			*where = xstrdup(files->v[i]);
			*line = lineno;
		}
	}
	return v;
}

/* pwquality's minlen: the module argument, else pwquality.conf and its .d (last wins). */
static long pwquality_minlen(struct cg_ctx *ctx, struct cg_result *r, const struct pam_entry *pe, char **where,
			     unsigned *line)
{
	struct strv files = {0};
	const char *arg = pamstack_arg(pe, "minlen");

	*where = xstrdup(pe->file);
	*line = pe->line;
	if (arg && *arg)
		return strtol(arg, NULL, 10);
	strv_push(&files, "/etc/security/pwquality.conf");
	_cleanup_free_ char *gwhere = NULL;
	int gl = imgdir_glob(&ctx->fs, "/etc/security/pwquality.conf.d/*.conf", &files, &gwhere);
	if (gl < 0)
		result_add_error(r, gwhere, gl, "cannot list");
	long minlen = conf_num(ctx, r, &files, "minlen", 8 /* libpwquality's default */, where, line);
	strv_free(&files);
	return minlen;
}

static int load_password_stack(struct cg_ctx *ctx, struct cg_result *r, struct pamstack *pam, const char **path)
{
	int e = pamstack_load(&ctx->fs, "common-password", pam);
	*path = "/etc/pam.d/common-password";
	if (e == -ENOENT) {
		e = pamstack_load(&ctx->fs, "system-auth", pam);
		*path = "/etc/pam.d/system-auth";
	}
	if (e == -ENOENT) {
		result_skip(r, "no PAM password stack (common-password, system-auth)");
		return 1;
	}
	if (e < 0)
		result_add_error(r, pam->io_path ? pam->io_path : *path, e, "cannot read");
	if (e == 0 && pam->files.n)
		*path = pam->files.v[0]; /* /usr/lib/pam.d where libpam read it from its vendor directory */
	return e;
}

/* A PAM module's configuration file (faillock.conf, pwhistory.conf) in /etc/security, or where
 * /etc has none, in the vendor directory /usr/etc/security that libpam built with one reads. */
static const char *pam_module_conf(struct cg_ctx *ctx, const char *name, char *buf, size_t size)
{
	char etc[128], vendor[128];

	snprintf(etc, sizeof etc, "/etc/security/%s", name);
	snprintf(vendor, sizeof vendor, "/usr/etc/security/%s", name);
	snprintf(buf, size, "%s", imgfile_etc_or_vendor(&ctx->fs, etc, vendor, NULL));
	return buf;
}

static int acct_pam_pwquality(struct cg_ctx *ctx, struct cg_result *r)
{
	struct pamstack pam = {0};
	const char *path;
	int e = load_password_stack(ctx, r, &pam, &path);

	if (e == 0) {
		const struct pam_entry *pe = pamstack_find(&pam, "password", "pam_pwquality.so");
		if (!pe)
			pe = pamstack_find(&pam, "password", "pam_cracklib.so");
		if (!pe)
			result_add_finding(r, path, 0, "missing", NULL,
					   "no pam_pwquality in the password stack: any password is accepted; safe: "
					   "install libpam-pwquality with minlen=14");
		else {
			_cleanup_free_ char *where = NULL;
			unsigned line;
			long minlen = pwquality_minlen(ctx, r, pe, &where, &line);
			if (minlen < 14)
				result_add_finding(r, where, line, "minlen", NULL,
						   "passwords need only %ld characters; safe value: minlen = 14 or more", minlen);
		}
	}
	pamstack_free(&pam);
	return e < 0 ? e : 0;
}

/* RHEL 8 and later manage /etc/pam.d with authselect: an edit there is undone by the next
 * `authselect apply-changes`, so the safe value is given as the authselect feature. */
#define AUTHSELECT_FEATURE " (authselect manages PAM here: authselect enable-feature "

static const char *authselect_hint(struct cg_ctx *ctx, const char *hint)
{
	return imgfile_exists(&ctx->fs, "/etc/authselect/authselect.conf") > 0 ? hint : "";
}

/* pam_faillock in the auth stack of SERVICE, locking after 1 to 5 failures: deny= on any of its
 * lines, else faillock.conf's deny, else the module's default of 3. 0: judged; 1: no such stack. */
static int judge_faillock(struct cg_ctx *ctx, struct cg_result *r, const char *service)
{
	struct pamstack auth = {0};
	_cleanup_free_ char *path = xasprintf("/etc/pam.d/%s", service);
	int e = pamstack_load(&ctx->fs, service, &auth);

	if (e == -ENOENT) {
		pamstack_free(&auth);
		return 1;
	}
	if (e < 0) {
		result_add_error(r, auth.io_path ? auth.io_path : path, e, "cannot read");
		pamstack_free(&auth);
		return e;
	}
	if (auth.files.n) {
		free(path);
		path = xstrdup(auth.files.v[0]);
	}
	const struct pam_entry *f = pamstack_find(&auth, "auth", "pam_faillock.so");
	if (!f && !pamstack_find(&auth, "auth", "pam_tally2.so"))
		result_add_finding(r, path, 0, "faillock", NULL,
				   "no pam_faillock in the auth stack: password guessing is never locked out; safe: "
				   "pam_faillock with deny=5%s", authselect_hint(ctx, AUTHSELECT_FEATURE "with-faillock)"));
	if (f) {
		_cleanup_free_ char *where = NULL;
		unsigned line = 0;
		long deny;
		const struct pam_entry *d = pamstack_find_arg(&auth, "auth", "pam_faillock.so", "deny");
		if (d) {
			deny = strtol(pamstack_arg(d, "deny"), NULL, 10);
			where = xstrdup(d->file);
			line = d->line;
		} else {
			struct strv conf = {0};
			char cbuf[128];
			strv_push(&conf, pam_module_conf(ctx, "faillock.conf", cbuf, sizeof cbuf));
			deny = conf_num(ctx, r, &conf, "deny", 3 /* pam_faillock's default */, &where, &line);
			strv_free(&conf);
		}
		if (deny == 0 || deny > 5) {
			_cleanup_free_ char *ev = xasprintf("deny=%ld", deny);
			result_add_finding(r, where ? where : f->file, where ? line : f->line, "faillock-deny", ev,
					   "pam_faillock %s; safe value: deny = 5 or fewer",
					   deny == 0 ? "never locks an account (deny = 0)" : "allows more than 5 failures");
		}
	}
	pamstack_free(&auth);
	return 0;
}

static int acct_pam_lockout_reuse(struct cg_ctx *ctx, struct cg_result *r)
{
	struct pamstack pw = {0};
	_cleanup_free_ char *where = NULL;
	unsigned line = 0;
	const char *path;
	int e = load_password_stack(ctx, r, &pw, &path);

	if (e != 0)
		goto out;
	/* Debian, Ubuntu, SUSE: common-auth; RHEL: system-auth, and password-auth, which sshd uses */
	e = judge_faillock(ctx, r, "common-auth");
	if (e == 1) {
		e = judge_faillock(ctx, r, "system-auth");
		if (e == 1)
			result_add_finding(r, "/etc/pam.d/common-auth", 0, "faillock", NULL,
					   "no auth stack (common-auth, system-auth): password guessing is never locked out");
		int e2 = judge_faillock(ctx, r, "password-auth");
		if (e2 < 0 && e >= 0)
			e = e2;
	}
	if (e == 1)
		e = 0;
	if (e < 0)
		goto out;
	const struct pam_entry *h = pamstack_find(&pw, "password", "pam_pwhistory.so");
	const char *rem = h ? pamstack_arg(h, "remember") : NULL;
	long remember = rem ? strtol(rem, NULL, 10) : 0;
	if (h && !rem) {
		/* pam_pwhistory keeps 10 unless told otherwise; pam 1.5 reads pwhistory.conf */
		struct strv conf = {0};
		char cbuf[128];
		strv_push(&conf, pam_module_conf(ctx, "pwhistory.conf", cbuf, sizeof cbuf));
		remember = conf_num(ctx, r, &conf, "remember", 10, &where, &line);
		strv_free(&conf);
		rem = "";
	}
	if (!h) {
		const struct pam_entry *u = pamstack_find(&pw, "password", "pam_unix.so");
		rem = u ? pamstack_arg(u, "remember") : NULL;
		remember = rem ? strtol(rem, NULL, 10) : 0;
		if (rem)
			h = u;
	}
	if (remember < 5) {
		_cleanup_free_ char *ev = rem ? xasprintf("remember=%ld", remember) : NULL;
		result_add_finding(r, where ? where : h ? h->file : path, where ? line : h ? h->line : 0, "pwhistory", ev,
				   "password history %s: old passwords can be reused; safe value: "
				   "pam_pwhistory remember=5 or more%s", rem ? "is too short" : "is not kept",
				   authselect_hint(ctx, AUTHSELECT_FEATURE "with-pwhistory)"));
	}
out:
	pamstack_free(&pw);
	return e < 0 ? e : 0;
}

static int acct_su_restricted(struct cg_ctx *ctx, struct cg_result *r)
{
	struct pamstack pam = {0};
	int e = pamstack_load(&ctx->fs, "su", &pam);

	if (e == -ENOENT) {
		result_skip(r, "no /etc/pam.d/su");
		return 0;
	}
	if (e < 0) {
		result_add_error(r, pam.io_path ? pam.io_path : "/etc/pam.d/su", e, "cannot read");
		pamstack_free(&pam);
		return e;
	}
	const struct pam_entry *w = pamstack_find(&pam, "auth", "pam_wheel.so");
	if (!w || !pamstack_arg(w, "use_uid"))
		result_add_finding(r, w ? w->file : "/etc/pam.d/su", w ? w->line : 0, "pam_wheel", NULL,
				   "any user who knows root's password can su to root; safe: 'auth required "
				   "pam_wheel.so use_uid' in /etc/pam.d/su");
	pamstack_free(&pam);
	return 0;
}

/* Judge the elements of one PATH value. */
static void judge_path_value(struct cg_ctx *ctx, struct cg_result *r, const char *file, unsigned line, const char *val)
{
	_cleanup_free_ char *copy = xstrdup(val);
	char *p = copy;

	for (;;) {
		char *colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		if (streq(p, "$PATH") || streq(p, "${PATH}")) {
			/* the inherited part is judged where it is set */
		} else if (!*p || p[0] != '/') {
			result_add_finding(r, file, line, "relative", *p ? p : "(empty)",
					   "root's PATH holds '%s', which means the current directory; safe: absolute "
					   "directories only", *p ? p : "an empty element");
		} else if (!strchr(p, '$')) {
			struct stat st;
			_cleanup_close_ int fd = safefs_open_dir(&ctx->fs, p);
			if (fd < 0 && fd != -ENOENT && fd != -ENOTDIR)
				result_add_error(r, p, fd, "cannot open");
			if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022)))
				result_add_finding(r, file, line, "writable", p,
						   "root's PATH holds '%s', mode %04o owned by uid %u: whoever can write "
						   "there runs code as root; safe: root-owned, not group/world-writable",
						   p, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		}
		if (!colon)
			break;
		p = colon + 1;
	}
}

static int acct_root_path(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const files[] = {"/etc/environment", "/etc/profile", "/etc/bash.bashrc", "/root/.profile",
					    "/root/.bashrc", "/root/.bash_profile"};
	struct logindefs defs = {0};
	int e = logindefs_load(&ctx->fs, &defs);
	const struct logindefs_item *su;

	if (e < 0)
		result_add_error(r, LOGINDEFS_WHERE(&defs), e, "cannot read");
	su = logindefs_find(&defs, "ENV_SUPATH");
	if (su && startswith(su->value, "PATH="))
		judge_path_value(ctx, r, LOGINDEFS_WHERE(&defs), su->line, su->value + 5);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned lineno = 0;
		e = safefs_read_file(&ctx->fs, files[i], 1 << 20, &buf, NULL);
		if (e == -ENOENT || e == -ENOTDIR)
			continue;
		if (e < 0) {
			result_add_error(r, files[i], e, "cannot read");
			continue;
		}
		for (char *p = buf, *nl; p && *p; p = nl) {
			nl = strchr(p, '\n');
			if (nl)
				*nl++ = '\0';
			lineno++;
			while (isspace((unsigned char)*p))
				p++;
			if (startswith(p, "export "))
				p += 7;
			if (!startswith(p, "PATH="))
				continue;
			char *val = p + 5, *end;
			if (*val == '"' || *val == '\'') {
				char q = *val++;
				end = strchr(val, q);
			} else
				end = val + strcspn(val, " \t;");
			if (end)
				*end = '\0';
			judge_path_value(ctx, r, files[i], lineno, val);
		}
	}
	logindefs_free(&defs);
	return 0;
}

static int acct_home_dirs(struct cg_ctx *ctx, struct cg_result *r)
{
	struct acctview v = {0};
	int e = view_load(ctx, r, &v);

	for (size_t i = 0; e == 0 && i < v.db.passwd.n; i++) {
		const struct user *u = &v.db.passwd.v[i];
		struct stat st;
		struct strv names = {0};

		if (!acctdb_login_shell(u->shell) || (u->uid != 0 && ((long)u->uid < v.uid_min || (long)u->uid > v.uid_max)))
			continue;
		int se = safefs_lstat(&ctx->fs, u->home, &st);
		if (se == -ENOENT || se == -ENOTDIR) {
			result_add_finding(r, u->home, 0, "missing", u->name,
					   "home of '%s' does not exist; safe: create it owned by the user, mode 0750",
					   u->name);
			continue;
		}
		if (se < 0) {
			result_add_error(r, u->home, se, "cannot stat");
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (st.st_uid != u->uid)
			result_add_finding(r, u->home, 0, "owner", u->name, "home of '%s' is owned by uid %u; safe: owned by '%s'",
					   u->name, (unsigned)st.st_uid, u->name);
		if (st.st_mode & 027)
			result_add_finding(r, u->home, 0, "mode", u->name, "home of '%s' is mode %04o; safe value: 0750 or stricter",
					   u->name, (unsigned)(st.st_mode & 07777));
		int le = imgfile_list_dir(&ctx->fs, u->home, &names);
		if (le < 0)
			result_add_error(r, u->home, le, "cannot list");
		for (size_t k = 0; k < names.n; k++) {
				if (names.v[k][0] != '.')
					continue;
				_cleanup_free_ char *p = xasprintf("%s/%s", streq(u->home, "/") ? "" : u->home, names.v[k]);
				int de = safefs_lstat(&ctx->fs, p, &st);
				if (de < 0 && de != -ENOENT)
					result_add_error(r, p, de, "cannot stat");
				if (de == 0 && S_ISREG(st.st_mode) && (st.st_mode & 022))
					result_add_finding(r, p, 0, "dotfile", u->name,
							   "is mode %04o: others can change what '%s' runs at login; safe: "
							   "not group- or world-writable", (unsigned)(st.st_mode & 07777), u->name);
			}
		strv_free(&names);
	}
	view_free(&v);
	return e < 0 ? e : 0;
}

static int acct_trust_files(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const per_user[] = {".rhosts", ".shosts", ".netrc", ".forward"};
	static const char *const global[] = {"/etc/hosts.equiv", "/etc/shosts.equiv"};
	_cleanup_free_ const char **homes = NULL;
	const struct users *u;
	size_t n = 0;
	bool root_listed = false;
	int e = 0;

	u = ctx_users(ctx, &e);
	if (!u && e != -ENOENT)
		result_add_error(r, "/etc/passwd", e, "cannot read");
	if (u)
		n = users_homes(u, &homes);
	for (size_t k = 0; k < n; k++)
		root_listed |= streq(homes[k], "/root");
	/* every home, then /root when passwd does not list it */
	for (size_t i = 0; i < n + !root_listed; i++) {
		const char *home = i < n ? homes[i] : "/root";
		for (size_t k = 0; k < ELEMENTSOF(per_user); k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", home, per_user[k]);
			struct stat st;
			int le = safefs_lstat(&ctx->fs, p, &st);
			if (le < 0 && le != -ENOENT && le != -ENOTDIR)
				result_add_error(r, p, le, "cannot stat");
			if (le == 0)
				result_add_finding(r, p, 0, per_user[k] + 1, NULL,
						   "%s file: %s; safe: remove it", per_user[k],
						   streq(per_user[k], ".netrc") ? "may hold credentials and is read by ftp/curl"
						   : streq(per_user[k], ".forward") ? "forwards or pipes the user's mail"
						   : "grants password-less rsh/ssh trust");
		}
	}
	for (size_t k = 0; k < ELEMENTSOF(global); k++) {
		struct stat st;
		int le = safefs_lstat(&ctx->fs, global[k], &st);
		if (le < 0 && le != -ENOENT && le != -ENOTDIR)
			result_add_error(r, global[k], le, "cannot stat");
		if (le == 0 && (!S_ISREG(st.st_mode) || st.st_size > 0))
			result_add_finding(r, global[k], 0, "hosts-equiv", NULL,
					   "host-based trust file; safe: remove it");
	}
	return 0;
}

static const struct cg_check acct_checks[] = {
	{
		.id = "acct.empty-password", .title = "no account has an empty password",
		.severity = CG_SEV_CRITICAL, .modes = CG_ANYWHERE, .remediation = "lock-account",
		.refs = CG_REFS("CIS 6.2.1", "ASB AllAccountsHavePasswords", "Lynis AUTH-9283",
				"SSG no_empty_passwords_etc_shadow", "dev-sec os-03b"),
		.description = "An empty password field in shadow (or in passwd itself) lets anyone log in as the "
			       "account on the console and through any PAM service with nullok.",
		.run = acct_empty_password,
	},
	{
		.id = "acct.root-password-locked", .title = "root's password is locked",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "lock-account",
		.refs = CG_REFS("waagent deprovision"),
		.description = "root's hash must be '*' or '!…': a password set during the build would be shared "
			       "by every VM. (Overlaps gen.root-password in the generalization family.)",
		.run = acct_root_password_locked,
	},
	{
		.id = "acct.uid0-only-root", .title = "only root has uid 0",
		.severity = CG_SEV_CRITICAL, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("CIS 6.2.2", "ASB RootIsOnlyUidZeroAccount", "ASB DefaultRootAccountGroupIsGidZero",
				"Lynis AUTH-9204", "SSG accounts_no_uid_except_zero", "SSG accounts_root_gid_zero", "dev-sec os-07"),
		.description = "A second uid 0 account is root under another name (a classic backdoor); root's "
			       "primary gid must be 0.",
		.run = acct_uid0_only_root,
	},
	{
		.id = "acct.unique-ids", .title = "account and group ids are unique and consistent",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("ASB NoDuplicateUidsExist", "ASB NoDuplicateGidsExist", "ASB NoDuplicateUserNamesExist",
				"ASB NoDuplicateGroupsExist", "ASB AllEtcPasswdGroupsExistInEtcGroup",
				"ASB NoLegacyPlusEntriesInEtcPasswd", "Lynis AUTH-9208", "Lynis AUTH-9222",
				"Lynis AUTH-9226", "Lynis AUTH-9228", "SSG gid_passwd_group_same", "dev-sec os-07"),
		.description = "No duplicate uids, gids, user or group names; every primary gid exists in group; "
			       "no legacy NIS '+' lines; no malformed lines the C library silently skips.",
		.run = acct_unique_ids,
	},
	{
		.id = "acct.leftover-users", .title = "no build or provisioning users",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "remove-user",
		.refs = CG_REFS("ASB UnnecessaryAccountsAreRemoved", "Lynis AUTH-9234"),
		.description = "Regular accounts (uid between login.defs UID_MIN and UID_MAX) not listed in "
			       "accounts.allowed_users. Build users (packer, vagrant, waagent's provisioned admin, "
			       "remediate.build_users) are judged last: capgate run and wait skip them, and so does "
			       "capgate fix --phase last in a live VM, because the deprovision step that follows "
			       "removes them (waagent -deprovision+user, or userdel -r); capgate-final checks that it "
			       "did. capgate never deletes accounts: any other account is reported for the build to "
			       "remove.",
		.run = acct_leftover_users,
	},
	{
		.id = "acct.sudoers-nopasswd", .title = "sudo asks for a password",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "remove-sudoers-rule",
		.refs = CG_REFS("Lynis AUTH-9250", "Lynis AUTH-9252", "SSG sudo_remove_nopasswd",
				"SSG sudo_remove_no_authenticate"),
		.description = "NOPASSWD rules and '!authenticate' defaults in /etc/sudoers and everything it "
			       "includes (#include/@include, #includedir/@includedir with sudo's file-name rule), "
			       "and rules naming users or groups that do not exist (a leftover sudoers.d/waagent). A "
			       "NOPASSWD grant to build users only is gen.build-user-access's finding (removed last).",
		.run = acct_sudoers_nopasswd,
	},
	{
		.id = "acct.system-accounts-nologin", .title = "system accounts cannot log in",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = "set-nologin",
		.refs = CG_REFS("CIS 5.4.2", "ASB SystemAccountsAreNonLogin", "SSG no_shelllogin_for_systemaccounts",
				"SSG no_password_auth_for_systemaccounts"),
		.description = "Accounts below UID_MIN other than root have a nologin shell (sync, shutdown and "
			       "halt keep theirs) and no usable password.",
		.run = acct_system_accounts_nologin,
	},
	{
		.id = "acct.password-hashing", .title = "passwords are hashed with a strong scheme",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "login-defs",
		.refs = CG_REFS("CIS 5.3.4", "ASB PasswordHashingAlgorithm", "Lynis AUTH-9229", "Lynis AUTH-9230",
				"SSG accounts_password_all_shadowed_sha512"),
		.description = "login.defs ENCRYPT_METHOD YESCRYPT or SHA512; pam_unix without md5/bigcrypt/sha256; "
			       "every shadow hash $y$, $gy$, $7$ or $6$.",
		.run = acct_password_hashing,
	},
	{
		.id = "acct.password-aging", .title = "passwords expire",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "login-defs",
		.refs = CG_REFS("CIS 5.4.1.1", "CIS 5.4.1.2", "CIS 5.4.1.3", "CIS 5.4.1.4",
				"ASB MaxDaysBetweenPasswordChanges", "ASB MinDaysBetweenPasswordChanges",
				"ASB PasswordExpirationWarning", "ASB InactivePasswordLockPeriod", "Lynis AUTH-9286",
				"SSG accounts_maximum_age_login_defs", "SSG accounts_minimum_age_login_defs",
				"SSG accounts_password_warn_age_login_defs", "dev-sec os-05"),
		.description = "login.defs PASS_MAX_DAYS 365 or less, PASS_MIN_DAYS 1 or more, PASS_WARN_AGE 7 or "
			       "more; useradd INACTIVE 30 or less; existing accounts with passwords expire too.",
		.run = acct_password_aging,
	},
	{
		.id = "acct.default-umask", .title = "new files are not world-readable by default",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "login-defs",
		.refs = CG_REFS("CIS 5.4.4", "ASB DefaultUmaskForAllUsers", "Lynis AUTH-9328", "Lynis SHLL-6230",
				"SSG accounts_umask_etc_login_defs", "dev-sec os-05"),
		.description = "UMASK 027 or 077 in login.defs (022 when unset), and no weaker umask in "
			       "/etc/profile, /etc/profile.d/*.sh or the system bashrc.",
		.run = acct_default_umask,
	},
	{
		.id = "acct.pam-pwquality", .title = "password quality is enforced",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("CIS 5.3.1", "ASB PasswordCreationRequirements", "Lynis AUTH-9262",
				"SSG accounts_password_pam_minlen"),
		.description = "pam_pwquality (or pam_cracklib) in the password stack with minlen 14 or more, "
			       "from its arguments or pwquality.conf(.d). A PAM edit is guarded.",
		.run = acct_pam_pwquality,
	},
	{
		.id = "acct.pam-lockout-reuse", .title = "failed logins lock out and passwords are not reused",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("CIS 5.3.2", "CIS 5.3.3", "ASB LockoutForFailedPasswordAttempts",
				"ASB PasswordReuseIsLimited", "SSG accounts_passwords_pam_tally2",
				"SSG accounts_password_pam_pwhistory_remember"),
		.description = "pam_faillock (or pam_tally2) in the auth stack (common-auth; on RHEL system-auth "
			       "and password-auth, which sshd uses) locking after 1 to 5 failures (deny= on its lines, "
			       "else faillock.conf, else 3); pam_pwhistory (remember=, else pwhistory.conf, else 10) or "
			       "pam_unix remember=5 or more in the password stack. With authselect, the safe value is "
			       "named as its feature (with-faillock, with-pwhistory).",
		.run = acct_pam_lockout_reuse,
	},
	{
		.id = "acct.su-restricted", .title = "su is restricted to a group",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "pam-wheel-su",
		.refs = CG_REFS("CIS 5.6", "ASB SuRestrictedToRootGroup", "SSG use_pam_wheel_for_su"),
		.description = "pam_wheel.so use_uid in the auth stack of /etc/pam.d/su (Debian ships it "
			       "commented out).",
		.run = acct_su_restricted,
	},
	{
		.id = "acct.root-path", .title = "root's PATH is safe",
		.severity = CG_SEV_MEDIUM, .modes = CG_ANYWHERE, .remediation = NULL,
		.refs = CG_REFS("CIS 6.2.3", "ASB DotDoesNotAppearInRootsPath", "SSG accounts_root_path_dirs_no_write",
				"SSG root_path_no_dot", "dev-sec os-04"),
		.description = "PATH assignments root gets (login.defs ENV_SUPATH, /etc/environment, /etc/profile, "
			       "root's profile and bashrc) have no '.', empty or relative element and no directory "
			       "that is not root's or is group/world-writable. Only the files are judged, not the "
			       "PATH of a running shell.",
		.run = acct_root_path,
	},
	{
		.id = "acct.home-dirs", .title = "home directories belong to their users",
		.severity = CG_SEV_LOW, .modes = CG_ANYWHERE, .remediation = "fix-perms",
		.refs = CG_REFS("CIS 6.2.4", "CIS 6.2.5", "CIS 6.2.7", "ASB AllUsersHomeDirectoriesExist",
				"ASB UsersOwnTheirHomeDirectories", "ASB RestrictedUserHomeDirectories",
				"ASB UsersDotFilesArentGroupOrWorldWritable", "Lynis HOME-9304", "Lynis HOME-9306",
				"SSG file_permissions_home_directories"),
		.description = "For root and regular accounts with a login shell: the home exists, is owned by "
			       "the user, mode 0750 or stricter, and its dot files are not group/world-writable.",
		.run = acct_home_dirs,
	},
	{
		.id = "acct.trust-files", .title = "no rhosts, netrc or forward files",
		.severity = CG_SEV_HIGH, .modes = CG_ANYWHERE, .remediation = "remove-file",
		.refs = CG_REFS("CIS 6.2.9", "CIS 6.2.11", "ASB NoUsersHaveDotRhostsFiles", "ASB NoUsersHaveDotNetrcFiles",
				"ASB NoUsersHaveDotForwardFiles", "SSG no_rsh_trust_files", "SSG no_netrc_files",
				"dev-sec os-01", "dev-sec os-09"),
		.description = ".rhosts, .shosts, .netrc and .forward in any home, and /etc/hosts.equiv or "
			       "shosts.equiv. A .netrc may carry credentials (secrets.tool-credentials judges them).",
		.run = acct_trust_files,
	},
};

CG_FAMILY(family_acct, "acct", "accounts, passwords, sudo and PAM", acct_checks);
