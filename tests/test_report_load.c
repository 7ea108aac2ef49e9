/* SPDX-License-Identifier: Apache-2.0 */
/* report_load.c: a capgate.report/v1 document read back gives the same document, and what is not
 * one (another schema, a check this build does not know, a bad status) is refused. */
#include "report.h"
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	tu_write(root, "root/.bash_history", "export TOKEN=abc\n", 0600);
	tu_write(root, "tmp/a é <&>.sh", "x", 0644); /* bytes not UTF-8 would come back as the text \xNN */
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(load_round_trip)
{
	struct tu_scan t;
	struct cg_report back;
	char *err = NULL;

	tu_scan(&t, root, "gen.*");
	t.rep.actions = json_pack("[{s:s, s:s, s:s, s:s}]", "action", "remove-file", "path", "/x", "check",
				  "gen.tmp-files", "result", "done");
	json_t *doc = report_to_json(&t.rep);
	ck_assert_int_eq(report_from_json(doc, &back, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(back.n, t.rep.n);
	ck_assert_int_eq(back.verdict, t.rep.verdict);
	json_t *again = report_to_json(&back);
	ck_assert_msg(json_equal(doc, again), "the document read back differs");
	/* the writers work on it: same SARIF as from the scan itself */
	json_t *s1 = report_sarif_json(&t.rep), *s2 = report_sarif_json(&back);
	ck_assert(json_equal(s1, s2));
	json_decref(s1);
	json_decref(s2);
	json_decref(again);
	json_decref(doc);
	scan_report_free(&back);
	tu_scan_free(&t);
}
END_TEST

static void refused(json_t *doc, const char *want)
{
	struct cg_report back;
	char *err = NULL;

	ck_assert_int_eq(report_from_json(doc, &back, &err), -EINVAL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
	free(err);
}

START_TEST(load_refuses)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.*");
	json_t *doc = report_to_json(&t.rep);
	json_t *c0 = json_array_get(json_object_get(doc, "checks"), 1);

	json_object_set_new(c0, "status", json_string("maybe"));
	refused(doc, "no valid status");
	json_object_set_new(c0, "status", json_string("pass"));
	json_object_set_new(c0, "id", json_string("gen.no-such-check"));
	refused(doc, "does not know: 'gen.no-such-check'");
	json_object_set_new(doc, "verdict", json_string("fine"));
	refused(doc, "verdict");
	json_object_set_new(doc, "schema", json_string("other/v9"));
	refused(doc, "not a capgate.report/v1");
	json_decref(doc);
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_load");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, load_round_trip);
	tcase_add_test(tc, load_refuses);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
