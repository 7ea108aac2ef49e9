/* SPDX-License-Identifier: Apache-2.0 */
/* Cached rpm-md metadata through libsolv (checks/parse/rpmmd.c), and pkg.updates-pending on RPM
 * trees: repodata assembled here (repomd.xml naming an updateinfo file, plain, gz, xz), installed
 * packages from the rpmdb dnf built (tests/fixtures/rpmtrees.sh). */
#include "rpmmd.h"
#include "testutil.h"

static const char repomd_fmt[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<repomd xmlns=\"http://linux.duke.edu/metadata/repo\">\n"
	"  <revision>1</revision>\n"
	"  <data type=\"primary\"><location href=\"repodata/aa-primary.xml.gz\"/></data>\n"
	"  %s\n"
	"</repomd>\n";

/* Installed in the fixture's rhel tree (all noarch): fake-openssl 3.0.7-1.el9, kernel-core
 * 5.14.0-427.13.1.el9_4, gcc 11.4.1-3.el9, cloud-init 23.4-7.el9, postfix 3.5.25-1.el9. */
static const char updateinfo[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<updates>\n"
	/* applies: an older EVR installed */
	"<update type=\"security\"><id>FXSA-1</id><severity>Important</severity><pkglist><collection>\n"
	"  <package name=\"fake-openssl\" version=\"3.0.7\" release=\"2.el9\" epoch=\"0\" arch=\"noarch\"/>\n"
	"</collection></pkglist></update>\n"
	/* already applied: the installed EVR is the fixed one */
	"<update type=\"security\"><id>FXSA-2</id><severity>Moderate</severity><pkglist><collection>\n"
	"  <package name=\"kernel-core\" version=\"5.14.0\" release=\"427.13.1.el9_4\" arch=\"noarch\"/>\n"
	"</collection></pkglist></update>\n"
	/* a bugfix: never a finding */
	"<update type=\"bugfix\"><id>FXBA-3</id><pkglist><collection>\n"
	"  <package name=\"fake-openssl\" version=\"3.0.8\" release=\"1.el9\" arch=\"noarch\"/>\n"
	"</collection></pkglist></update>\n"
	/* epochs: 1:1.0 is newer than 11.4.1 (epoch 0); 0:23.3 is older than 23.4 */
	"<update type=\"security\"><id>FXSA-4</id><severity>Low</severity><pkglist><collection>\n"
	"  <package name=\"gcc\" version=\"1.0\" release=\"1.el9\" epoch=\"1\" arch=\"noarch\"/>\n"
	"  <package name=\"cloud-init\" version=\"23.3\" release=\"1.el9\" epoch=\"0\" arch=\"noarch\"/>\n"
	"</collection></pkglist></update>\n"
	/* another arch than the installed one, and a package the image does not have */
	"<update type=\"security\"><id>FXSA-5</id><pkglist><collection>\n"
	"  <package name=\"postfix\" version=\"3.5.26\" release=\"1.el9\" arch=\"x86_64\"/>\n"
	"  <package name=\"openssh-server\" version=\"9.9\" release=\"1.el9\" arch=\"noarch\"/>\n"
	"</collection></pkglist></update>\n"
	"</updates>\n";

/* A scratch root with the rhel tree's os-release and rpmdb, and no metadata cache. */
static char *rpm_root(void)
{
	_cleanup_free_ char *top = tu_rpmtrees(), *src = xasprintf("%s/rhel/var/lib/rpm", top);
	_cleanup_free_ char *osr = xasprintf("%s/rhel/etc/os-release", top);
	char *root = tu_scratch();
	_cleanup_free_ char *dst = tu_path(root, "var/lib"), *etc = tu_path(root, "etc");
	tu_mkdir(root, "var/lib", 0755);
	tu_mkdir(root, "etc", 0755);
	const char *cp1[] = {"cp", "-a", src, dst, NULL}, *cp2[] = {"cp", osr, etc, NULL};
	ck_assert_int_eq(tu_run(cp1, NULL, NULL), 0);
	ck_assert_int_eq(tu_run(cp2, NULL, NULL), 0);
	return root;
}

/* Plant DIR/repomd.xml naming NAME as updateinfo, and NAME holding the fixture advisories
 * compressed with TOOL ("gzip", "xz" or NULL). */
static void plant(const char *root, const char *dir, const char *name, const char *tool, const char *content)
{
	_cleanup_free_ char *data = xasprintf("<data type=\"updateinfo\"><location href=\"repodata/%s\"/></data>", name);
	_cleanup_free_ char *md = xasprintf(repomd_fmt, data), *mdpath = xasprintf("%s/repomd.xml", dir);
	tu_mkdir(root, dir, 0755);
	tu_write(root, mdpath, md, 0644);
	if (!content)
		return;
	_cleanup_free_ char *plain = xasprintf("%s/%s", dir, tool ? "plain.xml" : name);
	tu_write(root, plain, content, 0644);
	if (!tool)
		return;
	_cleanup_free_ char *host = tu_path(root, plain), *cmd = xasprintf("%s -c '%s' > '%s/%s/%s' && rm '%s'", tool, host,
									       root, dir, name, host);
	const char *argv[] = {"sh", "-c", cmd, NULL};
	ck_assert_int_eq(tu_run(argv, NULL, NULL), 0);
}

static bool has_rule(const struct cg_result *r, const char *rule)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].rule && streq(r->findings[i].rule, rule))
			return true;
	return false;
}

