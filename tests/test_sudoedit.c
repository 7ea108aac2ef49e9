/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers edits by exact user name: substrings, lists, continuations, Defaults bindings. */
#include <check.h>

#include "fixture.h"

#include "sudoedit.h"

static const char sample[] =
	"# Created by cloud-init v. 23.1 on Fri, 28 Nov 2026\n"
	"\n"
	"packer ALL=(ALL) NOPASSWD:ALL\n"
	"packer2 ALL=(ALL) NOPASSWD:ALL\n"
	"xpacker ALL=(ALL) ALL\n"
	"alice, packer ,bob ALL=(ALL) ALL\n"
	"Defaults:packer !requiretty\n"
	"Defaults:packer2 !requiretty\n"
	"User_Alias BUILD = packer\n"
	"%packer ALL=(ALL) ALL\n"
	"packer ALL=(ALL) \\\n"
	"    NOPASSWD: /usr/bin/apt\n"
	"# packer ALL=(ALL) ALL\n"
	"carol ALL=(packer) ALL\n";

static void count_line(unsigned line, void *ud)
{
	struct strbuf *sb = ud;
	strbuf_printf(sb, "%u,", line);
}

START_TEST(find_exact_names)
{
	struct strbuf sb = {0};
	sudoedit_find(sample, "packer", count_line, &sb);
	ck_assert_str_eq(sb.buf, "3,6,7,11,");
	strbuf_free(&sb);
}
END_TEST

START_TEST(remove_keeps_every_other_byte)
{
	struct strbuf out = {0};
	size_t n = sudoedit_remove_user(sample, strlen(sample), "packer", &out);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(out.buf,
		"# Created by cloud-init v. 23.1 on Fri, 28 Nov 2026\n"
		"\n"
		"packer2 ALL=(ALL) NOPASSWD:ALL\n"
		"xpacker ALL=(ALL) ALL\n"
		"alice,bob ALL=(ALL) ALL\n"
		"Defaults:packer2 !requiretty\n"
		"User_Alias BUILD = packer\n"
		"%packer ALL=(ALL) ALL\n"
		"# packer ALL=(ALL) ALL\n"
		"carol ALL=(packer) ALL\n");
	strbuf_free(&out);
	/* nothing to do: identical output */
	struct strbuf same = {0};
	ck_assert_uint_eq(sudoedit_remove_user(sample, strlen(sample), "dave", &same), 0);
	ck_assert_str_eq(same.buf, sample);
	strbuf_free(&same);
}
END_TEST

START_TEST(users_of_a_provisioning_file)
{
	struct strv u = {0};
	sudoedit_users(sample, &u);
	ck_assert_uint_eq(u.n, 6);
	ck_assert_str_eq(u.v[0], "packer");
	ck_assert_str_eq(u.v[1], "packer2");
	ck_assert_str_eq(u.v[2], "xpacker");
	ck_assert_str_eq(u.v[3], "alice");
	ck_assert_str_eq(u.v[4], "bob");
	ck_assert_str_eq(u.v[5], "carol");
	strv_free(&u);
}
END_TEST

START_TEST(no_trailing_newline)
{
	struct strbuf out = {0};
	const char *t = "root ALL=(ALL) ALL\npacker ALL=(ALL) NOPASSWD:ALL";
	ck_assert_uint_eq(sudoedit_remove_user(t, strlen(t), "packer", &out), 1);
	ck_assert_str_eq(out.buf, "root ALL=(ALL) ALL\n");
	strbuf_free(&out);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		find_exact_names,
		remove_keeps_every_other_byte,
		users_of_a_provisioning_file,
		no_trailing_newline,
	};

	return fx_run("sudoedit", NULL, NULL, tests, ELEMENTSOF(tests));
}
