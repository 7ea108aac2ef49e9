/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the account databases: passwd, shadow, group and gshadow (the input holds them
 * separated by NUL bytes), with the lookups and judgements checks make on them. */
#include "acctdb.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = xmalloc(size + 1);
	const char *part[4] = {"", "", "", ""};
	struct acctdb db = {0};
	size_t np = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i <= size && np < 4; i++)
		if (i == 0 || text[i - 1] == '\0')
			part[np++] = &text[i];
	users_parse(&db.passwd, part[0]);
	acctdb_parse_shadow(&db, part[1]);
	acctdb_parse_group(&db, part[2]);
	acctdb_parse_gshadow(&db, part[3]);
	for (size_t i = 0; i < db.nshadow; i++) {
		FUZZ_ASSERT(db.shadow[i].name && db.shadow[i].hash);
		FUZZ_ASSERT(acctdb_shadow(&db, db.shadow[i].name));
		(void)acctdb_password_state(db.shadow[i].hash);
	}
	for (size_t i = 0; i < db.ngroup; i++) {
		FUZZ_ASSERT(acctdb_group(&db, db.group[i].name));
		(void)acctdb_group_by_gid(&db, db.group[i].gid);
	}
	for (size_t i = 0; i < db.passwd.n; i++) {
		(void)acctdb_user_by_uid(&db, db.passwd.v[i].uid);
		(void)acctdb_in_group(&db, &db.passwd.v[i], "sudo");
		(void)acctdb_login_shell(db.passwd.v[i].shell);
	}
	acctdb_free(&db);
	return 0;
}
