/* SPDX-License-Identifier: Apache-2.0 */
/* Shared steps of the system hardening families: one place that words sysctl findings, loads
 * dpkg and unit state, and reads the "hardening" config section. */
#include "hsys.h"

#include "rpmdb.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <openssl/evp.h>
#include <rpm/rpmpgp.h>

static bool value_ok(const struct sysctl_rule *rule, const char *v)
{
	char *end;
	long n;

	if (!v)
		return false;
	n = strtol(v, &end, 10);
	if (end == v || *end)
		return false;
	return rule->want == WANT_EQ ? n == rule->value : n >= rule->value;
}

static const char *want_word(const struct sysctl_rule *rule)
{
	return rule->want == WANT_EQ ? "" : "at least ";
}

void hsys_sysctl_judge(struct cg_ctx *ctx, struct cg_result *r, const struct sysctl_conf *conf,
		       const struct sysctl_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sysctl_rule *rule = &rules[i];
		const struct sysctl_entry *e = sysctl_lookup(conf, rule->key);
		char dflt[24];

		snprintf(dflt, sizeof dflt, "%ld", rule->kernel_default);
		if (e && !value_ok(rule, e->value))
			result_add_finding(r, e->path, e->line, rule->key, e->value,
					   "'%s' is set to '%s'%s; the safe value is %s%ld (write it in a later sysctl.d file "
					   "or change this line)", rule->key, e->value, e->glob ? " by a glob" : "",
					   want_word(rule), rule->value);
		else if (!e && !value_ok(rule, dflt))
			result_add_finding(r, "/etc/sysctl.d", 0, rule->key, dflt,
					   "'%s' is not set, so the kernel default %ld applies; the safe value is %s%ld "
					   "(add it to /etc/sysctl.d/60-capgate.conf)", rule->key, rule->kernel_default,
					   want_word(rule), rule->value);
		if (ctx->mode != CG_MODE_LIVE)
			continue;
		/* live: the running kernel may differ from what boot would set */
		_cleanup_free_ char *live = NULL, *procpath = NULL;
		int e2 = sysctl_runtime(rule->key, &live);
		if (e2 == -ENOENT)
			continue; /* the running kernel has no such key (module not loaded, no IPv6) */
		procpath = xasprintf("/proc/sys/%s", rule->key);
		for (char *p = procpath + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (e2 < 0)
			result_add_error(r, procpath, e2, "cannot read the running value");
		else if (!value_ok(rule, live))
			result_add_finding(r, procpath, 0, "runtime", live,
					   "the running kernel has '%s' = '%s'; the safe value is %s%ld (sysctl -w, "
					   "and persist it in /etc/sysctl.d)", rule->key, live, want_word(rule), rule->value);
	}
}

int hsys_sysctl_load(struct cg_ctx *ctx, struct cg_result *r, struct sysctl_conf *conf)
{
	_cleanup_free_ char *where = NULL;
	int e = sysctl_load(&ctx->fs, conf, &where);
	if (e < 0)
		result_add_error(r, where, e, "cannot read the sysctl configuration");
	return e;
}

int hsys_sysctl_check(struct cg_ctx *ctx, struct cg_result *r, const struct sysctl_rule *rules, size_t n)
{
	struct sysctl_conf conf;

	if (hsys_sysctl_load(ctx, r, &conf) < 0)
		return 0;
	hsys_sysctl_judge(ctx, r, &conf, rules, n);
	sysctl_free(&conf);
	return 0;
}

#define DISTRO_MEMO "hsys.distro"
#define PKGS_MEMO "hsys.pkgs"

static void distro_free(void *p)
{
	struct hsys_distro *d = p;
	osrelease_free(&d->os);
	free(d);
}

const struct hsys_distro *hsys_distro(struct cg_ctx *ctx)
{
	struct hsys_distro *d = ctx_memo_get(ctx, DISTRO_MEMO);

	if (!d) {
		d = xcalloc(1, sizeof *d);
		d->err = osrelease_load(&ctx->fs, &d->os);
		d->family = d->err < 0 ? DF_UNKNOWN : osrelease_family(&d->os);
		ctx_memo_put(ctx, DISTRO_MEMO, d, distro_free);
	}
	return d;
}

bool hsys_family_applies(struct cg_ctx *ctx, struct cg_result *r, unsigned families, const char *why)
{
	const struct hsys_distro *d = hsys_distro(ctx);

	if (d->family == DF_UNKNOWN || (families & d->family))
		return true;
	result_skip(r, "does not apply to this family (%s '%s': %s)", osrelease_family_name(d->family),
		    d->os.id ? d->os.id : "?", why);
	return false;
}

