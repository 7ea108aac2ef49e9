/* SPDX-License-Identifier: Apache-2.0 */
/* pkg.*: the package state an image is captured with: a security suite, pending security
 * updates, authenticated repositories, a consistent dpkg database, build tools left behind. */
#include "families.h"
#include "aptsrc.h"
#include "hsys.h"
#include "imgfile.h"
#include "osrelease.h"
#include "rpmdb.h"
#include "rpmmd.h"
#include "rpmrepo.h"

#include <sys/utsname.h>

/* The security suite of the image's release: "<codename>-security" (Debian >= 11, Ubuntu). */
static char *security_suite(struct cg_ctx *ctx, struct cg_result *r)
{
	const struct hsys_distro *d = hsys_distro(ctx);
	const struct osrelease *os = &d->os;

	if (d->err < 0) {
		if (d->err == -ENOENT)
			result_skip(r, "the image holds no data for it: no os-release");
		else
			result_add_error(r, "/etc/os-release", d->err, "cannot read");
		return NULL;
	}
	if (!hsys_family_applies(ctx, r, DF_DEBIAN, "APT suites are Debian's and Ubuntu's"))
		return NULL;
	if (!os->id || (!streq(os->id, "debian") && !streq(os->id, "ubuntu")))
		result_skip(r, "'%s' is not Debian or Ubuntu", os->id ? os->id : "unknown");
	else if (!os->version_codename || !*os->version_codename)
		result_skip(r, "os-release has no VERSION_CODENAME (testing or unstable)");
	else
		return xasprintf("%s-security", os->version_codename);
	return NULL;
}

static bool rpm_family(struct cg_ctx *ctx)
{
	return hsys_distro(ctx)->family & DF_RPM;
}

static int load_repos(struct cg_ctx *ctx, struct cg_result *r, struct rpmrepo_conf *c)
{
	_cleanup_free_ char *where = NULL;
	int e = rpmrepo_load(&ctx->fs, c, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the repository configuration");
		rpmrepo_free(c);
	}
	return e;
}

static bool repo_enabled(const struct rpmrepo_section *s)
{
	const struct rpmrepo_opt *o = rpmrepo_get(s, "enabled");
	return !o || rpmrepo_bool(o->value) != 0;
}

/* RHEL, SUSE, Azure Linux: updates come from the configured repositories (RHEL's BaseOS and
 * AppStream carry the errata; SUSE's *-Updates); without one enabled a VM never gets them. */
static int rpm_repos_configured(struct cg_ctx *ctx, struct cg_result *r)
{
	struct rpmrepo_conf c;
	struct strv services = {0};
	size_t enabled = 0;

	if (load_repos(ctx, r, &c) < 0)
		return 0;
	for (size_t i = 0; i < c.n; i++)
		enabled += !c.v[i].main && repo_enabled(&c.v[i]);
	/* SUSE's registered products bring their repositories as services (zypper ls -s) */
	hsys_list_dir(ctx, r, "/etc/zypp/services.d", &services);
	if (!enabled && !services.n)
		result_add_finding(r, hsys_distro(ctx)->family == DF_SUSE ? "/etc/zypp/repos.d" : "/etc/yum.repos.d", 0,
				   "no-repository", NULL,
				   "no enabled package repository is configured, so VMs from this image never get "
				   "security updates; keep the vendor's repositories (RHUI or subscription, SUSE's "
				   "update repositories, Azure Linux's base) enabled");
	strv_free(&services);
	rpmrepo_free(&c);
	return 0;
}

static bool source_has_suite(const struct apt_source *s, const char *suite)
{
	for (size_t i = 0; i < s->suites.n; i++)
		if (streq(s->suites.v[i], suite))
			return true;
	return false;
}

