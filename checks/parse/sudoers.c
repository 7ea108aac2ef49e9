/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers parsing: logical lines, #include/@include (relative to the including file),
 * #includedir/@includedir (names without '.' or trailing '~', lexical order), Defaults,
 * aliases and user specifications with their tags. */
#include "sudoers.h"

#include <ctype.h>
#include <strings.h>

#include "imgdir.h"
#include "imgfile.h"

#define SUDOERS_MAX_FILE (1 << 20)
#define SUDOERS_MAX_DEPTH 128 /* sudo's own include depth limit */
/* Files read per load: a file that includes itself twice would otherwise be read 2^128 times. */
#define SUDOERS_MAX_FILES 256
#define SUDOERS_MAX_TOTAL (1 << 20) /* bytes read through includes, all files together */

struct pstate {
	struct sudoers *s;
	const struct safefs *fs;
	unsigned depth;
	unsigned files;
	unsigned includes; /* include directives met, followed or not */
	size_t bytes;      /* read through includes */
};

static void diag(struct sudoers *s, const char *file, unsigned line, const char *fmt, ...) _printf_(4, 5);
static void diag(struct sudoers *s, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory)");
	va_end(ap);
	if (s->ndiags >= SUDOERS_MAX_DIAGS) {
		/* a hostile file can have a million bad lines: the first ones and one summary */
		struct sudoers_diag *last = &s->diags[SUDOERS_MAX_DIAGS - 1];
		if (!streq(last->msg, "further diagnostics dropped")) {
			free(last->msg);
			free(last->file);
			last->msg = xstrdup("further diagnostics dropped");
			last->file = xstrdup(file);
			last->line = line;
		}
		free(msg);
		return;
	}
	s->diags = xgrowarray(s->diags, &s->capdiags, s->ndiags + 1, sizeof *s->diags);
	s->diags[s->ndiags++] = (struct sudoers_diag){.file = xstrdup(file), .line = line, .msg = msg};
}

static void io_fail(struct sudoers *s, const char *path, int err)
{
	if (s->io_err == 0) {
		s->io_err = err;
		s->io_path = xstrdup(path);
	}
}

bool sudoers_includedir_name_ok(const char *name)
{
	return *name && !strchr(name, '.') && !endswith(name, "~");
}

static void parse_file(struct pstate *ps, const char *path);

static void include_dir(struct pstate *ps, const char *dir)
{
	struct strv names = {0};
	int r;

	if (!ps->fs)
		return;
	r = imgfile_list_dir(ps->fs, dir, &names);

	if (r < 0) {
		io_fail(ps->s, dir, r);
		return;
	}
	for (size_t i = 0; i < names.n; i++) {
		if (!sudoers_includedir_name_ok(names.v[i]))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
		struct stat st;
		int e = safefs_lstat(ps->fs, p, &st);
		if (e < 0 && e != -ENOENT) {
			io_fail(ps->s, p, e);
			continue;
		}
		if (e == 0 && S_ISDIR(st.st_mode))
			continue;
		parse_file(ps, p);
	}
	strv_free(&names);
}

/* Relative include paths are relative to the directory of the including file (sudo >= 1.9.1). */
static char *resolve_rel(const char *from, const char *arg)
{
	const char *slash = strrchr(from, '/');
	if (arg[0] == '/')
		return xstrdup(arg);
	return xasprintf("%.*s/%s", (int)(slash ? slash - from : 0), from, arg);
}

/* The argument of an include directive: one word, or a double-quoted string. */
static char *directive_arg(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		const char *end = strchr(p + 1, '"');
		return end ? xstrndup(p + 1, (size_t)(end - p - 1)) : NULL;
	}
	size_t n = strcspn(p, " \t");
	return n ? xstrndup(p, n) : NULL;
}

