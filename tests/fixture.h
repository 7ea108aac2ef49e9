/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture trees for remediation tests: build files under a scratch root, and digest a whole tree
 * (type, mode, owner, size, SHA-256 or link target of every entry) to prove what changed. */
#pragma once
#include <check.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

struct fixture {
	char *dir;     /* scratch directory holding root/ and outside/ */
	char *root;    /* the image root */
	char *outside; /* a canary tree next to the root */
};

void fixture_init(struct fixture *fx);
void fixture_done(struct fixture *fx);
/* Write a file under the root (PATH as inside the image), creating parent directories. */
void fx_put(const struct fixture *fx, const char *path, const char *content, mode_t mode);
void fx_mkdir(const struct fixture *fx, const char *path);
void fx_symlink(const struct fixture *fx, const char *target, const char *path);
/* A host path under the root, malloc'd. */
char *fx_path(const struct fixture *fx, const char *path);
/* Whole content of a host file, or NULL. */
char *fx_read(const char *hostpath);
/* Digest of every entry under DIR, one sorted line per entry. */
void fx_digest(const char *dir, struct strv *out);
/* Paths (relative to the digested dir) whose line differs between A and B; returns the count
 * and puts them, comma-separated, into *LIST (malloc'd). */
size_t fx_diff(const struct strv *a, const struct strv *b, char **list);
/* Run a suite with one test case holding TESTS, each a Check test function; 0 when all passed. */
int fx_run(const char *name, void (*setup)(void), void (*teardown)(void), const TTest *const *tests, size_t n);
