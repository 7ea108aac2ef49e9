/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: waagent.conf parsing and the edit that keeps every other line. */
#include "fuzz.h"
#include "waagentconf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct waagentconf c = {0}, d = {0};

	waagentconf_parse(&c, text);
	(void)waagentconf_switch(&c, "ResourceDisk.Format", 0);
	char *out = waagentconf_edit(text, "ResourceDisk.Format=n\nResourceDisk.EnableSwap=n");
	FUZZ_ASSERT(out);
	/* after the edit the keys read as set, and a second edit changes nothing */
	waagentconf_parse(&d, out);
	FUZZ_ASSERT(waagentconf_switch(&d, "ResourceDisk.Format", 1) == 0);
	FUZZ_ASSERT(waagentconf_switch(&d, "ResourceDisk.EnableSwap", 1) == 0);
	char *again = waagentconf_edit(out, "ResourceDisk.Format=n\nResourceDisk.EnableSwap=n");
	FUZZ_ASSERT(again && streq(again, out));
	free(again);
	free(out);
	waagentconf_free(&d);
	waagentconf_free(&c);
	free(text);
	return 0;
}
