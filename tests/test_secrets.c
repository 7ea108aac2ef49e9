/* SPDX-License-Identifier: Apache-2.0 */
/* secrets.*: every rule's true positives in several syntaxes with false positives beside them,
 * path rules in every passwd home, key confirmation, redaction of every output, hostile trees,
 * chunk boundaries and the per-check configuration. Fake secrets are built at run time. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "secretrules.h"
#include "secretscan.h"
#include "testutil.h"

static char *root;
static struct strv planted; /* every secret written, for the redaction test */

/* Deterministic pseudo-random fake values (xorshift), so failures reproduce. */
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static char *fake(const char *prefix, const char *set, size_t n)
{
	size_t pl = strlen(prefix), sl = strlen(set);
	char *s = xmalloc(pl + n + 1);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		s[pl + i] = set[rng % sl];
	}
	s[pl + n] = '\0';
	strv_push(&planted, s);
	free(s);
	return planted.v[planted.n - 1]; /* owned by PLANTED */
}

static char *expand_tmpl(const char *t);
static void scan_with(struct tu_scan *t, const char *json, const char *only);

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define B64 ALNUM "+/"

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "builder:x:1000:1000::/srv/builder:/bin/bash\n"
		 "svc:x:998:998::/var/lib/svc:/usr/sbin/nologin\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
	strv_free(&planted);
}

static void writef(const char *rel, const char *fmt, ...) _printf_(2, 3);
static void writef(const char *rel, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	ck_assert(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	tu_write(root, rel, s, 0644);
	free(s);
}

static bool has(const struct cg_result *r, const char *path, const char *rule)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		if (streq(r->findings[i].path, path) && (!rule || (r->findings[i].rule && streq(r->findings[i].rule, rule))))
			return true;
	return false;
}

static const struct cg_finding *find(const struct cg_result *r, const char *path)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		if (streq(r->findings[i].path, path))
			return &r->findings[i];
	return NULL;
}

__attribute__((returns_nonnull)) static const struct cg_finding *must(const struct cg_result *r, const char *path)
{
	const struct cg_finding *f = find(r, path);
	ck_assert_msg(f != NULL, "no finding on %s", path);
	return f ? f : &(const struct cg_finding){0};
}

/* TMPL with its one "%s" replaced by VALUE. */
static char *fill(const char *tmpl, const char *value)
{
	const char *at = strstr(tmpl, "%s");
	return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 2);
}

static void dump(const struct cg_result *r)
{
	for (size_t i = 0; r && i < r->nfindings; i++)
		fprintf(stderr, "  %s:%u %s %s\n", r->findings[i].path, r->findings[i].line,
			r->findings[i].rule ? r->findings[i].rule : "-", r->findings[i].message);
	for (size_t i = 0; r && i < r->nerrors; i++)
		fprintf(stderr, "  error %s: %s\n", r->errors[i].path, r->errors[i].message);
}

/* The syntaxes a value may sit in: INI, YAML, JSON, shell export, .env, XML, URL. */
static const char *const syntaxes[] = {
	"[default]\ntoken = %s\n",
	"service:\n  token: \"%s\"\n",
	"{\"service\": {\"token\": \"%s\"}}\n",
	"#!/bin/sh\nexport SERVICE_TOKEN='%s'\n",
	"SERVICE_TOKEN=%s\n",
	"<config>\n  <token>%s</token>\n</config>\n",
	"curl 'https://api.internal/v1/items?token=%s&page=2'\n",
};
static const char *const syntax_names[] = {"ini", "yaml", "json", "sh", "env", "xml", "url"};

