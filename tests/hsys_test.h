/* Shared by the system hardening family tests: scan a fixture with profile "full" and a config. */
#pragma once
#include "testutil.h"

struct hs_scan {
	struct cg_config cfg;
	struct cg_ctx ctx;
	struct cg_report rep;
};

/* Scan ROOT with check ONLY under profile "full" and the JSON configuration CFG (NULL: none). */
static inline const struct cg_result *hs_scan(struct hs_scan *t, const char *root, const char *only, const char *cfg)
{
	struct cg_selection sel = {.fail_on = -1, .profile = "full"};
	char *err = NULL;

	config_init(&t->cfg);
	if (cfg)
		ck_assert_msg(config_load_text(&t->cfg, "test.json", cfg, strlen(cfg), &err) == 0, "%s", err);
	ck_assert_int_eq(config_settle(&t->cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&t->ctx, root, &t->cfg), 0);
	strv_split_commas(&sel.only, only);
	ck_assert_int_eq(scan_run(&t->ctx, &sel, &t->rep), 0);
	strv_free(&sel.only);
	const struct cg_result *r = tu_result(&t->rep, only);
	ck_assert_ptr_nonnull(r);
	return r;
}

static inline void hs_free(struct hs_scan *t)
{
	scan_report_free(&t->rep);
	ctx_done(&t->ctx);
	config_free(&t->cfg);
}

/* Whether R has a finding whose rule is RULE. */
static inline bool hs_has_rule(const struct cg_result *r, const char *rule)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule && streq(r->findings[i].rule, rule))
			return true;
	return false;
}

#define HS_STATUS(root, id, cfg, want)                                                               \
	do {                                                                                         \
		struct hs_scan _t;                                                                   \
		const struct cg_result *_r = hs_scan(&_t, (root), (id), (cfg));                      \
		ck_assert_msg(_r->status == (want), "%s: %s (%zu findings%s%s)", (id),               \
			      result_status_name(_r->status), _r->nfindings, _r->nfindings ? ": " : "", \
			      _r->nfindings ? _r->findings[0].message : "");                         \
		hs_free(&_t);                                                                        \
	} while (0)
