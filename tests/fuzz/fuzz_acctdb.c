/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: shadow, group and gshadow parsing, and login.defs, from the same input. */
#include "fuzz.h"
#include "acctdb.h"
#include "logindefs.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct acctdb db = {0};
	struct logindefs d = {0};
	long v;

	acctdb_parse_shadow(&db, text);
	acctdb_parse_group(&db, text);
	acctdb_parse_gshadow(&db, text);
	for (size_t i = 0; i < db.nshadow; i++) {
		FUZZ_ASSERT(db.shadow[i].name[0] && !strchr(db.shadow[i].hash, ':'));
		FUZZ_ASSERT(db.shadow[i].max >= -1 && db.shadow[i].min >= -1);
		acctdb_password_state(db.shadow[i].hash);
	}
	for (size_t i = 0; i < db.ngroup; i++)
		FUZZ_ASSERT(acctdb_group(&db, db.group[i].name));
	logindefs_parse(&d, text);
	for (size_t i = 0; i < d.n; i++) {
		FUZZ_ASSERT(d.v[i].key[0] && logindefs_find(&d, d.v[i].key) == &d.v[i]);
		logindefs_num(&d, d.v[i].key, &v);
	}
	logindefs_free(&d);
	acctdb_free(&db);
	return 0;
}
