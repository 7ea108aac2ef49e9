/* SPDX-License-Identifier: Apache-2.0 */
/* os.*: where the image comes from and how long its release is supported: end of life from the
 * shipped distro-info-data, package provenance from APT's lists, the Azure base image from IMDS. */
#include "families.h"
#include "cryptopol.h"
#include "distroinfo.h"
#include "hsys.h"
#include "imds.h"
#include "imgfile.h"
#include "osrelease.h"
#include "replay.h"
#include "rpmdb.h"
#include "sshcfg.h"

/* SLES: the base product's <endoflife> (/etc/products.d/baseproduct, else *.prod). */
static int suse_eol(struct cg_ctx *ctx, struct cg_result *r, char eol[11], char **where)
{
	struct strv names = {0};
	int found = 0;

	hsys_list_dir(ctx, r, "/etc/products.d", &names);
	for (size_t i = 0; i < names.n && !found; i++) {
		_cleanup_free_ char *p = xasprintf("/etc/products.d/%s", names.v[i]), *buf = NULL;
		const char *t;
		if (!endswith(names.v[i], ".prod") || hsys_read(ctx, r, p, &buf) < 0)
			continue;
		if ((t = strstr(buf, "<endoflife>")) && strlen(t += 11) >= 10 && t[4] == '-' && t[7] == '-') {
			memcpy(eol, t, 10);
			eol[10] = 0;
			*where = xstrdup(p);
			found = 1;
		}
	}
	strv_free(&names);
	return found;
}

static int rpm_release(struct cg_ctx *ctx, struct cg_result *r, struct osrelease *os, struct distroinfo_release *rel)
{
	struct distroinfo_release data;
	char eol[11] = "";
	char *where = NULL;

	*rel = (struct distroinfo_release){0};
	snprintf(rel->version, sizeof rel->version, "%s", os->version_id ? os->version_id : "");
	snprintf(rel->series, sizeof rel->series, "%s-%s", os->id ? os->id : "?", os->version_id ? os->version_id : "");
	snprintf(rel->codename, sizeof rel->codename, "%s", os->id ? os->id : "?");
	/* the vendor's word in the image first (SUPPORT_END, products.d <endoflife>), else the shipped
	 * dates (checks/data/rpm-eol.csv, from endoflife.date); paid extended support (ELS, LTSS) is
	 * only in the shipped data */
	bool known = distroinfo_rpm_find(os->id, os->version_id, &data) == 0;
	if (known)
		snprintf(rel->eol_ext, sizeof rel->eol_ext, "%s", data.eol_ext);
	if (os->support_end && strlen(os->support_end) >= 10) {
		snprintf(rel->eol, sizeof rel->eol, "%.10s", os->support_end);
		return 0;
	}
	/* SLES only: openSUSE's .prod files carry placeholder dates (Leap 15.3: 2020-11-30) */
	if (hsys_distro(ctx)->family == DF_SUSE && os->id && startswith(os->id, "sles") && suse_eol(ctx, r, eol, &where)) {
		snprintf(rel->eol, sizeof rel->eol, "%s", eol);
		free(os->path);
		os->path = where;
		return 0;
	}
	if (known) {
		snprintf(rel->eol, sizeof rel->eol, "%s", data.eol);
		return 0;
	}
	result_skip(r, "the image holds no data for it: os-release has no SUPPORT_END%s, and '%s' %s is not in capgate's "
		       "end-of-life data (RHEL, AlmaLinux, Rocky, Oracle Linux, CentOS, SLES, openSUSE Leap, Azure "
		       "Linux; %s)", hsys_distro(ctx)->family == DF_SUSE ? " and /etc/products.d no <endoflife>" : "",
		    os->id ? os->id : "?", os->version_id ? os->version_id : "", "checks/data/rpm-eol.csv");
	return -ENOENT;
}

