/* PAM stacks: @include, include/substack by type, bracketed controls, continuation, comments. */
#include "testutil.h"

#include "pamstack.h"

START_TEST(debian_su_stack)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct pamstack st = {0};

	tu_write(root, "etc/pam.d/su",
		 "auth       sufficient pam_rootok.so\n"
		 "# auth       required   pam_wheel.so use_uid\n"
		 "@include common-auth\n"
		 "password include common-password\n"
		 "session    required   pam_limits.so\n", 0644);
	tu_write(root, "etc/pam.d/common-auth",
		 "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth requisite pam_deny.so\n"
		 "-auth optional pam_systemd_home.so\n", 0644);
	tu_write(root, "etc/pam.d/common-password",
		 "auth required pam_wrong_type.so\n"
		 "password requisite pam_pwquality.so retry=3 \\\n   minlen=14\n"
		 "password [success=1 default=ignore] /lib/x86_64-linux-gnu/security/pam_unix.so obscure use_authtok yescrypt\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(pamstack_load(&fs, "su", &st), 0);
	ck_assert_uint_eq(st.n, 7);
	ck_assert_ptr_null(pamstack_find(&st, "auth", "pam_wheel.so"));
	ck_assert_ptr_null(pamstack_find(&st, "auth", "pam_wrong_type.so")); /* include takes one type */
	const struct pam_entry *e = pamstack_find(&st, "auth", "pam_unix.so");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->control, "[success=1 default=ignore]");
	ck_assert_str_eq(e->file, "/etc/pam.d/common-auth");
	ck_assert_str_eq(pamstack_arg(e, "nullok"), "");
	e = pamstack_find(&st, "password", "pam_pwquality.so");
	ck_assert_str_eq(pamstack_arg(e, "minlen"), "14");
	ck_assert_uint_eq(e->line, 2);
	ck_assert_ptr_null(pamstack_arg(e, "minlen_x"));
	ck_assert(pamstack_find(&st, "password", "pam_unix.so"));
	ck_assert(pamstack_find(&st, "auth", "pam_systemd_home.so")->silent);
	ck_assert_int_eq(pamstack_load(&fs, "nosuch", &st), -ENOENT);
	pamstack_free(&st);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

START_TEST(bad_lines_and_loops)
{
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;
	struct pamstack st = {0};
	tu_write(root, "etc/pam.d/loop", "@include loop\nbogus required pam_x.so\nauth required\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(pamstack_load(&fs, "loop", &st), 0);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_uint_ge(st.diags.n, 3);
	ck_assert_ptr_nonnull(strstr(st.diags.v[0], "nested too deeply"));
	pamstack_free(&st);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pamstack");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, debian_su_stack);
	tcase_add_test(tc, bad_lines_and_loops);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
