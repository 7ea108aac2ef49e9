/* SPDX-License-Identifier: Apache-2.0 */
/* The whole job in one call: scan, optionally fix and scan again, one final report.
 * `capgate run`, the daemon's POST /v1/runs and `capgate fix` all go through here. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "scan.h"

struct pipeline_opts {
	bool remediate;           /* plan and apply fixes, then rescan */
	bool dry_run;             /* plan only: the report's actions say what would be done */
	unsigned phases;          /* remediation phases to apply (remediate.h), 0: the default set */
	bool force;               /* apply fixes that a safety rule would otherwise refuse */
	const char *manifest;     /* where to write the manifest, or NULL */
	volatile int *cancel;     /* set non-zero to stop between checks and actions, or NULL */
	FILE *plan_out;           /* where to print the plan before applying it, or NULL */
};

/* Fills REP with the final report (after the rescan when remediating). Returns 0, or
 * -EOPNOTSUPP when remediation is asked for and this build has none. */
int pipeline_run(struct cg_ctx *ctx, const struct cg_selection *sel, const struct pipeline_opts *o,
		 struct cg_report *rep);
