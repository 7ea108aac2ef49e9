/* SPDX-License-Identifier: Apache-2.0 */
/* distro-info-data: the embedded copy equals checks/data, releases are found by codename or
 * version, support phases by date. */
#include "distroinfo.h"
#include "testutil.h"

static char *read_src(const char *rel)
{
	/* the source tree from the build (not __FILE__: packagers' -ffile-prefix-map rewrites it) */
	_cleanup_free_ char *p = xasprintf("%s/%s", CAPGATE_SOURCE_DIR, rel);
	FILE *f = fopen(p, "re");
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	ck_assert_msg(f != NULL, "%s", p);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	return sb.buf;
}

START_TEST(embedded_matches_data)
{
	_cleanup_free_ char *deb = read_src("checks/data/debian.csv"), *ubu = read_src("checks/data/ubuntu.csv");
	ck_assert_str_eq(distroinfo_debian_csv, deb);
	ck_assert_str_eq(distroinfo_ubuntu_csv, ubu);
}
END_TEST

START_TEST(lookup_and_phases)
{
	struct distroinfo_release r;
	const char *until;

	ck_assert_int_eq(distroinfo_find("debian", "12", NULL, &r), 0);
	ck_assert_str_eq(r.series, "bookworm");
	ck_assert_str_eq(r.eol, "2026-07-11");
	ck_assert_str_eq(r.eol_ext, "2028-06-30");
	ck_assert_int_eq(distroinfo_support(&r, "2026-07-11", &until), DISTRO_SUPPORTED);
	ck_assert_int_eq(distroinfo_support(&r, "2026-11-28", &until), DISTRO_EXTENDED);
	ck_assert_str_eq(until, "2028-06-30");
	ck_assert_int_eq(distroinfo_support(&r, "2028-07-01", &until), DISTRO_UNSUPPORTED);
	ck_assert_int_eq(distroinfo_find("ubuntu", "22.04", "jammy", &r), 0);
	ck_assert_str_eq(r.eol_ext, "2032-04-21");
	ck_assert_int_eq(distroinfo_find("ubuntu", NULL, "xenial", &r), 0);
	ck_assert_int_eq(distroinfo_support(&r, "2026-11-28", &until), DISTRO_UNSUPPORTED);
	ck_assert_int_eq(distroinfo_find("debian", "14", NULL, &r), 0);
	ck_assert_int_eq(distroinfo_support(&r, "2026-11-28", &until), DISTRO_UNKNOWN);
	ck_assert_int_eq(distroinfo_find("debian", "99", "nonesuch", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_find("fedora", "40", NULL, &r), -EPROTONOSUPPORT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("distroinfo");
	TCase *tc = tcase_create("distroinfo");
	tcase_add_test(tc, embedded_matches_data);
	tcase_add_test(tc, lookup_and_phases);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
