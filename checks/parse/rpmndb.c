/* SPDX-License-Identifier: Apache-2.0 */
/* SUSE's ndb Packages.db container, read as rpm 4.18's lib/backend/ndb/rpmpkg.c reads it (Debian's
 * librpm is built without ndb): a 32-byte file header, slot pages of 16-byte slots, blobs in
 * 16-byte blocks with a head, the data, zero padding and a tail carrying an adler32. Index.db is
 * not needed: every blob is read. Each offset is checked against the file before it is used. */
#include "rpmndb.h"

#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MAGIC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define PKGDB_MAGIC MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC MAGIC('S', 'l', 'o', 't')
#define BLOBHEAD_MAGIC MAGIC('B', 'l', 'b', 'S')
#define BLOBTAIL_MAGIC MAGIC('B', 'l', 'b', 'E')
#define PKGDB_VERSION 0
#define PKGDB_HEADER_SIZE 32 /* the first two slots of page 0 */
#define SLOT_SIZE 16
#define BLK_SIZE 16
#define PAGE_SIZE 4096
#define BLOBHEAD_SIZE 16 /* magic, pkgidx, generation, length */
#define BLOBTAIL_SIZE 12 /* adler32, length, magic */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* RFC 1950, as rpmpkg.c's update_adler32() */
static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t s1 = 1, s2 = 0;

	while (n) {
		size_t k = n < 5552 ? n : 5552; /* the most bytes before s2 can overflow */
		n -= k;
		while (k--) {
			s1 += *p++;
			s2 += s1;
		}
		s1 %= 65521;
		s2 %= 65521;
	}
	return s2 << 16 | s1;
}