static int pkg_security_suite_configured(struct cg_ctx *ctx, struct cg_result *r)
{
	if (rpm_family(ctx))
		return rpm_repos_configured(ctx, r);
	_cleanup_free_ char *suite = security_suite(ctx, r), *where = NULL;
	struct apt_sources s;
	bool found = false;
	int e;

	if (!suite)
		return 0;
	e = aptsrc_load(&ctx->fs, &s, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the APT sources");
		return 0;
	}
	for (size_t i = 0; i < s.n; i++)
		found |= s.v[i].enabled && s.v[i].deb && source_has_suite(&s.v[i], suite);
	for (size_t i = 0; i < s.nproblems; i++)
		result_add_finding(r, s.problems[i].path, s.problems[i].line, "syntax", NULL, "%s", s.problems[i].message);
	if (!found)
		result_add_finding(r, "/etc/apt/sources.list", 0, suite, NULL,
				   "no enabled APT source carries '%s', so VMs from this image never get security "
				   "updates; add it (one-line 'deb <mirror>-security %s main' or a deb822 .sources stanza)",
				   suite, suite);
	aptsrc_free(&s);
	return 0;
}

struct pending {
	const struct dpkg_db *db;
	struct cg_result *r;
	const char *path;
	unsigned found;
};

static void pending_visit(const char *name, size_t nlen, const char *ver, size_t vlen, void *ud)
{
	struct pending *p = ud;
	_cleanup_free_ char *n = xstrndup(name, nlen), *v = xstrndup(ver, vlen);
	const struct dpkg_pkg *inst = dpkg_installed(p->db, n);

	if (inst && inst->version && dpkg_version_compare(inst->version, v) < 0) {
		result_add_finding(p->r, p->path, 0, n, v,
				   "security update pending: '%s' %s is installed, %s is in the security suite; run "
				   "apt-get upgrade in the build", n, inst->version, v);
		p->found++;
	}
}

static void pending_file(const char *path, const char *text, size_t len, void *ud)
{
	struct pending *p = ud;
	p->path = path;
	dpkg_index_foreach(text, len, NULL, pending_visit, p);
}

/* One pending security fix, kept until every updateinfo file is read so an advisory that two
 * cached repositories carry (BaseOS and its EUS twin) is reported once. */
struct rpm_pending {
	char *advisory, *severity, *name, *arch, *installed, *fixed, *path;
};

static int rpm_pending_cmp(const void *a, const void *b)
{
	const struct rpm_pending *x = a, *y = b;
	int c = strcmp(x->advisory, y->advisory);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->arch, y->arch);
}

/* The newest installed EVR of NAME.ARCH, or NULL (a name's versions follow each other in db->v). */
static const char *installed_evr(const struct rpmdb *db, const struct rpmmd_updates *u, const char *name,
				 const char *arch)
{
	const char *best = NULL;

	for (const struct rpm_pkg *p = rpmdb_installed(db, name); p && p < db->v + db->n && streq(p->name, name); p++)
		if (p->arch && streq(p->arch, arch) && p->evr && (!best || rpmmd_evrcmp(u, p->evr, best) > 0))
			best = p->evr;
	return best;
}

/* What `dnf updateinfo list --security` and `zypper list-patches --category security` list, from
 * the image's own cached metadata: an advisory of type security naming a package NAME.ARCH that is
 * installed at an older EVR (the newest installed one, for install-only kernels). */
static void rpm_judge_file(const struct rpmdb *db, const struct rpmmd_updates *u, const char *path,
			   struct rpm_pending **v, size_t *n)
{
	for (size_t i = 0; i < u->n; i++) {
		const struct rpmmd_fix *f = &u->v[i];
		if (!f->type || !streq(f->type, "security"))
			continue;
		const char *have = installed_evr(db, u, f->name, f->arch);
		if (!have || rpmmd_evrcmp(u, have, f->evr) >= 0)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = (struct rpm_pending){
			.advisory = xstrdup(f->advisory), .severity = xstrdup(f->severity ? f->severity : "unrated"),
			.name = xstrdup(f->name), .arch = xstrdup(f->arch), .installed = xstrdup(have),
			.fixed = xstrdup(f->evr), .path = xstrdup(path),
		};
	}
}

