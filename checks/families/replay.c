/* SPDX-License-Identifier: Apache-2.0 */
/* Recorded results replayed into the checks that share one piece of work (one image walk, one
 * pass over the APT lists). */
#include "replay.h"

#include "config.h"

void replay_init(struct cg_result *rec, const struct cg_ctx *ctx, const char *check_id)
{
	const struct cg_check_config *cc = ctx->cfg && check_id ? config_for_check(ctx->cfg, check_id) : NULL;

	result_init(rec, NULL, CG_SEV_INFO);
	/* as scan_run sets up a check's result */
	rec->exclude = cc ? &cc->exclude : NULL;
	if (ctx->cfg) {
		rec->max_findings = ctx->cfg->max_findings;
		rec->global_exclude = &ctx->cfg->scan_exclude;
	}
}

void replay_into(const struct cg_result *rec, struct cg_result *r)
{
	for (size_t i = 0; i < rec->nfindings; i++) {
		const struct cg_finding *f = &rec->findings[i];
		result_add_finding(r, f->path, f->line, f->rule, f->evidence, "%s", f->message);
	}
	/* the message already carries the reason (strerror) */
	for (size_t i = 0; i < rec->nerrors; i++)
		result_add_error(r, rec->errors[i].path, 0, "%s", rec->errors[i].message);
	if (rec->skip_reason)
		result_skip(r, "%s", rec->skip_reason);
	pthread_mutex_lock(&r->lock);
	r->omitted += rec->omitted;
	pthread_mutex_unlock(&r->lock);
}
