/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the image's /etc/passwd parser and the home list built from it. */
#include "fuzz.h"
#include "users.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	_cleanup_free_ const char **homes = NULL;
	struct users u = {0};
	size_t n;

	users_parse(&u, text);
	for (size_t i = 0; i < u.n; i++) {
		const struct user *x = &u.v[i];
		FUZZ_ASSERT(x->name[0] && !strchr(x->name, ':') && !strchr(x->name, '\n'));
		FUZZ_ASSERT(!strchr(x->home, ':') && !strchr(x->shell, ':'));
		FUZZ_ASSERT(users_find(&u, x->name));
	}
	n = users_homes(&u, &homes);
	FUZZ_ASSERT(n <= u.n && homes[n] == NULL);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT(homes[i][0] == '/' && strcmp(homes[i], "/") != 0);
	users_free(&u);
	return 0;
}
