/* SPDX-License-Identifier: Apache-2.0 */
/* APT sources parser after apt's sourcelist.cc: one-line entries with [ option=value ] blocks,
 * deb822 stanzas with multi-value fields and continuation lines. */
#include "aptsrc.h"

#include <ctype.h>
#include <strings.h>

#include "imgfile.h"

#define APT_MAX_FILE (4 << 20)

static void add_problem(struct apt_sources *s, const char *path, unsigned line, const char *msg)
{
	s->problems = xreallocarray(s->problems, s->nproblems + 1, sizeof *s->problems);
	s->problems[s->nproblems++] = (struct apt_problem){xstrdup(path), line, xstrdup(msg)};
}

static bool yes(const char *v)
{
	return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "1") || !strcasecmp(v, "on");
}

static void apply_option(struct apt_source *src, const char *key, const char *val)
{
	if (!strcasecmp(key, "signed-by")) {
		free(src->signed_by);
		src->signed_by = strstr(val, "BEGIN PGP") ? xstrdup("(embedded key)") : xstrdup(val);
	} else if (!strcasecmp(key, "trusted"))
		src->trusted = yes(val);
	else if (!strcasecmp(key, "allow-insecure") || !strcasecmp(key, "allow-weak") ||
		 !strcasecmp(key, "allow-downgrade-to-insecure"))
		src->allow_insecure |= yes(val);
}

static void push(struct apt_sources *s, struct apt_source *src)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = *src;
	*src = (struct apt_source){0};
}

static void source_free(struct apt_source *src)
{
	strv_free(&src->uris);
	strv_free(&src->suites);
	strv_free(&src->components);
	free(src->signed_by);
	free(src->path);
}

