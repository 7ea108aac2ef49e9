/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers: scratch fixture trees, snapshots to prove nothing changed, running the binary. */
#pragma once
#include <check.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

/* A fresh directory under $TMPDIR (default /var/tmp); malloc'd path. */
char *tu_scratch(void);
/* ROOT/REL as a malloc'd string. */
char *tu_path(const char *root, const char *rel);
/* Create parents as needed, then the file with CONTENT and MODE. */
void tu_write(const char *root, const char *rel, const char *content, mode_t mode);
void tu_mkdir(const char *root, const char *rel, mode_t mode);
void tu_symlink(const char *root, const char *rel, const char *target);
void tu_rm_rf(const char *path);
/* Set a file's atime to 2000-01-01 so any later read shows (relatime updates it). */
void tu_age_atime(const char *root, const char *rel);

enum { TU_SNAP_ATIME = 1 };
/* A listing of every entry under PATH (not following symlinks): type, mode, owner, size, mtime,
 * ctime, content SHA-256 or link target; with TU_SNAP_ATIME also atime. malloc'd. */
char *tu_snapshot(const char *path, unsigned flags);

/* Run ARGV (NULL-terminated) with stdin from /dev/null; capture stdout and stderr (may be NULL).
 * Returns the exit code, or 128+signal. */
int tu_run(const char *const *argv, char **out, char **err);
/* The folder of RPM-family trees tests/fixtures/rpmtrees.sh built (or had cached); malloc'd. */
char *tu_rpmtrees(void);
/* The capgate binary under test (CAPGATE_BIN). */
const char *tu_capgate(void);
/* Number of open descriptors of this process. */
int tu_count_fds(void);
/* Run a Check suite; returns the process exit code. */
int tu_main(Suite *s);

#include "scan.h"
/* Scan ROOT in-process with the checks matching ONLY (globs, comma-separated; NULL: all) and
 * an empty configuration. Free with tu_scan_free(). */
struct tu_scan {
	struct cg_config cfg;
	struct cg_ctx ctx;
	struct cg_report rep;
};
void tu_scan(struct tu_scan *t, const char *root, const char *only);
/* The same with a profile (NULL: the default) and a configuration document (NULL: empty). */
void tu_scan_with(struct tu_scan *t, const char *root, const char *profile, const char *json, const char *only);
void tu_scan_free(struct tu_scan *t);
/* The result of check ID in a report, or NULL when it did not run. */
const struct cg_result *tu_result(const struct cg_report *rep, const char *id);
/* Whether RESULT has a finding on PATH. */
bool tu_has_finding(const struct cg_result *r, const char *path);