static int load_release(struct cg_ctx *ctx, struct cg_result *r, struct osrelease *os, struct distroinfo_release *rel)
{
	int e = osrelease_load(&ctx->fs, os);

	if (e == -ENOENT) {
		result_skip(r, "no /etc/os-release or /usr/lib/os-release in the image");
		return e;
	}
	if (e < 0) {
		result_add_error(r, "/etc/os-release", e, "cannot read");
		return e;
	}
	if (hsys_distro(ctx)->family & DF_RPM) {
		e = rpm_release(ctx, r, os, rel);
		if (e < 0)
			osrelease_free(os);
		return e;
	}
	e = distroinfo_find(os->id, os->version_id, os->version_codename, rel);
	if (e == -EPROTONOSUPPORT)
		result_skip(r, "no release data for '%s' (capgate ships Debian's and Ubuntu's)", os->id ? os->id : "?");
	else if (e == -ENOENT)
		result_add_finding(r, os->path, 0, "unknown-release", os->version_id,
				   "'%s' %s is not in capgate's distro-info-data (%s); a newer capgate knows it, or the "
				   "release is not an official one", os->id, os->version_id ? os->version_id : "",
				   distroinfo_version);
	if (e < 0)
		osrelease_free(os);
	return e;
}

static int os_release_eol(struct cg_ctx *ctx, struct cg_result *r)
{
	struct osrelease os;
	struct distroinfo_release rel;
	const char *until;
	char today[11];

	if (load_release(ctx, r, &os, &rel) < 0)
		return 0;
	distroinfo_today(today);
	if (distroinfo_support(&rel, today, &until) == DISTRO_UNSUPPORTED)
		result_add_finding(r, os.path, 0, rel.series, rel.version,
				   "%s reached its end of life on %s (regular support ended %s); build on a supported "
				   "release", os.pretty_name ? os.pretty_name : rel.codename, until, rel.eol);
	osrelease_free(&os);
	return 0;
}

static int os_release_extended_support(struct cg_ctx *ctx, struct cg_result *r)
{
	struct osrelease os;
	struct distroinfo_release rel;
	const char *until;
	char today[11];

	if (load_release(ctx, r, &os, &rel) < 0)
		return 0;
	distroinfo_today(today);
	if (distroinfo_support(&rel, today, &until) == DISTRO_EXTENDED)
		result_add_finding(r, os.path, 0, rel.series, rel.version,
				   "%s left regular support on %s and is in extended support (%s) until %s; plan "
				   "the move to the next release", os.pretty_name ? os.pretty_name : rel.codename,
				   rel.eol, streq(os.id, "ubuntu") ? "ESM" : streq(os.id, "debian") ? "LTS" : "ELS", until);
	osrelease_free(&os);
	return 0;
}

/* Every installed package against the newest version any downloaded index offers. One pass over
 * the lists (Debian main's is 50 MB) serves both checks that need it: it is kept for the scan. */
struct provenance {
	struct dpkg_db db;
	char **best;      /* parallel to db.v: the highest version seen in the lists */
	int lists;        /* lists read; <0: no dpkg database */
	struct cg_result rec; /* what loading reported: errors, the skip for missing lists */
};

#define PROVENANCE_MEMO "os.provenance"

static void prov_visit(const char *name, size_t nlen, const char *ver, size_t vlen, void *ud)
{
	struct provenance *p = ud;
	size_t lo = 0, hi = p->db.n;

	/* lower bound by name, comparing the unterminated NAME */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(p->db.v[mid].name, name, nlen);
		if (c == 0 && p->db.v[mid].name[nlen])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->db.n && !strncmp(p->db.v[lo].name, name, nlen) && !p->db.v[lo].name[nlen]; lo++) {
		_cleanup_free_ char *v = xstrndup(ver, vlen);
		if (!p->best[lo] || dpkg_version_compare(v, p->best[lo]) > 0) {
			free(p->best[lo]);
			p->best[lo] = v;
			v = NULL;
		}
	}
}

