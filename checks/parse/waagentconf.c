/* SPDX-License-Identifier: Apache-2.0 */
/* waagent.conf (see waagentconf.h). conf.py splits each non-comment line at the first '=',
 * strips both sides and drops a trailing comment from the value. */
#include "waagentconf.h"

#include <ctype.h>

#include "util.h"

#define WAAGENT_MAX_OPTS 10000

/* Key and value of an active line [l, l+n): 0 when it is a comment, blank or has no '='. */
static bool split_line(const char *l, size_t n, const char **k, size_t *kn, const char **v, size_t *vn)
{
	const char *e = l + n, *eq;

	while (l < e && isspace((unsigned char)*l))
		l++;
	if (l == e || *l == '#')
		return false;
	eq = memchr(l, '=', (size_t)(e - l));
	if (!eq)
		return false;
	*k = l;
	for (*kn = (size_t)(eq - l); *kn && isspace((unsigned char)l[*kn - 1]);)
		(*kn)--;
	const char *s = eq + 1, *ve = e;
	const char *hash = memchr(s, '#', (size_t)(e - s));
	if (hash)
		ve = hash;
	/* conf.py: value.split('#')[0].strip("\" ").strip() */
	while (s < ve && (isspace((unsigned char)*s) || *s == '"'))
		s++;
	while (ve > s && (isspace((unsigned char)ve[-1]) || ve[-1] == '"'))
		ve--;
	*v = s;
	*vn = (size_t)(ve - s);
	return *kn > 0;
}

void waagentconf_parse(struct waagentconf *c, const char *text)
{
	unsigned line = 0;

	for (const char *p = text; *p && c->n < WAAGENT_MAX_OPTS;) {
		size_t n = strcspn(p, "\n"), kn, vn;
		const char *k, *v;
		line++;
		if (split_line(p, n, &k, &kn, &v, &vn)) {
			c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
			c->v[c->n++] = (struct waagent_opt){.key = xstrndup(k, kn), .value = xstrndup(v, vn), .line = line};
		}
		p += n + (p[n] ? 1 : 0);
	}
}

const struct waagent_opt *waagentconf_get(const struct waagentconf *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (streq(c->v[i].key, key))
			return &c->v[i];
	return NULL;
}

int waagentconf_switch(const struct waagentconf *c, const char *key, int dflt)
{
	const struct waagent_opt *o = waagentconf_get(c, key);

	if (!o)
		return dflt;
	if (!strcasecmp(o->value, "y") || !strcasecmp(o->value, "yes") || !strcasecmp(o->value, "true") ||
	    streq(o->value, "1"))
		return 1;
	if (!strcasecmp(o->value, "n") || !strcasecmp(o->value, "no") || !strcasecmp(o->value, "false") ||
	    streq(o->value, "0"))
		return 0;
	return dflt;
}

void waagentconf_free(struct waagentconf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	*c = (struct waagentconf){0};
}

char *waagentconf_edit(const char *text, const char *settings)
{
	struct strv keys = {0}, vals = {0};
	struct strbuf out = {0};
	bool *seen;

	for (const char *p = settings; *p;) {
		size_t n = strcspn(p, "\n"), kn, vn;
		const char *k, *v;
		if (n && !split_line(p, n, &k, &kn, &v, &vn)) {
			strv_free(&keys);
			strv_free(&vals);
			return NULL;
		}
		if (n) {
			_cleanup_free_ char *ks = xstrndup(k, kn);
			_cleanup_free_ char *vs = xstrndup(v, vn);
			strv_push(&keys, ks);
			strv_push(&vals, vs);
		}
		p += n + (p[n] ? 1 : 0);
	}
	seen = xcalloc(keys.n + 1, sizeof *seen);
	strbuf_puts(&out, "");
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n"), kn, vn;
		const char *k, *v;
		size_t which = keys.n;
		if (split_line(p, n, &k, &kn, &v, &vn))
			for (size_t i = 0; i < keys.n; i++)
				if (strlen(keys.v[i]) == kn && strncmp(keys.v[i], k, kn) == 0)
					which = i;
		if (which < keys.n) {
			/* the key up to its '=' stays; the value and a trailing comment are replaced */
			const char *eq = memchr(p, '=', n);
			strbuf_append(&out, p, (size_t)(eq - p) + 1);
			strbuf_puts(&out, vals.v[which]);
			seen[which] = true;
		} else
			strbuf_append(&out, p, n);
		if (p[n])
			strbuf_puts(&out, "\n");
		p += n + (p[n] ? 1 : 0);
	}
	for (size_t i = 0; i < keys.n; i++)
		if (!seen[i]) {
			if (out.len && out.buf[out.len - 1] != '\n')
				strbuf_puts(&out, "\n");
			strbuf_printf(&out, "%s=%s\n", keys.v[i], vals.v[i]);
		}
	free(seen);
	strv_free(&keys);
	strv_free(&vals);
	return out.buf;
}
