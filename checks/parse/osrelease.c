/* os-release parser: KEY=value lines with shell quoting ("...", '...', backslash escapes), as
 * systemd's parse_env_file() accepts them. */
#include "osrelease.h"

#include "imgfile.h"

static char *unquote(const char *v)
{
	struct strbuf sb = {0};
	char q = 0;

	for (; *v; v++) {
		if (!q && (*v == '"' || *v == '\'')) {
			q = *v;
			continue;
		}
		if (q && *v == q) {
			q = 0;
			continue;
		}
		if (*v == '\\' && q != '\'' && v[1]) {
			v++;
			strbuf_append(&sb, v, 1);
			continue;
		}
		if (!q && (*v == '#'))
			break;
		strbuf_append(&sb, v, 1);
	}
	if (!sb.buf)
		strbuf_puts(&sb, "");
	char *s = imgfile_strip(sb.buf), *r = xstrdup(s);
	strbuf_free(&sb);
	return r;
}

void osrelease_parse(struct osrelease *o, const char *text)
{
	_cleanup_free_ char *buf = xstrdup(text);
	char *cur = buf, *l;

	while ((l = imgfile_next_line(&cur))) {
		char *eq, **dst = NULL;
		l = imgfile_strip(l);
		if (!*l || *l == '#' || !(eq = strchr(l, '=')))
			continue;
		*eq = 0;
		if (streq(l, "ID"))
			dst = &o->id;
		else if (streq(l, "VERSION_ID"))
			dst = &o->version_id;
		else if (streq(l, "VERSION_CODENAME"))
			dst = &o->version_codename;
		else if (streq(l, "PRETTY_NAME"))
			dst = &o->pretty_name;
		else if (streq(l, "ID_LIKE"))
			dst = &o->id_like;
		if (dst) {
			free(*dst);
			*dst = unquote(eq + 1);
		}
	}
}

int osrelease_load(const struct safefs *fs, struct osrelease *o)
{
	static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
	int r = -ENOENT;

	*o = (struct osrelease){0};
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		r = imgfile_read(fs, paths[i], 64 << 10, &buf, &len);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		osrelease_parse(o, buf);
		o->path = xstrdup(paths[i]);
		return 0;
	}
	return r;
}

void osrelease_free(struct osrelease *o)
{
	free(o->id), free(o->version_id), free(o->version_codename), free(o->pretty_name), free(o->id_like);
	free(o->path);
	*o = (struct osrelease){0};
}