/* Both databases, loaded on first use; the load's outcome is reported to every check. */
struct pkgs_memo {
	struct dpkg_db dpkg;
	struct rpmdb rpm;
	int kind; /* 1 dpkg, 2 rpm, 0 none */
	int err;
	char *err_path;
};

static void pkgs_memo_free(void *p)
{
	struct pkgs_memo *m = p;
	if (m->kind == 1)
		dpkg_free(&m->dpkg);
	rpmdb_free(&m->rpm);
	free(m->err_path);
	free(m);
}

static struct pkgs_memo *pkgs_memo(struct cg_ctx *ctx)
{
	struct pkgs_memo *m = ctx_memo_get(ctx, PKGS_MEMO);
	enum distro_family f;

	if (m)
		return m;
	m = xcalloc(1, sizeof *m);
	f = hsys_distro(ctx)->family;
	m->err = -ENOENT;
	/* the family says which database to trust; an unknown one: whichever is there */
	if (!(f & DF_RPM)) {
		m->err = dpkg_load(&ctx->fs, &m->dpkg);
		if (m->err == 0)
			m->kind = 1;
		else if (m->err != -ENOENT)
			m->err_path = xstrdup("/var/lib/dpkg/status");
	}
	if (!m->kind && m->err == -ENOENT && !(f & DF_DEBIAN)) {
		m->err = rpmdb_load(&ctx->fs, &m->rpm);
		if (m->err == 0)
			m->kind = 2;
		else if (m->rpm.path)
			m->err_path = xstrdup(m->rpm.path);
	}
	ctx_memo_put(ctx, PKGS_MEMO, m, pkgs_memo_free);
	return m;
}

int hsys_pkgs_load(struct cg_ctx *ctx, struct cg_result *r, struct hsys_pkgs *p)
{
	struct pkgs_memo *m = pkgs_memo(ctx);

	*p = (struct hsys_pkgs){0};
	if (m->kind == 1)
		*p = (struct hsys_pkgs){.dpkg = &m->dpkg, .path = "/var/lib/dpkg/status"};
	else if (m->kind == 2)
		*p = (struct hsys_pkgs){.rpm = &m->rpm, .path = m->rpm.path};
	else if (m->err == -ENOENT)
		result_skip(r, "the image holds no data for it: no package database (/var/lib/dpkg/status, "
			       "/var/lib/rpm, /usr/lib/sysimage/rpm)");
	else if (m->rpm.error) /* a damaged file: where and why */
		result_add_error(r, m->err_path, m->err, "cannot read the package database (%s)", m->rpm.error);
	else
		result_add_error(r, m->err_path, m->err, "cannot read the package database");
	return m->kind ? 0 : m->err;
}

bool hsys_pkg_find(const struct hsys_pkgs *p, const char *const *names, struct hsys_pkg *out)
{
	for (; *names; names++) {
		if (p->dpkg) {
			const struct dpkg_pkg *d = dpkg_installed(p->dpkg, *names);
			if (d) {
				*out = (struct hsys_pkg){.name = d->name, .version = d->version, .line = d->line};
				return true;
			}
		} else if (p->rpm) {
			const struct rpm_pkg *k = rpmdb_installed(p->rpm, *names);
			if (k) {
				*out = (struct hsys_pkg){.name = k->name, .version = k->evr};
				return true;
			}
		}
	}
	return false;
}

bool hsys_pkg_has(const struct hsys_pkgs *p, const char *name)
{
	const char *const names[] = {name, NULL};
	struct hsys_pkg out;
	return hsys_pkg_find(p, names, &out);
}

int hsys_dpkg_load(struct cg_ctx *ctx, struct cg_result *r, struct dpkg_db *db)
{
	int e;

	if (!hsys_family_applies(ctx, r, DF_DEBIAN, "it reads dpkg's status database"))
		return -ENOENT;
	e = dpkg_load(&ctx->fs, db);
	if (e == -ENOENT)
		result_skip(r, "no /var/lib/dpkg/status: not a dpkg-based image");
	else if (e < 0)
		result_add_error(r, "/var/lib/dpkg/status", e, "cannot read");
	return e;
}

int hsys_units_load(struct cg_ctx *ctx, struct cg_result *r, struct units *u)
{
	_cleanup_free_ char *where = NULL;
	int e = units_load(&ctx->fs, u, &where);
	if (e < 0)
		result_add_error(r, where ? where : "/etc/systemd/system", e, "cannot read the unit directories");
	return e;
}

bool hsys_unit_active_live(struct cg_ctx *ctx, const char *name)
{
	_cleanup_free_ char *active = NULL;

	if (ctx->mode != CG_MODE_LIVE)
		return false;
	if (units_live_active(name, &active) < 0 || !active)
		return false;
	return streq(active, "active") || streq(active, "activating") || streq(active, "reloading");
}

