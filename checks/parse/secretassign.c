/* SPDX-License-Identifier: Apache-2.0 */
/* The keyword-assignment engine of secrets.tokens and the command-line credential rules. Both are
 * judges: they run only on the lines Vectorscan located for their rule (a credential-like word
 * followed by an assignment operator, or a command's credential option), never over whole files.
 *
 * An assignment is read by the syntax of its own line, not by the file's name: INI and .env
 * (key = value), YAML and Ruby (key: value), JSON ("key": "value"), TOML, XML elements
 * (<password>v</password>) and attributes (password="v"), Java .properties (a.b.password=v), shell
 * (export KEY='v'), systemd (Environment="KEY=v"), and source string assignments (Python, Go :=,
 * PHP and Perl =>, C#, JavaScript). The key is scored by its last word; the value by its shape. */
#include <ctype.h>

#include "secretrules.h"
#include "util.h"

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* PASSWORD, YOUR_PASSWORD, PASS: how usage texts name the value. */
static bool all_upper_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool is_keych(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool ci_eq(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static bool ci_ends(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	return n >= l && strncasecmp(s + n - l, w, l) == 0;
}

/* Split KEY into words (separators _ - . and lower-to-upper case changes); the last two that
 * are not all digits. */
static void last_words(const char *k, size_t n, const char **w1, size_t *n1, const char **w2, size_t *n2)
{
	const char *ws[16] = {0};
	size_t wl[16] = {0}, nw = 0;
	size_t i = 0;

	while (i < n && nw < 16) {
		size_t s;
		while (i < n && !isalnum((unsigned char)k[i]))
			i++;
		if (i >= n)
			break;
		s = i++;
		while (i < n && isalnum((unsigned char)k[i]) &&
		       !(isupper((unsigned char)k[i]) && islower((unsigned char)k[i - 1])))
			i++;
		ws[nw] = k + s;
		wl[nw++] = i - s;
	}
	/* trailing numbers (some_api_token_123) do not name anything */
	while (nw && all_digits(ws[nw - 1], wl[nw - 1]))
		nw--;
	*w1 = nw ? ws[nw - 1] : k;
	*n1 = nw ? wl[nw - 1] : 0;
	*w2 = nw > 1 ? ws[nw - 2] : k;
	*n2 = nw > 1 ? wl[nw - 2] : 0;
}

int secret_key_score(const char *k, size_t n)
{
	static const char *const strong[] = {"password", "passwd", "passwort", "pwd", "passphrase", "secret",
					     "token", "apikey", "secretkey", "accesskey", "privatekey", "psk",
					     "credential", "credentials", "authtoken", "accesstoken", "apitoken",
					     "clientsecret", "pass", NULL};
	static const char *const qualifiers[] = {"api", "access", "secret", "private", "client", "auth", "signing",
						 "encryption", "master", "shared", "account", "app", "application",
						 "license", "subscription", "service", "storage", "admin", NULL};
	const char *w1, *w2;
	size_t n1, n2;

	if (n == 0 || n > 64)
		return 0;
	last_words(k, n, &w1, &n1, &w2, &n2);
	if (!n1)
		return 0;
	for (const char *const *s = strong; *s; s++)
		if (ci_eq(w1, n1, *s))
			return ci_eq(w1, n1, "pass") ? 1 : 2;
	/* glued lower-case names: dbpassword, mysecrettoken, adminpwd */
	if (ci_ends(w1, n1, "password") || ci_ends(w1, n1, "passwd") || ci_ends(w1, n1, "secret") ||
	    ci_ends(w1, n1, "token") || ci_ends(w1, n1, "apikey"))
		return 2;
	if (ci_eq(w1, n1, "key"))
		for (const char *const *q = qualifiers; *q; q++)
			if (ci_eq(w2, n2, *q))
				return 2;
	/* "auth" alone (npm _auth, docker auth) holds credentials, but also flags and method names */
	if (ci_eq(w1, n1, "auth"))
		return 1;
	return 0;
}

static bool is_hash(const char *v, size_t n)
{
	static const char *const pfx[] = {"$1$", "$2a$", "$2b$", "$2y$", "$5$", "$6$", "$y$", "$7$", "$argon2", "$pbkdf2",
					  "{SSHA", "{SHA", "{CRYPT}", "{PBKDF2", "sha1:", "sha256:", "sha512:", "md5:",
					  "pbkdf2:", "pbkdf2_sha256$", "bcrypt$", "argon2$", "scrypt:", NULL};
	for (const char *const *p = pfx; *p; p++)
		if (n > strlen(*p) && strncasecmp(v, *p, strlen(*p)) == 0)
			return true;
	return false;
}

static bool is_hex(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* References to where the secret really lives, and encrypted values. */
static bool is_reference(const char *v, size_t n)
{
	static const char *const pfx[] = {"env:", "file:", "vault:", "secret:", "secrets:", "ssm:", "arn:aws:", "awskms:",
					  "projects/", "@Microsoft.KeyVault", "!vault", "ENC[", "enc:", "keyring:",
					  "op://", "bws://", "sops:", "ref+", "gpg:", "base64:", "$ANSIBLE_VAULT", "%env(",
					  "process.env", "os.environ", "getenv", "System.getenv", "ENV[", "env(", NULL};
	for (const char *const *p = pfx; *p; p++)
		if (n >= strlen(*p) && strncasecmp(v, *p, strlen(*p)) == 0)
			return true;
	return false;
}

/* A URL query (two or more name=value pairs joined by '&', such as a SAS token's 'sv=...&se=...')
 * none of whose names is a credential's: the secret of such a query is a named parameter ('sig',
 * 'password'), which its own rule judges; without one there is nothing secret in it. */
static bool is_query_without_secret(const char *v, size_t n)
{
	size_t pairs = 0;

	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && (isalnum((unsigned char)v[k]) || v[k] == '_' || v[k] == '-'))
			k++;
		if (k == i || k >= n || v[k] != '=')
			return false;
		if (secret_key_score(v + i, k - i) > 0 || ci_eq(v + i, k - i, "sig") || ci_eq(v + i, k - i, "signature"))
			return false;
		pairs++;
		i = k + 1;
		while (i < n && v[i] != '&')
			i++;
		i += i < n;
	}
	return pairs >= 2;
}

bool secret_assigned_value_ok(const char *v, size_t n, int score, bool password_key)
{
	if (score <= 0 || is_hash(v, n) || is_reference(v, n) || is_query_without_secret(v, n))
		return false;
	/* a stored hex digest under a password key is a hash, not the password */
	if (password_key && (n == 32 || n == 40 || n == 64 || n == 128) && is_hex(v, n))
		return false;
	if (!secret_value_is_credential(v, n))
		return false;
	/* prose and messages ('Unexpected token: %s'), and words (Proxy-Authenticate, some_name) */
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)v[i]))
			return false;
	{
		bool digit = false, sym = false, sep = false, lo = false, up = false;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)v[i];
			digit |= isdigit(ch) != 0;
			lo |= islower(ch) != 0;
			up |= isupper(ch) != 0;
			sep |= ch == '-' || ch == '_' || ch == '.';
			sym |= !isalnum(ch) && ch != '-' && ch != '_' && ch != '.';
		}
		if (!digit && !sym && (sep || n < 16 || !lo || !up || secret_entropy(v, n) < 3.5))
			return false;
	}
	/* a weaker key needs a value that is plainly random */
	if (score == 1 && (n < 16 || secret_entropy(v, n) < 3.5))
		return false;
	return true;
}

