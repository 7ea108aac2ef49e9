/* SPDX-License-Identifier: Apache-2.0 */
/* Config loading: Jansson parses, one table of keys validates, errors carry file:line:column. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include "registry.h"
#include "safefs.h"

#define CONFIG_MAX_BYTES (1 << 20)

enum ktype { K_OBJECT, K_MAP, K_STRING, K_BOOL, K_UINT, K_STRLIST, K_SIZE, K_SEVERITY, K_DURATION, K_CHECKID };

/* Every key capgate knows. A '*' segment is any key of a K_MAP. Later issues add their rows. */
static const struct key {
	const char *path;
	enum ktype type;
} schema[] = {
	{"profile", K_STRING},
	{"fail_on", K_SEVERITY},
	{"scan", K_OBJECT},
	{"scan.exclude", K_STRLIST},
	{"scan.max_file_size", K_SIZE},
	{"scan.one_file_system", K_BOOL},
	{"scan.max_findings", K_UINT},
	{"scan.workers", K_UINT},
	{"checks", K_MAP},
	{"checks.*", K_CHECKID},
	{"checks.*.enabled", K_BOOL},
	{"checks.*.severity", K_SEVERITY},
	{"checks.*.paths", K_STRLIST},
	{"checks.*.exclude", K_STRLIST},
	{"profiles", K_MAP},
	{"profiles.*", K_OBJECT},
	{"profiles.*.only", K_STRLIST},
	{"profiles.*.skip", K_STRLIST},
	{"profiles.*.fail_on", K_SEVERITY},
	{"ssh", K_OBJECT},
	{"ssh.permit_root_login", K_STRLIST},   /* values ssh.permit-root-login accepts; default ["no"] */
	{"ssh.use_sshd_t", K_BOOL},             /* live: cross-check with `sshd -T` (default true) */
	{"accounts", K_OBJECT},
	{"accounts.allowed_users", K_STRLIST},  /* regular accounts acct.leftover-users lets stay */
	/* system hardening families (checks/svc.c ... checks/os.c) */
	{"hardening", K_OBJECT},
	{"hardening.allow_services", K_STRLIST},   /* unit name globs svc.unneeded-daemons accepts */
	{"hardening.allow_listen", K_STRLIST},     /* "port/proto" globs svc.listening-sockets accepts */
	{"hardening.allow_packages", K_STRLIST},   /* package names exempt from package checks */
	{"hardening.allow_ip_forwarding", K_BOOL}, /* routers, container hosts */
	{"hardening.disable_modules", K_STRLIST},  /* more modules for kernel.unused-modules (never udf/vfat) */
	{"base_image", K_OBJECT},
	{"base_image.query", K_STRING},            /* auto (Azure VMs only) | always | never */
	{"base_image.imds_url", K_STRING},         /* default http://169.254.169.254 */
	{"base_image.timeout", K_DURATION},
	{"base_image.allow", K_STRLIST},           /* globs over publisher:offer:sku:version or gallery ids */
	{"base_image.max_age_days", K_UINT},
	{"remediate", K_OBJECT},
	{"remediate.enabled", K_BOOL},        /* capgate run and the daemon fix without --remediate */
	{"remediate.build_users", K_STRLIST}, /* default: packer, vagrant */
	{"remediate.allow", K_STRLIST},       /* check ids (globs) whose guarded fix may run */
	{"remediate.skip", K_STRLIST},        /* check ids (globs) never fixed */
	{"remediate.exclude", K_STRLIST},     /* image paths (globs) never touched */
	/* capgate daemon (agent/daemon.c) */
	{"daemon", K_OBJECT},
	{"daemon.listen", K_STRING},
	{"daemon.runtime_dir", K_STRING},
	{"daemon.run_at_start", K_BOOL},
	{"daemon.remediate", K_BOOL},
	{"daemon.max_connections", K_UINT},
	{"daemon.timeout", K_DURATION},
	{"daemon.stop_timeout", K_DURATION},
	{"daemon.max_per_client", K_UINT},     /* connections one client may hold */
	{"daemon.run_timeout", K_DURATION},    /* a run still going after this is stopped */
	/* the signed report POST (agent/callback.c) */
	{"callback", K_OBJECT},
	{"callback.url", K_STRING},
	{"callback.secret_file", K_STRING},
	{"callback.ca_file", K_STRING},
	{"callback.attempts", K_UINT},
	{"callback.backoff", K_DURATION},
	{"callback.timeout", K_DURATION},
	{"callback.unsigned", K_BOOL},         /* allow a callback without a secret (off: refused) */
};

