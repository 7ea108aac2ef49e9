/* SPDX-License-Identifier: Apache-2.0 */
/* SUSE's ndb container on buffers: the committed Packages.db real rpm wrote (its layout as rpm left
 * it), and containers built here as rpmpkg.c writes them (several slot pages, an empty blob, free
 * slots with stale contents), plus the bounds. What librpm makes of the blobs is test_rpmdb's. */
#include "rpmndb.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

struct pkg {
	uint32_t pkgidx;
	const char *data;
};

/* A container of NPAGES slot pages holding PKGS in order, each blob after the last. */
static uint8_t *build(uint32_t npages, const struct pkg *pkgs, size_t n, size_t *len)
{
	size_t size = npages * 4096u, off = size;
	uint8_t *b;

	for (size_t i = 0; i < n; i++)
		size += (16 + strlen(pkgs[i].data) + 12 + 15) / 16 * 16;
	b = xcalloc(1, size);
	memcpy(b, "RpmP", 4);
	put32(b + 8, 42), put32(b + 12, npages), put32(b + 16, 1000);
	for (size_t o = 32; o < npages * 4096u; o += 16)
		memcpy(b + o, "Slot", 4);
	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(pkgs[i].data), blocks = (16 + dl + 12 + 15) / 16;
		uint8_t *h = b + off, *s = b + 32 + 16 * (i * 300 % (npages * 256u - 2)); /* spread over the pages */
		uint32_t s1 = 1, s2 = 0;
		put32(s + 4, pkgs[i].pkgidx), put32(s + 8, (uint32_t)(off / 16)), put32(s + 12, (uint32_t)blocks);
		memcpy(h, "BlbS", 4);
		put32(h + 4, pkgs[i].pkgidx), put32(h + 8, 42), put32(h + 12, (uint32_t)dl);
		memcpy(h + 16, pkgs[i].data, dl);
		for (size_t k = 0; k < blocks * 16 - 12; k++) {
			s1 = (s1 + h[k]) % 65521;
			s2 = (s2 + s1) % 65521;
		}
		put32(h + blocks * 16 - 12, s2 << 16 | s1), put32(h + blocks * 16 - 8, (uint32_t)dl);
		memcpy(h + blocks * 16 - 4, "BlbE", 4);
		off += blocks * 16;
	}
	*len = size;
	return b;
}

START_TEST(real_file)
{
	_cleanup_free_ char *path = xasprintf("%s/tests/fixtures/ndb/Packages.db", CAPGATE_SOURCE_DIR);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct rpmndb db;
	struct rpmndb_err err;
	static const uint32_t want[] = {1, 2, 3, 5}; /* package 4 was erased: its slot is free */

	ck_assert(fd >= 0 && fstat(fd, &st) == 0);
	_cleanup_free_ uint8_t *buf = xmalloc((size_t)st.st_size);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	ck_assert_int_eq(rpmndb_parse(buf, (size_t)st.st_size, &db, &err), 0);
	ck_assert_uint_eq(db.generation, 7);
	ck_assert_uint_eq(db.nextpkgidx, 6);
	ck_assert_uint_eq(db.n, ELEMENTSOF(want));
	for (size_t i = 0; i < db.n; i++) {
		ck_assert_uint_eq(db.v[i].pkgidx, want[i]);
		ck_assert_uint_eq(db.v[i].off % 16, 0);
		ck_assert_ptr_eq(db.v[i].data, buf + db.v[i].off + 16);
		/* a header blob: index entries and data size, big-endian, fill it to the byte */
		const uint8_t *d = db.v[i].data;
		uint32_t il = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
		uint32_t dl = (uint32_t)d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7];
		ck_assert_uint_eq(8 + 16 * (size_t)il + dl, db.v[i].len);
	}
	rpmndb_free(&db);
}
END_TEST

START_TEST(built_containers)
{
	static const struct pkg pkgs[] = {{9, "nine"}, {3, ""}, {700, "a blob of exactly 20"}, {4, "four!"}};
	struct rpmndb db;
	struct rpmndb_err err;
	size_t len;
	_cleanup_free_ uint8_t *b = build(3, pkgs, ELEMENTSOF(pkgs), &len);

	/* three slot pages, an empty blob, a blob that fills its blocks to the byte; ordered by index */
	ck_assert_int_eq(rpmndb_parse(b, len, &db, &err), 0);
	ck_assert_uint_eq(db.n, 4);
	ck_assert_uint_eq(db.v[0].pkgidx, 3);
	ck_assert_uint_eq(db.v[0].len, 0);
	ck_assert_uint_eq(db.v[1].pkgidx, 4);
	ck_assert_int_eq(memcmp(db.v[1].data, "four!", 5), 0);
	ck_assert_uint_eq(db.v[2].pkgidx, 9);
	ck_assert_uint_eq(db.v[3].pkgidx, 700);
	ck_assert_uint_eq(db.v[3].len, 20);
	ck_assert_int_eq(memcmp(db.v[3].data, "a blob of exactly 20", 20), 0);
	rpmndb_free(&db);
	/* a free slot (block offset 0) is skipped whatever else it holds, as rpm does */
	put32(b + 32 + 16 * 5 + 4, 9), put32(b + 32 + 16 * 5 + 12, 77);
	ck_assert_int_eq(rpmndb_parse(b, len, &db, &err), 0);
	ck_assert_uint_eq(db.n, 4);
	rpmndb_free(&db);
	/* a used slot without blocks or without a package index */
	put32(b + 32 + 12, 0);
	ck_assert_int_eq(rpmndb_parse(b, len, &db, &err), -EBADMSG);
	ck_assert_uint_eq(err.off, 32);
	ck_assert_str_eq(err.reason, "slot with package 9 and 0 blocks");
	ck_assert_ptr_null(db.v);
	/* slot pages beyond the bound, and a file above the size bound, are refused before reading */
	put32(b + 12, RPMNDB_MAX_SLOT_PAGES + 1);
	ck_assert_int_eq(rpmndb_parse(b, len, &db, &err), -EBADMSG);
	ck_assert_str_eq(err.reason, "4097 slot pages (1 to 4096)");
	ck_assert_int_eq(rpmndb_parse(b, (size_t)RPMNDB_MAX_FILE + 16, &db, &err), -EFBIG);
	ck_assert_uint_eq(err.off, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rpmndb");
	TCase *tc = tcase_create("rpmndb");
	tcase_add_test(tc, real_file);
	tcase_add_test(tc, built_containers);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
