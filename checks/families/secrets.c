/* SPDX-License-Identifier: Apache-2.0 */
/* secrets.*: credentials a build leaves in an image (research/secrets.md §5, §6): path rules for
 * the files tools keep them in, in every home of the image's passwd, and one content scan
 * (secretscan.c) shared by the checks that judge file contents. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>

#include "ctx.h"
#include "families.h"
#include "hsys.h"
#include "perm.h"
#include "redact.h"
#include "secretscan.h"

#define CRED_FILE_MAX (4u << 20)
#define MEMO_KEY "secrets.content"

static const char *const check_ids[SO_COUNT] = {
	[SO_PRIVATE_KEYS] = "secrets.private-keys", [SO_CLOUD] = "secrets.cloud-credentials",
	[SO_TOOL] = "secrets.tool-credentials", [SO_PROVISIONING] = "secrets.provisioning-data",
	[SO_TOKENS] = "secrets.tokens",
};

/* Private keys other checks own: SSH host keys (gen.ssh-host-keys), the snakeoil TLS key
 * (gen.tls-snakeoil). */
static const char *const pk_skip[] = {"/etc/ssh/ssh_host_*", "/etc/ssl/private/ssl-cert-snakeoil.key", NULL};

static const struct cg_check_config *check_cfg(const struct cg_ctx *ctx, enum secret_owner ow)
{
	return ctx->cfg ? config_for_check(ctx->cfg, check_ids[ow]) : NULL;
}

static const struct strv *scope_of(const struct cg_ctx *ctx, enum secret_owner ow)
{
	const struct cg_check_config *cc = check_cfg(ctx, ow);
	return cc && cc->paths.n ? &cc->paths : NULL;
}

static const struct strv *scope_of_orphans(const struct cg_ctx *ctx)
{
	const struct cg_check_config *cc = ctx->cfg ? config_for_check(ctx->cfg, "secrets.orphaned-homes") : NULL;
	return cc && cc->paths.n ? &cc->paths : NULL;
}

/* ---- the shared content scan ---- */

static void content_free(void *p)
{
	secretscan_free(p);
	free(p);
}

static int content_scan(struct cg_ctx *ctx, const struct secretscan **res)
{
	static const enum secret_owner content[] = {SO_PRIVATE_KEYS, SO_CLOUD, SO_TOKENS};
	struct secretscan *s = ctx_memo_get(ctx, MEMO_KEY);
	struct secretscan_opts o = {
		.exclude = ctx->cfg ? &ctx->cfg->scan_exclude : NULL,
		.one_file_system = ctx->cfg && ctx->cfg->one_file_system,
		.max_file_size = ctx->cfg ? ctx->cfg->max_file_size : 64ULL << 20,
		.workers = ctx->workers,
		.max_findings = ctx->cfg && ctx->cfg->max_findings ? ctx->cfg->max_findings : 1000,
		.pk_skip = pk_skip,
	};
	struct safefs_walk_ops tap_ops;
	struct perm_tap *tap = NULL;
	bool everywhere = false;
	struct strv all = {0};
	int r;

	if (s) {
		*res = s;
		return 0;
	}
	for (int ow = 0; ow < SO_COUNT; ow++) {
		const struct cg_check_config *cc = check_cfg(ctx, (enum secret_owner)ow);
		o.scope[ow].paths = scope_of(ctx, (enum secret_owner)ow);
		o.scope[ow].exclude = cc ? &cc->exclude : NULL;
	}
	/* walk the union of the content checks' scopes, "/" when any has none */
	for (size_t i = 0; i < ELEMENTSOF(content); i++) {
		const struct strv *sc = o.scope[content[i]].paths;
		if (!sc)
			everywhere = true;
		else
			for (size_t k = 0; k < sc->n; k++)
				strv_push(&all, sc->v[k]);
	}
	/* one walk per directory: scopes the checks share or nest are walked once (a file walked
	 * twice would be reported twice) */
	for (size_t k = 0; k < all.n; k++) {
		bool covered = false;
		for (size_t m = 0; m < all.n && !covered; m++) {
			struct strv one = {.v = &all.v[m], .n = 1};
			if (m != k && secretscan_in_scope(&one, all.v[k]) &&
			    (!streq(all.v[m], all.v[k]) || m < k))
				covered = true;
		}
		if (!covered)
			strv_push(&o.starts, all.v[k]);
	}
	strv_free(&all);
	if (everywhere) {
		strv_free(&o.starts);
		strv_push(&o.starts, "/");
		/* the same walk perm.* would make (same exclude and file-system rule): feed it */
		tap = perm_tap_begin(ctx, &tap_ops);
		o.tap = tap ? &tap_ops : NULL;
		o.tap_ud = tap;
	}
	s = xcalloc(1, sizeof *s);
	r = secretscan_run(&ctx->fs, &o, s);
	perm_tap_end(ctx, tap, r == 0, s->rc);
	strv_free(&o.starts);
	if (r < 0) {
		content_free(s);
		return r;
	}
	if (s->skipped_large)
		fprintf(stderr, "capgate: secrets: %llu files larger than scan.max_file_size (%llu bytes) were not "
			"scanned for content; largest '%s' (%llu bytes)\n", s->skipped_large, o.max_file_size,
			s->largest_skipped_path, s->largest_skipped);
	if (getenv("CAPGATE_SECRETS_STATS"))
		fprintf(stderr, "capgate: secrets: %llu files, %llu bytes scanned, %llu hit, %llu binary skipped, "
			"%llu over size cap, %u workers, %s databases, %llu ms\n", s->files, s->bytes, s->hit_files,
			s->skipped_format, s->skipped_large, o.workers,
			secretscan_prebuilt_used() ? "prebuilt" : "compiled", s->duration_ms);
	ctx_memo_put(ctx, MEMO_KEY, s, content_free);
	*res = s;
	return 0;
}

static bool claimed_by_path_rule(const struct strv *homes, const char *path);
static size_t homes_of(struct cg_ctx *ctx, struct cg_result *r, struct strv *homes);