static int rpm_updates_pending(struct cg_ctx *ctx, struct cg_result *r)
{
	struct hsys_pkgs pk;
	struct rpmmd_repos repos;
	_cleanup_free_ char *where = NULL;
	struct rpm_pending *v = NULL;
	size_t n = 0, files = 0, listed = 0;
	int e;

	if (hsys_pkgs_load(ctx, r, &pk) < 0 || !pk.rpm)
		return 0;
	e = rpmmd_find(&ctx->fs, &repos, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the cached repository metadata");
		return 0;
	}
	if (!repos.n) {
		result_skip(r, "the image holds no cached repository metadata (no repomd.xml under /var/cache/dnf, "
			       "/var/cache/libdnf5, /var/cache/yum, /var/cache/zypp/raw or /var/cache/tdnf, as after "
			       "dnf clean all): pending updates cannot be judged offline; run dnf upgrade --security "
			       "(zypper patch --category security) in the build before cleaning the cache");
		rpmmd_repos_free(&repos);
		return 0;
	}
	for (size_t i = 0; i < repos.n; i++) {
		struct rpmmd_updates u = {0};
		listed += repos.v[i].listed;
		if (!repos.v[i].updateinfo)
			continue;
		files++;
		e = rpmmd_updateinfo_load(&ctx->fs, repos.v[i].updateinfo, &u);
		if (e == -EBADMSG && u.err)
			result_add_error(r, repos.v[i].updateinfo, e, "cannot read the advisories: %s", u.err);
		else if (e < 0)
			result_add_error(r, repos.v[i].updateinfo, e, "cannot read the advisories");
		else
			rpm_judge_file(pk.rpm, &u, repos.v[i].updateinfo, &v, &n);
		rpmmd_updates_free(&u);
	}
	if (!files)
		result_skip(r, "the image's cached repository metadata (%zu repositories, e.g. %s) %s: pending "
			       "security updates cannot be judged offline", repos.n, repos.v[0].repomd,
			    listed ? "names updateinfo files the cache does not hold" : "carries no advisories (updateinfo)");
	if (n)
		qsort(v, n, sizeof(*v), rpm_pending_cmp);
	enum distro_family fam = hsys_distro(ctx)->family;
	for (size_t i = 0; i < n; i++) {
		struct rpm_pending *p = &v[i];
		if (i && !rpm_pending_cmp(&v[i - 1], p))
			continue;
		_cleanup_free_ char *fixed = xasprintf("%s-%s.%s", p->name, p->fixed, p->arch);
		_cleanup_free_ char *how = fam == DF_SUSE  ? xstrdup("zypper patch --category security")
					   : fam == DF_AZL ? xstrdup("tdnf upgrade --security")
							   : xasprintf("dnf upgrade --advisory=%s", p->advisory);
		result_add_finding(r, p->path, 0, p->advisory, fixed,
				   "security advisory %s (%s) is pending: '%s.%s' %s is installed, %s fixes it; run %s "
				   "in the build", p->advisory, p->severity, p->name, p->arch, p->installed, p->fixed, how);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].advisory), free(v[i].severity), free(v[i].name), free(v[i].arch), free(v[i].installed),
			free(v[i].fixed), free(v[i].path);
	free(v);
	rpmmd_repos_free(&repos);
	return 0;
}

static int pkg_updates_pending(struct cg_ctx *ctx, struct cg_result *r)
{
	if (rpm_family(ctx))
		return rpm_updates_pending(ctx, r);
	_cleanup_free_ char *suite = security_suite(ctx, r), *filter = NULL;
	struct dpkg_db db;
	struct pending p = {.r = r};

	if (!suite)
		return 0;
	if (hsys_dpkg_load(ctx, r, &db) < 0)
		return 0;
	p.db = &db;
	filter = xasprintf("_dists_%s_", suite);
	if (hsys_lists_foreach(ctx, r, filter, pending_file, &p) == 0)
		result_skip(r, "no package lists of '%s' in /var/lib/apt/lists (pkg.security-suite-configured judges "
			       "the sources); run apt-get update in the build", suite);
	dpkg_free(&db);
	return 0;
}

