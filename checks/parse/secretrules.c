/* SPDX-License-Identifier: Apache-2.0 */
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
		"*/third_party/*", "*/fixtures/*", "*_test.py", "*_test.go", "*/test_*.py",
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
	while (skip < n && skip < 12 && s[skip] != '_' && s[skip] != '-' && s[skip] != '.')
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

/* Trailing blanks off a decoded JSON text. */
static size_t json_trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n;
}

/* A JWT's header decodes to a JSON object naming its algorithm, its payload to a JSON object. */
static bool judge_jwt(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from, hl, pl;
	const char *dot = memchr(s, '.', n), *dot2;
	char head[512], body[2048];
	size_t hn, bn;

	if (!dot || !bounded(c))
		return false;
	dot2 = memchr(dot + 1, '.', (size_t)(s + n - dot - 1));
	if (!dot2)
		return false;
	hl = (size_t)(dot - s);
	pl = (size_t)(dot2 - dot - 1);
	hn = b64url_decode(s, hl, head, sizeof head);
	if (hn < 8 || head[0] != '{' || !memmem(head, hn, "\"alg\"", 5))
		return false;
	/* a header decoded whole must close its object */
	if (hl * 3 / 4 < sizeof head && head[json_trim(head, hn) - 1] != '}')
		return false;
	bn = b64url_decode(dot + 1, pl, body, sizeof body);
	if (bn < 2 || body[0] != '{' || !memchr(body, '"', bn))
		return false;
	if (pl * 3 / 4 < sizeof body && body[json_trim(body, bn) - 1] != '}')
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


/* ---- structure and checksum validators ---- */

/* A token with a fixed prefix and no separator to split on: bounded, random, not a placeholder. */
static bool judge_plain(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;

	if (!bounded(c) || secret_is_placeholder(s, n) || secret_entropy(s, n) < 3.0)
		return false;
	keep_span(c, s, n);
	return true;
}


static uint32_t crc32_ieee(const char *s, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static int base62_digit(char ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'A' && ch <= 'Z') return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'z') return ch - 'a' + 36;
	return -1;
}

bool secret_base62_crc_ok(const char *body, size_t n)
{
	unsigned long long v = 0;

	if (n != 36)
		return false;
	for (size_t i = 30; i < 36; i++) {
		int d = base62_digit(body[i]);
		if (d < 0)
			return false;
		v = v * 62 + (unsigned)d;
	}
	return v == crc32_ieee(body, 30);
}

/* GitHub's classic tokens (ghp_ gho_ ghu_ ghs_ ghr_) and npm's carry a CRC-32 of their 30 random
 * characters in their last 6 (base62): a token one character off, truncated or made up fails it. */
static bool judge_crc_token(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;

	if (n > 11 && memcmp(s, "github_pat_", 11) == 0)
		return judge_prefixed(rule, c);
	if (n != 40 || !bounded(c) || !secret_base62_crc_ok(s + 4, 36))
		return false;
	keep_span(c, s, n);
	return true;
}

static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]) || !s[i])
			return false;
	return true;
}

#define DIGITS "0123456789"
#define ALNUM_SET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* GitLab: each prefix has one body length (a token one character off is not a token); routable
 * tokens are a payload, a dot and a 9-character version and checksum. */
