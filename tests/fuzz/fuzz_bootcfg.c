/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: GRUB defaults (shell), grub.cfg, BLS entries, grubenv and command line words. */
#include "bootcfg.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static const char *lookup(const char *name, void *ud)
{
	char *v = bootcfg_grubenv_get(ud, name);
	bool found = v != NULL;
	free(v);
	return found ? "x y" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct bootcfg_defaults d = {0};
	struct bootcfg_grubcfg g = {0};
	struct bootcfg_bls e = {0};
	struct strv w = {0};

	bootcfg_defaults_parse(&d, "/etc/default/grub", text);
	bootcfg_defaults_parse(&d, "/etc/default/grub.d/x.cfg", text);
	for (size_t i = 0; i < d.n; i++) {
		FUZZ_ASSERT(d.v[i].name && d.v[i].value && d.v[i].line >= 1);
		/* the last assignment of a name is the one found */
		FUZZ_ASSERT(bootcfg_defaults_get(&d, d.v[i].name) >= &d.v[i]);
	}
	bootcfg_grubcfg_parse(&g, text);
	for (size_t i = 0; i < g.n; i++)
		FUZZ_ASSERT(g.v[i].kernel && g.v[i].args && g.v[i].line >= 1);
	bootcfg_bls_parse(&e, text);
	char *x = bootcfg_expand(e.options ? e.options : text, lookup, text);
	FUZZ_ASSERT(x);
	bootcfg_cmdline_split(x, &w);
	for (size_t i = 0; i < w.n; i++)
		FUZZ_ASSERT(!strchr(w.v[i], '"'));
	(void)bootcfg_cmdline_has(&w, "console", "ttyS0");
	free(bootcfg_grubenv_get(text, "kernelopts"));
	free(x);
	strv_free(&w);
	bootcfg_bls_free(&e);
	bootcfg_grubcfg_free(&g);
	bootcfg_defaults_free(&d);
	free(text);
	return 0;
}
