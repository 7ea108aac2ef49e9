/* SPDX-License-Identifier: Apache-2.0 */
/* os-release parser: KEY=value lines with shell quoting ("...", '...', backslash escapes), as
 * systemd's parse_env_file() accepts them. */
#include "osrelease.h"

#include "imgfile.h"

#include <ctype.h>
#include <strings.h>

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
		else if (streq(l, "PLATFORM_ID"))
			dst = &o->platform_id;
		else if (streq(l, "SUPPORT_END"))
			dst = &o->support_end;
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
	free(o->platform_id), free(o->support_end);
	free(o->path);
	*o = (struct osrelease){0};
}

/* IDs as the distributions ship them (os-release of each release; research/distros-azure.md §1). */
static enum distro_family family_of_id(const char *id, size_t n)
{
	static const struct {
		const char *id;
		enum distro_family f;
	} ids[] = {
		{"debian", DF_DEBIAN},   {"ubuntu", DF_DEBIAN},     {"raspbian", DF_DEBIAN},
		{"rhel", DF_RHEL},       {"centos", DF_RHEL},       {"almalinux", DF_RHEL},
		{"rocky", DF_RHEL},      {"ol", DF_RHEL},           {"fedora", DF_RHEL},
		{"sles", DF_SUSE},       {"sled", DF_SUSE},         {"sle-micro", DF_SUSE},
		{"suse", DF_SUSE},       {"opensuse", DF_SUSE},     {"opensuse-leap", DF_SUSE},
		{"opensuse-tumbleweed", DF_SUSE}, {"azurelinux", DF_AZL}, {"mariner", DF_AZL},
	};
	for (size_t i = 0; i < ELEMENTSOF(ids); i++)
		if (strlen(ids[i].id) == n && strncasecmp(ids[i].id, id, n) == 0)
			return ids[i].f;
	return DF_UNKNOWN;
}

enum distro_family osrelease_family(const struct osrelease *o)
{
	enum distro_family f = o->id ? family_of_id(o->id, strlen(o->id)) : DF_UNKNOWN;

	/* ID_LIKE lists the closest relative first ("rhel centos fedora", "suse opensuse") */
	for (const char *p = o->id_like; !f && p && *p;) {
		size_t n;
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n)
			f = family_of_id(p, n);
		p += n;
	}
	if (!f && o->platform_id && startswith(o->platform_id, "platform:el"))
		f = DF_RHEL;
	return f;
}

const char *osrelease_family_name(enum distro_family f)
{
	switch (f) {
	case DF_DEBIAN: return "Debian/Ubuntu";
	case DF_RHEL: return "RHEL";
	case DF_SUSE: return "SUSE";
	case DF_AZL: return "Azure Linux";
	default: return "unknown";
	}
}

unsigned osrelease_major(const struct osrelease *o)
{
	unsigned long v;
	char *end;

	if (!o->version_id || !isdigit((unsigned char)o->version_id[0]))
		return 0;
	v = strtoul(o->version_id, &end, 10);
	return v > 100000 ? 0 : (unsigned)v;
}