/* ---- key positions: Jansson keeps none, so a light scan of the (already valid) text finds
 * where each object key starts. ---- */

struct keypos {
	char *path; /* segments joined by '\x1f' */
	int line, col;
};

struct posmap {
	struct keypos *v;
	size_t n;
};

static void posmap_free(struct posmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
}

static void posmap_build(struct posmap *m, const char *s, size_t len)
{
	struct strbuf path = {0};
	size_t stack[256]; /* path length at each open container */
	bool is_obj[256];
	int depth = 0, line = 1, col = 1;
	bool expect_key = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			line++, col = 1;
			continue;
		}
		if (c == '"') {
			int kline = line, kcol = col;
			struct strbuf str = {0};
			for (i++, col++; i < len && s[i] != '"'; i++, col++) {
				if (s[i] == '\\' && i + 1 < len) {
					strbuf_append(&str, &s[i + 1], 1);
					i++, col++;
				} else
					strbuf_append(&str, &s[i], 1);
			}
			col++;
			if (expect_key && depth > 0 && depth <= 256) {
				strbuf_truncate(&path, stack[depth - 1]);
				if (path.len)
					strbuf_append(&path, "\x1f", 1);
				strbuf_puts(&path, str.buf ? str.buf : "");
				m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
				m->v[m->n++] = (struct keypos){xstrdup(path.buf), kline, kcol};
				expect_key = false;
			}
			strbuf_free(&str);
			continue;
		}
		col++;
		switch (c) {
		case '{':
		case '[':
			if (depth < 256) {
				stack[depth] = path.len;
				is_obj[depth] = c == '{';
			}
			depth++;
			expect_key = c == '{';
			break;
		case '}':
		case ']':
			if (depth > 0 && --depth < 256)
				strbuf_truncate(&path, stack[depth]);
			expect_key = false;
			break;
		case ',':
			expect_key = depth > 0 && depth <= 256 && is_obj[depth - 1];
			break;
		default:
			break;
		}
	}
	strbuf_free(&path);
}

static void posmap_find(const struct posmap *m, const char *path, int *line, int *col)
{
	*line = 1, *col = 1;
	for (size_t i = m->n; i-- > 0;)
		if (streq(m->v[i].path, path)) {
			*line = m->v[i].line, *col = m->v[i].col;
			return;
		}
}

/* ---- validation ---- */

struct vctx {
	const char *file;
	const struct posmap *pos;
	char **err;
};

static int verr(struct vctx *v, const char *keypath, const char *fmt, ...) _printf_(3, 4);
static int verr(struct vctx *v, const char *keypath, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *msg = NULL;
	int line, col;

	posmap_find(v->pos, keypath, &line, &col);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	*v->err = xasprintf("%s:%d:%d: %s", v->file, line, col, msg);
	return -EINVAL;
}