START_TEST(repomd)
{
	_cleanup_free_ char *md = xasprintf(repomd_fmt, "<data type=\"updateinfo\"><location href=\"repodata/x-updateinfo.xml.zst\"/></data>");
	_cleanup_free_ char *none = xasprintf(repomd_fmt, ""), *href = NULL;

	ck_assert_int_eq(rpmmd_repomd_updateinfo(md, strlen(md), &href), 1);
	ck_assert_str_eq(href, "repodata/x-updateinfo.xml.zst");
	free(href);
	ck_assert_int_eq(rpmmd_repomd_updateinfo(none, strlen(none), &href), 0);
	ck_assert_ptr_null(href);
	ck_assert_int_eq(rpmmd_repomd_updateinfo("<repomd><data", 13, &href), -EBADMSG);
	ck_assert_int_eq(rpmmd_repomd_updateinfo("", 0, &href), -EBADMSG);
}
END_TEST

START_TEST(updateinfo_parse)
{
	struct rpmmd_updates u = {0};
	FILE *f = fmemopen((void *)(uintptr_t)updateinfo, strlen(updateinfo), "r");

	ck_assert_int_eq(rpmmd_updateinfo_read(f, &u), 0);
	fclose(f);
	ck_assert_uint_eq(u.advisories, 5);
	ck_assert_uint_eq(u.n, 7);
	ck_assert_str_eq(u.v[0].advisory, "FXSA-1");
	ck_assert_str_eq(u.v[0].type, "security");
	ck_assert_str_eq(u.v[0].severity, "Important");
	ck_assert_str_eq(u.v[0].name, "fake-openssl");
	ck_assert_str_eq(u.v[0].evr, "3.0.7-2.el9"); /* a zero epoch is left out */
	ck_assert_str_eq(u.v[0].arch, "noarch");
	ck_assert_str_eq(u.v[2].type, "bugfix");
	ck_assert_ptr_null(u.v[2].severity);
	ck_assert_str_eq(u.v[3].evr, "1:1.0-1.el9");
	ck_assert_str_eq(u.v[5].arch, "x86_64");
	/* rpm's order, epochs included, whatever Debian's libsolv defaults to */
	ck_assert_int_lt(rpmmd_evrcmp(&u, "3.0.7-1.el9", "3.0.7-2.el9"), 0);
	ck_assert_int_gt(rpmmd_evrcmp(&u, "1:1.0-1", "11.4.1-3.el9"), 0);
	ck_assert_int_eq(rpmmd_evrcmp(&u, "0:1.0-1", "1.0-1"), 0);
	ck_assert_int_lt(rpmmd_evrcmp(&u, "1.0~rc1-1", "1.0-1"), 0);
	ck_assert_int_lt(rpmmd_evrcmp(&u, "1.0-1.el9", "1.0-1.el9_4"), 0);
	rpmmd_updates_free(&u);

	/* not XML: libsolv's words are kept */
	f = fmemopen((void *)(uintptr_t)"<updates><update", 17, "r");
	ck_assert_int_eq(rpmmd_updateinfo_read(f, &u), -EBADMSG);
	ck_assert_ptr_nonnull(u.err);
	fclose(f);
	rpmmd_updates_free(&u);
}
END_TEST

/* The same advisories plain and in each compression, through the door; the bound on what they
 * unpack to; a .zst whose frame header is cut short is refused, not spun on (libsolvext would). */
START_TEST(updateinfo_compressed)
{
	static const char *const tools[][2] = {{NULL, "u-updateinfo.xml"}, {"gzip", "u-updateinfo.xml.gz"},
					       {"xz", "u-updateinfo.xml.xz"}, {"zstd -q", "u-updateinfo.xml.zst"},
					       {"bzip2", "u-updateinfo.xml.bz2"}};
	_cleanup_free_ char *root = tu_scratch();
	struct safefs fs;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		_cleanup_free_ char *dir = xasprintf("var/cache/dnf/r%zu-0123/repodata", i);
		_cleanup_free_ char *path = xasprintf("/%s/%s", dir, tools[i][1]);
		struct rpmmd_updates u = {0};
		plant(root, dir, tools[i][1], tools[i][0], updateinfo);
		ck_assert_int_eq(rpmmd_updateinfo_load(&fs, path, &u), 0);
		ck_assert_uint_eq(u.n, 7);
		rpmmd_updates_free(&u);
		/* cut at 100 bytes of XML */
		struct stat st;
		_cleanup_close_ int fd = safefs_open_regular(&fs, path, &st);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(rpmmd_updateinfo_fd(fd, path, 100, &u), -EFBIG);
		rpmmd_updates_free(&u);
	}
	tu_write(root, "var/cache/short.zst", "\x28\xb5\x2f\xfd", 0644);
	struct stat st;
	_cleanup_close_ int fd = safefs_open_regular(&fs, "/var/cache/short.zst", &st);
	struct rpmmd_updates u = {0};
	ck_assert_int_lt(rpmmd_updateinfo_fd(fd, "short.zst", 1 << 20, &u), 0);
	rpmmd_updates_free(&u);
	struct rpmmd_repos repos;
	_cleanup_free_ char *where = NULL;
	ck_assert_int_eq(rpmmd_find(&fs, &repos, &where), 0);
	ck_assert_uint_eq(repos.n, ELEMENTSOF(tools));
	ck_assert_str_eq(repos.v[1].updateinfo, "/var/cache/dnf/r1-0123/repodata/u-updateinfo.xml.gz");
	rpmmd_repos_free(&repos);
	safefs_done(&fs);
	tu_rm_rf(root);
}
END_TEST

