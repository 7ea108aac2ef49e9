/* Directory listings and glob expansion inside the image, through safefs only. */
#include "imgdir.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int imgdir_list(const struct safefs *fs, const char *dir, struct strv *names)
{
	int fd = safefs_open_dir(fs, dir);
	DIR *d;
	size_t first = names->n;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	for (struct dirent *de; (errno = 0, de = readdir(d));)
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(names, de->d_name);
	if (errno) {
		/* a listing cut short is an error, not a shorter directory */
		int r = -errno;
		closedir(d);
		return r;
	}
	closedir(d);
	if (names->n > first) /* an empty list has no array: qsort(NULL) is undefined */
		qsort(names->v + first, names->n - first, sizeof *names->v, cmp_str);
	return 0;
}

static bool has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

/* Expand the components of REST below the existing directory BASE. */
static void glob_rec(const struct safefs *fs, const char *base, const char *rest, struct strv *out, unsigned depth)
{
	size_t n;
	const char *next;
	_cleanup_free_ char *comp = NULL;

	while (*rest == '/')
		rest++;
	if (!*rest || depth > 64)
		return;
	n = strcspn(rest, "/");
	next = rest + n;
	comp = xstrndup(rest, n);
	if (!has_magic(comp, n)) {
		_cleanup_free_ char *p = xasprintf("%s%s%s", base, streq(base, "/") ? "" : "/", comp);
		struct stat st;
		if (*next == '\0') {
			if (safefs_lstat(fs, p, &st) == 0)
				strv_push(out, p);
		} else
			glob_rec(fs, p, next, out, depth + 1);
		return;
	}
	struct strv names = {0};
	if (imgdir_list(fs, base, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			if (fnmatch(comp, names.v[i], FNM_PERIOD) != 0)
				continue;
			_cleanup_free_ char *p = xasprintf("%s%s%s", base, streq(base, "/") ? "" : "/", names.v[i]);
			if (*next == '\0')
				strv_push(out, p);
			else
				glob_rec(fs, p, next, out, depth + 1);
		}
	strv_free(&names);
}

int imgdir_glob(const struct safefs *fs, const char *pattern, struct strv *paths)
{
	if (!pattern || pattern[0] != '/')
		return -EINVAL;
	glob_rec(fs, "/", pattern, paths, 0);
	return 0;
}

int imgdir_read_file(const struct safefs *fs, const char *path, size_t max, char **buf, size_t *len)
{
	_cleanup_free_ char *cur = xstrdup(path);

	for (int hop = 0; hop < 40; hop++) {
		int r = safefs_read_file(fs, cur, max, buf, len);
		_cleanup_free_ char *target = NULL;
		char *next;

		if (r != -ELOOP)
			return r;
		r = safefs_readlink(fs, cur, &target);
		if (r < 0)
			return r;
		if (target[0] == '/')
			next = xstrdup(target);
		else {
			const char *slash = strrchr(cur, '/');
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
		}
		free(cur);
		cur = next;
	}
	return -ELOOP;
}
