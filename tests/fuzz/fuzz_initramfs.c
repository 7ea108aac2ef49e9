/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: an initramfs image (concatenated cpio archives, any compression) via libarchive. */
#include "fuzz.h"
#include "initramfs.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initramfs ir;

	if (initramfs_read_mem(data, size, &ir) == 0) {
		FUZZ_ASSERT(ir.segments >= 1 || ir.error);
		FUZZ_ASSERT(ir.filters.n <= ir.segments);
		for (size_t i = 0; i < ir.modules.n; i++) {
			FUZZ_ASSERT(!strchr(ir.modules.v[i], '-') && !strchr(ir.modules.v[i], '/'));
			FUZZ_ASSERT(initramfs_has_module(&ir, ir.modules.v[i]));
		}
	}
	initramfs_free(&ir);
	return 0;
}