static int content_report(struct cg_ctx *ctx, struct cg_result *r, enum secret_owner ow)
{
	_cleanup_(strv_free) struct strv homes = {0};
	const struct secretscan *s;
	const struct strv *scope = scope_of(ctx, ow);
	int e = content_scan(ctx, &s);

	if (e < 0) {
		result_add_error(r, "/", e, "content scan could not start");
		return 0;
	}
	/* a file a path rule names (a token cache, .git-credentials, Pro's machine token) is that
	 * rule's finding, removed whole; the generic content rules would say it again */
	if (ow == SO_TOKENS)
		homes_of(ctx, r, &homes);
	for (size_t i = 0; i < s->nf; i++) {
		if (s->f[i].owner != ow)
			continue;
		if (ow == SO_TOKENS && claimed_by_path_rule(&homes, s->f[i].path))
			continue;
		/* a key an installed package ships, byte for byte, is in every copy of that package: not
		 * a leak, and removing it breaks the package (the RHUI client key of Azure PAYG RHEL) */
		if (ow == SO_PRIVATE_KEYS && hsys_file_pristine(ctx, s->f[i].path, NULL))
			continue;
		result_add_finding_at(r, s->f[i].path, s->f[i].line, s->f[i].col, s->f[i].span, s->f[i].rule,
				      s->f[i].evidence, "%s", s->f[i].message);
	}
	pthread_mutex_lock(&r->lock);
	r->omitted += s->omitted[ow];
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < s->ne; i++)
		if (secretscan_in_scope(scope, s->e[i].path) && !(r->exclude && strv_match_glob(r->exclude, s->e[i].path)))
			result_add_error(r, s->e[i].path, s->e[i].err, "cannot scan");
	if (s->rc < 0)
		result_add_error(r, "/", s->rc, "content scan stopped");
	return 0;
}

/* ---- path rules ---- */

enum judge {
	J_NONEMPTY,   /* any content: token caches, databases, decoded custom data */
	J_KEYS,       /* INI/YAML/shell lines "key = value" with a key from the list */
	J_JSON_KEYS,  /* JSON with a non-empty string under a key from the list */
	J_NETRC,      /* machine/login/password tokens */
	J_PGPASS,     /* host:port:db:user:password */
	J_URLS,       /* git-credential-store: one URL with user:secret@ per line */
	J_DOCKER,     /* config.json auths.*.auth / identitytoken */
	J_OVF,        /* ovf-env.xml CustomData / UserPassword */
	J_ENTRIES,    /* a directory whose entries are the leftovers (Ansible remote tmp) */
	J_ANY,        /* the path itself is the leftover (file or directory) */
};