static bool judge_gitlab(const struct secret_rule *rule, struct secret_cand *c)
{
	static const struct { const char *prefix; size_t min, max; } kinds[] = {
		{"glpat-", 20, 20}, {"glrt-", 20, 20}, {"gldt-", 20, 20}, {"glptt-", 40, 40}, {"glcbt-", 22, 26},
		{"gloas-", 64, 64}, {"glimt-", 25, 25}, {"glsoat-", 20, 20}, {"glffct-", 20, 20}, {"glft-", 20, 20},
		{"glagent-", 50, 50}, {"glsa-", 20, 20}, {"GR1348941", 20, 20},
	};
	const char *s = c->buf + c->from, *dot;
	size_t n, pl = 0, bl;

	/* the routable form runs on past a dot */
	while (c->to < c->len && (is_tokchar(c->buf[c->to]) || c->buf[c->to] == '.'))
		c->to++;
	while (c->to > c->from && c->buf[c->to - 1] == '.')
		c->to--;
	n = c->to - c->from;
	if (c->from > 0 && (isalnum((unsigned char)c->buf[c->from - 1]) || c->buf[c->from - 1] == '_'))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(kinds) && !pl; i++)
		if (n > strlen(kinds[i].prefix) && memcmp(s, kinds[i].prefix, strlen(kinds[i].prefix)) == 0) {
			pl = strlen(kinds[i].prefix);
			bl = n - pl;
			dot = memchr(s + pl, '.', bl);
			if (dot) {
				/* payload "." version(2) checksum(7): with or without a dot between the two */
				static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
				size_t head = (size_t)(dot - s - (ptrdiff_t)pl), tail = bl - head - 1;
				const char *t = dot + 1;
				bool ok = tail == 9 && all_in(t, 9, b36);
				if (tail >= 10 && tail <= 12 && t[2] == '.')
					ok = all_in(t, 2, b36) && all_in(t + 3, tail - 3, b36);
				if (head < 27 || head > 300 || !ok)
					return false;
			} else if (bl < kinds[i].min || bl > kinds[i].max)
				return false;
		}
	if (!pl || secret_is_placeholder(s + pl, n - pl) || secret_entropy(s + pl, n - pl) < 3.0)
		return false;
	keep_span(c, s, n);
	return true;
}

static bool digits_between(const char *s, size_t n, size_t lo, size_t hi)
{
	return n >= lo && n <= hi && all_in(s, n, DIGITS);
}

/* Slack: the token kind fixes how many dash-separated parts it has and what each is. */
static bool judge_slack(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from, *part[8];
	size_t n = c->to - c->from, len[8], np = 0;
	bool ok = false;

	if (!bounded(c))
		return false;
	for (const char *p = s, *e = s + n; p <= e && np < 8;) {
		const char *d = memchr(p, '-', (size_t)(e - p));
		part[np] = p;
		len[np++] = (size_t)((d ? d : e) - p);
		if (!d)
			break;
		p = d + 1;
	}
	if (np < 2 || np > 6)
		return false;
	const char *kind = part[0];
	size_t kl = len[0], last = np - 1;
#define IS(k) (kl == strlen(k) && memcmp(kind, k, kl) == 0)
	if (IS("xoxb"))
		ok = (np == 4 && digits_between(part[1], len[1], 10, 13) && digits_between(part[2], len[2], 10, 13) &&
		      len[3] >= 24 && len[3] <= 34) ||
		     (np == 3 && digits_between(part[1], len[1], 8, 14) && len[2] >= 18 && len[2] <= 26);
	else if (IS("xoxp") || IS("xoxe"))
		ok = (np == 5 && digits_between(part[1], len[1], 10, 13) && digits_between(part[2], len[2], 10, 13) &&
		      digits_between(part[3], len[3], 10, 13) && len[4] >= 28 && len[4] <= 34) ||
		     (IS("xoxe") && np == 3 && digits_between(part[1], len[1], 1, 1) && len[2] >= 140 && len[2] <= 150);
	else if (IS("xoxa") || IS("xoxr"))
		ok = (np == 2 && len[1] >= 8 && len[1] <= 48) ||
		     (np == 3 && digits_between(part[1], len[1], 1, 1) && len[2] >= 8 && len[2] <= 48);
	else if (IS("xoxo") || IS("xoxs"))
		ok = np == 5 && digits_between(part[1], len[1], 1, 14) && digits_between(part[2], len[2], 1, 14) &&
		     digits_between(part[3], len[3], 1, 14) && len[4] >= 8 && all_in(part[4], len[4], "0123456789abcdefABCDEF");
	else if (IS("xapp"))
		ok = np == 5 && digits_between(part[1], len[1], 1, 1) && len[2] >= 8 && digits_between(part[3], len[3], 6, 16) &&
		     len[4] >= 32;
	else if (IS("xoxe.xoxp") || IS("xoxe.xoxb"))
		ok = np == 3 && digits_between(part[1], len[1], 1, 1) && len[2] >= 150 && len[2] <= 170;
#undef IS
	if (!ok || !all_in(part[last], len[last], ALNUM_SET) || secret_is_placeholder(part[last], len[last]) ||
	    secret_entropy(part[last], len[last]) < 3.0)
		return false;
	keep_span(c, s, n);
	return true;
}