static void prov_file(const char *path, const char *text, size_t len, void *ud)
{
	dpkg_index_foreach(text, len, NULL, prov_visit, ud);
}

static void provenance_free(void *ptr)
{
	struct provenance *p = ptr;

	for (size_t i = 0; i < p->db.n && p->best; i++)
		free(p->best[i]);
	free(p->best);
	dpkg_free(&p->db);
	result_free(&p->rec);
	free(p);
}

/* The scan's provenance, loaded on first use; what loading reported is replayed into R. */
static const struct provenance *provenance_get(struct cg_ctx *ctx, struct cg_result *r)
{
	struct provenance *p = ctx_memo_get(ctx, PROVENANCE_MEMO);

	if (!p) {
		p = xcalloc(1, sizeof *p);
		replay_init(&p->rec, ctx, NULL);
		if (hsys_dpkg_load(ctx, &p->rec, &p->db) < 0)
			p->lists = -1;
		else {
			p->best = xcalloc(p->db.n + 1, sizeof(char *));
			p->lists = hsys_lists_foreach(ctx, &p->rec, NULL, prov_file, p);
			if (p->lists == 0)
				result_skip(&p->rec, "no package lists in /var/lib/apt/lists (apt-get update was never "
					    "run, or they were removed); provenance cannot be judged");
		}
		ctx_memo_put(ctx, PROVENANCE_MEMO, p, provenance_free);
	}
	replay_into(&p->rec, r);
	return p;
}

/* Installed from a configured origin: the name is in some index with a version >= the installed. */
static const char *foreign_reason(const struct dpkg_pkg *pkg, const char *best)
{
	if (!best)
		return "is in no package list of the configured sources (a local .deb or a removed repository)";
	if (pkg->version && dpkg_version_compare(pkg->version, best) > 0)
		return "is newer than any version the configured sources offer (locally built?)";
	return NULL;
}

/* capgate's own package: installed from a local .deb by the build (docs/packer.md), known here */
static bool is_capgate(const struct dpkg_pkg *pkg)
{
	return streq(pkg->name, "capgate");
}

/* rpm: a package is the distribution's when a key imported into the rpmdb (gpg-pubkey) signed it;
 * dnf and zypper refuse anything else unless told not to check. */
static const char *rpm_foreign_reason(const struct rpmdb *db, const struct rpm_pkg *p)
{
	if (streq(p->name, "gpg-pubkey"))
		return NULL;
	if (!p->sigkey)
		return "is not signed (built locally, or installed with --nosignature or gpgcheck off)";
	if (!rpmdb_has_pubkey(db, p->sigkey))
		return "is signed with a key that is not imported (rpm -q gpg-pubkey lists the trusted ones)";
	return NULL;
}

static int rpm_foreign(struct cg_ctx *ctx, struct cg_result *r)
{
	struct hsys_pkgs pk;

	if (hsys_pkgs_load(ctx, r, &pk) < 0 || !pk.rpm)
		return 0;
	for (size_t i = 0; i < pk.rpm->n; i++) {
		const struct rpm_pkg *p = &pk.rpm->v[i];
		const char *why = rpm_foreign_reason(pk.rpm, p);
		if (why && !hsys_cfg_list_match(ctx, "allow_packages", p->name))
			result_add_finding(r, pk.path, 0, p->name, p->evr, "'%s' %s (vendor %s) %s", p->name, p->evr,
					   p->vendor ? p->vendor : "none", why);
	}
	return 0;
}

