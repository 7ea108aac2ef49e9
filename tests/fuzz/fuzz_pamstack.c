/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: one PAM configuration file (no image: @include is not followed). */
#include "fuzz.h"
#include "pamstack.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct pamstack st = {0};

	pamstack_parse_text(&st, NULL, "/etc/pam.d/fuzz", text, NULL);
	for (size_t i = 0; i < st.n; i++) {
		const struct pam_entry *e = &st.v[i];
		FUZZ_ASSERT(e->control[0] && e->module[0] && e->line >= 1);
		FUZZ_ASSERT(pamstack_find(&st, e->type, strrchr(e->module, '/') ? strrchr(e->module, '/') + 1 : e->module));
		for (size_t k = 0; k < e->args.n; k++)
			FUZZ_ASSERT(pamstack_arg(e, e->args.v[k]) || strchr(e->args.v[k], '='));
	}
	pamstack_free(&st);
	return 0;
}
