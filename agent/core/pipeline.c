/* The pipeline: scan, then (with remediation) plan, apply, rescan; one final report. */
#include "pipeline.h"

#include "remediate.h"

/* A run that stops before the last phase must not block on what that phase will fix (host keys,
 * the build user's access): a check whose every finding has a last-phase fix planned is reported
 * as skipped with that reason, its findings kept, and does not count for the verdict. */
static void defer_last_phase(struct cg_ctx *ctx, struct cg_report *rep, const struct rem_opts *ro)
{
	struct rem_opts all = *ro;
	struct rem_plan plan;

	all.phases = REM_PHASES_ALL;
	all.manifest = NULL;
	remediate_plan(ctx, rep, &all, &plan);
	for (size_t i = 0; i < rep->n; i++) {
		struct cg_result *r = &rep->results[i];
		bool all_last = r->status == CG_FAIL && r->nfindings > 0 && r->omitted == 0;
		for (size_t k = 0; all_last && k < r->nfindings; k++) {
			bool covered = false;
			for (size_t j = 0; j < plan.n && !covered; j++)
				covered = plan.v[j].phase == REM_PHASE_LAST && plan.v[j].state == REM_PLANNED &&
					  streq(plan.v[j].check_id, r->check->id) && streq(plan.v[j].path, r->findings[k].path);
			all_last = covered;
		}
		if (all_last) {
			result_skip(r, "fixed in the last phase, after the gate has signalled (capgate fix --phase last)");
			r->status = CG_SKIP;
		}
	}
	remediate_plan_free(&plan);
}

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
	if (!(plan.phases & REM_PHASE_LAST))
		defer_last_phase(ctx, rep, &ro);
	scan_settle_verdict(rep);
	remediate_plan_free(&plan);
	return r;
}
