/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers user lines by exact name: what waagent gets wrong (it drops every line that contains
 * the name as a substring, and only in sudoers.d/waagent; research/deprovision.md §1). */
#include "sudoedit.h"

#include <ctype.h>

/* One logical line: [start, end) in the text, continuations included, and where its user list is. */
struct lline {
	size_t start, end;     /* physical bytes, end past the last newline */
	unsigned line;
	size_t list_at, list_len; /* the user list inside the text; list_len 0: not a user line */
};

static bool is_keyword(const char *s, size_t n, const char *kw)
{
	size_t k = strlen(kw);
	return n >= k && memcmp(s, kw, k) == 0 && (n == k || !isalnum((unsigned char)s[k]) || s[k] == ':');
}

/* Locate the user list of the logical line that starts at P (already past leading blanks). */
static void find_list(const char *text, struct lline *l, size_t p)
{
	const char *s = text + p;
	size_t n = l->end - p;

	l->list_len = 0;
	if (n == 0 || *s == '#' || *s == '\n' || *s == '@')
		return;
	if (is_keyword(s, n, "User_Alias") || is_keyword(s, n, "Runas_Alias") || is_keyword(s, n, "Host_Alias") ||
	    is_keyword(s, n, "Cmnd_Alias") || is_keyword(s, n, "Cmd_Alias"))
		return;
	if (is_keyword(s, n, "Defaults")) {
		if (n <= 8 || s[8] != ':')
			return;
		p += 9;
	}
	/* the list: items separated by commas (blanks allowed around them), ends at other blanks */
	size_t q = p;
	for (;;) {
		while (q < l->end && !isspace((unsigned char)text[q]) && text[q] != ',')
			q++;
		size_t r = q;
		while (r < l->end && (text[r] == ' ' || text[r] == '\t'))
			r++;
		if (r < l->end && text[r] == ',') {
			q = r + 1;
			while (q < l->end && (text[q] == ' ' || text[q] == '\t'))
				q++;
			continue;
		}
		break;
	}
	l->list_at = p;
	l->list_len = q - p;
}

static size_t next_lline(const char *text, size_t len, size_t pos, unsigned *lineno, struct lline *l)
{
	size_t p = pos;

	l->start = pos;
	l->line = *lineno;
	for (;;) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - text) : len;
		(*lineno)++;
		p = nl ? e + 1 : len;
		if (!(e > pos && text[e - 1] == '\\' && nl))
			break;
	}
	l->end = p;
	size_t b = pos;
	while (b < p && (text[b] == ' ' || text[b] == '\t'))
		b++;
	find_list(text, l, b);
	return p;
}

/* Call FN for each item of the list: [a, b) offsets. */
static bool list_names(const char *text, const struct lline *l, const char *user)
{
	size_t i = l->list_at, end = l->list_at + l->list_len, ulen = strlen(user);

	while (i < end) {
		size_t j = i;
		while (j < end && text[j] != ',' && !isspace((unsigned char)text[j]))
			j++;
		size_t a = i, b = j;
		if (b - a >= 2 && text[a] == '"' && text[b - 1] == '"')
			a++, b--;
		if (b - a == ulen && memcmp(text + a, user, ulen) == 0)
			return true;
		i = j;
		while (i < end && (text[i] == ',' || isspace((unsigned char)text[i])))
			i++;
	}
	return false;
}

void sudoedit_find(const char *text, const char *user, void (*fn)(unsigned line, void *ud), void *ud)
{
	size_t len = strlen(text), pos = 0;
	unsigned lineno = 1;

	while (pos < len) {
		struct lline l;
		pos = next_lline(text, len, pos, &lineno, &l);
		if (l.list_len && list_names(text, &l, user))
			fn(l.line, ud);
	}
}

void sudoedit_users(const char *text, struct strv *out)
{
	size_t len = strlen(text), pos = 0;
	unsigned lineno = 1;

	while (pos < len) {
		struct lline l;
		pos = next_lline(text, len, pos, &lineno, &l);
		if (!l.list_len || startswith(text + l.list_at - (l.list_at >= 9 ? 9 : 0), "Defaults:"))
			continue;
		size_t i = l.list_at, end = l.list_at + l.list_len;
		while (i < end) {
			size_t j = i;
			while (j < end && text[j] != ',' && !isspace((unsigned char)text[j]))
				j++;
			if (j > i && text[i] != '%' && text[i] != '+' && text[i] != '!' && text[i] != '#' &&
			    !isupper((unsigned char)text[i])) {
				_cleanup_free_ char *name = xstrndup(text + i, j - i);
				bool dup = false;
				for (size_t k = 0; k < out->n; k++)
					dup |= streq(out->v[k], name);
				if (!dup)
					strv_push(out, name);
			}
			i = j;
			while (i < end && (text[i] == ',' || isspace((unsigned char)text[i])))
				i++;
		}
	}
}

size_t sudoedit_remove_user(const char *text, size_t len, const char *user, struct strbuf *out)
{
	size_t pos = 0, changed = 0, ulen = strlen(user);
	unsigned lineno = 1;

	while (pos < len) {
		struct lline l;
		pos = next_lline(text, len, pos, &lineno, &l);
		if (!l.list_len || !list_names(text, &l, user)) {
			strbuf_append(out, text + l.start, l.end - l.start);
			continue;
		}
		changed++;
		/* rebuild the list without USER; drop the line when nothing is left */
		struct strbuf keep = {0};
		size_t i = l.list_at, end = l.list_at + l.list_len;
		while (i < end) {
			size_t j = i;
			while (j < end && text[j] != ',' && !isspace((unsigned char)text[j]))
				j++;
			size_t a = i, b = j;
			if (b - a >= 2 && text[a] == '"' && text[b - 1] == '"')
				a++, b--;
			if (!(b - a == ulen && memcmp(text + a, user, ulen) == 0)) {
				if (keep.len)
					strbuf_puts(&keep, ",");
				strbuf_append(&keep, text + i, j - i);
			}
			i = j;
			while (i < end && (text[i] == ',' || isspace((unsigned char)text[i])))
				i++;
		}
		if (keep.len) {
			strbuf_append(out, text + l.start, l.list_at - l.start);
			strbuf_append(out, keep.buf, keep.len);
			strbuf_append(out, text + end, l.end - end);
		}
		strbuf_free(&keep);
	}
	if (!out->buf)
		strbuf_append(out, "", 0);
	return changed;
}
