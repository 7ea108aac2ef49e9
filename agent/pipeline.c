/* The pipeline: scan, then (with remediation) plan, apply, rescan; one final report. */
#include "pipeline.h"

#include "remediate.h"

int pipeline_run(struct cg_ctx *ctx, const struct cg_selection *sel, const struct pipeline_opts *o,
		 struct cg_report *rep)
{
	struct rem_opts ro;
	struct rem_plan plan;
	struct cg_report after;
	unsigned long long t0 = util_now_ms();
	int r;

	r = scan_run(ctx, sel, rep);
	if (r < 0 || !o || !o->remediate)
		return r;
	ro = (struct rem_opts){
		.phases = o->phases, .force = o->force, .cancel = o->cancel,
		.manifest = o->dry_run ? NULL : o->manifest,
	};
	remediate_plan(ctx, rep, &ro, &plan);
	if (o->plan_out) {
		remediate_plan_print(&plan, o->plan_out);
		fflush(o->plan_out);
	}
	if (o->dry_run) {
		rep->actions = remediate_actions_json(&plan, true);
		scan_settle_verdict(rep);
		remediate_plan_free(&plan);
		return 0;
	}
	remediate_apply(ctx, &plan, &ro);
	/* the manifest exists after every fix, also when there was nothing to do */
	if (o->manifest)
		r = remediate_manifest_write(ctx, &plan, o->manifest, true);

	/* verify: the verdict after the fix is what counts */
	scan_run(ctx, sel, &after);
	after.started_at = rep->started_at;
	after.duration_ms = util_now_ms() - t0;
	scan_report_free(rep);
	*rep = after;
	rep->actions = remediate_actions_json(&plan, false);
	scan_settle_verdict(rep);
	remediate_plan_free(&plan);
	return r;
}
