/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: SUSE's ndb Packages.db container (rpmndb.c), then the whole load through the image
 * door (rpmdb.c: every blob through librpm's headerImport). An input starting with 'H' is instead
 * one header blob, wrapped into a valid one-package container (the adler32 right), so the fuzzer
 * reaches what capgate does with a header the image chose: headerImport, the tags, the file list. */
#include "fuzz.h"
#include "rpmdb.h"
#include "rpmndb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static void put_magic(uint8_t *p, const char *m)
{
	p[0] = (uint8_t)m[0], p[1] = (uint8_t)m[1], p[2] = (uint8_t)m[2], p[3] = (uint8_t)m[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Package 1 holding BLOB, in a database of one slot page, as rpmpkg.c writes it. */
static uint8_t *wrap_header(const uint8_t *blob, size_t len, size_t *out_len)
{
	size_t blocks = (16 + len + 12 + 15) / 16, size = 4096 + blocks * 16;
	uint8_t *b = xcalloc(1, size), *h = b + 4096;
	uint32_t s1 = 1, s2 = 0;

	put_magic(b, "RpmP");
	put32(b + 8, 1), put32(b + 12, 1), put32(b + 16, 2);
	for (size_t o = 32; o < 4096; o += 16)
		put_magic(b + o, "Slot");
	put32(b + 36, 1), put32(b + 40, 256), put32(b + 44, (uint32_t)blocks);
	put_magic(h, "BlbS");
	put32(h + 4, 1), put32(h + 8, 1), put32(h + 12, (uint32_t)len);
	memcpy(h + 16, blob, len);
	for (size_t i = 0; i < blocks * 16 - 12; i++) {
		s1 = (s1 + h[i]) % 65521;
		s2 = (s2 + s1) % 65521;
	}
	put32(b + size - 12, s2 << 16 | s1), put32(b + size - 8, (uint32_t)len);
	put_magic(b + size - 4, "BlbE");
	*out_len = size;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ uint8_t *wrapped = NULL;
	struct rpmndb db;
	struct rpmndb_err err;
	struct rpmdb r;
	int e, e2;

	if (size && data[0] == 'H') {
		wrapped = wrap_header(data + 1, size - 1, &size);
		data = wrapped;
	}
	e = rpmndb_parse(data, size, &db, &err);
	FUZZ_ASSERT(!wrapped || (e == 0 && db.n == 1));
	if (e < 0) {
		/* refused: nothing kept, and a reason at an offset inside the file (or its end) */
		FUZZ_ASSERT(e == -EBADMSG && db.n == 0 && !db.v && err.reason[0] && err.off <= size);
	} else {
		for (size_t i = 0; i < db.n; i++) {
			const struct rpmndb_blob *b = &db.v[i];
			FUZZ_ASSERT(b->pkgidx && b->len <= RPMNDB_MAX_BLOB);
			FUZZ_ASSERT(b->data >= data + 16 && b->data + b->len + 12 <= data + size);
			FUZZ_ASSERT(b->data == data + b->off + 16);
			FUZZ_ASSERT(i == 0 || db.v[i - 1].pkgidx < b->pkgidx); /* ordered, no duplicate */
		}
	}
	/* the same bytes as an image's database: an error names the reason, a load lists no more
	 * packages than there are blobs */
	const struct safefs *fs = fuzz_root();
	fuzz_root_write("usr/lib/sysimage/rpm/Packages.db", data, size);
	e2 = rpmdb_load(fs, &r);
	FUZZ_ASSERT(r.path && streq(r.path, "/usr/lib/sysimage/rpm/Packages.db"));
	if (e < 0)
		FUZZ_ASSERT(e2 == e && r.error && r.n == 0);
	else if (e2 == 0) {
		const struct rpm_pkg *owner;
		char *hex;
		int algo;
		FUZZ_ASSERT(r.n <= db.n && !r.error);
		/* the file list of every header is looked through */
		if (rpmdb_file_digest(&r, "/usr/bin/fuzz", &owner, &hex, &algo) == 0)
			FUZZ_ASSERT(owner == NULL || owner->name);
		free(hex);
	} else
		FUZZ_ASSERT(e2 == -EBADMSG && r.error);
	rpmdb_free(&r);
	rpmndb_free(&db);
	return 0;
}
