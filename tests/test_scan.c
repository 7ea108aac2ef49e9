/* SPDX-License-Identifier: Apache-2.0 */
/* scan: selection (profile, --only, --skip, config enabled), verdict against --fail-on, redaction. */
#include "testutil.h"
#include "redact.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

/* Run with OPTIONS applied and say whether check ID ran. */
static bool ran(const char *profile, const char *only, const char *skip, const char *config, const char *id)
{
	struct cg_config cfg;
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.profile = profile, .fail_on = -1};
	char *err = NULL;
	bool r;

	config_init(&cfg);
	if (config)
		ck_assert_int_eq(config_load_text(&cfg, "t.json", config, strlen(config), &err), 0);
	ck_assert_int_eq(config_settle(&cfg, &err), 0);
	if (only)
		strv_split_commas(&sel.only, only);
	if (skip)
		strv_split_commas(&sel.skip, skip);
	ck_assert_int_eq(scan_validate_selection(&cfg, &sel, &err), 0);
	ck_assert_int_eq(ctx_init(&ctx, root, &cfg), 0);
	scan_run(&ctx, &sel, &rep);
	r = tu_result(&rep, id) != NULL;
	scan_report_free(&rep);
	ctx_done(&ctx);
	config_free(&cfg);
	strv_free(&sel.only);
	strv_free(&sel.skip);
	return r;
}

START_TEST(selection_rules)
{
	/* baseline leaves CIS-only items out; a glob narrows within it, an exact id brings one back */
	ck_assert(!ran(NULL, NULL, NULL, NULL, "acct.pam-pwquality"));
	ck_assert(ran("cis-l1", NULL, NULL, NULL, "acct.pam-pwquality"));
	ck_assert(!ran(NULL, "acct.*", NULL, NULL, "acct.pam-pwquality"));
	ck_assert(ran(NULL, "acct.pam-pwquality", NULL, NULL, "acct.pam-pwquality"));
	ck_assert(!ran(NULL, "gen.*", NULL, NULL, "acct.empty-password"));
	/* --skip wins over everything */
	ck_assert(!ran(NULL, "gen.machine-id", "gen.*", NULL, "gen.machine-id"));
	/* config: enabled false removes a check unless --only names it */
	const char *off = "{\"checks\": {\"gen.machine-id\": {\"enabled\": false}}}";
	ck_assert(!ran(NULL, NULL, NULL, off, "gen.machine-id"));
	ck_assert(!ran(NULL, "gen.*", NULL, off, "gen.machine-id"));
	ck_assert(ran(NULL, "gen.machine-id", NULL, off, "gen.machine-id"));
	/* custom profile from config */
	const char *custom = "{\"profiles\": {\"mine\": {\"only\": [\"gen.*\"], \"skip\": [\"gen.tmp-files\"]}}}";
	ck_assert(ran("mine", NULL, NULL, custom, "gen.machine-id"));
	ck_assert(!ran("mine", NULL, NULL, custom, "gen.tmp-files"));
	ck_assert(!ran("mine", NULL, NULL, custom, "acct.empty-password"));
}
END_TEST

/* scan_profile_selects (what docs/checks.md lists per check) says exactly what a scan under each
 * built-in profile runs, check by check. */
START_TEST(profile_selects_as_the_scan_runs)
{
	for (const struct cg_profile *p = scan_profiles; p->name; p++) {
		struct cg_config cfg;
		struct cg_ctx ctx;
		struct cg_report rep;
		struct cg_selection sel = {.profile = p->name, .fail_on = -1};
		char *err = NULL;
		size_t selected = 0;

		config_init(&cfg);
		ck_assert_int_eq(config_settle(&cfg, &err), 0);
		ck_assert_int_eq(ctx_init(&ctx, root, &cfg), 0);
		scan_run(&ctx, &sel, &rep);
		for (const struct cg_family *const *f = registry_families; *f; f++)
			for (size_t i = 0; i < (*f)->n; i++) {
				const char *id = (*f)->checks[i].id;
				bool ran = tu_result(&rep, id) != NULL;
				/* a family the profile runs only on images that evidently want it (azure in
				 * baseline): selected, and run when its evident() says so for this image */
				struct strv gate = {0};
				bool gated = false;
				if (p->when_evident)
					strv_split_commas(&gate, p->when_evident);
				for (size_t k = 0; k < gate.n; k++)
					gated |= streq(gate.v[k], (*f)->name) && (*f)->evident && !(*f)->evident(&ctx);
				strv_free(&gate);
				ck_assert_msg(ran == (scan_profile_selects(p, id) && !gated), "profile %s, check %s: scan %s it",
					      p->name, id, ran ? "ran" : "did not run");
				selected += ran;
			}
		ck_assert_uint_gt(selected, 0);
		scan_report_free(&rep);
		ctx_done(&ctx);
		config_free(&cfg);
	}
	/* the rules the profiles are documented by */
	const struct cg_profile *baseline = &scan_profiles[0], *azure = &scan_profiles[1], *full = &scan_profiles[3];
	ck_assert_str_eq(baseline->name, "baseline");
	ck_assert_str_eq(azure->name, "azure");
	ck_assert_str_eq(full->name, "full");
	ck_assert(scan_profile_selects(baseline, "gen.machine-id"));
	ck_assert(!scan_profile_selects(baseline, "audit.auditd"));
	ck_assert(!scan_profile_selects(baseline, "fw.azure-endpoints"));
	ck_assert(scan_profile_selects(azure, "fw.azure-endpoints"));
	ck_assert(!scan_profile_selects(azure, "kernel.unused-modules"));
	for (const struct cg_family *const *f = registry_families; *f; f++)
		for (size_t i = 0; i < (*f)->n; i++)
			ck_assert(scan_profile_selects(full, (*f)->checks[i].id));
}
END_TEST

START_TEST(verdict_and_fail_on)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.machine-id");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED); /* high >= medium */
	ck_assert_int_eq(scan_exit_code(&t.rep), 1);
	t.rep.fail_on = CG_SEV_CRITICAL;
	scan_settle_verdict(&t.rep);
	ck_assert_int_eq(t.rep.verdict, CG_READY);
	ck_assert_int_eq(scan_exit_code(&t.rep), 0);
	/* a failed action makes the whole run an error */
	t.rep.actions = json_pack("[{s:s}]", "result", "failed");
	scan_settle_verdict(&t.rep);
	ck_assert_int_eq(scan_exit_code(&t.rep), 3);
	tu_scan_free(&t);
}
END_TEST

/* Redaction shows at most an eighth of a secret and at most 4 characters, then stars and a hash:
 * a token's public prefix stays readable, a short password gives nothing away. */
START_TEST(redaction_shows_an_eighth_at_most)
{
	static const struct {
		const char *secret;
		const char *shown;
	} cases[] = {
		{"hunter2", ""},
		{"Tr0ub4dor&3x", "T"},
		{"correct-horse-battery", "co"},
		{"ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_"},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *r = redact_secret(cases[i].secret, strlen(cases[i].secret));
		size_t n = strlen(cases[i].shown);
		ck_assert_msg(strncmp(r, cases[i].shown, n) == 0 && r[n] == '*', "%s -> %s", cases[i].secret, r);
		ck_assert_ptr_nonnull(strstr(r, "(sha256:"));
		ck_assert_ptr_null(strstr(r, cases[i].secret + n));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, selection_rules);
	tcase_add_test(tc, profile_selects_as_the_scan_runs);
	tcase_add_test(tc, verdict_and_fail_on);
	tcase_add_test(tc, redaction_shows_an_eighth_at_most);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