bool hsys_unit_starts(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *name,
		      struct unit_info *info)
{
	_cleanup_free_ char *where = NULL;
	int e = units_query(&ctx->fs, u, name, info, &where);

	if (e < 0)
		result_add_error(r, where ? where : name, e, "cannot judge unit '%s'", name);
	else if (units_starts_at_boot(info))
		return true;
	unit_info_free(info);
	return false;
}

bool hsys_unit_enabled(struct cg_ctx *ctx, struct cg_result *r, const struct units *u, const char *name)
{
	struct unit_info info;

	if (!hsys_unit_starts(ctx, r, u, name, &info))
		return false;
	unit_info_free(&info);
	return true;
}

static json_t *hcfg(const struct cg_ctx *ctx, const char *key)
{
	_cleanup_free_ char *path = xasprintf("hardening.%s", key);
	return ctx->cfg ? config_get(ctx->cfg, path) : NULL;
}

bool hsys_cfg_list_match(const struct cg_ctx *ctx, const char *key, const char *value)
{
	json_t *arr = hcfg(ctx, key), *it;
	size_t i;

	json_array_foreach(arr, i, it)
		if (json_is_string(it) && fnmatch(json_string_value(it), value, 0) == 0)
			return true;
	return false;
}

bool hsys_cfg_bool(const struct cg_ctx *ctx, const char *key, bool dflt)
{
	json_t *v = hcfg(ctx, key);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

unsigned long long hsys_cfg_uint(const struct cg_ctx *ctx, const char *key, unsigned long long dflt)
{
	json_t *v = hcfg(ctx, key);
	return json_is_integer(v) ? (unsigned long long)json_integer_value(v) : dflt;
}

#include "imgfile.h"

#include <sys/mman.h>

void hsys_list_dir(struct cg_ctx *ctx, struct cg_result *r, const char *dir, struct strv *names)
{
	int e = imgfile_list_dir(&ctx->fs, dir, names);
	if (e < 0)
		result_add_error(r, dir, e, "cannot list");
}

void hsys_conf_files(struct cg_ctx *ctx, struct cg_result *r, const char *main, const char *dir, const char *suffix,
		     struct strv *out)
{
	int e = imgfile_conf_files(&ctx->fs, main, dir, suffix, out);
	if (e < 0)
		result_add_error(r, dir, e, "cannot list");
}

int hsys_read(struct cg_ctx *ctx, struct cg_result *r, const char *path, char **buf)
{
	size_t len;
	int e = imgfile_read(&ctx->fs, path, 4 << 20, buf, &len);
	if (e < 0 && e != -ENOENT && e != -ENOTDIR)
		result_add_error(r, path, e, "cannot read");
	return e;
}

void hsys_dropin_paths(struct cg_ctx *ctx, struct cg_result *r, const char *const *dirs, size_t ndirs,
		       const char *suffix, struct strv *out)
{
	struct dropins d = {0};
	_cleanup_free_ char *failed = NULL;
	int e = imgfile_dropins(&ctx->fs, dirs, ndirs, suffix, &d, &failed);

	if (e < 0)
		result_add_error(r, failed, e, "cannot list the drop-ins");
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].masked)
			strv_push(out, d.v[i].path);
	imgfile_dropins_free(&d);
}

char *hsys_systemd_setting(struct cg_ctx *ctx, struct cg_result *r, const char *main, const char *const *dirs,
			   size_t ndirs, const char *key, char **where, unsigned *line)
{
	_cleanup_free_ char *prefix = xasprintf("%s=", key);
	struct strv files = {0};
	char *value = NULL;

	*where = xstrdup(main);
	*line = 0;
	strv_push(&files, main);
	hsys_dropin_paths(ctx, r, dirs, ndirs, ".conf", &files);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned n = 0;
		char *cur, *l;
		if (hsys_read(ctx, r, files.v[i], &buf) < 0)
			continue;
		cur = buf;
		while ((l = imgfile_next_line(&cur))) {
			n++;
			l = imgfile_strip(l);
			if (!startswith(l, prefix))
				continue;
			free(value), free(*where);
			value = xstrdup(imgfile_strip(l + strlen(prefix)));
			*where = xstrdup(files.v[i]);
			*line = n;
		}
	}
	strv_free(&files);
	return value;
}

#define LISTS_DIR "/var/lib/apt/lists"

