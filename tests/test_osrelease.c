/* SPDX-License-Identifier: Apache-2.0 */
/* os-release quoting and the /etc -> /usr/lib fallback through an in-image symlink. */
#include "osrelease.h"
#include "testutil.h"

START_TEST(parse_and_load)
{
	struct osrelease o = {0};
	char *root = tu_scratch();
	struct safefs fs;

	osrelease_parse(&o, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME='Debian'\nVERSION_ID=\"12\"\n"
			    "ID=debian\n# ID=ubuntu\nVERSION_CODENAME=bookworm\nID_LIKE=\"a \\\"b\\\"\"\n");
	ck_assert_str_eq(o.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	ck_assert_str_eq(o.id, "debian");
	ck_assert_str_eq(o.version_id, "12");
	ck_assert_str_eq(o.id_like, "a \"b\"");
	osrelease_free(&o);

	tu_write(root, "usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n", 0644);
	tu_symlink(root, "etc/os-release", "../usr/lib/os-release");
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(osrelease_load(&fs, &o), 0);
	ck_assert_str_eq(o.path, "/etc/os-release");
	ck_assert_str_eq(o.version_codename, "jammy");
	osrelease_free(&o);
	/* a link pointing out of the image stays inside it: the host's file is never read, the
	 * dangling /etc entry falls back to /usr/lib as os-release(5) says */
	_cleanup_free_ char *link = tu_path(root, "etc/os-release");
	unlink(link);
	tu_symlink(root, "etc/os-release", "/../../../../etc/debian_version");
	ck_assert_int_eq(osrelease_load(&fs, &o), 0);
	ck_assert_str_eq(o.path, "/usr/lib/os-release");
	ck_assert_str_eq(o.id, "ubuntu");
	osrelease_free(&o);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}
END_TEST

/* The distro model: ID first, then ID_LIKE word by word, then PLATFORM_ID; the major release. */
START_TEST(family)
{
	static const struct {
		const char *text;
		enum distro_family f;
		unsigned major;
	} cases[] = {
		{"ID=debian\nVERSION_ID=\"12\"\n", DF_DEBIAN, 12},
		{"ID=ubuntu\nVERSION_ID=\"24.04\"\n", DF_DEBIAN, 24},
		{"ID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\n", DF_RHEL, 9},
		{"ID=\"almalinux\"\nVERSION_ID=\"8.10\"\n", DF_RHEL, 8},
		{"ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n", DF_RHEL, 9},
		{"ID=\"ol\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"7.9\"\n", DF_RHEL, 7},
		{"ID=\"sles\"\nID_LIKE=\"suse\"\nVERSION_ID=\"15.6\"\n", DF_SUSE, 15},
		{"ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\n", DF_SUSE, 15},
		{"ID=azurelinux\nVERSION_ID=\"3.0\"\n", DF_AZL, 3},
		{"ID=mariner\nVERSION_ID=\"2.0\"\n", DF_AZL, 2},
		/* a derivative known only by its relatives */
		{"ID=mydistro\nID_LIKE=\"  centos   rhel\"\n", DF_RHEL, 0},
		{"ID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.3\"\n", DF_DEBIAN, 21},
		{"ID=something\nPLATFORM_ID=\"platform:el9\"\n", DF_RHEL, 0},
		{"ID=arch\n", DF_UNKNOWN, 0},
		/* "rhel" inside a longer word is not rhel */
		{"ID=x\nID_LIKE=\"rhelish\"\n", DF_UNKNOWN, 0},
		{"", DF_UNKNOWN, 0},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct osrelease o = {0};
		osrelease_parse(&o, cases[i].text);
		ck_assert_msg(osrelease_family(&o) == cases[i].f, "case %zu: family %d", i, osrelease_family(&o));
		ck_assert_uint_eq(osrelease_major(&o), cases[i].major);
		osrelease_free(&o);
	}
	struct osrelease o = {0};
	osrelease_parse(&o, "ID=rocky\nSUPPORT_END=\"2029-05-31\"\nPLATFORM_ID=\"platform:el8\"\n");
	ck_assert_str_eq(o.support_end, "2029-05-31");
	ck_assert_str_eq(o.platform_id, "platform:el8");
	osrelease_free(&o);
	ck_assert_str_eq(osrelease_family_name(DF_SUSE), "SUSE");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("osrelease");
	TCase *tc = tcase_create("osrelease");
	tcase_add_test(tc, parse_and_load);
	tcase_add_test(tc, family);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
