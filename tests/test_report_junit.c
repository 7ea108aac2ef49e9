/* SPDX-License-Identifier: Apache-2.0 */
/* report_junit.c: failures only for blocking checks, <error> for checks that could not complete,
 * and XML that stays well-formed whatever bytes a path holds. */
#include "report.h"
#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	tu_write(root, "tmp/<x>&\"q'\001\377.sh", "x", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

/* The report in a heap block: the memstream's buffer pointer lives on the heap too, since gcc -O3
 * takes a pointer into the buffer for one into a stack variable whose address was handed out. */
static char *junit_of(const struct cg_report *rep)
{
	struct { char *buf; size_t len; } *ms = xcalloc(1, sizeof *ms);
	FILE *f = open_memstream(&ms->buf, &ms->len);
	ck_assert_int_eq(report_write(rep, REPORT_JUNIT, f, false), 0);
	fclose(f);
	char *buf = ms->buf;
	free(ms);
	return buf;
}

START_TEST(junit_failures_and_escaping)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.machine-id,gen.shell-history,gen.tmp-files");
	_cleanup_free_ char *xml = junit_of(&t.rep);
	/* machine-id (high) blocks: a failure; tmp-files (low) is below medium: system-out only */
	size_t blocking = 0;
	for (size_t i = 0; i < t.rep.n; i++)
		blocking += t.rep.results[i].status == CG_FAIL && t.rep.results[i].severity >= t.rep.fail_on;
	ck_assert_uint_ge(blocking, 1);
	_cleanup_free_ char *head = xasprintf("<testsuites name=\"capgate\" tests=\"%zu\" failures=\"%zu\" errors=\"0\"", t.rep.n, blocking);
	ck_assert_ptr_nonnull(strstr(xml, head));
	char *mid = strstr(xml, "name=\"gen.machine-id");
	ck_assert_ptr_nonnull(mid);
	ck_assert_ptr_nonnull(strstr(mid, "<failure type=\"high\""));
	char *tmp = strstr(xml, "name=\"gen.tmp-files");
	ck_assert_ptr_nonnull(tmp);
	ck_assert_ptr_null(strstr(tmp, "<failure"));
	ck_assert_ptr_nonnull(strstr(tmp, "<system-out>"));
	/* markup escaped; a control byte and a non-UTF-8 byte become visible text */
	ck_assert_ptr_nonnull(strstr(tmp, "/tmp/&lt;x&gt;&amp;&quot;q&apos;\\x01\\xff.sh"));
	for (const unsigned char *p = (const unsigned char *)xml; *p; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n', "raw control byte 0x%02x in the XML", *p);
	tu_scan_free(&t);
}
END_TEST

START_TEST(junit_error_and_fail_on)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.machine-id,gen.shell-history,gen.tmp-files");
	/* a check that could not complete is an <error>, and counted */
	struct cg_result *r = NULL;
	for (size_t i = 0; i < t.rep.n; i++)
		if (streq(t.rep.results[i].check->id, "gen.shell-history"))
			r = &t.rep.results[i];
	ck_assert_ptr_nonnull(r);
	result_add_error(r, "/root/.bash_history", -EACCES, "cannot read '%s'", "/root/.bash_history");
	result_finish(r, 0);
	ck_assert_int_eq(r->status, CG_ERROR);
	/* with --fail-on low, the tmp leftovers block too */
	t.rep.fail_on = CG_SEV_LOW;
	scan_settle_verdict(&t.rep);
	_cleanup_free_ char *xml = junit_of(&t.rep);
	size_t blocking = 0;
	for (size_t i = 0; i < t.rep.n; i++)
		blocking += (t.rep.results[i].status == CG_FAIL || t.rep.results[i].status == CG_ERROR) &&
			    t.rep.results[i].nfindings && t.rep.results[i].severity >= CG_SEV_LOW;
	_cleanup_free_ char *counts = xasprintf("failures=\"%zu\" errors=\"1\"", blocking);
	ck_assert_ptr_nonnull(strstr(xml, counts));
	char *hist = strstr(xml, "name=\"gen.shell-history");
	ck_assert_ptr_nonnull(strstr(hist, "<error type=\"error\" message=\"1 path could not be judged\">/root/.bash_history: "));
	ck_assert_ptr_nonnull(strstr(strstr(xml, "name=\"gen.tmp-files"), "<failure type=\"low\""));
	tu_scan_free(&t);
}
END_TEST

static const char *label_for_test(const struct cg_check *c)
{
	return c->remediation ? "fix" : "report-only";
}

/* The testcase name is the check id and nothing else (CI keeps a test's history by name); the title,
 * severity and fix label are properties; a fix that failed is an <error> testcase of its own. */
START_TEST(junit_names_labels_actions)
{
	struct tu_scan t;
	tu_scan(&t, root, "gen.machine-id,gen.tmp-files");
	t.rep.fix_label = label_for_test;
	t.rep.actions = json_pack("[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
		"action", "reset-machine-id", "path", "/etc/machine-id", "check", "gen.machine-id", "result", "failed",
		"reason", "read-only <fs>",
		"action", "remove-tree", "path", "/tmp/x", "check", "gen.tmp-files", "result", "done");
	scan_settle_verdict(&t.rep);
	ck_assert_int_eq(t.rep.verdict, CG_VERDICT_ERROR);
	_cleanup_free_ char *xml = junit_of(&t.rep);
	ck_assert_ptr_nonnull(strstr(xml, "<testcase classname=\"capgate.gen\" name=\"gen.machine-id\" time="));
	ck_assert_ptr_null(strstr(xml, " — "));
	char *mid = strstr(xml, "name=\"gen.machine-id\"");
	ck_assert_ptr_nonnull(strstr(mid, "<property name=\"title\" value=\"machine id is reset\"/>"));
	ck_assert_ptr_nonnull(strstr(mid, "<property name=\"fix\" value=\"fix\"/>"));
	ck_assert_ptr_nonnull(strstr(mid, "fix: fix)\">"));
	/* the failed action: counted in the totals, an error in capgate.actions; the done one is not */
	_cleanup_free_ char *head = xasprintf("tests=\"%zu\"", t.rep.n + 1);
	ck_assert_ptr_nonnull(strstr(xml, head));
	char *act = strstr(xml, "<testsuite name=\"capgate.actions\" tests=\"1\" failures=\"0\" errors=\"1\"");
	ck_assert_ptr_nonnull(act);
	ck_assert_ptr_nonnull(strstr(act, "name=\"gen.machine-id reset-machine-id /etc/machine-id\""));
	ck_assert_ptr_nonnull(strstr(act, "<error type=\"action-failed\" message=\"read-only &lt;fs&gt;\"/>"));
	ck_assert_ptr_null(strstr(act, "/tmp/x"));
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_junit");
	TCase *tc = tcase_create("junit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, junit_failures_and_escaping);
	tcase_add_test(tc, junit_error_and_fail_on);
	tcase_add_test(tc, junit_names_labels_actions);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
