/* SPDX-License-Identifier: Apache-2.0 */
/* PAM configuration parsing as libpam's pam_handlers.c: one rule per logical line, '#' comments,
 * bracketed controls and arguments, "type include|substack file", and Debian's "@include file". */
#include "pamstack.h"

#include <ctype.h>

#include "imgdir.h"
#include "imgfile.h"

#define PAM_MAX_FILE (1 << 20)
#define PAM_MAX_DEPTH 16
/* Files read per stack: a file that includes itself twice would otherwise be read 2^16 times. */
#define PAM_MAX_FILES 256
/* and what one stack may hold: real stacks have dozens of rules, a hostile image could make
 * 256 includes of a 1 MiB file */
#define PAM_MAX_BYTES (1 << 20)
#define PAM_MAX_RULES 4096
#define PAM_DIR "/etc/pam.d"
/* libpam built with --enable-vendordir (openSUSE Tumbleweed, SLE 16): a name /etc/pam.d does not
 * have is read from here */
#define PAM_VENDOR_DIR "/usr/lib/pam.d"

struct pstate {
	struct pamstack *st;
	const struct safefs *fs;
	unsigned depth;
	unsigned files;
	size_t bytes;
	bool truncated;
};

static void diag(struct pamstack *st, const char *file, unsigned line, const char *what)
{
	_cleanup_free_ char *m = xasprintf("%s:%u: %s", file, line, what);
	strv_push(&st->diags, m);
}

/* Next word; a word starting with '[' runs to the matching ']' (blanks inside kept). */
static char *next_word(char **p)
{
	char *s = *p, *start;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	start = s;
	if (*s == '[') {
		char *e = strchr(s, ']');
		s = e ? e + 1 : s + strlen(s);
		/* a bracketed argument may run on, as in "[foo]bar"; stop at the next blank */
		while (*s && !isspace((unsigned char)*s))
			s++;
	} else
		while (*s && !isspace((unsigned char)*s))
			s++;
	char *w = xstrndup(start, (size_t)(s - start));
	*p = s;
	return w;
}

static void parse_file(struct pstate *ps, const char *path, const char *only_type, const char *from, unsigned line);

/* Where libpam reads the configuration NAME from: /etc/pam.d, or the vendor directory when /etc
 * has no such name and the vendor directory has (an absolute name is itself). */
static char *pam_path(const struct safefs *fs, const char *name)
{
	if (name[0] == '/')
		return xstrdup(name);
	_cleanup_free_ char *etc = xasprintf(PAM_DIR "/%s", name);
	_cleanup_free_ char *vendor = xasprintf(PAM_VENDOR_DIR "/%s", name);
	return xstrdup(fs ? imgfile_etc_or_vendor(fs, etc, vendor, NULL) : etc);
}

static void parse_line(struct pstate *ps, const char *path, unsigned lineno, char *line, const char *only_type)
{
	char *p = line;
	_cleanup_free_ char *type = next_word(&p);
	bool silent = false;

	if (!type)
		return;
	if (streq(type, "@include")) {
		_cleanup_free_ char *name = next_word(&p);
		if (!name) {
			diag(ps->st, path, lineno, "@include without a file");
			return;
		}
		_cleanup_free_ char *target = pam_path(ps->fs, name);
		parse_file(ps, target, only_type, path, lineno);
		return;
	}
	_cleanup_free_ char *control = next_word(&p);
	_cleanup_free_ char *module = next_word(&p);
	const char *t = type;
	if (*t == '-') {
		silent = true;
		t++;
	}
	if (!streq(t, "auth") && !streq(t, "account") && !streq(t, "password") && !streq(t, "session")) {
		diag(ps->st, path, lineno, "unknown module type");
		return;
	}
	if (!control || !module) {
		diag(ps->st, path, lineno, "rule without a control or a module");
		return;
	}
	if (only_type && !streq(t, only_type))
		return;
	if (streq(control, "include") || streq(control, "substack")) {
		_cleanup_free_ char *target = pam_path(ps->fs, module);
		parse_file(ps, target, t, path, lineno);
		return;
	}
	if (ps->st->n >= PAM_MAX_RULES) {
		if (!ps->truncated)
			diag(ps->st, path, lineno, "more than 4096 rules: the rest of the stack is ignored");
		ps->truncated = true;
		return;
	}
	ps->st->v = xgrowarray(ps->st->v, &ps->st->cap, ps->st->n + 1, sizeof *ps->st->v);
	struct pam_entry *e = &ps->st->v[ps->st->n++];
	*e = (struct pam_entry){.file = xstrdup(path), .line = lineno, .type = xstrdup(t), .silent = silent,
				.control = xstrdup(control), .module = xstrdup(module)};
	for (char *w; (w = next_word(&p));) {
		strv_push(&e->args, w);
		free(w);
	}
}