static int pkg_reboot_pending(struct cg_ctx *ctx, struct cg_result *r)
{
	struct strv boot = {0};
	_cleanup_free_ char *newest = NULL;
	struct utsname u;

	if (imgfile_exists_or_error(&ctx->fs, r, "/run/reboot-required") ||
	    imgfile_exists_or_error(&ctx->fs, r, "/var/run/reboot-required"))
		result_add_finding(r, "/run/reboot-required", 0, "flag", NULL,
				   "a package asked for a reboot; reboot the build VM before capture");
	if (ctx->mode != CG_MODE_LIVE || uname(&u) < 0)
		return 0;
	/* live: the running kernel against the newest installed one */
	hsys_list_dir(ctx, r, "/boot", &boot);
	for (size_t i = 0; i < boot.n; i++)
		if (startswith(boot.v[i], "vmlinuz-") &&
		    (!newest || dpkg_version_compare(boot.v[i] + 8, newest) > 0)) {
			free(newest);
			newest = xstrdup(boot.v[i] + 8);
		}
	strv_free(&boot);
	if (newest && !streq(newest, u.release))
		result_add_finding(r, "/boot", 0, "kernel", newest,
				   "the running kernel is %s but %s is installed; reboot before capture", u.release, newest);
	return 0;
}

/* The main section of the tool that reads S (dnf.conf, yum.conf, tdnf.conf; zypp.conf). */
static const struct rpmrepo_section *main_of(const struct rpmrepo_conf *c, const struct rpmrepo_section *s)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].main && c->v[i].tool == s->tool && streq(c->v[i].name, "main"))
			return &c->v[i];
	return NULL;
}

static void repo_auth_flag(struct cg_result *r, const struct rpmrepo_section *s, const struct rpmrepo_opt *o,
			   const char *what)
{
	result_add_finding(r, s->path, o ? o->line : s->line, o ? o->key : "gpgcheck", o ? o->value : NULL,
			   "[%s] %s; set it to 1 (the vendor's key in gpgkey=, imported with rpm --import)", s->name, what);
}

/* CIS RHEL 9 1.2.1.2 (ensure_gpgcheck_globally_activated, ensure_gpgcheck_never_disabled),
 * 1.2.1.3 repo_gpgcheck; zypp.conf's gpgcheck/repo_gpgcheck/pkg_gpgcheck; sslverify. */
