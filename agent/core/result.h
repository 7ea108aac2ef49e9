/* SPDX-License-Identifier: Apache-2.0 */
/* What one check found: its status, findings (already redacted) and errors. */
#pragma once
#include <pthread.h>
#include <stddef.h>

#include "severity.h"
#include "util.h"

struct cg_check;

enum cg_status { CG_PASS, CG_FAIL, CG_ERROR, CG_SKIP };

struct cg_finding {
	char *path;     /* as seen inside the image */
	unsigned line;  /* 0 when the finding is not about a line */
	unsigned col;   /* byte offset of the secret within LINE (with SPAN) */
	unsigned span;  /* length of the secret in bytes; 0: where it lies is not known */
	char *rule;     /* sub-rule, or NULL */
	char *evidence; /* redacted, or NULL */
	char *message;
};

struct cg_error {
	char *path;
	char *message;
};

struct cg_result {
	const struct cg_check *check;
	enum cg_severity severity; /* effective severity after config */
	enum cg_status status;
	char *skip_reason;
	struct cg_finding *findings;
	size_t nfindings, omitted;
	struct cg_error *errors;
	size_t nerrors;
	const struct strv *exclude;        /* checks.<id>.exclude: findings on these paths are dropped */
	const struct strv *global_exclude; /* scan.exclude: the same, for every check */
	size_t max_findings;        /* beyond this only a count is kept */
	unsigned long long duration_ms;
	pthread_mutex_t lock;       /* checks may report from worker threads */
};

void result_init(struct cg_result *r, const struct cg_check *check, enum cg_severity sev);
void result_free(struct cg_result *r);

/* Record a finding. EVIDENCE must already be redacted (redact_secret()) or be harmless. */
void result_add_finding(struct cg_result *r, const char *path, unsigned line, const char *rule,
			const char *evidence, const char *fmt, ...) _printf_(6, 7);
/* The same, for a secret whose bytes are known: SPAN bytes at byte COL of LINE (redact-value
 * replaces exactly those; SPAN 0: not known). Not part of any report. */
void result_add_finding_at(struct cg_result *r, const char *path, unsigned line, unsigned col, unsigned span,
			   const char *rule, const char *evidence, const char *fmt, ...) _printf_(8, 9);
/* Record that PATH could not be judged; ERR is a -errno. The check's status becomes error. */
void result_add_error(struct cg_result *r, const char *path, int err, const char *fmt, ...) _printf_(4, 5);
/* The check does not apply here (offline-only data, wrong distro, ...). */
void result_skip(struct cg_result *r, const char *fmt, ...) _printf_(2, 3);
/* Settle the status from what was recorded and the check's return code. */
void result_finish(struct cg_result *r, int rc);

const char *result_status_name(enum cg_status s);
