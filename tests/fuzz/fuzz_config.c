/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the JSON configuration loader, from text to settled settings. */
#include <regex.h>

#include "config.h"
#include "fuzz.h"

static regex_t err_shape;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* every error names file, line and column (DESIGN: exit 2 with the file, line and reason) */
	if (regcomp(&err_shape, "^fuzz\\.json:[1-9][0-9]*:[1-9][0-9]*: .", REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_config cfg;
	char *err = NULL;
	int r;

	config_init(&cfg);
	r = config_load_text(&cfg, "fuzz.json", (const char *)data, size, &err);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL && err);
		if (regexec(&err_shape, err, 0, NULL, 0) != 0) {
			fprintf(stderr, "error without file:line:column: '%s'\n", err);
			abort();
		}
		free(err);
	} else {
		FUZZ_ASSERT(!err);
		/* a second copy exercises the merge of a document into itself */
		FUZZ_ASSERT(config_load_text(&cfg, "fuzz.json", (const char *)data, size, &err) == 0);
		FUZZ_ASSERT(config_settle(&cfg, &err) == 0);
		(void)config_for_check(&cfg, "gen.machine-id");
		(void)config_get(&cfg, "scan.exclude");
		(void)config_get(&cfg, "checks.gen.machine-id.enabled");
		for (size_t i = 0; i < cfg.nchecks; i++)
			FUZZ_ASSERT(cfg.checks[i].id);
	}
	config_free(&cfg);
	return 0;
}
