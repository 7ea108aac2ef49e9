/* SPDX-License-Identifier: Apache-2.0 */
/* APT sources in one-line and deb822 form, bad lines, apt.conf switches that disable checking. */
#include "aptsrc.h"
#include "testutil.h"

START_TEST(one_line)
{
	struct apt_sources s = {0};
	char text[] = "# comment\n"
		      "deb http://mirror/debian bookworm main contrib\n"
		      "deb-src [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] http://mirror/debian bookworm main\n"
		      "deb [trusted=yes] http://local/repo ./\n"
		      "deb [allow-insecure=yes arch+=arm64] http://x/ y z # trailing comment\n"
		      "rpm http://nope\n"
		      "deb http://only-uri\n";

	aptsrc_parse_list(&s, "/etc/apt/sources.list", text);
	ck_assert_uint_eq(s.n, 4);
	ck_assert(s.v[0].deb && !s.v[0].deb_src);
	ck_assert_str_eq(s.v[0].suites.v[0], "bookworm");
	ck_assert_uint_eq(s.v[0].components.n, 2);
	ck_assert(s.v[1].deb_src);
	ck_assert_str_eq(s.v[1].signed_by, "/usr/share/keyrings/x.gpg");
	ck_assert_str_eq(s.v[1].uris.v[0], "http://mirror/debian");
	ck_assert(s.v[2].trusted);
	ck_assert(s.v[3].allow_insecure);
	ck_assert_uint_eq(s.v[3].line, 5);
	ck_assert_uint_eq(s.nproblems, 2);
	ck_assert_uint_eq(s.problems[0].line, 6);
	aptsrc_free(&s);
}
END_TEST

START_TEST(deb822)
{
	struct apt_sources s = {0};
	char text[] = "Types: deb deb-src\n"
		      "URIs: http://mirror/debian\n"
		      "Suites: bookworm bookworm-updates\n"
		      "Components: main\n"
		      "Signed-By:\n"
		      " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
		      " .\n"
		      " mQINBGPL\n"
		      " -----END PGP PUBLIC KEY BLOCK-----\n"
		      "\n"
		      "# security\n"
		      "Types: deb\n"
		      "URIs: http://security/debian-security\n"
		      "Suites: bookworm-security\n"
		      "Components: main\n"
		      "Enabled: no\n"
		      "Trusted: yes\n"
		      "\n"
		      "Types: deb\n"
		      "Components: main\n";

	aptsrc_parse_deb822(&s, "/etc/apt/sources.list.d/debian.sources", text);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(s.v[0].deb && s.v[0].deb_src);
	ck_assert_uint_eq(s.v[0].suites.n, 2);
	ck_assert_str_eq(s.v[0].suites.v[1], "bookworm-updates");
	ck_assert_str_eq(s.v[0].signed_by, "(embedded key)");
	ck_assert(s.v[0].enabled);
	ck_assert_str_eq(s.v[1].suites.v[0], "bookworm-security");
	ck_assert(!s.v[1].enabled);
	ck_assert(s.v[1].trusted);
	ck_assert_uint_eq(s.v[1].line, 12);
	ck_assert_uint_eq(s.nproblems, 1); /* the stanza without URIs */
	aptsrc_free(&s);
}
END_TEST

START_TEST(files_and_conf)
{
	char *root = tu_scratch();
	struct safefs fs;
	struct apt_sources s;
	struct apt_conf_insecure ins;

	tu_write(root, "etc/apt/sources.list", "deb http://m/debian bookworm main\n", 0644);
	tu_write(root, "etc/apt/sources.list.d/b.sources", "Types: deb\nURIs: http://s/\nSuites: bookworm-security\n", 0644);
	tu_write(root, "etc/apt/sources.list.d/a.list", "deb http://a/ stable main\n", 0644);
	tu_write(root, "etc/apt/sources.list.d/c.list.disabled", "deb http://c/ stable main\n", 0644);
	tu_write(root, "etc/apt/apt.conf.d/99unsafe", "APT::Get::AllowUnauthenticated \"true\";\n"
						     "Acquire { AllowInsecureRepositories \"1\"; };\n"
						     "// APT::Get::AllowUnauthenticated \"true\";\n"
						     "Acquire::Check-Valid-Until \"false\";\n", 0644);
	tu_write(root, "etc/apt/apt.conf.d/10fine", "APT::Get::AllowUnauthenticated \"false\";\n", 0644);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(aptsrc_load(&fs, &s, NULL), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.v[1].path, "/etc/apt/sources.list.d/a.list");
	ck_assert_str_eq(s.v[2].suites.v[0], "bookworm-security");
	aptsrc_free(&s);
	ck_assert_int_eq(aptsrc_conf_insecure(&fs, &ins, NULL), 0);
	ck_assert_uint_eq(ins.n, 3);
	ck_assert(strstr(ins.v[1].option, "Acquire::AllowInsecureRepositories"));
	ck_assert_uint_eq(ins.v[2].line, 4);
	aptsrc_conf_insecure_free(&ins);

	/* a source file that cannot be read is an error naming it, not a missing file */
	_cleanup_free_ char *loop = xasprintf("%s/etc/apt/sources.list.d/z.list", root);
	_cleanup_free_ char *conf_loop = xasprintf("%s/etc/apt/apt.conf.d/50loop", root);
	char *where = NULL;
	ck_assert_int_eq(symlink("z.list", loop), 0);
	ck_assert_int_eq(aptsrc_load(&fs, &s, &where), -ELOOP);
	ck_assert_str_eq(where, "/etc/apt/sources.list.d/z.list");
	ck_assert_uint_eq(s.n, 0);
	free(where);
	where = NULL;
	ck_assert_int_eq(symlink("50loop", conf_loop), 0);
	ck_assert_int_eq(aptsrc_conf_insecure(&fs, &ins, &where), -ELOOP);
	ck_assert_str_eq(where, "/etc/apt/apt.conf.d/50loop");
	aptsrc_conf_insecure_free(&ins);
	free(where);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("aptsrc");
	TCase *tc = tcase_create("aptsrc");
	tcase_add_test(tc, one_line);
	tcase_add_test(tc, deb822);
	tcase_add_test(tc, files_and_conf);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
