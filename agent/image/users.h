/* SPDX-License-Identifier: Apache-2.0 */
/* The image's accounts from its /etc/passwd, for checks that look into every home. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

struct safefs;

struct user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	char *passwd;  /* the second field: "x" when the hash lives in shadow */
	unsigned line; /* in /etc/passwd */
};

struct users {
	struct user *v;
	size_t n;
	unsigned *bad;  /* line numbers of malformed lines, skipped as getpwent(3) skips them */
	size_t nbad;
	unsigned *plus; /* line numbers of legacy NIS "+"/"-" entries, skipped too */
	size_t nplus;
};

/* Parse passwd text; malformed and NIS compat lines are skipped, their numbers recorded. */
void users_parse(struct users *u, const char *text);
/* Read /etc/passwd of the image. -ENOENT when it has none. */
int users_load(const struct safefs *fs, struct users *u);
void users_free(struct users *u);
const struct user *users_find(const struct users *u, const char *name);
/* Distinct home directories worth looking into (not "/", not /nonexistent). */
size_t users_homes(const struct users *u, const char ***homes);