/* Match a dotted schema path against a '\x1f'-joined key path. */
static bool schema_match(const char *pattern, const char *keypath)
{
	while (*pattern && *keypath) {
		const char *pe = strchr(pattern, '.');
		const char *ke = strchr(keypath, '\x1f');
		size_t pl = pe ? (size_t)(pe - pattern) : strlen(pattern);
		size_t kl = ke ? (size_t)(ke - keypath) : strlen(keypath);
		if (!(pl == 1 && pattern[0] == '*') && (pl != kl || memcmp(pattern, keypath, pl) != 0))
			return false;
		pattern += pl + (pe ? 1 : 0);
		keypath += kl + (ke ? 1 : 0);
		if (!pe != !ke)
			return false;
	}
	return !*pattern && !*keypath;
}

static const struct key *schema_find(const char *keypath)
{
	for (size_t i = 0; i < ELEMENTSOF(schema); i++)
		if (schema_match(schema[i].path, keypath))
			return &schema[i];
	return NULL;
}

static char *display_path(const char *keypath)
{
	char *d = xstrdup(keypath);
	for (char *p = d; *p; p++)
		if (*p == '\x1f')
			*p = '.';
	return d;
}

struct glob_hit {
	const char *glob;
	bool hit;
};

static void glob_probe(const struct cg_check *c, void *ud)
{
	struct glob_hit *g = ud;
	if (fnmatch(g->glob, c->id, 0) == 0)
		g->hit = true;
}

static int validate_value(struct vctx *v, const char *keypath, const char *key, enum ktype type, json_t *val);

static int validate_object(struct vctx *v, const char *prefix, json_t *obj)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		_cleanup_free_ char *kp = prefix[0] ? xasprintf("%s\x1f%s", prefix, key) : xstrdup(key);
		const struct key *k = schema_find(kp);
		if (!k) {
			_cleanup_free_ char *d = display_path(kp);
			return verr(v, kp, "unknown key '%s'", d);
		}
		int r = validate_value(v, kp, key, k->type, val);
		if (r < 0)
			return r;
	}
	return 0;
}

static int validate_value(struct vctx *v, const char *keypath, const char *key, enum ktype type, json_t *val)
{
	_cleanup_free_ char *d = display_path(keypath);
	enum cg_severity sev;
	unsigned long long n;
	size_t i;
	json_t *item;

	switch (type) {
	case K_CHECKID: {
		struct glob_hit g = {.glob = key};
		registry_foreach(glob_probe, &g);
		if (!g.hit)
			return verr(v, keypath, "'%s' names no check (see 'capgate checks')", key);
	}
		__attribute__((fallthrough)); /* a check id holds an object */
	case K_OBJECT:
	case K_MAP:
		if (!json_is_object(val))
			return verr(v, keypath, "'%s' must be an object", d);
		return validate_object(v, keypath, val);
	case K_STRING:
		if (!json_is_string(val))
			return verr(v, keypath, "'%s' must be a string", d);
		return 0;
	case K_BOOL:
		if (!json_is_boolean(val))
			return verr(v, keypath, "'%s' must be true or false", d);
		return 0;
	case K_UINT:
		if (!json_is_integer(val) || json_integer_value(val) < 0)
			return verr(v, keypath, "'%s' must be a non-negative integer", d);
		return 0;
	case K_STRLIST:
		if (!json_is_array(val))
			return verr(v, keypath, "'%s' must be a list of strings", d);
		json_array_foreach(val, i, item)
			if (!json_is_string(item))
				return verr(v, keypath, "'%s' must be a list of strings", d);
		return 0;
	case K_SIZE:
		if (json_is_integer(val) && json_integer_value(val) >= 0)
			return 0;
		if (!json_is_string(val) || util_parse_size(json_string_value(val), &n) < 0)
			return verr(v, keypath, "'%s' must be a size such as 4096, \"64M\" or \"2G\"", d);
		return 0;
	case K_DURATION:
		if (json_is_integer(val) && json_integer_value(val) >= 0)
			return 0;
		if (!json_is_string(val) || util_parse_duration_ms(json_string_value(val), &n) < 0)
			return verr(v, keypath, "'%s' must be a duration such as \"30s\" or \"5m\"", d);
		return 0;
	case K_SEVERITY:
		if (!json_is_string(val) || severity_from_string(json_string_value(val), &sev) < 0)
			return verr(v, keypath, "'%s' must be one of info, low, medium, high, critical", d);
		return 0;
	}
	return 0;
}

