/* SPDX-License-Identifier: Apache-2.0 */
/* Glob expansion inside the image, through safefs and imgfile only. */
#include "imgdir.h"

#include <fnmatch.h>

#include "imgfile.h"

static bool has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

struct globerr {
	int err;
	char *path;
};

static void glob_fail(struct globerr *ge, const char *path, int err)
{
	if (ge->err == 0) {
		ge->err = err;
		ge->path = xstrdup(path);
	}
}

/* Expand the components of REST below the existing directory BASE. */
static void glob_rec(const struct safefs *fs, const char *base, const char *rest, struct strv *out, unsigned depth,
		     struct globerr *ge)
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
			int e = safefs_lstat(fs, p, &st);
			if (e == 0)
				strv_push(out, p);
			else if (e != -ENOENT && e != -ENOTDIR)
				glob_fail(ge, p, e);
		} else
			glob_rec(fs, p, next, out, depth + 1, ge);
		return;
	}
	struct strv names = {0};
	int e = imgfile_list_dir(fs, base, &names);
	if (e < 0)
		glob_fail(ge, base, e);
	else
		for (size_t i = 0; i < names.n; i++) {
			if (fnmatch(comp, names.v[i], FNM_PERIOD) != 0)
				continue;
			_cleanup_free_ char *p = xasprintf("%s%s%s", base, streq(base, "/") ? "" : "/", names.v[i]);
			if (*next == '\0')
				strv_push(out, p);
			else
				glob_rec(fs, p, next, out, depth + 1, ge);
		}
	strv_free(&names);
}

int imgdir_glob(const struct safefs *fs, const char *pattern, struct strv *paths, char **err_path)
{
	struct globerr ge = {0};

	if (!pattern || pattern[0] != '/')
		return -EINVAL;
	glob_rec(fs, "/", pattern, paths, 0, &ge);
	if (err_path)
		*err_path = ge.path;
	else
		free(ge.path);
	return ge.err;
}

