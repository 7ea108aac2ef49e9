/* Fuzz target: sudoers logical lines, Defaults, aliases, user specifications and their tags. */
#include "fuzz.h"
#include "sudoers.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct sudoers s = {0};

	sudoers_parse_text(&s, NULL, SUDOERS_MAIN, text);
	for (size_t i = 0; i < s.n; i++) {
		const struct sudo_rule *r = &s.v[i];
		FUZZ_ASSERT(r->line >= 1 && r->text);
		FUZZ_ASSERT(!r->nopasswd_all || (r->nopasswd && r->all_cmds));
		for (size_t k = 0; k < r->users.n; k++)
			FUZZ_ASSERT(r->users.v[k][0] && r->users.v[k][0] != ' ');
	}
	sudoers_free(&s);
	return 0;
}
