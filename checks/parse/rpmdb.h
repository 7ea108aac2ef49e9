/* SPDX-License-Identifier: Apache-2.0 */
/* The rpm database of an image (RHEL and clones, SUSE, Azure Linux), read with librpm: sqlite
 * (rpmdb.sqlite), Berkeley DB (Packages, through the read-only bdb_ro backend) and SUSE's ndb
 * (Packages.db: the container by rpmndb.c, the headers by librpm). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"

struct rpm_pkg {
	char *name, *version, *release, *arch, *vendor;
	char *evr;    /* [epoch:]version-release, for messages and rpmdb_vercmp() */
	char *sigkey; /* the signing key's short id (8 lowercase hex, as gpg-pubkey's version), NULL: unsigned */
};

struct rpmdb {
	struct rpm_pkg *v; /* sorted by name */
	size_t n;
	char *path;    /* the database file inside the image (/var/lib/rpm/rpmdb.sqlite) */
	char *backend; /* "sqlite", "bdb_ro", "ndb" */
	char *error;   /* when the load failed on the file's content: where and why ("offset 4096: ..."), or NULL */
	struct rpmdb_priv *priv;
};

/* Find the image's database (/var/lib/rpm, /usr/lib/sysimage/rpm) and read every header. The
 * database is copied through FS into a private folder first, so librpm never opens a path of the
 * image (ndb's Packages.db is read into memory through FS instead). -ENOENT when the image has
 * none; another -errno with db->path set (and db->error for a damaged ndb file: -EBADMSG, -EFBIG)
 * when it is there and cannot be read. */
int rpmdb_load(const struct safefs *fs, struct rpmdb *db);
void rpmdb_free(struct rpmdb *db);
/* The private folder the database was copied into (for tests: it must be gone after
 * rpmdb_free()), or NULL when nothing was copied (ndb). */
const char *rpmdb_private_dir(const struct rpmdb *db);
/* The installed package NAME (the newest when several versions are, as kernels are), or NULL. */
const struct rpm_pkg *rpmdb_installed(const struct rpmdb *db, const char *name);
/* The package owning PATH and the file's digest there (lowercase hex) and its algorithm
 * (PGPHASHALGO_*: 8 = SHA-256). 0, -ENOENT when no package owns it, -errno on a read failure. */
int rpmdb_file_digest(const struct rpmdb *db, const char *path, const struct rpm_pkg **owner, char **hex, int *algo);
/* rpm's version order (rpmvercmp) of two version or EVR strings: <0, 0, >0. */
int rpmdb_vercmp(const char *a, const char *b);
/* True when an imported public key (gpg-pubkey-<id>-<date>) has the short id KEYID. */
bool rpmdb_has_pubkey(const struct rpmdb *db, const char *keyid);
