/* SPDX-License-Identifier: Apache-2.0 */
/* Running the selected checks and settling the verdict (DESIGN.md: verdict, exit codes). */
#include "scan.h"

#include <fnmatch.h>
#include <stdatomic.h>

/* Profiles are selections over check ids. What a profile leaves out:
 *  - CIS_ONLY: CIS Level 1 items a stock, sound cloud image does not meet by default (Debian keeps
 *    the kernel's redirect and rp_filter defaults, ships no firewall, no logrotate in minbase);
 *  - AZURE_ONLY: checks that only make sense on Azure (agent, wireserver/IMDS reachability, IMDS);
 *  - L2_ONLY: CIS Level 2 (auditd), selected by the "full" profile only.
 * kernel.unused-modules never requires udf or vfat, in any profile: Azure provisioning needs them. */
#define CIS_ONLY                                                                                      \
	"kernel.unused-modules,kernel.info-leaks,kernel.core-limits,net.redirects,net.source-route,"  \
	"net.ipv4-hygiene,svc.time-sync,svc.removable-media,fw.present-enabled,fw.default-deny,"      \
	"log.logrotate,acct.pam-pwquality,acct.pam-lockout-reuse,acct.password-aging,"               \
	"acct.su-restricted,acct.default-umask,perm.cron-at,perm.bootloader-cfg,perm.banner-files"
#define AZURE_ONLY "agent.provisioning,agent.azure-monitor,fw.azure-endpoints,os.base-image"
#define L2_ONLY "audit.*"

/* baseline runs azure.* only on an image evidently made for Azure (waagent installed, or Azure in
 * cloud-init's datasource_list: family_azure.evident); azure and full always; cis-l1 never. */
