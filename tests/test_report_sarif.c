/* SPDX-License-Identifier: Apache-2.0 */
/* report_sarif.c: rules, results, locations and levels of a scan of a fixture tree with hard names. */
#include "report.h"
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	tu_write(root, "tmp/a b%c#?.sh", "x", 0644);
	tu_write(root, "tmp/bad\377name", "x", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

static json_t *result_at(json_t *results, const char *uri)
{
	size_t i;
	json_t *res;
	json_array_foreach(results, i, res) {
		json_t *loc = json_object_get(json_object_get(json_array_get(json_object_get(res, "locations"), 0),
							      "physicalLocation"), "artifactLocation");
		if (streq(json_string_value(json_object_get(loc, "uri")), uri)) {
			ck_assert_str_eq(json_string_value(json_object_get(loc, "uriBaseId")), "IMAGEROOT");
			return res;
		}
	}
	return NULL;
}

START_TEST(sarif_rules_results_locations)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.*");
	json_t *doc = report_sarif_json(&t.rep);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "version")), "2.1.0");
	json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	/* one rule per check run, in report order */
	ck_assert_uint_eq(json_array_size(rules), t.rep.n);
	for (size_t i = 0; i < t.rep.n; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, i), "id")), t.rep.results[i].check->id);

	json_t *results = json_object_get(run, "results");
	json_t *mid = result_at(results, "etc/machine-id");
	ck_assert_ptr_nonnull(mid);
	ck_assert_str_eq(json_string_value(json_object_get(mid, "ruleId")), "gen.machine-id");
	ck_assert_str_eq(json_string_value(json_object_get(mid, "level")), "error"); /* high */
	json_int_t idx = json_integer_value(json_object_get(mid, "ruleIndex"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, (size_t)idx), "id")), "gen.machine-id");
	/* the machine id itself is not in the message, only its redaction */
	const char *msg = json_string_value(json_object_get(json_object_get(mid, "message"), "text"));
	ck_assert_ptr_null(strstr(msg, "4c4c4544004d3510804bb7c04f4e3232"));
	/* percent-encoding: space, %, #, ? and a byte that is not UTF-8 */
	json_t *odd = result_at(results, "tmp/a%20b%25c%23%3F.sh");
	ck_assert_ptr_nonnull(odd);
	ck_assert_str_eq(json_string_value(json_object_get(odd, "level")), "note"); /* low */
	ck_assert_ptr_nonnull(result_at(results, "tmp/bad%FFname"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(run, "properties"), "verdict")), "blocked");
	json_decref(doc);
	/* "error" follows --fail-on: with --fail-on critical the high finding does not block, so it warns */
	t.rep.fail_on = CG_SEV_CRITICAL;
	doc = report_sarif_json(&t.rep);
	run = json_array_get(json_object_get(doc, "runs"), 0);
	mid = result_at(json_object_get(run, "results"), "etc/machine-id");
	ck_assert_ptr_nonnull(mid);
	ck_assert_str_eq(json_string_value(json_object_get(mid, "level")), "warning");
	json_decref(doc);
	tu_scan_free(&t);
}
END_TEST

START_TEST(sarif_clean_tree_has_no_results)
{
	struct tu_scan t;
	tu_write(root, "etc/machine-id", "", 0444);
	_cleanup_free_ char *tmp = tu_path(root, "tmp");
	tu_rm_rf(tmp);
	tu_scan(&t, root, "gen.*");
	json_t *doc = report_sarif_json(&t.rep);
	json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(run, "results")), 0);
	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	ck_assert(json_is_true(json_object_get(inv, "executionSuccessful")));
	json_decref(doc);
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_sarif");
	TCase *tc = tcase_create("sarif");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sarif_rules_results_locations);
	tcase_add_test(tc, sarif_clean_tree_has_no_results);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
