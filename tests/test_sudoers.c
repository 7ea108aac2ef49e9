/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers: includes as sudo resolves them, tags, Defaults, aliases, continuation lines. */
#include "testutil.h"

#include "sudoers.h"

static char *root;
static struct safefs fs;

static void setup(void)
{
	root = tu_scratch();
	fs = (struct safefs){.root_fd = -1};
}

static void teardown(void)
{
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}

START_TEST(includedir_names)
{
	ck_assert(sudoers_includedir_name_ok("90-cloud-init-users"));
	ck_assert(!sudoers_includedir_name_ok("README.txt"));
	ck_assert(!sudoers_includedir_name_ok("waagent~"));
	ck_assert(!sudoers_includedir_name_ok("foo.dpkg-old"));
}
END_TEST

START_TEST(includes_in_order)
{
	struct sudoers s = {0};
	tu_write(root, "etc/sudoers",
		 "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n"
		 "#include extra\n#includes are comments\n", 0440);
	tu_write(root, "etc/sudoers.d/README", "# nothing\n", 0440);
	tu_write(root, "etc/sudoers.d/90-packer", "packer ALL=(ALL) NOPASSWD: ALL\n", 0440);
	tu_write(root, "etc/sudoers.d/10-ops", "%ops ALL=(root) /usr/bin/systemctl\n", 0440);
	tu_write(root, "etc/sudoers.d/skip.conf", "evil ALL=(ALL) NOPASSWD: ALL\n", 0440);
	tu_write(root, "etc/sudoers.d/skip~", "evil ALL=(ALL) NOPASSWD: ALL\n", 0440);
	tu_write(root, "etc/extra", "Defaults:deploy !authenticate\n", 0440);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sudoers_load(&fs, &s), 0);
	ck_assert_uint_eq(s.files.n, 5);
	ck_assert_str_eq(s.files.v[1], "/etc/sudoers.d/10-ops");
	ck_assert_str_eq(s.files.v[2], "/etc/sudoers.d/90-packer");
	ck_assert_str_eq(s.files.v[3], "/etc/sudoers.d/README");
	ck_assert_str_eq(s.files.v[4], "/etc/extra");
	ck_assert_uint_eq(s.n, 5);
	ck_assert_int_eq(s.v[0].kind, SUDO_DEFAULTS);
	ck_assert_int_eq(s.v[1].kind, SUDO_USERSPEC);
	ck_assert(!s.v[1].nopasswd && s.v[1].all_cmds);
	ck_assert(!s.v[2].all_cmds && !s.v[2].nopasswd);
	ck_assert_str_eq(s.v[2].users.v[0], "%ops");
	ck_assert(s.v[3].nopasswd_all);
	ck_assert_str_eq(s.v[3].file, "/etc/sudoers.d/90-packer");
	ck_assert_uint_eq(s.v[3].line, 1);
	ck_assert_str_eq(s.v[4].binding, ":deploy");
	ck_assert_str_eq(s.v[4].settings.v[0], "!authenticate");
	ck_assert_uint_eq(s.ndiags, 0);
	sudoers_free(&s);
}
END_TEST

START_TEST(tags_carry_and_reset)
{
	struct sudoers s = {0};
	sudoers_parse_text(&s, NULL, "/etc/sudoers",
			   "alice, bob  web1, web2 = (root) NOPASSWD: /bin/ls, /bin/cat, PASSWD: ALL\n"
			   "carol ALL = (ALL) NOPASSWD:SETENV: /usr/bin/apt, \\\n   ALL\n"
			   "dave ALL=(ALL:ALL) ALL # NOPASSWD: in a comment\n"
			   "#1000 ALL = NOPASSWD: /bin/true\n"
			   "User_Alias ADMINS = erin, frank : OPS = %ops\n"
			   "ADMINS ALL = TIMEOUT=5m NOPASSWD: ALL\n"
			   "garbage line\n");
	ck_assert_uint_eq(s.n, 7);
	ck_assert_uint_eq(s.v[0].users.n, 2);
	ck_assert_str_eq(s.v[0].users.v[1], "bob");
	ck_assert(s.v[0].nopasswd && !s.v[0].nopasswd_all && s.v[0].all_cmds);
	ck_assert(s.v[1].nopasswd_all);
	ck_assert_uint_eq(s.v[1].line, 2);
	ck_assert(!s.v[2].nopasswd);
	ck_assert_str_eq(s.v[3].users.v[0], "#1000");
	ck_assert(s.v[3].nopasswd && !s.v[3].all_cmds);
	ck_assert_int_eq(s.v[4].kind, SUDO_ALIAS);
	ck_assert_str_eq(s.v[4].name, "ADMINS");
	ck_assert_str_eq(s.v[5].name, "OPS");
	ck_assert(sudoers_is_user_alias(&s, "ADMINS"));
	ck_assert(s.v[6].nopasswd_all);
	ck_assert_uint_eq(s.ndiags, 1);
	ck_assert_uint_eq(s.diags[0].line, 8); /* line 3 continues line 2 */
	sudoers_free(&s);
}
END_TEST

START_TEST(relative_include_and_missing)
{
	struct sudoers s = {0};
	tu_write(root, "etc/sudoers", "@include sudoers.local\n@include /etc/none\n", 0440);
	tu_write(root, "etc/sudoers.local", "Defaults !authenticate\n", 0440);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sudoers_load(&fs, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.v[0].file, "/etc/sudoers.local");
	ck_assert_str_eq(s.v[0].binding, "");
	ck_assert_uint_eq(s.ndiags, 1);
	ck_assert_str_eq(s.diags[0].file, "/etc/none");
	sudoers_free(&s);
}
END_TEST

/* sudoers that includes itself from every line, and an included file of 5,000 bad lines: includes,
 * bytes and diagnostics stay bounded. */
START_TEST(hostile_include_fanout_is_bounded)
{
	struct sudoers s = {0};
	struct strbuf self = {0}, bad = {0};
	for (int i = 0; i < 2000; i++)
		strbuf_puts(&self, "@include /etc/sudoers\n");
	strbuf_puts(&self, "@include /etc/sudoers.bad\n");
	for (int i = 0; i < 5000; i++)
		strbuf_puts(&bad, "User_Alias NOEQUALS\n");
	tu_write(root, "etc/sudoers", self.buf, 0440);
	tu_write(root, "etc/sudoers.bad", bad.buf, 0440);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(sudoers_load(&fs, &s), 0);
	ck_assert_uint_le(s.files.n, 257);
	ck_assert_uint_le(s.ndiags, SUDOERS_MAX_DIAGS);
	sudoers_free(&s);

	s = (struct sudoers){0};
	tu_write(root, "etc/sudoers", "@include /etc/sudoers.bad\nroot ALL=(ALL) ALL\n", 0440);
	ck_assert_int_eq(sudoers_load(&fs, &s), 0);
	ck_assert_uint_eq(s.ndiags, SUDOERS_MAX_DIAGS);
	ck_assert_str_eq(s.diags[SUDOERS_MAX_DIAGS - 1].msg, "further diagnostics dropped");
	ck_assert_uint_eq(s.n, 1);
	sudoers_free(&s);
	strbuf_free(&self);
	strbuf_free(&bad);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sudoers");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, includedir_names);
	tcase_add_test(tc, includes_in_order);
	tcase_add_test(tc, tags_carry_and_reset);
	tcase_add_test(tc, relative_include_and_missing);
	tcase_add_test(tc, hostile_include_fanout_is_bounded);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