/* The key around the rule's match: identifier characters before and after the matched word,
 * without the quotes, the XML '<' or the '$' of a variable. */
static void key_around(const struct secret_cand *c, const char **k, size_t *kn, size_t *op)
{
	size_t s = c->from, e = s;

	while (s > 0 && is_keych(c->buf[s - 1]))
		s--;
	while (e < c->to && is_keych(c->buf[e]))
		e++;
	*k = c->buf + s;
	*kn = e - s;
	/* the operator: first of = : > after the key (quotes, a backslash and blanks between) */
	while (e < c->to && strchr("\"'\\ \t", c->buf[e]))
		e++;
	*op = e;
}

static void keep(struct secret_cand *c, const char *v, size_t n)
{
	c->secret = v;
	c->secret_len = n;
}

/* A quoted literal: closed on its line and not glued into an expression ("a" + b, "a" % x). */
static bool quoted_literal_ends(const struct secret_cand *c, const char *e, char q)
{
	const char *end = c->buf + c->len;

	if (e >= end || *e != q)
		return false;
	for (e++; e < end && (*e == ' ' || *e == '\t'); e++)
		;
	return e >= end || !strchr("+.%", *e);
}

/* An unquoted value is a configuration line's (INI, .env, YAML, .properties, shell, systemd): the
 * key opens the line and the value closes it. In source code an unquoted value is an expression
 * or a type (token: TToken;), and in prose the key sits mid-sentence. */
