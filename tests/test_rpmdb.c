/* SPDX-License-Identifier: Apache-2.0 */
/* The rpm database through librpm, on trees dnf and zypper built (tests/fixtures/rpmtrees.sh):
 * sqlite and Berkeley DB, signatures, file digests, version order; nothing left behind. SUSE's ndb
 * on the committed Packages.db real rpm wrote (tests/fixtures/make-ndb.sh) and damaged copies. */
#include "rpmdb.h"
#include "testutil.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

/* Whether the private copy of DB's database exists: this load's own folder, not a count of
 * /dev/shm, which the tests running beside this one change at any moment. */
static bool private_copy_exists(const char *dir)
{
	struct stat st;
	return dir && lstat(dir, &st) == 0;
}

static void check_tree(const char *top, const char *name, const char *path, const char *backend)
{
	_cleanup_free_ char *root = xasprintf("%s/%s", top, name);
	struct safefs fs;
	struct rpmdb db;
	const struct rpm_pkg *p, *owner;
	_cleanup_free_ char *hex = NULL;
	int algo;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(rpmdb_load(&fs, &db), 0);
	_cleanup_free_ char *copy = xstrdup(rpmdb_private_dir(&db));
	ck_assert_msg(private_copy_exists(copy), "no private copy at %s", copy);
	ck_assert(startswith(copy, "/dev/shm/capgate-rpmdb."));
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
	ck_assert_msg(!private_copy_exists(copy), "%s is left behind", copy); /* the private copy is gone */
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
	/* not an ndb file where SUSE keeps one: an error of the load that says why, not "no database" */
	tu_write(root, "usr/lib/sysimage/rpm/Packages.db", "ndb\n", 0644);
	ck_assert_int_eq(rpmdb_load(&fs, &db), -EBADMSG);
	ck_assert_str_eq(db.path, "/usr/lib/sysimage/rpm/Packages.db");
	ck_assert_str_eq(db.backend, "ndb");
	ck_assert_str_eq(db.error, "offset 4: truncated: 4 bytes, less than one slot page");
	rpmdb_free(&db);
	_cleanup_free_ char *ndb = tu_path(root, "usr/lib/sysimage/rpm/Packages.db");
	ck_assert_int_eq(unlink(ndb), 0);
	/* garbage where the sqlite database should be is an error, not a crash */
	tu_write(root, "var/lib/rpm/rpmdb.sqlite", "not a database", 0644);
	ck_assert_int_lt(rpmdb_load(&fs, &db), 0);
	rpmdb_free(&db);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
}
END_TEST

/* SUSE's ndb ------------------------------------------------------------------------------------ */

static uint8_t *ndb_fixture(size_t *len)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/ndb/Packages.db", CAPGATE_SOURCE_DIR);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	ck_assert_msg(fd >= 0 && fstat(fd, &st) == 0, "%s: %s", path, strerror(errno));
	uint8_t *buf = xmalloc((size_t)st.st_size);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	*len = (size_t)st.st_size;
	return buf;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A scratch image holding LEN bytes of BUF as /usr/lib/sysimage/rpm/Packages.db, loaded into DB. */
static int ndb_load(const uint8_t *buf, size_t len, struct rpmdb *db)
{
	char *root = tu_scratch();
	_cleanup_free_ char *dir = tu_path(root, "usr/lib/sysimage/rpm"), *file = NULL;
	struct safefs fs;
	int fd, e;

	tu_mkdir(root, "usr/lib/sysimage/rpm", 0755);
	file = xasprintf("%s/Packages.db", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	e = rpmdb_load(&fs, db);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);
	return e;
}

