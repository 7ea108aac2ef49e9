/* SPDX-License-Identifier: Apache-2.0 */
/* Image file helpers: symlinks resolved inside the image, drop-in dirs merged as systemd does. */
#include "imgfile.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>

#define MAX_LINKS 40

/* Join a link target to the directory of the link, as a path inside the image. */
static char *join_target(const char *link, const char *target)
{
	const char *slash;

	if (target[0] == '/')
		return xstrdup(target);
	slash = strrchr(link, '/');
	return xasprintf("%.*s/%s", (int)(slash ? slash - link : 0), link, target);
}

/* Collapse "//", "/./" and "/../" lexically; ".." at the root stays at the root. */
static char *normalize(const char *p)
{
	struct strbuf sb = {0};
	const char *s = p;

	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, "/");
		if (n == 1 && s[0] == '.') {
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *last = sb.buf ? strrchr(sb.buf, '/') : NULL;
			if (last)
				strbuf_truncate(&sb, (size_t)(last - sb.buf));
		} else {
			strbuf_puts(&sb, "/");
			strbuf_append(&sb, s, n);
		}
		s += n;
	}
	if (!sb.len)
		strbuf_puts(&sb, "/");
	return sb.buf;
}

int imgfile_resolve(const struct safefs *fs, const char *path, char **out)
{
	_cleanup_free_ char *cur = normalize(path);

	/* safefs resolves the directories on the way inside the image; only the last component
	 * is ours to follow, and its target is joined lexically to the link's directory */
	for (int links = 0; links <= MAX_LINKS; links++) {
		_cleanup_free_ char *target = NULL;
		struct stat st;
		int r = safefs_lstat(fs, cur, &st);

		if (r < 0 && r != -ENOENT && r != -ENOTDIR)
			return r;
		if (r < 0 || !S_ISLNK(st.st_mode)) {
			*out = cur;
			cur = NULL;
			return 0; /* a file, a directory, or nothing: the caller's open says which */
		}
		r = safefs_readlink(fs, cur, &target);
		if (r < 0)
			return r;
		_cleanup_free_ char *joined = join_target(cur, target);
		free(cur);
		cur = normalize(joined);
	}
	return -ELOOP;
}

int imgfile_read(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len)
{
	_cleanup_free_ char *real = NULL;
	int r = imgfile_resolve(fs, path, &real);

	if (r < 0)
		return r;
	return safefs_read_file(fs, real, max, buf, len);
}

int imgfile_exists(const struct safefs *fs, const char *path)
{
	struct stat st;
	int r = safefs_lstat(fs, path, &st);

	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	return r < 0 ? r : 1;
}

const char *imgfile_etc_or_vendor(const struct safefs *fs, const char *etc, const char *vendor, int *err)
{
	int e = imgfile_exists(fs, etc), v = e == 0 ? imgfile_exists(fs, vendor) : 0;

	if (err)
		*err = e < 0 ? e : e > 0 || v > 0 ? 0 : v < 0 ? v : -ENOENT;
	return e == 0 && v > 0 ? vendor : etc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int imgfile_list_dir(const struct safefs *fs, const char *dir, struct strv *names)
{
	int fd = safefs_open_dir(fs, dir);
	size_t n0 = names->n;
	struct dirent *de;
	DIR *d;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	for (errno = 0; (de = readdir(d)); errno = 0)
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(names, de->d_name);
	if (errno) {
		/* a listing cut short is an error, not a shorter directory: NAMES is as it came */
		int r = -errno;
		closedir(d);
		while (names->n > n0) {
			free(names->v[--names->n]);
			names->v[names->n] = NULL;
		}
		if (!names->n)
			strv_free(names);
		return r;
	}
	closedir(d);
	if (names->n)
		qsort(names->v, names->n, sizeof(char *), cmp_str);
	return 0;
}

int imgfile_conf_files(const struct safefs *fs, const char *main, const char *dir, const char *suffix, struct strv *out)
{
	struct strv names = {0};
	int r;

	if (main)
		strv_push(out, main);
	r = imgfile_list_dir(fs, dir, &names);
	for (size_t i = 0; i < names.n; i++)
		if (endswith(names.v[i], suffix) && names.v[i][0] != '.') {
			_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
			strv_push(out, p);
		}
	strv_free(&names);
	return r;
}

static int cmp_dropin(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->name, ((const struct dropin *)b)->name);
}

/* Return R after emptying OUT and naming PATH in *ERR_PATH (when asked). */
static int dropins_failed(struct dropins *out, char **err_path, const char *path, int r)
{
	imgfile_dropins_free(out);
	if (err_path)
		*err_path = xstrdup(path);
	return r;
}

int imgfile_dropins(const struct safefs *fs, const char *const *dirs, size_t ndirs, const char *suffix,
		    struct dropins *out, char **err_path)
{
	*out = (struct dropins){0};
	for (size_t i = 0; i < ndirs; i++) {
		struct strv names = {0};
		int r = imgfile_list_dir(fs, dirs[i], &names);
		if (r < 0) {
			strv_free(&names);
			return dropins_failed(out, err_path, dirs[i], r);
		}
		for (size_t k = 0; k < names.n; k++) {
			const char *name = names.v[k];
			bool seen = false;
			if (!endswith(name, suffix) || name[0] == '.')
				continue;
			for (size_t j = 0; j < out->n && !seen; j++)
				seen = streq(out->v[j].name, name);
			if (seen)
				continue; /* masked by a higher-priority directory */
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs[i], name);
			_cleanup_free_ char *target = NULL;
			struct stat st;
			bool masked = false;
			r = safefs_lstat(fs, p, &st);
			if (r == -ENOENT)
				continue; /* gone since the listing */
			if (r < 0) {
				strv_free(&names);
				return dropins_failed(out, err_path, p, r);
			}
			if (S_ISLNK(st.st_mode)) {
				r = safefs_readlink(fs, p, &target);
				if (r < 0 && r != -ENOENT) {
					strv_free(&names);
					return dropins_failed(out, err_path, p, r);
				}
				masked = r == 0 && streq(target, "/dev/null");
			} else if (S_ISDIR(st.st_mode))
				continue;
			out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
			out->v[out->n++] = (struct dropin){xstrdup(name), xstrdup(p), masked};
		}
		strv_free(&names);
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp_dropin);
	return 0;
}

void imgfile_dropins_free(struct dropins *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].path);
	}
	free(d->v);
	*d = (struct dropins){0};
}

char *imgfile_next_line(char **cursor)
{
	char *s = *cursor, *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		*cursor = nl + 1;
	} else
		*cursor = s + strlen(s);
	return s;
}

char *imgfile_strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}