/* PyPI tokens are macaroons: after "pypi-", base64url of version 2, a location field naming
 * (test.)pypi.org, then the identifier field. */
static bool judge_pypi(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from, dn, ll;
	char d[48];

	if (!bounded(c) || n < 5 + 60)
		return false;
	dn = b64url_decode(s + 5, n - 5, d, sizeof d);
	if (dn < 20 || d[0] != 2 || d[1] != 1)
		return false;
	ll = (unsigned char)d[2];
	if (!((ll == 8 && memcmp(d + 3, "pypi.org", 8) == 0) || (ll == 13 && memcmp(d + 3, "test.pypi.org", 13) == 0)))
		return false;
	if (3 + ll + 2 > dn || d[3 + ll] != 2 || (unsigned char)d[4 + ll] == 0 || (unsigned char)d[4 + ll] > 127)
		return false;
	if (secret_entropy(s + 5 + 20, n - 5 - 20) < 3.5)
		return false;
	keep_span(c, s, n);
	return true;
}

/* A Telegram bot token: the bot's numeric id, a colon, 35 characters starting AA. */
static bool judge_telegram(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;
	const char *colon = memchr(s, ':', n);

	if (!colon || (c->from > 0 && (isalnum((unsigned char)c->buf[c->from - 1]) || c->buf[c->from - 1] == ':')) ||
	    (c->to < c->len && is_tokchar(c->buf[c->to])))
		return false;
	if (secret_is_placeholder(colon + 1, (size_t)(s + n - colon - 1)) || secret_entropy(colon + 3, 33) < 3.5)
		return false;
	keep_span(c, s, n);
	return true;
}

/* Base64 tokens whose pattern fixes the start: run on over the base64 alphabet, need a length. */
static bool judge_b64_run(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n;

	while (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || strchr("+/=_-", c->buf[c->to])))
		c->to++;
	n = c->to - c->from;
	if (c->from > 0 && (isalnum((unsigned char)c->buf[c->from - 1]) || strchr("+/", c->buf[c->from - 1])))
		return false;
	if (n < 100 || secret_is_placeholder(s + 16, n - 16) || secret_entropy(s + 16, n - 16) < 4.0)
		return false;
	keep_span(c, s, n);
	return true;
}

/* Azure's identifiable keys carry a service signature at a fixed offset; the pattern holds it. */
static bool judge_azure_identifiable(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t n = c->to - c->from;

	if ((c->from > 0 && (isalnum((unsigned char)c->buf[c->from - 1]) || strchr("+/", c->buf[c->from - 1]))) ||
	    (c->to < c->len && (isalnum((unsigned char)c->buf[c->to]) || strchr("+/=", c->buf[c->to]))))
		return false;
	if (secret_is_placeholder(s, n) || secret_entropy(s, n) < 4.0)
		return false;
	keep_span(c, s, n);
	return true;
}

/* Jenkins secrets ({AQAAABAAAA...}) are encrypted with a key kept beside them in JENKINS_HOME. */
static bool judge_jenkins(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *s = c->buf + c->from;
	size_t e = c->to;

	while (e < c->len && (isalnum((unsigned char)c->buf[e]) || strchr("+/=", c->buf[e])))
		e++;
	if (e >= c->len || c->buf[e] != '}' || e - c->from < 40)
		return false;
	c->to = e + 1;
	keep_span(c, s, c->to - c->from);
	return true;
}

/* One line of an htpasswd file: "user:hash" with an unsalted SHA-1 or an MD5-based hash. */
static bool judge_htpasswd(const struct secret_rule *rule, struct secret_cand *c)
{
	size_t ls = c->from, e = c->to;

	while (ls > 0 && c->buf[ls - 1] != '\n')
		ls--;
	if (ls == c->from)
		return false;
	for (size_t i = ls; i < c->from; i++)
		if (isspace((unsigned char)c->buf[i]) || c->buf[i] == ':')
			return false;
	while (e < c->len && c->buf[e] == '\r')
		e++;
	if (e < c->len && c->buf[e] != '\n')
		return false;
	keep_span(c, c->buf + c->from + 1, c->to - c->from - 1);
	c->message = xstrdup(c->buf[c->from + 1] == '{' ? "htpasswd entry with an unsalted SHA-1 hash (cracked offline in seconds)"
							: "htpasswd entry with an MD5-based (apr1) hash (weak; cracked offline)");
	return true;
}