struct path_rule {
	enum secret_owner owner;
	bool home;               /* PATH is relative to every home directory */
	const char *path;        /* may hold globs in any component */
	const char *rule;
	enum judge judge;
	const char *const *keys; /* J_KEYS / J_JSON_KEYS: key names, case-insensitive, matched as suffix */
	const char *what;
};

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct path_rule path_rules[] = {
	/* cloud CLIs */
	{SO_CLOUD, true, ".azure/msal_token_cache.json", "azure-cli-token-cache", J_JSON_KEYS,
	 KEYS("secret", "refresh_token", "access_token"), "Azure CLI token cache"},
	{SO_CLOUD, true, ".azure/msal_token_cache.bin", "azure-cli-token-cache", J_NONEMPTY, NULL,
	 "Azure CLI token cache (encrypted with a key kept on the same machine)"},
	{SO_CLOUD, true, ".azure/accessTokens.json", "azure-cli-token-cache", J_JSON_KEYS,
	 KEYS("accessToken", "refreshToken"), "Azure CLI legacy token cache"},
	{SO_CLOUD, true, ".azure/service_principal_entries.json", "azure-service-principal", J_JSON_KEYS,
	 KEYS("client_secret", "password", "certificate"), "Azure CLI service-principal entries"},
	{SO_CLOUD, true, ".azure/service_principal_entries.bin", "azure-service-principal", J_NONEMPTY, NULL,
	 "Azure CLI service-principal entries"},
	{SO_CLOUD, true, ".aws/credentials", "aws-credentials", J_KEYS,
	 KEYS("aws_secret_access_key", "aws_session_token", "aws_security_token"), "AWS credentials file"},
	{SO_CLOUD, true, ".aws/config", "aws-credentials", J_KEYS,
	 KEYS("aws_secret_access_key", "aws_session_token"), "AWS config with keys"},
	{SO_CLOUD, true, ".aws/sso/cache/*.json", "aws-sso-cache", J_JSON_KEYS,
	 KEYS("accessToken", "refreshToken", "clientSecret"), "AWS SSO token cache"},
	{SO_CLOUD, true, ".aws/cli/cache/*.json", "aws-cli-cache", J_JSON_KEYS,
	 KEYS("SecretAccessKey", "SessionToken"), "AWS CLI credential cache"},
	{SO_CLOUD, true, ".config/gcloud/credentials.db", "gcloud-credentials", J_NONEMPTY, NULL,
	 "gcloud credential database"},
	{SO_CLOUD, true, ".config/gcloud/access_tokens.db", "gcloud-credentials", J_NONEMPTY, NULL,
	 "gcloud access-token database"},
	{SO_CLOUD, true, ".config/gcloud/application_default_credentials.json", "gcloud-adc", J_JSON_KEYS,
	 KEYS("refresh_token", "private_key", "client_secret"), "gcloud application-default credentials"},
	{SO_CLOUD, true, ".config/gcloud/legacy_credentials/*/adc.json", "gcloud-adc", J_JSON_KEYS,
	 KEYS("refresh_token", "private_key", "client_secret"), "gcloud legacy credentials"},
	{SO_CLOUD, true, ".config/gcloud/legacy_credentials/*/.boto", "gcloud-adc", J_KEYS,
	 KEYS("gs_oauth2_refresh_token", "gs_secret_access_key", "aws_secret_access_key"), "gcloud legacy boto file"},
	{SO_CLOUD, true, ".s3cfg", "s3cmd-credentials", J_KEYS,
	 KEYS("secret_key", "access_token"), "s3cmd credentials"},
	{SO_CLOUD, true, ".boto", "boto-credentials", J_KEYS,
	 KEYS("gs_oauth2_refresh_token", "gs_secret_access_key", "aws_secret_access_key"), "boto credentials"},

	/* developer tools */
	{SO_TOOL, true, ".git-credentials", "git-credentials", J_URLS, NULL, "git credential store"},
	{SO_TOOL, true, ".config/git/credentials", "git-credentials", J_URLS, NULL, "git credential store"},
	{SO_TOOL, true, ".netrc", "netrc", J_NETRC, NULL, ".netrc password"},
	{SO_TOOL, true, "_netrc", "netrc", J_NETRC, NULL, "netrc password"},
	{SO_TOOL, true, ".pgpass", "pgpass", J_PGPASS, NULL, "PostgreSQL password file"},
	{SO_TOOL, true, ".my.cnf", "mysql-client-password", J_KEYS, KEYS("password"), "MySQL client password"},
	{SO_TOOL, true, ".npmrc", "npmrc-token", J_KEYS, KEYS("_authToken", "_auth", "_password"), "npm credential"},
	{SO_TOOL, true, ".yarnrc.yml", "npmrc-token", J_KEYS, KEYS("npmAuthToken", "npmAuthIdent"), "yarn credential"},
	{SO_TOOL, true, ".pypirc", "pypirc-password", J_KEYS, KEYS("password"), "PyPI upload password"},
	{SO_TOOL, true, ".config/pip/pip.conf", "pip-index-password", J_URLS, NULL, "pip index URL with a password"},
	{SO_TOOL, true, ".docker/config.json", "docker-auth", J_DOCKER, NULL, "Docker registry credential"},
	{SO_TOOL, true, ".dockercfg", "docker-auth", J_DOCKER, NULL, "Docker registry credential (legacy .dockercfg)"},
	{SO_TOOL, true, ".config/rclone/rclone.conf", "rclone-credentials", J_KEYS,
	 KEYS("pass", "password", "password2", "secret_access_key", "client_secret", "token", "key"),
	 "rclone remote credential (obscured passwords are reversible)"},
	{SO_TOOL, true, ".vnc/passwd", "vnc-password", J_NONEMPTY, NULL,
	 "VNC password file (DES with a published fixed key: reversible)"},
	{SO_TOOL, true, ".kube/config", "kubeconfig-credential", J_KEYS,
	 KEYS("token", "client-key-data", "password", "id-token", "refresh-token", "client-secret"), "kubeconfig credential"},
	{SO_TOOL, false, "/etc/kubernetes/admin.conf", "kubeconfig-credential", J_KEYS,
	 KEYS("token", "client-key-data", "password"), "cluster-admin kubeconfig"},
	{SO_TOOL, true, ".config/gh/hosts.yml", "gh-token", J_KEYS, KEYS("oauth_token"), "GitHub CLI token"},
	{SO_TOOL, true, ".python-gitlab.cfg", "gitlab-cli-token", J_KEYS,
	 KEYS("private_token", "oauth_token", "job_token"), "python-gitlab token"},
	{SO_TOOL, true, ".config/hub", "hub-token", J_KEYS, KEYS("oauth_token"), "hub (GitHub) token"},

	/* registration with the distribution's vendor, per family (research/distros-azure.md §1): what
	 * subscription-manager clean, rhn's systemid removal, insights-client --unregister, SUSEConnect
	 * --cleanup and pro detach remove. RHUI's client key is package-owned and stays (hsys_file_pristine). */
	{SO_TOOL, false, "/etc/pki/consumer/*.pem", "rhsm-consumer", J_NONEMPTY, NULL,
	 "Red Hat subscription-manager consumer identity (subscription-manager clean)"},
	{SO_TOOL, false, "/etc/pki/entitlement/*.pem", "rhsm-entitlement", J_NONEMPTY, NULL,
	 "Red Hat entitlement certificate or key (subscription-manager clean)"},
	{SO_TOOL, false, "/var/lib/rhsm/cache/*", "rhsm-state", J_NONEMPTY, NULL,
	 "subscription-manager cache of this registration (subscription-manager clean)"},
	{SO_TOOL, false, "/var/lib/rhsm/facts/*", "rhsm-state", J_NONEMPTY, NULL,
	 "subscription-manager facts of the build VM (subscription-manager clean)"},
	{SO_TOOL, false, "/etc/sysconfig/rhn/systemid", "rhn-systemid", J_NONEMPTY, NULL,
	 "RHN/ULN system id (authenticates this machine to Red Hat Satellite or Oracle ULN)"},
	{SO_TOOL, false, "/etc/sysconfig/rhn/osad-auth.conf", "rhn-systemid", J_NONEMPTY, NULL, "RHN osad credentials"},
	{SO_TOOL, false, "/etc/insights-client/.registered", "insights-registration", J_ANY, NULL,
	 "Red Hat Insights registration marker (insights-client --unregister)"},
	{SO_TOOL, false, "/etc/rhsm/facts/insights-client.facts", "insights-registration", J_ANY, NULL,
	 "Red Hat Insights registration facts"},
	{SO_TOOL, false, "/etc/zypp/credentials.d/SCCcredentials", "suse-scc-credentials", J_NONEMPTY, NULL,
	 "SUSE Customer Center system credentials (SUSEConnect --cleanup)"},
	{SO_TOOL, false, "/etc/zypp/credentials.d/*", "suse-service-credentials", J_NONEMPTY, NULL,
	 "zypp service or repository credentials (SUSEConnect --cleanup)"},
	{SO_TOOL, false, "/etc/SUSEConnect", "suse-connect", J_NONEMPTY, NULL,
	 "SUSEConnect registration configuration (SUSEConnect --cleanup)"},
	/* SUSE pay-as-you-go: what registercloudguest --clean removes beside the credentials above
	 * (cloud-regionsrv-client's defaults: the update server's registration of this instance) */
	{SO_TOOL, false, "/var/cache/cloudregister/*", "suse-cloudregister", J_NONEMPTY, NULL,
	 "registercloudguest's registration of this instance with SUSE's update infrastructure "
	 "(registercloudguest --clean)"},
	{SO_TOOL, false, "/var/lib/ubuntu-advantage/private/machine-token.json", "ubuntu-pro-token", J_NONEMPTY, NULL,
	 "Ubuntu Pro machine token (pro detach)"},
	{SO_TOOL, false, "/etc/apt/auth.conf.d/90ubuntu-advantage", "ubuntu-pro-token", J_NONEMPTY, NULL,
	 "Ubuntu Pro bearer token for the ESM archives (pro detach)"},
	{SO_TOOL, false, "/var/lib/snapd/device/private-keys-v1/*", "snapd-device-key", J_ANY, NULL,
	 "snapd device key (the store identity every clone would share)"},

	/* installers: the install-time passwords */
	{SO_PROVISIONING, false, "/root/anaconda-ks.cfg", "kickstart", J_NONEMPTY, NULL,
	 "kickstart file of the installation (rootpw and user passwords, plaintext or hashed)"},
	{SO_PROVISIONING, false, "/root/original-ks.cfg", "kickstart", J_NONEMPTY, NULL,
	 "kickstart file of the installation (rootpw and user passwords, plaintext or hashed)"},
	{SO_PROVISIONING, false, "/etc/cloud/cloud.cfg.d/99-installer.cfg", "subiquity-installer", J_NONEMPTY, NULL,
	 "Ubuntu installer's cloud-config (identity and password hash; cloud-init clean removes it)"},
	{SO_PROVISIONING, false, "/var/log/installer/autoinstall-user-data", "subiquity-installer", J_NONEMPTY, NULL,
	 "Ubuntu autoinstall user-data (identity and password hash)"},

	/* provisioning */
	{SO_PROVISIONING, false, "/var/lib/waagent/ovf-env.xml", "waagent-ovf-env", J_OVF, NULL,
	 "Azure provisioning document"},
	{SO_PROVISIONING, false, "/var/lib/waagent/CustomData", "waagent-custom-data", J_NONEMPTY, NULL,
	 "Azure custom data as received (may hold passwords, keys, tokens)"},
	{SO_PROVISIONING, false, "/var/lib/cloud/instances/*/user-data.txt", "cloud-init-user-data", J_NONEMPTY, NULL,
	 "cloud-init user-data as received (may hold passwords, keys, tokens)"},
	{SO_PROVISIONING, false, "/var/lib/cloud/instances/*/user-data.txt.i", "cloud-init-user-data", J_NONEMPTY, NULL,
	 "cloud-init processed user-data"},
	{SO_PROVISIONING, false, "/var/lib/cloud/instances/*/vendor-data.txt", "cloud-init-vendor-data", J_NONEMPTY, NULL,
	 "cloud-init vendor-data as received"},
	{SO_PROVISIONING, false, "/var/lib/cloud/instances/*/vendor-data.txt.i", "cloud-init-vendor-data", J_NONEMPTY, NULL,
	 "cloud-init processed vendor-data"},
	{SO_PROVISIONING, false, "/var/lib/cloud/instances/*/vendor-data2.txt", "cloud-init-vendor-data", J_NONEMPTY, NULL,
	 "cloud-init vendor-data as received"},
	{SO_PROVISIONING, false, "/run/cloud-init/instance-data-sensitive.json", "cloud-init-instance-data", J_NONEMPTY, NULL,
	 "cloud-init instance data with unredacted user-data"},
	{SO_PROVISIONING, false, "/tmp/script_*.sh", "packer-upload", J_ANY, NULL, "Packer shell-provisioner upload"},
	{SO_PROVISIONING, false, "/tmp/packer-*", "packer-upload", J_ANY, NULL, "Packer upload or environment file"},
	{SO_PROVISIONING, false, "/var/tmp/packer-*", "packer-upload", J_ANY, NULL, "Packer upload or environment file"},
	{SO_PROVISIONING, false, "/tmp/*env-vars*", "packer-env-vars", J_ANY, NULL, "Packer environment-variable file"},
	{SO_PROVISIONING, true, ".ansible/tmp", "ansible-remote-tmp", J_ENTRIES, NULL,
	 "Ansible remote temporary file (module arguments may hold passwords)"},
};

