/* SPDX-License-Identifier: Apache-2.0 */
/* config: merge order, validation with file:line:column, unknown keys named, per-check settings. */
#include "config.h"
#include "testutil.h"

static int load(struct cg_config *cfg, const char *text, char **err)
{
	*err = NULL;
	return config_load_text(cfg, "test.json", text, strlen(text), err);
}

START_TEST(unknown_key_is_located)
{
	struct cg_config cfg;
	char *err;
	config_init(&cfg);
	ck_assert_int_eq(load(&cfg, "{\n  \"scan\": {\n    \"max_file_size\": \"1M\",\n    \"bogus\": 1\n  }\n}\n", &err), -EINVAL);
	ck_assert_str_eq(err, "test.json:4:5: unknown key 'scan.bogus'");
	free(err);
	config_free(&cfg);
}
END_TEST

START_TEST(syntax_error_is_located)
{
	struct cg_config cfg;
	char *err;
	config_init(&cfg);
	ck_assert_int_eq(load(&cfg, "{\n  \"fail_on\": \"high\",\n  \"profile\" \"x\"\n}\n", &err), -EINVAL);
	ck_assert_msg(startswith(err, "test.json:3:"), "%s", err);
	free(err);
	config_free(&cfg);
}
END_TEST

START_TEST(bad_values)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"{\"fail_on\": \"severe\"}", "test.json:1:2: 'fail_on' must be one of info, low, medium, high, critical"},
		{"{\"scan\": {\"max_file_size\": \"12Q\"}}", "test.json:1:11: 'scan.max_file_size' must be a size such as 4096, \"64M\" or \"2G\""},
		{"{\"checks\": {\"nope.none\": {}}}", "test.json:1:13: 'nope.none' names no check (see 'capgate checks')"},
		{"{\"checks\": {\"gen.tmp-files\": {\"enabled\": \"yes\"}}}", "test.json:1:31: 'checks.gen.tmp-files.enabled' must be true or false"},
		{"[1, 2]", "test.json:1:1: the configuration must be a JSON object"},
		{"{\"a\": 1, \"a\": 2}", NULL},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct cg_config cfg;
		char *err;
		config_init(&cfg);
		ck_assert_int_eq(load(&cfg, cases[i].text, &err), -EINVAL);
		if (cases[i].want)
			ck_assert_str_eq(err, cases[i].want);
		else
			ck_assert_msg(strstr(err, "duplicate") != NULL, "%s", err);
		free(err);
		config_free(&cfg);
	}
}
END_TEST

START_TEST(merge_and_settle)
{
	struct cg_config cfg;
	char *err;
	const struct cg_check_config *cc;

	config_init(&cfg);
	ck_assert_int_eq(load(&cfg, "{\"fail_on\": \"high\", \"scan\": {\"max_file_size\": \"1M\", \"exclude\": [\"/srv/*\"]},"
				    " \"checks\": {\"gen.*\": {\"severity\": \"low\"}}}", &err), 0);
	/* a later file overrides single keys and keeps the rest */
	ck_assert_int_eq(load(&cfg, "{\"scan\": {\"max_file_size\": 2048},"
				    " \"checks\": {\"gen.tmp-files\": {\"enabled\": false, \"exclude\": [\"/tmp/keep*\"]}}}", &err), 0);
	ck_assert_int_eq(config_settle(&cfg, &err), 0);
	ck_assert_int_eq(cfg.fail_on, CG_SEV_HIGH);
	ck_assert_uint_eq(cfg.max_file_size, 2048);
	ck_assert_uint_eq(cfg.scan_exclude.n, 1);
	cc = config_for_check(&cfg, "gen.tmp-files");
	ck_assert_ptr_nonnull(cc);
	ck_assert_int_eq(cc->enabled, 0);
	ck_assert_uint_eq(cc->exclude.n, 1);
	cc = config_for_check(&cfg, "gen.machine-id"); /* from the glob */
	ck_assert_ptr_nonnull(cc);
	ck_assert_int_eq(cc->severity, CG_SEV_LOW);
	ck_assert_ptr_null(config_for_check(&cfg, "other.thing"));
	ck_assert_ptr_nonnull(config_get(&cfg, "scan.exclude"));
	config_free(&cfg);
}
END_TEST

START_TEST(load_dir_order)
{
	_cleanup_free_ char *dir = tu_scratch();
	struct cg_config cfg;
	char *err = NULL;

	tu_write(dir, "capgate.json", "{\"profile\": \"azure\", \"fail_on\": \"low\"}", 0644);
	tu_write(dir, "conf.d/20-b.json", "{\"fail_on\": \"critical\"}", 0644);
	tu_write(dir, "conf.d/10-a.json", "{\"fail_on\": \"high\"}", 0644);
	tu_write(dir, "conf.d/readme.txt", "not json", 0644);
	config_init(&cfg);
	ck_assert_int_eq(config_load_dir(&cfg, dir, &err), 0);
	ck_assert_int_eq(config_settle(&cfg, &err), 0);
	ck_assert_str_eq(cfg.profile, "azure");
	ck_assert_int_eq(cfg.fail_on, CG_SEV_CRITICAL);
	ck_assert_uint_eq(cfg.files.n, 3);
	config_free(&cfg);

	tu_write(dir, "conf.d/30-bad.json", "{\n\"scan\": {\"workers\": -1}}", 0644);
	config_init(&cfg);
	ck_assert_int_eq(config_load_dir(&cfg, dir, &err), -EINVAL);
	ck_assert_msg(strstr(err, "conf.d/30-bad.json:2:10: 'scan.workers' must be a non-negative integer"), "%s", err);
	free(err);
	config_free(&cfg);
	tu_rm_rf(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, unknown_key_is_located);
	tcase_add_test(tc, syntax_error_is_located);
	tcase_add_test(tc, bad_values);
	tcase_add_test(tc, merge_and_settle);
	tcase_add_test(tc, load_dir_order);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