/* wpa_supplicant / NetworkManager pre-shared key: a passphrase (8-63) or 64 hex digits. */
static bool judge_psk(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *v;
	size_t n;

	secret_cut_value(op_after_key(c) + 1, c->buf + c->len, &v, &n);
	if (n < 8 || n > 64 || secret_is_placeholder(v, n) || (v[0] == '/' && n < 64))
		return false;
	keep_span(c, v, n);
	return true;
}

/* GeoIP.conf (geoipupdate): "LicenseKey <key>", the key being MaxMind's 12 characters or its
 * newer 40 ending in "_mmk"; the shipped file's zeros and "YOUR_LICENSE_KEY_HERE" are no key. */
static bool judge_geoip(const struct secret_rule *rule, struct secret_cand *c)
{
	const char *p = c->buf + c->from, *end = c->buf + c->to, *v;
	size_t n;

	while (p < end && *p != 'L' && *p != 'l')
		p++;
	secret_cut_value(p + strlen("LicenseKey"), c->buf + c->len, &v, &n);
	if (n < 12 || n > 64 || secret_is_placeholder(v, n) || secret_entropy(v, n) < 2.8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_')
			return false;
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

	/* secrets.tokens: prefixed tokens, with checksums or structure where the format has them */
	{.id = "aws-access-key-id", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\\b",
	 .judge = judge_aws_id, .message = "AWS access key id"},
	{.id = "aws-session-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{100}",
	 .judge = judge_b64_run, .message = "AWS STS session token"},
	{.id = "github-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})",
	 .judge = judge_crc_token, .message = "GitHub token (checksum valid)"},
	{.id = "gitlab-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(gl(pat|rt|dt|ptt|cbt|oas|imt|soat|ffct|ft|agent)-|GR1348941)[A-Za-z0-9_-]{20}",
	 .judge = judge_gitlab, .message = "GitLab token"},
	{.id = "npm-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "npm_[A-Za-z0-9]{36}",
	 .judge = judge_crc_token, .message = "npm access token (checksum valid)"},
	{.id = "pypi-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pypi-(AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50}",
	 .judge = judge_pypi, .message = "PyPI or TestPyPI API token (macaroon)", .extend = true},
	{.id = "dockerhub-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "dckr_(pat|oat)_[A-Za-z0-9_-]{27}",
	 .judge = judge_prefixed, .message = "Docker Hub access token", .extend = true},
	{.id = "slack-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(xox[abeoprs]|xapp|xoxe\\.xox[bp])-[0-9A-Za-z]+-[0-9A-Za-z-]{6}",
	 .judge = judge_slack, .message = "Slack token", .extend = true},
	{.id = "slack-webhook", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{24}",
	 .judge = judge_prefixed, .message = "Slack incoming-webhook URL"},
	{.id = "stripe-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[rs]k_(live|prod)_[A-Za-z0-9]{24}",
	 .judge = judge_prefixed, .message = "Stripe live key", .extend = true},
	{.id = "google-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "AIza[A-Za-z0-9_-]{35}",
	 .judge = judge_prefixed, .message = "Google API key"},
	{.id = "azure-ad-client-secret", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
	 .judge = judge_azure_ad, .message = "Azure AD (Entra) client secret"},
	{.id = "azure-devops-pat", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}",
	 .judge = judge_azure_identifiable, .message = "Azure DevOps personal access token"},
	{.id = "azure-container-registry-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9+/]{42}\\+ACR[A-D][A-Za-z0-9+/]{5}",
	 .judge = judge_azure_identifiable, .message = "Azure Container Registry access key"},
	{.id = "azure-cosmosdb-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9+/]{76}ACDb[A-P][A-Za-z0-9+/]{5}==",
	 .judge = judge_azure_identifiable, .message = "Azure Cosmos DB account key"},
	{.id = "azure-identifiable-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9+/]{76}(\\+ASt|\\+ASb|\\+AEh|\\+ARm|AzFu|APIM)[A-P][A-Za-z0-9+/]{5}==",
	 .judge = judge_azure_identifiable, .message = "Azure storage, Service Bus, Event Hubs, Relay, Functions or APIM key"},
	{.id = "vault-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "hv[sbr]\\.[A-Za-z0-9_-]{24}",
	 .judge = judge_prefixed, .message = "HashiCorp Vault token", .extend = true},
	{.id = "terraform-cloud-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60}",
	 .judge = judge_plain, .message = "Terraform Cloud / Enterprise API token", .extend = true},
	{.id = "openai-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20}",
	 .judge = judge_prefixed, .message = "OpenAI API key", .extend = true},
	{.id = "anthropic-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA",
	 .judge = judge_prefixed, .message = "Anthropic API or admin key"},
	{.id = "sendgrid-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
	 .judge = judge_prefixed, .message = "SendGrid API key"},
	{.id = "shopify-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "shp(at|ca|pa|ss)_[a-fA-F0-9]{32}",
	 .judge = judge_prefixed, .message = "Shopify access token or shared secret"},
	{.id = "discord-webhook", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "discord(app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60}",
	 .judge = judge_prefixed, .message = "Discord webhook URL", .extend = true},
	{.id = "telegram-bot-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
	 .judge = judge_telegram, .message = "Telegram bot token"},
	{.id = "mailchimp-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[0-9a-f]{32}-us[0-9]{1,2}",
	 .judge = judge_plain, .message = "Mailchimp API key", .context = true},
	{.id = "onepassword-service-account", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "ops_eyJ[A-Za-z0-9+/]{200}",
	 .judge = judge_b64_run, .message = "1Password service-account token"},
	{.id = "onepassword-secret-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "A3-[A-Z0-9]{6}-([A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
	 .judge = judge_plain, .message = "1Password account secret key"},
	{.id = "twilio-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "SK[0-9a-f]{32}",
	 .judge = judge_plain, .message = "Twilio API key", .context = true},
	{.id = "datadog-api-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "(datadog|dd)_?(api|app|application)_?key[\"']?[ \\t]*[:=][ \\t]*[\"']?[a-f0-9]{32}",
	 .judge = judge_assigned, .message = "Datadog API or application key", .context = true},
	{.id = "newrelic-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "NR(AK|AA|II|JS)-[A-Za-z0-9_-]{19}",
	 .judge = judge_prefixed, .message = "New Relic API key", .extend = true},
	{.id = "heroku-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "HRKU-AA[A-Za-z0-9_-]{58}",
	 .judge = judge_prefixed, .message = "Heroku API key"},
	{.id = "heroku-legacy-api-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "heroku_?(api_?)?(key|token)[\"']?[ \\t]*[:=][ \\t]*[\"']?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
	 .judge = judge_assigned, .message = "Heroku API key (legacy UUID form)", .context = true},
	{.id = "digitalocean-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "do[opr]_v1_[a-f0-9]{64}",
	 .judge = judge_prefixed, .message = "DigitalOcean token"},
	{.id = "huggingface-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(hf_|api_org_)[A-Za-z]{34}",
	 .judge = judge_prefixed, .message = "Hugging Face access token"},
	{.id = "databricks-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "dapi[a-f0-9]{32}",
	 .judge = judge_plain, .message = "Databricks personal access token", .extend = true},
	{.id = "grafana-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(glc_[A-Za-z0-9+/]{32}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70})",
	 .judge = judge_prefixed, .message = "Grafana token", .extend = true},
	{.id = "sentry-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(sntrys_eyJpYXQiO[A-Za-z0-9+/=_]{50}|sntryu_[a-f0-9]{64})",
	 .judge = judge_prefixed, .message = "Sentry auth token", .extend = true},
	{.id = "atlassian-api-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "ATATT3[A-Za-z0-9_=-]{180}",
	 .judge = judge_prefixed, .message = "Atlassian API token", .extend = true},
	{.id = "doppler-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "dp\\.(pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40}",
	 .judge = judge_prefixed, .message = "Doppler token", .extend = true},
	{.id = "pulumi-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pul-[a-f0-9]{40}",
	 .judge = judge_prefixed, .message = "Pulumi access token"},
	{.id = "age-secret-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
	 .judge = judge_plain, .message = "age secret key"},
	{.id = "postman-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
	 .judge = judge_prefixed, .message = "Postman API key"},
	{.id = "linear-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "lin_api_[A-Za-z0-9]{40}",
	 .judge = judge_prefixed, .message = "Linear API key"},
	{.id = "notion-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "ntn_[0-9]{11}[A-Za-z0-9]{35}",
	 .judge = judge_prefixed, .message = "Notion integration token"},
	{.id = "planetscale-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pscale_(tkn|pw|oauth)_[A-Za-z0-9_=.-]{32}",
	 .judge = judge_prefixed, .message = "PlanetScale token or password", .extend = true},
	{.id = "flyio-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100})",
	 .judge = judge_prefixed, .message = "Fly.io access token", .extend = true},
	{.id = "prefect-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pnu_[A-Za-z0-9]{36}",
	 .judge = judge_prefixed, .message = "Prefect API key"},
	{.id = "readme-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "rdme_[a-z0-9]{70}",
	 .judge = judge_prefixed, .message = "ReadMe API key"},
	{.id = "rubygems-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "rubygems_[a-f0-9]{48}",
	 .judge = judge_prefixed, .message = "RubyGems API key"},
	{.id = "clojars-token", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "CLOJARS_[a-z0-9]{60}",
	 .judge = judge_prefixed, .message = "Clojars deploy token"},
	{.id = "dynatrace-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}",
	 .judge = judge_prefixed, .message = "Dynatrace API token"},
	{.id = "easypost-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "EZ[AT]K[A-Za-z0-9]{54}",
	 .judge = judge_plain, .message = "EasyPost API key"},
	{.id = "cloudflare-origin-ca-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}",
	 .judge = judge_prefixed, .message = "Cloudflare Origin CA key"},
	{.id = "artifactory-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "AKCp[A-Za-z0-9]{69}",
	 .judge = judge_plain, .message = "JFrog Artifactory API key"},
	{.id = "nuget-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "oy2[a-p][0-9a-z]{15}[aq][0-9a-z]{11}[eu][bdfhjlnprtvxz357][a-p][0-9a-z]{11}[aeimquy4]",
	 .judge = judge_plain, .message = "NuGet API key"},
	{.id = "openshift-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sha256~[A-Za-z0-9_-]{43}",
	 .judge = judge_prefixed, .message = "OpenShift user token"},
	{.id = "supabase-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sbp_[a-f0-9]{40}",
	 .judge = judge_prefixed, .message = "Supabase access token"},
	{.id = "tailscale-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "tskey-(api|auth|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20}",
	 .judge = judge_prefixed, .message = "Tailscale key", .extend = true},
	{.id = "sourcegraph-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sgp_(local_|[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40}",
	 .judge = judge_prefixed, .message = "Sourcegraph access token"},
	{.id = "square-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sq0(atp|csp)-[A-Za-z0-9_-]{22}",
	 .judge = judge_prefixed, .message = "Square access token or secret", .extend = true},
	{.id = "groq-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "gsk_[A-Za-z0-9]{52}",
	 .judge = judge_prefixed, .message = "Groq API key"},
	{.id = "xai-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "xai-[A-Za-z0-9]{80}",
	 .judge = judge_prefixed, .message = "xAI API key"},
	{.id = "perplexity-api-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "pplx-[A-Za-z0-9]{48}",
	 .judge = judge_prefixed, .message = "Perplexity API key"},
	{.id = "replicate-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "r8_[A-Za-z0-9]{37}",
	 .judge = judge_prefixed, .message = "Replicate API token"},
	{.id = "langsmith-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "lsv2_(pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
	 .judge = judge_prefixed, .message = "LangSmith API key"},
	{.id = "figma-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "figd_[A-Za-z0-9_-]{40}",
	 .judge = judge_prefixed, .message = "Figma personal access token", .extend = true},
	{.id = "buildkite-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "bkua_[a-f0-9]{40}",
	 .judge = judge_prefixed, .message = "Buildkite API token"},
	{.id = "circleci-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}",
	 .judge = judge_prefixed, .message = "CircleCI personal API token"},
	{.id = "contentful-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "CFPAT-[A-Za-z0-9_-]{43}",
	 .judge = judge_prefixed, .message = "Contentful personal access token"},
	{.id = "frameio-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "fio-u-[A-Za-z0-9_=-]{64}",
	 .judge = judge_prefixed, .message = "Frame.io API token"},
	{.id = "duffel-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "duffel_(test|live)_[A-Za-z0-9_=-]{43}",
	 .judge = judge_prefixed, .message = "Duffel API token"},
	{.id = "flutterwave-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "FLWSECK(_TEST)?-[a-h0-9]{32}-X",
	 .judge = judge_prefixed, .message = "Flutterwave secret key"},
	{.id = "adobe-client-secret", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "p8e-[A-Za-z0-9]{32}",
	 .judge = judge_prefixed, .message = "Adobe client secret"},
	{.id = "alibaba-access-key-id", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "LTAI[A-Za-z0-9]{20}",
	 .judge = judge_plain, .message = "Alibaba Cloud access key id"},
	{.id = "infracost-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "ico-[A-Za-z0-9]{32}",
	 .judge = judge_prefixed, .message = "Infracost API token"},
	{.id = "mapbox-secret-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{22}",
	 .judge = judge_prefixed, .message = "Mapbox secret token", .extend = true},
	{.id = "typeform-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "tfp_[A-Za-z0-9_=.-]{59}",
	 .judge = judge_prefixed, .message = "Typeform personal access token"},
	{.id = "harness-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}",
	 .judge = judge_prefixed, .message = "Harness API token"},
	{.id = "scalingo-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "tk-us-[A-Za-z0-9_-]{48}",
	 .judge = judge_prefixed, .message = "Scalingo API token"},
	{.id = "yandex-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(AQVN[A-Za-z0-9_-]{35,38}|t1\\.[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]{86})",
	 .judge = judge_prefixed, .message = "Yandex Cloud API key or IAM token", .context = true},
	{.id = "settlemint-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "sm_(pat|aat|sat)_[A-Za-z0-9]{16}",
	 .judge = judge_prefixed, .message = "SettleMint access token"},
	{.id = "shippo-token", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "shippo_(live|test)_[a-fA-F0-9]{40}",
	 .judge = judge_prefixed, .message = "Shippo API token"},

	/* secrets.tokens: old formats */
	{.id = "jenkins-secret", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\{AQAAABAAAA[A-Za-z0-9+/]{20}",
	 .judge = judge_jenkins, .message = "Jenkins secret (encrypted with a key kept in the same JENKINS_HOME)",
	 .context = true},
	{.id = "htpasswd-weak-hash", .owner = SO_TOKENS, .requires = -1,
	 .pattern = ":(\\{SHA\\}[A-Za-z0-9+/]{27}=|\\$apr1\\$[./0-9A-Za-z]{1,8}\\$[./0-9A-Za-z]{22})",
	 .judge = judge_htpasswd, .message = "htpasswd entry with a weak hash", .context = true},
	{.id = "wifi-psk", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(\\n|^)[ \\t]*(psk|wep_key[0-3])[ \\t]*=[ \\t]*[\"']?[^ \\t\\r\\n\"']{8}",
	 .judge = judge_psk, .message = "Wi-Fi pre-shared key (wpa_supplicant or NetworkManager)", .context = true},
	{.id = "geoip-license-key", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "(\\n|^)[ \\t]*LicenseKey[ \\t]+[A-Za-z0-9_]{12}",
	 .judge = judge_geoip, .message = "MaxMind GeoIP license key (GeoIP.conf)", .context = true},

	/* secrets.tokens: credentials on command lines (scripts, units, cron, histories) */
	{.id = "cli-curl-user", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[ \\t](-u|--user)(=|[ \\t]*)[\"']?[^ \\t\\r\\n\"':$]+:[^ \\t\\r\\n\"']{3}",
	 .judge = secret_judge_cli_user, .message = "password on a curl command line", .context = true},
	{.id = "cli-smb-user", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[ \\t](-U|--user|--username)(=|[ \\t]*)[\"']?[^ \\t\\r\\n\"'%$]+%[^ \\t\\r\\n\"']{3}",
	 .judge = secret_judge_cli_smb, .message = "password on an SMB client command line", .context = true},
	{.id = "cli-password-option", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "[ \\t]--((http|ftp|proxy)-)?passw(or)?d(=|[ \\t]+)[\"']?[^ \\t\\r\\n\"'$<-]",
	 .judge = secret_judge_cli_password_option, .message = "password on a command line", .context = true},
	{.id = "cli-mysql-password", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\b(mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb|mariadb-dump|mariadb-admin)[ \\t][^\\n]*[ \\t]-p[^ \\t\\r\\n$-]",
	 .judge = secret_judge_cli_short_p, .message = "password on a MySQL client command line", .context = true},
	{.id = "cli-sshpass", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\bsshpass[ \\t]+-p[ \\t]*[\"']?[^ \\t\\r\\n\"'$-]",
	 .judge = secret_judge_cli_short_p, .message = "password on an sshpass command line", .context = true},
	{.id = "cli-login-password", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\b(docker|podman|buildah|skopeo|nerdctl|oras|helm[ \\t]+registry|az)[ \\t]+login[ \\t][^\\n]*[ \\t]-p[ \\t]+[\"']?[^ \\t\\r\\n\"'$-]",
	 .judge = secret_judge_cli_short_p, .message = "password on a registry or cloud login command line", .context = true},
	{.id = "cli-htpasswd", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\bhtpasswd[ \\t]+-[A-Za-z]*b",
	 .judge = secret_judge_cli_htpasswd, .message = "password on an htpasswd command line", .context = true},
	{.id = "cli-password-env", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "\\b(PGPASSWORD|MYSQL_PWD|SSHPASS|REDISCLI_AUTH|BORG_PASSPHRASE|RESTIC_PASSWORD|RCLONE_CONFIG_PASS|LDAPPASSWORD|SMBPASSWD)=[\"']?[^ \\t\\r\\n\"'$]{4}",
	 .judge = secret_judge_cli_env, .message = "password in a command's environment", .context = true},

	/* secrets.tokens: context rules for unprefixed secrets */
	{.id = "aws-secret-access-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "(aws_?secret_?(access_?)?key|secret_?access_?key)\\\\?[\"']?[ \\t]*(=>|:=|[:=])[ \\t]*\\\\?[\"']?[A-Za-z0-9/+]{40}",
	 .judge = judge_aws_secret, .message = "AWS secret access key"},
	{.id = "azure-storage-key", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "((account|storage)[_-]?(access[_-]?)?key|(primary|secondary)[_-]?access[_-]?key)[\\\\\"' \\t=:,>]{1,8}"
		    "[A-Za-z0-9+/]{86}==",
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
	{.id = "jwt", .owner = SO_TOKENS, .requires = -1,
	 .pattern = "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}",
	 .judge = judge_jwt, .message = "JSON Web Token", .context = true},
	/* the keyword-assignment engine (secretassign.c): last, so a specific rule on the same value wins */
	{.id = "password-assignment", .owner = SO_TOKENS, .requires = -1, .caseless = true,
	 .pattern = "(pass(word|wd|wort|phrase)?|pwd|secret|token|api_?key|access_?key|credentials?|auth|psk)[A-Za-z0-9_.-]*"
	 "\\\\?[\"']?[ \\t]*(=>|:=|[:=>])[ \\t]*\\\\?[\"'`]?[A-Za-z0-9!#%&*+,./;=?@^_|~-]{8}",
	 .judge = secret_judge_assignment, .message = "password or secret assigned in clear", .context = true},
};

int secret_rule_index(const char *id)
{
	for (size_t i = 0; i < secret_nrules; i++)
		if (streq(secret_rules[i].id, id))
			return (int)i;
	return -1;
}

const size_t secret_nrules = ELEMENTSOF(secret_rules);
