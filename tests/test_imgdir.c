/* SPDX-License-Identifier: Apache-2.0 */
/* glob expansion inside the image: lexical order, dot files, globs in directory components. */
#include "testutil.h"

#include "imgdir.h"

START_TEST(glob)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct strv v = {0};

	tu_write(root, "etc/ssh/sshd_config.d/b.conf", "b", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/a.conf", "a", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/B.conf", "B", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/.x.conf", "x", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/c.conf.bak", "c", 0644);
	tu_write(root, "etc/ssh/other.d/c.conf", "c", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/sshd_config.d/*.conf", &v, NULL), 0);
	ck_assert_uint_eq(v.n, 3);
	ck_assert_str_eq(v.v[0], "/etc/ssh/sshd_config.d/B.conf"); /* bytewise, as glob in the C locale */
	ck_assert_str_eq(v.v[1], "/etc/ssh/sshd_config.d/a.conf");
	strv_free(&v);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/*.d/?.conf", &v, NULL), 0);
	ck_assert_uint_eq(v.n, 4);
	ck_assert_str_eq(v.v[0], "/etc/ssh/other.d/c.conf");
	strv_free(&v);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/sshd_config.d/a.conf", &v, NULL), 0);
	ck_assert_uint_eq(v.n, 1);
	strv_free(&v);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/sshd_config.d/none.conf", &v, NULL), 0);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/nosuch/*.conf", &v, NULL), 0);
	ck_assert_uint_eq(v.n, 0);
	ck_assert_int_eq(imgdir_glob(&fs, "relative/*", &v, NULL), -EINVAL);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imgdir");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, glob);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
