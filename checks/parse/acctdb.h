/* SPDX-License-Identifier: Apache-2.0 */
/* The image's account databases: passwd (agent/users.c), shadow, group and gshadow. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "safefs.h"
#include "users.h"
#include "util.h"

struct shadow_ent {
	char *name;
	char *hash;   /* "" empty, "*" or "!..." locked, else a crypt(3) hash */
	long lastchg, min, max, warn, inactive, expire; /* -1 when the field is empty */
	unsigned line;
};

struct group_ent {
	char *name;
	char *passwd;
	gid_t gid;
	struct strv members;
	unsigned line;
};

struct gshadow_ent {
	char *name;
	char *passwd;
	struct strv admins, members;
	unsigned line;
};

/* Lines getspent(3)/getgrent(3) would skip, with the reason. */
struct acctdb_bad {
	const char *file;
	unsigned line;
	const char *why;
};

struct acctdb {
	struct users passwd;
	struct shadow_ent *shadow;
	size_t nshadow;
	struct group_ent *group;
	size_t ngroup;
	struct gshadow_ent *gshadow;
	size_t ngshadow;
	struct acctdb_bad *bad;
	size_t nbad;
	/* "+"/"-" NIS compat lines in shadow and group (passwd's are in passwd.plus) */
	struct acctdb_bad *plus;
	size_t nplus;
	bool has_shadow, has_gshadow, has_group;
};

void acctdb_parse_shadow(struct acctdb *db, const char *text);
void acctdb_parse_group(struct acctdb *db, const char *text);
void acctdb_parse_gshadow(struct acctdb *db, const char *text);
/* Read /etc/passwd, shadow, group and gshadow of the image. Only passwd must exist (a missing
 * group leaves every primary gid undefined, which acct.unique-ids reports); any other read
 * failure is returned with *FAILED naming the file. */
int acctdb_load(const struct safefs *fs, struct acctdb *db, const char **failed);
void acctdb_free(struct acctdb *db);

const struct shadow_ent *acctdb_shadow(const struct acctdb *db, const char *name);
const struct group_ent *acctdb_group(const struct acctdb *db, const char *name);
const struct group_ent *acctdb_group_by_gid(const struct acctdb *db, gid_t gid);
const struct user *acctdb_user_by_uid(const struct acctdb *db, uid_t uid);
/* Whether USER belongs to GROUP, as its primary group or as a listed member. */
bool acctdb_in_group(const struct acctdb *db, const struct user *u, const char *group);

/* The password state of an account, judged from shadow (or passwd when its field is not "x"). */
enum acct_pw { ACCT_PW_EMPTY, ACCT_PW_LOCKED, ACCT_PW_HASH };
enum acct_pw acctdb_password_state(const char *hash);
/* A shell that lets the account log in interactively (not nologin, false, sync, ...). */
bool acctdb_login_shell(const char *shell);
