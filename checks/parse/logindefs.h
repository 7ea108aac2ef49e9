/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/login.defs as the shadow suite's getdef.c reads it. */
#pragma once
#include <stdbool.h>

#include "safefs.h"
#include "util.h"

struct logindefs_item {
	char *key;
	char *value;
	unsigned line;
};

struct logindefs {
	struct logindefs_item *v;
	size_t n;
	bool present;
	const char *path; /* the file read: LOGINDEFS_PATH, or LOGINDEFS_VENDOR_PATH where /etc has none */
};

#define LOGINDEFS_PATH "/etc/login.defs"
/* shadow built with libeconf's vendor directory (openSUSE Tumbleweed, SLE 16) */
#define LOGINDEFS_VENDOR_PATH "/usr/etc/login.defs"
/* Where findings about D belong (the file read, else the one an admin would write). */
#define LOGINDEFS_WHERE(d) ((d)->path ? (d)->path : LOGINDEFS_PATH)

/* KEY VALUE per line, blanks between, '#' comments, value quotes stripped; a key given twice
 * keeps its last value (getdef overwrites). */
void logindefs_parse(struct logindefs *d, const char *text);
/* /etc/login.defs, or the vendor file where /etc has none. -ENOENT is not an error for the caller
 * to report: d->present stays false. */
int logindefs_load(const struct safefs *fs, struct logindefs *d);
const struct logindefs_item *logindefs_find(const struct logindefs *d, const char *key);
/* The value as a number (octal with a leading 0, as getdef_num does); false when unset or
 * not a number. */
bool logindefs_num(const struct logindefs *d, const char *key, long *out);
void logindefs_free(struct logindefs *d);
