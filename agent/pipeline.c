/* The pipeline: scan, then (with remediation) plan, apply, rescan. */
#include "pipeline.h"

int pipeline_run(struct cg_ctx *ctx, const struct cg_selection *sel, const struct pipeline_opts *o,
		 struct cg_report *rep)
{
	if (o && o->remediate) {
		*rep = (struct cg_report){0};
		return -EOPNOTSUPP; /* remediation arrives with remediate/ */
	}
	return scan_run(ctx, sel, rep);
}