static int rpm_repo_auth(struct cg_ctx *ctx, struct cg_result *r)
{
	static const char *const main_keys[] = {"gpgcheck", "repo_gpgcheck", "pkg_gpgcheck", "localpkg_gpgcheck"};
	struct rpmrepo_conf c;

	if (load_repos(ctx, r, &c) < 0)
		return 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct rpmrepo_section *s = &c.v[i];
		const struct rpmrepo_opt *o;
		if (s->main) {
			for (size_t k = 0; k < ELEMENTSOF(main_keys); k++)
				if ((o = rpmrepo_get(s, main_keys[k])) && rpmrepo_bool(o->value) == 0)
					result_add_finding(r, s->path, o->line, o->key, o->value,
							   "'%s = %s' turns signature checking off for every repository; "
							   "remove it or set it to 1", o->key, o->value);
			if ((o = rpmrepo_get(s, "sslverify")) && rpmrepo_bool(o->value) == 0)
				result_add_finding(r, s->path, o->line, o->key, o->value,
						   "'sslverify = %s' accepts any TLS certificate from every repository", o->value);
			continue;
		}
		if (!repo_enabled(s))
			continue;
		const struct rpmrepo_section *m = main_of(&c, s);
		const struct rpmrepo_opt *g = rpmrepo_get(s, "gpgcheck"), *mg = m ? rpmrepo_get(m, "gpgcheck") : NULL;
		/* the repository's own value, else the main one, else the tool's default: dnf and yum
		 * check nothing unless told (libdnf's gpgcheck default is 0), zypper checks */
		int on = g ? rpmrepo_bool(g->value) : mg ? rpmrepo_bool(mg->value) : s->tool == RPMREPO_ZYPP;
		if (on == 0 && g)
			repo_auth_flag(r, s, g, "'gpgcheck' is off: packages are installed without checking their signatures");
		else if (on == 0 && !mg)
			repo_auth_flag(r, s, NULL, "has no gpgcheck and the main configuration sets none, so dnf does not "
						   "check signatures");
		if ((o = rpmrepo_get(s, "repo_gpgcheck")) && rpmrepo_bool(o->value) == 0 && s->tool == RPMREPO_ZYPP)
			repo_auth_flag(r, s, o, "'repo_gpgcheck' is off: the repository metadata is not verified");
		if ((o = rpmrepo_get(s, "pkg_gpgcheck")) && rpmrepo_bool(o->value) == 0)
			repo_auth_flag(r, s, o, "'pkg_gpgcheck' is off: packages are installed without checking their signatures");
		if ((o = rpmrepo_get(s, "sslverify")) && rpmrepo_bool(o->value) == 0)
			result_add_finding(r, s->path, o->line, o->key, o->value,
					   "[%s] 'sslverify = %s' accepts any TLS certificate for this repository; remove it",
					   s->name, o->value);
	}
	rpmrepo_free(&c);
	return 0;
}

static int pkg_repo_auth(struct cg_ctx *ctx, struct cg_result *r)
{
	if (rpm_family(ctx))
		return rpm_repo_auth(ctx, r);
	_cleanup_free_ char *where = NULL, *conf_where = NULL;
	struct apt_sources s;
	struct apt_conf_insecure ins;
	struct strv keys = {0};
	int e;

	e = aptsrc_load(&ctx->fs, &s, &where);
	if (e < 0) {
		result_add_error(r, where, e, "cannot read the APT sources");
		return 0;
	}
	hsys_list_dir(ctx, r, "/etc/apt/trusted.gpg.d", &keys);
	bool global_keys = keys.n > 0 || imgfile_exists_or_error(&ctx->fs, r, "/etc/apt/trusted.gpg");
	strv_free(&keys);
	for (size_t i = 0; i < s.n; i++) {
		const struct apt_source *src = &s.v[i];
		if (!src->enabled)
			continue;
		if (src->trusted)
			result_add_finding(r, src->path, src->line, "trusted", src->uris.n ? src->uris.v[0] : NULL,
					   "source marked trusted=yes: APT installs from it without checking signatures; "
					   "give it Signed-By with the repository key");
		if (src->allow_insecure)
			result_add_finding(r, src->path, src->line, "allow-insecure", src->uris.n ? src->uris.v[0] : NULL,
					   "source allows insecure or weak repositories; remove the option");
		if (!src->signed_by && !global_keys)
			result_add_finding(r, src->path, src->line, "no-key", src->uris.n ? src->uris.v[0] : NULL,
					   "source has no Signed-By and the image has no trusted keyring; APT cannot verify it");
	}
	aptsrc_free(&s);
	e = aptsrc_conf_insecure(&ctx->fs, &ins, &conf_where);
	if (e < 0)
		result_add_error(r, conf_where, e, "cannot read");
	for (size_t i = 0; i < ins.n; i++)
		result_add_finding(r, ins.v[i].path, ins.v[i].line, "apt.conf", ins.v[i].option,
				   "'%s' turns APT's authentication off; remove it", ins.v[i].option);
	aptsrc_conf_insecure_free(&ins);
	return 0;
}

