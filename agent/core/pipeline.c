/* SPDX-License-Identifier: Apache-2.0 */
/* The pipeline: scan, then (with remediation) plan, apply, rescan; one final report. */
#include "pipeline.h"

#include "remediate.h"

/* Findings the gate must not block on, kept in the report as a skip with the reason:
 * - a run that stops before the last phase (capgate run, wait): what that phase will fix (host
 *   keys, the build user's keys and sudoers lines) and what the deprovision step after it removes
 *   (the build user's account; waagent's ovf-env.xml, which names it);
 * - the last phase itself in a live VM (capgate fix --phase last): what the deprovision step
 *   removes, since the build is still logged in as that user. The final check, after the
 *   deprovision, judges everything. A check is skipped only when every finding is covered. */
static void defer_findings(struct cg_ctx *ctx, struct cg_report *rep, const struct rem_opts *ro, bool last_done)
{
	struct rem_opts all = *ro;
	struct rem_plan plan;

	all.phases = REM_PHASES_ALL;
	all.manifest = NULL;
	remediate_plan(ctx, rep, &all, &plan);
	for (size_t i = 0; i < rep->n; i++) {
		struct cg_result *r = &rep->results[i];
		bool all_covered = r->status == CG_FAIL && r->nfindings > 0 && r->omitted == 0, deprov = false;
		for (size_t k = 0; all_covered && k < r->nfindings; k++) {
			bool covered = false;
			for (size_t j = 0; j < plan.n && !covered; j++) {
				const struct rem_item *it = &plan.v[j];
				if (remediate_item_deprovisions(it, r->check->id, &r->findings[k]))
					covered = deprov = true;
				else
					covered = !last_done && it->phase == REM_PHASE_LAST && it->state == REM_PLANNED &&
						  streq(it->check_id, r->check->id) && streq(it->path, r->findings[k].path);
			}
			all_covered = covered;
		}
		if (!all_covered)
			continue;
		if (last_done)
			result_skip(r, "left to the deprovision step that follows (waagent -deprovision+user, or "
				       "userdel); the final check judges it");
		else if (deprov)
			result_skip(r, "judged last, after the gate has signalled (capgate fix --phase last, then the "
				       "deprovision step: waagent -deprovision+user, or userdel)");
		else
			result_skip(r, "fixed in the last phase, after the gate has signalled (capgate fix --phase last)");
		r->status = CG_SKIP;
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
		defer_findings(ctx, rep, &ro, false);
	else if (ctx->mode == CG_MODE_LIVE)
		defer_findings(ctx, rep, &ro, true);
	scan_settle_verdict(rep);
	remediate_plan_free(&plan);
	return r;
}