/* A value a path rule should report: anything set that is not a reference to elsewhere. */
static bool value_is_set(const char *v, size_t n)
{
	if (n == 0 || strchr("$<{%", v[0]))
		return false;
	if ((n == 4 && strncasecmp(v, "null", 4) == 0) || (n == 1 && v[0] == '~') ||
	    (n == 2 && (memcmp(v, "\"\"", 2) == 0 || memcmp(v, "''", 2) == 0)))
		return false;
	return true;
}

static void report_value(struct cg_result *r, const char *path, unsigned line, const struct path_rule *pr,
			 const char *key, const char *v, size_t n)
{
	_cleanup_free_ char *ev = redact_secret(v, n);
	if (key)
		result_add_finding(r, path, line, pr->rule, ev, "%s: '%s' is set; remove the file (and revoke the credential)",
				   pr->what, key);
	else
		result_add_finding(r, path, line, pr->rule, ev, "%s; remove the file (and revoke the credential)", pr->what);
}

static bool key_matches(const char *k, size_t kn, const char *const *keys, const char **which)
{
	for (; *keys; keys++) {
		size_t l = strlen(*keys);
		if (kn >= l && strncasecmp(k + kn - l, *keys, l) == 0 && (kn == l || strchr(":._-/ \"'", k[kn - l - 1]))) {
			*which = *keys;
			return true;
		}
	}
	return false;
}

static void judge_keys(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	unsigned line = 0;
	for (const char *p = buf; p < buf + len;) {
		const char *e = memchr(p, '\n', (size_t)(buf + len - p)), *k, *ke, *which, *v;
		size_t vn;
		if (!e)
			e = buf + len;
		line++;
		k = p;
		p = e + 1;
		while (k < e && (isspace((unsigned char)*k) || *k == '-'))
			k++;
		if (e - k > 7 && strncmp(k, "export ", 7) == 0)
			k += 7;
		if (k >= e || *k == '#' || *k == ';')
			continue;
		ke = k;
		while (ke < e && *ke != '=' && !(*ke == ':' && (ke + 1 == e || isspace((unsigned char)ke[1]))))
			ke++;
		if (ke >= e)
			continue;
		const char *kend = ke;
		while (kend > k && (isspace((unsigned char)kend[-1]) || kend[-1] == '"' || kend[-1] == '\''))
			kend--;
		while (k < kend && (*k == '"' || *k == '\''))
			k++;
		if (!key_matches(k, (size_t)(kend - k), pr->keys, &which))
			continue;
		secret_cut_value(ke + 1, e, &v, &vn);
		if (value_is_set(v, vn))
			report_value(r, path, line, pr, which, v, vn);
	}
}

