/* SPDX-License-Identifier: Apache-2.0 */
/* dpkg's status database and package indexes (Packages files), and Debian version ordering. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"

struct dpkg_pkg {
	char *name, *arch, *version, *source;
	char *want, *flag, *state; /* the three words of Status: */
	unsigned line;             /* line of the stanza's Package: field */
};

struct dpkg_db {
	struct dpkg_pkg *v; /* sorted by name, then arch */
	size_t n;
	unsigned bad_stanzas; /* stanzas without Package: or Status: */
};

/* Parse status text (a stanza per package, blank-line separated, continuation lines indented). */
void dpkg_parse(struct dpkg_db *db, const char *text);
/* /var/lib/dpkg/status of the image; -ENOENT when it has none (not a dpkg system). */
int dpkg_load(const struct safefs *fs, struct dpkg_db *db);
void dpkg_free(struct dpkg_db *db);
/* The package NAME in state "installed" (or half-configured, unpacked...: anything but
 * not-installed and config-files), or NULL. */
const struct dpkg_pkg *dpkg_installed(const struct dpkg_db *db, const char *name);
bool dpkg_is_installed_state(const struct dpkg_pkg *p);

/* Compare Debian versions (epoch:upstream-revision, '~' sorts first): <0, 0, >0. */
int dpkg_version_compare(const char *a, const char *b);

/* Walk a Packages index: FN gets each stanza's Package and Version (not NUL-terminated), for
 * stanzas whose Package starts with PREFIX (NULL: all). */
void dpkg_index_foreach(const char *text, size_t len, const char *prefix,
			void (*fn)(const char *name, size_t nlen, const char *version, size_t vlen, void *ud), void *ud);