void config_init(struct cg_config *cfg)
{
	*cfg = (struct cg_config){
		.root = json_object(),
		.fail_on = CG_SEV_MEDIUM,
		.max_file_size = 64ULL << 20,
		.max_findings = 1000,
	};
}

void config_free(struct cg_config *cfg)
{
	json_decref(cfg->root);
	strv_free(&cfg->files);
	free(cfg->profile);
	strv_free(&cfg->scan_exclude);
	for (size_t i = 0; i < cfg->nchecks; i++) {
		free(cfg->checks[i].id);
		strv_free(&cfg->checks[i].paths);
		strv_free(&cfg->checks[i].exclude);
	}
	free(cfg->checks);
	*cfg = (struct cg_config){0};
}

/* Merge SRC into DST: objects recursively, everything else replaced. */
static void merge(json_t *dst, json_t *src)
{
	const char *key;
	json_t *val;

	json_object_foreach(src, key, val) {
		json_t *old = json_object_get(dst, key);
		if (json_is_object(old) && json_is_object(val))
			merge(old, val);
		else
			json_object_set(dst, key, val);
	}
}

int config_load_text(struct cg_config *cfg, const char *name, const char *text, size_t len, char **err)
{
	json_error_t jerr;
	json_t *doc;
	struct posmap pos = {0};
	struct vctx v = {.file = name, .pos = &pos, .err = err};
	int r;

	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		/* Jansson says column 0 (or line -1) at the very start; positions here are 1-based */
		*err = xasprintf("%s:%d:%d: %s", name, jerr.line < 1 ? 1 : jerr.line,
				 jerr.column < 1 ? 1 : jerr.column, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		*err = xasprintf("%s:1:1: the configuration must be a JSON object", name);
		return -EINVAL;
	}
	posmap_build(&pos, text, len);
	r = validate_object(&v, "", doc);
	posmap_free(&pos);
	if (r == 0) {
		merge(cfg->root, doc);
		strv_push(&cfg->files, name);
	}
	json_decref(doc);
	return r;
}