static bool config_line(const struct secret_cand *c, const char *key, const char *vend)
{
	static const char *const lead[] = {"export ", "set ", "- ", "Environment=\"", "Environment=", "env ", "declare -x ", NULL};
	const char *ls = key, *end = c->buf + c->len;

	while (ls > c->buf && ls[-1] != '\n')
		ls--;
	while (ls < key && (*ls == ' ' || *ls == '\t'))
		ls++;
	for (const char *const *l = lead; *l && ls < key; l++)
		if ((size_t)(key - ls) >= strlen(*l) && strncmp(ls, *l, strlen(*l)) == 0)
			ls += strlen(*l);
	while (ls < key && (*ls == '"' || *ls == '\''))
		ls++;
	if (ls != key)
		return false;
	while (vend < end && (*vend == '"' || *vend == '\''))
		vend++;
	while (vend < end && (*vend == ' ' || *vend == '\t' || *vend == '\r'))
		vend++;
	return vend >= end || *vend == '\n' || *vend == '#';
}

/* A pair of a connection string (ADO.NET, ODBC, libpq keywords, JDBC properties): "Server=db;User
 * Id=app;Password=v;" as an appsettings.json value or a line of its own. The key follows ';' or
 * opens the string, the value runs to ';' or the string's end, and the string names a server. */
