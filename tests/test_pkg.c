/* SPDX-License-Identifier: Apache-2.0 */
/* pkg.*: the security suite in either sources format, pending security updates from the lists,
 * repository authentication, dpkg consistency, build tools. */
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n", 0644);
	tu_write(root, "var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\n\n"
		 "Package: gcc\nStatus: install ok installed\nVersion: 4:12.2.0-3\n\n"
		 "Package: oldconf\nStatus: deinstall ok config-files\nVersion: 1\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(security_suite)
{
	tu_write(root, "etc/apt/sources.list", "deb http://m/debian bookworm main\n#deb http://s/ bookworm-security main\n", 0644);
	HS_STATUS(root, "pkg.security-suite-configured", NULL, CG_FAIL);
	tu_write(root, "etc/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://s/debian-security\n"
		 "Suites: bookworm-security\nComponents: main\nEnabled: no\n", 0644);
	HS_STATUS(root, "pkg.security-suite-configured", NULL, CG_FAIL); /* disabled stanza */
	tu_write(root, "etc/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://s/debian-security\n"
		 "Suites: bookworm-security\nComponents: main\n", 0644);
	HS_STATUS(root, "pkg.security-suite-configured", NULL, CG_PASS);

	HS_STATUS(root, "pkg.updates-pending", NULL, CG_SKIP);
	tu_write(root, "var/lib/apt/lists/s_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
		 "Package: libc6\nVersion: 2.36-9+deb12u10\n\nPackage: gcc\nVersion: 4:12.2.0-3\n", 0644);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "pkg.updates-pending", NULL);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert(hs_has_rule(r, "libc6"));
	tu_scan_free(&t);
}
END_TEST

START_TEST(repo_auth)
{
	tu_write(root, "etc/apt/sources.list", "deb http://m/debian bookworm main\n", 0644);
	HS_STATUS(root, "pkg.repo-auth", NULL, CG_FAIL); /* no keyring anywhere */
	tu_write(root, "etc/apt/trusted.gpg.d/debian-archive-bookworm-stable.asc", "key", 0644);
	HS_STATUS(root, "pkg.repo-auth", NULL, CG_PASS);
	tu_write(root, "etc/apt/sources.list.d/x.list", "deb [ trusted=yes ] http://x/ ./\n", 0644);
	HS_STATUS(root, "pkg.repo-auth", NULL, CG_FAIL);
	_cleanup_free_ char *x = tu_path(root, "etc/apt/sources.list.d/x.list");
	unlink(x);
	tu_write(root, "etc/apt/apt.conf.d/99insecure", "Acquire::AllowInsecureRepositories \"true\";\n", 0644);
	HS_STATUS(root, "pkg.repo-auth", NULL, CG_FAIL);
}
END_TEST

START_TEST(dpkg_and_tools)
{
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "pkg.dpkg-consistency", NULL);
	ck_assert(hs_has_rule(r, "rc"));
	tu_scan_free(&t);
	r = hs_scan(&t, root, "pkg.build-tools-present", NULL);
	ck_assert(hs_has_rule(r, "gcc"));
	ck_assert_int_eq(r->severity, CG_SEV_INFO);
	tu_scan_free(&t);
	HS_STATUS(root, "pkg.build-tools-present", "{\"hardening\": {\"allow_packages\": [\"gcc\"]}}", CG_PASS);
	tu_write(root, "run/reboot-required", "", 0644);
	HS_STATUS(root, "pkg.reboot-pending", NULL, CG_FAIL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pkg");
	TCase *tc = tcase_create("pkg");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, security_suite);
	tcase_add_test(tc, repo_auth);
	tcase_add_test(tc, dpkg_and_tools);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
