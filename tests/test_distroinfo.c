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
	_cleanup_free_ char *rpm = read_src("checks/data/rpm-eol.csv");
	ck_assert_str_eq(distroinfo_rpm_eol_csv, rpm);
}
END_TEST

/* The RPM families: VERSION_ID as the cycle, a major for RHEL and its clones, SLES GA's "15" as
 * 15.0, Azure Linux 2.0 under its old ID; a release the data lacks is not guessed. */
START_TEST(rpm_lookup)
{
	struct distroinfo_release r;
	const char *until;

	ck_assert_int_eq(distroinfo_rpm_find("rocky", "9.4", &r), 0);
	ck_assert_str_eq(r.eol, "2032-05-31");
	ck_assert_str_eq(r.eol_ext, "");
	ck_assert_int_eq(distroinfo_rpm_find("rhel", "7.9", &r), 0);
	ck_assert_str_eq(r.eol, "2024-06-30");
	ck_assert_str_eq(r.eol_ext, "2029-05-31");
	ck_assert_int_eq(distroinfo_support(&r, "2026-12-03", &until), DISTRO_EXTENDED);
	ck_assert_int_eq(distroinfo_rpm_find("ol", "8.10", &r), 0);
	ck_assert_str_eq(r.eol, "2029-07-31");
	ck_assert_int_eq(distroinfo_rpm_find("sles", "15.5", &r), 0);
	ck_assert_str_eq(r.eol, "2024-12-31");
	ck_assert_str_eq(r.eol_ext, "2027-12-31");
	ck_assert_int_eq(distroinfo_rpm_find("sles", "15", &r), 0);
	ck_assert_str_eq(r.eol, "2019-12-31");
	ck_assert_int_eq(distroinfo_rpm_find("opensuse-leap", "15.6", &r), 0);
	ck_assert_str_eq(r.eol, "2026-04-30");
	ck_assert_int_eq(distroinfo_support(&r, "2026-12-03", &until), DISTRO_UNSUPPORTED);
	ck_assert_int_eq(distroinfo_rpm_find("azurelinux", "3.0", &r), 0);
	ck_assert_str_eq(r.eol, "2027-08-31");
	ck_assert_int_eq(distroinfo_rpm_find("mariner", "2.0", &r), 0);
	ck_assert_str_eq(r.eol, "2025-07-31");
	/* near misses: a minor the data does not name, a major of a dotted cycle, an unknown ID */
	ck_assert_int_eq(distroinfo_rpm_find("sles", "15.9", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_rpm_find("azurelinux", "3.1", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_rpm_find("rhel", "99.1", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_rpm_find("fedora", "40", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_rpm_find("rhel", "", &r), -ENOENT);
	ck_assert_int_eq(distroinfo_rpm_find("rhe", "9", &r), -ENOENT);
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
	tcase_add_test(tc, rpm_lookup);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