static int rpm_kernel(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const kernels[] = {"kernel", "kernel-core", "kernel-default", "kernel-azure", "kernel-uek",
					      "kernel-uek-core", "kernel-rt-core"};
	struct hsys_pkgs pk;
	struct strv boot = {0};

	if (hsys_pkgs_load(ctx, r, &pk) < 0 || !pk.rpm)
		return 0;
	for (size_t i = 0; i < pk.rpm->n; i++) {
		const struct rpm_pkg *p = &pk.rpm->v[i];
		const char *why = NULL;
		for (size_t k = 0; k < ELEMENTSOF(kernels) && !why; k++)
			if (streq(p->name, kernels[k]))
				why = rpm_foreign_reason(pk.rpm, p);
		if (why)
			result_add_finding(r, pk.path, 0, p->name, p->evr, "kernel package '%s' %s %s", p->name, p->evr, why);
	}
	hsys_list_dir(ctx, r, "/boot", &boot);
	for (size_t i = 0; i < boot.n; i++) {
		if (!startswith(boot.v[i], "vmlinuz-") || strstr(boot.v[i], "-rescue-"))
			continue; /* dracut's rescue kernel is a copy made at install, owned by no package */
		_cleanup_free_ char *path = xasprintf("/boot/%s", boot.v[i]), *hex = NULL;
		const struct rpm_pkg *owner;
		int algo, e = rpmdb_file_digest(pk.rpm, path, &owner, &hex, &algo);
		/* RHEL's kernel-core owns /lib/modules/<v>/vmlinuz and copies it to /boot in %posttrans */
		if (e == -ENOENT) {
			_cleanup_free_ char *mod = xasprintf("/lib/modules/%s/vmlinuz", boot.v[i] + 8), *h2 = NULL;
			e = rpmdb_file_digest(pk.rpm, mod, &owner, &h2, &algo);
		}
		if (e == -ENOENT)
			result_add_finding(r, path, 0, "unpackaged", NULL,
					   "kernel '%s' belongs to no installed package: built or copied by hand", path);
		else if (e < 0)
			result_add_error(r, path, e, "cannot look up its package");
	}
	strv_free(&boot);
	return 0;
}

static int os_foreign_packages(struct cg_ctx *ctx, struct cg_result *r)
{
	if (hsys_distro(ctx)->family & DF_RPM)
		return rpm_foreign(ctx, r);
	const struct provenance *p = provenance_get(ctx, r);

	if (p->lists > 0)
		for (size_t i = 0; i < p->db.n; i++) {
			const struct dpkg_pkg *pkg = &p->db.v[i];
			const char *why = dpkg_is_installed_state(pkg) && !is_capgate(pkg) ? foreign_reason(pkg, p->best[i]) : NULL;
			if (why && !hsys_cfg_list_match(ctx, "allow_packages", pkg->name))
				result_add_finding(r, "/var/lib/dpkg/status", pkg->line, pkg->name, pkg->version,
						   "'%s' %s %s", pkg->name, pkg->version ? pkg->version : "", why);
		}
	return 0;
}

static int os_kernel_from_distro(struct cg_ctx *ctx, struct cg_result *r)
{
	if (hsys_distro(ctx)->family & DF_RPM)
		return rpm_kernel(ctx, r);
	const struct provenance *p = provenance_get(ctx, r);
	struct strv boot = {0}, owned = {0};
	int n = p->lists;

	if (n < 0)
		return 0;
	for (size_t i = 0; i < p->db.n; i++) {
		const struct dpkg_pkg *pkg = &p->db.v[i];
		if (!startswith(pkg->name, "linux-image-") || !dpkg_is_installed_state(pkg))
			continue;
		/* the files the kernel package owns */
		_cleanup_free_ char *list = xasprintf("/var/lib/dpkg/info/%s%s%s.list", pkg->name,
						      pkg->arch && !streq(pkg->arch, "all") ? ":" : "", pkg->arch ? pkg->arch : "");
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int e = imgfile_read(&ctx->fs, list, 16 << 20, &buf, &len);
		if (e == -ENOENT) {
			/* the list of a package without multi-arch qualification */
			free(list);
			list = xasprintf("/var/lib/dpkg/info/%s.list", pkg->name);
			e = imgfile_read(&ctx->fs, list, 16 << 20, &buf, &len);
		}
		if (e < 0 && e != -ENOENT)
			result_add_error(r, list, e, "cannot read the package's file list");
		char *cur = buf, *l;
		while (buf && (l = imgfile_next_line(&cur)))
			if (startswith(l, "/boot/vmlinuz-"))
				strv_push(&owned, l + 6);
		const char *why = n > 0 ? foreign_reason(pkg, p->best[i]) : NULL;
		if (why)
			result_add_finding(r, "/var/lib/dpkg/status", pkg->line, pkg->name, pkg->version,
					   "kernel package '%s' %s %s", pkg->name, pkg->version ? pkg->version : "", why);
	}
	hsys_list_dir(ctx, r, "/boot", &boot);
	for (size_t i = 0; i < boot.n; i++) {
		bool mine = false;
		if (!startswith(boot.v[i], "vmlinuz-"))
			continue;
		for (size_t k = 0; k < owned.n && !mine; k++)
			mine = streq(owned.v[k], boot.v[i]);
		if (!mine) {
			_cleanup_free_ char *path = xasprintf("/boot/%s", boot.v[i]);
			result_add_finding(r, path, 0, "unpackaged", NULL,
					   "kernel '%s' belongs to no installed package: built or copied by hand", path);
		}
	}
	strv_free(&boot);
	strv_free(&owned);
	return 0;
}

