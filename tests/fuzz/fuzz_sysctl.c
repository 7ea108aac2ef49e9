/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: sysctl.d syntax as systemd-sysctl reads it, and key lookups with globs. */
#include "fuzz.h"
#include "sysctl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	_cleanup_free_ char *copy = xstrdup(text);
	struct sysctl_conf conf = {0};

	sysctl_parse(&conf, "/etc/sysctl.d/99-fuzz.conf", text);
	for (size_t i = 0; i < conf.n; i++) {
		FUZZ_ASSERT(conf.v[i].key && conf.v[i].line >= 1);
		/* the last explicit entry of a key decides it; "-key" (no value) means kernel default */
		const struct sysctl_entry *e = sysctl_lookup(&conf, conf.v[i].key);
		if (!conf.v[i].glob && conf.v[i].value)
			FUZZ_ASSERT(!e || (streq(e->key, conf.v[i].key) && e >= &conf.v[i]));
	}
	(void)sysctl_lookup(&conf, "net.ipv4.ip_forward");
	free(sysctl_normalize(copy));
	sysctl_free(&conf);
	free(text);
	return 0;
}