int hsys_lists_foreach(struct cg_ctx *ctx, struct cg_result *r, const char *filter,
		       void (*fn)(const char *path, const char *text, size_t len, void *ud), void *ud)
{
	struct strv names = {0};
	int n = 0, e;

	e = imgfile_list_dir(&ctx->fs, LISTS_DIR, &names);
	if (e < 0) {
		result_add_error(r, LISTS_DIR, e, "cannot list");
		return e;
	}
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = NULL;
		_cleanup_close_ int fd = -1;
		struct stat st;
		void *map;
		/* compressed indexes (Acquire::GzipIndexes) are not read: Debian stores them plain */
		if (!endswith(names.v[i], "_Packages") || (filter && !strstr(names.v[i], filter)))
			continue;
		p = xasprintf("%s/%s", LISTS_DIR, names.v[i]);
		fd = safefs_open_regular(&ctx->fs, p, &st);
		if (fd < 0) {
			result_add_error(r, p, fd, "cannot read");
			continue;
		}
		if (st.st_size == 0)
			continue;
		/* mapped, not copied: Debian main's index is 50 MB */
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			result_add_error(r, p, -errno, "cannot map");
			continue;
		}
		fn(p, map, (size_t)st.st_size, ud);
		munmap(map, (size_t)st.st_size);
		n++;
	}
	strv_free(&names);
	return n;
}

/* The digest of the image file PATH with MD, lowercase hex; -errno. */
static int file_digest(struct cg_ctx *ctx, const char *path, const EVP_MD *md, char **hex)
{
	struct stat st;
	_cleanup_close_ int fd = safefs_open_regular(&ctx->fs, path, &st);
	unsigned char buf[65536], out[EVP_MAX_MD_SIZE];
	unsigned olen = 0;
	EVP_MD_CTX *c;
	ssize_t n;
	int e = 0;

	if (fd < 0)
		return fd;
	if (!(c = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c, md, NULL)) {
		EVP_MD_CTX_free(c);
		return -ENOMEM;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	if (n < 0)
		e = -errno;
	else
		EVP_DigestFinal_ex(c, out, &olen);
	EVP_MD_CTX_free(c);
	if (e < 0)
		return e;
	*hex = xmalloc(olen * 2 + 1);
	for (unsigned i = 0; i < olen; i++)
		snprintf(*hex + 2 * i, 3, "%02x", out[i]);
	return 0;
}

static const EVP_MD *rpm_md(int algo)
{
	switch (algo) {
	case PGPHASHALGO_MD5: return EVP_md5();
	case PGPHASHALGO_SHA1: return EVP_sha1();
	case PGPHASHALGO_SHA224: return EVP_sha224();
	case PGPHASHALGO_SHA256: return EVP_sha256();
	case PGPHASHALGO_SHA384: return EVP_sha384();
	case PGPHASHALGO_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

/* dpkg: the md5sums line naming PATH ("<md5>  etc/x"), in any package's list. */
static bool dpkg_pristine(struct cg_ctx *ctx, const char *path, char **owner)
{
	struct strv names = {0};
	_cleanup_free_ char *have = NULL;
	bool ok = false;

	if (imgfile_list_dir(&ctx->fs, "/var/lib/dpkg/info", &names) < 0)
		return false;
	for (size_t i = 0; i < names.n && !ok; i++) {
		_cleanup_free_ char *p = NULL, *buf = NULL;
		size_t len;
		char *cur, *l;
		if (!endswith(names.v[i], ".md5sums"))
			continue;
		p = xasprintf("/var/lib/dpkg/info/%s", names.v[i]);
		if (imgfile_read(&ctx->fs, p, 16 << 20, &buf, &len) < 0)
			continue;
		cur = buf;
		while (!ok && (l = imgfile_next_line(&cur))) {
			if (strlen(l) < 35 || l[32] != ' ' || !streq(imgfile_strip(l + 33), path + 1))
				continue;
			if (!have && file_digest(ctx, path, EVP_md5(), &have) < 0)
				break;
			if (strncmp(l, have, 32) == 0) {
				ok = true;
				if (owner)
					*owner = xstrndup(names.v[i], strlen(names.v[i]) - 8);
			}
		}
	}
	strv_free(&names);
	return ok;
}

bool hsys_file_pristine(struct cg_ctx *ctx, const char *path, char **owner)
{
	struct pkgs_memo *m = pkgs_memo(ctx);
	const struct rpm_pkg *pkg;
	_cleanup_free_ char *want = NULL, *have = NULL;
	const EVP_MD *md;
	int algo;

	if (owner)
		*owner = NULL;
	if (m->kind == 1)
		return dpkg_pristine(ctx, path, owner);
	if (m->kind != 2 || rpmdb_file_digest(&m->rpm, path, &pkg, &want, &algo) < 0 || !(md = rpm_md(algo)) ||
	    file_digest(ctx, path, md, &have) < 0 || !streq(want, have))
		return false;
	if (owner && pkg)
		*owner = xstrdup(pkg->name);
	return true;
}