/* os.base-image: Azure IMDS, only on a VM that identifies as Azure or when config asks. */
static int os_base_image(struct cg_ctx *ctx, struct cg_result *r)
{
	json_t *sect = ctx->cfg ? config_get(ctx->cfg, "base_image") : NULL;
	const char *query = json_string_value(json_object_get(sect, "query"));
	const char *url = json_string_value(json_object_get(sect, "imds_url"));
	json_t *jt = json_object_get(sect, "timeout");
	unsigned long long timeout_ms = 2000, max_age = 0;
	struct strv allow = {0};
	struct imds_image img;
	_cleanup_free_ char *err = NULL;
	json_t *doc = NULL, *it;
	size_t i;
	int e;

	if (!query)
		query = "auto";
	if (ctx->mode != CG_MODE_LIVE) {
		result_skip(r, "offline scan: the instance metadata service describes the running VM, not an image tree");
		return 0;
	}
	if (streq(query, "never")) {
		result_skip(r, "base_image.query is \"never\"");
		return 0;
	}
	if (!streq(query, "always") && !imds_on_azure()) {
		result_skip(r, "not an Azure VM (DMI chassis_asset_tag); set base_image.query to \"always\" to ask anyway");
		return 0;
	}
	if (json_is_integer(jt))
		timeout_ms = (unsigned long long)json_integer_value(jt) * 1000;
	else if (json_is_string(jt))
		util_parse_duration_ms(json_string_value(jt), &timeout_ms);
	max_age = (unsigned long long)json_integer_value(json_object_get(sect, "max_age_days"));
	json_array_foreach(json_object_get(sect, "allow"), i, it)
		strv_push(&allow, json_string_value(it));
	e = imds_fetch_compute(url ? url : IMDS_DEFAULT_URL, (long)timeout_ms, &doc, &err);
	if (e < 0) {
		result_add_error(r, "imds", e, "instance metadata: %s", err);
		strv_free(&allow);
		return 0;
	}
	switch (imds_judge(doc, &allow, max_age, time(NULL), &img)) {
	case IMDS_TRUSTED:
		break;
	case IMDS_UNTRUSTED:
		result_add_finding(r, "imds", 0, "untrusted", img.urn,
				   "the VM was built from '%s', which base_image.allow does not list; build from an "
				   "allowed publisher/offer/sku or gallery image", img.urn);
		break;
	case IMDS_TOO_OLD:
		result_add_finding(r, "imds", 0, "too-old", img.urn,
				   "base image '%s' dates from %s, %ld days ago; base_image.max_age_days is %llu: rebuild "
				   "from a current image version", img.urn, img.date, img.age_days, max_age);
		break;
	case IMDS_NO_DATE:
		result_add_finding(r, "imds", 0, "no-date", img.urn,
				   "base image '%s' carries no date in its version, so its age (max %llu days) cannot "
				   "be judged", img.urn, max_age);
		break;
	case IMDS_MALFORMED:
		result_add_error(r, "imds", -EBADMSG, "instance metadata has no storageProfile.imageReference");
		break;
	}
	imds_image_free(&img);
	json_decref(doc);
	strv_free(&allow);
	return 0;
}