static bool conn_string_pair(const struct secret_cand *c, const char *key, const char *vend)
{
	static const char *const hosts[] = {"server=", "host=", "data source=", "datasource=", "address=", "addr=",
					    "hostname=", NULL};
	const char *b = key, *ls = key, *le = vend, *end = c->buf + c->len;

	while (b > c->buf && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	if (b > c->buf && !strchr(";\"'\n", b[-1]))
		return false;
	if (vend < end && !strchr(";\"'\r\n", *vend))
		return false;
	while (ls > c->buf && ls[-1] != '\n')
		ls--;
	while (le < end && *le != '\n')
		le++;
	for (const char *p = ls; p < le; p++) {
		if (p > ls && !strchr(";\"' \t", p[-1]))
			continue;
		for (const char *const *h = hosts; *h; h++)
			if ((size_t)(le - p) > strlen(*h) && strncasecmp(p, *h, strlen(*h)) == 0)
				return true;
	}
	return false;
}

bool secret_judge_assignment(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *k, *v;
	size_t kn, op, n, p;
	int score;
	char q = 0;

	key_around(c, &k, &kn, &op);
	/* a compare is not an assignment: ==, !=, <=, >= */
	if (op >= c->to || (op + 1 < c->len && c->buf[op] == '=' && c->buf[op + 1] == '=') ||
	    (op > 0 && strchr("!<>", c->buf[op - 1]) && c->buf[op] == '='))
		return false;
	score = secret_key_score(k, kn);
	if (score <= 0)
		return false;
	/* an XML element's text runs to its closing tag */
	p = op;
	if (c->buf[p] == '>' && (k > c->buf && k[-1] == '<')) {
		const char *s = c->buf + p + 1, *end = c->buf + c->len, *lt = memchr(s, '<', (size_t)(end - s));
		if (!lt || lt[1] != '/')
			return false;
		v = s;
		n = (size_t)(lt - s);
	} else {
		if (c->buf[p] == '>' || (c->buf[p] == '=' && p + 1 < c->len && c->buf[p + 1] == '>'))
			p += c->buf[p] == '=' ? 2 : 1; /* PHP/Perl => */
		else if (c->buf[p] == ':' && p + 1 < c->len && c->buf[p + 1] == '=')
			p += 2; /* Go := */
		else
			p++;
		while (p < c->len && (c->buf[p] == ' ' || c->buf[p] == '\t' || c->buf[p] == '\\'))
			p++;
		if (p < c->len && strchr("\"'`", c->buf[p]))
			q = c->buf[p];
		secret_cut_value(c->buf + p, c->buf + c->len, &v, &n);
		if (q ? !quoted_literal_ends(c, v + n, q) : !config_line(c, k, v + n) && !conn_string_pair(c, k, v + n))
			return false;
	}
	if (n && (strchr(",+", v[0]) || strchr(",+", v[n - 1])))
		return false;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	while (n && isspace((unsigned char)*v))
		v++, n--;
	if (!secret_assigned_value_ok(v, n, score,
				      ci_ends(k, kn, "password") || ci_ends(k, kn, "passwd") || ci_ends(k, kn, "pwd")))
		return false;
	keep(c, v, n);
	return true;
}

/* ---- credentials on command lines ---- */

/* The line holding the match. */
static void line_of(const struct secret_cand *c, size_t *ls, size_t *le)
{
	size_t s = c->from, e = s;
	while (s > 0 && c->buf[s - 1] != '\n')
		s--;
	while (e < c->len && c->buf[e] != '\n')
		e++;
	*ls = s;
	*le = e;
}

/* Does the line, before AT, run one of COMMANDS (a word of its own)? */
static const char *command_before(const struct secret_cand *c, size_t at, const char *const *commands)
{
	size_t ls, le;

	line_of(c, &ls, &le);
	for (const char *const *cmd = commands; *cmd; cmd++) {
		size_t l = strlen(*cmd);
		for (size_t i = ls; i + l <= at; i++)
			if (memcmp(c->buf + i, *cmd, l) == 0 && (i == ls || !is_keych(c->buf[i - 1]) || c->buf[i - 1] == '.') &&
			    (i + l == le || !is_keych(c->buf[i + l])))
				return *cmd;
	}
	return NULL;
}

/* One shell word starting at P (quotes stripped): its span. */
static size_t shell_word(const char *p, const char *end, const char **w)
{
	char q = 0;
	const char *s;

	if (p < end && (*p == '"' || *p == '\''))
		q = *p++;
	s = p;
	if (q)
		while (p < end && *p != q && *p != '\n')
			p++;
	else
		while (p < end && !isspace((unsigned char)*p) && !strchr(";|&)`", *p))
			p++;
	*w = s;
	return (size_t)(p - s);
}

/* Words documentation uses as a password (with a digit or two after them). */
static bool weak_word(const char *v, size_t n)
{
	static const char *const words[] = {"postgres", "admin", "root", "test", "guest", "secure", "mysql", "default",
					    "pass", "demo", "user", "welcome", "foobar", "mypass", "mypassword", NULL};
	while (n && isdigit((unsigned char)v[n - 1]))
		n--;
	for (const char *const *w = words; *w; w++)
		if (ci_eq(v, n, *w))
			return true;
	return false;
}

/* A value typed on a command line that is a secret, not a variable, a prompt or a file. */
static bool cli_value_ok(const char *v, size_t n)
{
	if (n < 4 || n > 256 || v[0] == '$' || v[0] == '/' || v[0] == '~' || v[0] == '<' || v[0] == '-' || v[0] == '%' ||
	    v[0] == '`' || v[0] == '@')
		return false;
	if (memchr(v, '$', n) || secret_is_placeholder(v, n) || weak_word(v, n))
		return false;
	/* a bare word is a prompt, a path or a name more often than a password */
	return secret_entropy(v, n) >= 2.5;
}

static bool cli_keep(struct secret_cand *c, const char *v, size_t n, const char *cmd, const char *what)
{
	if (!cli_value_ok(v, n))
		return false;
	keep(c, v, n);
	c->message = xasprintf("%s password on a '%s' command line (scripts, units, cron and histories keep it)", what, cmd);
	return true;
}

/* curl -u user:pass, smbclient -U user%pass: the pattern matched the option; the value follows. */
static bool judge_user_pass(struct secret_cand *c, const char *const *commands, char sep)
{
	const char *cmd = command_before(c, c->from, commands), *w, *colon;
	const char *p = c->buf + c->from, *end = c->buf + c->len;
	size_t n;

	if (!cmd)
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p + 1 < end && p[1] == '-')
		while (p < end && is_keych(*p))
			p++; /* --user */
	else
		p += 2; /* -u, -U; "-Uuser%pw" glued too */
	while (p < end && (*p == ' ' || *p == '\t' || *p == '='))
		p++;
	n = shell_word(p, end, &w);
	colon = memchr(w, sep, n);
	if (!colon || colon == w)
		return false;
	return cli_keep(c, colon + 1, (size_t)(w + n - colon - 1), cmd, "a");
}

bool secret_judge_cli_user(const struct secret_rule *rule, struct secret_cand *c)
{
	static const char *const cmds[] = {"curl", NULL};
	return judge_user_pass(c, cmds, ':');
}

