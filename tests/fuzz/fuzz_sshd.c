/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: sshd_config, parsed as /etc/ssh/sshd_config and as a drop-in it includes (so an
 * input that includes itself must terminate), then defaults, `sshd -T` overlay and lookups. */
#include "fuzz.h"
#include "sshcfg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_root();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	const struct safefs *fs = fuzz_root();
	struct sshcfg c = {0};
	unsigned ver;
	long secs;

	fuzz_root_write("etc/ssh/sshd_config.d/fuzz.conf", data, size);
	sshcfg_parse_text(&c, fs, "/etc/ssh/sshd_config", text);
	sshcfg_finish(&c);
	(void)sshcfg_apply_dump(&c, text);
	for (size_t i = 0; i < c.nopts; i++)
		FUZZ_ASSERT(sshcfg_find(&c, c.opts[i].kw));
	(void)sshcfg_get(&c, "permitrootlogin");
	(void)sshcfg_get(&c, "passwordauthentication");
	sshcfg_free(&c);
	(void)sshcfg_parse_version(text, &ver);
	(void)sshcfg_parse_time(text, &secs);
	return 0;
}