/* RHEL 9 and later: sshd follows the policy only where sshd_config includes the back-end (as
 * 50-redhat.conf does). 1 when it does or sshd is not installed, 0 when not, -errno. */
static int sshd_includes_backend(struct cg_ctx *ctx, struct cg_result *r)
{
	struct sshcfg c = {0};
	int e = sshcfg_load(&ctx->fs, &c), found = 0;

	if (e == -ENOENT || e == -ENOTDIR)
		found = 1;
	else if (e < 0)
		result_add_error(r, SSHCFG_MAIN, e, "cannot read");
	for (size_t i = 0; e == 0 && i < c.files.n && !found; i++)
		found = streq(c.files.v[i], CRYPTOPOL_SSHD_BACKEND);
	sshcfg_free(&c);
	return e < 0 && e != -ENOENT && e != -ENOTDIR ? e : found;
}

static int os_crypto_policy(struct cg_ctx *ctx, struct cg_result *r)
{
	struct cryptopol cp;
	const char *err = NULL;
	int e = cryptopol_load(&ctx->fs, &cp, &err);

	if (e < 0) {
		result_add_error(r, err, e, "cannot read");
		cryptopol_free(&cp);
		return e;
	}
	if (!cp.policy) {
		result_skip(r, "does not apply to this family: no %s (crypto-policies is RHEL's, its clones' and "
			       "Fedora's)", CRYPTOPOL_CONFIG);
		return 0;
	}
	_cleanup_free_ char *base = xstrndup(cp.policy, strcspn(cp.policy, ":"));
	bool sha1 = false;
	for (const char *m = strchr(cp.policy, ':'); m && !sha1; m = strchr(m + 1, ':'))
		sha1 = strncasecmp(m + 1, "SHA1", 4) == 0 && (!m[5] || m[5] == ':');
	if (strcasecmp(base, "LEGACY") == 0)
		result_add_finding(r, CRYPTOPOL_CONFIG, cp.policy_line, "legacy", cp.policy,
				   "the system crypto policy is %s: SHA-1 signatures, 1024-bit DH and DSA, TLS 1.0 "
				   "and 1.1 and CBC ciphers in ssh are allowed to every library and daemon that follows it; "
				   "set DEFAULT (update-crypto-policies --set DEFAULT)", cp.policy);
	else if (sha1)
		result_add_finding(r, CRYPTOPOL_CONFIG, cp.policy_line, "sha1", cp.policy,
				   "the system crypto policy %s allows SHA-1 signatures again; drop the SHA1 subpolicy "
				   "(update-crypto-policies --set %s)", cp.policy, base);
	if (cp.overridden)
		result_add_finding(r, CRYPTOPOL_SSHD_SYSCONFIG, cp.sshd_opts_line, "sshd-override", "CRYPTO_POLICY",
				   "CRYPTO_POLICY is set here, so sshd does not follow the system crypto policy %s; "
				   "remove the line", cp.policy);
	else if (cp.sshd_backend && !cp.sshd_backend_env) {
		e = sshd_includes_backend(ctx, r);
		if (e == 0)
			result_add_finding(r, SSHCFG_MAIN, 0, "sshd-include", CRYPTOPOL_SSHD_BACKEND,
					   "sshd reads no 'Include %s' (RHEL puts one in sshd_config.d/50-redhat.conf), "
					   "so it does not follow the system crypto policy %s",
					   CRYPTOPOL_SSHD_BACKEND, cp.policy);
	}
	cryptopol_free(&cp);
	return e < 0 ? e : 0;
}