/* What `rpm -qa --dbpath` printed for the fixture (tests/fixtures/make-ndb.sh), sorted by name. */
static const struct {
	const char *name, *evr, *version, *release, *vendor;
} ndb_expect[] = {
	/* ndb-epoch 3 2.5.1-7.1 noarch: the EVR names a non-zero epoch only */
	{"ndb-epoch", "3:2.5.1-7.1", "2.5.1", "7.1", "capgate fixtures"},
	{"ndb-fixture-package-with-a-deliberately-long-name-to-span-several-blocks-of-the-ndb-container",
	 "10.20.30-1.suse15", "10.20.30", "1.suse15", "SUSE LLC <https://www.suse.com/>"},
	{"ndb-many-files", "0.9-2", "0.9", "2", "capgate fixtures"}, /* 60 files and their folder */
	{"ndb-plain", "1.0-1", "1.0", "1", "capgate fixtures"},
};
/* rpm -q --qf '[%{FILENAMES} %{FILEDIGESTS}\n]' ndb-many-files (SHA-256) */
#define NDB_DIGEST_PATH "/usr/share/ndb-many-files/file-60.txt"
#define NDB_DIGEST_HEX "f93afc9ffd2e866c9deca9ad7bc5bc51e4bd55b17f1ac31cb4af117535590a1d"

