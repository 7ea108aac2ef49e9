/* SPDX-License-Identifier: Apache-2.0 */
/* checks/parse/waagentconf.c: conf.py's reading of waagent.conf and the edit that keeps lines. */
#include "testutil.h"
#include "waagentconf.h"

START_TEST(parse_like_conf_py)
{
	struct waagentconf c = {0};

	waagentconf_parse(&c, "# ResourceDisk.Format=y\nResourceDisk.Format = y # format it\n"
			      "Provisioning.Agent=\"cloud-init\"\nResourceDisk.EnableSwap=n\nResourceDisk.EnableSwap=YES\n"
			      "garbage line\nOS.Odd=maybe");
	ck_assert_uint_eq(c.n, 5);
	ck_assert_str_eq(waagentconf_get(&c, "ResourceDisk.Format")->value, "y");
	ck_assert_uint_eq(waagentconf_get(&c, "ResourceDisk.Format")->line, 2);
	ck_assert_str_eq(waagentconf_get(&c, "Provisioning.Agent")->value, "cloud-init");
	ck_assert_int_eq(waagentconf_switch(&c, "ResourceDisk.EnableSwap", 0), 1); /* the last one counts */
	ck_assert_int_eq(waagentconf_switch(&c, "OS.Odd", 0), 0);
	ck_assert_int_eq(waagentconf_switch(&c, "OS.Odd", 1), 1);
	ck_assert_int_eq(waagentconf_switch(&c, "Absent", 1), 1);
	waagentconf_free(&c);
}
END_TEST

START_TEST(edit_keeps_other_lines)
{
	const char *in = "# header\n#ResourceDisk.Format=y\nResourceDisk.Format = y # was\nLogs.Verbose=n\r\n"
			 "ResourceDisk.Format=y";
	_cleanup_free_ char *out = waagentconf_edit(in, "ResourceDisk.Format=n\nResourceDisk.EnableSwap=n");
	ck_assert_str_eq(out, "# header\n#ResourceDisk.Format=y\nResourceDisk.Format =n\nLogs.Verbose=n\r\n"
			      "ResourceDisk.Format=n\nResourceDisk.EnableSwap=n\n");
	_cleanup_free_ char *same = waagentconf_edit(out, "ResourceDisk.Format=n");
	ck_assert_str_eq(same, out);
	ck_assert_ptr_null(waagentconf_edit(in, "not a setting"));
	_cleanup_free_ char *empty = waagentconf_edit("", "A=b");
	ck_assert_str_eq(empty, "A=b\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("waagentconf");
	TCase *t = tcase_create("core");
	tcase_add_test(t, parse_like_conf_py);
	tcase_add_test(t, edit_keeps_other_lines);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