static bool json_find_secret(json_t *j, const char *const *keys, const char **which, const char **val)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			const char *w;
			if (json_is_string(v) && json_string_length(v) >= 8 && key_matches(k, strlen(k), keys, &w)) {
				*which = w;
				*val = json_string_value(v);
				return true;
			}
			if (json_find_secret(v, keys, which, val))
				return true;
		}
	} else if (json_is_array(j))
		json_array_foreach(j, i, v)
			if (json_find_secret(v, keys, which, val))
				return true;
	return false;
}

/* MSAL caches keep secrets under "secret" of entries keyed by id; also look one level down. */
static void judge_json(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(buf, len, 0, &jerr);
	const char *which, *val;

	if (!j) {
		/* not JSON (any more): judge by content */
		if (len > 2)
			result_add_finding(r, path, 0, pr->rule, NULL, "%s (not valid JSON, %zu bytes); remove the file",
					   pr->what, len);
		return;
	}
	if (json_find_secret(j, pr->keys, &which, &val))
		report_value(r, path, 0, pr, which, val, strlen(val));
	json_decref(j);
}

static void judge_netrc(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	unsigned line = 1;
	bool want = false;
	for (size_t i = 0; i < len;) {
		size_t s;
		if (buf[i] == '\n')
			line++;
		if (isspace((unsigned char)buf[i])) {
			i++;
			continue;
		}
		s = i;
		while (i < len && !isspace((unsigned char)buf[i]))
			i++;
		if (want) {
			if (value_is_set(buf + s, i - s))
				report_value(r, path, line, pr, "password", buf + s, i - s);
			want = false;
		} else
			want = (i - s == 8 && memcmp(buf + s, "password", 8) == 0);
	}
}

static void judge_pgpass(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	unsigned line = 0;
	for (const char *p = buf; p < buf + len;) {
		const char *e = memchr(p, '\n', (size_t)(buf + len - p)), *q;
		int fields = 0;
		if (!e)
			e = buf + len;
		line++;
		q = p;
		if (*p != '#')
			for (; q < e && fields < 4; q++) {
				if (*q == '\\' && q + 1 < e)
					q++;
				else if (*q == ':')
					fields++;
			}
		if (fields == 4 && q < e && value_is_set(q, (size_t)(e - q)))
			report_value(r, path, line, pr, "password", q, (size_t)(e - q));
		p = e + 1;
	}
}

static void judge_urls(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	unsigned line = 0;
	for (const char *p = buf; p < buf + len;) {
		const char *e = memchr(p, '\n', (size_t)(buf + len - p)), *s, *colon, *at;
		if (!e)
			e = buf + len;
		line++;
		s = memmem(p, (size_t)(e - p), "://", 3);
		if (s) {
			s += 3;
			at = memchr(s, '@', (size_t)(e - s));
			colon = at ? memchr(s, ':', (size_t)(at - s)) : NULL;
			if (colon && value_is_set(colon + 1, (size_t)(at - colon - 1)))
				report_value(r, path, line, pr, NULL, colon + 1, (size_t)(at - colon - 1));
		}
		p = e + 1;
	}
}

static void judge_docker(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(buf, len, 0, &jerr), *auths, *a;
	const char *reg;

	if (!j)
		return;
	auths = json_object_get(j, "auths");
	if (!auths && endswith(path, "/.dockercfg"))
		auths = j; /* the legacy file is the auths object itself */
	json_object_foreach(auths, reg, a) {
		static const char *const fields[] = {"auth", "identitytoken", "registrytoken", "password"};
		for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
			const char *v = json_string_value(json_object_get(a, fields[i]));
			if (v && *v) {
				_cleanup_free_ char *ev = redact_secret(v, strlen(v));
				result_add_finding(r, path, 0, pr->rule, ev, "%s for '%s' ('%s'); remove the file or use a credential helper",
						   pr->what, reg, fields[i]);
				break;
			}
		}
	}
	json_decref(j);
}

static void judge_ovf(struct cg_result *r, const char *path, const struct path_rule *pr, const char *buf, size_t len)
{
	static const char *const tags[] = {"CustomData>", "UserPassword>", "ProtectedSettings>"};
	unsigned line = 1;
	const char *lp = buf;

	for (size_t t = 0; t < ELEMENTSOF(tags); t++) {
		const char *p = buf;
		while ((p = memmem(p, (size_t)(buf + len - p), tags[t], strlen(tags[t])))) {
			const char *v = p + strlen(tags[t]), *e;
			if (p == buf || p[-1] == '/' || !(p[-1] == '<' || p[-1] == ':')) {
				p = v;
				continue;
			}
			e = memchr(v, '<', (size_t)(buf + len - v));
			if (!e)
				break;
			while (v < e && isspace((unsigned char)*v))
				v++;
			size_t n = (size_t)(e - v);
			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			/* waagent masks the password with '*', cloud-init with REDACTED */
			if (n && !(n == 1 && v[0] == '*') && !(n == 8 && memcmp(v, "REDACTED", 8) == 0)) {
				line = 1;
				for (lp = buf; lp < p; lp++)
					line += *lp == '\n';
				_cleanup_free_ char *ev = redact_secret(v, n);
				result_add_finding(r, path, line, pr->rule, ev, "%s holds %.*s in clear; remove the file",
						   pr->what, (int)strlen(tags[t]) - 1, tags[t]);
			}
			p = e;
		}
	}
}

static bool only_blank(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)buf[i]))
			return false;
	return true;
}

