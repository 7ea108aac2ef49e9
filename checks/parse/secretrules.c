/* Content rules of secrets.*: shapes from research/secrets.md §5 (gitleaks, trufflehog,
 * detect-secrets), each with a judge that applies boundaries, entropy and the allow-lists. */
#include "secretrules.h"

#include <ctype.h>
#include <fnmatch.h>

#include "redact.h"
#include "util.h"

/* Rule indexes other rules refer to (requires); keep in step with the table order. */
enum { R_GCP_SA_KEY = 0, R_GCP_REFRESH = 1 };

/* log2 without libm: split off the exponent, then the atanh series (|z| <= 1/3, 12 terms). */
static double log2_approx(double x)
{
	double z, z2, sum = 0, term;
	int e = 0;

	while (x >= 1.0) {
		x /= 2;
		e++;
	}
	while (x < 0.5) {
		x *= 2;
		e--;
	}
	z = (x - 1) / (x + 1);
	z2 = z * z;
	term = z;
	for (int k = 1; k < 25; k += 2) {
		sum += term / k;
		term *= z2;
	}
	return e + 2 * sum / 0.69314718055994530942;
}

bool secret_path_is_vendored(const char *path)
{
	static const char *const globs[] = {
		"*/node_modules/*", "*/site-packages/*", "*/dist-packages/*", "*/lib/python[23]*/*",
		"*/share/doc/*", "*/share/man/*", "*/share/locale/*", "*/share/help/*", "*/include/*",
		"*/test/*", "*/tests/*", "*/__tests__/*", "*/testdata/*", "*/examples/*", "*/example/*",
		"*.egg-info/*", "*.dist-info/*", "*/vendor/*", "*.map", "*/perl5/*", "*/perl/5*",
	};
	for (size_t i = 0; i < ELEMENTSOF(globs); i++)
		if (fnmatch(globs[i], path, 0) == 0)
			return true;
	return false;
}

double secret_entropy(const char *s, size_t n)
{
	unsigned counts[256] = {0};
	double h = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	for (int i = 0; i < 256; i++)
		if (counts[i]) {
			double p = (double)counts[i] / (double)n;
			h -= p * log2_approx(p);
		}
	/* the approximation is a hair off at p = 1; entropy is never below 0 nor above 8 bits */
	return h < 0 ? 0 : h > 8 ? 8 : h;
}

static bool contains_ci(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return true;
	return false;
}

static bool contains(const char *s, size_t n, const char *word)
{
	return memmem(s, n, word, strlen(word)) != NULL;
}

/* Words that mark documentation, templates and masks rather than a credential (gitleaks'
 * stopwords and the decoys of research/secrets.md §5). */
static const char *const placeholder_words[] = {
	"example", "changeme", "change_me", "change-me", "replace", "placeholder", "your_", "your-",
	"yourpass", "yourtoken", "yourkey", "<your", "dummy", "redacted", "xxxx", "****", "....", "sample",
	"insert", "fixme", "todo", "notreal", "not_real", "password", "passwd", "secret_here", "token_here",
	"123456", "abcdef", "qwerty", "s3cr3t", "letmein", "hunter2",
};

bool secret_is_placeholder(const char *s, size_t n)
{
	unsigned char seen[256] = {0};
	unsigned distinct = 0;

	if (n == 0)
		return true;
	/* template references: $VAR ${VAR} %VAR% <value> {{ v }} #{v} [value] */
	if (strchr("$%<{[*", s[0]))
		return true;
	if (contains(s, n, "${") || contains(s, n, "{{") || contains(s, n, "}}") || contains(s, n, "#{") ||
	    contains(s, n, "%(") || contains(s, n, "<%"))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(placeholder_words); i++)
		if (contains_ci(s, n, placeholder_words[i]))
			return true;
	for (size_t i = 0; i < n; i++)
		if (!seen[(unsigned char)s[i]]++)
			distinct++;
	return distinct <= 3;
}

