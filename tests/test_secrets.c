/* secrets.*: every rule's true positives in several syntaxes with false positives beside them,
 * path rules in every passwd home, key confirmation, redaction of every output, hostile trees,
 * chunk boundaries and the per-check configuration. Fake secrets are built at run time. */
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
		{"github-token", fake("ghp_", ALNUM, 36)},
		{"github-token", fake("github_pat_", ALNUM "_", 82)},
		{"gitlab-token", fake("glpat-", ALNUM, 20)},
		{"npm-token", fake("npm_", ALNUM, 36)},
		{"pypi-token", fake("pypi-AgEIcHlwaS5vcmc", ALNUM "_-", 70)},
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
	char *b64 = fake("", B64, 60), *tok = fake("gho_", ALNUM, 36), *pw = fake("", ALNUM, 14);

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
	writef("srv/builder/.npmrc", "fund=false\n//registry.npmjs.org/:_authToken=%s\n", fake("npm_", ALNUM, 36));
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

/* Every secret planted above, run through the real binary: no output holds any 8 characters of it. */
START_TEST(redaction_in_every_output)
{
	static const char *const fmts[] = {"text", "json"};
	char *gh = fake("ghp_", ALNUM, 36), *pw = fake("Xy9", ALNUM, 21), *aws = fake("", B64, 40);

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
	char *tok = fake("ghp_", ALNUM, 36), *tok2 = fake("glpat-", ALNUM, 20);
	size_t big = (256u << 10) - 10;
	struct strbuf sb = {0};
	struct tu_scan t;
	const struct cg_result *r;
	uint64_t hits;

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
	ck_assert(hits != 0);
	strbuf_truncate(&sb, 0);
	/* one 1.2 MB line (minified), the token across the 512 KiB location cut */
	for (size_t i = 0; sb.len < (512u << 10) - 7; i++)
		strbuf_append(&sb, "x=1;", 4);
	strbuf_puts(&sb, tok2);
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
	char *tok = fake("ghp_", ALNUM, 36);
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

/* Hostile trees: a symlink out of the root, a FIFO, a symlinked directory loop. */
START_TEST(hostile_tree)
{
	_cleanup_free_ char *outside = tu_scratch();
	_cleanup_free_ char *fifo = tu_path(root, "opt/pipe.env");
	char *tok = fake("ghp_", ALNUM, 36);
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(outside, "secret.env", "", 0644);
	writef("opt/in.env", "T=%s\n", tok);
	{
		_cleanup_free_ char *p = tu_path(outside, "secret.env");
		FILE *f = fopen(p, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "T=%s\n", fake("ghp_", ALNUM, 36));
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
	tcase_add_test(tc, private_keys_confirmed);
	tcase_add_test(tc, path_rules_in_every_home);
	tcase_add_test(tc, redaction_in_every_output);
	tcase_add_test(tc, chunk_boundaries);
	tcase_add_test(tc, config_scope_size_workers);
	tcase_add_test(tc, hostile_tree);
	tcase_add_test(tc, unreadable_file_is_an_error);
	tcase_add_test(tc, judgement_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
