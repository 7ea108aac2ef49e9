/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers and its includes, read as sudo 1.9 reads them, into plain rules for the checks. */
#pragma once
#include <stdbool.h>

#include "safefs.h"
#include "util.h"

#define SUDOERS_MAIN "/etc/sudoers"

enum sudo_kind { SUDO_USERSPEC, SUDO_DEFAULTS, SUDO_ALIAS };

struct sudo_rule {
	enum sudo_kind kind;
	char *file;
	unsigned line;      /* where the logical line starts */
	char *text;         /* the logical line, continuations joined */
	struct strv users;  /* userspec: the user list; alias: its members; defaults: empty */
	char *binding;      /* defaults: ":user", "@host", ">runas", "!cmnd" or ""; alias: its type */
	char *name;         /* alias: its name */
	struct strv settings; /* defaults: the settings ("!authenticate", "env_reset", ...) */
	bool all_cmds;      /* userspec: some command is ALL */
	bool nopasswd;      /* userspec: some command runs with NOPASSWD */
	bool nopasswd_all;  /* userspec: ALL runs with NOPASSWD */
};

struct sudoers_diag {
	char *file;
	unsigned line;
	char *msg;
};

#define SUDOERS_MAX_DIAGS 1000

struct sudoers {
	struct sudo_rule *v;
	size_t n, cap;
	struct strv files; /* every file read, in order */
	struct sudoers_diag *diags; /* at most SUDOERS_MAX_DIAGS; the last then says more were dropped */
	size_t ndiags, capdiags;
	int io_err;    /* the first I/O error (not a missing file), -errno; 0 if none */
	char *io_path;
};

/* Read /etc/sudoers and everything it includes; -ENOENT when sudo's file is absent. */
int sudoers_load(const struct safefs *fs, struct sudoers *s);
/* Parse TEXT as the file PATH; includes are followed through FS (may be NULL). */
void sudoers_parse_text(struct sudoers *s, const struct safefs *fs, const char *path, const char *text);
/* Whether sudo reads NAME from an includedir: no '.' and no trailing '~' (sudo's rule). */
bool sudoers_includedir_name_ok(const char *name);
/* Whether NAME is an alias defined as User_Alias. */
bool sudoers_is_user_alias(const struct sudoers *s, const char *name);
void sudoers_free(struct sudoers *s);
