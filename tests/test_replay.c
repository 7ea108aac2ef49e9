/* SPDX-License-Identifier: Apache-2.0 */
/* replay: a result recorded once and replayed reads as if the check had reported it directly. */
#include "testutil.h"

#include "replay.h"

/* The same reports into R. */
static void report(struct cg_result *r)
{
	result_add_finding(r, "/etc/a", 3, "rule", "ev**", "'%s' is bad", "a");
	result_add_finding(r, "/srv/skip/b", 0, NULL, NULL, "excluded for the check");
	result_add_finding(r, "/etc/c", 0, NULL, NULL, "c");
	result_add_error(r, "/etc/d", -EACCES, "cannot read");
	result_skip(r, "no %s", "lists");
}

static void assert_same(const struct cg_result *a, const struct cg_result *b)
{
	ck_assert_uint_eq(a->nfindings, b->nfindings);
	ck_assert_uint_eq(a->omitted, b->omitted);
	for (size_t i = 0; i < a->nfindings; i++) {
		ck_assert_str_eq(a->findings[i].path, b->findings[i].path);
		ck_assert_uint_eq(a->findings[i].line, b->findings[i].line);
		ck_assert_pstr_eq(a->findings[i].rule, b->findings[i].rule);
		ck_assert_pstr_eq(a->findings[i].evidence, b->findings[i].evidence);
		ck_assert_str_eq(a->findings[i].message, b->findings[i].message);
	}
	ck_assert_uint_eq(a->nerrors, b->nerrors);
	for (size_t i = 0; i < a->nerrors; i++) {
		ck_assert_str_eq(a->errors[i].path, b->errors[i].path);
		ck_assert_str_eq(a->errors[i].message, b->errors[i].message);
	}
	ck_assert_pstr_eq(a->skip_reason, b->skip_reason);
}

START_TEST(replay_reads_like_direct)
{
	const char *json = "{\"scan\": {\"max_findings\": 1}, \"checks\": {\"perm.world-writable\": "
			   "{\"exclude\": [\"/srv/skip/*\"]}}}";
	struct cg_config cfg;
	struct cg_ctx ctx;
	struct cg_result direct, rec, replayed;
	char *err = NULL;
	_cleanup_free_ char *root = tu_scratch();

	config_init(&cfg);
	ck_assert_int_eq(config_load_text(&cfg, "t.json", json, strlen(json), &err), 0);
	ck_assert_int_eq(config_settle(&cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&ctx, root, &cfg), 0);

	/* as scan_run sets up the check's result */
	result_init(&direct, NULL, CG_SEV_MEDIUM);
	direct.exclude = &config_for_check(&cfg, "perm.world-writable")->exclude;
	direct.global_exclude = &cfg.scan_exclude;
	direct.max_findings = cfg.max_findings;
	result_init(&replayed, NULL, CG_SEV_MEDIUM);
	replayed.exclude = direct.exclude;
	replayed.global_exclude = direct.global_exclude;
	replayed.max_findings = direct.max_findings;

	report(&direct);
	replay_init(&rec, &ctx, "perm.world-writable");
	report(&rec);
	ck_assert_uint_eq(rec.nfindings, 1); /* the recording already keeps only what the check keeps */
	replay_into(&rec, &replayed);
	assert_same(&direct, &replayed);
	ck_assert_uint_eq(replayed.omitted, 1); /* /etc/c: over max_findings; /srv/skip/b: excluded */
	result_finish(&direct, 0);
	result_finish(&replayed, 0);
	ck_assert_int_eq(direct.status, replayed.status);

	result_free(&direct);
	result_free(&rec);
	result_free(&replayed);
	ctx_done(&ctx);
	config_free(&cfg);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, replay_reads_like_direct);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
