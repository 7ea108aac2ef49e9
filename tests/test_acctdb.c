/* SPDX-License-Identifier: Apache-2.0 */
/* shadow, group, gshadow parsing and the passwd extensions (line numbers, bad and NIS lines). */
#include "testutil.h"

#include "acctdb.h"

START_TEST(passwd_lines_bad_and_plus)
{
	struct users u = {0};
	users_parse(&u, "root:x:0:0:root:/root:/bin/bash\n\n# comment\n+@netgroup::::::\n"
			"broken\nbuilder::1000:1000::/home/builder:/bin/bash\n");
	ck_assert_uint_eq(u.n, 2);
	ck_assert_uint_eq(u.v[1].line, 6);
	ck_assert_str_eq(u.v[1].passwd, "");
	ck_assert_str_eq(u.v[0].passwd, "x");
	ck_assert_uint_eq(u.nplus, 1);
	ck_assert_uint_eq(u.plus[0], 4);
	ck_assert_uint_eq(u.nbad, 1);
	ck_assert_uint_eq(u.bad[0], 5);
	users_free(&u);
}
END_TEST

START_TEST(shadow_fields)
{
	struct acctdb db = {0};
	acctdb_parse_shadow(&db, "root:*:20785:0:99999:7:::\n"
				 "builder::20785:1:90:7:30::\n"
				 "alice:$y$j9T$abc$def:20785::::::\n"
				 "short:x:1\n"
				 "nonnum:*:abc:0:99999:7:::\n"
				 "+::::::::\n");
	ck_assert_uint_eq(db.nshadow, 3);
	ck_assert_str_eq(acctdb_shadow(&db, "builder")->hash, "");
	ck_assert_int_eq(acctdb_shadow(&db, "builder")->max, 90);
	ck_assert_int_eq(acctdb_shadow(&db, "builder")->inactive, 30);
	ck_assert_int_eq(acctdb_shadow(&db, "alice")->max, -1);
	ck_assert_uint_eq(acctdb_shadow(&db, "alice")->line, 3);
	ck_assert_uint_eq(db.nbad, 2);
	ck_assert_uint_eq(db.bad[0].line, 4);
	ck_assert_uint_eq(db.bad[1].line, 5);
	ck_assert_uint_eq(db.nplus, 1);
	ck_assert(db.has_shadow);
	acctdb_free(&db);
}
END_TEST

START_TEST(group_and_gshadow)
{
	struct acctdb db = {0};
	users_parse(&db.passwd, "root:x:0:0::/root:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\n");
	acctdb_parse_group(&db, "root:x:0:\nsudo:x:27:alice,bob\nbob:x:1001:\nbad:x:notanumber:\n");
	acctdb_parse_gshadow(&db, "root:*::\nsudo:!:admin1:alice,bob\n");
	ck_assert_uint_eq(db.ngroup, 3);
	ck_assert_uint_eq(acctdb_group(&db, "sudo")->members.n, 2);
	ck_assert_str_eq(acctdb_group_by_gid(&db, 1001)->name, "bob");
	ck_assert(acctdb_in_group(&db, &db.passwd.v[1], "sudo"));
	ck_assert(acctdb_in_group(&db, &db.passwd.v[1], "bob"));
	ck_assert(!acctdb_in_group(&db, &db.passwd.v[0], "sudo"));
	ck_assert_uint_eq(db.ngshadow, 2);
	ck_assert_str_eq(db.gshadow[1].admins.v[0], "admin1");
	ck_assert_uint_eq(db.nbad, 1);
	ck_assert_str_eq(db.bad[0].file, "/etc/group");
	acctdb_free(&db);
}
END_TEST

START_TEST(password_states_and_shells)
{
	ck_assert_int_eq(acctdb_password_state(""), ACCT_PW_EMPTY);
	ck_assert_int_eq(acctdb_password_state("*"), ACCT_PW_LOCKED);
	ck_assert_int_eq(acctdb_password_state("!"), ACCT_PW_LOCKED);
	ck_assert_int_eq(acctdb_password_state("!$6$salt$hash"), ACCT_PW_LOCKED);
	ck_assert_int_eq(acctdb_password_state("$6$salt$hash"), ACCT_PW_HASH);
	ck_assert_int_eq(acctdb_password_state("abcdefghijklm"), ACCT_PW_HASH); /* DES */
	ck_assert(!acctdb_login_shell("/usr/sbin/nologin"));
	ck_assert(!acctdb_login_shell("/bin/sync"));
	ck_assert(acctdb_login_shell("/bin/bash"));
	ck_assert(acctdb_login_shell(""));
}
END_TEST

START_TEST(load_from_tree)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct acctdb db = {0};
	const char *failed = NULL;

	tu_write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(acctdb_load(&fs, &db, &failed), 0);
	ck_assert(!db.has_shadow && !db.has_gshadow);
	acctdb_free(&db);
	/* a shadow that is a link out of the image is an error, never followed */
	tu_symlink(root, "etc/shadow", "/etc/shadow");
	ck_assert_int_eq(acctdb_load(&fs, &db, &failed), -ELOOP);
	ck_assert_str_eq(failed, "/etc/shadow");
	acctdb_free(&db);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acctdb");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, passwd_lines_bad_and_plus);
	tcase_add_test(tc, shadow_fields);
	tcase_add_test(tc, group_and_gshadow);
	tcase_add_test(tc, password_states_and_shells);
	tcase_add_test(tc, load_from_tree);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
