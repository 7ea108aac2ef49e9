/* pkg.*: the package state an image is captured with: a security suite, pending security
 * updates, authenticated repositories, a consistent dpkg database, build tools left behind. */
#include "families.h"
#include "aptsrc.h"
#include "hsys.h"
#include "imgfile.h"
#include "osrelease.h"

#include <sys/utsname.h>

/* The security suite of the image's release: "<codename>-security" (Debian >= 11, Ubuntu). */
static char *security_suite(struct cg_ctx *ctx, struct cg_result *r)
{
	struct osrelease os;
	char *suite = NULL;
	int e = osrelease_load(&ctx->fs, &os);

	if (e < 0) {
		if (e == -ENOENT)
			result_skip(r, "no os-release in the image");
		else
			result_add_error(r, "/etc/os-release", e, "cannot read");
		return NULL;
	}
	if (!os.id || (!streq(os.id, "debian") && !streq(os.id, "ubuntu")))
		result_skip(r, "'%s' is not Debian or Ubuntu", os.id ? os.id : "unknown");
	else if (!os.version_codename || !*os.version_codename)
		result_skip(r, "os-release has no VERSION_CODENAME (testing or unstable)");
	else
		suite = xasprintf("%s-security", os.version_codename);
	osrelease_free(&os);
	return suite;
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

static int pkg_updates_pending(struct cg_ctx *ctx, struct cg_result *r)
{
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

static int pkg_repo_auth(struct cg_ctx *ctx, struct cg_result *r)
{
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

static int pkg_dpkg_consistency(struct cg_ctx *ctx, struct cg_result *r)
{
	struct dpkg_db db;

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
	static const char *const tools[] = {
		"gcc", "g++", "clang", "make", "build-essential", "dpkg-dev", "cmake", "autoconf", "automake", "libtool",
		"git", "golang-go", "rustc", "cargo", "packer", "ansible", "ansible-core",
	};
	struct dpkg_db db;

	if (hsys_dpkg_load(ctx, r, &db) < 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		const struct dpkg_pkg *p = dpkg_installed(&db, tools[i]);
		if (p && !hsys_cfg_list_match(ctx, "allow_packages", p->name))
			result_add_finding(r, "/var/lib/dpkg/status", p->line, p->name, p->version,
					   "build tool '%s' is installed; remove it unless the image's workload needs it",
					   p->name);
	}
	dpkg_free(&db);
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
		.refs = CG_REFS("Lynis PKGS-7392", "CIS 1.9"),
		.remediation = NULL,
		.description = "Installed versions (dpkg status) against the security suite's package lists in "
			       "/var/lib/apt/lists, compared in Debian version order; no network, no apt run. Skips "
			       "when the image holds no lists of that suite.",
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