/* The check on an RPM tree: only security advisories whose package is installed older. */
START_TEST(pending)
{
	static const char *const tools[][2] = {{NULL, "1-updateinfo.xml"}, {"gzip", "2-updateinfo.xml.gz"},
					       {"xz", "3-updateinfo.xml.xz"}};
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		_cleanup_free_ char *root = rpm_root();
		_cleanup_free_ char *path = xasprintf("/var/cache/dnf/fixture-0123/repodata/%s", tools[i][1]);
		struct tu_scan t;
		plant(root, "var/cache/dnf/fixture-0123/repodata", tools[i][1], tools[i][0], updateinfo);
		tu_scan(&t, root, "pkg.updates-pending");
		const struct cg_result *r = tu_result(&t.rep, "pkg.updates-pending");
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->status, CG_FAIL);
		ck_assert_uint_eq(r->nfindings, 2);
		ck_assert(has_rule(r, "FXSA-1"));
		ck_assert(has_rule(r, "FXSA-4")); /* gcc, by its epoch; not cloud-init */
		ck_assert(tu_has_finding(r, path));
		ck_assert_ptr_nonnull(strstr(r->findings[0].message, "3.0.7-1.el9 is installed, 3.0.7-2.el9 fixes it"));
		ck_assert_ptr_nonnull(strstr(r->findings[1].message, "'gcc.noarch' 11.4.1-3.el9 is installed, 1:1.0-1.el9"));
		tu_scan_free(&t);
		tu_rm_rf(root);
	}
}
END_TEST

/* No cache; a cache whose updateinfo is gone; a damaged one; the same advisory in two caches. */
START_TEST(pending_edges)
{
	_cleanup_free_ char *root = rpm_root();
	struct tu_scan t;
	const struct cg_result *r;

	tu_scan(&t, root, "pkg.updates-pending");
	r = tu_result(&t.rep, "pkg.updates-pending");
	ck_assert_int_eq(r->status, CG_SKIP);
	ck_assert_ptr_nonnull(strstr(r->skip_reason, "no cached repository metadata"));
	ck_assert_ptr_nonnull(strstr(r->skip_reason, "cannot be judged offline"));
	tu_scan_free(&t);

	plant(root, "var/cache/dnf/gone-0123/repodata", "g-updateinfo.xml.gz", NULL, NULL);
	tu_scan(&t, root, "pkg.updates-pending");
	r = tu_result(&t.rep, "pkg.updates-pending");
	ck_assert_int_eq(r->status, CG_SKIP);
	ck_assert_ptr_nonnull(strstr(r->skip_reason, "names updateinfo files the cache does not hold"));
	tu_scan_free(&t);

	/* damaged: an error naming the file, the other caches still judged */
	plant(root, "var/cache/zypp/raw/bad/repodata", "b-updateinfo.xml.gz", NULL, "\x1f\x8b\x08\x00garbage");
	plant(root, "var/cache/zypp/raw/broken/repodata", "c-updateinfo.xml", NULL, "<updates><update type=");
	plant(root, "var/cache/tdnf/base/repodata", "t-updateinfo.xml.gz", "gzip", updateinfo);
	plant(root, "var/cache/yum/x86_64/9/base", "y-updateinfo.xml.xz", "xz", updateinfo);
	tu_scan(&t, root, "pkg.updates-pending");
	r = tu_result(&t.rep, "pkg.updates-pending");
	ck_assert_int_eq(r->status, CG_ERROR);
	ck_assert_uint_eq(r->nerrors, 2);
	ck_assert_str_eq(r->errors[0].path, "/var/cache/zypp/raw/bad/repodata/b-updateinfo.xml.gz");
	ck_assert_str_eq(r->errors[1].path, "/var/cache/zypp/raw/broken/repodata/c-updateinfo.xml");
	/* FXSA-1 and FXSA-4 once each, though two caches carry them */
	ck_assert_uint_eq(r->nfindings, 2);
	tu_scan_free(&t);
	tu_rm_rf(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rpmmd");
	TCase *tc = tcase_create("rpmmd");
	tcase_add_test(tc, repomd);
	tcase_add_test(tc, updateinfo_parse);
	tcase_add_test(tc, updateinfo_compressed);
	tcase_add_test(tc, pending);
	tcase_add_test(tc, pending_edges);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
