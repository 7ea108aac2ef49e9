/* SPDX-License-Identifier: Apache-2.0 */
/* modprobe.d parser after kmod 30 (libkmod-config.c): lines joined at '\', '#' comments,
 * install commands searched in file order with the first match winning. */
#include "modprobe.h"

#include <fnmatch.h>

#include "imgfile.h"

#define MODPROBE_MAX_FILE (1 << 20)
#define MODULES_MAX_FILE (16 << 20)

static const char *const modprobe_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d", "/usr/lib/modprobe.d",
};

char *modprobe_normalize(const char *name)
{
	char *n = xstrdup(name);
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static void add_rule(struct modprobe_rule **v, size_t *n, const char *mod, const char *cmd, const char *path,
		     unsigned line)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct modprobe_rule){modprobe_normalize(mod), cmd ? xstrdup(cmd) : NULL, xstrdup(path), line};
}

void modprobe_parse(struct modprobe_conf *conf, const char *path, char *text)
{
	char *cur = text, *l;
	unsigned line = 0;
	struct strbuf joined = {0};
	unsigned first = 0;

	while ((l = imgfile_next_line(&cur))) {
		size_t n;
		line++;
		if (!joined.len)
			first = line;
		n = strlen(l);
		if (n && l[n - 1] == '\\') {
			strbuf_append(&joined, l, n - 1);
			strbuf_append(&joined, " ", 1);
			continue;
		}
		strbuf_puts(&joined, l);
		char *s = imgfile_strip(joined.buf), *save = NULL;
		char *cmd = s[0] == '#' ? NULL : strtok_r(s, " \t", &save);
		if (cmd && streq(cmd, "install")) {
			char *mod = strtok_r(NULL, " \t", &save);
			char *rest = save ? imgfile_strip(save) : NULL;
			if (mod && rest && *rest)
				add_rule(&conf->install, &conf->ninstall, mod, rest, path, first);
		} else if (cmd && streq(cmd, "blacklist")) {
			char *mod = strtok_r(NULL, " \t", &save);
			if (mod)
				add_rule(&conf->blacklist, &conf->nblacklist, mod, NULL, path, first);
		}
		strbuf_truncate(&joined, 0);
	}
	strbuf_free(&joined);
}

int modprobe_load(const struct safefs *fs, struct modprobe_conf *conf, char **err_path)
{
	struct dropins d;
	int r;

	*conf = (struct modprobe_conf){0};
	r = imgfile_dropins(fs, modprobe_dirs, ELEMENTSOF(modprobe_dirs), ".conf", &d, err_path);
	if (r < 0)
		return r;
	for (size_t i = 0; i < d.n; i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		if (d.v[i].masked)
			continue;
		r = imgfile_read(fs, d.v[i].path, MODPROBE_MAX_FILE, &buf, &len);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			if (err_path)
				*err_path = xstrdup(d.v[i].path);
			modprobe_free(conf);
			break;
		}
		strv_push(&conf->files, d.v[i].path);
		modprobe_parse(conf, d.v[i].path, buf);
		r = 0;
	}
	imgfile_dropins_free(&d);
	return r < 0 ? r : 0;
}

void modprobe_free(struct modprobe_conf *conf)
{
	for (size_t i = 0; i < conf->ninstall; i++) {
		free(conf->install[i].module);
		free(conf->install[i].command);
		free(conf->install[i].path);
	}
	for (size_t i = 0; i < conf->nblacklist; i++) {
		free(conf->blacklist[i].module);
		free(conf->blacklist[i].path);
	}
	free(conf->install);
	free(conf->blacklist);
	strv_free(&conf->files);
	*conf = (struct modprobe_conf){0};
}

const struct modprobe_rule *modprobe_install(const struct modprobe_conf *conf, const char *module)
{
	_cleanup_free_ char *m = modprobe_normalize(module);
	/* kmod matches install lines with fnmatch and keeps the first, as module-init-tools did */
	for (size_t i = 0; i < conf->ninstall; i++)
		if (fnmatch(conf->install[i].module, m, 0) == 0)
			return &conf->install[i];
	return NULL;
}

const struct modprobe_rule *modprobe_blacklisted(const struct modprobe_conf *conf, const char *module)
{
	_cleanup_free_ char *m = modprobe_normalize(module);
	for (size_t i = 0; i < conf->nblacklist; i++)
		if (streq(conf->blacklist[i].module, m))
			return &conf->blacklist[i];
	return NULL;
}

bool modprobe_command_disables(const char *command)
{
	static const char *const stoppers[] = {"/bin/true", "/bin/false", "/usr/bin/true", "/usr/bin/false",
					       "true", "false", "/sbin/nologin", "/usr/sbin/nologin"};
	size_t n = strcspn(command, " \t;");

	for (size_t i = 0; i < ELEMENTSOF(stoppers); i++)
		if (strlen(stoppers[i]) == n && memcmp(stoppers[i], command, n) == 0)
			return true;
	return false;
}

/* "kernel/fs/cramfs/cramfs.ko.xz: deps" -> "cramfs" */
static void add_module_from_path(struct strv *names, const char *line)
{
	size_t n = strcspn(line, ":");
	const char *end = line + n, *slash, *dot;
	_cleanup_free_ char *base = NULL;

	if (!n)
		return;
	slash = memrchr(line, '/', n);
	base = xstrndup(slash ? slash + 1 : line, (size_t)(end - (slash ? slash + 1 : line)));
	dot = strstr(base, ".ko");
	if (!dot)
		return;
	base[dot - base] = 0;
	_cleanup_free_ char *norm = modprobe_normalize(base);
	strv_push(names, norm);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int modprobe_modules_load(const struct safefs *fs, struct modprobe_modules *m, char **err_path)
{
	struct strv kernels = {0};
	int r;

	*m = (struct modprobe_modules){0};
	r = imgfile_list_dir(fs, "/lib/modules", &kernels);
	if (r < 0) {
		if (err_path)
			*err_path = xstrdup("/lib/modules");
		return r;
	}
	for (size_t i = 0; i < kernels.n; i++) {
		static const char *const lists[] = {"modules.dep", "modules.builtin"};
		bool found = false;
		for (size_t k = 0; k < ELEMENTSOF(lists); k++) {
			_cleanup_free_ char *p = xasprintf("/lib/modules/%s/%s", kernels.v[i], lists[k]);
			_cleanup_free_ char *buf = NULL;
			size_t len;
			char *cur, *l;
			r = imgfile_read(fs, p, MODULES_MAX_FILE, &buf, &len);
			if (r == -ENOENT || r == -ENOTDIR)
				continue;
			if (r < 0) {
				strv_free(&kernels);
				modprobe_modules_free(m);
				if (err_path)
					*err_path = xstrdup(p);
				return r;
			}
			found = true;
			cur = buf;
			while ((l = imgfile_next_line(&cur)))
				add_module_from_path(&m->names, l);
		}
		m->nkernels += found;
	}
	strv_free(&kernels);
	if (m->names.n)
		qsort(m->names.v, m->names.n, sizeof(char *), cmp_str);
	return 0;
}

bool modprobe_modules_has(const struct modprobe_modules *m, const char *module)
{
	_cleanup_free_ char *n = modprobe_normalize(module);
	return m->names.n && bsearch(&n, m->names.v, m->names.n, sizeof(char *), cmp_str);
}

void modprobe_modules_free(struct modprobe_modules *m)
{
	strv_free(&m->names);
	*m = (struct modprobe_modules){0};
}
