/* SPDX-License-Identifier: Apache-2.0 */
/* Repository configuration of the rpm families, one INI dialect read the way libdnf and libzypp
 * read it: dnf.conf / yum.conf / tdnf.conf [main], yum.repos.d/\*.repo (dnf, yum, tdnf), zypp's
 * repos.d/\*.repo and zypp.conf [main]. Plain data out: sections with their options and lines. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"

enum rpmrepo_tool { RPMREPO_DNF, RPMREPO_ZYPP };

struct rpmrepo_opt {
	char *key, *value;
	unsigned line;
};

struct rpmrepo_section {
	char *name;      /* "main" for the tool's global section */
	char *path;      /* the file inside the image */
	unsigned line;   /* of the [name] header */
	bool main;       /* from the tool's main configuration file */
	enum rpmrepo_tool tool;
	struct rpmrepo_opt *opts;
	size_t n;
};

struct rpmrepo_conf {
	struct rpmrepo_section *v;
	size_t n;
};

/* Append the sections of TEXT (the file PATH) to C. Keys are lowercased; a repeated key keeps its
 * last value, as libdnf's parser does; lines before the first section are ignored. */
void rpmrepo_parse(struct rpmrepo_conf *c, const char *path, const char *text, enum rpmrepo_tool tool, bool main);
/* Every file above that the image has. -errno (with *ERR_PATH) when one cannot be read. */
int rpmrepo_load(const struct safefs *fs, struct rpmrepo_conf *c, char **err_path);
void rpmrepo_free(struct rpmrepo_conf *c);
/* The option KEY of S, or NULL. */
const struct rpmrepo_opt *rpmrepo_get(const struct rpmrepo_section *s, const char *key);
/* 1 for 1/yes/true/on, 0 for 0/no/false/off, -1 for anything else (libdnf's and zypp's words). */
int rpmrepo_bool(const char *v);
