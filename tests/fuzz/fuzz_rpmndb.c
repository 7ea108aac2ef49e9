/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: SUSE's ndb Packages.db container (rpmndb.c), then the whole load through the image
 * door (rpmdb.c: every blob through librpm's headerImport). */
#include "fuzz.h"
#include "rpmdb.h"
#include "rpmndb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpmndb db;
	struct rpmndb_err err;
	struct rpmdb r;
	int e = rpmndb_parse(data, size, &db, &err), e2;

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
	else if (e2 == 0)
		FUZZ_ASSERT(r.n <= db.n && !r.error);
	else
		FUZZ_ASSERT(e2 == -EBADMSG && r.error);
	rpmdb_free(&r);
	rpmndb_free(&db);
	return 0;
}
