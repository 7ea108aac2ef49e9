/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: sshd_config parsing (no image: Includes are not followed), defaults, sshd -T overlay. */
#include "fuzz.h"
#include "sshcfg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct sshcfg c = {.version = size ? 600 + data[0] % 400 : 902};
	long secs;

	sshcfg_parse_text(&c, NULL, SSHCFG_MAIN, text);
	sshcfg_finish(&c);
	/* every keyword has one global value at most, except the accumulating ones; defaults filled */
	FUZZ_ASSERT(sshcfg_get(&c, "permitrootlogin") && sshcfg_get(&c, "ciphers") && sshcfg_get(&c, "macs"));
	for (size_t i = 0; i < c.nopts; i++) {
		FUZZ_ASSERT(c.opts[i].kw[0] && !c.opts[i].match);
		FUZZ_ASSERT(!c.opts[i].file || c.opts[i].line > 0);
	}
	for (size_t i = 0; i < c.nscoped; i++)
		FUZZ_ASSERT(c.scoped[i].match && c.scoped[i].file);
	for (size_t i = 0; i < c.ndiags; i++)
		FUZZ_ASSERT(c.diags[i].msg);
	sshcfg_apply_dump(&c, text);
	sshcfg_parse_time(text, &secs);
	sshcfg_free(&c);
	return 0;
}
