/* SPDX-License-Identifier: Apache-2.0 */
/* redact-value: a secret inside an application's configuration or script is replaced by a fixed
 * marker, every other byte of the file kept, so the file still parses and runs (issue 14). */
#include "remediate.h"

#include <fcntl.h>
#include <openssl/evp.h>

#define INPLACE_MAX (16 << 20) /* as the other rewrites: a configuration file, not a data set */

static void sha256_hex(const char *buf, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		abort();
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int span_cmp(const void *a, const void *b)
{
	const struct rem_span *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

int inplace_redact(const char *buf, size_t len, const struct rem_span *spans, size_t n, struct strbuf *out,
		   char **why)
{
	_cleanup_free_ struct rem_span *v = NULL;
	size_t pos = 0, k = 0, start = out ? out->len : 0;
	unsigned lineno = 1;

	*why = NULL;
	if (memchr(buf, '\0', len)) {
		*why = xstrdup("not a text file (it holds NUL bytes): left as it is");
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	v = xreallocarray(NULL, n, sizeof *v);
	memcpy(v, spans, n * sizeof *v);
	qsort(v, n, sizeof *v, span_cmp);
	while (k < n && pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;
		/* the line's own bytes: without its "\n", or "\r\n" */
		size_t text = nl ? (size_t)(nl - buf) : len;
		if (text > pos && nl && buf[text - 1] == '\r')
			text--;
		size_t at = pos; /* copied up to here */

		for (; k < n && v[k].line == lineno; k++) {
			size_t from = pos + v[k].col, to = from + v[k].len;
			if (v[k].len == 0 || v[k].col > text - pos || v[k].len > text - pos - v[k].col) {
				*why = xasprintf("the secret's bytes %u-%u are not inside line %u (%zu bytes): the file "
						 "is not what was scanned", v[k].col, v[k].col + v[k].len, lineno, text - pos);
				goto fail;
			}
			/* overlapping spans (two rules on one value) become one marker */
			if (from < at) {
				if (to > at)
					at = to;
				continue;
			}
			if (out) {
				strbuf_append(out, buf + at, from - at);
				strbuf_puts(out, INPLACE_MARKER);
			}
			at = to;
		}
		if (out)
			strbuf_append(out, buf + at, end - at);
		if (k < n && v[k].line < lineno) /* line 0 */
			break;
		pos = end;
		lineno++;
		if (!nl)
			break;
	}
	if (k < n) {
		*why = xasprintf("line %u is not in the file (%u lines): the file is not what was scanned", v[k].line,
				 lineno - 1);
		goto fail;
	}
	if (out && pos < len)
		strbuf_append(out, buf + pos, len - pos);
	return 0;
fail:
	/* nothing of a refused file is handed on */
	if (out && out->buf) {
		explicit_bzero(out->buf + start, out->len - start);
		out->len = start;
		out->buf[start] = '\0';
	}
	return -EINVAL;
}

/* The redact-value item for PATH this plan already has (one rewrite per file), or NULL. */
static struct rem_item *item_for(struct rem_planner *p, const char *path)
{
	for (size_t i = 0; i < p->plan->n; i++) {
		struct rem_item *it = &p->plan->v[i];
		if (it->action && streq(it->action->id, "redact-value") && it->arg && streq(it->path, path))
			return it;
	}
	return NULL;
}

/* ARG lists the lines, for the plan and the manifest: "3,7". */
static void arg_add_line(struct rem_item *it, unsigned line)
{
	struct strv have = {0};
	char n[16];
	bool dup = false;

	snprintf(n, sizeof n, "%u", line);
	strv_split_commas(&have, it->arg);
	for (size_t k = 0; k < have.n; k++)
		dup |= streq(have.v[k], n);
	strv_free(&have);
	if (!dup) {
		char *a = xasprintf("%s,%s", it->arg, n);
		free(it->arg);
		it->arg = a;
	}
}

void inplace_plan(struct rem_planner *p, const struct cg_finding *f)
{
	struct rem_item *it = item_for(p, f->path);
	struct rem_span sp = {.line = f->line, .col = f->col, .len = f->span};
	_cleanup_free_ char *why = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	char line[16];
	int r;

	if (!f->line || !f->span) {
		rem_plan_refuse(p, "redact-value", f->path, "line %u: where the secret lies on it is not known (rule '%s'); "
				"remove it by hand", f->line, f->rule ? f->rule : "?");
		return;
	}
	if (it) {
		/* one item per file: a refused file stays refused as a whole */
		arg_add_line(it, f->line);
		if (it->state != REM_PLANNED)
			return;
	}
	if (p->refuse && !it) {
		snprintf(line, sizeof line, "%u", f->line);
		rem_plan_add(p, "redact-value", f->path, line);
		return;
	}
	/* judged now, so that the dry run says it: a text file, the span inside its line */
	_cleanup_close_ int fd = safefs_open_regular(&p->ctx->fs, f->path, &st);
	r = fd < 0 ? fd : safefs_read_fd(fd, INPLACE_MAX, &buf, &len);
	if (r < 0)
		why = xasprintf("cannot read it: %s", r == -EFBIG ? "larger than 16 MiB" : safefs_strerror(r));
	else
		inplace_redact(buf, len, &sp, 1, NULL, &why);
	if (why) {
		if (it && !it->nspans) {
			/* the first finding of the file decided the item */
			it->state = REM_REFUSED;
			free(it->reason);
			it->reason = why;
			why = NULL;
		} else if (it)
			/* the other secrets of the file are still redacted; this one is for people */
			rem_plan_refuse(p, "redact-value", f->path, "line %u: %s", f->line, why);
		else {
			snprintf(line, sizeof line, "%u", f->line);
			it = rem_plan_add(p, "redact-value", f->path, line);
			if (it->state == REM_PLANNED) {
				it->state = REM_REFUSED;
				it->reason = why;
				why = NULL;
			}
		}
	} else {
		if (!it) {
			snprintf(line, sizeof line, "%u", f->line);
			it = rem_plan_add(p, "redact-value", f->path, line);
			/* apply rewrites only the content seen here */
			sha256_hex(buf, len, it->planned_sha);
		}
		if (it->state == REM_PLANNED) {
			it->spans = xreallocarray(it->spans, it->nspans + 1, sizeof *it->spans);
			it->spans[it->nspans++] = sp;
		}
	}
	if (buf) {
		explicit_bzero(buf, len);
		free(buf);
	}
}

int inplace_apply(struct cg_ctx *ctx, struct rem_item *it, const struct rem_opts *o)
{
	struct stat st;
	char *buf = NULL, sha[65];
	size_t len = 0;
	struct strbuf out = {0};
	int r = rem_read_for_rewrite(ctx, it, &st, INPLACE_MAX, &buf, &len);

	if (r < 0)
		return r;
	sha256_hex(buf, len, sha);
	if (it->planned_sha[0] && !streq(sha, it->planned_sha)) {
		it->reason = xstrdup("its content changed since the plan; left untouched");
		r = -ECANCELED;
	} else if (inplace_redact(buf, len, it->spans, it->nspans, &out, &it->reason) < 0)
		r = -EINVAL;
	else {
		/* owner, mode and extended attributes kept (safefs_write_atomic copies the xattrs) */
		r = safefs_write_atomic(&ctx->fs, it->path, out.buf ? out.buf : "", out.len, st.st_mode, st.st_uid,
					st.st_gid, it->have_st ? &it->st : NULL);
		if (r == 0) {
			sha256_hex(out.buf ? out.buf : "", out.len, it->sha256_after);
			it->have_after = true;
		}
	}
	explicit_bzero(buf, len);
	free(buf);
	if (out.buf)
		explicit_bzero(out.buf, out.len);
	strbuf_free(&out);
	return r;
}
