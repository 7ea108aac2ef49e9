/* SPDX-License-Identifier: Apache-2.0 */
/* shadow, group and gshadow parsing as the shadow suite's getspent/getgrent read them. */
#include "acctdb.h"

#define ACCT_MAX (16 << 20)

/* Split LINE at ':' into at most MAX fields; returns how many there were (MAX+1: too many). */
static size_t split_colon(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = p;
		p = strchr(p, ':');
		if (!p)
			return n;
		*p++ = '\0';
	}
}

static void bad_add(struct acctdb_bad **v, size_t *n, const char *file, unsigned line, const char *why)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct acctdb_bad){.file = file, .line = line, .why = why};
}

static bool parse_long(const char *s, long *out)
{
	char *end;
	if (!*s) {
		*out = -1;
		return true;
	}
	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && !*end && *out >= 0;
}

/* Call FN for each line that is neither empty nor a comment nor a NIS compat line. */
static void each_line(struct acctdb *db, const char *file, const char *text,
		      void (*fn)(struct acctdb *db, char *line, unsigned lineno))
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *next;
	unsigned lineno = 0;

	for (char *line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (!*line || *line == '#')
			continue;
		if (*line == '+' || *line == '-') {
			bad_add(&db->plus, &db->nplus, file, lineno, "legacy NIS compat entry");
			continue;
		}
		fn(db, line, lineno);
	}
}

static void shadow_line(struct acctdb *db, char *line, unsigned lineno)
{
	char *f[9];
	struct shadow_ent e = {.line = lineno};
	size_t n = split_colon(line, f, 9);

	if (n != 9 || !*f[0]) {
		bad_add(&db->bad, &db->nbad, "/etc/shadow", lineno, "not 9 colon-separated fields");
		return;
	}
	if (!parse_long(f[2], &e.lastchg) || !parse_long(f[3], &e.min) || !parse_long(f[4], &e.max) ||
	    !parse_long(f[5], &e.warn) || !parse_long(f[6], &e.inactive) || !parse_long(f[7], &e.expire)) {
		bad_add(&db->bad, &db->nbad, "/etc/shadow", lineno, "a day count is not a number");
		return;
	}
	e.name = xstrdup(f[0]);
	e.hash = xstrdup(f[1]);
	db->shadow = xreallocarray(db->shadow, db->nshadow + 1, sizeof *db->shadow);
	db->shadow[db->nshadow++] = e;
}

static void split_list(struct strv *l, const char *s)
{
	strv_split_commas(l, s);
}

static void group_line(struct acctdb *db, char *line, unsigned lineno)
{
	char *f[4], *end;
	unsigned long gid;
	size_t n = split_colon(line, f, 4);

	if (n != 4 || !*f[0] || !*f[2]) {
		bad_add(&db->bad, &db->nbad, "/etc/group", lineno, "not 4 colon-separated fields");
		return;
	}
	errno = 0;
	gid = strtoul(f[2], &end, 10);
	if (errno || *end || gid > 0xfffffffeUL) {
		bad_add(&db->bad, &db->nbad, "/etc/group", lineno, "the group id is not a number");
		return;
	}
	db->group = xreallocarray(db->group, db->ngroup + 1, sizeof *db->group);
	struct group_ent *g = &db->group[db->ngroup++];
	*g = (struct group_ent){.name = xstrdup(f[0]), .passwd = xstrdup(f[1]), .gid = (gid_t)gid, .line = lineno};
	split_list(&g->members, f[3]);
}

static void gshadow_line(struct acctdb *db, char *line, unsigned lineno)
{
	char *f[4];
	size_t n = split_colon(line, f, 4);

	if (n != 4 || !*f[0]) {
		bad_add(&db->bad, &db->nbad, "/etc/gshadow", lineno, "not 4 colon-separated fields");
		return;
	}
	db->gshadow = xreallocarray(db->gshadow, db->ngshadow + 1, sizeof *db->gshadow);
	struct gshadow_ent *g = &db->gshadow[db->ngshadow++];
	*g = (struct gshadow_ent){.name = xstrdup(f[0]), .passwd = xstrdup(f[1]), .line = lineno};
	split_list(&g->admins, f[2]);
	split_list(&g->members, f[3]);
}

void acctdb_parse_shadow(struct acctdb *db, const char *text)
{
	db->has_shadow = true;
	each_line(db, "/etc/shadow", text, shadow_line);
}

