/* SPDX-License-Identifier: Apache-2.0 */
/* The rpm families' repository configuration: sections, options, lines, booleans, and the files
 * read from an image (yum.conf linked to dnf.conf read once). */
#include "rpmrepo.h"
#include "testutil.h"

START_TEST(parse)
{
	struct rpmrepo_conf c = {0};
	const struct rpmrepo_opt *o;

	rpmrepo_parse(&c, "/etc/yum.repos.d/a.repo",
		      "# comment\nstray=1\n[baseos]\nname = BaseOS\nbaseurl=https://a/\n  https://b/\nGPGCHECK=0\n"
		      "gpgcheck = 1\n; other comment\n[broken\nenabled=0\n[appstream]\nenabled=0\nsslverify=False\n",
		      RPMREPO_DNF, false);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].name, "baseos");
	ck_assert_uint_eq(c.v[0].line, 3);
	o = rpmrepo_get(&c.v[0], "gpgcheck");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->value, "1"); /* the last assignment wins, keys are case-insensitive */
	ck_assert_uint_eq(o->line, 8);
	ck_assert_str_eq(rpmrepo_get(&c.v[0], "baseurl")->value, "https://a/ https://b/");
	ck_assert_ptr_null(rpmrepo_get(&c.v[0], "stray"));
	/* the unterminated header drops its options instead of giving them to the previous section */
	ck_assert_ptr_null(rpmrepo_get(&c.v[0], "enabled"));
	ck_assert_str_eq(c.v[1].name, "appstream");
	ck_assert_int_eq(rpmrepo_bool(rpmrepo_get(&c.v[1], "sslverify")->value), 0);
	ck_assert_int_eq(rpmrepo_bool("on"), 1);
	ck_assert_int_eq(rpmrepo_bool("maybe"), -1);
	ck_assert_int_eq(rpmrepo_bool(NULL), -1);
	rpmrepo_free(&c);
}
END_TEST

START_TEST(load)
{
	char *root = tu_scratch();
	struct rpmrepo_conf c;
	struct safefs fs;
	_cleanup_free_ char *where = NULL;
	size_t mains = 0, zypp = 0;

	tu_write(root, "etc/dnf/dnf.conf", "[main]\ngpgcheck=1\n", 0644);
	tu_symlink(root, "etc/yum.conf", "dnf/dnf.conf");
	tu_write(root, "etc/yum.repos.d/x.repo", "[x]\nbaseurl=http://x/\n", 0644);
	tu_write(root, "etc/yum.repos.d/x.repo.rpmsave", "[old]\n", 0644);
	tu_write(root, "etc/zypp/zypp.conf", "[main]\nrepo_gpgcheck = off\n", 0644);
	tu_write(root, "etc/zypp/repos.d/u.repo", "[u]\nenabled=1\ngpgcheck=0\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(rpmrepo_load(&fs, &c, &where), 0);
	for (size_t i = 0; i < c.n; i++) {
		mains += c.v[i].main;
		zypp += c.v[i].tool == RPMREPO_ZYPP;
	}
	ck_assert_uint_eq(c.n, 4); /* dnf.conf once, x, zypp.conf, u; not the .rpmsave */
	ck_assert_uint_eq(mains, 2);
	ck_assert_uint_eq(zypp, 2);
	rpmrepo_free(&c);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rpmrepo");
	TCase *tc = tcase_create("rpmrepo");
	tcase_add_test(tc, parse);
	tcase_add_test(tc, load);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
