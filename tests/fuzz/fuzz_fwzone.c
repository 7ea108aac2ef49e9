/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a firewalld zone file (expat, DTDs and entities refused, nesting bounded). */
#include "fuzz.h"
#include "fwzone.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwzone z;
	int e = fwzone_parse(&z, "fuzz", "/etc/firewalld/zones/fuzz.xml", (const char *)data, size);

	/* either a zone with its target, or an error that says where */
	FUZZ_ASSERT(e == 0 ? z.target && !z.error : e == -EBADMSG && z.error && startswith(z.error, "line "));
	FUZZ_ASSERT(z.nopen <= 1000);
	for (size_t i = 0; i < z.nopen; i++)
		FUZZ_ASSERT(z.open[i].what && z.open[i].line >= 1);
	(void)fwzone_accepts_all(&z);
	fwzone_free(&z);
	return 0;
}
