/* SPDX-License-Identifier: Apache-2.0 */
/* A scan: select checks, run them against the context, settle the verdict. */
#pragma once
#include <jansson.h>
#include <stdatomic.h>
#include <time.h>

#include "ctx.h"
#include "registry.h"
#include "result.h"

enum cg_verdict { CG_READY, CG_BLOCKED, CG_VERDICT_ERROR };

struct cg_selection {
	struct strv only, skip; /* globs over check ids, from the command line */
	const char *profile;    /* NULL: config's, else "baseline" */
	int fail_on;            /* -1: config's */
};

struct cg_report {
	char *root;
	const char *mode;
	time_t started_at;
	unsigned long long duration_ms;
	enum cg_severity fail_on;
	char *profile;
	struct cg_result *results;
	size_t n;
	enum cg_verdict verdict;
	json_t *actions; /* what remediation did (array), or NULL */
	char *run_id;    /* the daemon's run this report is of (capgate wait), or NULL */
	/* what `capgate fix` does with a check ("fix", "guarded", "refused", "report-only"), for the
	 * writers that say it (JUnit); NULL: they do not. The CLI sets it (remediate_label). */
	const char *(*fix_label)(const struct cg_check *c);
};

/* Built-in profiles: a name and the checks it selects. */
struct cg_profile {
	const char *name;
	const char *description;
	const char *only; /* comma-separated globs; NULL: every check */
	const char *skip;
	const char *when_evident; /* comma-separated families selected only when their evident() says so */
};
extern const struct cg_profile scan_profiles[];
/* Whether built-in profile P selects check ID (no --only/--skip, no config): for the catalog docs. */
bool scan_profile_selects(const struct cg_profile *p, const char *id);

/* Check that every --only/--skip pattern (an id, a glob, or a family name) matches some check;
 * -EINVAL with *ERR set otherwise. */
int scan_validate_patterns(const struct strv *only, const struct strv *skip, char **err);
/* That, and that the selection names a known profile; -EINVAL with *ERR set otherwise. */
int scan_validate_selection(const struct cg_config *cfg, const struct cg_selection *sel, char **err);
/* What scan_run is doing, for a progress line on a terminal (agent/progress.c): written by the
 * scanning thread, read by any. */
struct scan_progress {
	_Atomic(const struct cg_check *) check; /* running now, or NULL */
	_Atomic size_t done, total;             /* checks of this scan */
};
extern struct scan_progress scan_progress;

/* Run every selected check. Returns 0; per-check errors are in the results. */
int scan_run(struct cg_ctx *ctx, const struct cg_selection *sel, struct cg_report *rep);
void scan_settle_verdict(struct cg_report *rep);
/* 0 ready, 1 blocked, 3 error: the exit-code contract. */
int scan_exit_code(const struct cg_report *rep);
const char *scan_verdict_name(enum cg_verdict v);
void scan_report_free(struct cg_report *rep);