bool secret_judge_cli_smb(const struct secret_rule *rule, struct secret_cand *c)
{
	static const char *const cmds[] = {"smbclient", "smbmap", "rpcclient", "smbcacls", "smbget", "smbcquotas",
					   "smbtree", "net", "winexe", NULL};
	return judge_user_pass(c, cmds, '%');
}

/* --password X, --password=X, --http-password=X (wget, docker, az, mysql, and any other tool). */
bool secret_judge_cli_password_option(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *p = c->buf + c->from, *end = c->buf + c->len, *w, *eq;
	size_t n, ls, le;
	char cmd[32];

	line_of(c, &ls, &le);
	/* the command: the first word of the line (after sudo/env assignments) */
	{
		const char *s = c->buf + ls, *e;
		size_t k = 0;
		while (s < p && (isspace((unsigned char)*s) || *s == '$' || *s == '>' || *s == '#'))
			s++;
		e = s;
		while (e < p && !isspace((unsigned char)*e))
			e++;
		k = (size_t)(e - s);
		snprintf(cmd, sizeof cmd, "%.*s", (int)(k < sizeof cmd - 1 ? k : sizeof cmd - 1), s);
	}
	/* documentation of the option itself (--password=PASSWORD in a usage text) */
	eq = p;
	while (eq < end && (*eq == ' ' || *eq == '\t'))
		eq++;
	while (eq < end && (is_keych(*eq)))
		eq++;
	while (eq < end && (*eq == ' ' || *eq == '\t' || *eq == '='))
		eq++;
	n = shell_word(eq, end, &w);
	if (n && all_upper_word(w, n))
		return false;
	return cli_keep(c, w, n, cmd[0] ? cmd : "?", "a");
}

/* mysql -pSECRET (glued), sshpass -p SECRET, docker/podman/az login -p SECRET: the pattern holds
 * the command and the option; the value is the word after the last "-p" of the match. */
bool secret_judge_cli_short_p(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from, *p = NULL, *end = c->buf + c->len, *w;
	size_t n, cl = 0;
	char cmd[32];

	for (const char *q = s; q + 1 < c->buf + c->to; q++)
		if (q[0] == '-' && q[1] == 'p' && (q == s || q[-1] == ' ' || q[-1] == '\t'))
			p = q;
	if (!p)
		return false;
	while (s + cl < p && !isspace((unsigned char)s[cl]))
		cl++;
	snprintf(cmd, sizeof cmd, "%.*s", (int)(cl < sizeof cmd - 1 ? cl : sizeof cmd - 1), s);
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	n = shell_word(p, end, &w);
	return cli_keep(c, w, n, cmd, "a");
}

/* htpasswd -b[c|B|m|s|p] FILE USER PASSWORD (-n: no FILE). */
bool secret_judge_cli_htpasswd(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *p = c->buf + c->from + strlen("htpasswd"), *end, *w, *words[12];
	size_t ls, le, n, wl[12], nw = 0, npos = 0, want;
	bool batch = false, nofile = false;

	line_of(c, &ls, &le);
	end = c->buf + le;
	while (nw < ELEMENTSOF(words)) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		n = shell_word(p, end, &w);
		if (!n)
			break;
		words[nw] = w;
		wl[nw++] = n;
		p = w + n;
		if (p < end && (*p == '"' || *p == '\''))
			p++;
	}
	for (size_t i = 0; i < nw; i++) {
		if (npos == 0 && words[i][0] == '-') {
			batch |= memchr(words[i], 'b', wl[i]) != NULL;
			nofile |= memchr(words[i], 'n', wl[i]) != NULL;
			if (wl[i] == 2 && (words[i][1] == 'C' || words[i][1] == 'r'))
				i++; /* -C cost, -r rounds */
			continue;
		}
		want = nofile ? 2 : 3;
		if (++npos == want)
			return batch && cli_keep(c, words[i], wl[i], "htpasswd", "a");
	}
	return false;
}

/* PGPASSWORD=..., MYSQL_PWD=..., SSHPASS=... set for one command or exported. */
bool secret_judge_cli_env(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *eq = memchr(c->buf + c->from, '=', c->to - c->from), *w;
	size_t n;
	char name[32];

	if (!eq || (c->from > 0 && is_keych(c->buf[c->from - 1])))
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(eq - (c->buf + c->from)), c->buf + c->from);
	n = shell_word(eq + 1, c->buf + c->len, &w);
	if (!cli_value_ok(w, n))
		return false;
	keep(c, w, n);
	c->message = xasprintf("%s set in clear for a command (scripts, units, cron and histories keep it)", name);
	return true;
}