static void parse_text(struct pstate *ps, const char *path, const char *text, const char *only_type)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct strbuf logical = {0};
	unsigned lineno = 0, start = 0;
	char *next;

	strv_push(&ps->st->files, path);
	for (char *line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		size_t len = strlen(line);
		if (!logical.len)
			start = lineno;
		if (len && line[len - 1] == '\\') {
			strbuf_append(&logical, line, len - 1);
			strbuf_append(&logical, " ", 1);
			continue;
		}
		strbuf_append(&logical, line, len);
		parse_line(ps, path, start, logical.buf, only_type);
		strbuf_truncate(&logical, 0);
	}
	if (logical.len)
		parse_line(ps, path, start, logical.buf, only_type);
	strbuf_free(&logical);
}

static void parse_file(struct pstate *ps, const char *path, const char *only_type, const char *from, unsigned line)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	if (!ps->fs)
		return; /* text parsed without an image: includes are not followed */
	/* every include counts, followed or not: a file of include lines at the depth limit would
	 * otherwise add one diagnostic per line per file read */
	if (++ps->files > PAM_MAX_FILES) {
		if (ps->files == PAM_MAX_FILES + 1)
			diag(ps->st, from, line, "more than 256 includes: an include loop");
		return;
	}
	if (ps->depth >= PAM_MAX_DEPTH) {
		diag(ps->st, from, line, "includes nested too deeply");
		return;
	}
	r = imgfile_read(ps->fs, path, PAM_MAX_FILE, &buf, NULL);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR && r != -ELOOP && r != -EFBIG) {
		if (ps->st->io_err == 0) {
			ps->st->io_err = r;
			ps->st->io_path = xstrdup(path);
		}
		return;
	}
	if (r < 0) {
		_cleanup_free_ char *m = xasprintf("cannot read '%s': %s", path, safefs_strerror(r));
		diag(ps->st, from, line, m);
		return;
	}
	ps->bytes += strlen(buf);
	if (ps->bytes > PAM_MAX_BYTES) {
		diag(ps->st, from, line, "includes add up to more than 1 MiB: not followed");
		return;
	}
	ps->depth++;
	parse_text(ps, path, buf, only_type);
	ps->depth--;
}

void pamstack_parse_text(struct pamstack *st, const struct safefs *fs, const char *path, const char *text,
			 const char *only_type)
{
	struct pstate ps = {.st = st, .fs = fs};
	parse_text(&ps, path, text, only_type);
}

int pamstack_load(const struct safefs *fs, const char *service, struct pamstack *st)
{
	struct pstate ps = {.st = st, .fs = fs};
	_cleanup_free_ char *path = pam_path(fs, service);
	_cleanup_free_ char *buf = NULL;
	int r = imgfile_read(fs, path, PAM_MAX_FILE, &buf, NULL);

	if (r < 0)
		return r;
	parse_text(&ps, path, buf, NULL);
	return st->io_err;
}

const struct pam_entry *pamstack_find_arg(const struct pamstack *st, const char *type, const char *module,
					  const char *key)
{
	for (size_t i = 0; i < st->n; i++) {
		const char *m = strrchr(st->v[i].module, '/');
		m = m ? m + 1 : st->v[i].module;
		if (streq(st->v[i].type, type) && streq(m, module) && (!key || pamstack_arg(&st->v[i], key)))
			return &st->v[i];
	}
	return NULL;
}

const struct pam_entry *pamstack_find(const struct pamstack *st, const char *type, const char *module)
{
	return pamstack_find_arg(st, type, module, NULL);
}

const char *pamstack_arg(const struct pam_entry *e, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < e->args.n; i++) {
		const char *a = e->args.v[i];
		if (strncmp(a, key, n) == 0 && (a[n] == '\0' || a[n] == '='))
			return a[n] ? a + n + 1 : a + n;
	}
	return NULL;
}

void pamstack_free(struct pamstack *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].file);
		free(st->v[i].type);
		free(st->v[i].control);
		free(st->v[i].module);
		strv_free(&st->v[i].args);
	}
	free(st->v);
	strv_free(&st->files);
	strv_free(&st->diags);
	free(st->io_path);
	*st = (struct pamstack){0};
}
