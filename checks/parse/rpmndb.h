/* SPDX-License-Identifier: Apache-2.0 */
/* SUSE's ndb package database container (Packages.db), read from a buffer: the header blobs it
 * holds, each checked as rpm's lib/backend/ndb/rpmpkg.c checks it. What a blob means (a header in
 * rpm's export format) is librpm's business, in rpmdb.c. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Bounds for hostile input, far above what a real database holds: 8 slot pages already hold 2,046
 * packages, and librpm refuses a header whose data passes 256 MiB (header.c HEADER_DATA_MAX). The
 * file is read whole into memory. */
#define RPMNDB_MAX_FILE (1024u * 1024u * 1024u)
#define RPMNDB_MAX_SLOT_PAGES 4096u
#define RPMNDB_MAX_BLOB (256u * 1024u * 1024u)

struct rpmndb_blob {
	uint32_t pkgidx;
	uint64_t off;        /* of the blob's head in the file */
	const uint8_t *data; /* points into the parsed buffer */
	uint32_t len;
};

struct rpmndb {
	struct rpmndb_blob *v; /* ordered by pkgidx */
	size_t n;
	uint32_t generation, nextpkgidx;
};

/* Where and why a file was refused. */
struct rpmndb_err {
	uint64_t off;
	char reason[128];
};

/* Parse BUF (LEN bytes, the whole file). 0, or -EBADMSG (-EFBIG above RPMNDB_MAX_FILE) with *ERR
 * saying where and why; DB then holds nothing. Every blob's adler32 is verified. */
int rpmndb_parse(const uint8_t *buf, size_t len, struct rpmndb *db, struct rpmndb_err *err);
void rpmndb_free(struct rpmndb *db);
