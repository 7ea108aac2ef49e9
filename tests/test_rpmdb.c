/* SPDX-License-Identifier: Apache-2.0 */
/* The rpm database through librpm, on trees dnf and zypper built (tests/fixtures/rpmtrees.sh):
 * sqlite and Berkeley DB, signatures, file digests, version order; nothing left behind. */
#include "rpmdb.h"
#include "testutil.h"

#include <fcntl.h>
#include <glob.h>
#include <libgen.h>

static size_t leftovers(void)
{
	glob_t g;
	size_t n = 0;
	if (glob("/dev/shm/capgate-rpmdb.*", 0, NULL, &g) == 0)
		n = g.gl_pathc;
	globfree(&g);
	return n;
}

static void check_tree(const char *top, const char *name, const char *path, const char *backend)
{
	_cleanup_free_ char *root = xasprintf("%s/%s", top, name);
	struct safefs fs;
	struct rpmdb db;
	const struct rpm_pkg *p, *owner;
	_cleanup_free_ char *hex = NULL;
	int algo;
	size_t before = leftovers();

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(rpmdb_load(&fs, &db), 0);
	ck_assert_str_eq(db.path, path);
	ck_assert_str_eq(db.backend, backend);
	ck_assert_uint_ge(db.n, 10);
	p = rpmdb_installed(&db, "kernel-core");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->evr, "5.14.0-427.13.1.el9_4");
	ck_assert_ptr_nonnull(p->sigkey);
	ck_assert(rpmdb_has_pubkey(&db, p->sigkey));
	p = rpmdb_installed(&db, "local-tool");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(p->sigkey); /* installed with --nosignature, never signed */
	ck_assert_str_eq(p->vendor, "Somebody Else");
	ck_assert_ptr_null(rpmdb_installed(&db, "openssh-server"));
	/* the RHUI key: its owner and a SHA-256 digest the fixture file matches */
	ck_assert_int_eq(rpmdb_file_digest(&db, "/etc/pki/rhui/key.pem", &owner, &hex, &algo), 0);
	ck_assert_ptr_nonnull(owner);
	ck_assert_str_eq(owner->name, "rhui-azure-rhel9");
	ck_assert_int_eq(algo, 8);
	ck_assert_uint_eq(strlen(hex), 64);
	int fd = safefs_open(&fs, "/etc/pki/rhui/key.pem", O_RDONLY);
	char have[65];
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(safefs_sha256_fd(fd, have), 0);
	close(fd);
	ck_assert_str_eq(hex, have);
	free(hex);
	ck_assert_int_eq(rpmdb_file_digest(&db, "/etc/pki/consumer/key.pem", &owner, &hex, &algo), -ENOENT);
	rpmdb_free(&db);
	ck_assert_uint_eq(leftovers(), before); /* the private copy is gone */
	safefs_done(&fs);
}

START_TEST(sqlite_and_bdb)
{
	_cleanup_free_ char *top = tu_rpmtrees();
	check_tree(top, "rhel", "/var/lib/rpm/rpmdb.sqlite", "sqlite");
	check_tree(top, "rhel7", "/var/lib/rpm/Packages", "bdb_ro");
}
END_TEST

START_TEST(absent_and_unreadable_formats)
{
	char *root = tu_scratch();
	struct safefs fs;
	struct rpmdb db;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(rpmdb_load(&fs, &db), -ENOENT);
	rpmdb_free(&db);
	/* SUSE's ndb: found, named, not read */
	tu_write(root, "usr/lib/sysimage/rpm/Packages.db", "ndb\n", 0644);
	ck_assert_int_eq(rpmdb_load(&fs, &db), -EPROTONOSUPPORT);
	ck_assert_str_eq(db.path, "/usr/lib/sysimage/rpm/Packages.db");
	rpmdb_free(&db);
	/* garbage where the sqlite database should be is an error, not a crash */
	tu_write(root, "var/lib/rpm/rpmdb.sqlite", "not a database", 0644);
	ck_assert_int_lt(rpmdb_load(&fs, &db), 0);
	rpmdb_free(&db);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}
END_TEST

START_TEST(vercmp)
{
	ck_assert_int_lt(rpmdb_vercmp("3.0.7-1.el9", "3.0.7-2.el9"), 0);
	ck_assert_int_gt(rpmdb_vercmp("1:1.0-1", "2.0-1"), 0);
	ck_assert_int_eq(rpmdb_vercmp("0:1.0-1", "1.0-1"), 0);
	ck_assert_int_lt(rpmdb_vercmp("1.0~rc1-1", "1.0-1"), 0);
	ck_assert_int_gt(rpmdb_vercmp("5.14.0-427.13.1.el9_4", "5.14.0-427.el9"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rpmdb");
	TCase *tc = tcase_create("rpmdb");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, sqlite_and_bdb);
	tcase_add_test(tc, absent_and_unreadable_formats);
	tcase_add_test(tc, vercmp);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
