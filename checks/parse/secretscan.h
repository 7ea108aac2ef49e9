/* SPDX-License-Identifier: Apache-2.0 */
/* The content scan of secrets.*: one walk, Vectorscan streaming detection on a worker pool, then
 * line location and judgment only for the files that hit. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "safefs.h"
#include "secretrules.h"
#include "util.h"

struct secretscan_finding {
	enum secret_owner owner;
	char *path;
	unsigned line;
	unsigned col, span; /* the secret's bytes within LINE; span 0: not known (the judge built it) */
	const char *rule; /* static */
	char *evidence;   /* redacted */
	char *message;
};

struct secretscan_error {
	char *path;
	int err; /* -errno */
};

struct secretscan_opts {
	struct strv starts;             /* directories to walk (union of the checks' scopes) */
	const struct strv *exclude;     /* globs never walked (scan.exclude) */
	bool one_file_system;
	unsigned long long max_file_size;
	unsigned workers;
	size_t max_findings;            /* per owner; beyond it only a count */
	struct {
		const struct strv *paths;   /* NULL or empty: everywhere */
		const struct strv *exclude;
	} scope[SO_COUNT];
	const char *const *pk_skip;     /* globs whose private keys belong to another check */
	/* another visitor fed every entry and every unreadable entry of this walk (perm.*'s image-wide
	 * checks ride on it, so the image is enumerated once); what it returns is ignored */
	const struct safefs_walk_ops *tap;
	void *tap_ud;
};

struct secretscan {
	struct secretscan_finding *f;
	size_t nf;
	size_t omitted[SO_COUNT];
	struct secretscan_error *e;
	size_t ne;
	int rc; /* the walk itself failed (-errno), 0 otherwise */
	/* statistics */
	unsigned long long files, bytes, hit_files, skipped_format, skipped_large, largest_skipped;
	unsigned long long dedup_steps; /* steps of the overlap pass: linear in the findings (a test bounds it) */
	char *largest_skipped_path;
	unsigned long long duration_ms;
};

/* Walk FS under O->starts and fill OUT (sorted by path, line). Returns 0 or -errno when the engine
 * could not start; per-file problems are in OUT->e. */
int secretscan_run(const struct safefs *fs, const struct secretscan_opts *o, struct secretscan *out);
void secretscan_free(struct secretscan *s);

/* Does PATH fall under one of PREFIXES ("/" or empty list: everything)? */
bool secretscan_in_scope(const struct strv *prefixes, const char *path);

/* Detection over one buffer fed to the stream in two pieces split at SPLIT (for tests and the
 * fuzzer): rule i is in *HITS when it matched. Returns 0 or -EIO. */
int secretscan_detect_buffer(const char *buf, size_t len, size_t split, struct secret_mask *hits);

/* Every database serialized, in the layout the build-time blob (secretscan_prebuilt) has; for
 * checks/prebuild/secretdb_gen.c. *OUT is malloc'd. Returns 0 or -errno. */
int secretscan_serialize(char **out, size_t *len);
/* Whether the detection database came from the build-time blob (false: compiled at run time). */
bool secretscan_prebuilt_used(void);

/* Print the rule patterns, one per line, in ripgrep's syntax (for the benchmark). */
void secretscan_print_patterns(FILE *out);