/* Strip a comment: '#' not followed by a digit (which is a uid or gid), outside quotes. */
static void strip_comment(char *line)
{
	bool q = false;
	for (char *p = line; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (*p == '#' && !q && !isdigit((unsigned char)p[1])) {
			*p = '\0';
			return;
		}
	}
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Split S at top-level commas (outside parentheses and quotes; "\," escapes), trimmed. */
static void split_top(struct strv *out, const char *s)
{
	struct strbuf cur = {0};
	int depth = 0;
	bool q = false;

	strbuf_append(&cur, "", 0);
	for (const char *p = s;; p++) {
		if (*p == '\\' && p[1]) {
			strbuf_append(&cur, p, 2);
			p++;
			continue;
		}
		if (!*p || (*p == ',' && !depth && !q)) {
			_cleanup_free_ char *item = xstrdup(cur.buf);
			char *t = trim(item);
			if (*t)
				strv_push(out, t);
			strbuf_truncate(&cur, 0);
			if (!*p)
				break;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (*p == '(' && !q)
			depth++;
		else if (*p == ')' && !q && depth)
			depth--;
		strbuf_append(&cur, p, 1);
	}
	strbuf_free(&cur);
}

static const char *const tags[] = {
	"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT",
	"LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
};
static const char *const options[] = {"CWD=", "CHROOT=", "ROLE=", "TYPE=", "TIMEOUT=", "NOTBEFORE=", "NOTAFTER=",
				       "APPARMOR_PROFILE=", "PRIVS=", "LIMITPRIVS="};

/* Walk a Cmnd_Spec_List: runas "(...)", options and tags before each command; tags carry over
 * to the following commands of the same rule, as in sudo. */
static void judge_commands(struct sudo_rule *r, const char *rhs)
{
	struct strv items = {0};
	bool nopasswd = false;

	split_top(&items, rhs);
	for (size_t i = 0; i < items.n; i++) {
		const char *p = items.v[i];
		for (;;) {
			bool progressed = false;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '(') {
				const char *e = strchr(p, ')');
				p = e ? e + 1 : p + strlen(p);
				continue;
			}
			for (size_t t = 0; t < ELEMENTSOF(tags) && !progressed; t++) {
				size_t n = strlen(tags[t]);
				if (strncmp(p, tags[t], n) == 0 && p[n] == ':') {
					if (streq(tags[t], "NOPASSWD"))
						nopasswd = true;
					else if (streq(tags[t], "PASSWD"))
						nopasswd = false;
					p += n + 1;
					progressed = true;
				}
			}
			for (size_t o = 0; o < ELEMENTSOF(options) && !progressed; o++)
				if (startswith(p, options[o])) {
					p += strcspn(p, " \t");
					progressed = true;
				}
			if (!progressed)
				break;
		}
		/* what is left is the command (a trailing ": host = ..." group is not split off) */
		size_t n = strcspn(p, " \t:");
		bool is_all = n == 3 && strncmp(p, "ALL", 3) == 0;
		r->all_cmds |= is_all;
		r->nopasswd |= nopasswd;
		r->nopasswd_all |= nopasswd && is_all;
	}
	strv_free(&items);
}

static struct sudo_rule *rule_new(struct sudoers *s, enum sudo_kind kind, const char *file, unsigned line,
				  const char *text)
{
	s->v = xgrowarray(s->v, &s->cap, s->n + 1, sizeof *s->v);
	struct sudo_rule *r = &s->v[s->n++];
	*r = (struct sudo_rule){.kind = kind, .file = xstrdup(file), .line = line, .text = xstrdup(text)};
	return r;
}

static const char *const alias_types[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias"};

static void parse_logical(struct pstate *ps, const char *path, unsigned lineno, char *line)
{
	char *t = trim(line);

	/* include directives: sudo 1.9 spells them with '@', older files with '#' */
	if ((t[0] == '#' || t[0] == '@') && startswith(t + 1, "include")) {
		bool dir = startswith(t + 1, "includedir");
		if (!isspace((unsigned char)t[dir ? 11 : 8]))
			goto not_directive; /* "#includes ..." is a comment */
		_cleanup_free_ char *arg = directive_arg(t + (dir ? 11 : 8));
		if (!arg) {
			diag(ps->s, path, lineno, "include directive without a path");
			return;
		}
		_cleanup_free_ char *target = resolve_rel(path, arg);
		/* counted before the depth limit and the directory listing: a file of include lines
		 * that names itself would otherwise cost one diagnostic or listing per line per file */
		if (++ps->includes > SUDOERS_MAX_FILES) {
			if (ps->includes == SUDOERS_MAX_FILES + 1)
				diag(ps->s, path, lineno, "more than %d include directives: an include loop; not followed",
				     SUDOERS_MAX_FILES);
			return;
		}
		if (ps->depth + 1 > SUDOERS_MAX_DEPTH) {
			diag(ps->s, path, lineno, "includes nested too deeply at '%s'", target);
			return;
		}
		ps->depth++;
		if (dir)
			include_dir(ps, target);
		else
			parse_file(ps, target);
		ps->depth--;
		return;
	}
not_directive:
	strip_comment(t);
	t = trim(t);
	if (!*t)
		return;

	if (startswith(t, "Defaults") && (!t[8] || strchr(" \t:@!>", t[8]))) {
		struct sudo_rule *r = rule_new(ps->s, SUDO_DEFAULTS, path, lineno, t);
		const char *p = t + 8;
		size_t n = strcspn(p, " \t");
		r->binding = xstrndup(p, n);
		split_top(&r->settings, p + n);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(alias_types); i++) {
		size_t n = strlen(alias_types[i]);
		if (strncmp(t, alias_types[i], n) == 0 && isspace((unsigned char)t[n])) {
			/* NAME = a, b : NAME2 = c */
			_cleanup_free_ char *copy = xstrdup(t + n);
			char *save = NULL;
			for (char *part = strtok_r(copy, ":", &save); part; part = strtok_r(NULL, ":", &save)) {
				char *eq = strchr(part, '=');
				if (!eq) {
					diag(ps->s, path, lineno, "alias definition without '='");
					continue;
				}
				*eq = '\0';
				struct sudo_rule *r = rule_new(ps->s, SUDO_ALIAS, path, lineno, t);
				r->binding = xstrdup(alias_types[i]);
				r->name = xstrdup(trim(part));
				split_top(&r->users, eq + 1);
			}
			return;
		}
	}

	/* User_List Host_List = Cmnd_Spec_List: the first top-level '=' ends the host list */
	int depth = 0;
	char *eq = NULL;
	for (char *p = t; *p && !eq; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth)
			depth--;
		else if (*p == '=' && !depth)
			eq = p;
	}
	if (!eq) {
		diag(ps->s, path, lineno, "not a sudoers rule (no '='): sudo would refuse the whole file");
		return;
	}
	struct sudo_rule *r = rule_new(ps->s, SUDO_USERSPEC, path, lineno, t);
	_cleanup_free_ char *lhs = xstrndup(t, (size_t)(eq - t));
	/* blanks after commas do not end the user list; the first other blank does */
	struct strbuf users = {0};
	const char *p = trim(lhs);
	strbuf_append(&users, "", 0);
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			strbuf_append(&users, p, 2);
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			const char *q = p;
			while (isspace((unsigned char)*q))
				q++;
			bool after_comma = users.len && users.buf[users.len - 1] == ',';
			if (*q == ',' || after_comma) {
				p = q - 1;
				continue;
			}
			break;
		}
		strbuf_append(&users, p, 1);
	}
	split_top(&r->users, users.buf);
	strbuf_free(&users);
	judge_commands(r, eq + 1);
}