static const struct cg_check os_checks[] = {
	{
		.id = "os.release-eol",
		.title = "the release is still supported",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("distro-info-data", "endoflife.date"),
		.remediation = NULL,
		.description = "os-release ID/VERSION_ID/VERSION_CODENAME against capgate's dated copy of "
			       "distro-info-data (Debian, Ubuntu) and of endoflife.date's dates (RHEL, AlmaLinux, Rocky, "
			       "Oracle Linux, CentOS, SLES, openSUSE Leap, Azure Linux; checks/data/rpm-eol.csv), "
			       "os-release SUPPORT_END and SLES's products.d <endoflife> first where the image has them: "
			       "fails past the last support date (Debian eol-lts, Ubuntu eol-esm, RHEL ELS, SLES LTSS).",
		.run = os_release_eol,
	},
	{
		.id = "os.release-extended-support",
		.title = "the release is in regular support",
		/* a warning: the release still gets security updates (os.release-eol blocks past them) */
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("distro-info-data", "endoflife.date"),
		.remediation = NULL,
		.description = "Fails when the release is past its regular end of life and lives on LTS (Debian), ESM "
			       "(Ubuntu), ELS (RHEL), Extended Support (Oracle) or LTSS (SLES) only: a low warning, since the release still has security support; past "
			       "that, os.release-eol blocks.",
		.run = os_release_extended_support,
	},
	{
		.id = "os.kernel-from-distro",
		.title = "the kernel comes from the distribution",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("ASB KernelCompiledFromApprovedSources", "Lynis KRNL-5788"),
		.remediation = NULL,
		.description = "Every installed linux-image-* package is offered by a configured source (APT lists) at "
			       "its version or newer, and every /boot/vmlinuz-* belongs to such a package.",
		.run = os_kernel_from_distro,
	},
	{
		.id = "os.crypto-policy",
		.title = "the system crypto policy is not LEGACY and sshd follows it",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("CIS RHEL9 1.6.1", "SSG configure_crypto_policy", "SSG sshd_include_crypto_policy",
				"SSG configure_ssh_crypto_policy"),
		.remediation = NULL,
		.description = "Where crypto-policies is installed (RHEL 8 and later, its clones, Fedora): "
			       "/etc/crypto-policies/config is not LEGACY and has no SHA1 subpolicy; sshd follows "
			       "the policy: no CRYPTO_POLICY in /etc/sysconfig/sshd (RHEL 8), sshd_config includes "
			       "the opensshserver.config back-end (RHEL 9 and later). No automatic fix: the policy "
			       "is changed with update-crypto-policies, which regenerates every back-end.",
		.run = os_crypto_policy,
	},
	{
		.id = "os.foreign-packages",
		.title = "every package comes from a configured source",
		.severity = CG_SEV_MEDIUM,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis PKGS-7345"),
		.remediation = NULL,
		.description = "Installed packages that no downloaded package list offers, or that are newer than any "
			       "list offers: local .debs, removed repositories. capgate's own package is known; "
			       "hardening.allow_packages exempts other names.",
		.run = os_foreign_packages,
	},
	{
		.id = "os.base-image",
		.title = "the VM was built from a trusted, recent base image",
		.severity = CG_SEV_HIGH,
		.modes = CG_LIVE,
		.refs = CG_REFS("Azure IMDS compute.storageProfile.imageReference"),
		.remediation = NULL,
		.description = "Live, on Azure (DMI chassis_asset_tag) or when base_image.query is \"always\": IMDS "
			       "compute metadata (libcurl, Metadata: true, no proxy, base_image.timeout, default 2 s); "
			       "imageReference publisher:offer:sku:version or gallery id against base_image.allow "
			       "(globs) and the date in its version against base_image.max_age_days.",
		.run = os_base_image,
	},
};

CG_FAMILY(family_os, "os", "release support and provenance", os_checks);
