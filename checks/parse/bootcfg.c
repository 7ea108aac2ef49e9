/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel command line sources of GRUB, BLS and kernel-install (see bootcfg.h). */
#include "bootcfg.h"

#include <ctype.h>

#define BOOTCFG_MAX_WORDS 4096 /* a command line is at most a few KiB; bounds hostile input */

void bootcfg_cmdline_split(const char *s, struct strv *out)
{
	struct strbuf w = {0};
	bool quoted = false, have = false;

	for (const char *p = s;; p++) {
		if (*p == '\0' || (!quoted && isspace((unsigned char)*p))) {
			if (have && out->n < BOOTCFG_MAX_WORDS)
				strv_push(out, w.buf ? w.buf : "");
			strbuf_truncate(&w, 0);
			have = false;
			if (*p == '\0')
				break;
			continue;
		}
		have = true;
		if (*p == '"')
			quoted = !quoted;
		else
			strbuf_append(&w, p, 1);
	}
	strbuf_free(&w);
}

bool bootcfg_cmdline_has(const struct strv *words, const char *key, const char *prefix)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < words->n; i++) {
		const char *w = words->v[i];
		if (strncmp(w, key, k) != 0 || (w[k] != '\0' && w[k] != '='))
			continue;
		if (!prefix || (w[k] == '=' && startswith(w + k + 1, prefix)))
			return true;
	}
	return false;
}

char *bootcfg_expand(const char *s, const char *(*lookup)(const char *name, void *ud), void *ud)
{
	struct strbuf out = {0};

	strbuf_puts(&out, "");
	for (const char *p = s; *p;) {
		const char *n = p + 1, *e;
		bool brace = false;
		if (*p != '$') {
			strbuf_append(&out, p++, 1);
			continue;
		}
		if (*n == '{') {
			brace = true;
			n++;
		}
		for (e = n; isalnum((unsigned char)*e) || *e == '_'; e++)
			;
		if (e == n || (brace && *e != '}')) {
			strbuf_append(&out, p++, 1);
			continue;
		}
		_cleanup_free_ char *name = xstrndup(n, (size_t)(e - n));
		const char *v = lookup(name, ud);
		if (v)
			strbuf_puts(&out, v);
		p = e + (brace ? 1 : 0);
	}
	return out.buf;
}

/* ---- /etc/default/grub ---- */

const struct bootcfg_var *bootcfg_defaults_get(const struct bootcfg_defaults *d, const char *name)
{
	for (size_t i = d->n; i-- > 0;)
		if (streq(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

static const char *defaults_lookup(const char *name, void *ud)
{
	const struct bootcfg_var *v = bootcfg_defaults_get(ud, name);
	return v ? v->value : NULL;
}

/* The shell word starting at *P (quotes, backslashes, $ expansion in all but single quotes);
 * advances *P and *LINE over newlines inside quotes. */
static char *shell_word(const char **pp, unsigned *line, struct bootcfg_defaults *d)
{
	struct strbuf raw = {0}, out = {0};
	const char *p = *pp;

	strbuf_puts(&out, "");
	while (*p && !isspace((unsigned char)*p) && *p != ';' && *p != '#') {
		if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e)
				e = p + strlen(p);
			for (const char *q = p + 1; q < e; q++)
				*line += *q == '\n';
			strbuf_append(&out, p + 1, (size_t)(e - p - 1));
			p = *e ? e + 1 : e;
		} else if (*p == '"') {
			strbuf_truncate(&raw, 0);
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
					p++;
					if (*p == '\n') {
						(*line)++;
						continue;
					}
					if (*p == '$') {
						/* an escaped $ stays literal: keep it away from expansion */
						strbuf_puts(&raw, "\x01");
						continue;
					}
				}
				*line += *p == '\n';
				strbuf_append(&raw, p, 1);
			}
			if (*p == '"')
				p++;
			_cleanup_free_ char *x = bootcfg_expand(raw.buf ? raw.buf : "", defaults_lookup, d);
			for (char *c = x; *c; c++)
				if (*c == '\x01')
					*c = '$';
			strbuf_puts(&out, x);
		} else if (*p == '$') {
			const char *s = p;
			p++;
			if (*p == '{')
				p = strchr(p, '}') ? strchr(p, '}') + 1 : p + strlen(p);
			else
				while (isalnum((unsigned char)*p) || *p == '_')
					p++;
			_cleanup_free_ char *ref = xstrndup(s, (size_t)(p - s));
			_cleanup_free_ char *x = bootcfg_expand(ref, defaults_lookup, d);
			strbuf_puts(&out, x);
		} else {
			if (*p == '\\' && p[1])
				p++;
			strbuf_append(&out, p++, 1);
		}
	}
	*pp = p;
	strbuf_free(&raw);
	return out.buf;
}

void bootcfg_defaults_parse(struct bootcfg_defaults *d, const char *path, const char *text)
{
	unsigned line = 1;
	const char *p = text;

	while (*p) {
		unsigned start = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (startswith(p, "export") && (p[6] == ' ' || p[6] == '\t'))
			for (p += 6; *p == ' ' || *p == '\t'; p++)
				;
		const char *n = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p > n && *p == '=' && !isdigit((unsigned char)*n)) {
			_cleanup_free_ char *name = xstrndup(n, (size_t)(p - n));
			p++;
			char *value = shell_word(&p, &line, d);
			d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
			d->v[d->n++] = (struct bootcfg_var){.name = xstrdup(name), .value = value, .path = xstrdup(path),
							    .line = start};
		}
		/* the rest of the line (a command, a comment) is not an assignment a gate reads */
		while (*p && *p != '\n')
			p++;
		if (*p == '\n') {
			p++;
			line++;
		}
	}
}