static void judge_file(struct cg_ctx *ctx, struct cg_result *r, const struct path_rule *pr, const char *path,
		       const struct stat *st)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int e;

	if (pr->judge == J_ANY) {
		if (S_ISDIR(st->st_mode))
			result_add_finding(r, path, 0, pr->rule, NULL, "%s (directory); remove it", pr->what);
		else
			result_add_finding(r, path, 0, pr->rule, NULL, "%s (%lld bytes); remove it", pr->what,
					   (long long)st->st_size);
		return;
	}
	if (!S_ISREG(st->st_mode) || st->st_size == 0)
		return;
	if (pr->judge == J_NONEMPTY && (unsigned long long)st->st_size > CRED_FILE_MAX) {
		result_add_finding(r, path, 0, pr->rule, NULL, "%s (%lld bytes); remove the file", pr->what,
				   (long long)st->st_size);
		return;
	}
	e = safefs_read_file(&ctx->fs, path, CRED_FILE_MAX, &buf, &len);
	if (e < 0) {
		result_add_error(r, path, e, "cannot read");
		return;
	}
	switch (pr->judge) {
	case J_NONEMPTY:
		if (!only_blank(buf, len))
			result_add_finding(r, path, 0, pr->rule, NULL, "%s (%zu bytes); remove the file", pr->what, len);
		break;
	case J_KEYS: judge_keys(r, path, pr, buf, len); break;
	case J_JSON_KEYS: judge_json(r, path, pr, buf, len); break;
	case J_NETRC: judge_netrc(r, path, pr, buf, len); break;
	case J_PGPASS: judge_pgpass(r, path, pr, buf, len); break;
	case J_URLS: judge_urls(r, path, pr, buf, len); break;
	case J_DOCKER: judge_docker(r, path, pr, buf, len); break;
	case J_OVF: judge_ovf(r, path, pr, buf, len); break;
	case J_ENTRIES: case J_ANY: break;
	}
	explicit_bzero(buf, len);
}

static bool rule_matches(const char *pattern, const char *path)
{
	_cleanup_free_ char *below = xasprintf("%s/*", pattern);
	return fnmatch(pattern, path, FNM_PATHNAME) == 0 || fnmatch(below, path, 0) == 0;
}

static bool claimed_by_path_rule(const struct strv *homes, const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(path_rules); i++) {
		const struct path_rule *pr = &path_rules[i];
		if (!pr->home) {
			if (rule_matches(pr->path, path))
				return true;
			continue;
		}
		for (size_t k = 0; k < homes->n; k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", streq(homes->v[k], "/") ? "" : homes->v[k], pr->path);
			if (rule_matches(p, path))
				return true;
		}
	}
	return false;
}

struct expand {
	struct cg_ctx *ctx;
	struct cg_result *r;
	const struct path_rule *pr;
	const struct strv *scope;
};

static void judge_path(struct expand *x, const char *path)
{
	struct stat st;
	int e;

	if (!secretscan_in_scope(x->scope, path))
		return;
	e = safefs_lstat(&x->ctx->fs, path, &st);
	if (e == -ENOENT || e == -ENOTDIR)
		return;
	if (e < 0) {
		result_add_error(x->r, path, e, "cannot stat");
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* never followed; the content scan judges the target where it lives */
	if (x->pr->judge == J_ENTRIES) {
		_cleanup_close_ int fd = -1;
		DIR *d;
		struct dirent *de;
		if (!S_ISDIR(st.st_mode))
			return;
		fd = safefs_open_dir(&x->ctx->fs, path);
		if (fd < 0) {
			result_add_error(x->r, path, fd, "cannot open");
			return;
		}
		d = util_fdopendir(&fd);
		if (!d) {
			result_add_error(x->r, path, -errno, "cannot list");
			return;
		}
		for (errno = 0; (de = readdir(d)); errno = 0)
			if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
				_cleanup_free_ char *p = xasprintf("%s/%s", path, de->d_name);
				result_add_finding(x->r, p, 0, x->pr->rule, NULL, "%s; remove it", x->pr->what);
			}
		if (errno) /* a listing cut short: entries may be missing */
			result_add_error(x->r, path, -errno, "cannot list");
		closedir(d);
		return;
	}
	judge_file(x->ctx, x->r, x->pr, path, &st);
}

/* Expand globs component by component, listing directories through the safe walker's door. */
static void expand(struct expand *x, const char *done, const char *rest)
{
	const char *slash = strchr(rest, '/');
	_cleanup_free_ char *comp = slash ? xstrndup(rest, (size_t)(slash - rest)) : xstrdup(rest);
	_cleanup_close_ int fd = -1;
	DIR *d;
	struct dirent *de;

	if (!strpbrk(comp, "*?[")) {
		_cleanup_free_ char *p = xasprintf("%s/%s", streq(done, "/") ? "" : done, comp);
		if (slash)
			expand(x, p, slash + 1);
		else
			judge_path(x, p);
		return;
	}
	fd = safefs_open_dir(&x->ctx->fs, done);
	if (fd < 0) {
		if (fd != -ENOENT && fd != -ENOTDIR)
			result_add_error(x->r, done, fd, "cannot open");
		return;
	}
	d = util_fdopendir(&fd);
	if (!d) {
		result_add_error(x->r, done, -errno, "cannot list");
		return;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (streq(de->d_name, ".") || streq(de->d_name, "..") || fnmatch(comp, de->d_name, FNM_PERIOD) != 0)
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", streq(done, "/") ? "" : done, de->d_name);
		if (slash)
			expand(x, p, slash + 1);
		else
			judge_path(x, p);
	}
	if (errno) /* a listing cut short: entries may be missing */
		result_add_error(x->r, done, -errno, "cannot list");
	closedir(d);
}

/* Dotfiles a person's (or a build's) home holds and a package's state directory does not. */
static const char *const home_marks[] = {
	".bash_history", ".zsh_history", ".bashrc", ".profile", ".bash_logout", ".ssh", ".aws", ".azure", ".docker",
	".kube", ".gitconfig", ".git-credentials", ".npmrc", ".pgpass", ".netrc", ".python_history", ".viminfo",
	".lesshst", ".mysql_history", ".psql_history", ".config", ".cache", ".local", ".ansible", ".boto", ".s3cfg",
};