/* Dotted identifiers and bare words are code (`password = self.password`), not values. */
static bool looks_like_code(const char *s, size_t n)
{
	bool dot = false, digit = false, other = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.')
			dot = true;
		else if (isdigit(c))
			digit = true;
		else if (!isalpha(c) && c != '_')
			other = true;
	}
	if (other)
		return false;
	if (!digit)
		return true;                          /* a word or a dotted name */
	return dot && isalpha((unsigned char)s[0]); /* obj.attr2 */
}

/* 8-4-4-4-12 hex: tenant, client and file-system ids, not secrets (detect-secrets' filter). */
static bool is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool secret_value_is_credential(const char *s, size_t n)
{
	bool lower = false, upper = false, digit = false;

	if (n < 8 || n > 256 || secret_is_placeholder(s, n) || looks_like_code(s, n) || is_uuid(s, n))
		return false;
	/* paths, URLs and numbers are not passwords */
	if (s[0] == '/' || s[0] == '~' || s[0] == '.' || contains(s, n, "://"))
		return false;
	/* calls, indexing and markup are code */
	if (memchr(s, '(', n) || memchr(s, ')', n) || memchr(s, '[', n) || memchr(s, '<', n) || memchr(s, '{', n) ||
	    contains(s, n, "->"))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (islower(c))
			lower = true;
		else if (isupper(c))
			upper = true;
		else if (isdigit(c))
			digit = true;
	}
	/* a password mixes letters with digits or cases; prose and identifiers do not */
	if (lower + upper + digit < 2)
		return false;
	return secret_entropy(s, n) >= 3.0;
}

void secret_cut_value(const char *p, const char *end, const char **v, size_t *n)
{
	char q = 0;
	const char *s;

	while (p < end && strchr(" \t:=>\\", *p))
		p++;
	if (p < end && (*p == '"' || *p == '\'' || *p == '`'))
		q = *p++;
	s = p;
	if (q)
		while (p < end && *p != q && *p != '\n' && *p != '\r' && !(*p == '\\' && p + 1 < end && p[1] == q))
			p++;
	else {
		/* unquoted: up to blank or a separator of the surrounding syntax (a, b; JS objects) */
		while (p < end && !isspace((unsigned char)*p) && *p != ',' && *p != ';' && *p != '<')
			p++;
		/* trailing punctuation of the surrounding syntax */
		while (p > s && strchr(",;\"'", p[-1]))
			p--;
	}
	*v = s;
	*n = (size_t)(p - s);
}

static bool is_tokchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Boundaries: a token glued to more token characters is part of something else. */
static bool bounded(const struct secret_cand *c)
{
	if (c->from > 0 && isalnum((unsigned char)c->buf[c->from - 1]))
		return false;
	if (c->to < c->len && is_tokchar(c->buf[c->to]) && c->buf[c->to] != '-')
		return false;
	return true;
}

static void keep_span(struct secret_cand *c, const char *s, size_t n)
{
	c->secret = s;
	c->secret_len = n;
}

/* Prefixed tokens (ghp_, glpat-, npm_, ...): the prefix makes them near-zero-FP; the random part
 * must still look random (rules out "ghp_xxxxxxxx..." in docs). */
static bool judge_prefixed(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from, skip = 0;

	if (!bounded(c))
		return false;
	while (skip < n && skip < 12 && s[skip] != '_' && s[skip] != '-')
		skip++;
	if (skip < n)
		skip++;
	if (skip >= n || secret_is_placeholder(s + skip, n - skip) || secret_entropy(s + skip, n - skip) < 3.0)
		return false;
	keep_span(c, s, n);
	return true;
}

static bool judge_aws_id(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;

	/* AWS's documentation keys end in EXAMPLE (AKIAIOSFODNN7EXAMPLE) */
	if (n >= 7 && memcmp(s + n - 7, "EXAMPLE", 7) == 0)
		return false;
	if (secret_is_placeholder(s + 4, n - 4) || secret_entropy(s + 4, n - 4) < 2.5)
		return false;
	keep_span(c, s, n);
	return true;
}

static const char *op_after_key(const struct secret_cand *c)
{
	const char *end = c->buf + c->to;
	for (const char *p = c->buf + c->from; p < end; p++)
		if (*p == '=' || *p == ':' || *p == '>')
			return p;
	return end;
}