void bootcfg_defaults_free(struct bootcfg_defaults *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].value);
		free(d->v[i].path);
	}
	free(d->v);
	*d = (struct bootcfg_defaults){0};
}

/* ---- grub.cfg ---- */

/* The first quoted or bare word after the command, for a menu entry's title. */
static char *first_word(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\'' || *s == '"') {
		const char *e = strchr(s + 1, *s);
		return xstrndup(s + 1, e ? (size_t)(e - s - 1) : strlen(s + 1));
	}
	return xstrndup(s, strcspn(s, " \t{"));
}

static bool is_cmd(const char *l, const char *cmd, const char **rest)
{
	size_t n = strlen(cmd);
	if (strncmp(l, cmd, n) != 0 || (l[n] && !isspace((unsigned char)l[n])))
		return false;
	*rest = l + n;
	return true;
}

void bootcfg_grubcfg_parse(struct bootcfg_grubcfg *g, const char *text)
{
	_cleanup_free_ char *buf = xstrdup(text);
	_cleanup_free_ char *title = NULL;
	unsigned line = 0;

	for (char *cur = buf, *l; cur && *cur;) {
		l = cur;
		cur = strchr(cur, '\n');
		if (cur)
			*cur++ = '\0';
		line++;
		while (isspace((unsigned char)*l))
			l++;
		const char *rest;
		if (is_cmd(l, "menuentry", &rest)) {
			free(title);
			title = first_word(rest);
		} else if (is_cmd(l, "linux", &rest) || is_cmd(l, "linux16", &rest) || is_cmd(l, "linuxefi", &rest)) {
			while (isspace((unsigned char)*rest))
				rest++;
			size_t kn = strcspn(rest, " \t");
			const char *args = rest + kn;
			while (isspace((unsigned char)*args))
				args++;
			struct strv w = {0};
			bootcfg_cmdline_split(args, &w);
			g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
			g->v[g->n++] = (struct bootcfg_entry){.title = xstrdup(title ? title : ""),
							      .kernel = xstrndup(rest, kn), .args = xstrdup(args),
							      .line = line,
							      .recovery = bootcfg_cmdline_has(&w, "single", NULL) ||
									  bootcfg_cmdline_has(&w, "recovery", NULL)};
			strv_free(&w);
		} else if (is_cmd(l, "blscfg", &rest)) {
			g->blscfg = true;
		} else if (is_cmd(l, "terminal_output", &rest) && strstr(rest, "serial")) {
			g->serial_terminal = true;
			g->serial_line = line;
		}
	}
}

void bootcfg_grubcfg_free(struct bootcfg_grubcfg *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].title);
		free(g->v[i].kernel);
		free(g->v[i].args);
	}
	free(g->v);
	*g = (struct bootcfg_grubcfg){0};
}

/* ---- BLS entries and grubenv ---- */

void bootcfg_bls_parse(struct bootcfg_bls *e, const char *text)
{
	_cleanup_free_ char *buf = xstrdup(text);
	unsigned line = 0;

	for (char *cur = buf, *l; cur && *cur;) {
		l = cur;
		cur = strchr(cur, '\n');
		if (cur)
			*cur++ = '\0';
		line++;
		while (isspace((unsigned char)*l))
			l++;
		if (*l == '#' || !*l)
			continue;
		size_t kn = strcspn(l, " \t");
		char *v = l + kn;
		while (isspace((unsigned char)*v))
			v++;
		for (char *t = v + strlen(v); t > v && isspace((unsigned char)t[-1]);)
			*--t = '\0';
		char **slot = NULL;
		if (kn == 5 && strncmp(l, "title", 5) == 0)
			slot = &e->title;
		else if (kn == 7 && strncmp(l, "version", 7) == 0)
			slot = &e->version;
		else if (kn == 5 && strncmp(l, "linux", 5) == 0)
			slot = &e->kernel;
		else if (kn == 6 && strncmp(l, "initrd", 6) == 0 && !e->initrd)
			slot = &e->initrd;
		else if (kn == 7 && strncmp(l, "options", 7) == 0) {
			/* several options lines are joined, as systemd-boot and GRUB's blscfg do */
			if (e->options) {
				char *j = xasprintf("%s %s", e->options, v);
				free(e->options);
				e->options = j;
			} else {
				e->options = xstrdup(v);
				e->options_line = line;
			}
			continue;
		}
		if (slot) {
			free(*slot);
			*slot = xstrdup(v);
		}
	}
}

void bootcfg_bls_free(struct bootcfg_bls *e)
{
	free(e->title);
	free(e->version);
	free(e->kernel);
	free(e->initrd);
	free(e->options);
	*e = (struct bootcfg_bls){0};
}

char *bootcfg_grubenv_get(const char *text, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n > k && strncmp(p, key, k) == 0 && p[k] == '=')
			return xstrndup(p + k + 1, n - k - 1);
		p = p[n] ? p + n + 1 : NULL;
	}
	return NULL;
}