int config_load_file(struct cg_config *cfg, const char *path, char **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r, fd;

	/* the config is the host's, not the image's: a plain open is right here */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		*err = xasprintf("%s: %s", path, strerror(-r));
		return r;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*err = xasprintf("%s: not a regular file", path);
		return -EINVAL;
	}
	r = safefs_read_fd(fd, CONFIG_MAX_BYTES, &buf, &len);
	close(fd);
	if (r < 0) {
		*err = xasprintf("%s: %s", path, r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
		return r;
	}
	return config_load_text(cfg, path, buf, len, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int config_load_dir(struct cg_config *cfg, const char *dir, char **err)
{
	_cleanup_free_ char *main_file = xasprintf("%s/capgate.json", dir);
	_cleanup_free_ char *confd = xasprintf("%s/conf.d", dir);
	struct strv names = {0};
	struct dirent *de;
	DIR *d;
	int r;

	if (access(main_file, F_OK) == 0) {
		r = config_load_file(cfg, main_file, err);
		if (r < 0)
			return r;
	}
	d = opendir(confd);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && endswith(de->d_name, ".json"))
			strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	r = 0;
	for (size_t i = 0; i < names.n && r == 0; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", confd, names.v[i]);
		r = config_load_file(cfg, p, err);
	}
	strv_free(&names);
	return r;
}

static void strlist_to_strv(json_t *arr, struct strv *out)
{
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
		strv_push(out, json_string_value(item));
}

json_t *config_get(const struct cg_config *cfg, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	json_t *cur = cfg->root;
	char *save = NULL;

	for (char *tok = strtok_r(copy, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		cur = json_is_object(cur) ? json_object_get(cur, tok) : NULL;
	return cur;
}

unsigned long long config_duration_ms(const struct cg_config *cfg, const char *path, unsigned long long dflt)
{
	json_t *v = config_get(cfg, path);
	unsigned long long ms;

	if (json_is_integer(v))
		return (unsigned long long)json_integer_value(v) * 1000ULL;
	if (json_is_string(v) && util_parse_duration_ms(json_string_value(v), &ms) == 0)
		return ms;
	return dflt;
}

static unsigned long long size_value(json_t *v)
{
	unsigned long long n = 0;
	if (json_is_integer(v))
		return (unsigned long long)json_integer_value(v);
	util_parse_size(json_string_value(v), &n);
	return n;
}

int config_settle(struct cg_config *cfg, char **err)
{
	json_t *v, *checks;
	const char *key;

	if ((v = config_get(cfg, "profile"))) {
		free(cfg->profile);
		cfg->profile = xstrdup(json_string_value(v));
	}
	if ((v = config_get(cfg, "fail_on")))
		severity_from_string(json_string_value(v), &cfg->fail_on);
	if ((v = config_get(cfg, "scan.exclude")))
		strlist_to_strv(v, &cfg->scan_exclude);
	if ((v = config_get(cfg, "scan.max_file_size")))
		cfg->max_file_size = size_value(v);
	if ((v = config_get(cfg, "scan.one_file_system")))
		cfg->one_file_system = json_is_true(v);
	if ((v = config_get(cfg, "scan.max_findings")))
		cfg->max_findings = (unsigned long long)json_integer_value(v);
	if ((v = config_get(cfg, "scan.workers")))
		cfg->workers = (unsigned)json_integer_value(v);
	checks = config_get(cfg, "checks");
	json_object_foreach(checks, key, v) {
		struct cg_check_config cc = {.id = xstrdup(key), .enabled = -1, .severity = -1};
		json_t *x;
		enum cg_severity sev;
		if ((x = json_object_get(v, "enabled")))
			cc.enabled = json_is_true(x);
		if ((x = json_object_get(v, "severity")) && severity_from_string(json_string_value(x), &sev) == 0)
			cc.severity = (int)sev;
		if ((x = json_object_get(v, "paths")))
			strlist_to_strv(x, &cc.paths);
		if ((x = json_object_get(v, "exclude")))
			strlist_to_strv(x, &cc.exclude);
		cfg->checks = xreallocarray(cfg->checks, cfg->nchecks + 1, sizeof *cfg->checks);
		cfg->checks[cfg->nchecks++] = cc;
	}
	(void)err;
	return 0;
}

const struct cg_check_config *config_for_check(const struct cg_config *cfg, const char *id)
{
	const struct cg_check_config *glob = NULL;

	for (size_t i = 0; i < cfg->nchecks; i++) {
		if (streq(cfg->checks[i].id, id))
			return &cfg->checks[i];
		if (!glob && fnmatch(cfg->checks[i].id, id, 0) == 0)
			glob = &cfg->checks[i];
	}
	return glob;
}

void config_foreach_key(void (*fn)(const char *path, const char *type, void *ud), void *ud)
{
	static const char *const names[] = {
		[K_OBJECT] = "object", [K_MAP] = "object of named entries", [K_STRING] = "string",
		[K_BOOL] = "boolean", [K_UINT] = "unsigned integer", [K_STRLIST] = "list of strings",
		[K_SIZE] = "size (\"64M\", \"2G\" or bytes)", [K_SEVERITY] = "severity",
		[K_DURATION] = "duration (\"30s\", \"5m\", \"500ms\")", [K_CHECKID] = "object keyed by check id or glob",
	};
	for (size_t i = 0; i < ELEMENTSOF(schema); i++)
		fn(schema[i].path, names[schema[i].type], ud);
}
