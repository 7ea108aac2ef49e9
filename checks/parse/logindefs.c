/* SPDX-License-Identifier: Apache-2.0 */
/* login.defs: KEY VALUE lines; the last occurrence of a key wins, as in getdef.c. */
#include "logindefs.h"

#include <ctype.h>

#include "imgfile.h"

#define LOGINDEFS_MAX (1 << 20)

static struct logindefs_item *find_mut(struct logindefs *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (streq(d->v[i].key, key))
			return &d->v[i];
	return NULL;
}

void logindefs_parse(struct logindefs *d, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *next;
	unsigned lineno = 0;

	d->present = true;
	for (char *line = copy; line; line = next) {
		char *key, *val, *end;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		key = line;
		while (*line && !isspace((unsigned char)*line))
			line++;
		if (*line)
			*line++ = '\0';
		while (isspace((unsigned char)*line))
			line++;
		val = line;
		end = val + strlen(val);
		while (end > val && isspace((unsigned char)end[-1]))
			*--end = '\0';
		/* getdef strips one pair of double quotes */
		if (*val == '"' && end > val + 1 && end[-1] == '"') {
			end[-1] = '\0';
			val++;
		}
		struct logindefs_item *it = find_mut(d, key);
		if (it) {
			free(it->value);
			it->value = xstrdup(val);
			it->line = lineno;
			continue;
		}
		d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
		d->v[d->n++] = (struct logindefs_item){.key = xstrdup(key), .value = xstrdup(val), .line = lineno};
	}
}

int logindefs_load(const struct safefs *fs, struct logindefs *d)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	d->path = imgfile_etc_or_vendor(fs, LOGINDEFS_PATH, LOGINDEFS_VENDOR_PATH, NULL);
	r = safefs_read_file(fs, d->path, LOGINDEFS_MAX, &buf, NULL);
	if (r == -ENOENT) {
		d->path = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	logindefs_parse(d, buf);
	return 0;
}

const struct logindefs_item *logindefs_find(const struct logindefs *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (streq(d->v[i].key, key))
			return &d->v[i];
	return NULL;
}

bool logindefs_num(const struct logindefs *d, const char *key, long *out)
{
	const struct logindefs_item *it = logindefs_find(d, key);
	char *end;

	if (!it || !*it->value)
		return false;
	errno = 0;
	*out = strtol(it->value, &end, 0);
	return !errno && !*end;
}

void logindefs_free(struct logindefs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].value);
	}
	free(d->v);
	*d = (struct logindefs){0};
}