START_TEST(prefixed_tokens_in_every_syntax)
{
	struct {
		const char *rule;
		char *value;
	} toks[] = {
		{"github-token", expand_tmpl("{gh:ghp_}")},
		{"github-token", fake("github_pat_", ALNUM "_", 82)},
		{"gitlab-token", fake("glpat-", ALNUM, 20)},
		{"npm-token", expand_tmpl("{gh:npm_}")},
		{"pypi-token", fake("pypi-AgEIcHlwaS5vcmcCJ", ALNUM "_-", 70)},
		{"dockerhub-token", fake("dckr_pat_", ALNUM "_-", 27)},
		{"slack-token", fake("xoxb-", "0123456789", 12)},
		{"stripe-key", fake("sk_live_", ALNUM, 24)},
		{"google-api-key", fake("AIza", ALNUM "_-", 35)},
		{"azure-ad-client-secret", fake("x7Y8Q~", ALNUM "_~.-", 34)},
		{"aws-access-key-id", fake("AKIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)},
		{"jwt", NULL},
	};
	struct tu_scan t;
	const struct cg_result *r;
	char rel[128];

	/* slack: xoxb-<digits>-<digits>-<random> */
	{
		char *tail = fake("", ALNUM, 24), *mid = fake("", "0123456789", 13);
		char *s = xasprintf("%s-%s-%s", toks[6].value, mid, tail);
		strv_push(&planted, s);
		free(s);
		toks[6].value = planted.v[planted.n - 1];
	}
	/* jwt: a real header and payload, a random signature */
	{
		char *sig = fake("", ALNUM "_-", 43);
		char *v = xasprintf("%s.%s.%s", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
				    "eyJzdWIiOiJidWlsZGVyIiwiaWF0IjoxNzAwMDAwMDAwfQ", sig);
		strv_push(&planted, v);
		free(v);
		toks[11].value = planted.v[planted.n - 1];
	}
	for (size_t i = 0; i < ELEMENTSOF(toks); i++)
		for (size_t s = 0; s < ELEMENTSOF(syntaxes); s++) {
			snprintf(rel, sizeof rel, "opt/tp/%zu-%s.%s", i, toks[i].rule, syntax_names[s]);
			char *text = fill(syntaxes[s], toks[i].value);
			tu_write(root, rel, text, 0644);
			free(text);
		}
	/* false positives beside them: documentation values, masks, runs, wrong lengths */
	writef("opt/fp/aws-docs.ini", "aws_access_key_id = %s%s\n", "AKIAIOSFODNN7", "EXAMPLE");
	writef("opt/fp/aws-x.env", "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\n");
	writef("opt/fp/gh-mask.yaml", "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
	writef("opt/fp/gh-short.env", "T=ghp_abc123\n");
	writef("opt/fp/gh-glued.txt", "xghp_%s\n", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
	writef("opt/fp/jwt-fake.txt", "eyJub3RqdXN0.eyJub3Rqc29u.c2lnbmF0dXJlc2lnbmF0dXJl\n");
	writef("opt/fp/azure-ad.css", ".a ~ .b { }\n/* ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ */\n");
	writef("opt/fp/uuid.conf", "tenant_id = 123e4567-e89b-12d3-a456-426614174000\nUUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 / ext4\n");
	writef("opt/fp/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n");
	writef("opt/fp/md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/true\n");
	writef("opt/fp/shadow-like", "root:$6$saltsalt$%s:19000:0:99999:7:::\n",
	       "Hn3QjcF9f4bQnZQYd0x8J0p3Xq1ePZ0VzYqJ4p7kGk1i1bBn2g9n0oVq2QyQw8lq8c0Vt0qj0n7QK7a9pUy1.");

	tu_scan(&t, root, "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	for (size_t i = 0; i < ELEMENTSOF(toks); i++)
		for (size_t s = 0; s < ELEMENTSOF(syntaxes); s++) {
			char path[160];
			snprintf(path, sizeof path, "/opt/tp/%zu-%s.%s", i, toks[i].rule, syntax_names[s]);
			if (!has(r, path, toks[i].rule))
				dump(r);
			ck_assert_msg(has(r, path, toks[i].rule), "missed %s in %s", toks[i].rule, path);
		}
	for (size_t i = 0; i < r->nfindings; i++)
		ck_assert_msg(!startswith(r->findings[i].path, "/opt/fp/"), "false positive %s:%u %s",
			      r->findings[i].path, r->findings[i].line, r->findings[i].rule);
	ck_assert_int_eq(r->nerrors, 0);
	tu_scan_free(&t);
}
END_TEST

/* ---- the corpus: every content rule with a true case and a near miss, per family ----
 * Values are generated at run time from templates: {C:n} is n random characters of class C
 * (A alnum, a lower alnum, L letters, U upper alnum, h lower hex, d digits, b base64, u base64url,
 * Q [A-Z2-7], P alnum ending in an upper-case letter, a lower-case one and a digit: a password no
 * judge can take for a word), {[set]:n} of SET; {gh:PREFIX} a GitHub/npm token with a valid CRC-32, {gx:PREFIX}
 * the same with its last character changed; {uuid} a random UUID. */

static uint32_t test_crc32(const char *s, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static void rnd(struct strbuf *sb, const char *set, size_t n)
{
	size_t sl = strlen(set);
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		strbuf_append(sb, &set[rng % sl], 1);
	}
}

static void crc_token(struct strbuf *sb, const char *prefix, bool spoil)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	struct strbuf body = {0};
	char sum[7];
	uint32_t crc;

	rnd(&body, ALNUM, 30);
	crc = test_crc32(body.buf, 30);
	for (int i = 5; i >= 0; i--) {
		sum[i] = b62[crc % 62];
		crc /= 62;
	}
	sum[6] = '\0';
	if (spoil)
		sum[5] = sum[5] == 'a' ? 'b' : 'a';
	strbuf_puts(sb, prefix);
	strbuf_append(sb, body.buf, 30);
	strbuf_puts(sb, sum);
	strbuf_free(&body);
}

static char *expand_tmpl(const char *t)
{
	struct strbuf sb = {0};

	for (const char *p = t; *p;) {
		if (*p != '{' || !(p[1] == '[' || (isalpha((unsigned char)p[1]) && (p[2] == ':' || p[2] == '}' || p[3] == ':' ||
										    strncmp(p + 1, "uuid}", 5) == 0)))) {
			strbuf_append(&sb, p++, 1);
			continue;
		}
		if (strncmp(p, "{uuid}", 6) == 0) {
			rnd(&sb, "0123456789abcdef", 8), strbuf_puts(&sb, "-"), rnd(&sb, "0123456789abcdef", 4);
			strbuf_puts(&sb, "-4"), rnd(&sb, "0123456789abcdef", 3), strbuf_puts(&sb, "-a");
			rnd(&sb, "0123456789abcdef", 3), strbuf_puts(&sb, "-"), rnd(&sb, "0123456789abcdef", 12);
			p += 6;
			continue;
		}
		if (strncmp(p, "{gh:", 4) == 0 || strncmp(p, "{gx:", 4) == 0) {
			const char *e = strchr(p, '}');
			char *prefix = xstrndup(p + 4, (size_t)(e - p - 4));
			crc_token(&sb, prefix, p[2] == 'x');
			free(prefix);
			p = e + 1;
			continue;
		}
		char set[80];
		const char *q = p + 1;
		if (*q == '[') {
			const char *e = strchr(q, ']');
			snprintf(set, sizeof set, "%.*s", (int)(e - q - 1), q + 1);
			q = e + 1;
		} else {
			static const struct { char c; const char *set; } cls[] = {
				{'A', ALNUM}, {'a', "abcdefghijklmnopqrstuvwxyz0123456789"}, {'L', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
				{'U', "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}, {'h', "0123456789abcdef"}, {'d', "0123456789"},
				{'b', B64}, {'u', ALNUM "-_"}, {'Q', "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"}, {'P', ALNUM},
			};
			set[0] = '\0';
			for (size_t i = 0; i < ELEMENTSOF(cls); i++)
				if (cls[i].c == *q)
					snprintf(set, sizeof set, "%s", cls[i].set);
			ck_assert_msg(set[0], "template class %c", *q);
			q++;
		}
		ck_assert(*q == ':');
		if (q[-1] == 'P' && q - p == 2) {
			char *e;
			size_t n = strtoul(q + 1, &e, 10);
			ck_assert(n >= 8 && *e == '}');
			rnd(&sb, ALNUM, n - 3);
			rnd(&sb, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1), rnd(&sb, "abcdefghijklmnopqrstuvwxyz", 1), rnd(&sb, "0123456789", 1);
			p = e + 1;
			continue;
		}
		{
			char *e;
			rnd(&sb, set, strtoul(q + 1, &e, 10));
			ck_assert(*e == '}');
			p = e + 1;
		}
	}
	strv_push(&planted, sb.buf);
	strbuf_free(&sb);
	return planted.v[planted.n - 1];
}

struct corpus_case {
	const char *family;
	const char *rule;
	const char *tp;   /* a file's text holding one true case */
	const char *near; /* the closest text that must stay quiet (NULL: none beyond the family's) */
};

#define EXAMPLE_AWS_SECRET "wJalrXUtnFEMI/K7MDENG/" "bPxRfiCYEXAMPLEKEY"
#define AZURITE_KEY "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuF" "q2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

static const struct corpus_case corpus[] = {
	/* vendor tokens: prefix, length, checksum or structure */
	{"vendor", "aws-access-key-id", "aws_access_key_id = AKIA{Q:16}\n", "note: AKIAIOSFODNN7" "EXAMPLE\n"},
	{"vendor", "aws-session-token", "aws_session_token = IQoJb3JpZ2luX2Vj{b:300}\n", "note: IQoJb3JpZ2luX2Vj{b:40}\n"},
	{"vendor", "github-token", "GITHUB_TOKEN={gh:ghp_}\n", "note: {gx:ghp_}\n"},
	{"vendor", "github-token", "refresh: {gh:ghr_}\n", "note: ghp_{A:35}\n"},
	{"vendor", "github-token", "token: github_pat_{A:22}_{A:59}\n", NULL},
	{"vendor", "gitlab-token", "note: glpat-{A:20}\n", "note: glpat-{A:21}\n"},
	{"vendor", "gitlab-token", "note: glpat-{u:40}.01.{a:9}\n", "note: glpat-{A:19}\n"},
	{"vendor", "gitlab-token", "runner: GR1348941{u:20}\n", "note: GR1348941{A:19}\n"},
	{"vendor", "gitlab-token", "note: gloas-{A:64}\n", "note: gloas-{A:63}\n"},
	{"vendor", "npm-token", "//registry.npmjs.org/:_authToken={gh:npm_}\n", "note: {gx:npm_}\n"},
	{"vendor", "pypi-token", "note: pypi-AgEIcHlwaS5vcmcCJ{u:150}\n", "note: pypi-AgEIcHlwaS5vcmcx{u:150}\n"},
	{"vendor", "pypi-token", "note: pypi-AgENdGVzdC5weXBpLm9yZwIk{u:150}\n", "note: pypi-AgEIcHlwaS5vcmcCJ{u:20}\n"},
	{"vendor", "dockerhub-token", "note: dckr_pat_{A:27}\n", "note: dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
	{"vendor", "slack-token", "note: xoxb-{d:12}-{d:13}-{A:24}\n", "note: xoxb-{d:5}-{d:5}-{A:24}\n"},
	{"vendor", "slack-token", "note: xoxp-{d:12}-{d:12}-{d:13}-{h:32}\n", "note: xoxp-{d:12}-{h:32}\n"},
	{"vendor", "slack-token", "note: xoxe.xoxp-1-{U:164}\n", "note: xoxe.xoxp-1-{U:40}\n"},
	{"vendor", "slack-token", "note: xoxe-1-{U:146}\n", NULL},
	{"vendor", "slack-token", "note: xoxo-{d:10}-{d:10}-{d:12}-{h:32}\n", NULL},
	{"vendor", "slack-token", "note: xapp-1-A{U:10}-{d:13}-{h:64}\n", "note: xapp-1-A{U:10}-{h:64}\n"},
	{"vendor", "slack-webhook", "note: https://hooks.slack.com/services/T{U:8}/B{U:10}/{A:24}\n",
	 "note: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n"},
	{"vendor", "stripe-key", "note: sk_live_{A:24}\n", "note: sk_test_{A:24}\n"},
	{"vendor", "google-api-key", "note: AIza{u:35}\n", "note: AIza{u:20}\n"},
	{"vendor", "azure-ad-client-secret", "note: {A:3}8Q~{A:34}\n", "note: abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
	{"vendor", "azure-devops-pat", "note: {A:52}JQQJ99{A:1}C{A:16}x{A:7}\n", "note: {A:52}JQQJ98{A:1}C{A:16}x{A:7}\n"},
	{"vendor", "azure-container-registry-key", "note: {b:42}+ACRB{b:5}\n", "note: {b:42}+ACRX{b:5}\n"},
	{"vendor", "azure-cosmosdb-key", "note: {b:76}ACDbC{b:5}==\n", "note: {b:76}ACDbZ{b:5}==\n"},
	{"vendor", "azure-identifiable-key", "note: {b:76}+AStB{b:5}==\n", "note: {b:76}+AStz{b:5}==\n"},
	{"vendor", "vault-token", "note: hvs.{u:90}\n", "note: hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
	{"vendor", "vault-token", "note: hvb.{u:140}\n", "note: hvx.{u:140}\n"},
	{"vendor", "terraform-cloud-token", "note: {a:14}.atlasv1.{u:67}\n", "note: {a:14}.atlasv1.{u:20}\n"},
	{"vendor", "openai-api-key", "note: sk-proj-{u:58}T3BlbkFJ{u:58}\n", "note: sk-proj-{u:58}T3BlbkFX{u:58}\n"},
	{"vendor", "openai-api-key", "note: sk-{A:20}T3BlbkFJ{A:20}\n", NULL},
	{"vendor", "anthropic-api-key", "note: sk-ant-api03-{A:93}AA\n", "note: sk-ant-api03-{A:93}AB\n"},
	{"vendor", "anthropic-api-key", "note: sk-ant-admin01-{A:93}AA\n", NULL},
	{"vendor", "sendgrid-api-key", "note: SG.{u:22}.{u:43}\n", "note: SG.{u:22}.{u:20}\n"},
	{"vendor", "shopify-token", "note: shpat_{h:32}\n", "note: shpat_{h:31}\n"},
	{"vendor", "discord-webhook", "note: https://discord.com/api/webhooks/{d:18}/{A:68}\n",
	 "note: https://discord.com/api/webhooks/{d:18}/{A:10}\n"},
	{"vendor", "telegram-bot-token", "note: {d:10}:AA{A:33}\n", "note: {d:10}:AB{A:33}\n"},
	{"vendor", "mailchimp-api-key", "note: {h:32}-us{d:2}\n", "note: {h:32}-uk12\n"},
	{"vendor", "onepassword-service-account", "note: ops_eyJ{b:300}\n", "note: ops_eyJ{b:50}\n"},
	{"vendor", "onepassword-secret-key", "note: A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}\n", "note: A3-{U:6}-{U:10}-{U:5}-{U:5}-{U:5}\n"},
	{"vendor", "twilio-api-key", "note: SK{h:32}\n", "note: SK{h:30}\n"},
	{"vendor", "datadog-api-key", "DD_API_KEY={h:32}\n", "DD_API_KEY=<your-datadog-api-key>\n"},
	{"vendor", "newrelic-key", "note: NRAK-{U:27}\n", "note: NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX\n"},
	{"vendor", "heroku-api-key", "note: HRKU-AA{u:58}\n", "note: HRKU-AB{u:58}\n"},
	{"vendor", "heroku-legacy-api-key", "HEROKU_API_KEY={uuid}\n", "HEROKU_APP_ID={uuid}\n"},
	{"vendor", "digitalocean-token", "note: dop_v1_{h:64}\n", "note: dop_v1_{h:63}\n"},
	{"vendor", "huggingface-token", "note: hf_{L:34}\n", "note: hf_{L:33}\n"},
	{"vendor", "databricks-token", "note: dapi{h:32}\n", "note: dapi{h:31}\n"},
	{"vendor", "grafana-token", "note: glsa_{A:32}_{h:8}\n", "note: glsa_{A:32}_{h:7}\n"},
	{"vendor", "grafana-token", "note: glc_{A:60}\n", "note: glc_{A:20}\n"},
	{"vendor", "sentry-token", "note: sntryu_{h:64}\n", "note: sntryu_{h:63}\n"},
	{"vendor", "atlassian-api-token", "note: ATATT3{u:186}\n", "note: ATATT3{u:100}\n"},
	{"vendor", "doppler-token", "note: dp.pt.{A:43}\n", "note: dp.pt.{A:30}\n"},
	{"vendor", "pulumi-token", "note: pul-{h:40}\n", "note: pul-{h:39}\n"},
	{"vendor", "age-secret-key", "note: AGE-SECRET-KEY-1{[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]:58}\n",
	 "note: AGE-SECRET-KEY-1{[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]:57}\n"},
	{"vendor", "postman-api-key", "note: PMAK-{h:24}-{h:34}\n", "note: PMAK-{h:24}-{h:30}\n"},
	{"vendor", "linear-api-key", "note: lin_api_{A:40}\n", "note: lin_api_{A:39}\n"},
	{"vendor", "notion-token", "note: ntn_{d:11}{A:35}\n", "note: ntn_{d:11}{A:20}\n"},
	{"vendor", "planetscale-token", "note: pscale_tkn_{A:43}\n", "note: pscale_tkn_{A:20}\n"},
	{"vendor", "flyio-token", "note: fo1_{A:43}\n", "note: fo1_{A:40}\n"},
	{"vendor", "prefect-token", "note: pnu_{A:36}\n", "note: pnu_{A:35}\n"},
	{"vendor", "readme-token", "note: rdme_{a:70}\n", "note: rdme_{a:69}\n"},
	{"vendor", "rubygems-token", "note: rubygems_{h:48}\n", "note: rubygems_{h:47}\n"},
	{"vendor", "clojars-token", "note: CLOJARS_{a:60}\n", "note: CLOJARS_{a:59}\n"},
	{"vendor", "dynatrace-token", "note: dt0c01.{U:24}.{U:64}\n", "note: dt0c01.{U:24}.{U:63}\n"},
	{"vendor", "easypost-key", "note: EZAK{A:54}\n", "note: EZAK{A:53}\n"},
	{"vendor", "cloudflare-origin-ca-key", "note: v1.0-{h:24}-{h:146}\n", "note: v1.0-{h:24}-{h:140}\n"},
	{"vendor", "artifactory-token", "note: AKCp{A:69}\n", "note: AKCp{A:68}\n"},
	{"vendor", "nuget-api-key",
	 "note: oy2{[abcdefghijklmnop]:1}{a:15}a{a:11}e{[bdfhjlnprtvxz357]:1}{[abcdefghijklmnop]:1}{a:11}q\n",
	 "note: oy2{[abcdefghijklmnop]:1}{a:15}a{a:11}e{[bdfhjlnprtvxz357]:1}{[abcdefghijklmnop]:1}{a:11}b\n"},
	{"vendor", "openshift-token", "note: sha256~{u:43}\n", "note: sha256~{u:42}\n"},
	{"vendor", "supabase-token", "note: sbp_{h:40}\n", "note: sbp_{h:39}\n"},
	{"vendor", "tailscale-key", "note: tskey-auth-k{A:10}-{A:30}\n", "note: tskey-auth-k{A:10}-{A:10}\n"},
	{"vendor", "sourcegraph-token", "note: sgp_{h:16}_{h:40}\n", "note: sgp_{h:39}\n"},
	{"vendor", "square-token", "note: sq0atp-{u:22}\n", "note: sq0atp-{u:21}\n"},
	{"vendor", "groq-api-key", "note: gsk_{A:52}\n", "note: gsk_{A:51}\n"},
	{"vendor", "xai-api-key", "note: xai-{A:80}\n", "note: xai-{A:79}\n"},
	{"vendor", "perplexity-api-key", "note: pplx-{A:48}\n", "note: pplx-{A:47}\n"},
	{"vendor", "replicate-token", "note: r8_{A:37}\n", "note: r8_{A:36}\n"},
	{"vendor", "langsmith-key", "note: lsv2_pt_{h:32}_{h:10}\n", "note: lsv2_pt_{h:32}_{h:9}\n"},
	{"vendor", "figma-token", "note: figd_{A:40}\n", "note: figd_{A:39}\n"},
	{"vendor", "buildkite-token", "note: bkua_{h:40}\n", "note: bkua_{h:39}\n"},
	{"vendor", "circleci-token", "note: CCIPAT_{A:22}_{h:40}\n", "note: CCIPAT_{A:22}_{h:39}\n"},
	{"vendor", "contentful-token", "note: CFPAT-{A:43}\n", "note: CFPAT-{A:42}\n"},
	{"vendor", "frameio-token", "note: fio-u-{A:64}\n", "note: fio-u-{A:63}\n"},
	{"vendor", "duffel-token", "note: duffel_live_{A:43}\n", "note: duffel_prod_{A:43}\n"},
	{"vendor", "flutterwave-key", "note: FLWSECK-{[abcdefgh0123456789]:32}-X\n", "note: FLWSECK-{[abcdefgh0123456789]:32}-Y\n"},
	{"vendor", "adobe-client-secret", "note: p8e-{A:32}\n", "note: p8e-{A:31}\n"},
	{"vendor", "alibaba-access-key-id", "note: LTAI{A:20}\n", "note: LTAI{A:19}\n"},
	{"vendor", "infracost-token", "note: ico-{A:32}\n", "note: ico-{A:31}\n"},
	{"vendor", "mapbox-secret-token", "note: sk.eyJ{A:60}.{A:22}\n", "note: pk.eyJ{A:60}.{A:22}\n"},
	{"vendor", "typeform-token", "note: tfp_{A:59}\n", "note: tfp_{A:58}\n"},
	{"vendor", "harness-token", "note: pat.{A:22}.{A:24}.{A:20}\n", "note: pat.{A:22}.{A:24}.{A:19}\n"},
	{"vendor", "scalingo-token", "note: tk-us-{A:48}\n", "note: tk-us-{A:47}\n"},
	{"vendor", "yandex-key", "note: AQVN{A:36}\n", "note: AQVN{A:30}\n"},
	{"vendor", "settlemint-token", "note: sm_pat_{A:16}\n", "note: sm_pat_{A:15}\n"},
	{"vendor", "shippo-token", "note: shippo_live_{h:40}\n", "note: shippo_live_{h:39}\n"},
	{"vendor", "jwt", "token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJidWlsZGVyIiwiaWF0IjoxNzAwMDAwMDAwfQ.{u:43}\n",
	 "note: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJub3Rqc29uIGF0IGFsbA.{u:43}\n"},
	/* context rules for unprefixed values */
	{"context", "aws-secret-access-key", "aws_secret_access_key = {b:40}\n", "aws_secret_access_key = " EXAMPLE_AWS_SECRET "\n"},
	{"context", "azure-storage-key", "AZ=DefaultEndpointsProtocol=https;AccountName=imgacct;AccountKey={b:86}==\n",
	 "AccountKey=" AZURITE_KEY "\n"},
	/* the key under the names SDKs, templates and tools give it, and the separators they use */
	{"context", "azure-storage-key", "storage:\n  account_key: '{b:86}=='\n", "storage:\n  account_key: '{b:85}=='\n"},
	{"context", "azure-storage-key", "<account_key>{b:86}==</account_key>\n", "<account_name>{b:86}==</account_name>\n"},
	{"context", "azure-storage-key", "$cfg = ['account_key' => '{b:86}=='];\n", "$cfg = ['account_key' => getenv('KEY')];\n"},
	{"context", "azure-storage-key", "azcopy-helper -storagekey {b:86}==\n", "azcopy-helper -storagename {b:86}==\n"},
	{"context", "azure-storage-key", "ctx.Add(\"StorageAccountKey\", \"{b:86}==\");\n",
	 "ctx.Add(\"StorageEndPoint\", \"{b:86}==\");\n"},
	{"context", "azure-storage-key", "{\"primary_access_key\": \"{b:86}==\"}\n", "{\"primary_access_key\": null}\n"},
	/* a SAS token's query under a token name: its signature is the secret; without one, nothing is */
	{"context", "azure-sas-signature", "AZURE_BLOB_SAS_TOKEN=sv=2022-11-02&se=2030-01-01&sr=c&sp=rw&sig={A:43}%3D\n",
	 "AZURE_BLOB_SAS_TOKEN=st=2025-03-04T07:24:52Z&se=2025-04-04T15:24:52Z&spr=https&sv=2022-11-02&sr=c\n"},
	{"context", "azure-sas-signature",
	 "curl -T x 'https://imgacct.blob.core.windows.net/c/x?sv=2022-11-02&se=2030-01-01&sp=rw&sig={A:43}%3D'\n",
	 "see https://example.net/?sig=abcdefghijklmnopqrstuvwxyz0123 for a value\n"},
	{"context", "npm-auth-token", "//registry.npmjs.org/:_authToken={uuid}\n", "this._auth = createAuthorizationHeader(options);\n"},
	{"context", "password-in-url", "DATABASE_URL=postgres://app:{A:14}@db.internal:5432/app\n",
	 "https://user:pass@example.com/x\n"},
	{"context", "password-in-url", "[remote \"origin\"]\n\turl = https://builder:{A:20}@git.internal/app.git\n",
	 "[remote \"origin\"]\n\turl = https://git.internal/app.git\n"},
	/* old formats */
	{"old-formats", "jenkins-secret", "<password>{AQAAABAAAA{b:100}}</password>\n", "<description>{AQAAABAAAAxyz}</description>\n"},
	{"old-formats", "htpasswd-weak-hash", "admin:{SHA}{b:27}=\n", "admin:$2y$05${[./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789]:53}\n"},
	{"old-formats", "htpasswd-weak-hash", "web:$apr1${A:8}${A:22}\n", NULL},
	{"old-formats", "wifi-psk", "network={\n  ssid=\"corp\"\n  psk=\"{A:16}\"\n}\n", "network={\n  ssid=\"corp\"\n  psk=\"<passphrase>\"\n}\n"},
	{"old-formats", "wifi-psk", "[wifi-security]\nkey-mgmt=wpa-psk\npsk={A:20}\n", NULL},
	{"old-formats", "geoip-license-key", "# GeoIP.conf\nAccountID 123456\nLicenseKey {A:11}7\nEditionIDs GeoLite2-City\n",
	 "# GeoIP.conf\nAccountID 0\nLicenseKey 000000000000\nEditionIDs GeoLite2-Country GeoLite2-City\n"},
	{"old-formats", "geoip-license-key", "AccountID 123456\nLicenseKey {A:6}_{A:29}_mmk\n",
	 "AccountID 123456\nLicenseKey YOUR_LICENSE_KEY_HERE\n"},
	/* credentials on command lines */
	{"command-line", "cli-curl-user", "curl -fsS -u builder:{A:16} https://repo.internal/x\n",
	 "curl -u \"$REPO_USER:$REPO_PASS\" https://repo.internal/x\n"},
	{"command-line", "cli-smb-user", "smbclient //fs/share -U backup%{A:14} -c ls\n", "smbclient //fs/share -U backup -c ls\n"},
	{"command-line", "cli-password-option", "wget --user=ci --password={A:14} https://repo.internal/f\n",
	 "wget --ask-password https://repo.internal/f\n"},
	{"command-line", "cli-password-option", "az login --service-principal -u app --password {A:34} --tenant t\n",
	 "usage: tool --password=PASSWORD\n"},
	{"command-line", "cli-mysql-password", "mysqldump -u root -p{A:12} app > /backup/app.sql\n",
	 "mysqldump -u root -p app > /backup/app.sql\n"},
	{"command-line", "cli-sshpass", "sshpass -p '{A:12}' ssh deploy@host uptime\n", "sshpass -f /etc/deploy.pw ssh deploy@host\n"},
	{"command-line", "cli-login-password", "docker login -u ci -p {A:20} registry.internal\n",
	 "docker login -u ci --password-stdin registry.internal\n"},
	{"command-line", "cli-login-password", "az login -u ops@corp.example -p {A:18}\n", "az login -u ops -p /etc/ssl/sp.pem\n"},
	{"command-line", "cli-htpasswd", "htpasswd -bc /etc/nginx/.htpasswd admin {A:12}\n", "htpasswd -c /etc/nginx/.htpasswd admin\n"},
	{"command-line", "cli-password-env", "PGPASSWORD={A:14} psql -h db -U app -c 'select 1'\n",
	 "PGPASSWORD=\"$DB_PASS\" psql -h db -U app\n"},
	/* the keyword-assignment engine, one syntax per case */
	{"keyword", "password-assignment", "[db]\npassword = {P:18}\n", "[db]\npassword = ${DB_PASSWORD}\n"},
	{"keyword", "password-assignment", "db:\n  password: {P:18}\n", "db:\n  password: \"{{ vault_db_password }}\"\n"},
	{"keyword", "password-assignment", "{\"db\": {\"password\": \"{P:18}\"}}\n", "{\"db\": {\"password_file\": \"/run/secrets/db\"}}\n"},
	{"keyword", "password-assignment", "[database]\npassword = \"{P:18}\"\n", "[database]\npassword = \"changeme\"\n"},
	{"keyword", "password-assignment", "<db>\n  <password>{P:18}</password>\n</db>\n", "<db>\n  <password>REPLACE_ME</password>\n</db>\n"},
	{"keyword", "password-assignment", "<db user=\"app\" password=\"{P:18}\"/>\n", "<db user=\"app\" password=\"xxxxxxxxxxxx\"/>\n"},
	{"keyword", "password-assignment", "spring.datasource.password={P:18}\n", "spring.datasource.password-min-length=12\n"},
	{"keyword", "password-assignment", "export DB_PASSWORD='{P:18}'\n", "export DB_PASSWORD=\"$(cat /run/secrets/db)\"\n"},
	{"keyword", "password-assignment", "DB_PASSWORD={P:18}\n", "DB_PASSWORD_HASH=$6$saltsalt${b:86}\n"},
	{"keyword", "password-assignment", "[Service]\nEnvironment=\"API_TOKEN={P:32}\"\n", "[Service]\nEnvironment=\"TOKEN_URL=https://login.internal/token\"\n"},
	{"keyword", "password-assignment", "password = \"{P:18}\"\n", "password = os.environ[\"DB_PASSWORD\"]\n"},
	{"keyword", "password-assignment", "\tapiToken := \"{P:32}\"\n", "\tapiToken := os.Getenv(\"API_TOKEN\")\n"},
	{"keyword", "password-assignment", "String dbPassword = \"{P:18}\";\n", "String dbPassword = System.getenv(\"DB_PASSWORD\");\n"},
	{"keyword", "password-assignment", "var clientSecret = \"{P:32}\";\n", "var clientSecretName = \"kv-client-secret-name\";\n"},
	{"keyword", "password-assignment", "const config = { apiKey: '{A:32}' };\n", "const config = { publicKey: '{A:32}' };\n"},
	{"keyword", "password-assignment", "$db = array('password' => '{A:18}');\n", "$db = array('password' => getenv('DB_PASSWORD'));\n"},
	{"keyword", "password-assignment", "  password: '{A:18}'\n", "  password: 5f4dcc3b5aa765d61d8327deb882cf99\n"},
	{"keyword", "password-assignment", "genericToken = \"{A:32}\"\n", "token_type = \"bearer_token_value\"\n"},
	{"keyword", "password-assignment", "some_api_token_123: {A:32}\n", "max_tokens: 409600000\n"},
	{"keyword", "password-assignment", "client_secret={A:32}\n", "client_secret=example-client-secret-1234\n"},
	{"keyword", "password-assignment",
	 "  \"DefaultConnection\": \"Server=tcp:db.internal,1433;Database=app;User Id=app;Password={A:18};\"\n",
	 "  \"DefaultConnection\": \"Server=tcp:db.internal,1433;Database=app;User Id=app;Password=;\"\n"},
	{"keyword", "password-assignment", "Host=db;Username=app;Password={P:18}\n",
	 "Note: the password=field of the form is {A:18}\n"},
	{"keyword", "password-assignment", "AZDO_PERSONAL_ACCESS_TOKEN={[abcdefghijklmnopqrstuvwxyz234567]:52}\n",
	 "secret = self.secret_manager.get(name)\n"},
};

/* Texts no rule may report, whatever the family: placeholders, references, hashes, public data. */
static const char *const quiet_texts[] = {
	"password = <your-password>\n", "api_key = xxxxxxxxxxxxxxxx\n", "token: REPLACE_ME_WITH_TOKEN\n",
	"secret = abcdef1234567890\n", "password = ********\n", "password: %(db_pass)s\n",
	"PASSWORD_MIN_LENGTH = 12\n", "password = self.password\n", "if password == confirm_password:\n",
	"auth: true\nauth_method: oauth2\n", "passwd: elevated-privileges usr/bin/chfn [usr/bin/chfn]\n",
	"password = {uuid}\n", "root:$6$saltsalt${b:86}:19000:0:99999:7:::\n",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b:43} builder@host\n", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/true\n",
	"token = ${{ secrets.GITHUB_TOKEN }}\n", "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  {h:64}\n",
	"db_password = ENC[AES256_GCM,data:{b:20},iv:{b:16}]\n", "api_key = @Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/k)\n",
	"mkdir -p /opt/app && cp -p a b\n", "ssh -p 2222 deploy@host\n", "docker run -p 8080:80 nginx\n",
	"sudo -u postgres psql\n", "curl -u \"$USER\" https://x.internal\n", "private_key_file = /etc/ssl/private/app.key\n",
	"password: \"{{ lookup('env', 'DB_PASSWORD') }}\"\n", "token: \"%env(API_TOKEN)%\"\n",
	/* shapes met on a Debian host's /usr: type declarations, constants, completion lists, docstrings */
	"  TAuthEvent = procedure (const aUserName, aPassword : UTF8String; var UserID : UTF8String) of object;\n",
	"    CURLOPT_KEYPASSWD:=CURLOPTTYPE_STRINGPOINT+26,\n",
	"    function initWithOAuthToken_tokenSecret (token: NSString; secret: NSString): instancetype; message 'initWithOAuthToken:tokenSecret:';\n",
	"\t\t__mvncomp \"username= message= passphrase= password= scmVersion= $(__mvnlist_prefix x)\" \"-D\"\n",
	"# hashedPassword = base64_encoded_64_byte_salt W base64_encoded_hash W hash_algorithm\n",
	"    Next page token: eav1OzQB0OM8rLdGXOEsy\n",
	"          $ {command} my-cluster --region=us-central1 --password=postgres\n",
	"    writeln('Parse error String=\"',CurTokenString,'\" CurToken=',CurToken,' tk=',tk);\n",
	"token = \"Bearer \" + access_token_value\n",
	"  SErrUnexpectedToken = 'Unexpected token: %s';\n", "      PROXY_AUTH = 'Proxy-Authenticate';\n",
};

START_TEST(corpus_per_family)
{
	struct tu_scan t;
	const struct cg_result *r;
	struct fam { const char *name; unsigned tp, found, near, fp; } fams[8] = {{0}};
	size_t nfam = 0;
	char rel[96];

	rng = 0x9e3779b97f4a7c15ULL; /* the same values whether or not other tests ran first (CK_FORK=no) */

	for (size_t i = 0; i < ELEMENTSOF(corpus); i++) {
		snprintf(rel, sizeof rel, "opt/corpus/tp/%03zu", i);
		tu_write(root, rel, expand_tmpl(corpus[i].tp), 0644);
		if (corpus[i].near) {
			snprintf(rel, sizeof rel, "opt/corpus/near/%03zu", i);
			tu_write(root, rel, expand_tmpl(corpus[i].near), 0644);
		}
	}
	for (size_t i = 0; i < ELEMENTSOF(quiet_texts); i++) {
		snprintf(rel, sizeof rel, "opt/corpus/quiet/%03zu", i);
		tu_write(root, rel, expand_tmpl(quiet_texts[i]), 0644);
	}
	/* every content rule of secrets.tokens has a true case and a near miss */
	for (size_t k = 0; k < secret_nrules; k++) {
		bool tp = false, near = false;
		if (secret_rules[k].owner != SO_TOKENS)
			continue;
		for (size_t i = 0; i < ELEMENTSOF(corpus); i++)
			if (streq(corpus[i].rule, secret_rules[k].id)) {
				tp = true;
				near |= corpus[i].near != NULL;
			}
		ck_assert_msg(tp && near, "rule %s has no true case or no near miss in the corpus", secret_rules[k].id);
	}

	tu_scan(&t, root, "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	for (size_t i = 0; i < ELEMENTSOF(corpus); i++) {
		struct fam *f = NULL;
		char path[96];
		for (size_t k = 0; k < nfam; k++)
			if (streq(fams[k].name, corpus[i].family))
				f = &fams[k];
		if (!f) {
			ck_assert(nfam < ELEMENTSOF(fams));
			f = &fams[nfam++];
			f->name = corpus[i].family;
		}
		f->tp++;
		snprintf(path, sizeof path, "/opt/corpus/tp/%03zu", i);
		if (has(r, path, corpus[i].rule))
			f->found++;
		else {
			fprintf(stderr, "  missed: %s (%s) case %zu\n", corpus[i].rule, corpus[i].family, i);
			dump(r);
		}
		if (corpus[i].near) {
			f->near++;
			snprintf(path, sizeof path, "/opt/corpus/near/%03zu", i);
			for (size_t k = 0; k < r->nfindings; k++)
				if (streq(r->findings[k].path, path)) {
					f->fp++;
					fprintf(stderr, "  false positive: %s near miss %zu reported as %s\n", corpus[i].rule, i,
						r->findings[k].rule);
				}
		}
	}
	{
		unsigned quiet_fp = 0;
		for (size_t k = 0; k < r->nfindings; k++)
			if (startswith(r->findings[k].path, "/opt/corpus/quiet/")) {
				quiet_fp++;
				fprintf(stderr, "  false positive: placeholder %s reported as %s\n", r->findings[k].path,
					r->findings[k].rule);
			}
		printf("secrets corpus: family        recall        false positives\n");
		for (size_t k = 0; k < nfam; k++)
			printf("secrets corpus: %-13s %3u/%-3u %5.1f%%  %u of %u near misses\n", fams[k].name, fams[k].found,
			       fams[k].tp, 100.0 * fams[k].found / fams[k].tp, fams[k].fp, fams[k].near);
		printf("secrets corpus: placeholders  -              %u of %zu\n", quiet_fp, ELEMENTSOF(quiet_texts));
		/* thresholds: the corpus is ours, so every true case is found and nothing else */
		for (size_t k = 0; k < nfam; k++) {
			ck_assert_msg(fams[k].found == fams[k].tp, "%s recall %u/%u", fams[k].name, fams[k].found, fams[k].tp);
			ck_assert_msg(fams[k].fp == 0, "%s: %u false positives", fams[k].name, fams[k].fp);
		}
		ck_assert_msg(quiet_fp == 0, "%u placeholders reported", quiet_fp);
	}
	ck_assert_int_eq(r->nerrors, 0);
	tu_scan_free(&t);
}
END_TEST

START_TEST(checksums_and_key_scores)
{
	struct strbuf sb = {0};

	/* the CRC-32 the tokens use is the common one (check value of "123456789") */
	ck_assert_uint_eq(test_crc32("123456789", 9), 0xcbf43926u);
	crc_token(&sb, "", false);
	ck_assert(secret_base62_crc_ok(sb.buf, sb.len));
	sb.buf[3] = sb.buf[3] == 'x' ? 'y' : 'x'; /* one character off */
	ck_assert(!secret_base62_crc_ok(sb.buf, sb.len));
	strbuf_free(&sb);

	ck_assert_int_eq(secret_key_score("DB_PASSWORD", 11), 2);
	ck_assert_int_eq(secret_key_score("genericToken", 12), 2);
	ck_assert_int_eq(secret_key_score("some_api_token_123", 18), 2);
	ck_assert_int_eq(secret_key_score("client_secret", 13), 2);
	ck_assert_int_eq(secret_key_score("api_key", 7), 2);
	ck_assert_int_eq(secret_key_score("dbpassword", 10), 2);
	ck_assert_int_eq(secret_key_score("auth", 4), 1);
	ck_assert_int_eq(secret_key_score("password_file", 13), 0);
	ck_assert_int_eq(secret_key_score("token_type", 10), 0);
	ck_assert_int_eq(secret_key_score("public_key", 10), 0);
	ck_assert_int_eq(secret_key_score("max_tokens", 10), 0);
	ck_assert_int_eq(secret_key_score("author", 6), 0);
	ck_assert(secret_assigned_value_ok("Zq3vR8tLx2Wd9KpN", 16, 2, true));
	ck_assert(!secret_assigned_value_ok("$6$salt$abcdefghijkl", 20, 2, true));
	ck_assert(!secret_assigned_value_ok("5f4dcc3b5aa765d61d8327deb882cf99", 32, 2, true));
	ck_assert(secret_assigned_value_ok("5f4dcc3b5aa765d61d8327deb882cf99", 32, 2, false));
	ck_assert(!secret_assigned_value_ok("env:DB_PASSWORD_X1", 18, 2, true));
	ck_assert(!secret_assigned_value_ok("Zq3vR8tLx2", 10, 1, false)); /* weak key, short value */
}
END_TEST

START_TEST(context_rules_and_decoys)
{
	char *aws = fake("", B64, 40), *pw = fake("Zq3", ALNUM, 17), *acct = fake("", B64, 86);
	char *sig = fake("", ALNUM, 43), *upw = fake("P4", ALNUM, 12);
	struct tu_scan t;
	const struct cg_result *r;
	static const char *const want[][2] = {
		{"/opt/ctx/aws.ini", "aws-secret-access-key"}, {"/opt/ctx/aws.yaml", "aws-secret-access-key"},
		{"/opt/ctx/aws.json", "aws-secret-access-key"}, {"/opt/ctx/aws.sh", "aws-secret-access-key"},
		{"/opt/ctx/aws.env", "aws-secret-access-key"},
		{"/opt/ctx/pw.ini", "password-assignment"}, {"/opt/ctx/pw.yaml", "password-assignment"},
		{"/opt/ctx/pw.json", "password-assignment"}, {"/opt/ctx/pw.sh", "password-assignment"},
		{"/opt/ctx/pw.env", "password-assignment"}, {"/opt/ctx/pw.xml", "password-assignment"},
		{"/opt/ctx/pw.url", "password-in-url"}, {"/opt/ctx/pw-url.yaml", "password-in-url"},
		{"/opt/ctx/storage.env", "azure-storage-key"}, {"/opt/ctx/storage.json", "azure-storage-key"},
		{"/opt/ctx/sas.sh", "azure-sas-signature"}, {"/opt/ctx/sas.xml", "azure-sas-signature"},
		{"/opt/ctx/project/.npmrc", "npm-auth-token"},
	};

	writef("opt/ctx/aws.ini", "[default]\naws_secret_access_key = %s\n", aws);
	writef("opt/ctx/aws.yaml", "aws:\n  aws_secret_access_key: \"%s\"\n", aws);
	writef("opt/ctx/aws.json", "{\"Credentials\": {\"SecretAccessKey\": \"%s\"}}\n", aws);
	writef("opt/ctx/aws.sh", "export AWS_SECRET_ACCESS_KEY=%s\n", aws);
	writef("opt/ctx/aws.env", "AWS_SECRET_ACCESS_KEY='%s'\n", aws);
	writef("opt/ctx/pw.ini", "[db]\npassword = %s\n", pw);
	writef("opt/ctx/pw.yaml", "db:\n  password: \"%s\"\n", pw);
	writef("opt/ctx/pw.json", "{\"db\": {\"password\": \"%s\"}}\n", pw);
	writef("opt/ctx/pw.sh", "export DB_PASSWORD='%s'\n", pw);
	writef("opt/ctx/pw.env", "DB_PASSWORD=%s\n", pw);
	writef("opt/ctx/pw.xml", "<db>\n  <password>%s</password>\n</db>\n", pw);
	writef("opt/ctx/pw.url", "DATABASE_URL=postgres://app:%s@db.internal:5432/app\n", upw);
	writef("opt/ctx/pw-url.yaml", "proxy: \"http://builder:%s@proxy.corp.internal:3128\"\n", upw);
	writef("opt/ctx/storage.env", "AZ=DefaultEndpointsProtocol=https;AccountName=imgacct;AccountKey=%s==;EndpointSuffix=core.windows.net\n", acct);
	writef("opt/ctx/storage.json", "{\"storage\": {\"AccountKey\": \"%s==\"}}\n", acct);
	writef("opt/ctx/sas.sh", "curl -T x 'https://imgacct.blob.core.windows.net/c/x?sv=2022-11-02&se=2030-01-01T00%%3A00%%3A00Z&sr=b&sp=rw&sig=%s%%3D'\n", sig);
	writef("opt/ctx/sas.xml", "<url>https://a.blob.core.windows.net/c?sv=2021-08-06&amp;sp=r&amp;sig=%s%%3D</url>\n", sig);
	writef("opt/ctx/project/.npmrc", "//registry.npmjs.org/:_authToken=%s\n", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

	/* decoys: AWS docs pair, Azurite's published key, placeholders, code, public material */
	writef("opt/fp/aws-docs.ini", "aws_secret_access_key = %s%s\n", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY");
	writef("opt/fp/azurite.env", "AccountKey=%s%s%s\n", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuF",
	       "q2UVErCz4I6tq/K1SZFPTOtr/KBHB", "eksoGMGw==");
	writef("opt/fp/pw-templates.ini",
	       "password = ${DB_PASSWORD}\npassword = <your-password>\npassword: \"{{ vault_db_password }}\"\n"
	       "password = changeme\npassword: ********\npassword = REPLACE_ME_PLEASE\npassword: %%(db_pass)s\n"
	       "password = 123e4567-e89b-12d3-a456-426614174000\n");
	writef("opt/fp/pw-code.py",
	       "password = self.password\npassword = os.getenv(\"DB_PASSWORD\")\npwd = os.getcwd()\n"
	       "secret = config.get_secret(name)\nif password == confirm_password:\n    pass\n"
	       "PASSWORD_MIN_LENGTH = 12\n");
	writef("opt/fp/pw-prose.txt", "passwd: elevated-privileges usr/bin/chfn [usr/bin/chfn]\n");
	writef("opt/fp/urls.md",
	       "https://user:pass@example.com/x\npostgres://postgres:postgres@localhost/db\n"
	       "https://user:${TOKEN}@host.internal/x\nhttps://username:password@server/\n");
	writef("opt/fp/npm-code.js", "this._auth = createAuthorizationHeader(options);\n");
	writef("opt/fp/cert.pem", "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", "MIIBszCCAVmgAwIBAgIUQ");
	writef("opt/fp/id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv1x3 builder@host\n");
	writef("opt/fp/header.py", "PEM_HEADER = \"-----BEGIN RSA PRIVATE KEY-----\"\nEND = \"-----END RSA PRIVATE KEY-----\"\n");
	writef("opt/fp/sas-noversion.txt", "see https://example.net/?sig=abcdefghijklmnopqrstuvwxyz0123 for a value\n");
	/* heuristic rules do not fire inside vendored trees; prefixed tokens still do */
	writef("usr/lib/python3/dist-packages/lib/conf.py", "password = \"%s\"\n", pw);

	tu_scan(&t, root, "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		if (!has(r, want[i][0], want[i][1]))
			dump(r);
		ck_assert_msg(has(r, want[i][0], want[i][1]), "missed %s in %s", want[i][1], want[i][0]);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		ck_assert_msg(!startswith(r->findings[i].path, "/opt/fp/") && !startswith(r->findings[i].path, "/usr/"),
			      "false positive %s:%u %s", r->findings[i].path, r->findings[i].line, r->findings[i].rule);
	/* the line is exact */
	ck_assert_uint_eq(must(r, "/opt/ctx/pw.ini")->line, 2);
	ck_assert_uint_eq(must(r, "/opt/ctx/pw.xml")->line, 2);
	tu_scan_free(&t);
}
END_TEST

static void run_tool(const char *const *argv)
{
	char *err = NULL;
	int rc = tu_run(argv, NULL, &err);
	ck_assert_msg(rc == 0, "%s failed (%d): %s", argv[0], rc, err ? err : "");
	free(err);
}

START_TEST(private_keys_confirmed)
{
	_cleanup_free_ char *rsa = tu_path(root, "opt/keys/server.key"), *ec = tu_path(root, "opt/keys/ec.pem"),
			    *p8 = tu_path(root, "opt/keys/enc-p8.pem"), *legacy = tu_path(root, "opt/keys/legacy.pem"),
			    *ssh = tu_path(root, "srv/builder/.ssh/id_ed25519"), *sshenc = tu_path(root, "opt/keys/id_enc"),
			    *host = tu_path(root, "etc/ssh/ssh_host_ed25519_key"), *p12 = tu_path(root, "opt/keys/bundle.p12"),
			    *crt = tu_path(root, "opt/keys/cert.pem");
	struct tu_scan t;
	const struct cg_result *r;

	tu_mkdir(root, "opt/keys", 0755);
	tu_mkdir(root, "srv/builder/.ssh", 0700);
	tu_mkdir(root, "etc/ssh", 0755);
	run_tool((const char *const[]){"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
				       "-out", rsa, NULL});
	run_tool((const char *const[]){"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ec, NULL});
	run_tool((const char *const[]){"openssl", "pkcs8", "-topk8", "-in", rsa, "-out", p8, "-v2", "aes256",
				       "-passout", "pass:test-pass", NULL});
	run_tool((const char *const[]){"openssl", "rsa", "-in", rsa, "-out", legacy, "-aes128", "-traditional",
				       "-passout", "pass:test-pass", NULL});
	run_tool((const char *const[]){"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ssh, NULL});
	run_tool((const char *const[]){"ssh-keygen", "-q", "-t", "ed25519", "-N", "test-pass", "-f", sshenc, NULL});
	run_tool((const char *const[]){"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host, NULL});
	run_tool((const char *const[]){"openssl", "req", "-x509", "-key", rsa, "-subj", "/CN=t", "-days", "1", "-out", crt, NULL});
	run_tool((const char *const[]){"openssl", "pkcs12", "-export", "-inkey", rsa, "-in", crt, "-out", p12,
				       "-passout", "pass:test-pass", NULL});
	/* a PEM block that does not parse, a PuTTY file (layout only), a key inside a JSON string */
	{
		char *body = fake("", B64, 256);
		writef("opt/keys/broken.pem", "-----BEGIN RSA PRIVATE KEY-----\n%.64s\n%.64s\n%.64s\n-----END RSA PRIVATE KEY-----\n",
		       body, body + 64, body + 128);
		char *pub = fake("", B64, 68), *priv = fake("", B64, 44), *mac = fake("", "0123456789abcdef", 64);
		writef("opt/keys/builder.ppk", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: builder\n"
		       "Public-Lines: 2\n%.64s\n%s\nPrivate-Lines: 1\n%s\nPrivate-MAC: %s\n", pub, pub + 64, priv, mac);
	}
	/* the GCP service-account file: reported by cloud-credentials, not here */
	{
		_cleanup_free_ char *pem = NULL;
		size_t n;
		struct strbuf esc = {0};
		struct safefs fs;
		ck_assert_int_eq(safefs_init(&fs, root), 0);
		ck_assert_int_eq(safefs_read_file(&fs, "/opt/keys/server.key", 1 << 20, &pem, &n), 0);
		safefs_done(&fs);
		for (size_t i = 0; i < n; i++)
			if (pem[i] == '\n')
				strbuf_puts(&esc, "\\n");
			else
				strbuf_append(&esc, &pem[i], 1);
		writef("opt/app/sa.json", "{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\",\n"
		       "  \"private_key_id\": \"%s\",\n  \"private_key\": \"%s\",\n  \"client_email\": \"x@p.iam.gserviceaccount.com\"\n}\n",
		       fake("", "0123456789abcdef", 40), esc.buf);
		strbuf_free(&esc);
	}
	/* a public key, a certificate and the header in code are not keys */
	writef("opt/keys/header.c", "static const char *h = \"-----BEGIN PRIVATE KEY-----\";\n");

	tu_scan(&t, root, "secrets.private-keys,secrets.cloud-credentials");
	r = tu_result(&t.rep, "secrets.private-keys");
	dump(r);
	ck_assert(has(r, "/opt/keys/server.key", "private-key"));
	ck_assert(strstr(must(r, "/opt/keys/server.key")->message, "not encrypted; parsed by OpenSSL"));
	ck_assert(has(r, "/opt/keys/ec.pem", "private-key"));
	ck_assert(strstr(must(r, "/opt/keys/ec.pem")->message, "EC"));
	ck_assert(has(r, "/opt/keys/enc-p8.pem", "private-key"));
	ck_assert(strstr(must(r, "/opt/keys/enc-p8.pem")->message, "encrypted"));
	ck_assert(has(r, "/opt/keys/legacy.pem", "private-key"));
	ck_assert(strstr(must(r, "/opt/keys/legacy.pem")->message, "encrypted with"));
	ck_assert(has(r, "/srv/builder/.ssh/id_ed25519", "private-key"));
	ck_assert(strstr(must(r, "/srv/builder/.ssh/id_ed25519")->message, "ssh-ed25519), not encrypted"));
	ck_assert(strstr(must(r, "/opt/keys/id_enc")->message, "encrypted with aes256-ctr/bcrypt"));
	ck_assert(has(r, "/opt/keys/bundle.p12", "pkcs12"));
	ck_assert(strstr(must(r, "/opt/keys/bundle.p12")->message, "password-protected"));
	ck_assert(has(r, "/opt/keys/broken.pem", "private-key-unverified"));
	ck_assert(has(r, "/opt/keys/builder.ppk", "putty-private-key"));
	ck_assert(strstr(must(r, "/opt/keys/builder.ppk")->message, "not encrypted"));
	ck_assert(!find(r, "/etc/ssh/ssh_host_ed25519_key"));   /* gen.ssh-host-keys owns it */
	ck_assert(!find(r, "/etc/ssh/ssh_host_ed25519_key.pub"));
	ck_assert(!find(r, "/opt/keys/cert.pem"));
	ck_assert(!find(r, "/opt/keys/header.c"));
	ck_assert(!find(r, "/opt/app/sa.json"));
	ck_assert(has(tu_result(&t.rep, "secrets.cloud-credentials"), "/opt/app/sa.json", "gcp-service-account-key"));
	ck_assert_int_eq(r->nerrors, 0);
	tu_scan_free(&t);
}
END_TEST

START_TEST(path_rules_in_every_home)
{
	struct tu_scan t;
	const struct cg_result *c, *tl, *p;
	char *b64 = fake("", B64, 60), *tok = expand_tmpl("{gh:gho_}"), *pw = fake("", ALNUM, 14);

	/* builder's home is /srv/builder and svc's /var/lib/svc: not under /home */
	writef("srv/builder/.aws/credentials", "[default]\naws_access_key_id = AKIA%s\naws_secret_access_key = %s\n",
	       "QYLPMN5HFIQR7XBZ", fake("", B64, 40));
	writef("srv/builder/.azure/msal_token_cache.json", "{\"RefreshToken\": {\"k\": {\"secret\": \"%s\"}}}\n", b64);
	writef("var/lib/svc/.azure/service_principal_entries.json", "[]\n");
	writef("root/.config/gcloud/legacy_credentials/a@b.c/adc.json", "{\"type\": \"authorized_user\", \"refresh_token\": \"%s\"}\n", b64);
	writef("root/.config/gcloud/credentials.db", "SQLite format 3");
	writef("srv/builder/.git-credentials", "https://builder:%s@github.com\n", tok);
	writef("srv/builder/.netrc", "machine ftp.internal\n  login builder\n  password %s\n", pw);
	writef("var/lib/svc/.pgpass", "# comment\ndb.internal:5432:*:svc:%s\n", pw);
	writef("root/.my.cnf", "[client]\nuser=root\npassword=%s\n", pw);
	writef("srv/builder/.npmrc", "fund=false\n//registry.npmjs.org/:_authToken=%s\n", expand_tmpl("{gh:npm_}"));
	writef("var/lib/svc/.npmrc", "fund=false\naudit=false\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
	writef("root/.pypirc", "[pypi]\nusername = __token__\npassword = %s\n", fake("pypi-AgEIcHlwaS5vcmc", ALNUM, 60));
	writef("srv/builder/.docker/config.json", "{\"auths\": {\"registry.internal\": {\"auth\": \"%s\"}}}\n", b64);
	writef("var/lib/svc/.docker/config.json", "{\"auths\": {\"registry.internal\": {}}, \"credsStore\": \"pass\"}\n");
	writef("root/.kube/config", "users:\n- name: admin\n  user:\n    token: %s\n", b64);
	writef("srv/builder/.config/gh/hosts.yml", "github.com:\n    oauth_token: %s\n    user: builder\n", tok);
	writef("var/lib/waagent/ovf-env.xml", "<ns0:Environment><ns1:UserName>azureuser</ns1:UserName>"
	       "<ns1:UserPassword>*</ns1:UserPassword>\n<ns1:CustomData>%s</ns1:CustomData></ns0:Environment>\n", b64);
	writef("var/lib/cloud/instances/i-1/user-data.txt", "#cloud-config\nchpasswd:\n  list: |\n    root:%s\n", pw);
	writef("var/lib/cloud/instances/i-1/vendor-data.txt", "\n");
	writef("tmp/script_4242.sh", "#!/bin/sh\necho hi\n");
	tu_mkdir(root, "tmp/packer-shell123", 0755);
	writef("root/.ansible/tmp/ansible-tmp-1-2-3/AnsiballZ_user.py", "x");
	tu_symlink(root, "var/lib/svc/.git-credentials", "/etc/shadow");

	tu_scan(&t, root, "secrets.cloud-credentials,secrets.tool-credentials,secrets.provisioning-data");
	c = tu_result(&t.rep, "secrets.cloud-credentials");
	tl = tu_result(&t.rep, "secrets.tool-credentials");
	p = tu_result(&t.rep, "secrets.provisioning-data");
	dump(c), dump(tl), dump(p);
	ck_assert(has(c, "/srv/builder/.aws/credentials", "aws-credentials"));
	ck_assert_uint_eq(must(c, "/srv/builder/.aws/credentials")->line, 3);
	ck_assert(has(c, "/srv/builder/.azure/msal_token_cache.json", "azure-cli-token-cache"));
	ck_assert(!find(c, "/var/lib/svc/.azure/service_principal_entries.json")); /* empty list */
	ck_assert(has(c, "/root/.config/gcloud/legacy_credentials/a@b.c/adc.json", "gcloud-adc"));
	ck_assert(has(c, "/root/.config/gcloud/credentials.db", "gcloud-credentials"));
	ck_assert(has(tl, "/srv/builder/.git-credentials", "git-credentials"));
	ck_assert(has(tl, "/srv/builder/.netrc", "netrc"));
	ck_assert_uint_eq(must(tl, "/srv/builder/.netrc")->line, 3);
	ck_assert(has(tl, "/var/lib/svc/.pgpass", "pgpass"));
	ck_assert(has(tl, "/root/.my.cnf", "mysql-client-password"));
	ck_assert(has(tl, "/srv/builder/.npmrc", "npmrc-token"));
	ck_assert(!find(tl, "/var/lib/svc/.npmrc"));           /* only settings and a reference */
	ck_assert(has(tl, "/root/.pypirc", "pypirc-password"));
	ck_assert(has(tl, "/srv/builder/.docker/config.json", "docker-auth"));
	ck_assert(!find(tl, "/var/lib/svc/.docker/config.json")); /* credential helper */
	ck_assert(has(tl, "/root/.kube/config", "kubeconfig-credential"));
	ck_assert(has(tl, "/srv/builder/.config/gh/hosts.yml", "gh-token"));
	ck_assert(!find(tl, "/var/lib/svc/.git-credentials"));  /* a symlink is never followed */
	ck_assert(has(p, "/var/lib/waagent/ovf-env.xml", "waagent-ovf-env"));
	ck_assert_uint_eq(p->nfindings >= 1, 1);
	for (size_t i = 0; i < p->nfindings; i++) /* the masked password is not a finding */
		ck_assert(!strstr(p->findings[i].message, "UserPassword"));
	ck_assert(has(p, "/var/lib/cloud/instances/i-1/user-data.txt", "cloud-init-user-data"));
	ck_assert(!find(p, "/var/lib/cloud/instances/i-1/vendor-data.txt"));
	ck_assert(has(p, "/tmp/script_4242.sh", "packer-upload"));
	ck_assert(has(p, "/tmp/packer-shell123", "packer-upload"));
	ck_assert(has(p, "/root/.ansible/tmp/ansible-tmp-1-2-3", "ansible-remote-tmp"));
	ck_assert_int_eq(c->nerrors + tl->nerrors + p->nerrors, 0);
	tu_scan_free(&t);
}
END_TEST

/* A build user removed by userdel (no -r): its home is a finding, and the path rules look in it. */
START_TEST(orphaned_homes_and_old_formats)
{
	struct tu_scan t;
	const struct cg_result *o, *c, *tl, *tok;
	char *aws = fake("", B64, 40);

	writef("home/olduser/.bash_history", "ls\n");
	writef("home/olduser/.aws/credentials", "[default]\naws_secret_access_key = %s\n", aws);
	writef("var/lib/jenkins-old/.ssh/known_hosts", "x\n");
	writef("var/lib/dpkg/status", "Package: x\n");     /* state, not a home */
	writef("srv/builder/.profile", "umask 022\n");     /* builder is in passwd */
	tu_mkdir(root, "home/lost+found", 0700);
	writef("root/.dockercfg", "{\"registry.internal\": {\"auth\": \"%s\", \"email\": \"a@b\"}}\n", fake("", B64, 24));
	writef("root/.config/rclone/rclone.conf", "[s3]\ntype = s3\nsecret_access_key = %s\n", fake("", B64, 40));
	writef("home/olduser/.vnc/passwd", "\x01\x02\x03\x04\x05\x06\x07\x08");
	writef("home/olduser/.s3cfg", "[default]\nsecret_key = %s\n", fake("", B64, 40));
	/* content rules of the old formats, anywhere */
	writef("opt/web/.htpasswd", "admin:{SHA}%s=\n", fake("", B64, 27));

	tu_scan(&t, root, "secrets.*");
	o = tu_result(&t.rep, "secrets.orphaned-homes");
	c = tu_result(&t.rep, "secrets.cloud-credentials");
	tl = tu_result(&t.rep, "secrets.tool-credentials");
	tok = tu_result(&t.rep, "secrets.tokens");
	dump(o), dump(tl);
	ck_assert(has(o, "/home/olduser", "orphaned-home"));
	ck_assert(strstr(must(o, "/home/olduser")->message, ".bash_history"));
	ck_assert(has(o, "/var/lib/jenkins-old", "orphaned-home"));
	ck_assert(!find(o, "/var/lib/dpkg"));
	ck_assert(!find(o, "/srv/builder"));
	ck_assert(!find(o, "/home/lost+found"));
	ck_assert_uint_eq(o->nfindings, 2);
	ck_assert(has(c, "/home/olduser/.aws/credentials", "aws-credentials"));
	ck_assert(has(c, "/home/olduser/.s3cfg", "s3cmd-credentials"));
	ck_assert(has(tl, "/root/.dockercfg", "docker-auth"));
	ck_assert(has(tl, "/root/.config/rclone/rclone.conf", "rclone-credentials"));
	ck_assert(has(tl, "/home/olduser/.vnc/passwd", "vnc-password"));
	ck_assert(has(tok, "/opt/web/.htpasswd", "htpasswd-weak-hash"));
	/* the content scan walks a file once, even when two checks' scopes name its directory */
	for (size_t i = 0; i < tok->nfindings; i++)
		for (size_t k = i + 1; k < tok->nfindings; k++)
			ck_assert(!(streq(tok->findings[i].path, tok->findings[k].path) &&
				    tok->findings[i].line == tok->findings[k].line &&
				    streq(tok->findings[i].rule, tok->findings[k].rule)));
	tu_scan_free(&t);
}
END_TEST

START_TEST(overlapping_scopes_walk_once)
{
	struct tu_scan t;
	const struct cg_result *r;

	writef("opt/app/app.env", "T=%s\n", expand_tmpl("{gh:ghp_}"));
	scan_with(&t, "{\"checks\": {\"secrets.tokens\": {\"paths\": [\"/opt\", \"/opt/app\"]},"
		      " \"secrets.private-keys\": {\"paths\": [\"/opt\"]}, \"secrets.cloud-credentials\": {\"paths\": [\"/opt/app\"]}}}",
		  "secrets.tokens,secrets.private-keys,secrets.cloud-credentials");
	r = tu_result(&t.rep, "secrets.tokens");
	dump(r);
	ck_assert_uint_eq(r->nfindings, 1);
	tu_scan_free(&t);
}
END_TEST

/* Every secret planted above, run through the real binary: no output holds any 8 characters of it. */
START_TEST(redaction_in_every_output)
{
	static const char *const fmts[] = {"text", "json"};
	char *gh = expand_tmpl("{gh:ghp_}"), *pw = fake("Xy9", ALNUM, 21), *aws = fake("", B64, 40);

	writef("root/.bash_history", "git push https://builder:%s@github.com/x\nexport DB_PASSWORD=%s\n", gh, pw);
	writef("root/.aws/credentials", "[default]\naws_secret_access_key = %s\n", aws);
	writef("etc/app.env", "GITHUB_TOKEN=%s\nDB_PASSWORD=%s\n", gh, pw);
	for (size_t f = 0; f < ELEMENTSOF(fmts); f++) {
		char *out = NULL, *err = NULL;
		int rc = tu_run((const char *const[]){tu_capgate(), "scan", "--root", root, "--only", "secrets.*",
						      "--format", fmts[f], NULL}, &out, &err);
		ck_assert_int_eq(rc, 1);
		ck_assert(strstr(out, "/etc/app.env"));
		for (size_t s = 0; s < planted.n; s++) {
			size_t n = strlen(planted.v[s]);
			for (size_t i = 0; i + 8 <= n; i++) {
				char win[9];
				memcpy(win, planted.v[s] + i, 8);
				win[8] = '\0';
				ck_assert_msg(!strstr(out, win) && !strstr(err, win), "%s output holds '%s' of a secret", fmts[f], win);
			}
		}
		free(out);
		free(err);
	}
}
END_TEST

/* Secrets across the detection chunk (256 KiB) and the location block (512 KiB, one long line). */
START_TEST(chunk_boundaries)
{
	char *tok = expand_tmpl("{gh:ghp_}"), *tok2 = fake("glpat-", ALNUM, 20);
	size_t big = (256u << 10) - 10;
	struct strbuf sb = {0};
	struct tu_scan t;
	const struct cg_result *r;
	struct secret_mask hits;

	/* many short lines, the token straddling offset 262144 */
	while (sb.len < big) {
		size_t k = big - sb.len < 64 ? big - sb.len : 64;
		char line[65];
		memset(line, 'a', k);
		line[k - 1] = '\n';
		strbuf_append(&sb, line, k);
	}
	strbuf_puts(&sb, tok);
	strbuf_puts(&sb, "\nend\n");
	tu_write(root, "opt/big.txt", sb.buf, 0644);
	/* the detector on its own, split inside the token */
	ck_assert_int_eq(secretscan_detect_buffer(sb.buf, sb.len, big + 5, &hits), 0);
	ck_assert(secret_mask_any(&hits));
	strbuf_truncate(&sb, 0);
	/* one 1.2 MB line (minified), the token across the 512 KiB location cut */
	for (size_t i = 0; sb.len < (512u << 10) - 7; i++)
		strbuf_append(&sb, "x=1;", 4);
	strbuf_puts(&sb, tok2);
	strbuf_puts(&sb, ";");
	for (size_t i = 0; i < 180000; i++)
		strbuf_append(&sb, "y=2;", 4);
	tu_write(root, "opt/min.js", sb.buf, 0644);
	strbuf_free(&sb);

	tu_scan(&t, root, "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	dump(r);
	ck_assert(has(r, "/opt/big.txt", "github-token"));
	ck_assert_uint_eq(must(r, "/opt/big.txt")->line, (unsigned)(big / 64) + 2);
	ck_assert(has(r, "/opt/min.js", "gitlab-token"));
	ck_assert_uint_eq(must(r, "/opt/min.js")->line, 1);
	tu_scan_free(&t);
}
END_TEST

static void scan_with(struct tu_scan *t, const char *json, const char *only)
{
	struct cg_selection sel = {.fail_on = -1};
	char *err = NULL;

	config_init(&t->cfg);
	ck_assert_msg(config_load_text(&t->cfg, "test.json", json, strlen(json), &err) == 0, "%s", err ? err : "");
	ck_assert_int_eq(config_settle(&t->cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&t->ctx, root, &t->cfg), 0);
	strv_split_commas(&sel.only, only);
	ck_assert_int_eq(scan_run(&t->ctx, &sel, &t->rep), 0);
	strv_free(&sel.only);
}

START_TEST(config_scope_size_workers)
{
	char *tok = expand_tmpl("{gh:ghp_}");
	struct tu_scan t;
	const struct cg_result *r;
	char *big = xmalloc(300000);

	writef("etc/app.env", "T=%s\n", tok);
	writef("opt/app.env", "T=%s\n", tok);
	writef("opt/vendor/skip.env", "T=%s\n", tok);
	memset(big, 'b', 299000);
	snprintf(big + 299000, 1000, "\nT=%s\n", tok);
	tu_write(root, "var/big.log", big, 0644);
	free(big);

	/* exclude and a size cap */
	scan_with(&t, "{\"scan\": {\"max_file_size\": \"100K\", \"workers\": 1},"
		      " \"checks\": {\"secrets.tokens\": {\"exclude\": [\"/opt/vendor/*\"]}}}", "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	ck_assert(has(r, "/etc/app.env", "github-token") && has(r, "/opt/app.env", "github-token"));
	ck_assert(!find(r, "/opt/vendor/skip.env"));
	ck_assert(!find(r, "/var/big.log"));
	tu_scan_free(&t);
	/* paths narrow the scope; many workers give the same answer */
	scan_with(&t, "{\"scan\": {\"workers\": 7}, \"checks\": {\"secrets.tokens\": {\"paths\": [\"/opt\", \"/var\"]}}}",
		  "secrets.tokens");
	r = tu_result(&t.rep, "secrets.tokens");
	ck_assert(!find(r, "/etc/app.env"));
	ck_assert(has(r, "/opt/app.env", "github-token") && has(r, "/opt/vendor/skip.env", "github-token"));
	ck_assert(has(r, "/var/big.log", "github-token"));
	ck_assert_uint_eq(must(r, "/var/big.log")->line, 2);
	tu_scan_free(&t);
}
END_TEST

/* A secret-dense file: the pass that drops findings of one value under several rules does work
 * linear in the findings (it compared every finding with every other: 60k lines 1.75 s, 120k
 * 8.3 s). Bounded by counted steps, not by time. */
START_TEST(dense_file_dedup_is_linear)
{
	struct secretscan_opts o = {.max_file_size = 64ULL << 20, .workers = 1, .max_findings = 1000};
	struct secretscan s = {0};
	struct safefs fs;
	struct strbuf sb = {0};
	const unsigned n = 20000;

	for (unsigned i = 0; i < n; i++)
		strbuf_printf(&sb, "password = hunter%u_%u\n", i, i * 7919);
	tu_write(root, "etc/app.conf", sb.buf, 0644);
	strbuf_free(&sb);
	strv_push(&o.starts, "/etc");
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(secretscan_run(&fs, &o, &s), 0);
	ck_assert_uint_ge(s.nf, 1);
	/* every line holds one candidate: at most a few steps each, never n per line */
	ck_assert_msg(s.dedup_steps <= 4ULL * n, "%llu steps for %u lines", s.dedup_steps, n);
	secretscan_free(&s);
	strv_free(&o.starts);
	safefs_done(&fs);
}
END_TEST

/* Hostile trees: a symlink out of the root, a FIFO, a symlinked directory loop. */
START_TEST(hostile_tree)
{
	_cleanup_free_ char *outside = tu_scratch();
	_cleanup_free_ char *fifo = tu_path(root, "opt/pipe.env");
	char *tok = expand_tmpl("{gh:ghp_}");
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(outside, "secret.env", "", 0644);
	writef("opt/in.env", "T=%s\n", tok);
	{
		_cleanup_free_ char *p = tu_path(outside, "secret.env");
		FILE *f = fopen(p, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "T=%s\n", expand_tmpl("{gh:ghp_}"));
		fclose(f);
		tu_symlink(root, "opt/link.env", p);
		tu_symlink(root, "opt/dirlink", outside);
	}
	tu_symlink(root, "opt/loop", "../opt");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);

	tu_scan(&t, root, "secrets.*");
	r = tu_result(&t.rep, "secrets.tokens");
	dump(r);
	ck_assert(has(r, "/opt/in.env", "github-token"));
	ck_assert_uint_eq(r->nfindings, 1);   /* nothing through the links */
	ck_assert_int_eq(r->nerrors, 0);      /* the FIFO is not opened, hence no hang and no error */
	tu_scan_free(&t);
	tu_rm_rf(outside);
}
END_TEST

/* An unreadable file, as a user that cannot read it: the content scan reports it, exit 3. */
START_TEST(unreadable_file_is_an_error)
{
	char *out = NULL, *err = NULL;
	int rc;

	if (access("/usr/bin/setpriv", X_OK) != 0)
		return;
	/* under memcheck with --trace-children, valgrind itself cannot follow setpriv's drop to
	 * uid 65534; the release and sanitizer passes run this test */
	if (getenv("CAPGATE_UNDER_VALGRIND"))
		return;
	ck_assert_int_eq(chmod(root, 0755), 0);
	writef("opt/ok.txt", "hello\n");
	tu_write(root, "opt/locked.env", "T=x\n", 0600);
	rc = tu_run((const char *const[]){"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", tu_capgate(),
					  "scan", "--root", root, "--only", "secrets.tokens", "--format", "json", NULL},
		    &out, &err);
	ck_assert_msg(rc == 3, "exit %d: %s", rc, err);
	ck_assert(strstr(out, "/opt/locked.env"));
	ck_assert(strstr(out, "Permission denied"));
	free(out);
	free(err);
}
END_TEST

START_TEST(judgement_helpers)
{
	const char *v;
	size_t n;

	ck_assert(secret_is_placeholder("${TOKEN}", 8));
	ck_assert(secret_is_placeholder("xxxxxxxxxxxx", 12));
	ck_assert(secret_is_placeholder("<password>", 10));
	ck_assert(!secret_is_placeholder("Zq3vR8tLx2Wd9KpN", 16));
	ck_assert(secret_value_is_credential("Zq3vR8tLx2Wd9KpN", 16));
	ck_assert(!secret_value_is_credential("self.password", 13));
	ck_assert(!secret_value_is_credential("elevated-privileges", 19));
	ck_assert(secret_entropy("aaaa", 4) < 0.01);
	ck_assert(secret_entropy("abcd", 4) > 1.99 && secret_entropy("abcd", 4) < 2.01);
	static const char line[] = " = 'a b c' # x";
	secret_cut_value(line, line + 14, &v, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert(strncmp(v, "a b c", 5) == 0);
	ck_assert(secret_path_is_vendored("/srv/app/node_modules/x/index.js"));
	ck_assert(!secret_path_is_vendored("/srv/app/index.js"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("secrets");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, prefixed_tokens_in_every_syntax);
	tcase_add_test(tc, context_rules_and_decoys);
	tcase_add_test(tc, corpus_per_family);
	tcase_add_test(tc, checksums_and_key_scores);
	tcase_add_test(tc, private_keys_confirmed);
	tcase_add_test(tc, path_rules_in_every_home);
	tcase_add_test(tc, orphaned_homes_and_old_formats);
	tcase_add_test(tc, overlapping_scopes_walk_once);
	tcase_add_test(tc, redaction_in_every_output);
	tcase_add_test(tc, chunk_boundaries);
	tcase_add_test(tc, config_scope_size_workers);
	tcase_add_test(tc, hostile_tree);
	tcase_add_test(tc, unreadable_file_is_an_error);
	tcase_add_test(tc, judgement_helpers);
	tcase_add_test(tc, dense_file_dedup_is_linear);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