/* What `dnf check --duplicates` and a clean rpmdb show: one version per name and arch except the
 * install-only packages (kernels, keys), and no Berkeley DB environment files (__db.00N, which
 * belong to the build VM: virt-sysprep's rpm-db removes them). */
static int rpm_consistency(struct cg_ctx *ctx, struct cg_result *r, const struct rpmdb *db)
{
	static const char *const installonly[] = {"kernel", "kernel-core", "kernel-modules", "kernel-modules-core",
						   "kernel-modules-extra", "kernel-devel", "kernel-default", "kernel-azure",
						   "kernel-uek", "kernel-uek-core", "gpg-pubkey", "installonlypkg", NULL};
	_cleanup_free_ char *dir = xstrdup(db->path);
	struct strv names = {0};

	for (size_t i = 1; i < db->n; i++) {
		const struct rpm_pkg *a = &db->v[i - 1], *b = &db->v[i];
		bool only = false;
		for (size_t k = 0; installonly[k] && !only; k++)
			only = streq(b->name, installonly[k]);
		if (!only && streq(a->name, b->name) && a->arch && b->arch && streq(a->arch, b->arch))
			result_add_finding(r, db->path, 0, "duplicate", b->name,
					   "'%s' is installed twice (%s and %s): an interrupted transaction; finish it with "
					   "dnf remove --duplicates (or zypper verify)", b->name, a->evr, b->evr);
	}
	*strrchr(dir, '/') = 0;
	hsys_list_dir(ctx, r, dir, &names);
	for (size_t i = 0; i < names.n; i++)
		if (startswith(names.v[i], "__db.")) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
			result_add_finding(r, p, 0, "db-env", NULL,
					   "Berkeley DB environment file of the build VM's rpm; remove it (rm -f %s/__db.*)", dir);
		}
	strv_free(&names);
	return 0;
}

static int pkg_dpkg_consistency(struct cg_ctx *ctx, struct cg_result *r)
{
	struct dpkg_db db;
	struct hsys_pkgs pk;

	if (rpm_family(ctx)) {
		if (hsys_pkgs_load(ctx, r, &pk) == 0 && pk.rpm)
			rpm_consistency(ctx, r, pk.rpm);
		return 0;
	}

	if (hsys_dpkg_load(ctx, r, &db) < 0)
		return 0;
	for (size_t i = 0; i < db.n; i++) {
		const struct dpkg_pkg *p = &db.v[i];
		if (streq(p->state, "config-files"))
			result_add_finding(r, "/var/lib/dpkg/status", p->line, "rc", p->name,
					   "'%s' was removed but its configuration files remain (rc); dpkg --purge %s",
					   p->name, p->name);
		else if (!streq(p->state, "installed") && !streq(p->state, "not-installed"))
			result_add_finding(r, "/var/lib/dpkg/status", p->line, p->state, p->name,
					   "'%s' is %s (an interrupted install); finish it with dpkg --configure -a or "
					   "apt-get -f install", p->name, p->state);
		else if (streq(p->flag, "reinstreq"))
			result_add_finding(r, "/var/lib/dpkg/status", p->line, "reinstreq", p->name,
					   "'%s' needs reinstalling (reinstreq)", p->name);
	}
	if (db.bad_stanzas)
		result_add_finding(r, "/var/lib/dpkg/status", 0, "malformed", NULL,
				   "%u stanzas lack Package: or Status:; dpkg --audit", db.bad_stanzas);
	dpkg_free(&db);
	return 0;
}