/* "key = value" rules with a fixed value shape: the pattern holds the shape; the judge cuts the
 * value, checks its right edge and the allow-lists. */
static bool judge_aws_secret(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *end = c->buf + c->to;
	const char *s = end - 40;

	if (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || c->buf[c->to] == '/' || c->buf[c->to] == '+'))
		return false;
	if (contains(s, 40, "EXAMPLEKEY") || secret_is_placeholder(s, 40) || secret_entropy(s, 40) < 3.5)
		return false;
	keep_span(c, s, 40);
	return true;
}

/* The Azurite/storage-emulator account key is published (devstoreaccount1); its SHA-256
 * fingerprint is kept instead of the value. */
static const char azurite_key_fp[] = "0011cc25eb43";

static bool judge_azure_storage(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->to - 88;
	char fp[13];

	if (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || c->buf[c->to] == '/' || c->buf[c->to] == '+'))
		return false;
	redact_fingerprint(s, 88, fp);
	if (streq(fp, azurite_key_fp) || secret_is_placeholder(s, 86) || secret_entropy(s, 86) < 4.0)
		return false;
	keep_span(c, s, 88);
	return true;
}

static bool judge_assigned(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *v;
	size_t n;

	secret_cut_value(op_after_key(c), c->buf + c->len, &v, &n);
	if (n < 8 || secret_is_placeholder(v, n) || secret_entropy(v, n) < 2.5)
		return false;
	keep_span(c, v, n);
	return true;
}

/* .npmrc syntax: "_authToken=" at the start of a line or after "registry/:" — not "x._auth = y". */
static bool judge_npmrc_line(const struct secret_rule *rule, struct secret_cand *c)
{
	size_t p = c->from;
	while (p > 0 && (c->buf[p - 1] == ' ' || c->buf[p - 1] == '\t'))
		p--;
	if (p > 0 && c->buf[p - 1] != '\n' && c->buf[p - 1] != ':')
		return false;
	return judge_assigned(rule, c);
}

static bool judge_password(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *v;
	size_t n;

	secret_cut_value(op_after_key(c), c->buf + c->len, &v, &n);
	if (!secret_value_is_credential(v, n))
		return false;
	keep_span(c, v, n);
	return true;
}

static bool judge_azure_ad(const struct secret_rule *rule, struct secret_cand *c)
{
	static const char set[] = "_~.-";
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;

	if ((c->from > 0 && (isalnum((unsigned char)c->buf[c->from - 1]) || strchr(set, c->buf[c->from - 1]))) ||
	    (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || strchr(set, c->buf[c->to]))))
		return false;
	if (secret_is_placeholder(s, n) || secret_entropy(s, n) < 3.5)
		return false;
	keep_span(c, s, n);
	return true;
}

/* SAS: the signature is only a credential inside a real SAS query (a version, an expiry). */
static bool judge_sas(const struct secret_rule *rule, struct secret_cand *c)
{
	size_t ls = c->from, le = c->to;
	const char *v = c->buf + c->from + 5;
	size_t n;

	while (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || strchr("%+/=", c->buf[c->to])))
		c->to++;
	n = c->to - c->from - 5;

	while (ls > 0 && c->buf[ls - 1] != '\n')
		ls--;
	while (le < c->len && c->buf[le] != '\n')
		le++;
	if (!memmem(c->buf + ls, le - ls, "sv=", 3) && !memmem(c->buf + ls, le - ls, "se=", 3))
		return false;
	if (secret_is_placeholder(v, n) || secret_entropy(v, n) < 3.5)
		return false;
	keep_span(c, v, n);
	return true;
}

static bool word_is(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && strncasecmp(s, *words, n) == 0)
			return true;
	return false;
}