START_TEST(ndb_real_database)
{
	char *root = tu_scratch();
	size_t len;
	_cleanup_free_ uint8_t *buf = ndb_fixture(&len);
	_cleanup_free_ char *hex = NULL;
	struct safefs fs;
	struct rpmdb db;
	const struct rpm_pkg *owner;
	int algo, fd;

	/* as SUSE lays it out: the database in /usr/lib/sysimage/rpm, /var/lib/rpm a link to it */
	tu_mkdir(root, "usr/lib/sysimage/rpm", 0755);
	tu_mkdir(root, "var/lib", 0755);
	tu_symlink(root, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	_cleanup_free_ char *file = tu_path(root, "usr/lib/sysimage/rpm/Packages.db");
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(rpmdb_load(&fs, &db), 0);
	ck_assert_str_eq(db.path, "/var/lib/rpm/Packages.db");
	ck_assert_str_eq(db.backend, "ndb");
	ck_assert_ptr_null(db.error);
	ck_assert_ptr_null(rpmdb_private_dir(&db)); /* read through FS into memory: nothing copied */
	/* exactly the packages rpm listed, in name order; the erased one is gone */
	ck_assert_uint_eq(db.n, ELEMENTSOF(ndb_expect));
	for (size_t i = 0; i < db.n; i++) {
		ck_assert_str_eq(db.v[i].name, ndb_expect[i].name);
		ck_assert_str_eq(db.v[i].evr, ndb_expect[i].evr);
		ck_assert_str_eq(db.v[i].version, ndb_expect[i].version);
		ck_assert_str_eq(db.v[i].release, ndb_expect[i].release);
		ck_assert_str_eq(db.v[i].arch, "noarch");
		ck_assert_str_eq(db.v[i].vendor, ndb_expect[i].vendor);
		ck_assert_ptr_null(db.v[i].sigkey);
	}
	ck_assert_ptr_null(rpmdb_installed(&db, "ndb-erased"));
	ck_assert_str_eq(rpmdb_installed(&db, "ndb-epoch")->evr, "3:2.5.1-7.1");
	/* the file lists: owners and the digests rpm recorded */
	ck_assert_int_eq(rpmdb_file_digest(&db, NDB_DIGEST_PATH, &owner, &hex, &algo), 0);
	ck_assert_str_eq(owner->name, "ndb-many-files");
	ck_assert_int_eq(algo, 8);
	ck_assert_str_eq(hex, NDB_DIGEST_HEX);
	free(hex);
	hex = NULL;
	for (int i = 1; i <= 60; i++) {
		_cleanup_free_ char *p = xasprintf("/usr/share/ndb-many-files/file-%d.txt", i);
		ck_assert_int_eq(rpmdb_file_digest(&db, p, &owner, &hex, &algo), 0);
		ck_assert_str_eq(owner->name, "ndb-many-files");
		free(hex);
		hex = NULL;
	}
	ck_assert_int_eq(rpmdb_file_digest(&db, "/usr/share/ndb-many-files/file-61.txt", &owner, &hex, &algo), -ENOENT);
	ck_assert_int_eq(rpmdb_file_digest(&db, "/usr/share/ndb-erased/file-1.txt", &owner, &hex, &algo), -ENOENT);
	ck_assert_int_eq(rpmdb_file_digest(&db, "/usr/share/ndb-epoch/file-2.txt", &owner, &hex, &algo), 0);
	ck_assert_str_eq(owner->name, "ndb-epoch");
	ck_assert_str_eq(hex, "9d6c442d7ec6e9be73589ae73a4a57501c47522484d96b161b8dff7207e7b321");
	free(hex);
	hex = NULL;
	rpmdb_free(&db);
	safefs_done(&fs);
	tu_rm_rf(root);
	free(root);

	/* an empty database, as rpm --initdb leaves it: one page of free slots, no package */
	memset(buf + 32, 0, 4096 - 32);
	for (size_t o = 32; o < 4096; o += 16)
		memcpy(buf + o, "Slot", 4);
	ck_assert_int_eq(ndb_load(buf, 4096, &db), 0);
	ck_assert_uint_eq(db.n, 0);
	ck_assert_ptr_null(db.error);
	ck_assert_int_eq(rpmdb_file_digest(&db, NDB_DIGEST_PATH, &owner, &hex, &algo), -ENOENT);
	rpmdb_free(&db);
}
END_TEST

/* The used slots of the fixture: offset of each in the file. */
static size_t ndb_slots(const uint8_t *buf, size_t *slots, size_t max, size_t *free_slot)
{
	size_t n = 0, npages = get32(buf + 12);

	*free_slot = 0;
	for (size_t o = 32; o < npages * 4096; o += 16) {
		ck_assert_uint_eq(get32(buf + o), 0x746f6c53); /* "Slot" */
		if (get32(buf + o + 8) == 0) {
			if (!*free_slot)
				*free_slot = o;
		} else if (n < max)
			slots[n++] = o;
	}
	return n;
}

static void ndb_refused(const uint8_t *buf, size_t len, int want, const char *error)
{
	struct rpmdb db;

	ck_assert_int_eq(ndb_load(buf, len, &db), want);
	ck_assert_str_eq(db.path, "/usr/lib/sysimage/rpm/Packages.db");
	ck_assert_ptr_nonnull(db.error);
	ck_assert_msg(streq(db.error, error), "error '%s', want '%s'", db.error, error);
	ck_assert_uint_eq(db.n, 0);
	rpmdb_free(&db);
}

START_TEST(ndb_damaged)
{
	size_t len, slots[16], nslots, free_slot;
	_cleanup_free_ uint8_t *orig = ndb_fixture(&len);
	_cleanup_free_ uint8_t *b = xmalloc(len);
	_cleanup_free_ char *want = NULL;

	nslots = ndb_slots(orig, slots, ELEMENTSOF(slots), &free_slot);
	ck_assert_uint_eq(nslots, ELEMENTSOF(ndb_expect));
	ck_assert_uint_gt(free_slot, 0); /* the erased package's slot */
	size_t s0 = slots[0], blob0 = (size_t)get32(orig + s0 + 8) * 16, cnt0 = get32(orig + s0 + 12);
	uint32_t idx0 = get32(orig + s0 + 4);
	size_t last = 0; /* the slot whose blob ends the file */
	for (size_t i = 0; i < nslots; i++)
		if ((get32(orig + slots[i] + 8) + get32(orig + slots[i] + 12)) * 16 == len)
			last = slots[i];
	ck_assert_uint_gt(last, 0);

	/* truncated: inside the slot page, off a block boundary, and by the last blob's tail */
	ndb_refused(orig, 100, -EBADMSG, "offset 100: truncated: 100 bytes, less than one slot page");
	want = xasprintf("offset %zu: truncated: %zu bytes, not a whole number of 16-byte blocks", len - 5, len - 5);
	ndb_refused(orig, len - 5, -EBADMSG, want);
	free(want);
	want = xasprintf("offset %zu: slot of package %u points past the end of the file (blocks %u+%u of %zu)", last,
			 get32(orig + last + 4), get32(orig + last + 8), get32(orig + last + 12), len / 16 - 1);
	ndb_refused(orig, len - 16, -EBADMSG, want);
	free(want);
	/* bad file magic, unknown version, impossible slot page counts */
	memcpy(b, orig, len);
	b[0] = 'X';
	ndb_refused(b, len, -EBADMSG, "offset 0: bad magic (not an ndb Packages.db)");
	memcpy(b, orig, len);
	put32(b + 4, 1);
	ndb_refused(b, len, -EBADMSG, "offset 4: version 1, only 0 is known");
	memcpy(b, orig, len);
	put32(b + 12, 0xffffffff);
	ndb_refused(b, len, -EBADMSG, "offset 12: 4294967295 slot pages (1 to 4096)");
	memcpy(b, orig, len);
	put32(b + 12, 4000);
	want = xasprintf("offset 12: 4000 slot pages run past the end of the file (%zu bytes)", len);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* a damaged slot: bad magic, pointing past the end, pointing into the slot page */
	memcpy(b, orig, len);
	b[s0] = 's';
	want = xasprintf("offset %zu: bad slot magic", s0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	put32(b + s0 + 8, (uint32_t)(len / 16));
	want = xasprintf("offset %zu: slot of package %u points past the end of the file (blocks %zu+%zu of %zu)", s0,
			 idx0, len / 16, cnt0, len / 16);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	put32(b + s0 + 8, 0xfffffff0); /* blkoff + blkcnt wraps in 32 bits */
	want = xasprintf("offset %zu: slot of package %u points past the end of the file (blocks 4294967280+%zu of %zu)",
			 s0, idx0, cnt0, len / 16);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	put32(b + s0 + 8, 3);
	want = xasprintf("offset %zu: slot of package %u points into the slot pages (block 3)", s0, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* a blob whose length overflows: above the limit, near 4 GiB (rpm's 32-bit sum wraps), off by one */
	memcpy(b, orig, len);
	put32(b + blob0 + 12, 0xfffffff4);
	want = xasprintf("offset %zu: blob of package %u: length 4294967284 above the limit of 268435456", blob0 + 12,
			 idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	put32(b + blob0 + 12, get32(orig + blob0 + 12) + 16);
	want = xasprintf("offset %zu: blob of package %u: length %u does not fill its %zu blocks", blob0 + 12, idx0,
			 get32(orig + blob0 + 12) + 16, cnt0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* a blob's head or tail not what rpm wrote */
	memcpy(b, orig, len);
	b[blob0 + 3] = 's';
	want = xasprintf("offset %zu: blob of package %u: bad head magic", blob0, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	put32(b + blob0 + 4, idx0 + 1000);
	want = xasprintf("offset %zu: blob of package %u: its head says package %u", blob0 + 4, idx0, idx0 + 1000);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	memcpy(b, orig, len);
	b[blob0 + cnt0 * 16 - 1] = 'e';
	want = xasprintf("offset %zu: blob of package %u: bad tail magic", blob0 + cnt0 * 16 - 4, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* one bit of the header data flipped: the adler32 says so */
	memcpy(b, orig, len);
	b[blob0 + 16 + 100] ^= 0x01;
	want = xasprintf("offset %zu: blob of package %u: adler32 mismatch", blob0 + cnt0 * 16 - 12, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* the same package in two slots (the free slot made a copy of the first) */
	memcpy(b, orig, len);
	memcpy(b + free_slot, b + s0, 16);
	want = xasprintf("offset %zu: package %u is stored twice", blob0, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	/* a blob the container accepts and librpm does not: its adler32 made right again */
	memcpy(b, orig, len);
	memset(b + blob0 + 16, 0xff, 8); /* the header's index count and data size */
	{
		uint32_t s1 = 1, s2 = 0;
		for (size_t i = 0; i < cnt0 * 16 - 12; i++) {
			s1 = (s1 + b[blob0 + i]) % 65521;
			s2 = (s2 + s1) % 65521;
		}
		put32(b + blob0 + cnt0 * 16 - 12, s2 << 16 | s1);
	}
	want = xasprintf("offset %zu: the header of package %u is not one librpm accepts", blob0 + 16, idx0);
	ndb_refused(b, len, -EBADMSG, want);
	free(want);
	want = NULL;
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
	tcase_add_test(tc, ndb_real_database);
	tcase_add_test(tc, ndb_damaged);
	tcase_add_test(tc, vercmp);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