/* The marks in DIR, comma-separated, or NULL when it has none. */
static char *home_marks_in(struct cg_ctx *ctx, struct cg_result *r, const char *dir)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < ELEMENTSOF(home_marks); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, home_marks[i]);
		struct stat st;
		int e = safefs_lstat(&ctx->fs, p, &st);
		if (e < 0 && e != -ENOENT && e != -ENOTDIR)
			result_add_error(r, p, e, "cannot stat");
		if (e == 0 && !S_ISLNK(st.st_mode)) {
			if (sb.len)
				strbuf_puts(&sb, ", ");
			strbuf_puts(&sb, home_marks[i]);
		}
	}
	return sb.buf;
}

/* Directories right under PARENT (never through a link). */
static void subdirs(struct cg_ctx *ctx, struct cg_result *r, const char *parent, struct strv *out)
{
	_cleanup_close_ int fd = safefs_open_dir(&ctx->fs, parent);
	DIR *d;
	struct dirent *de;

	if (fd < 0) {
		if (fd != -ENOENT && fd != -ENOTDIR)
			result_add_error(r, parent, fd, "cannot open");
		return;
	}
	d = util_fdopendir(&fd);
	if (!d) {
		result_add_error(r, parent, -errno, "cannot list");
		return;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		struct stat st;
		int e;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", parent, de->d_name);
		e = safefs_lstat(&ctx->fs, p, &st);
		if (e < 0 && e != -ENOENT)
			result_add_error(r, p, e, "cannot stat");
		else if (e == 0 && S_ISDIR(st.st_mode))
			strv_push(out, p);
	}
	if (errno) /* a listing cut short: homes may be missing */
		result_add_error(r, parent, -errno, "cannot list");
	closedir(d);
}

static bool strv_has(const struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i], s))
			return true;
	return false;
}

/* Homes whose account is gone: every directory under /home, and directories under /var/lib,
 * /srv and /opt holding a home's dotfiles, that no passwd entry names (userdel without -r). */
static void orphaned_homes(struct cg_ctx *ctx, struct cg_result *r, const struct strv *passwd_homes,
			   struct strv *orphans, struct strv *marks)
{
	static const char *const parents[] = {"/home", "/var/lib", "/srv", "/opt"};

	for (size_t i = 0; i < ELEMENTSOF(parents); i++) {
		struct strv dirs = {0};
		subdirs(ctx, r, parents[i], &dirs);
		for (size_t k = 0; k < dirs.n; k++) {
			char *m;
			if (strv_has(passwd_homes, dirs.v[k]) || streq(dirs.v[k], "/home/lost+found"))
				continue;
			m = home_marks_in(ctx, r, dirs.v[k]);
			/* under /home a directory is a home by place; elsewhere only by its dotfiles */
			if (!m && i > 0)
				continue;
			strv_push(orphans, dirs.v[k]);
			strv_push(marks, m ? m : "");
			free(m);
		}
		strv_free(&dirs);
	}
}

/* Every home: the image's passwd (service accounts too), /root, every directory under /home and
 * the homes of removed users (orphaned_homes). */
static size_t homes_of(struct cg_ctx *ctx, struct cg_result *r, struct strv *homes)
{
	const struct users *u;
	_cleanup_free_ const char **hv = NULL;
	struct strv orphans = {0}, marks = {0};
	int e = 0;
	size_t n;

	u = ctx_users(ctx, &e);
	if (!u) {
		if (e != -ENOENT)
			result_add_error(r, "/etc/passwd", e, "cannot read");
	} else {
		n = users_homes(u, &hv);
		for (size_t i = 0; i < n; i++)
			strv_push(homes, hv[i]);
	}
	if (!strv_has(homes, "/root"))
		strv_push(homes, "/root");
	orphaned_homes(ctx, r, homes, &orphans, &marks);
	for (size_t i = 0; i < orphans.n; i++)
		strv_push(homes, orphans.v[i]);
	strv_free(&orphans);
	strv_free(&marks);
	return homes->n;
}

size_t secrets_all_homes(struct cg_ctx *ctx, struct cg_result *r, struct strv *homes)
{
	return homes_of(ctx, r, homes);
}

static int secrets_orphaned_homes(struct cg_ctx *ctx, struct cg_result *r)
{
	const struct users *u;
	_cleanup_free_ const char **hv = NULL;
	struct strv homes = {0}, orphans = {0}, marks = {0};
	int e = 0;

	u = ctx_users(ctx, &e);
	if (!u) {
		/* without passwd every home would look orphaned: judge nothing rather than everything */
		if (e != -ENOENT)
			result_add_error(r, "/etc/passwd", e, "cannot read");
		return 0;
	}
	for (size_t i = 0, n = users_homes(u, &hv); i < n; i++)
		strv_push(&homes, hv[i]);
	strv_push(&homes, "/root");
	orphaned_homes(ctx, r, &homes, &orphans, &marks);
	for (size_t i = 0; i < orphans.n; i++)
		if (secretscan_in_scope(scope_of_orphans(ctx), orphans.v[i]))
			result_add_finding(r, orphans.v[i], 0, "orphaned-home", NULL,
					   "home of a removed account (no passwd entry names it)%s%s; no account can need "
					   "it: remove the tree", marks.v[i][0] ? "; holds " : "", marks.v[i]);
	strv_free(&homes);
	strv_free(&orphans);
	strv_free(&marks);
	return 0;
}

static int path_rules_run(struct cg_ctx *ctx, struct cg_result *r, enum secret_owner ow)
{
	struct strv homes = {0};
	struct expand x = {.ctx = ctx, .r = r, .scope = scope_of(ctx, ow)};

	homes_of(ctx, r, &homes);
	for (size_t i = 0; i < ELEMENTSOF(path_rules); i++) {
		const struct path_rule *pr = &path_rules[i];
		if (pr->owner != ow)
			continue;
		x.pr = pr;
		if (!pr->home)
			expand(&x, "/", pr->path + 1);
		else
			for (size_t h = 0; h < homes.n; h++)
				expand(&x, homes.v[h], pr->path);
	}
	strv_free(&homes);
	return 0;
}