/* scheme://user:password@host — documentation is full of user:pass@example.com. */
static bool judge_url(const struct secret_rule *rule, struct secret_cand *c)
{
	static const char *const weak[] = {"pass", "pw", "pwd", "secret", "token", "guest", "anonymous", "user",
					   "username", "login", "x-oauth-basic", "foo", "bar", "baz", NULL};
	const char *s = c->buf + c->from, *end = c->buf + c->to;
	const char *user = strstr(s, "://") + 3, *colon, *at, *host;

	colon = memchr(user, ':', (size_t)(end - user));
	at = colon ? memchr(colon, '@', (size_t)(end - colon)) : NULL;
	if (!colon || !at)
		return false;
	host = at + 1;
	size_t un = (size_t)(colon - user), pn = (size_t)(at - colon - 1), hn = (size_t)(end - host);
	if (pn < 3 || word_is(colon + 1, pn, weak) || secret_is_placeholder(colon + 1, pn) ||
	    (un == pn && memcmp(user, colon + 1, pn) == 0))
		return false;
	if (contains_ci(host, hn, "example") || contains_ci(host, hn, "hostname") || (hn == 4 && strncasecmp(host, "host", 4) == 0) ||
	    word_is(host, hn, (const char *const[]){"server", "domain", "myhost", "yourhost", "domain.com", "host.com", NULL}))
		return false;
	keep_span(c, colon + 1, pn);
	return true;
}

static int b64url_value(int ch)
{
	if (ch >= 'A' && ch <= 'Z') return ch - 'A';
	if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9') return ch - '0' + 52;
	if (ch == '-' || ch == '+') return 62;
	if (ch == '_' || ch == '/') return 63;
	return -1;
}

