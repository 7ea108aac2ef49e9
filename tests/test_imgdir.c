/* Listings and glob expansion inside the image; symlinks followed only inside it. */
#include "testutil.h"

#include "imgdir.h"

START_TEST(glob_and_read)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct strv v = {0};
	_cleanup_free_ char *buf = NULL;

	tu_write(root, "etc/ssh/sshd_config.d/b.conf", "b", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/a.conf", "a", 0644);
	tu_write(root, "etc/ssh/sshd_config.d/.x.conf", "x", 0644);
	tu_write(root, "etc/ssh/other.d/c.conf", "c", 0644);
	tu_symlink(root, "etc/ssh/link.conf", "sshd_config.d/a.conf");
	tu_symlink(root, "etc/ssh/abs.conf", "/etc/ssh/sshd_config.d/b.conf");
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/sshd_config.d/*.conf", &v), 0);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_str_eq(v.v[0], "/etc/ssh/sshd_config.d/a.conf");
	strv_free(&v);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/ssh/*.d/*.conf", &v), 0);
	ck_assert_uint_eq(v.n, 3);
	ck_assert_str_eq(v.v[0], "/etc/ssh/other.d/c.conf");
	strv_free(&v);
	ck_assert_int_eq(imgdir_glob(&fs, "/etc/nosuch/*.conf", &v), 0);
	ck_assert_uint_eq(v.n, 0);
	ck_assert_int_eq(imgdir_glob(&fs, "relative/*", &v), -EINVAL);
	ck_assert_int_eq(imgdir_list(&fs, "/etc/ssh/sshd_config.d", &v), 0);
	ck_assert_uint_eq(v.n, 3);
	ck_assert_str_eq(v.v[0], ".x.conf");
	strv_free(&v);
	ck_assert_int_eq(imgdir_read_file(&fs, "/etc/ssh/link.conf", 100, &buf, NULL), 0);
	ck_assert_str_eq(buf, "a");
	free(buf);
	buf = NULL;
	ck_assert_int_eq(imgdir_read_file(&fs, "/etc/ssh/abs.conf", 100, &buf, NULL), 0);
	ck_assert_str_eq(buf, "b");
	tu_symlink(root, "etc/ssh/loop", "loop");
	ck_assert_int_eq(imgdir_read_file(&fs, "/etc/ssh/loop", 100, &buf, NULL), -ELOOP);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imgdir");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, glob_and_read);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
