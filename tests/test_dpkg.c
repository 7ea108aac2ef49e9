/* SPDX-License-Identifier: Apache-2.0 */
/* dpkg status stanzas and states, Debian version order checked against `dpkg --compare-versions`,
 * Packages index walking. */
#include "dpkg.h"
#include "testutil.h"

START_TEST(status)
{
	struct dpkg_db db = {0};
	const char *text = "Package: telnet\nStatus: install ok installed\nVersion: 0.17+2.4-2\nArchitecture: amd64\n"
			   "Description: x\n multi\n line\n\n"
			   "Package: rsh-client\nStatus: deinstall ok config-files\nVersion: 0.17-24\n\n"
			   "Package: half\nStatus: install reinstreq half-installed\nVersion: 1\n\n"
			   "Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36\n\n"
			   "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36\n\n"
			   "Status: install ok installed\n\n";

	dpkg_parse(&db, text);
	ck_assert_uint_eq(db.n, 5);
	ck_assert_uint_eq(db.bad_stanzas, 1);
	ck_assert_str_eq(dpkg_installed(&db, "telnet")->version, "0.17+2.4-2");
	ck_assert_uint_eq(dpkg_installed(&db, "telnet")->line, 1);
	ck_assert_uint_eq(dpkg_installed(&db, "half")->line, 13);
	ck_assert_ptr_null(dpkg_installed(&db, "rsh-client"));
	ck_assert_ptr_nonnull(dpkg_installed(&db, "half"));
	ck_assert_str_eq(dpkg_installed(&db, "libc6")->arch, "amd64");
	ck_assert_ptr_null(dpkg_installed(&db, "nothing"));
	dpkg_free(&db);
}
END_TEST

START_TEST(versions)
{
	static const char *const v[][2] = {
		{"1.0", "1.0"}, {"1.0~rc1", "1.0"}, {"1:0.1", "2.0"}, {"2.36-9+deb12u4", "2.36-9+deb12u10"},
		{"1.0a", "1.0+"}, {"1.0", "1.0-0"}, {"0.17+2.4-2", "0.17+2.4-2+b1"}, {"9.2p1-2+deb12u3", "1:9.2p1-2"},
		{"1.2.3", "1.2.10"}, {"1.0~~", "1.0~"}, {"a", "B"}, {"7.88.1-10+deb12u15", "7.88.1-10+deb12u5"},
	};
	bool have_dpkg = access("/usr/bin/dpkg", X_OK) == 0;

	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		int ours = dpkg_version_compare(v[i][0], v[i][1]);
		ck_assert_int_eq(ours < 0 ? -1 : ours > 0, -(dpkg_version_compare(v[i][1], v[i][0]) < 0 ? -1 : dpkg_version_compare(v[i][1], v[i][0]) > 0));
		if (!have_dpkg)
			continue;
		const char *lt[] = {"dpkg", "--compare-versions", v[i][0], "lt", v[i][1], NULL};
		const char *eq[] = {"dpkg", "--compare-versions", v[i][0], "eq", v[i][1], NULL};
		int want = tu_run(lt, NULL, NULL) == 0 ? -1 : tu_run(eq, NULL, NULL) == 0 ? 0 : 1;
		ck_assert_msg((ours < 0 ? -1 : ours > 0) == want, "%s vs %s: capgate %d, dpkg %d", v[i][0], v[i][1], ours, want);
	}
}
END_TEST

static void collect(const char *name, size_t nlen, const char *ver, size_t vlen, void *ud)
{
	strbuf_printf(ud, "%.*s=%.*s;", (int)nlen, name, (int)vlen, ver);
}

START_TEST(index_walk)
{
	const char *idx = "Package: a\nVersion: 1\n\nPackage: linux-image-amd64\nSource: x\nVersion: 6.1\n\n"
			  "Package: b\nDescription: no version\n\nPackage: linux-image-6.1\nVersion: 6.1.1";
	struct strbuf sb = {0};

	dpkg_index_foreach(idx, strlen(idx), NULL, collect, &sb);
	ck_assert_str_eq(sb.buf, "a=1;linux-image-amd64=6.1;linux-image-6.1=6.1.1;");
	strbuf_truncate(&sb, 0);
	dpkg_index_foreach(idx, strlen(idx), "linux-image-", collect, &sb);
	ck_assert_str_eq(sb.buf, "linux-image-amd64=6.1;linux-image-6.1=6.1.1;");
	strbuf_free(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dpkg");
	TCase *tc = tcase_create("dpkg");
	tcase_add_test(tc, status);
	tcase_add_test(tc, versions);
	tcase_add_test(tc, index_walk);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