/* Decode at most OUTMAX bytes of base64url. */
static size_t b64url_decode(const char *s, size_t n, char *out, size_t outmax)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n && o < outmax; i++) {
		int v = b64url_value((unsigned char)s[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

/* A JWT's header decodes to JSON naming its algorithm. */
static bool judge_jwt(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;
	const char *dot = memchr(s, '.', n);
	char head[256];
	size_t hn;

	if (!dot || !bounded(c))
		return false;
	hn = b64url_decode(s, (size_t)(dot - s), head, sizeof head);
	if (hn < 8 || head[0] != '{' || !memmem(head, hn, "\"alg\"", 5))
		return false;
	keep_span(c, s, n);
	return true;
}

static bool judge_file_marker(const struct secret_rule *rule, struct secret_cand *c)
{
	/* the whole file is the credential; the evidence is the matched marker's value */
	const char *v;
	size_t n;

	secret_cut_value(op_after_key(c), c->buf + c->len, &v, &n);
	keep_span(c, v, n);
	return true;
}

const struct secret_rule secret_rules[] = {
	/* helpers first (their indexes are R_*) */
	[R_GCP_SA_KEY] = {.id = "gcp-sa-private-key", .owner = SO_HELPER, .requires = -1,
	 .pattern = "\"private_key\"[ \\t]*:[ \\t]*\"-----BEGIN"},
	[R_GCP_REFRESH] = {.id = "gcp-refresh-token", .owner = SO_HELPER, .requires = -1,
	 .pattern = "\"refresh_token\"[ \\t]*:[ \\t]*\"[^\"]{10}"},

	/* secrets.private-keys (SSH host keys and the snakeoil key belong to gen.*) */
	{.id = "private-key", .owner = SO_PRIVATE_KEYS, .requires = -1,
	 .pattern = "-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY( BLOCK)?-----",
	 .judge = secretkeys_judge_pem, .message = "private key", .context = true},
	{.id = "putty-private-key", .owner = SO_PRIVATE_KEYS, .requires = -1,
	 .pattern = "PuTTY-User-Key-File-[23]: ",
	 .judge = secretkeys_judge_putty, .message = "PuTTY private key", .context = true},

	/* secrets.cloud-credentials found by content anywhere */
	{.id = "gcp-service-account-key", .owner = SO_CLOUD, .requires = R_GCP_SA_KEY,
	 .pattern = "\"type\"[ \\t]*:[ \\t]*\"service_account\"",
	 .judge = judge_file_marker, .message = "GCP service-account key file (JSON with a private key)"},
	{.id = "gcp-user-credentials", .owner = SO_CLOUD, .requires = R_GCP_REFRESH,
	 .pattern = "\"type\"[ \\t]*:[ \\t]*\"authorized_user\"",
	 .judge = judge_file_marker, .message = "GCP user credentials (JSON with a refresh token)"},
	{.id = "azure-client-secret", .owner = SO_CLOUD, .requires = -1,
	 .pattern = "(AZURE|ARM)_CLIENT_SECRET[\"']?[ \\t]*[:=][ \\t]*[\"']?[^ \\t\"'\\r\\n]{8}",
	 .judge = judge_assigned, .message = "Azure service-principal secret in an environment assignment"},

	/* secrets.tokens: prefixed tokens */
	{.id = "aws-access-key-id", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\\b",
	 .judge = judge_aws_id, .message = "AWS access key id"},
	{.id = "github-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})",
	 .judge = judge_prefixed, .message = "GitHub token"},
	{.id = "gitlab-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "gl(pat|rt|dt|ptt|cbt|oas|imt|soat|ffct|ft|agent)-[A-Za-z0-9_-]{20}",
	 .judge = judge_prefixed, .message = "GitLab token", .extend = true},
	{.id = "npm-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "npm_[A-Za-z0-9]{36}",
	 .judge = judge_prefixed, .message = "npm access token"},
	{.id = "pypi-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50}",
	 .judge = judge_prefixed, .message = "PyPI API token", .extend = true},
	{.id = "dockerhub-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "dckr_(pat|oat)_[A-Za-z0-9_-]{27}",
	 .judge = judge_prefixed, .message = "Docker Hub access token", .extend = true},
	{.id = "slack-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(xox[baprse]-[0-9]{6,}-[A-Za-z0-9-]{8}|xapp-1-[A-Z0-9]{8})",
	 .judge = judge_prefixed, .message = "Slack token", .extend = true},
	{.id = "slack-webhook", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{24}",
	 .judge = judge_prefixed, .message = "Slack incoming-webhook URL"},
	{.id = "stripe-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[rs]k_live_[A-Za-z0-9]{24}",
	 .judge = judge_prefixed, .message = "Stripe live key", .extend = true},
	{.id = "google-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "AIza[A-Za-z0-9_-]{35}",
	 .judge = judge_prefixed, .message = "Google API key"},
	{.id = "azure-ad-client-secret", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
	 .judge = judge_azure_ad, .message = "Azure AD (Entra) client secret"},

	/* secrets.tokens: context rules for unprefixed secrets */
	{.id = "aws-secret-access-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "(aws_?secret_?(access_?)?key|secret_?access_?key)\\\\?[\"']?[ \\t]*(=>|:=|[:=])[ \\t]*\\\\?[\"']?[A-Za-z0-9/+]{40}",
	 .judge = judge_aws_secret, .message = "AWS secret access key"},
	{.id = "azure-storage-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "AccountKey[\"']?[ \\t]*[=:][ \\t]*[\"']?[A-Za-z0-9+/]{86}==",
	 .judge = judge_azure_storage, .message = "Azure storage account key"},
	{.id = "azure-sas-signature", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[?&;]sig=[A-Za-z0-9%+/=]{20}",
	 .judge = judge_sas, .message = "Azure shared access signature", .context = true},
	{.id = "npm-auth-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "_auth(Token)?[ \\t]*=[ \\t]*[^ \\t\\r\\n]{8}",
	 .judge = judge_npmrc_line, .message = "npm registry credential", .context = true},
	{.id = "password-in-url", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@ \\t\"'<>\\r\\n]+:[^@/ \\t\"'<>\\r\\n]{3,}@[A-Za-z0-9][A-Za-z0-9.-]*",
	 .judge = judge_url, .message = "password in a URL", .context = true},
	{.id = "password-assignment", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "(password|passwd|passwort|pwd|secret|api_?key|access_?token|auth_?token|client_?secret|secret_?key)"
	 "\\\\?[\"']?[ \\t]*(=>|:=|[:=>])[ \\t]*\\\\?[\"'`]?[A-Za-z0-9!#%&*+,./;=?@^_|~-]{8}",
	 .judge = judge_password, .message = "password or secret assigned in clear", .context = true},
	{.id = "jwt", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}",
	 .judge = judge_jwt, .message = "JSON Web Token", .context = true},
};

const size_t secret_nrules = ELEMENTSOF(secret_rules);