const struct cg_profile scan_profiles[] = {
	{"baseline", "what every golden image should pass (the default); azure.* when the image is evidently for Azure",
	 NULL, CIS_ONLY "," AZURE_ONLY "," L2_ONLY, "azure"},
	{"azure", "baseline plus the Azure provisioning agent, wireserver/IMDS reachability, base image and "
		  "provisioning readiness (azure.*); never disables udf or vfat", NULL, CIS_ONLY "," L2_ONLY, NULL},
	{"cis-l1", "baseline plus the CIS Level 1 server items", NULL, AZURE_ONLY ",azure.*," L2_ONLY, NULL},
	{"full", "every check in the catalog (CIS Level 2 auditd included)", NULL, NULL, NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static const struct cg_profile *profile_builtin(const char *name)
{
	for (const struct cg_profile *p = scan_profiles; p->name; p++)
		if (streq(p->name, name))
			return p;
	return NULL;
}

static const char *effective_profile(const struct cg_config *cfg, const struct cg_selection *sel)
{
	if (sel->profile)
		return sel->profile;
	if (cfg && cfg->profile)
		return cfg->profile;
	return "baseline";
}

/* A pattern matches a check id as a glob, and a bare family name ("ssh") matches the family. */
static bool pattern_match(const char *pat, const char *id)
{
	size_t n = strlen(pat);

	if (fnmatch(pat, id, 0) == 0)
		return true;
	return n && !strpbrk(pat, ".*?[") && strncmp(pat, id, n) == 0 && id[n] == '.';
}

static bool patterns_match(const struct strv *pats, const char *id)
{
	for (size_t i = 0; i < pats->n; i++)
		if (pattern_match(pats->v[i], id))
			return true;
	return false;
}

bool scan_profile_selects(const struct cg_profile *p, const char *id)
{
	struct strv only = {0}, skip = {0};
	bool r;

	if (p->only)
		strv_split_commas(&only, p->only);
	if (p->skip)
		strv_split_commas(&skip, p->skip);
	r = (!only.n || patterns_match(&only, id)) && !patterns_match(&skip, id);
	strv_free(&only);
	strv_free(&skip);
	return r;
}

static bool pattern_known(const char *pat)
{
	for (const struct cg_family *const *f = registry_families; *f; f++)
		for (size_t i = 0; i < (*f)->n; i++)
			if (pattern_match(pat, (*f)->checks[i].id))
				return true;
	return false;
}

/* A pattern that matches no check is a typo: without this, "--only shh" selects nothing and the
 * verdict is "ready". */
static int patterns_valid(const struct strv *pats, const char *opt, char **err)
{
	for (size_t i = 0; i < pats->n; i++)
		if (!pattern_known(pats->v[i])) {
			*err = xasprintf("%s '%s' matches no check (ids are family.name, e.g. ssh.permit-root-login; "
					 "a family name or a glob selects several; 'capgate checks' lists them)",
					 opt, pats->v[i]);
			return -EINVAL;
		}
	return 0;
}

int scan_validate_patterns(const struct strv *only, const struct strv *skip, char **err)
{
	if (patterns_valid(only, "--only", err) < 0 || patterns_valid(skip, "--skip", err) < 0)
		return -EINVAL;
	return 0;
}

int scan_validate_selection(const struct cg_config *cfg, const struct cg_selection *sel, char **err)
{
	const char *name = effective_profile(cfg, sel);

	if (scan_validate_patterns(&sel->only, &sel->skip, err) < 0)
		return -EINVAL;
	if (profile_builtin(name) || (cfg && config_get(cfg, "profiles") &&
				      json_object_get(config_get(cfg, "profiles"), name)))
		return 0;
	*err = xasprintf("unknown profile '%s' (built in: baseline, azure, cis-l1, full)", name);
	return -EINVAL;
}

struct pick {
	struct strv p_only, p_skip;
	struct strv gated; /* families of the profile's when_evident that this image does not want */
	const struct cg_selection *sel;
	const struct cg_config *cfg;
};

static bool selected(const struct pick *pk, const struct cg_check *c)
{
	const struct cg_check_config *cc = pk->cfg ? config_for_check(pk->cfg, c->id) : NULL;

	if (patterns_match(&pk->sel->skip, c->id))
		return false;
	/* --only naming a check exactly runs it whatever the profile or config say; globs narrow */
	for (size_t i = 0; i < pk->sel->only.n; i++)
		if (streq(pk->sel->only.v[i], c->id))
			return true;
	if (pk->p_only.n && !patterns_match(&pk->p_only, c->id))
		return false;
	if (patterns_match(&pk->gated, c->id))
		return false;
	if (patterns_match(&pk->p_skip, c->id))
		return false;
	if (pk->sel->only.n && !patterns_match(&pk->sel->only, c->id))
		return false;
	if (cc && cc->enabled == 0)
		return false;
	return true;
}

static void profile_lists(struct pick *pk, struct cg_ctx *ctx, const char *name)
{
	const struct cg_profile *bp = profile_builtin(name);
	json_t *custom = pk->cfg ? json_object_get(config_get(pk->cfg, "profiles"), name) : NULL;
	size_t i;
	json_t *it;

	if (bp && bp->only)
		strv_split_commas(&pk->p_only, bp->only);
	if (bp && bp->skip)
		strv_split_commas(&pk->p_skip, bp->skip);
	if (bp && bp->when_evident) {
		struct strv fams = {0};
		strv_split_commas(&fams, bp->when_evident);
		for (const struct cg_family *const *f = registry_families; *f; f++)
			for (size_t k = 0; k < fams.n; k++)
				if (streq(fams.v[k], (*f)->name) && (*f)->evident && !(*f)->evident(ctx))
					strv_push(&pk->gated, (*f)->name);
		strv_free(&fams);
	}
	json_array_foreach(json_object_get(custom, "only"), i, it)
		strv_push(&pk->p_only, json_string_value(it));
	json_array_foreach(json_object_get(custom, "skip"), i, it)
		strv_push(&pk->p_skip, json_string_value(it));
}

struct scan_progress scan_progress;

int scan_run(struct cg_ctx *ctx, const struct cg_selection *sel, struct cg_report *rep)
{
	const struct cg_config *cfg = ctx->cfg;
	const char *pname = effective_profile(cfg, sel);
	struct pick pk = {.sel = sel, .cfg = cfg};
	unsigned long long t0 = util_now_ms();
	json_t *pfail = cfg ? json_object_get(json_object_get(config_get(cfg, "profiles"), pname), "fail_on") : NULL;

	*rep = (struct cg_report){
		.root = xstrdup(ctx->root), .mode = ctx_mode_name(ctx), .started_at = time(NULL),
		.fail_on = cfg ? cfg->fail_on : CG_SEV_MEDIUM, .profile = xstrdup(pname),
	};
	if (pfail)
		severity_from_string(json_string_value(pfail), &rep->fail_on);
	if (sel->fail_on >= 0)
		rep->fail_on = (enum cg_severity)sel->fail_on;
	ctx_memo_clear(ctx); /* a rescan must not reuse what the previous scan computed */
	profile_lists(&pk, ctx, pname);

	rep->results = xcalloc(registry_count(), sizeof *rep->results);
	{
		size_t total = 0;
		for (const struct cg_family *const *f = registry_families; *f; f++)
			for (size_t i = 0; i < (*f)->n; i++)
				total += selected(&pk, &(*f)->checks[i]);
		atomic_store(&scan_progress.done, 0);
		atomic_store(&scan_progress.total, total);
	}
	for (const struct cg_family *const *f = registry_families; *f; f++) {
		for (size_t i = 0; i < (*f)->n; i++) {
			const struct cg_check *c = &(*f)->checks[i];
			const struct cg_check_config *cc = cfg ? config_for_check(cfg, c->id) : NULL;
			struct cg_result *r;
			unsigned long long t1;
			int rc = 0;

			if (!selected(&pk, c))
				continue;
			r = &rep->results[rep->n++];
			result_init(r, c, cc && cc->severity >= 0 ? (enum cg_severity)cc->severity : c->severity);
			r->exclude = cc ? &cc->exclude : NULL;
			if (cfg) {
				r->max_findings = cfg->max_findings;
				r->global_exclude = &cfg->scan_exclude;
			}
			t1 = util_now_ms();
			atomic_store(&scan_progress.check, c);
			if (!(c->modes & (ctx->mode == CG_MODE_LIVE ? CG_LIVE : CG_OFFLINE)))
				result_skip(r, "not available in %s mode", ctx_mode_name(ctx));
			else
				rc = c->run(ctx, r);
			result_finish(r, rc);
			r->duration_ms = util_now_ms() - t1;
			atomic_fetch_add(&scan_progress.done, 1);
		}
	}
	atomic_store(&scan_progress.check, NULL);
	ctx_memo_clear(ctx);
	strv_free(&pk.p_only);
	strv_free(&pk.p_skip);
	strv_free(&pk.gated);
	rep->duration_ms = util_now_ms() - t0;
	scan_settle_verdict(rep);
	return 0;
}

void scan_settle_verdict(struct cg_report *rep)
{
	bool blocked = false, error = false;

	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];
		if (r->status == CG_ERROR)
			error = true;
		if (r->status == CG_FAIL && r->severity >= rep->fail_on)
			blocked = true;
	}
	/* failed actions make the run an error too */
	if (rep->actions) {
		size_t i;
		json_t *a;
		json_array_foreach(rep->actions, i, a)
			if (json_is_string(json_object_get(a, "result")) &&
			    streq(json_string_value(json_object_get(a, "result")), "failed"))
				error = true;
	}
	rep->verdict = error ? CG_VERDICT_ERROR : blocked ? CG_BLOCKED : CG_READY;
}

int scan_exit_code(const struct cg_report *rep)
{
	switch (rep->verdict) {
	case CG_READY: return 0;
	case CG_BLOCKED: return 1;
	case CG_VERDICT_ERROR: return 3;
	}
	return 3;
}

const char *scan_verdict_name(enum cg_verdict v)
{
	switch (v) {
	case CG_READY: return "ready";
	case CG_BLOCKED: return "blocked";
	case CG_VERDICT_ERROR: return "error";
	}
	return "error";
}

void scan_report_free(struct cg_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		result_free(&rep->results[i]);
	free(rep->results);
	free(rep->root);
	free(rep->profile);
	free(rep->run_id);
	json_decref(rep->actions);
	*rep = (struct cg_report){0};
}
