/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: fstab through libmount, with entry lines. */
#include "fstab.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fstab f;
	unsigned last = 0;

	if (fstab_parse(&f, (const char *)data, size) == 0)
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_ASSERT(f.v[i].source && f.v[i].target && f.v[i].fstype);
			(void)fstab_source_kind(f.v[i].source);
			/* entries come in file order */
			FUZZ_ASSERT(f.v[i].line == 0 || f.v[i].line > last);
			if (f.v[i].line)
				last = f.v[i].line;
		}
	fstab_free(&f);
	return 0;
}