static int pkg_build_tools_present(struct cg_ctx *ctx, struct cg_result *r)
{
	/* Debian's names, then those of RHEL, SUSE and Azure Linux */
	static const char *const tools[] = {
		"gcc", "g++", "clang", "make", "build-essential", "dpkg-dev", "cmake", "autoconf", "automake", "libtool",
		"git", "golang-go", "rustc", "cargo", "packer", "ansible", "ansible-core", "gcc-c++", "rpm-build",
		"golang", "go", "rust", "git-core", "patterns-devel-base-devel_basis",
	};
	struct hsys_pkgs pk;

	if (hsys_pkgs_load(ctx, r, &pk) < 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		const char *const one[] = {tools[i], NULL};
		struct hsys_pkg p;
		if (hsys_pkg_find(&pk, one, &p) && !hsys_cfg_list_match(ctx, "allow_packages", p.name))
			result_add_finding(r, pk.path, p.line, p.name, p.version,
					   "build tool '%s' is installed; remove it unless the image's workload needs it",
					   p.name);
	}
	return 0;
}

static const struct cg_check pkg_checks[] = {
	{
		.id = "pkg.security-suite-configured",
		.title = "APT sources carry the security suite",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis PKGS-7388"),
		.remediation = NULL,
		.description = "An enabled deb source (sources.list, sources.list.d/*.list or deb822 *.sources) has the "
			       "suite <VERSION_CODENAME>-security from os-release. debootstrap leaves it out.",
		.run = pkg_security_suite_configured,
	},
	{
		.id = "pkg.updates-pending",
		.title = "no security updates are pending",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis PKGS-7392", "CIS 1.9", "CIS RHEL 9 1.2.2.1", "SSG security_patches_up_to_date"),
		.remediation = NULL,
		.description = "Debian, Ubuntu: installed versions (dpkg status) against the security suite's package "
			       "lists in /var/lib/apt/lists, compared in Debian version order. RHEL and clones, SUSE, "
			       "Azure Linux: what dnf updateinfo list --security shows, from the image's own cached "
			       "metadata (dnf, dnf5, yum, zypper, tdnf caches; repomd.xml and updateinfo read with "
			       "libsolv): a security advisory naming a package NAME.ARCH installed at an older EVR. No "
			       "network, no package manager run. Skips when the image holds no lists of that suite or "
			       "no cached repository metadata (an emptied /var/lib/apt/lists; dnf clean all).",
		.run = pkg_updates_pending,
	},
	{
		.id = "pkg.reboot-pending",
		.title = "no reboot is pending",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis KRNL-5830"),
		.remediation = NULL,
		.description = "/run/reboot-required is absent; live, the running kernel is the newest in /boot.",
		.run = pkg_reboot_pending,
	},
	{
		.id = "pkg.repo-auth",
		.title = "every APT source is authenticated",
		.severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("SSG apt_conf_disallow_unauthenticated"),
		.remediation = NULL,
		.description = "No source with trusted=yes or allow-insecure/allow-weak; no apt.conf option "
			       "AllowUnauthenticated, AllowInsecureRepositories, AllowWeakRepositories, "
			       "AllowDowngradeToInsecureRepositories or Check-Valid-Until false; every source has "
			       "Signed-By or the image has a trusted keyring.",
		.run = pkg_repo_auth,
	},
	{
		.id = "pkg.dpkg-consistency",
		.title = "the dpkg database is consistent",
		.severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis PKGS-7345", "Lynis PKGS-7346"),
		.remediation = NULL,
		.description = "What dpkg --audit reports, read from the status file: half-installed, unpacked, "
			       "half-configured, triggers-* packages, reinstreq flags, and removed packages whose "
			       "configuration files remain (rc).",
		.run = pkg_dpkg_consistency,
	},
	{
		.id = "pkg.build-tools-present",
		.title = "no build tools left from the build",
		.severity = CG_SEV_INFO,
		.modes = CG_ANYWHERE,
		.refs = CG_REFS("Lynis HRDN-7220", "Lynis HRDN-7222"),
		.remediation = NULL,
		.description = "Inventory: compilers, make, package build tools, git, Packer and Ansible installed; "
			       "hardening.allow_packages exempts names.",
		.run = pkg_build_tools_present,
	},
};

CG_FAMILY(family_pkg, "pkg", "packages and updates", pkg_checks);
