/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: environment files as systemd reads them (/etc/sysconfig/sshd, RHEL 8's
 * opensshserver.config) and the sshd -o options of a CRYPTO_POLICY value. */
#include "cryptopol.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *value = NULL;
	unsigned line = 0;
	struct strv opts = {0};
	size_t lines = 1;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	if (cryptopol_env_get(text, "CRYPTO_POLICY", &value, &line) == 0) {
		/* the value is never longer than its line, and the line is one of the text's */
		FUZZ_ASSERT(value && strlen(value) <= size && line >= 1 && line <= lines);
		cryptopol_split_opts(value, &opts);
		for (size_t i = 0; i < opts.n; i++)
			FUZZ_ASSERT(strchr(opts.v[i], '=') && !strpbrk(opts.v[i], " \t\n"));
	} else {
		FUZZ_ASSERT(!value);
	}
	cryptopol_split_opts(text, &opts);
	strv_free(&opts);
	free(value);
	free(text);
	return 0;
}
