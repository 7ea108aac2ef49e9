/* SPDX-License-Identifier: Apache-2.0 */
/* sysctl.d parser in systemd-sysctl's order (systemd 252 src/sysctl/sysctl.c, conf-files.c):
 * drop-ins merged by name across directories, read in name order, last assignment wins. */
#include "sysctl.h"

#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "imgfile.h"

#define SYSCTL_MAX_FILE (1 << 20)

/* CONF_PATHS("sysctl.d"), highest priority first; /lib only matters on split-/usr images */
static const char *const sysctl_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
};

char *sysctl_normalize(const char *key)
{
	char *k = xstrdup(key);
	char *sep = strpbrk(k, "./");

	/* "net/ipv4/conf/eth0.100/rp_filter": '/' separates and '.' is part of a name */
	if (sep && *sep == '/')
		for (char *p = k; *p; p++)
			*p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
	return k;
}

static char *collapse_blanks(const char *s)
{
	struct strbuf sb = {0};
	bool blank = false;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			blank = true;
			continue;
		}
		if (blank && sb.len)
			strbuf_append(&sb, " ", 1);
		blank = false;
		strbuf_append(&sb, s, 1);
	}
	if (!sb.buf)
		strbuf_puts(&sb, "");
	return sb.buf;
}

static void add_problem(struct sysctl_conf *conf, const char *path, unsigned line, const char *msg)
{
	conf->problems = xreallocarray(conf->problems, conf->nproblems + 1, sizeof *conf->problems);
	conf->problems[conf->nproblems++] = (struct sysctl_problem){xstrdup(path), line, xstrdup(msg)};
}

void sysctl_parse(struct sysctl_conf *conf, const char *path, char *text)
{
	char *cur = text, *l;
	unsigned line = 0;

	while ((l = imgfile_next_line(&cur))) {
		char *eq, *key, *value;
		bool ignore = false;

		line++;
		l = imgfile_strip(l);
		if (!*l || *l == '#' || *l == ';')
			continue;
		eq = strchr(l, '=');
		if (!eq && *l != '-') {
			add_problem(conf, path, line, "line is not an assignment; systemd-sysctl ignores it");
			continue;
		}
		/* systemd >= 250: "-key" alone exempts KEY from the globs of other lines */
		if (eq)
			*eq = 0;
		key = imgfile_strip(l);
		value = eq ? imgfile_strip(eq + 1) : NULL;
		if (*key == '-') {
			ignore = true;
			key = imgfile_strip(key + 1);
		}
		if (!*key) {
			add_problem(conf, path, line, "empty key; systemd-sysctl ignores the line");
			continue;
		}
		conf->v = xreallocarray(conf->v, conf->n + 1, sizeof *conf->v);
		conf->v[conf->n++] = (struct sysctl_entry){
			.key = sysctl_normalize(key), .value = value ? collapse_blanks(value) : NULL, .path = xstrdup(path),
			.line = line, .glob = strpbrk(key, "*?[") != NULL, .ignore_failure = ignore,
		};
	}
}

static int read_into(const struct safefs *fs, struct sysctl_conf *conf, const char *path)
{
	_cleanup_free_ char *buf = NULL, *real = NULL;
	size_t len;
	int r = imgfile_resolve(fs, path, &real);

	if (r < 0)
		return r;
	r = safefs_read_file(fs, real, SYSCTL_MAX_FILE, &buf, &len);
	if (r < 0)
		return r;
	strv_push(&conf->files, path);
	/* findings name the file to edit: /etc/sysctl.conf, not its 99-sysctl.conf link */
	sysctl_parse(conf, real, buf);
	return 0;
}

/* Return R after freeing CONF and naming PATH in *ERR_PATH (when asked). */
static int load_failed(struct sysctl_conf *conf, char **err_path, const char *path, int r)
{
	sysctl_free(conf);
	if (err_path)
		*err_path = xstrdup(path);
	return r;
}

int sysctl_load(const struct safefs *fs, struct sysctl_conf *conf, char **err_path)
{
	struct dropins d;
	bool conf_linked = false;
	int r;

	*conf = (struct sysctl_conf){0};
	r = imgfile_dropins(fs, sysctl_dirs, ELEMENTSOF(sysctl_dirs), ".conf", &d, err_path);
	if (r < 0) {
		sysctl_free(conf);
		return r;
	}
	for (size_t i = 0; i < d.n; i++) {
		_cleanup_free_ char *real = NULL;
		if (d.v[i].masked)
			continue;
		/* which file a drop-in is decides where /etc/sysctl.conf is read: an unreadable link
		 * is an error of the load, not a guess */
		r = imgfile_resolve(fs, d.v[i].path, &real);
		if (r == 0 && streq(real, "/etc/sysctl.conf"))
			conf_linked = true;
		if (r >= 0)
			r = read_into(fs, conf, d.v[i].path);
		if (r == -ENOENT)
			continue; /* a dangling link: systemd skips it too */
		if (r < 0) {
			r = load_failed(conf, err_path, d.v[i].path, r);
			imgfile_dropins_free(&d);
			return r;
		}
	}
	imgfile_dropins_free(&d);
	/* procps' `sysctl --system` reads /etc/sysctl.conf last; Debian links it in as 99-sysctl.conf */
	if (!conf_linked) {
		r = read_into(fs, conf, "/etc/sysctl.conf");
		if (r < 0 && r != -ENOENT)
			return load_failed(conf, err_path, "/etc/sysctl.conf", r);
	}
	return 0;
}

void sysctl_free(struct sysctl_conf *conf)
{
	for (size_t i = 0; i < conf->n; i++) {
		free(conf->v[i].key);
		free(conf->v[i].value);
		free(conf->v[i].path);
	}
	for (size_t i = 0; i < conf->nproblems; i++) {
		free(conf->problems[i].path);
		free(conf->problems[i].message);
	}
	free(conf->v);
	free(conf->problems);
	strv_free(&conf->files);
	*conf = (struct sysctl_conf){0};
}

const struct sysctl_entry *sysctl_lookup(const struct sysctl_conf *conf, const char *key)
{
	const struct sysctl_entry *glob = NULL;

	for (size_t i = conf->n; i-- > 0;) {
		const struct sysctl_entry *e = &conf->v[i];
		if (!e->glob && streq(e->key, key))
			return e->value ? e : NULL; /* explicit beats every glob; "-key" means kernel default */
		if (e->glob && !glob && fnmatch(e->key, key, FNM_PATHNAME) == 0)
			glob = e;
	}
	return glob;
}

int sysctl_runtime(const char *key, char **value)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *rel = xstrdup(key), *buf = NULL;
	size_t len;
	int r;

	/* the running kernel, not a path of the image: open /proc/sys once and stay below it */
	for (char *p = rel; *p; p++)
		*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	if (strstr(rel, ".."))
		return -EINVAL;
	dfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = safefs_read_fd(fd, 64 << 10, &buf, &len);
	if (r < 0)
		return r;
	*value = collapse_blanks(buf);
	return 0;
}