void aptsrc_parse_list(struct apt_sources *s, const char *path, char *text)
{
	char *cur = text, *l;
	unsigned line = 0;

	while ((l = imgfile_next_line(&cur))) {
		struct apt_source src = {.enabled = true};
		char *save = NULL, *tok, *hash;

		line++;
		if ((hash = strchr(l, '#')))
			*hash = 0;
		l = imgfile_strip(l);
		if (!*l)
			continue;
		tok = strtok_r(l, " \t", &save);
		if (streq(tok, "deb"))
			src.deb = true;
		else if (streq(tok, "deb-src"))
			src.deb_src = true;
		else {
			add_problem(s, path, line, "unknown entry type; apt refuses the file");
			continue;
		}
		/* options: "[ a=b c=d ]" or "[a=b]" possibly split over tokens */
		while (save && isspace((unsigned char)*save))
			save++;
		if (save && *save == '[') {
			char *close = strchr(save, ']');
			if (!close) {
				add_problem(s, path, line, "'[' without ']'; apt refuses the file");
				continue;
			}
			*close = 0;
			char *opts = save + 1, *osave = NULL;
			save = close + 1;
			for (char *o = strtok_r(opts, " \t", &osave); o; o = strtok_r(NULL, " \t", &osave)) {
				char *eq = strchr(o, '=');
				if (!eq)
					continue;
				*eq = 0;
				size_t kl = strlen(o);
				if (kl && (o[kl - 1] == '+' || o[kl - 1] == '-'))
					o[kl - 1] = 0;
				apply_option(&src, o, eq + 1);
			}
		}
		char *uri = strtok_r(NULL, " \t", &save), *suite = uri ? strtok_r(NULL, " \t", &save) : NULL;
		if (!uri || !suite) {
			add_problem(s, path, line, "entry without a URI and a suite; apt refuses the file");
			source_free(&src);
			continue;
		}
		strv_push(&src.uris, uri);
		strv_push(&src.suites, suite);
		for (tok = strtok_r(NULL, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
			strv_push(&src.components, tok);
		src.path = xstrdup(path);
		src.line = line;
		push(s, &src);
	}
}

static void split_words(struct strv *l, const char *v)
{
	_cleanup_free_ char *c = xstrdup(v);
	char *save = NULL;
	for (char *t = strtok_r(c, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
		strv_push(l, t);
}

static void deb822_field(struct apt_source *src, const char *key, const char *val)
{
	if (!strcasecmp(key, "Types")) {
		struct strv t = {0};
		split_words(&t, val);
		for (size_t i = 0; i < t.n; i++) {
			src->deb |= streq(t.v[i], "deb");
			src->deb_src |= streq(t.v[i], "deb-src");
		}
		strv_free(&t);
	} else if (!strcasecmp(key, "URIs"))
		split_words(&src->uris, val);
	else if (!strcasecmp(key, "Suites"))
		split_words(&src->suites, val);
	else if (!strcasecmp(key, "Components"))
		split_words(&src->components, val);
	else if (!strcasecmp(key, "Enabled"))
		src->enabled = !(!strcasecmp(val, "no") || !strcasecmp(val, "false") || streq(val, "0"));
	else
		apply_option(src, key, val);
}

static void deb822_finish(struct apt_sources *s, struct apt_source *src, const char *path, bool any)
{
	if (!any)
		return;
	if (!(src->deb || src->deb_src) || !src->uris.n || !src->suites.n) {
		add_problem(s, path, src->line, "stanza without Types, URIs or Suites; apt refuses the file");
		source_free(src);
		*src = (struct apt_source){.enabled = true};
		return;
	}
	src->path = xstrdup(path);
	push(s, src);
	src->enabled = true;
}

void aptsrc_parse_deb822(struct apt_sources *s, const char *path, char *text)
{
	struct apt_source src = {.enabled = true};
	struct strbuf key = {0}, val = {0};
	char *cur = text, *l;
	unsigned line = 0;
	bool any = false;

	while ((l = imgfile_next_line(&cur))) {
		line++;
		if (*l == '#')
			continue;
		if (!*imgfile_strip(l)) {
			if (key.len)
				deb822_field(&src, key.buf, val.buf ? val.buf : "");
			strbuf_truncate(&key, 0), strbuf_truncate(&val, 0);
			deb822_finish(s, &src, path, any);
			any = false;
			continue;
		}
		if (*l == ' ' || *l == '\t') {
			strbuf_puts(&val, "\n");
			strbuf_puts(&val, imgfile_strip(l));
			continue;
		}
		if (key.len)
			deb822_field(&src, key.buf, val.buf ? val.buf : "");
		strbuf_truncate(&key, 0), strbuf_truncate(&val, 0);
		char *colon = strchr(l, ':');
		if (!colon) {
			add_problem(s, path, line, "line is neither a field nor a continuation; apt refuses the file");
			continue;
		}
		*colon = 0;
		if (!any)
			src.line = line;
		any = true;
		strbuf_puts(&key, imgfile_strip(l));
		strbuf_puts(&val, imgfile_strip(colon + 1));
	}
	if (key.len)
		deb822_field(&src, key.buf, val.buf ? val.buf : "");
	deb822_finish(s, &src, path, any);
	source_free(&src);
	strbuf_free(&key);
	strbuf_free(&val);
}

static int load_one(const struct safefs *fs, struct apt_sources *s, const char *path, bool deb822)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = imgfile_read(fs, path, APT_MAX_FILE, &buf, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (deb822)
		aptsrc_parse_deb822(s, path, buf);
	else
		aptsrc_parse_list(s, path, buf);
	return 0;
}

int aptsrc_load(const struct safefs *fs, struct apt_sources *s, char **err_path)
{
	struct strv names = {0};
	_cleanup_free_ char *failed = xstrdup("/etc/apt/sources.list");
	int r;

	*s = (struct apt_sources){0};
	r = load_one(fs, s, failed, false);
	if (r == 0) {
		free(failed);
		failed = xstrdup("/etc/apt/sources.list.d");
		r = imgfile_list_dir(fs, failed, &names);
	}
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf("/etc/apt/sources.list.d/%s", names.v[i]);
		/* apt ignores other extensions (and warns); so do we */
		if (endswith(names.v[i], ".list"))
			r = load_one(fs, s, p, false);
		else if (endswith(names.v[i], ".sources"))
			r = load_one(fs, s, p, true);
		if (r < 0) {
			free(failed);
			failed = xstrdup(p);
		}
	}
	strv_free(&names);
	if (r < 0) {
		aptsrc_free(s);
		if (err_path)
			*err_path = xstrdup(failed);
	}
	return r;
}

void aptsrc_free(struct apt_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		source_free(&s->v[i]);
	for (size_t i = 0; i < s->nproblems; i++) {
		free(s->problems[i].path);
		free(s->problems[i].message);
	}
	free(s->v);
	free(s->problems);
	*s = (struct apt_sources){0};
}

/* Options that turn off APT's signature and authentication checks. */
static const char *const insecure_options[] = {
	"APT::Get::AllowUnauthenticated", "Acquire::AllowInsecureRepositories",
	"Acquire::AllowDowngradeToInsecureRepositories", "Acquire::AllowWeakRepositories",
	"Acquire::Check-Valid-Until",
};

/* apt.conf syntax is nested ("APT { Get { AllowUnauthenticated "true"; }; };"); this reads the
 * common flat form "A::B::C "true";" and the nested form one scope deep per line. */
static void scan_conf(struct apt_conf_insecure *out, const char *path, char *text)
{
	struct strv scope = {0};
	char *cur = text, *l;
	unsigned line = 0;

	while ((l = imgfile_next_line(&cur))) {
		line++;
		char *cmt = strstr(l, "//");
		if (cmt)
			*cmt = 0;
		for (char *stmt = l; stmt && *stmt;) {
			char *semi = strpbrk(stmt, ";{}");
			char sep = semi ? *semi : 0;
			if (semi)
				*semi = 0;
			char *s = imgfile_strip(stmt);
			if (sep == '{' && *s)
				strv_push(&scope, s);
			else if (sep == '}' && scope.n) {
				free(scope.v[--scope.n]);
				scope.v[scope.n] = NULL;
			} else if (*s) {
				char *q = strchr(s, '"');
				if (q) {
					char *name = xstrndup(s, (size_t)(q - s));
					char *val = q + 1, *qe = strchr(val, '"');
					if (qe)
						*qe = 0;
					struct strbuf full = {0};
					for (size_t i = 0; i < scope.n; i++)
						strbuf_printf(&full, "%s::", scope.v[i]);
					strbuf_puts(&full, imgfile_strip(name));
					for (size_t i = 0; i < ELEMENTSOF(insecure_options); i++) {
						bool bad = streq(insecure_options[i], "Acquire::Check-Valid-Until") ? !yes(val) : yes(val);
						if (!strcasecmp(full.buf, insecure_options[i]) && bad) {
							out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
							out->v[out->n++] = (struct apt_insecure){xstrdup(path), line,
												 xasprintf("%s \"%s\"", insecure_options[i], val)};
						}
					}
					strbuf_free(&full);
					free(name);
				}
			}
			stmt = semi ? semi + 1 : NULL;
		}
	}
	strv_free(&scope);
}

int aptsrc_conf_insecure(const struct safefs *fs, struct apt_conf_insecure *out, char **err_path)
{
	struct strv names = {0};
	int r;

	*out = (struct apt_conf_insecure){0};
	r = imgfile_list_dir(fs, "/etc/apt/apt.conf.d", &names);
	if (r < 0 && err_path)
		*err_path = xstrdup("/etc/apt/apt.conf.d");
	strv_push(&names, "../apt.conf");
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *p = streq(names.v[i], "../apt.conf") ? xstrdup("/etc/apt/apt.conf")
									  : xasprintf("/etc/apt/apt.conf.d/%s", names.v[i]);
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int e = imgfile_read(fs, p, APT_MAX_FILE, &buf, &len);
		if (e == -ENOENT || e == -SAFEFS_ENOTREG || e == -EISDIR)
			continue;
		if (e < 0) {
			r = e;
			if (err_path)
				*err_path = xstrdup(p);
		} else
			scan_conf(out, p, buf);
	}
	strv_free(&names);
	return r;
}

void aptsrc_conf_insecure_free(struct apt_conf_insecure *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].option);
	}
	free(c->v);
	*c = (struct apt_conf_insecure){0};
}
