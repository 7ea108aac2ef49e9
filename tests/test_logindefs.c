/* SPDX-License-Identifier: Apache-2.0 */
/* login.defs: last value wins, quotes, octal numbers, comments. */
#include "testutil.h"

#include "logindefs.h"

START_TEST(parse)
{
	struct logindefs d = {0};
	long v;
	logindefs_parse(&d, "# comment\nPASS_MAX_DAYS\t99999\n  UMASK\t\t022 \nENCRYPT_METHOD \"SHA512\"\n"
			    "PASS_MAX_DAYS 90\nENV_SUPATH PATH=/usr/sbin:/usr/bin\nEMPTY\nBAD 12x\n");
	ck_assert(d.present);
	ck_assert(logindefs_num(&d, "PASS_MAX_DAYS", &v));
	ck_assert_int_eq(v, 90);
	ck_assert_uint_eq(logindefs_find(&d, "PASS_MAX_DAYS")->line, 5);
	ck_assert(logindefs_num(&d, "UMASK", &v));
	ck_assert_int_eq(v, 022);
	ck_assert_str_eq(logindefs_find(&d, "ENCRYPT_METHOD")->value, "SHA512");
	ck_assert_str_eq(logindefs_find(&d, "ENV_SUPATH")->value, "PATH=/usr/sbin:/usr/bin");
	ck_assert(!logindefs_num(&d, "EMPTY", &v));
	ck_assert(!logindefs_num(&d, "BAD", &v));
	ck_assert(!logindefs_num(&d, "MISSING", &v));
	logindefs_free(&d);
}
END_TEST

START_TEST(missing_file)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct logindefs d = {0};
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(logindefs_load(&fs, &d), 0);
	ck_assert(!d.present);
	tu_write(root, "etc/login.defs", "UMASK 077\n", 0644);
	ck_assert_int_eq(logindefs_load(&fs, &d), 0);
	ck_assert(d.present);
	logindefs_free(&d);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("logindefs");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parse);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
