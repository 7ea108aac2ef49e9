/* Shared steps of the system hardening families: one place that words sysctl findings, loads
 * dpkg and unit state, and reads the "hardening" config section. */
#include "hsys.h"

#include <fnmatch.h>

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

int hsys_dpkg_load(struct cg_ctx *ctx, struct cg_result *r, struct dpkg_db *db)
{
	int e = dpkg_load(&ctx->fs, db);
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

char *hsys_systemd_setting(struct cg_ctx *ctx, struct cg_result *r, const char *main, const char *const *dirs,
			   size_t ndirs, const char *key, char **where, unsigned *line)
{
	_cleanup_free_ char *prefix = xasprintf("%s=", key);
	struct dropins d = {0};
	struct strv files = {0};
	char *value = NULL;
	int e;

	*where = xstrdup(main);
	*line = 0;
	strv_push(&files, main);
	_cleanup_free_ char *failed = NULL;
	e = imgfile_dropins(&ctx->fs, dirs, ndirs, ".conf", &d, &failed);
	if (e < 0)
		result_add_error(r, failed, e, "cannot list the drop-ins");
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].masked)
			strv_push(&files, d.v[i].path);
	imgfile_dropins_free(&d);
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
