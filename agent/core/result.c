/* SPDX-License-Identifier: Apache-2.0 */
/* Collecting findings and errors for one check, thread-safe, with path excludes applied. */
#include "result.h"

#include <fnmatch.h>

#include "safefs.h"

#define DEFAULT_MAX_FINDINGS 1000

void result_init(struct cg_result *r, const struct cg_check *check, enum cg_severity sev)
{
	*r = (struct cg_result){.check = check, .severity = sev, .max_findings = DEFAULT_MAX_FINDINGS};
	pthread_mutex_init(&r->lock, NULL);
}

void result_free(struct cg_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].path);
		free(r->findings[i].rule);
		free(r->findings[i].evidence);
		free(r->findings[i].message);
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		free(r->errors[i].path);
		free(r->errors[i].message);
	}
	free(r->findings);
	free(r->errors);
	free(r->skip_reason);
	pthread_mutex_destroy(&r->lock);
}

__attribute__((format(printf, 8, 0)))
static void add_finding_v(struct cg_result *r, const char *path, unsigned line, unsigned col, unsigned span,
			  const char *rule, const char *evidence, const char *fmt, va_list ap)
{
	char *msg;

	if (path && ((r->exclude && strv_match_glob(r->exclude, path)) ||
		     (r->global_exclude && strv_match_glob(r->global_exclude, path))))
		return;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();

	pthread_mutex_lock(&r->lock);
	if (r->nfindings >= r->max_findings) {
		r->omitted++;
		free(msg);
	} else {
		r->findings = xreallocarray(r->findings, r->nfindings + 1, sizeof *r->findings);
		r->findings[r->nfindings++] = (struct cg_finding){
			.path = xstrdup(path ? path : ""), .line = line, .col = span ? col : 0, .span = span,
			.rule = rule ? xstrdup(rule) : NULL,
			.evidence = evidence ? xstrdup(evidence) : NULL, .message = msg,
		};
	}
	pthread_mutex_unlock(&r->lock);
}

void result_add_finding(struct cg_result *r, const char *path, unsigned line, const char *rule,
			const char *evidence, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding_v(r, path, line, 0, 0, rule, evidence, fmt, ap);
	va_end(ap);
}

void result_add_finding_at(struct cg_result *r, const char *path, unsigned line, unsigned col, unsigned span,
			   const char *rule, const char *evidence, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding_v(r, path, line, col, span, rule, evidence, fmt, ap);
	va_end(ap);
}

void result_add_error(struct cg_result *r, const char *path, int err, const char *fmt, ...)
{
	struct strbuf sb = {0};

	if (fmt) {
		va_list ap;
		char *msg;
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			abort();
		va_end(ap);
		strbuf_puts(&sb, msg);
		free(msg);
		if (err)
			strbuf_puts(&sb, ": ");
	}
	if (err)
		strbuf_puts(&sb, safefs_strerror(err));

	pthread_mutex_lock(&r->lock);
	r->errors = xreallocarray(r->errors, r->nerrors + 1, sizeof *r->errors);
	r->errors[r->nerrors++] = (struct cg_error){.path = xstrdup(path ? path : ""), .message = sb.buf};
	pthread_mutex_unlock(&r->lock);
}

void result_skip(struct cg_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->skip_reason);
	va_start(ap, fmt);
	if (vasprintf(&r->skip_reason, fmt, ap) < 0)
		abort();
	va_end(ap);
}

void result_finish(struct cg_result *r, int rc)
{
	if (rc < 0 && r->nerrors == 0)
		result_add_error(r, NULL, rc, "check failed");
	if (r->nerrors > 0)
		r->status = CG_ERROR;
	else if (r->nfindings > 0 || r->omitted > 0)
		r->status = CG_FAIL;
	else if (r->skip_reason)
		r->status = CG_SKIP;
	else
		r->status = CG_PASS;
}

const char *result_status_name(enum cg_status s)
{
	switch (s) {
	case CG_PASS: return "pass";
	case CG_FAIL: return "fail";
	case CG_ERROR: return "error";
	case CG_SKIP: return "skip";
	}
	return "unknown";
}
