/* SPDX-License-Identifier: Apache-2.0 */
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

/* A hostile stack: 2,000 self-includes, then 3,000 rules in a file that includes itself twice.
 * Work and memory stay bounded (256 includes, 1 MiB read, 4,096 rules), each limit said once. */
START_TEST(include_fanout_is_bounded)
{
	_cleanup_free_ char *root = tu_scratch();
	struct strbuf incs = {0}, rules = {0};
	struct safefs fs;
	struct pamstack st = {0};

	for (int i = 0; i < 2000; i++)
		strbuf_puts(&incs, "@include many\n");
	strbuf_puts(&rules, "@include fan\n@include fan\n");
	for (int i = 0; i < 3000; i++)
		strbuf_puts(&rules, "auth required pam_unix.so\n");
	tu_write(root, "etc/pam.d/many", incs.buf, 0644);
	tu_write(root, "etc/pam.d/fan", rules.buf, 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);

	ck_assert_int_eq(pamstack_load(&fs, "many", &st), 0);
	ck_assert_uint_eq(st.n, 0);
	ck_assert_uint_le(st.diags.n, 260);
	ck_assert_uint_le(st.files.n, 257);
	pamstack_free(&st);

	st = (struct pamstack){0};
	ck_assert_int_eq(pamstack_load(&fs, "fan", &st), 0);
	ck_assert_uint_eq(st.n, 4096);
	ck_assert_uint_le(st.diags.n, 260);
	size_t said = 0;
	for (size_t i = 0; i < st.diags.n; i++)
		said += strstr(st.diags.v[i], "more than 4096 rules") != NULL;
	ck_assert_uint_eq(said, 1);
	pamstack_free(&st);

	strbuf_free(&incs);
	strbuf_free(&rules);
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
	tcase_add_test(tc, include_fanout_is_bounded);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
