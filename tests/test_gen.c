/* SPDX-License-Identifier: Apache-2.0 */
/* gen.machine-id, gen.shell-history, gen.tmp-files on fixture trees, traps included. */
#include <sys/stat.h>

#include "testutil.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
		 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
		 "builder:x:1000:1000::/srv/builder:/bin/bash\n"
		 "broken line without fields\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

static const struct cg_result *scan_one(struct tu_scan *t, const char *id)
{
	tu_scan(t, root, id);
	const struct cg_result *r = tu_result(&t->rep, id);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(machine_id_states)
{
	static const struct {
		const char *content;
		enum cg_status want;
	} cases[] = {
		{"", CG_PASS},
		{"uninitialized\n", CG_PASS},
		{"\n", CG_PASS},
		{"4c4c4544004d3510804bb7c04f4e3232\n", CG_FAIL},
		{"garbage", CG_FAIL},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct tu_scan t;
		tu_write(root, "etc/machine-id", cases[i].content, 0444);
		const struct cg_result *r = scan_one(&t, "gen.machine-id");
		ck_assert_msg(r->status == cases[i].want, "case %zu: %s", i, result_status_name(r->status));
		if (r->status == CG_FAIL) {
			ck_assert_str_eq(r->findings[0].path, "/etc/machine-id");
			/* the id itself is never printed in full */
			ck_assert(strstr(r->findings[0].evidence, cases[i].content) == NULL);
		}
		tu_scan_free(&t);
	}
}
END_TEST

START_TEST(machine_id_dbus_copy_and_traps)
{
	struct tu_scan t;
	const struct cg_result *r;

	tu_write(root, "etc/machine-id", "", 0444);
	tu_write(root, "var/lib/dbus/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	r = scan_one(&t, "gen.machine-id");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(tu_has_finding(r, "/var/lib/dbus/machine-id"));
	tu_scan_free(&t);

	/* the recommended link is fine */
	_cleanup_free_ char *p = tu_path(root, "var/lib/dbus/machine-id");
	unlink(p);
	tu_symlink(root, "var/lib/dbus/machine-id", "/etc/machine-id");
	r = scan_one(&t, "gen.machine-id");
	ck_assert_int_eq(r->status, CG_PASS);
	tu_scan_free(&t);

	/* /etc/machine-id as a symlink out of the image cannot be judged: an error, not a read */
	_cleanup_free_ char *m = tu_path(root, "etc/machine-id");
	unlink(m);
	tu_symlink(root, "etc/machine-id", "/etc/hostname");
	r = scan_one(&t, "gen.machine-id");
	ck_assert_int_eq(r->status, CG_ERROR);
	ck_assert_int_eq(scan_exit_code(&t.rep), 3);
	tu_scan_free(&t);
}
END_TEST

START_TEST(histories_of_every_user)
{
	struct tu_scan t;
	const struct cg_result *r;
	char *outside = tu_scratch();

	tu_write(root, "root/.bash_history", "curl -H 'Authorization: x' ...\n", 0600);
	tu_write(root, "srv/builder/.python_history", "import os\n", 0600);
	tu_write(root, "srv/builder/.local/share/fish/fish_history", "- cmd: ls\n", 0600);
	tu_write(root, "srv/builder/.lesshst", "", 0600); /* empty: fine */
	tu_symlink(root, "srv/builder/.bash_history", "/dev/null"); /* switched off: fine */
	tu_symlink(root, "srv/builder/.zsh_history", outside);      /* a trap: reported */
	tu_write(root, "srv/builder/.mysql_history", "select 1;\n", 0600);
	_cleanup_free_ char *a = tu_path(root, "srv/builder/.mysql_history");
	_cleanup_free_ char *b = tu_path(root, "srv/builder/.psql_history");
	ck_assert(link(a, b) == 0);

	r = scan_one(&t, "gen.shell-history");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(tu_has_finding(r, "/root/.bash_history"));
	ck_assert(tu_has_finding(r, "/srv/builder/.python_history"));
	ck_assert(tu_has_finding(r, "/srv/builder/.local/share/fish/fish_history"));
	ck_assert(tu_has_finding(r, "/srv/builder/.zsh_history"));
	ck_assert(tu_has_finding(r, "/srv/builder/.psql_history"));
	ck_assert(!tu_has_finding(r, "/srv/builder/.lesshst"));
	ck_assert(!tu_has_finding(r, "/srv/builder/.bash_history"));
	ck_assert_uint_eq(r->nfindings, 6);
	tu_scan_free(&t);
	tu_rm_rf(outside);
	free(outside);
}
END_TEST

START_TEST(tmp_leftovers)
{
	struct tu_scan t;
	const struct cg_result *r;

	tu_mkdir(root, "tmp/.X11-unix", 01777);
	tu_mkdir(root, "tmp/.ICE-unix", 01777);
	tu_mkdir(root, "var/tmp", 01777);
	r = scan_one(&t, "gen.tmp-files");
	ck_assert_int_eq(r->status, CG_PASS);
	tu_scan_free(&t);

	tu_write(root, "tmp/script_1234.sh", "#!/bin/sh\necho hi\n", 0700);
	tu_write(root, "tmp/packer-abc/env", "A=1", 0600);
	tu_write(root, "tmp/packer-abc/sub/file", "12345", 0600);
	tu_write(root, "tmp/.X11-unix/X0", "", 0600);
	tu_write(root, "var/tmp/systemd-private-abc/tmp/x", "x", 0600);
	tu_symlink(root, "tmp/link-out", "/etc/shadow");
	r = scan_one(&t, "gen.tmp-files");
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(tu_has_finding(r, "/tmp/script_1234.sh"));
	ck_assert(tu_has_finding(r, "/tmp/packer-abc"));
	ck_assert(tu_has_finding(r, "/tmp/.X11-unix/X0"));
	ck_assert(tu_has_finding(r, "/tmp/link-out"));
	/* offline, a service's private tmp is a leftover too */
	ck_assert(tu_has_finding(r, "/var/tmp/systemd-private-abc"));
	ck_assert(!tu_has_finding(r, "/tmp/.X11-unix"));
	ck_assert(!tu_has_finding(r, "/tmp/packer-abc/env"));
	for (size_t i = 0; i < r->nfindings; i++)
		if (streq(r->findings[i].path, "/tmp/packer-abc"))
			ck_assert_str_eq(r->findings[i].message, "build leftover: directory with 2 files, 8 bytes");
	ck_assert_int_eq(t.rep.verdict, CG_READY); /* low severity: below the default threshold */
	tu_scan_free(&t);
}
END_TEST

START_TEST(config_excludes)
{
	struct cg_config cfg;
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	char *err = NULL;
	const char *text = "{\"scan\": {\"exclude\": [\"/tmp/keep-*\"]},"
			   " \"checks\": {\"gen.shell-history\": {\"exclude\": [\"/root/*\"]}}}";

	tu_write(root, "tmp/keep-me", "x", 0644);
	tu_write(root, "tmp/drop-me", "x", 0644);
	tu_write(root, "root/.bash_history", "ls\n", 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_text(&cfg, "t.json", text, strlen(text), &err), 0);
	ck_assert_int_eq(config_settle(&cfg, &err), 0);
	ck_assert_int_eq(ctx_init(&ctx, root, &cfg), 0);
	strv_push(&sel.only, "gen.*");
	scan_run(&ctx, &sel, &rep);
	const struct cg_result *t = tu_result(&rep, "gen.tmp-files");
	ck_assert(tu_has_finding(t, "/tmp/drop-me"));
	ck_assert(!tu_has_finding(t, "/tmp/keep-me"));
	ck_assert_int_eq(tu_result(&rep, "gen.shell-history")->status, CG_PASS);
	scan_report_free(&rep);
	strv_free(&sel.only);
	ctx_done(&ctx);
	config_free(&cfg);
}
END_TEST

START_TEST(scan_changes_nothing)
{
	struct tu_scan t;
	_cleanup_free_ char *before = NULL, *after = NULL;

	tu_write(root, "etc/machine-id", "4c4c4544004d3510804bb7c04f4e3232\n", 0444);
	tu_write(root, "root/.bash_history", "ls\n", 0600);
	tu_write(root, "tmp/x/y", "z", 0600);
	before = tu_snapshot(root, 0);
	tu_scan(&t, root, "gen.*");
	ck_assert_int_eq(t.rep.verdict, CG_BLOCKED);
	tu_scan_free(&t);
	after = tu_snapshot(root, 0);
	ck_assert_str_eq(before, after);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, machine_id_states);
	tcase_add_test(tc, machine_id_dbus_copy_and_traps);
	tcase_add_test(tc, histories_of_every_user);
	tcase_add_test(tc, tmp_leftovers);
	tcase_add_test(tc, config_excludes);
	tcase_add_test(tc, scan_changes_nothing);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
