/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: APT sources, both the one-line .list format and deb822 .sources. */
#include "aptsrc.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = fuzz_cstring(data, size), *b = fuzz_cstring(data, size);
	struct apt_sources s = {0};

	aptsrc_parse_list(&s, "/etc/apt/sources.list", a);
	aptsrc_parse_deb822(&s, "/etc/apt/sources.list.d/fuzz.sources", b);
	for (size_t i = 0; i < s.n; i++)
		FUZZ_ASSERT(s.v[i].path && s.v[i].line >= 1);
	aptsrc_free(&s);
	free(a);
	free(b);
	return 0;
}
