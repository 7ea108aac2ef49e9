/* SPDX-License-Identifier: Apache-2.0 */
/* A PAM service's stack as libpam assembles it from /etc/pam.d (includes and substacks expanded). */
#pragma once
#include <stdbool.h>

#include "safefs.h"
#include "util.h"

struct pam_entry {
	char *file;
	unsigned line;
	char *type;      /* auth, account, password, session */
	bool silent;     /* "-type": a missing module is not logged */
	char *control;   /* "required", "[success=1 default=ignore]", ... */
	char *module;    /* as written */
	struct strv args;
};

struct pamstack {
	struct pam_entry *v;
	size_t n, cap;
	struct strv files;
	struct strv diags; /* "file:line: reason" */
	int io_err;        /* the first I/O error (not a missing file), -errno; 0 if none */
	char *io_path;
};

/* Assemble /etc/pam.d/SERVICE (or /usr/lib/pam.d/SERVICE where /etc has none, as libpam built
 * with a vendor directory reads it; includes likewise). -ENOENT when the service file is missing; the first I/O error of an
 * included file otherwise (st->io_path names it). */
int pamstack_load(const struct safefs *fs, const char *service, struct pamstack *st);
/* Parse TEXT as PATH (ONLY_TYPE limits to one type, for include/substack; NULL for all). */
void pamstack_parse_text(struct pamstack *st, const struct safefs *fs, const char *path, const char *text,
			 const char *only_type);
/* The first entry of TYPE whose module's file name is MODULE ("pam_unix.so"). */
const struct pam_entry *pamstack_find(const struct pamstack *st, const char *type, const char *module);
/* The first entry of TYPE and MODULE that has argument KEY (pam_faillock's deny= may sit on its
 * preauth or its authfail line). */
const struct pam_entry *pamstack_find_arg(const struct pamstack *st, const char *type, const char *module,
					  const char *key);
/* An argument "KEY" or "KEY=value": NULL when absent, "" for a bare flag, else the value. */
const char *pamstack_arg(const struct pam_entry *e, const char *key);
void pamstack_free(struct pamstack *st);
