/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration: JSON files merged in order, validated against one key table. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "severity.h"
#include "util.h"

struct cg_check_config {
	char *id;     /* a check id or a glob over ids ("secrets.*") */
	int enabled;  /* -1 unset, 0, 1 */
	int severity; /* -1 unset, else enum cg_severity */
	struct strv paths, exclude;
};

struct cg_config {
	json_t *root; /* the merged document; sections of later issues read from it */
	struct strv files; /* files loaded, in order */
	/* settled values */
	char *profile;
	enum cg_severity fail_on;
	struct strv scan_exclude;
	unsigned long long max_file_size;
	bool one_file_system;
	unsigned long long max_findings;
	unsigned workers;
	struct cg_check_config *checks;
	size_t nchecks;
};

#define CONFIG_DEFAULT_DIR "/etc/capgate"

void config_init(struct cg_config *cfg);
void config_free(struct cg_config *cfg);
/* Load DIR/capgate.json then DIR/conf.d/\*.json in lexical order; missing files are fine.
 * On error returns -EINVAL and sets *ERR to "file:line:column: reason" (malloc'd). */
int config_load_dir(struct cg_config *cfg, const char *dir, char **err);
/* Load one file; it must exist. */
int config_load_file(struct cg_config *cfg, const char *path, char **err);
/* Parse a document given as text (NAME is used in messages). */
int config_load_text(struct cg_config *cfg, const char *name, const char *text, size_t len, char **err);
/* Settle typed values from the merged document; call once after loading. */
int config_settle(struct cg_config *cfg, char **err);

/* The per-check settings that apply to ID (exact entries win over globs); NULL when none. */
const struct cg_check_config *config_for_check(const struct cg_config *cfg, const char *id);
/* A K_DURATION value by dotted path in milliseconds (integers are seconds), or DFLT when unset. */
unsigned long long config_duration_ms(const struct cg_config *cfg, const char *path, unsigned long long dflt);
/* Call FN for every key of the schema table: dotted path ('*' for any key of a map) and a type
 * name ("string", "severity", ...). The man page capgate.json(5) is generated from it. */
void config_foreach_key(void (*fn)(const char *path, const char *type, void *ud), void *ud);
/* A section of the merged document by dotted path ("daemon.listen"), or NULL. Borrowed. */
json_t *config_get(const struct cg_config *cfg, const char *path);