static int secrets_private_keys(struct cg_ctx *ctx, struct cg_result *r)
{
	return content_report(ctx, r, SO_PRIVATE_KEYS);
}

static int secrets_cloud_credentials(struct cg_ctx *ctx, struct cg_result *r)
{
	path_rules_run(ctx, r, SO_CLOUD);
	return content_report(ctx, r, SO_CLOUD);
}

static int secrets_tool_credentials(struct cg_ctx *ctx, struct cg_result *r)
{
	return path_rules_run(ctx, r, SO_TOOL);
}

static int secrets_provisioning_data(struct cg_ctx *ctx, struct cg_result *r)
{
	return path_rules_run(ctx, r, SO_PROVISIONING);
}

static int secrets_tokens(struct cg_ctx *ctx, struct cg_result *r)
{
	return content_report(ctx, r, SO_TOKENS);
}

static const struct cg_check secrets_checks[] = {
	[SO_PRIVATE_KEYS] = {
		.id = "secrets.private-keys",
		.title = "no private keys in the image",
		.severity = CG_SEV_CRITICAL,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("gitleaks private-key", "trufflehog privatekey", "CIS 5.2.2"),
		.remediation = "remove-file",
		.description = "PEM private keys of every kind (RSA, EC, DSA, PKCS#8, encrypted), OpenSSH and PuTTY "
			       "keys anywhere in scope, each confirmed by parsing (OpenSSL for PEM and PKCS#12; the "
			       "published container layout for OpenSSH and PuTTY) and said to be encrypted or not; a "
			       "block that does not parse is reported at lower confidence (rule *-unverified). "
			       "PKCS#12 bundles are found by name (*.p12, *.pfx). SSH host keys and the snakeoil TLS "
			       "key belong to gen.ssh-host-keys and gen.tls-snakeoil.",
		.run = secrets_private_keys,
	},
	[SO_CLOUD] = {
		.id = "secrets.cloud-credentials",
		.title = "no cloud CLI credentials",
		.severity = CG_SEV_CRITICAL,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("trufflehog gcp", "trufflehog azure_entra", "gitleaks aws"),
		.remediation = "remove-file",
		.description = "Azure CLI token caches and service-principal entries, AWS credentials and SSO/CLI "
			       "caches, gcloud credential databases and ADC files in every home of the image's passwd; "
			       "GCP service-account and user-credential JSON and AZURE_CLIENT_SECRET/ARM_CLIENT_SECRET "
			       "assignments anywhere in scope (content scan).",
		.run = secrets_cloud_credentials,
	},
	[SO_TOOL] = {
		.id = "secrets.tool-credentials",
		.title = "no developer-tool credentials",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("virt-sysprep (not covered)", "research/secrets.md §6"),
		.remediation = "remove-file",
		.description = ".git-credentials, .netrc, .pgpass, .my.cnf, .npmrc/.yarnrc.yml tokens, .pypirc, "
			       "Docker config.json auths, kubeconfig tokens and client keys, gh hosts.yml, "
			       "python-gitlab and hub tokens, legacy .dockercfg, rclone.conf and .vnc/passwd, in every "
			       "home (passwd homes, /root, /home/*, and homes of removed users). A file fires only "
			       "when it really carries a credential (an .npmrc with only fund=false does not).",
		.run = secrets_tool_credentials,
	},
	[SO_PROVISIONING] = {
		.id = "secrets.provisioning-data",
		.title = "no provisioning data",
		.severity = CG_SEV_CRITICAL,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("waagent deprovision", "cloud-init clean", "CVE-2023-1786"),
		.remediation = "remove-tree", /* Packer and Ansible leave directories */
		.description = "waagent's ovf-env.xml with CustomData or an unmasked password, decoded CustomData, "
			       "cloud-init user-data and vendor-data of every instance, unredacted instance data, "
			       "Packer's uploaded scripts and environment files in /tmp, and Ansible remote temporary "
			       "files in every home.",
		.run = secrets_provisioning_data,
	},
	[SO_TOKENS] = {
		.id = "secrets.tokens",
		.title = "no tokens or passwords in files",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("gitleaks", "trufflehog", "detect-secrets", "secretlint"),
		.remediation = "redact-value", /* guarded (remediate/plan.c) */
		.description = "About 75 vendor token formats (GitHub, GitLab, npm, PyPI, Slack, Vault, OpenAI, Anthropic, "
			       "Azure DevOps and identifiable keys, AWS session tokens ...; docs/secrets.md lists them) "
			       "with checksums or structure validated where the format has them; context rules (AWS "
			       "secret key, Azure storage key and SAS signature, password in a URL, JWT); old formats "
			       "(Jenkins secrets, weak htpasswd hashes, Wi-Fi PSKs); credentials on command lines "
			       "(curl -u, --password, mysql -p, sshpass, docker/az login -p, htpasswd -b, smbclient "
			       "-U user%pass, PGPASSWORD=) in scripts, units, cron and histories; and a keyword-"
			       "assignment engine that reads INI, YAML, JSON, TOML, XML, .properties, shell, systemd and "
			       "source assignments by the line's syntax and scores the key's name. Placeholders, "
			       "references, hashes, public keys and UUIDs are not findings. One Vectorscan pass finds "
			       "the files that hit; only those are read again.",
		.run = secrets_tokens,
	},
	{
		.id = "secrets.orphaned-homes",
		.title = "no homes of removed accounts",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("userdel(8) without -r", "virt-sysprep (only /root and /home/*)"),
		.remediation = "remove-tree", /* guarded (remediate/plan.c) */
		.description = "A home directory no passwd entry names: every directory under /home, and directories "
			       "under /var/lib, /srv and /opt that hold a home's dotfiles (.bash_history, .ssh, .aws, "
			       ".profile ...). A build user removed with userdel (without -r) leaves one behind, with "
			       "its histories and credentials; the secrets.* path rules look into these homes too.",
		.run = secrets_orphaned_homes,
	},
};

CG_FAMILY(family_secrets, "secrets", "credentials that must not be baked into an image", secrets_checks);
