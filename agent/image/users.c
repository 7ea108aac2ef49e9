/* SPDX-License-Identifier: Apache-2.0 */
/* passwd parsing: name:x:uid:gid:gecos:home:shell, as getpwent(3) reads it. */
#include "users.h"

#include <stdlib.h>

#include "safefs.h"
#include "util.h"

#define PASSWD_MAX (16 << 20)

static bool parse_id(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xfffffffeUL)
		return false;
	*out = (unsigned)v;
	return true;
}

void users_parse(struct users *u, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *next = NULL;
	unsigned lineno = 0;

	for (char *line = copy; line; line = next) {
		char *f[7];
		int n = 0;
		char *p = line;
		unsigned uid, gid;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!*line || *line == '#')
			continue;
		if (*line == '+' || *line == '-') {
			u->plus = xreallocarray(u->plus, u->nplus + 1, sizeof *u->plus);
			u->plus[u->nplus++] = lineno;
			continue;
		}
		while (n < 7) {
			f[n++] = p;
			p = strchr(p, ':');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n != 7 || p || !*f[0] || !parse_id(f[2], &uid) || !parse_id(f[3], &gid)) {
			u->bad = xreallocarray(u->bad, u->nbad + 1, sizeof *u->bad);
			u->bad[u->nbad++] = lineno;
			continue;
		}
		u->v = xreallocarray(u->v, u->n + 1, sizeof *u->v);
		u->v[u->n++] = (struct user){
			.name = xstrdup(f[0]), .uid = uid, .gid = gid,
			.home = xstrdup(f[5]), .shell = xstrdup(f[6]),
			.passwd = xstrdup(f[1]), .line = lineno,
		};
	}
}

int users_load(const struct safefs *fs, struct users *u)
{
	_cleanup_free_ char *buf = NULL;
	int r = safefs_read_file(fs, "/etc/passwd", PASSWD_MAX, &buf, NULL);

	if (r < 0)
		return r;
	users_parse(u, buf);
	return 0;
}

void users_free(struct users *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].name);
		free(u->v[i].home);
		free(u->v[i].shell);
		free(u->v[i].passwd);
	}
	free(u->v);
	free(u->bad);
	free(u->plus);
	*u = (struct users){0};
}

const struct user *users_find(const struct users *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (streq(u->v[i].name, name))
			return &u->v[i];
	return NULL;
}

size_t users_homes(const struct users *u, const char ***homes)
{
	const char **v = xcalloc(u->n + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < u->n; i++) {
		const char *h = u->v[i].home;
		bool dup = false;
		if (h[0] != '/' || streq(h, "/") || startswith(h, "/nonexistent") || startswith(h, "/proc") ||
		    startswith(h, "/dev") || startswith(h, "/sys") || startswith(h, "/run"))
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = streq(v[j], h);
		if (!dup)
			v[n++] = h;
	}
	*homes = v;
	return n;
}