void acctdb_parse_group(struct acctdb *db, const char *text)
{
	db->has_group = true;
	each_line(db, "/etc/group", text, group_line);
}

void acctdb_parse_gshadow(struct acctdb *db, const char *text)
{
	db->has_gshadow = true;
	each_line(db, "/etc/gshadow", text, gshadow_line);
}

int acctdb_load(const struct safefs *fs, struct acctdb *db, const char **failed)
{
	static const struct {
		const char *path;
		void (*parse)(struct acctdb *db, const char *text);
		bool optional;
	} files[] = {
		{"/etc/shadow", acctdb_parse_shadow, true},
		{"/etc/group", acctdb_parse_group, true},
		{"/etc/gshadow", acctdb_parse_gshadow, true},
	};
	int r = users_load(fs, &db->passwd);

	if (r < 0) {
		*failed = "/etc/passwd";
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *buf = NULL;
		r = safefs_read_file(fs, files[i].path, ACCT_MAX, &buf, NULL);
		if (r == -ENOENT && files[i].optional)
			continue;
		if (r < 0) {
			*failed = files[i].path;
			return r;
		}
		files[i].parse(db, buf);
	}
	return 0;
}

void acctdb_free(struct acctdb *db)
{
	users_free(&db->passwd);
	for (size_t i = 0; i < db->nshadow; i++) {
		free(db->shadow[i].name);
		free(db->shadow[i].hash);
	}
	free(db->shadow);
	for (size_t i = 0; i < db->ngroup; i++) {
		free(db->group[i].name);
		free(db->group[i].passwd);
		strv_free(&db->group[i].members);
	}
	free(db->group);
	for (size_t i = 0; i < db->ngshadow; i++) {
		free(db->gshadow[i].name);
		free(db->gshadow[i].passwd);
		strv_free(&db->gshadow[i].admins);
		strv_free(&db->gshadow[i].members);
	}
	free(db->gshadow);
	free(db->bad);
	free(db->plus);
	*db = (struct acctdb){0};
}

const struct shadow_ent *acctdb_shadow(const struct acctdb *db, const char *name)
{
	for (size_t i = 0; i < db->nshadow; i++)
		if (streq(db->shadow[i].name, name))
			return &db->shadow[i];
	return NULL;
}

const struct group_ent *acctdb_group(const struct acctdb *db, const char *name)
{
	for (size_t i = 0; i < db->ngroup; i++)
		if (streq(db->group[i].name, name))
			return &db->group[i];
	return NULL;
}

const struct group_ent *acctdb_group_by_gid(const struct acctdb *db, gid_t gid)
{
	for (size_t i = 0; i < db->ngroup; i++)
		if (db->group[i].gid == gid)
			return &db->group[i];
	return NULL;
}

const struct user *acctdb_user_by_uid(const struct acctdb *db, uid_t uid)
{
	for (size_t i = 0; i < db->passwd.n; i++)
		if (db->passwd.v[i].uid == uid)
			return &db->passwd.v[i];
	return NULL;
}

bool acctdb_in_group(const struct acctdb *db, const struct user *u, const char *group)
{
	const struct group_ent *g = acctdb_group(db, group);

	if (!g)
		return false;
	if (u->gid == g->gid)
		return true;
	for (size_t i = 0; i < g->members.n; i++)
		if (streq(g->members.v[i], u->name))
			return true;
	return false;
}

enum acct_pw acctdb_password_state(const char *hash)
{
	/* crypt(3) hashes start with '$' or are 13 DES characters; "*", "!", "!!", "!$6$..." and
	 * any other string no crypt(3) output can equal lock the password */
	if (!*hash)
		return ACCT_PW_EMPTY;
	if (hash[0] == '!' || hash[0] == '*' || hash[0] == 'x')
		return ACCT_PW_LOCKED;
	if (hash[0] == '$' || strlen(hash) == 13)
		return ACCT_PW_HASH;
	return ACCT_PW_LOCKED;
}

bool acctdb_login_shell(const char *shell)
{
	static const char *const no_login[] = {
		"/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false", "/bin/sync",
		"/usr/bin/sync", "/sbin/shutdown", "/usr/sbin/shutdown", "/sbin/halt", "/usr/sbin/halt",
		"/bin/true", "/usr/bin/true",
	};
	if (!*shell)
		return true; /* an empty shell field means /bin/sh */
	for (size_t i = 0; i < ELEMENTSOF(no_login); i++)
		if (streq(shell, no_login[i]))
			return false;
	return true;
}
