/* SPDX-License-Identifier: Apache-2.0 */
/* Repository configuration parser for dnf, yum, tdnf and zypper: INI sections, "key=value" or
 * "key = value", '#' and ';' comments, continuation lines (leading blank) appended as libdnf does. */
#include "rpmrepo.h"

#include "imgfile.h"
#include "util.h"

#include <ctype.h>
#include <strings.h>

static struct rpmrepo_opt *add_opt(struct rpmrepo_section *s, const char *key, const char *value, unsigned line)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->opts[i].key, key)) {
			free(s->opts[i].value);
			s->opts[i].value = xstrdup(value);
			s->opts[i].line = line;
			return &s->opts[i];
		}
	s->opts = xreallocarray(s->opts, s->n + 1, sizeof *s->opts);
	s->opts[s->n] = (struct rpmrepo_opt){.key = xstrdup(key), .value = xstrdup(value), .line = line};
	return &s->opts[s->n++];
}

void rpmrepo_parse(struct rpmrepo_conf *c, const char *path, const char *text, enum rpmrepo_tool tool, bool main)
{
	_cleanup_free_ char *buf = xstrdup(text);
	struct rpmrepo_section *cur_s = NULL;
	struct rpmrepo_opt *last = NULL;
	char *cur = buf, *l;
	unsigned line = 0;

	while ((l = imgfile_next_line(&cur))) {
		bool cont = *l == ' ' || *l == '\t';
		line++;
		l = imgfile_strip(l);
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			char *end = strchr(l, ']');
			last = NULL;
			if (!end) {
				cur_s = NULL;
				continue;
			}
			*end = 0;
			c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
			cur_s = &c->v[c->n++];
			*cur_s = (struct rpmrepo_section){.name = xstrdup(imgfile_strip(l + 1)), .path = xstrdup(path),
							  .line = line, .main = main, .tool = tool};
			continue;
		}
		if (!cur_s)
			continue;
		char *eq = strchr(l, '=');
		if (cont && last && !eq) {
			/* a continuation of a list value (baseurl, gpgkey) */
			char *v = xasprintf("%s %s", last->value, l);
			free(last->value);
			last->value = v;
			continue;
		}
		if (!eq)
			continue;
		*eq = 0;
		char *k = imgfile_strip(l), *v = imgfile_strip(eq + 1);
		for (char *p = k; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!*k)
			continue;
		last = add_opt(cur_s, k, v, line);
	}
}

const struct rpmrepo_opt *rpmrepo_get(const struct rpmrepo_section *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->opts[i].key, key))
			return &s->opts[i];
	return NULL;
}

int rpmrepo_bool(const char *v)
{
	static const char *const yes[] = {"1", "yes", "true", "on"}, *const no[] = {"0", "no", "false", "off"};

	if (!v)
		return -1;
	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

static int load_one(const struct safefs *fs, struct rpmrepo_conf *c, const char *path, enum rpmrepo_tool tool,
		    bool main, char **err_path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int e = imgfile_read(fs, path, 4 << 20, &buf, &len);

	if (e == -ENOENT || e == -ENOTDIR)
		return 0;
	if (e < 0) {
		free(*err_path);
		*err_path = xstrdup(path);
		return e;
	}
	rpmrepo_parse(c, path, buf, tool, main);
	return 0;
}

int rpmrepo_load(const struct safefs *fs, struct rpmrepo_conf *c, char **err_path)
{
	static const struct {
		const char *path;
		enum rpmrepo_tool tool;
	} mains[] = {
		{"/etc/dnf/dnf.conf", RPMREPO_DNF}, {"/etc/yum.conf", RPMREPO_DNF}, {"/etc/tdnf/tdnf.conf", RPMREPO_DNF},
		{"/etc/zypp/zypp.conf", RPMREPO_ZYPP},
	};
	static const struct {
		const char *dir;
		enum rpmrepo_tool tool;
	} dirs[] = {{"/etc/yum.repos.d", RPMREPO_DNF}, {"/etc/zypp/repos.d", RPMREPO_ZYPP}};
	_cleanup_free_ char *dnf_conf = NULL;
	int e = 0;

	*c = (struct rpmrepo_conf){0};
	*err_path = NULL;
	/* RHEL 8 and later make /etc/yum.conf a link to dnf.conf: read the file once */
	if (imgfile_resolve(fs, "/etc/dnf/dnf.conf", &dnf_conf) < 0)
		dnf_conf = NULL;
	for (size_t i = 0; i < ELEMENTSOF(mains) && e == 0; i++) {
		_cleanup_free_ char *res = NULL;
		if (i == 1 && dnf_conf && imgfile_resolve(fs, mains[i].path, &res) == 0 && streq(res, dnf_conf))
			continue;
		e = load_one(fs, c, mains[i].path, mains[i].tool, true, err_path);
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs) && e == 0; i++) {
		struct strv names = {0};
		e = imgfile_list_dir(fs, dirs[i].dir, &names);
		if (e < 0) {
			*err_path = xstrdup(dirs[i].dir);
			break;
		}
		for (size_t k = 0; k < names.n && e == 0; k++) {
			if (!endswith(names.v[k], ".repo"))
				continue;
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs[i].dir, names.v[k]);
			e = load_one(fs, c, p, dirs[i].tool, false, err_path);
		}
		strv_free(&names);
	}
	return e;
}

void rpmrepo_free(struct rpmrepo_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct rpmrepo_section *s = &c->v[i];
		for (size_t k = 0; k < s->n; k++)
			free(s->opts[k].key), free(s->opts[k].value);
		free(s->opts), free(s->name), free(s->path);
	}
	free(c->v);
	*c = (struct rpmrepo_conf){0};
}
