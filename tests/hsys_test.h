/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the system hardening family tests: scan a fixture with profile "full" and a config. */
#pragma once
#include "testutil.h"

/* Scan ROOT with check ONLY under profile "full" and the JSON configuration CFG (NULL: none);
 * the check's result. Free with tu_scan_free(). */
static inline const struct cg_result *hs_scan(struct tu_scan *t, const char *root, const char *only, const char *cfg)
{
	tu_scan_with(t, root, "full", cfg, only);
	const struct cg_result *r = tu_result(&t->rep, only);
	ck_assert_ptr_nonnull(r);
	return r;
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
		struct tu_scan _t;                                                                   \
		const struct cg_result *_r = hs_scan(&_t, (root), (id), (cfg));                      \
		ck_assert_msg(_r->status == (want), "%s: %s (%zu findings%s%s)", (id),               \
			      result_status_name(_r->status), _r->nfindings, _r->nfindings ? ": " : "", \
			      _r->nfindings ? _r->findings[0].message : "");                         \
		tu_scan_free(&_t);                                                                   \
	} while (0)
