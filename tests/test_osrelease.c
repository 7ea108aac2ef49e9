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

int main(void)
{
	Suite *s = suite_create("osrelease");
	TCase *tc = tcase_create("osrelease");
	tcase_add_test(tc, parse_and_load);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