static void parse_text(struct pstate *ps, const char *path, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct strbuf logical = {0};
	unsigned lineno = 0, start = 0;
	char *next;

	strv_push(&ps->s->files, path);
	for (char *line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!logical.len)
			start = lineno;
		if (len && line[len - 1] == '\\') {
			strbuf_append(&logical, line, len - 1);
			strbuf_append(&logical, " ", 1);
			continue;
		}
		strbuf_append(&logical, line, len);
		parse_logical(ps, path, start, logical.buf);
		strbuf_truncate(&logical, 0);
	}
	if (logical.len)
		parse_logical(ps, path, start, logical.buf);
	strbuf_free(&logical);
}

static void parse_file(struct pstate *ps, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	if (!ps->fs)
		return; /* text parsed without an image: includes are not followed */
	if (++ps->files > SUDOERS_MAX_FILES) {
		if (ps->files == SUDOERS_MAX_FILES + 1)
			diag(ps->s, path, 0, "more than %d included files read: an include loop; not read", SUDOERS_MAX_FILES);
		return;
	}
	r = imgfile_read(ps->fs, path, SUDOERS_MAX_FILE, &buf, NULL);

	if (r == -ENOENT || r == -ENOTDIR || r == -ELOOP || r == -EFBIG) {
		diag(ps->s, path, 0, "cannot read: %s", safefs_strerror(r));
		return;
	}
	if (r < 0) {
		io_fail(ps->s, path, r);
		return;
	}
	ps->bytes += strlen(buf);
	if (ps->bytes > SUDOERS_MAX_TOTAL) {
		diag(ps->s, path, 0, "included files add up to more than 1 MiB; not read");
		return;
	}
	parse_text(ps, path, buf);
}

void sudoers_parse_text(struct sudoers *s, const struct safefs *fs, const char *path, const char *text)
{
	struct pstate ps = {.s = s, .fs = fs};
	parse_text(&ps, path, text);
}

int sudoers_load(const struct safefs *fs, struct sudoers *s)
{
	struct pstate ps = {.s = s, .fs = fs};
	_cleanup_free_ char *buf = NULL;
	int r = imgfile_read(fs, SUDOERS_MAIN, SUDOERS_MAX_FILE, &buf, NULL);

	if (r < 0)
		return r;
	parse_text(&ps, SUDOERS_MAIN, buf);
	return 0;
}

bool sudoers_is_user_alias(const struct sudoers *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == SUDO_ALIAS && streq(s->v[i].binding, "User_Alias") && streq(s->v[i].name, name))
			return true;
	return false;
}

void sudoers_free(struct sudoers *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		free(s->v[i].text);
		free(s->v[i].binding);
		free(s->v[i].name);
		strv_free(&s->v[i].users);
		strv_free(&s->v[i].settings);
	}
	free(s->v);
	for (size_t i = 0; i < s->ndiags; i++) {
		free(s->diags[i].file);
		free(s->diags[i].msg);
	}
	free(s->diags);
	free(s->io_path);
	strv_free(&s->files);
	*s = (struct sudoers){0};
}