_printf_(3, 4) static int refuse(struct rpmndb_err *err, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	err->off = off;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof err->reason, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static int by_pkgidx(const void *a, const void *b)
{
	const struct rpmndb_blob *x = a, *y = b;
	return x->pkgidx < y->pkgidx ? -1 : x->pkgidx > y->pkgidx;
}

/* The blob a slot points at: blocks [BLKOFF, BLKOFF + BLKCNT) lie inside the file (checked). */
static int read_blob(const uint8_t *buf, uint32_t pkgidx, uint64_t blkoff, uint64_t blkcnt, struct rpmndb_blob *out,
		     struct rpmndb_err *err)
{
	uint64_t off = blkoff * BLK_SIZE, size = blkcnt * BLK_SIZE;
	const uint8_t *b = buf + off, *tail;
	uint32_t len;

	if (size < BLOBHEAD_SIZE + BLOBTAIL_SIZE)
		return refuse(err, off, "blob of package %u: %" PRIu64 " blocks cannot hold a head and a tail", pkgidx,
			      blkcnt);
	if (le32(b) != BLOBHEAD_MAGIC)
		return refuse(err, off, "blob of package %u: bad head magic", pkgidx);
	if (le32(b + 4) != pkgidx)
		return refuse(err, off + 4, "blob of package %u: its head says package %u", pkgidx, le32(b + 4));
	len = le32(b + 12);
	if (len > RPMNDB_MAX_BLOB)
		return refuse(err, off + 12, "blob of package %u: length %u above the limit of %u", pkgidx, len,
			      RPMNDB_MAX_BLOB);
	/* 64-bit sum: rpm's own 32-bit one wraps for a length near 4 GiB */
	if ((BLOBHEAD_SIZE + (uint64_t)len + BLOBTAIL_SIZE + BLK_SIZE - 1) / BLK_SIZE != blkcnt)
		return refuse(err, off + 12, "blob of package %u: length %u does not fill its %" PRIu64 " blocks",
			      pkgidx, len, blkcnt);
	tail = b + size - BLOBTAIL_SIZE;
	if (le32(tail + 8) != BLOBTAIL_MAGIC)
		return refuse(err, off + size - 4, "blob of package %u: bad tail magic", pkgidx);
	if (le32(tail + 4) != len)
		return refuse(err, off + size - 8, "blob of package %u: tail length %u, head length %u", pkgidx,
			      le32(tail + 4), len);
	/* the checksum covers the head, the data and the padding */
	if (adler32(b, size - BLOBTAIL_SIZE) != le32(tail))
		return refuse(err, off + size - BLOBTAIL_SIZE, "blob of package %u: adler32 mismatch", pkgidx);
	*out = (struct rpmndb_blob){.pkgidx = pkgidx, .off = off, .data = b + BLOBHEAD_SIZE, .len = len};
	return 0;
}

static int parse(const uint8_t *buf, size_t len, struct rpmndb *db, struct rpmndb_err *err)
{
	uint32_t npages;
	uint64_t fileblks = len / BLK_SIZE, minblkoff;
	size_t cap = 0;
	int e;

	if (len > RPMNDB_MAX_FILE) {
		refuse(err, 0, "%zu bytes, above the limit of %u", len, RPMNDB_MAX_FILE);
		return -EFBIG;
	}
	if (len < PAGE_SIZE)
		return refuse(err, len, "truncated: %zu bytes, less than one slot page", len);
	if (len % BLK_SIZE)
		return refuse(err, len, "truncated: %zu bytes, not a whole number of %d-byte blocks", len, BLK_SIZE);
	if (le32(buf) != PKGDB_MAGIC)
		return refuse(err, 0, "bad magic (not an ndb Packages.db)");
	if (le32(buf + 4) != PKGDB_VERSION)
		return refuse(err, 4, "version %u, only %d is known", le32(buf + 4), PKGDB_VERSION);
	db->generation = le32(buf + 8);
	npages = le32(buf + 12);
	db->nextpkgidx = le32(buf + 16);
	if (npages == 0 || npages > RPMNDB_MAX_SLOT_PAGES)
		return refuse(err, 12, "%u slot pages (1 to %u)", npages, RPMNDB_MAX_SLOT_PAGES);
	if ((uint64_t)npages * PAGE_SIZE > len)
		return refuse(err, 12, "%u slot pages run past the end of the file (%zu bytes)", npages, len);
	minblkoff = (uint64_t)npages * (PAGE_SIZE / BLK_SIZE);
	for (uint64_t o = PKGDB_HEADER_SIZE; o < (uint64_t)npages * PAGE_SIZE; o += SLOT_SIZE) {
		const uint8_t *s = buf + o;
		uint32_t pkgidx = le32(s + 4), blkoff = le32(s + 8), blkcnt = le32(s + 12);

		if (le32(s) != SLOT_MAGIC)
			return refuse(err, o, "bad slot magic");
		if (!blkoff)
			continue; /* a free slot */
		if (!pkgidx || !blkcnt)
			return refuse(err, o, "slot with package %u and %u blocks", pkgidx, blkcnt);
		if (blkoff < minblkoff)
			return refuse(err, o, "slot of package %u points into the slot pages (block %u)", pkgidx, blkoff);
		if ((uint64_t)blkoff + blkcnt > fileblks)
			return refuse(err, o, "slot of package %u points past the end of the file (blocks %u+%u of %" PRIu64 ")",
				      pkgidx, blkoff, blkcnt, fileblks);
		if (db->n == cap)
			db->v = xreallocarray(db->v, cap = cap ? cap * 2 : 64, sizeof *db->v);
		if ((e = read_blob(buf, pkgidx, blkoff, blkcnt, &db->v[db->n], err)) < 0)
			return e;
		db->n++;
	}
	if (db->n > 1) /* qsort's base must not be NULL, even for no element (an empty database) */
		qsort(db->v, db->n, sizeof *db->v, by_pkgidx);
	for (size_t i = 1; i < db->n; i++)
		if (db->v[i].pkgidx == db->v[i - 1].pkgidx)
			return refuse(err, db->v[i].off > db->v[i - 1].off ? db->v[i].off : db->v[i - 1].off,
				      "package %u is stored twice", db->v[i].pkgidx);
	return 0;
}

int rpmndb_parse(const uint8_t *buf, size_t len, struct rpmndb *db, struct rpmndb_err *err)
{
	int e;

	*db = (struct rpmndb){0};
	*err = (struct rpmndb_err){0};
	e = parse(buf, len, db, err);
	if (e < 0)
		rpmndb_free(db);
	return e;
}

void rpmndb_free(struct rpmndb *db)
{
	free(db->v);
	*db = (struct rpmndb){0};
}
